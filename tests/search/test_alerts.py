"""Alerts on RFQ publication: who is alerted, how (instant for Pro, digest for Free), the digest
command, and the Elasticsearch percolator giving the same set as SQL (tests/search/conftest.py catalogue)."""
import logging
import os
import uuid

import pytest
from django.core.management import call_command

from marketplace.notifications.models import Notification
from rfq.models import RFQ, RFQInvitation
from rfq.signals import rfq_published
from search.alerts import RFQFacts, matching_keys_sql, save_search, suppliers_to_alert
from search.models import AlertDigestItem
from tests.billing.factories import SubscriptionFactory
from tests.factories import MembershipFactory

from .test_matching import rfq_for


@pytest.fixture
def people(catalogue):
    """One user per supplier organisation; A is Pro (instant alerts), the others Free."""
    users = {key: MembershipFactory(organisation=getattr(catalogue, key).organisation).user for key in "abcdf"}
    SubscriptionFactory(organisation=catalogue.a.organisation)
    return users


def publish(rfq):
    """What ``rfq.services.publish_rfq`` does after its commit."""
    rfq_published.send(sender=RFQ, rfq=rfq)


def alerted_users(rfq):
    return set(AlertDigestItem.objects.filter(rfq=rfq).values_list("user_id", flat=True))


def test_publishing_alerts_a_matching_pro_supplier_at_once_and_queues_a_digest_for_a_free_one(catalogue, people):
    # Bar turning near Lyon: A (Pro, décolletage in Lyon) and C (Free, turning in Grenoble) fit.
    rfq = rfq_for(title="Axes décolletés", summary="Axes Ø8 en inox.", skills=[catalogue.decolletage])

    publish(rfq)

    instant = Notification.objects.get(kind="search.rfq_alert", recipient=people["a"])
    assert instant.params["reference"] == rfq.reference
    assert "Décolletage" in instant.params["reason"]
    assert AlertDigestItem.objects.get(user=people["a"], rfq=rfq).sent_at is not None
    digest = AlertDigestItem.objects.get(user=people["c"], rfq=rfq)
    assert digest.sent_at is None and not digest.instant
    assert not Notification.objects.filter(kind="search.rfq_alert", recipient=people["c"]).exists()


def test_suppliers_whose_skills_or_sites_do_not_fit_are_not_alerted(catalogue, people):
    rfq = rfq_for(title="Axes décolletés", skills=[catalogue.decolletage])

    publish(rfq)

    assert people["b"].pk not in alerted_users(rfq)  # sheet metal
    assert people["d"].pk not in alerted_users(rfq)  # milling only
    far = rfq_for(title="Axes décolletés en Bretagne", skills=[catalogue.decolletage], commune="35238")
    publish(far)
    # Rennes is over 200 km from Lyon and from Grenoble/Marseille.
    assert alerted_users(far) == set()


def test_buyer_is_never_alerted_about_its_own_rfq(catalogue, people):
    rfq = rfq_for(catalogue.a.organisation, title="Axes", skills=[catalogue.decolletage])

    assert catalogue.a.organisation not in [org for org, _ in suppliers_to_alert(rfq)]


def test_invited_rfq_never_alerts_suppliers_who_are_not_invited(catalogue, people):
    rfq = rfq_for(title="Axes", skills=[catalogue.decolletage], visibility=RFQ.Visibility.INVITED)
    RFQInvitation.objects.create(rfq=rfq, supplier=catalogue.a.organisation)

    publish(rfq)

    assert alerted_users(rfq) == {people["a"].pk}


def test_confidential_rfq_alert_shows_the_summary_never_the_description(catalogue, people):
    rfq = rfq_for(title="Axes", summary="Axes de précision.", description="<p>Secret : plan 42-B</p>",
                  skills=[catalogue.decolletage], visibility=RFQ.Visibility.CONFIDENTIAL)

    publish(rfq)

    notification = Notification.objects.get(kind="search.rfq_alert", recipient=people["a"])
    assert notification.params["summary"] == "Axes de précision."
    assert "42-B" not in str(notification.params) and "42-B" not in notification.body


def test_saved_rfq_alert_matches_on_words_and_radius_and_names_itself(catalogue, people):
    # F welds in Rennes; its user watches laser cutting within 50 km of Lyon.
    saved = save_search(people["f"], name="Laser à Lyon", kind="rfqs", organisation=catalogue.f.organisation,
                        params={"q": ["découpe laser"], "postal_code": ["69001"], "radius_km": ["50"]})
    near = rfq_for(title="Découpe laser de tôles", commune="69266")
    far = rfq_for(title="Découpe laser de tôles", commune="35238")
    wrong_words = rfq_for(title="Pliage de tôles", commune="69266")

    for rfq in (near, far, wrong_words):
        publish(rfq)

    assert alerted_users(near) == {people["f"].pk}
    assert alerted_users(far) == set() and alerted_users(wrong_words) == set()
    assert dict(suppliers_to_alert(near))[catalogue.f.organisation] == "Alerte « Laser à Lyon »"
    saved.refresh_from_db()
    assert saved.last_notified_at is not None


def test_saved_alert_on_a_skill_includes_its_sub_skills(catalogue, people):
    save_search(people["d"], name="Usinage", kind="rfqs", organisation=catalogue.d.organisation,
                params={"skill": ["usinage"]})
    rfq = rfq_for(title="Axes", skills=[catalogue.decolletage], commune="35238")

    assert ("saved", people["d"].saved_searches.get().pk) in matching_keys_sql(rfq)


def test_disabled_saved_alert_alerts_nobody(catalogue, people):
    save_search(people["d"], name="Laser", kind="rfqs", organisation=catalogue.d.organisation,
                params={"q": ["laser"]}, alerts_enabled=False)
    rfq = rfq_for(title="Découpe laser", commune="35238")

    assert matching_keys_sql(rfq) == set()


def test_repeated_publication_signal_does_not_alert_twice(catalogue, people):
    rfq = rfq_for(title="Axes", skills=[catalogue.decolletage])

    publish(rfq)
    publish(rfq)

    assert Notification.objects.filter(kind="search.rfq_alert", recipient=people["a"]).count() == 1
    assert AlertDigestItem.objects.filter(rfq=rfq, user=people["c"]).count() == 1


def test_digest_command_sends_one_digest_per_user_and_is_idempotent(catalogue, people):
    first = rfq_for(title="Axes décolletés", skills=[catalogue.decolletage])
    second = rfq_for(title="Bagues tournées", skills=[catalogue.tournage])
    publish(first)
    publish(second)

    call_command("send_alert_digests", verbosity=0)
    call_command("send_alert_digests", verbosity=0)

    digests = Notification.objects.filter(kind="search.rfq_digest", recipient=people["c"])
    assert digests.count() == 1
    digest = digests.get()
    assert digest.params["count"] == 2
    assert first.reference in digest.body and second.reference in digest.body
    assert not AlertDigestItem.objects.filter(sent_at__isnull=True).exists()
    assert not Notification.objects.filter(kind="search.rfq_digest", recipient=people["a"]).exists()  # Pro


def test_unreachable_percolator_falls_back_to_sql_with_a_warning(catalogue, people, settings, caplog):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    settings.SEARCH_ALERTS_INDEX = "alerts-unreachable"
    rfq = rfq_for(title="Axes", skills=[catalogue.decolletage])

    with caplog.at_level(logging.WARNING, logger="marketplace.search"):
        organisations = {org for org, _ in suppliers_to_alert(rfq)}

    assert organisations == {catalogue.a.organisation, catalogue.c.organisation}
    assert "percolator unavailable" in caplog.text


@pytest.mark.elasticsearch
def test_percolator_gives_the_same_alerts_as_sql(catalogue, people, settings):
    url = os.environ.get("ELASTICSEARCH_URL")
    if not url:
        pytest.skip("ELASTICSEARCH_URL is not set (start a node with `make es-start`)")
    from search.backends import es_alerts

    settings.ELASTICSEARCH_URL = url
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.SEARCH_ALERTS_INDEX = f"test-alerts-{uuid.uuid4().hex[:10]}"
    cat = catalogue
    save_search(people["f"], name="Laser à Lyon", kind="rfqs", organisation=cat.f.organisation,
                params={"q": ["découpe laser"], "postal_code": ["69001"], "radius_km": ["50"]})
    save_search(people["d"], name="Usinage", kind="rfqs", organisation=cat.d.organisation, params={"skill": ["usinage"]})
    save_search(people["b"], name="Aéro 35", kind="rfqs", organisation=cat.b.organisation,
                params={"sector": ["aeronautique"], "department": ["35"]})
    save_search(people["c"], name="Inox", kind="rfqs", organisation=cat.c.organisation, params={"material": ["inox"]})
    rfqs = [
        rfq_for(title="Axes décolletés", skills=[cat.decolletage]),
        rfq_for(title="Axes décolletés en Bretagne", skills=[cat.decolletage], commune="35238"),
        rfq_for(title="Découpe laser de tôles", commune="69266"),
        rfq_for(title="Capots", skills=[cat.tolerie], sector=cat.aero, commune="35238"),
        rfq_for(title="Pièces en inox", materials=[cat.inox], commune=None),
        rfq_for(title="Sous-ensembles", sector=cat.auto, commune="69123"),
        rfq_for(title="Rien à voir", commune=None),
    ]
    try:
        assert es_alerts.rebuild() > 0
        for rfq in rfqs:
            facts = RFQFacts.of(rfq)
            assert es_alerts.percolate(facts) == matching_keys_sql(rfq, facts), rfq.title
        # Both engines see something on these fixtures, so the comparison is not vacuous.
        assert any(matching_keys_sql(rfq) for rfq in rfqs)
    finally:
        es_alerts.drop_index()


@pytest.mark.elasticsearch
def test_a_new_skill_synonym_reaches_saved_alerts_already_in_the_percolator(
    catalogue, people, settings, django_capture_on_commit_callbacks
):
    url = os.environ.get("ELASTICSEARCH_URL")
    if not url:
        pytest.skip("ELASTICSEARCH_URL is not set (start a node with `make es-start`)")
    from search.backends import es_alerts
    from search.backends.elasticsearch import ElasticsearchBackend

    settings.ELASTICSEARCH_URL = url
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.SEARCH_ELASTICSEARCH_INDEX = f"test-taxonomy-{uuid.uuid4().hex[:10]}"  # the skill save reindexes
    settings.SEARCH_ALERTS_INDEX = f"{settings.SEARCH_ELASTICSEARCH_INDEX}-alerts"
    cat = catalogue
    saved = save_search(people["f"], name="Décolletage", kind="rfqs", organisation=cat.f.organisation,
                        params={"q": ["décolletage"]})
    try:
        es_alerts.rebuild()  # registered with the synonyms of the day
        with django_capture_on_commit_callbacks(execute=True):
            cat.decolletage.synonyms += "\nmicrodécolletage"
            cat.decolletage.save()
        # No skill, material or sector: only the words can match, through the new synonym.
        rfq = rfq_for(title="Microdécolletage d'axes horlogers", commune=None)
        publish(rfq)

        assert es_alerts.percolate(RFQFacts.of(rfq)) == {("saved", saved.pk)} == matching_keys_sql(rfq)
        assert alerted_users(rfq) == {people["f"].pk}
    finally:
        es_alerts.drop_index()
        ElasticsearchBackend(url=url, index=settings.SEARCH_ELASTICSEARCH_INDEX).drop_index()
