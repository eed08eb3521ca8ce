"""Creating and editing an organisation: SIRET, VAT, address and duplicate companies."""
import pytest
from django.urls import reverse

from marketplace.accounts.identifiers import vat_number_for_siren
from marketplace.accounts.models import JoinRequest, Membership, Organisation
from marketplace.audit.models import AuditEntry
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, luhn_complete, make_siret

pytestmark = pytest.mark.django_db

START = reverse("accounts:organisation_start")


def form_data(**overrides):
    data = {
        "name": "Usinage du Forez",
        "siret": make_siret(7_100_001),
        "vat_number": "",
        "naf_code": "25.62B",
        "address": "12 rue de la Forge",
        "postal_code": "42000",
        "commune": "",
        "size_band": "small",
        "website": "usinage-forez.example",
        "kinds": ["is_supplier"],
    }
    data.update(overrides)
    return data


@pytest.fixture
def newcomer(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_creating_an_organisation_makes_the_creator_owner_and_the_organisation_active(client, newcomer):
    response = client.post(START, form_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
    organisation = Organisation.objects.get(siret=make_siret(7_100_001))
    assert organisation.siren == organisation.siret[:9]
    assert organisation.commune.name == "Saint-Étienne"  # the only commune with 42000
    assert organisation.naf_code_id == "25.62B"
    assert organisation.website == "https://usinage-forez.example"
    assert organisation.is_supplier and not organisation.is_buyer
    assert Membership.objects.get(user=newcomer, organisation=organisation).role == Membership.Role.OWNER
    newcomer.refresh_from_db()
    assert newcomer.active_organisation == organisation
    assert AuditEntry.objects.for_object(organisation).filter(action="organisation.created").exists()

    dashboard = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Usinage du Forez" in dashboard


def test_empty_vat_number_is_derived_from_the_siren(client, newcomer):
    client.post(START, form_data())

    organisation = Organisation.objects.get()
    assert organisation.vat_number == vat_number_for_siren(organisation.siren)


def test_vat_number_of_another_company_is_rejected_and_nothing_is_created(client, newcomer):
    other_vat = vat_number_for_siren(make_siret(7_100_002)[:9])

    response = client.post(START, form_data(vat_number=other_vat))

    assert response.status_code == 200
    assert "appartient au SIREN" in response.context["form"].errors["vat_number"][0]
    assert not Organisation.objects.exists()
    # Nothing the user typed is lost.
    assert response.context["form"]["name"].value() == "Usinage du Forez"


def test_valid_matching_vat_number_is_kept(client, newcomer):
    vat = vat_number_for_siren(make_siret(7_100_001)[:9])
    client.post(START, form_data(vat_number=f"{vat[:4].lower()} {vat[4:]}"))
    assert Organisation.objects.get().vat_number == vat


@pytest.mark.parametrize(
    ("siret", "expected"),
    [
        (make_siret(7_100_001)[:13] + str((int(make_siret(7_100_001)[13]) + 1) % 10), "clé de contrôle"),
        ("1234567890123A", "que des chiffres"),
        ("123456789", "14 chiffres"),
    ],
    ids=["checksum", "non-digits", "length"],
)
def test_bad_siret_is_explained_on_the_field(client, newcomer, siret, expected):
    response = client.post(START, form_data(siret=siret))

    assert response.status_code == 200
    assert expected in " ".join(response.context["form"].errors["siret"])
    assert expected in response.content.decode()
    assert not Organisation.objects.exists()


def test_at_least_one_kind_is_required(client, newcomer):
    response = client.post(START, form_data(kinds=[]))
    assert "au moins un type" in " ".join(response.context["form"].errors["kinds"])
    assert not Organisation.objects.exists()


def test_postal_code_shared_by_several_communes_asks_which_one(client, newcomer):
    response = client.post(START, form_data(postal_code="01100"))
    assert "commune" in response.context["form"].errors
    assert not Organisation.objects.exists()

    client.post(START, form_data(postal_code="01100", commune="01283"))
    assert Organisation.objects.get().commune.name == "Oyonnax"


def test_unknown_postal_code_is_rejected(client, newcomer):
    response = client.post(START, form_data(postal_code="00000"))
    assert "postal_code" in response.context["form"].errors
    assert not Organisation.objects.exists()


def test_duplicate_siret_offers_to_ask_to_join_the_existing_organisation(client, newcomer):
    existing = OrganisationFactory(name="Forges Réunies", siret=make_siret(7_100_001))

    response = client.post(START, form_data())

    assert response.status_code == 200
    assert "déjà inscrite" in " ".join(response.context["form"].errors["siret"])
    join_url = reverse("accounts:join_request_create", kwargs={"slug": existing.slug})
    assert join_url in response.content.decode()
    assert Organisation.objects.count() == 1


def test_another_siret_of_an_already_registered_siren_is_a_duplicate_too(client, newcomer):
    existing_siret = make_siret(7_100_001)
    OrganisationFactory(siret=existing_siret)
    other_establishment = luhn_complete(existing_siret[:9] + "0002")

    response = client.post(START, form_data(siret=other_establishment))

    assert "déjà inscrite" in " ".join(response.context["form"].errors["siret"])


def test_owner_can_edit_the_organisation_with_the_same_validations(client):
    membership = MembershipFactory(role=Membership.Role.OWNER)
    organisation = membership.organisation
    client.force_login(membership.user)
    edit_url = reverse("accounts:organisation_edit", kwargs={"slug": organisation.slug})
    assert client.get(edit_url).status_code == 200

    bad = client.post(edit_url, form_data(siret=organisation.siret, vat_number="FR00123456789"))
    assert "vat_number" in bad.context["form"].errors

    response = client.post(edit_url, form_data(name="Nouveau nom", siret=organisation.siret, kinds=["is_buyer", "is_supplier"]))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Nouveau nom"
    assert organisation.is_buyer and organisation.is_supplier
    assert AuditEntry.objects.for_object(organisation).filter(action="organisation.updated").exists()


def test_plain_member_cannot_edit_the_organisation(client):
    owner = MembershipFactory()
    member = MembershipFactory(organisation=owner.organisation, role=Membership.Role.MEMBER)
    client.force_login(member.user)

    response = client.get(reverse("accounts:organisation_edit", kwargs={"slug": owner.organisation.slug}))

    assert response.status_code == 403


def test_organisation_detail_is_public_and_unknown_slug_is_404(client):
    organisation = OrganisationFactory(name="Atelier Public")

    assert "Atelier Public" in client.get(organisation.get_absolute_url()).content.decode()
    assert client.get("/organisations/inconnue/").status_code == 404


def test_start_page_finds_an_organisation_by_siren_to_ask_to_join(client, newcomer):
    organisation = OrganisationFactory(name="Chaudronnerie Martin")

    response = client.get(START, {"identifiant": organisation.siren})
    assert list(response.context["matches"]) == [organisation]

    response = client.get(START, {"identifiant": "12345678A"})
    assert "que des chiffres" in " ".join(response.context["find_form"].errors["identifiant"])


def test_join_request_is_sent_to_owners_and_approval_makes_the_requester_a_member(
    client, newcomer, mailoutbox, django_capture_on_commit_callbacks
):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    organisation = owner.organisation
    join_url = reverse("accounts:join_request_create", kwargs={"slug": organisation.slug})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(join_url, {"message": "Je suis le responsable qualité."})
    assert response.status_code == 302
    join_request = JoinRequest.objects.get(user=newcomer, organisation=organisation)
    assert [m.to for m in mailoutbox] == [[owner.user.email]]

    # Asking twice is explained, not duplicated.
    client.post(join_url, {"message": ""})
    assert JoinRequest.objects.filter(user=newcomer).count() == 1

    client.force_login(owner.user)
    members_page = client.get(reverse("accounts:members", kwargs={"slug": organisation.slug})).content.decode()
    assert newcomer.email in members_page and "Je suis le responsable qualité." in members_page

    decide_url = reverse(
        "accounts:join_request_decide", kwargs={"slug": organisation.slug, "pk": join_request.pk, "decision": "accepter"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide_url)

    assert Membership.objects.get(user=newcomer, organisation=organisation).role == Membership.Role.MEMBER
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.APPROVED
    assert mailoutbox[-1].to == [newcomer.email]
    assert "acceptée" in mailoutbox[-1].subject


def test_rejected_join_request_emails_the_requester_and_creates_no_membership(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    requester = UserFactory()
    join_request = JoinRequest.objects.create(user=requester, organisation=owner.organisation)
    client.force_login(owner.user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse(
                "accounts:join_request_decide",
                kwargs={"slug": owner.organisation.slug, "pk": join_request.pk, "decision": "refuser"},
            )
        )

    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.REJECTED
    assert not Membership.objects.filter(user=requester).exists()
    assert mailoutbox[-1].to == [requester.email]
    assert "refusée" in mailoutbox[-1].subject


def test_plain_member_cannot_decide_join_requests(client):
    owner = MembershipFactory()
    member = MembershipFactory(organisation=owner.organisation, role=Membership.Role.MEMBER)
    join_request = JoinRequest.objects.create(user=UserFactory(), organisation=owner.organisation)
    client.force_login(member.user)

    response = client.post(
        reverse(
            "accounts:join_request_decide",
            kwargs={"slug": owner.organisation.slug, "pk": join_request.pk, "decision": "accepter"},
        )
    )

    assert response.status_code == 403
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING
