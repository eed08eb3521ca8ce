"""Set-up process for the outage-under-load test: a buyer's published RFQ and several logged-in
suppliers (``FAULT_SUPPLIERS``, default 6), one client each. Prints JSON: the quote form's path,
the suppliers' session cookies, the RFQ id and its line ids."""
import json
import os

import django

django.setup()

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from tests.rfq.conftest import make_buyer, make_supplier, published_rfq_for  # noqa: E402

buyer = make_buyer()
rfq = published_rfq_for(buyer)
sessions = []
for _ in range(int(os.environ.get("FAULT_SUPPLIERS", "6"))):
    client = Client()
    client.force_login(make_supplier().user)
    sessions.append(client.cookies["sessionid"].value)
print(json.dumps({
    "quote_path": reverse("rfq:quote", args=[rfq.reference]),
    "sessions": sessions,
    "rfq": rfq.pk,
    "lines": [line.pk for lot in rfq.lots.order_by("number") for line in lot.lines.order_by("number")],
}))
