"""Saved searches: saving from the search page, the list at /recherches-enregistrees/, delete and
alerts switch, own rows only, bad input refused with a message."""
import pytest
from django.urls import reverse

from marketplace.audit.models import AuditEntry
from search.alerts import SavedSearchError, save_search
from search.models import SavedSearch
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, OrganisationFactory


@pytest.fixture
def supplier_user(catalogue):
    return MembershipFactory(organisation=catalogue.a.organisation).user


def login(client, user):
    assert client.login(email=user.email, password=DEFAULT_PASSWORD)


def test_search_page_offers_to_save_the_search_when_logged_in(client, indexed_catalogue, supplier_user):
    assert "Enregistrer cette recherche" not in client.get(reverse("search:suppliers")).content.decode()
    login(client, supplier_user)
    html = client.get(reverse("search:suppliers"), {"q": "tôlerie"}).content.decode()
    assert "Enregistrer cette recherche" in html
    assert 'value="q=t%C3%B4lerie"' in html


def test_saving_the_current_search_stores_its_parameters_and_lists_it_with_a_link(client, catalogue, supplier_user):
    login(client, supplier_user)
    response = client.post(reverse("search:saved_create"),
                           {"kind": "suppliers", "name": "Tôliers aéro", "query": "q=t%C3%B4lerie&sector=aeronautique&page=3"})

    assert response.status_code == 302 and response.url == reverse("search:saved_list")
    saved = SavedSearch.objects.get(user=supplier_user)
    assert saved.query == {"q": ["tôlerie"], "sector": ["aeronautique"]}
    assert not saved.alerts_enabled
    assert AuditEntry.objects.filter(action="search.saved_search_created", target_id=str(saved.pk)).exists()
    html = client.get(reverse("search:saved_list")).content.decode()
    assert "Tôliers aéro" in html
    assert "/recherche/?q=t%C3%B4lerie&amp;sector=aeronautique" in html


def test_saving_a_search_with_an_unknown_filter_is_refused_with_a_message(client, catalogue, supplier_user):
    login(client, supplier_user)
    response = client.post(reverse("search:saved_create"),
                           {"kind": "suppliers", "name": "X", "query": "sector=nexiste-pas"}, follow=True)

    assert response.status_code == 200
    assert "Valeur inconnue pour le filtre" in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_creating_an_rfq_alert_from_the_list_page(client, catalogue, supplier_user):
    login(client, supplier_user)
    html = client.get(reverse("search:saved_list")).content.decode()
    assert "Créer une alerte sur les consultations" in html

    client.post(reverse("search:saved_create"), {"kind": "rfqs", "name": "Laser Lyon", "q": "laser", "skill": "",
                                                  "postal_code": "69001", "radius_km": "50"})

    saved = SavedSearch.objects.get(user=supplier_user)
    assert saved.kind == "rfqs" and saved.alerts_enabled
    assert saved.organisation == catalogue.a.organisation
    assert saved.radius_km == 50 and saved.latitude is not None and saved.text == "laser"


def test_rfq_alert_with_a_place_but_no_radius_is_refused(catalogue, supplier_user):
    with pytest.raises(SavedSearchError):
        save_search(supplier_user, name="Lyon", kind="rfqs", organisation=catalogue.a.organisation,
                    params={"postal_code": ["69001"]})


def test_rfq_alert_for_an_organisation_the_user_does_not_belong_to_is_refused(catalogue, supplier_user):
    with pytest.raises(SavedSearchError):
        save_search(supplier_user, name="Ailleurs", kind="rfqs", organisation=catalogue.b.organisation, params={})


def test_owner_toggles_alerts_and_deletes_a_saved_search(client, catalogue, supplier_user):
    saved = save_search(supplier_user, name="Inox", kind="rfqs", organisation=catalogue.a.organisation,
                        params={"material": ["inox"]})
    login(client, supplier_user)

    client.post(reverse("search:saved_alerts", args=[saved.pk]), {"enabled": "0"})
    saved.refresh_from_db()
    assert not saved.alerts_enabled
    client.post(reverse("search:saved_alerts", args=[saved.pk]), {"enabled": "1"})
    saved.refresh_from_db()
    assert saved.alerts_enabled

    client.post(reverse("search:saved_delete", args=[saved.pk]))
    assert not SavedSearch.objects.exists()


def test_other_users_cannot_see_toggle_or_delete_a_saved_search(client, catalogue, supplier_user):
    saved = save_search(supplier_user, name="Mon secret", kind="rfqs", organisation=catalogue.a.organisation,
                        params={"material": ["inox"]})
    intruder = MembershipFactory(organisation=OrganisationFactory()).user
    login(client, intruder)

    assert "Mon secret" not in client.get(reverse("search:saved_list")).content.decode()
    assert client.post(reverse("search:saved_alerts", args=[saved.pk]), {"enabled": "0"}).status_code == 404
    assert client.post(reverse("search:saved_delete", args=[saved.pk])).status_code == 404
    saved.refresh_from_db()
    assert saved.alerts_enabled


def test_saved_searches_need_a_login_and_changes_need_post(client, catalogue, supplier_user):
    response = client.get(reverse("search:saved_list"))
    assert response.status_code == 302
    assert reverse("search:saved_list") in response.url  # the login page, coming back here
    login(client, supplier_user)
    assert client.get(reverse("search:saved_create")).status_code == 405
