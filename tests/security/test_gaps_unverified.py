"""docs/SECURITY.md item 6: a supplier member whose email is not verified cannot quote — not
through the service, nor through the API with a personal token (a token outlives the login
check, which is why the rule sits in :func:`rfq.access.supplier_can_quote`)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress

from marketplace.api.services import create_token
from rfq import access, quoting
from rfq.exceptions import RFQError
from rfq.models import Quote
from tests.rfq.conftest import make_buyer, make_supplier, published_rfq_for

pytestmark = pytest.mark.django_db


def _lines(rfq):
    return [
        quoting.QuoteLineData(lot_line_id=pk, unit_price=Decimal("10.00"))
        for pk in rfq.lots.values_list("lines__id", flat=True)
    ]


def test_an_unverified_supplier_cannot_quote_through_the_service_nor_the_api(client):
    rfq = published_rfq_for(make_buyer())
    supplier = make_supplier(verified=False)
    assert not EmailAddress.objects.filter(user=supplier.user, verified=True).exists()

    assert access.supplier_can_quote(supplier.user, supplier.organisation, rfq) is False
    with pytest.raises(RFQError):
        quoting.submit_quote(supplier.user, rfq, supplier.organisation, lines=_lines(rfq), lead_time_days=10)

    token = create_token(supplier.user, "tests")[1]
    response = client.post(
        f"/api/rfqs/{rfq.pk}/quotes",
        {"lines": [{"lot_line_id": line.lot_line_id, "unit_price": "10.00"} for line in _lines(rfq)],
         "lead_time_days": 10, "submit": True},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "cannot_quote" and response.json()["detail"]
    assert not Quote.objects.filter(rfq=rfq, supplier=supplier.organisation).exists()


def test_the_same_supplier_quotes_once_its_email_is_verified():
    rfq = published_rfq_for(make_buyer())
    supplier = make_supplier(verified=False)
    EmailAddress.objects.create(user=supplier.user, email=supplier.user.email, verified=True, primary=True)

    assert access.supplier_can_quote(supplier.user, supplier.organisation, rfq) is True
    quote = quoting.submit_quote(supplier.user, rfq, supplier.organisation, lines=_lines(rfq), lead_time_days=10)
    assert quote.status == Quote.Status.SUBMITTED
