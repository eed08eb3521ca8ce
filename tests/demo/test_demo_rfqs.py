"""The RFQ step of ``manage.py load_demo``: every state, consistent stories, idempotent, and the
demo accounts see their RFQs."""
from io import StringIO

import pytest
from django.core.management import call_command

from marketplace.api.services import create_token
from marketplace.demo.builders.rfqs import BASE_RFQS, MAX_RFQS, SHOWCASE, rfq_count
from marketplace.notifications.models import Notification
from rfq import quoting
from rfq.models import RFQ, Award, Question, Quote, QuoteVersion, RFQInvitation

pytestmark = pytest.mark.django_db

SUPPLIERS = 60


def load_demo(*args: str) -> None:
    call_command("load_demo", "--suppliers", str(SUPPLIERS), *args, "--quiet", stdout=StringIO())


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (RFQ, Quote, QuoteVersion, Question, RFQInvitation, Award, Notification)
    }




def test_demo_rfqs_cover_every_state_with_consistent_stories():
    load_demo()

    assert RFQ.objects.count() == rfq_count(SUPPLIERS) == BASE_RFQS
    statuses = set(RFQ.objects.values_list("status", flat=True))
    assert statuses == set(RFQ.Status.values)
    demo_buyer_rfqs = RFQ.objects.filter(created_by__email="acheteur@demo.test")
    assert demo_buyer_rfqs.count() >= len(SHOWCASE)
    assert {r.status for r in demo_buyer_rfqs} == set(RFQ.Status.values)

    # Published: invitations, questions answered and not, draft and submitted quotes.
    assert RFQInvitation.objects.filter(rfq__status="published").exists()
    assert Question.objects.filter(answered_at__isnull=False).exists()
    assert Question.objects.filter(answered_at__isnull=True).exists()
    assert Quote.objects.filter(status="draft", supplier__memberships__user__email="fournisseur@demo.test").exists()
    assert Quote.objects.filter(status="submitted", rfq__status="published").exists()

    # Closed and sealed, closed and opened, awarded whole and per lot, cancelled with a reason.
    assert RFQ.objects.filter(status="closed", opened_at__isnull=True).exists()
    assert RFQ.objects.filter(status="closed", opened_at__isnull=False).exists()
    assert Award.objects.filter(lot__isnull=True).exists() and Award.objects.filter(lot__isnull=False).exists()
    assert all(r.cancel_reason for r in RFQ.objects.filter(status="cancelled"))

    for rfq in RFQ.objects.exclude(status__in=["draft", "published", "cancelled"]):
        assert rfq.published_at < rfq.quote_deadline < rfq.closed_at, rfq
        if rfq.opened_at:
            assert rfq.closed_at < rfq.opened_at
        if rfq.awarded_at:
            assert rfq.opened_at < rfq.awarded_at
        for quote in rfq.quotes.exclude(submitted_at=None):
            assert rfq.published_at < quote.submitted_at < rfq.quote_deadline
    # Every frozen version still matches its hash, so opening found them intact.
    for version in QuoteVersion.objects.all():
        assert quoting.quote_content_hash(version.content) == version.sha256
    assert not Quote.objects.filter(integrity_ok=False).exists()
    # No demo notification is waiting to be emailed to a demo.test address.
    assert not Notification.objects.filter(emailed_at__isnull=True, params__has_key="reference").exists()


def test_running_twice_adds_no_rfq():
    load_demo()
    first = counts()
    load_demo()
    assert counts() == first


def test_the_demo_buyer_sees_its_rfqs_through_the_api(client):
    from django.contrib.auth import get_user_model

    load_demo()
    buyer = get_user_model().objects.get(email="acheteur@demo.test")
    token = create_token(buyer, "tests")[1]
    body = client.get("/api/rfqs?mine=true&page_size=100", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["total"] == RFQ.objects.filter(buyer__memberships__user=buyer).count() >= len(SHOWCASE)
    assert {r["status"] for r in body["results"]} == set(RFQ.Status.values)


def test_rfq_count_grows_with_suppliers_and_is_capped():
    assert rfq_count(300) == BASE_RFQS
    assert rfq_count(100_000) == BASE_RFQS + 100
    assert rfq_count(10_000_000) == MAX_RFQS
