"""Clusters: public directory and pages, the cluster profile, and the membership flows both ways."""
import pytest
from django.urls import reverse
from django.utils import translation

from marketplace.accounts.models import Membership
from marketplace.audit.models import AuditEntry
from marketplace.geo.models import Region
from suppliers import clusters
from suppliers.models import ClusterMembership, ClusterProfile, SupplierProfile
from tests.factories import MembershipFactory, OrganisationFactory
from tests.suppliers.factories_directory import (
    ClusterMembershipFactory,
    ClusterOrganisationFactory,
    ClusterProfileFactory,
    PublishedProfileFactory,
    SectorFactory,
    manager_of,
)

pytestmark = pytest.mark.django_db

Status = ClusterMembership.Status


@pytest.fixture
def cluster():
    return ClusterProfileFactory(organisation__name="Pôle Mécanique Alpes", slug="pole-mecanique-alpes")


@pytest.fixture
def cluster_manager(cluster):
    return manager_of(cluster.organisation)


@pytest.fixture
def supplier_profile():
    return PublishedProfileFactory(organisation__name="Décolletage Savoyard")


@pytest.fixture
def supplier_manager(supplier_profile):
    return manager_of(supplier_profile.organisation)


# --- Cluster profile -----------------------------------------------------------------------------


def test_cluster_owner_creates_the_cluster_profile_with_a_slug_from_the_name(client):
    organisation = ClusterOrganisationFactory(name="Vallée de l'Arve Technic")
    client.force_login(manager_of(organisation))
    sector = SectorFactory()

    response = client.post(
        reverse("suppliers:cluster_profile_edit"),
        {"description": "Le cluster du décolletage.", "sectors": [sector.slug], "region": "84", "website": "https://example.test"},
    )

    assert response.status_code == 302
    profile = ClusterProfile.objects.get(organisation=organisation)
    assert profile.slug == "vallee-de-larve-technic"
    assert profile.region_id == "84"
    assert list(profile.sectors.all()) == [sector]
    assert AuditEntry.objects.filter(action="cluster_profile.created").exists()


def test_a_supplier_organisation_cannot_create_a_cluster_profile(supplier_profile, supplier_manager):
    with pytest.raises(clusters.NotAllowed):
        clusters.save_cluster_profile(supplier_manager, supplier_profile.organisation, {"description": "x"})


def test_plain_member_of_the_cluster_cannot_edit_its_profile(client, cluster):
    member = MembershipFactory(organisation=cluster.organisation, role=Membership.Role.MEMBER).user
    member.active_organisation = cluster.organisation
    member.save()
    client.force_login(member)
    assert client.post(reverse("suppliers:cluster_profile_edit"), {"description": "pirate"}).status_code == 403


def test_bad_values_in_the_cluster_profile_form_are_form_errors(client, cluster, cluster_manager):
    client.force_login(cluster_manager)
    response = client.post(
        reverse("suppliers:cluster_profile_edit"), {"region": "ZZ", "sectors": ["inconnue"], "website": "pas une url"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors


# --- Public pages --------------------------------------------------------------------------------


def test_cluster_directory_filters_by_region_and_sector(client, cluster):
    sector = SectorFactory()
    cluster.region = Region.objects.get(code="84")
    cluster.save()
    cluster.sectors.add(sector)
    ClusterProfileFactory(organisation__name="Cluster Breton", region=Region.objects.get(code="53"))

    by_region = client.get(reverse("suppliers:cluster_directory"), {"region": "84"}).content.decode()
    by_sector = client.get(reverse("suppliers:cluster_directory"), {"filiere": sector.slug}).content.decode()

    assert "Pôle Mécanique Alpes" in by_region and "Cluster Breton" not in by_region
    assert "Pôle Mécanique Alpes" in by_sector and "Cluster Breton" not in by_sector


@pytest.mark.parametrize(
    "params",
    [{"region": "999"}, {"region": "<script>"}, {"filiere": "n'existe-pas"}, {"filiere": "x" * 500}, {"page": "abc"}],
)
def test_unknown_filter_values_show_a_message_not_an_error(client, cluster, params):
    response = client.get(reverse("suppliers:cluster_directory"), params)
    assert response.status_code == 200
    assert "Pôle Mécanique Alpes" in response.content.decode()
    if "page" not in params:
        assert "inconnue : filtre ignoré" in response.content.decode()


def test_cluster_page_lists_published_members_and_counts_all_active_ones(client, cluster):
    listed = PublishedProfileFactory(organisation__name="Membre Publié")
    draft = PublishedProfileFactory(organisation__name="Membre Brouillon", status=SupplierProfile.Status.DRAFT)
    ended = PublishedProfileFactory(organisation__name="Ancien Membre")
    ClusterMembershipFactory(cluster=cluster.organisation, supplier=listed.organisation)
    ClusterMembershipFactory(cluster=cluster.organisation, supplier=draft.organisation)
    ClusterMembershipFactory(cluster=cluster.organisation, supplier=ended.organisation, status=Status.ENDED)

    response = client.get(cluster.get_absolute_url())

    content = response.content.decode()
    assert response.context["member_count"] == 2
    assert "Membre Publié" in content
    assert "Membre Brouillon" not in content
    assert "Ancien Membre" not in content


def test_unknown_cluster_is_a_404(client):
    assert client.get(reverse("suppliers:cluster_detail", args=["inconnu"])).status_code == 404


# --- Join request flow ---------------------------------------------------------------------------


def test_supplier_requests_to_join_and_the_cluster_approves_then_the_member_is_listed(
    client, cluster, cluster_manager, supplier_profile, supplier_manager, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(supplier_manager)
    assert "Rejoindre ce cluster" in client.get(cluster.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("suppliers:cluster_join", args=[cluster.slug]), {"message": "Nous aimerions adhérer."})
    membership = ClusterMembership.objects.get(cluster=cluster.organisation, supplier=supplier_profile.organisation)
    assert membership.status == Status.REQUESTED
    assert mailoutbox[-1].to == [cluster_manager.email]
    assert "Nous aimerions adhérer." in mailoutbox[-1].body

    client.force_login(cluster_manager)
    assert "Décolletage Savoyard" in client.get(reverse("suppliers:cluster_members")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("suppliers:cluster_membership_action", args=[membership.pk]), {"action": "approve"})

    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE
    assert membership.decided_by == cluster_manager
    assert mailoutbox[-1].to == [supplier_manager.email]
    assert AuditEntry.objects.filter(action="cluster_membership.approved", target_id=str(membership.pk)).exists()
    client.logout()
    assert "Décolletage Savoyard" in client.get(cluster.get_absolute_url()).content.decode()
    assert "Pôle Mécanique Alpes" in client.get(supplier_profile.get_absolute_url()).content.decode()


def test_cluster_rejects_a_join_request(cluster, cluster_manager, supplier_profile, supplier_manager):
    membership = clusters.request_membership(supplier_manager, supplier_profile.organisation, cluster.organisation)

    clusters.reject_request(cluster_manager, membership)

    membership.refresh_from_db()
    assert membership.status == Status.REJECTED
    with pytest.raises(clusters.ClusterError):
        clusters.approve_request(cluster_manager, membership)


def test_a_second_open_request_is_refused_with_a_message(client, cluster, supplier_profile, supplier_manager):
    clusters.request_membership(supplier_manager, supplier_profile.organisation, cluster.organisation)

    with pytest.raises(clusters.ClusterError) as error:
        clusters.request_membership(supplier_manager, supplier_profile.organisation, cluster.organisation)
    assert "déjà en attente" in error.value.message

    client.force_login(supplier_manager)
    response = client.post(reverse("suppliers:cluster_join", args=[cluster.slug]), follow=True)
    assert response.status_code == 200
    assert ClusterMembership.objects.count() == 1


def test_a_non_member_of_the_cluster_cannot_approve_a_request(client, cluster, supplier_profile, supplier_manager, buyer_owner):
    membership = clusters.request_membership(supplier_manager, supplier_profile.organisation, cluster.organisation)
    other_cluster_manager = manager_of(ClusterOrganisationFactory())

    with pytest.raises(clusters.NotAllowed):
        clusters.approve_request(buyer_owner, membership)
    with pytest.raises(clusters.NotAllowed):
        clusters.approve_request(supplier_manager, membership)

    client.force_login(other_cluster_manager)
    url = reverse("suppliers:cluster_membership_action", args=[membership.pk])
    assert client.post(url, {"action": "approve"}).status_code == 403
    membership.refresh_from_db()
    assert membership.status == Status.REQUESTED


# --- Invitation flow -----------------------------------------------------------------------------


def test_cluster_finds_a_supplier_by_name_or_siren_and_invites_it_then_the_supplier_accepts(
    client, cluster, cluster_manager, supplier_profile, supplier_manager, mailoutbox, django_capture_on_commit_callbacks
):
    organisation = supplier_profile.organisation
    client.force_login(cluster_manager)
    by_name = client.get(reverse("suppliers:cluster_members"), {"q": "savoyard"})
    by_siren = client.get(reverse("suppliers:cluster_members"), {"q": organisation.siren})
    assert [r["organisation"] for r in by_name.context["results"]] == [organisation]
    assert [r["organisation"] for r in by_siren.context["results"]] == [organisation]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("suppliers:cluster_invite"), {"organisation": organisation.pk, "message": "Bienvenue !"})
    membership = ClusterMembership.objects.get(cluster=cluster.organisation, supplier=organisation)
    assert membership.status == Status.INVITED
    assert mailoutbox[-1].to == [supplier_manager.email]
    assert "/mes-clusters/" in mailoutbox[-1].body

    client.force_login(supplier_manager)
    assert "Pôle Mécanique Alpes" in client.get(reverse("suppliers:my_clusters")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("suppliers:my_cluster_action", args=[membership.pk]), {"action": "accept"})

    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE
    assert mailoutbox[-1].to == [cluster_manager.email]
    assert "Décolletage Savoyard" in client.get(cluster.get_absolute_url()).content.decode()


def test_supplier_declines_an_invitation(cluster, cluster_manager, supplier_profile, supplier_manager):
    membership = clusters.invite_supplier(cluster_manager, cluster.organisation, supplier_profile.organisation)

    clusters.decline_invitation(supplier_manager, membership)

    membership.refresh_from_db()
    assert membership.status == Status.REJECTED
    with pytest.raises(clusters.ClusterError):
        clusters.accept_invitation(supplier_manager, membership)


def test_a_supplier_cannot_invite(client, supplier_profile, supplier_manager):
    other_supplier = OrganisationFactory(is_supplier=True)
    with pytest.raises(clusters.NotAllowed):
        clusters.invite_supplier(supplier_manager, supplier_profile.organisation, other_supplier)

    client.force_login(supplier_manager)
    response = client.post(reverse("suppliers:cluster_invite"), {"organisation": other_supplier.pk})
    assert response.status_code == 302  # sent to the dashboard: these pages are for clusters
    assert not ClusterMembership.objects.exists()


def test_only_supplier_organisations_can_be_invited(cluster, cluster_manager):
    buyer = OrganisationFactory(is_supplier=False, is_buyer=True)
    with pytest.raises(clusters.ClusterError):
        clusters.invite_supplier(cluster_manager, cluster.organisation, buyer)


def test_another_supplier_cannot_answer_an_invitation(client, cluster, cluster_manager, supplier_profile):
    membership = clusters.invite_supplier(cluster_manager, cluster.organisation, supplier_profile.organisation)
    stranger = manager_of(OrganisationFactory(is_supplier=True))

    with pytest.raises(clusters.NotAllowed):
        clusters.accept_invitation(stranger, membership)
    client.force_login(stranger)
    assert client.post(reverse("suppliers:my_cluster_action", args=[membership.pk]), {"action": "accept"}).status_code == 403


def test_inviting_an_existing_member_is_refused_with_a_message(client, cluster, cluster_manager, supplier_profile):
    ClusterMembershipFactory(cluster=cluster.organisation, supplier=supplier_profile.organisation)
    client.force_login(cluster_manager)

    response = client.post(reverse("suppliers:cluster_invite"), {"organisation": supplier_profile.organisation.pk}, follow=True)

    assert "déjà membre" in response.content.decode()
    assert ClusterMembership.objects.count() == 1


@pytest.mark.parametrize("value", ["", "abc", "999999", "-1"])
def test_invite_with_a_bad_organisation_value_is_a_message(client, cluster_manager, value):
    client.force_login(cluster_manager)
    response = client.post(reverse("suppliers:cluster_invite"), {"organisation": value}, follow=True)
    assert response.status_code == 200
    assert "Choisissez une entreprise" in response.content.decode()


# --- Ending --------------------------------------------------------------------------------------


def test_cluster_ends_a_membership_and_the_supplier_leaves_the_public_page(client, cluster, cluster_manager, supplier_profile):
    membership = ClusterMembershipFactory(cluster=cluster.organisation, supplier=supplier_profile.organisation)
    client.force_login(cluster_manager)

    client.post(reverse("suppliers:cluster_membership_action", args=[membership.pk]), {"action": "end"})

    membership.refresh_from_db()
    assert membership.status == Status.ENDED
    client.logout()
    response = client.get(cluster.get_absolute_url())
    assert response.context["member_count"] == 0
    assert "Décolletage Savoyard" not in response.content.decode()
    # Ended is final, and a new request may follow.
    with pytest.raises(clusters.ClusterError):
        clusters.end_membership(cluster_manager, membership)
    supplier_manager = manager_of(supplier_profile.organisation)
    assert clusters.request_membership(supplier_manager, supplier_profile.organisation, cluster.organisation).status == Status.REQUESTED


def test_supplier_leaves_a_cluster(cluster, supplier_profile, supplier_manager):
    membership = ClusterMembershipFactory(cluster=cluster.organisation, supplier=supplier_profile.organisation)
    clusters.end_membership(supplier_manager, membership)
    membership.refresh_from_db()
    assert membership.status == Status.ENDED


def test_unknown_action_on_a_membership_is_a_message(client, cluster, cluster_manager, supplier_profile):
    membership = ClusterMembershipFactory(cluster=cluster.organisation, supplier=supplier_profile.organisation)
    client.force_login(cluster_manager)
    response = client.post(reverse("suppliers:cluster_membership_action", args=[membership.pk]), {"action": "detruire"}, follow=True)
    assert response.status_code == 200
    assert "Action inconnue" in response.content.decode()


def test_cluster_and_supplier_pages_render_in_both_languages(client, cluster, cluster_manager, supplier_profile, supplier_manager):
    invitation = clusters.invite_supplier(cluster_manager, cluster.organisation, supplier_profile.organisation)
    # French paths, built before any English request activates English in this thread.
    cluster_pages = [reverse("suppliers:cluster_members"), reverse("suppliers:cluster_profile_edit")]
    public_pages = [reverse("suppliers:cluster_directory"), cluster.get_absolute_url(), reverse("suppliers:directory")]
    my_clusters, action = reverse("suppliers:my_clusters"), reverse("suppliers:my_cluster_action", args=[invitation.pk])
    try:
        for prefix in ("", "/en"):
            client.force_login(cluster_manager)
            for url in cluster_pages:
                assert client.get(prefix + url, {"q": "Savoyard"}).status_code == 200
            client.force_login(supplier_manager)
            response = client.get(prefix + my_clusters)
            assert response.status_code == 200
            assert prefix + action in response.content.decode()
            for url in public_pages:
                assert client.get(prefix + url).status_code == 200
    finally:
        translation.activate("fr")


def test_cluster_pages_send_non_cluster_organisations_to_the_dashboard(client, supplier_manager):
    client.force_login(supplier_manager)
    for name in ("suppliers:cluster_members", "suppliers:cluster_profile_edit", "suppliers:cluster_home"):
        response = client.get(reverse(name), follow=True)
        assert response.status_code == 200
    client.logout()
    assert "/accounts/login/" in client.get(reverse("suppliers:cluster_members"))["Location"]
