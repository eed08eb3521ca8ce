"""Queries behind the public and supplier pages: award rate, list filters, supplier dashboard."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rfq import selectors
from rfq.models import RFQ, Award, Quote, RFQInvitation
from suppliers.models import Skill
from tests.rfq.factories import PublishedRFQFactory, RFQFactory, SubmittedQuoteFactory, buyer_with_owner, supplier_with_owner

pytestmark = pytest.mark.django_db


def ended_rfq(buyer, status, *, days_ago=30, **kwargs):
    when = timezone.now() - timedelta(days=days_ago)
    return RFQFactory(buyer=buyer, status=status, closed_at=when, quote_deadline=when, **kwargs)


# --- Award rate ----------------------------------------------------------------------------------


def test_award_rate_counts_rfqs_that_reached_their_deadline_in_the_last_twelve_months():
    buyer, _user = buyer_with_owner()
    ended_rfq(buyer, RFQ.Status.AWARDED)
    ended_rfq(buyer, RFQ.Status.AWARDED, days_ago=200)
    ended_rfq(buyer, RFQ.Status.UNSUCCESSFUL)
    ended_rfq(buyer, RFQ.Status.CLOSED)
    ended_rfq(buyer, RFQ.Status.CANCELLED)  # cancelled after closing: counts as not awarded
    # Not counted: older than 12 months, still open, cancelled before closing, another buyer.
    ended_rfq(buyer, RFQ.Status.AWARDED, days_ago=400)
    PublishedRFQFactory(buyer=buyer)
    RFQFactory(buyer=buyer, status=RFQ.Status.CANCELLED, cancelled_at=timezone.now())
    other_buyer, _other = buyer_with_owner()
    ended_rfq(other_buyer, RFQ.Status.AWARDED)

    assert selectors.buyer_award_rate(buyer) == {"closed": 5, "awarded": 2, "rate": 40}


def test_award_rate_of_a_buyer_with_nothing_closed_has_no_percentage():
    buyer, _user = buyer_with_owner()
    PublishedRFQFactory(buyer=buyer)

    assert selectors.buyer_award_rate(buyer) == {"closed": 0, "awarded": 0, "rate": None}


# --- List ----------------------------------------------------------------------------------------


def test_skill_filter_includes_rfqs_asking_for_a_child_skill():
    parent = Skill.objects.filter(children__isnull=False).first()
    child = parent.children.first()
    asks_child = PublishedRFQFactory()
    asks_child.skills.add(child)
    asks_nothing = PublishedRFQFactory()

    found = list(selectors.open_rfqs_for(None, skill=parent))

    assert asks_child in found
    assert asks_nothing not in found


def test_open_rfqs_are_listed_once_soonest_deadline_first():
    later = PublishedRFQFactory(quote_deadline=timezone.now() + timedelta(days=20))
    sooner = PublishedRFQFactory(quote_deadline=timezone.now() + timedelta(days=2))
    for skill in Skill.objects.all()[:3]:
        later.skills.add(skill)

    assert list(selectors.open_rfqs_for(None)) == [sooner, later]


# --- Supplier dashboard --------------------------------------------------------------------------


def make_involvements(supplier, count):
    for _ in range(count):
        rfq = PublishedRFQFactory()
        RFQInvitation.objects.create(rfq=rfq, supplier=supplier)
        SubmittedQuoteFactory(rfq=rfq, supplier=supplier)


def test_supplier_dashboard_queries_do_not_grow_with_the_number_of_rows():
    supplier, _user = supplier_with_owner()
    make_involvements(supplier, 1)
    with CaptureQueriesContext(connection) as one:
        selectors.supplier_dashboard(supplier)
    make_involvements(supplier, 4)
    with CaptureQueriesContext(connection) as five:
        dashboard = selectors.supplier_dashboard(supplier)

    assert len(one) == len(five) == 3
    assert len(dashboard.quotes) == 5 and len(dashboard.invitations) == 5


def test_dashboard_deadlines_list_open_rfqs_the_supplier_is_involved_in_soonest_first():
    supplier, _user = supplier_with_owner()
    later = PublishedRFQFactory(quote_deadline=timezone.now() + timedelta(days=9))
    sooner = PublishedRFQFactory(quote_deadline=timezone.now() + timedelta(days=3))
    declined = PublishedRFQFactory()
    RFQInvitation.objects.create(rfq=later, supplier=supplier)
    SubmittedQuoteFactory(rfq=sooner, supplier=supplier)
    RFQInvitation.objects.create(rfq=declined, supplier=supplier, status=RFQInvitation.Status.DECLINED)

    assert selectors.supplier_dashboard(supplier).deadlines == [sooner, later]


def test_dashboard_page_shows_invitations_quotes_outcomes_and_debrief(client):
    supplier, user = supplier_with_owner()
    invited = PublishedRFQFactory(title="Consultation où je suis invité")
    RFQInvitation.objects.create(rfq=invited, supplier=supplier)
    lost = SubmittedQuoteFactory(
        supplier=supplier,
        rfq=PublishedRFQFactory(title="Consultation perdue", status=RFQ.Status.AWARDED),
        outcome=Quote.Outcome.UNSUCCESSFUL,
        debrief={"kind": "whole", "entries": [{"lot": None, "rank": 2, "of": 3, "gap_eur": "120.00", "gap_percent": "4.5"}]},
    )
    client.force_login(user)

    content = client.get(reverse("rfq:supplier_dashboard")).content.decode()

    assert "Consultation où je suis invité" in content
    assert "en attente" in content
    assert lost.rfq.title in content
    assert "non retenue" in content
    assert "classement 2 sur 3" in content
    assert "120.00 € HT (4.5 %)" in content


def test_dashboard_shows_rfqs_matching_the_supplier_or_a_link_to_all_rfqs(client):
    _supplier, user = supplier_with_owner()
    client.force_login(user)

    content = client.get(reverse("rfq:supplier_dashboard")).content.decode()

    assert reverse("rfq:list") in content


def test_dashboard_sends_a_buyer_organisation_to_the_list(client):
    _buyer, user = buyer_with_owner()
    client.force_login(user)

    response = client.get(reverse("rfq:supplier_dashboard"))

    assert response.status_code == 302
    assert response["Location"] == reverse("rfq:list")


def test_won_awards_are_prefetched_for_the_dashboard():
    supplier, _user = supplier_with_owner()
    quote = SubmittedQuoteFactory(supplier=supplier, outcome=Quote.Outcome.AWARDED)
    Award.objects.create(rfq=quote.rfq, quote=quote, amount=quote.total)

    dashboard = selectors.supplier_dashboard(supplier)

    assert [award.quote_id for award in dashboard.quotes[0].won_awards] == [quote.pk]
