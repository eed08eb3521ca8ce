"""Set-up process for the fault tests that drive a real server: a buyer's published RFQ and a
logged-in supplier. Prints JSON: the quote form's path, the supplier's session cookie, the RFQ id
and its line ids."""
import json

import django

django.setup()

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from tests.rfq.conftest import make_buyer, make_supplier, published_rfq_for  # noqa: E402

buyer, supplier = make_buyer(), make_supplier()
rfq = published_rfq_for(buyer)
client = Client()
client.force_login(supplier.user)
print(json.dumps({
    "quote_path": reverse("rfq:quote", args=[rfq.reference]),
    "session": client.cookies["sessionid"].value,
    "rfq": rfq.pk,
    "lines": [line.pk for lot in rfq.lots.order_by("number") for line in lot.lines.order_by("number")],
}))
