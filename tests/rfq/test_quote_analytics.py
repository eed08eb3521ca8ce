"""Quote analytics: a Pro supplier sees its win rate and price gap; a Free one sees what Pro adds."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rfq.models import Quote
from rfq.selectors import quote_analytics
from tests.billing.factories import SubscriptionFactory
from tests.rfq.factories import SubmittedQuoteFactory, supplier_with_owner

pytestmark = pytest.mark.django_db


def test_analytics_count_decided_quotes_and_average_the_debrief_gaps():
    supplier, _user = supplier_with_owner()
    SubmittedQuoteFactory(supplier=supplier, outcome=Quote.Outcome.AWARDED)
    SubmittedQuoteFactory(supplier=supplier, outcome=Quote.Outcome.UNSUCCESSFUL,
                          debrief={"rank": 2, "gap_eur": "100.00", "gap_percent": "10.0"})
    SubmittedQuoteFactory(supplier=supplier, outcome=Quote.Outcome.UNSUCCESSFUL,
                          debrief={"lots": [{"rank": 3, "gap_percent": "20.0"}]})
    SubmittedQuoteFactory(supplier=supplier)  # still pending: not decided
    SubmittedQuoteFactory(supplier=supplier, status=Quote.Status.WITHDRAWN)  # never counts
    SubmittedQuoteFactory(supplier=supplier, submitted_at=timezone.now() - timedelta(days=400))  # too old

    analytics = quote_analytics(supplier)

    assert (analytics.submitted, analytics.decided, analytics.won) == (4, 3, 1)
    assert analytics.win_rate == 33
    assert str(analytics.average_gap_percent) == "15.0"


def test_pro_supplier_sees_its_statistics_on_the_dashboard(client):
    supplier, user = supplier_with_owner()
    SubscriptionFactory(organisation=supplier)
    SubmittedQuoteFactory(supplier=supplier, outcome=Quote.Outcome.AWARDED)
    client.force_login(user)

    html = client.get(reverse("rfq:supplier_dashboard")).content.decode()

    assert "offres retenues sur les consultations décidées" in html and "100 %" in html
    assert "Découvrir l'offre Pro" not in html


def test_free_supplier_is_shown_what_pro_adds_instead_of_statistics(client):
    supplier, user = supplier_with_owner()
    SubmittedQuoteFactory(supplier=supplier, outcome=Quote.Outcome.AWARDED)
    client.force_login(user)

    html = client.get(reverse("rfq:supplier_dashboard")).content.decode()

    assert "offres retenues sur les consultations décidées" not in html
    assert "Découvrir l'offre Pro" in html
