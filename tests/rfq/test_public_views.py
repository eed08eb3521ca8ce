"""The public RFQ pages: the list of open RFQs, an RFQ's page with its summary, details behind
the access rules and the NDA, invitations, questions, and the buyer's award rate."""
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.geo.models import Commune
from rfq.models import RFQ, NDAAcceptance, Question, RFQInvitation
from suppliers.models import Sector
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.rfq.factories import PublishedRFQFactory, RFQFactory, buyer_with_owner, supplier_with_owner

pytestmark = pytest.mark.django_db

LIST_URL = reverse("rfq:list")
SECRET_DESCRIPTION = "Tolérances secrètes ±0,005 mm"


def confidential_rfq(**kwargs):
    return PublishedRFQFactory(
        visibility=RFQ.Visibility.CONFIDENTIAL,
        nda_text="Le fournisseur garde le dossier secret.",
        description=f"<p>{SECRET_DESCRIPTION}</p>",
        **kwargs,
    )


def invited_rfq(*suppliers, **kwargs):
    rfq = PublishedRFQFactory(visibility=RFQ.Visibility.INVITED, **kwargs)
    for supplier in suppliers:
        RFQInvitation.objects.create(rfq=rfq, supplier=supplier)
    return rfq


# --- List ----------------------------------------------------------------------------------------


def test_anonymous_list_shows_public_and_confidential_summaries_but_never_invited_or_drafts(client):
    public = PublishedRFQFactory(title="Découpe laser de tôles")
    confidential = confidential_rfq(title="Carter de boîte de vitesses")
    invited = invited_rfq(title="Pièces de prototype secret")
    draft = RFQFactory(title="Brouillon de consultation")

    response = client.get(LIST_URL)

    content = response.content.decode()
    assert response.status_code == 200
    assert public.title in content
    assert confidential.title in content
    assert invited.title not in content
    assert draft.title not in content
    assert SECRET_DESCRIPTION not in content


def test_invited_supplier_sees_its_invitation_only_rfq_in_the_list(client):
    supplier, user = supplier_with_owner()
    rfq = invited_rfq(supplier, title="Pièces de prototype secret")
    client.force_login(user)

    assert rfq.title in client.get(LIST_URL).content.decode()


def test_list_hides_rfqs_whose_deadline_passed(client):
    PublishedRFQFactory(title="Consultation échue", quote_deadline=timezone.now() - timedelta(minutes=1))

    assert "Consultation échue" not in client.get(LIST_URL).content.decode()


def test_list_filters_by_text_sector_and_departement(client):
    sector = Sector.objects.first()
    lyon = Commune.objects.get(insee="69123")
    matching = PublishedRFQFactory(title="Fraisage 5 axes", sector=sector, delivery_commune=lyon)
    other_text = PublishedRFQFactory(title="Peinture époxy", sector=sector, delivery_commune=lyon)
    other_sector = PublishedRFQFactory(title="Fraisage de bâtis", delivery_commune=lyon)
    elsewhere = PublishedRFQFactory(title="Fraisage en Bretagne", sector=sector, delivery_commune=Commune.objects.get(insee="35238"))

    response = client.get(LIST_URL, {"q": "fraisage", "sector": sector.slug, "departement": "69"})

    content = response.content.decode()
    assert matching.title in content
    for excluded in (other_text, other_sector, elsewhere):
        assert excluded.title not in content


def test_list_ignores_an_unknown_filter_value_instead_of_failing(client):
    rfq = PublishedRFQFactory()

    response = client.get(LIST_URL, {"sector": "n-existe-pas", "departement": "zz", "page": "abc"})

    assert response.status_code == 200
    assert rfq.title in response.content.decode()


def test_list_paginates_and_keeps_the_filters_in_page_links(client):
    for number in range(21):
        PublishedRFQFactory(title=f"Chaudronnerie lot {number}")

    response = client.get(LIST_URL, {"q": "chaudronnerie"})

    content = response.content.decode()
    assert "q=chaudronnerie&amp;page=2" in content
    assert client.get(LIST_URL, {"q": "chaudronnerie", "page": 2}).context["page"].object_list.__len__() == 1


def test_deadline_is_shown_in_paris_time_with_the_time_left(client):
    deadline = datetime(2031, 1, 15, 9, 30, tzinfo=dt_timezone.utc)  # 10:30 in Paris (winter)
    rfq = PublishedRFQFactory(quote_deadline=deadline, questions_deadline=deadline - timedelta(days=1))

    content = client.get(rfq.get_absolute_url()).content.decode()

    assert "15 janvier 2031, 10:30" in content
    assert "heure de Paris" in content
    assert "encore" in content


# --- Detail: summary and details -----------------------------------------------------------------


def test_anonymous_visitor_sees_the_summary_but_not_the_description_or_lines(client):
    rfq = PublishedRFQFactory(description=f"<p>{SECRET_DESCRIPTION}</p>")
    line = rfq.lots.get().lines.first()

    response = client.get(rfq.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert rfq.title in content and rfq.summary in content
    assert SECRET_DESCRIPTION not in content
    assert line.part not in content
    assert "Se connecter" in content


def test_verified_supplier_sees_the_details_of_a_public_rfq(client):
    rfq = PublishedRFQFactory(description=f"<p>{SECRET_DESCRIPTION}</p>")
    line = rfq.lots.get().lines.first()
    _supplier, user = supplier_with_owner()
    client.force_login(user)

    content = client.get(rfq.get_absolute_url()).content.decode()

    assert SECRET_DESCRIPTION in content
    assert line.part in content
    assert reverse("rfq:quote", args=[rfq.reference]) in content


def test_draft_rfq_is_a_404_for_suppliers(client):
    rfq = RFQFactory()
    _supplier, user = supplier_with_owner()
    client.force_login(user)

    assert client.get(rfq.get_absolute_url()).status_code == 404


def test_invited_rfq_is_a_404_for_anonymous_visitors_and_suppliers_not_invited(client):
    invited_supplier, _user = supplier_with_owner()
    rfq = invited_rfq(invited_supplier)
    _rival, rival_user = supplier_with_owner()

    assert client.get(rfq.get_absolute_url()).status_code == 404
    client.force_login(rival_user)
    assert client.get(rfq.get_absolute_url()).status_code == 404


def test_invited_supplier_viewing_the_rfq_marks_its_invitation_viewed(client):
    supplier, user = supplier_with_owner()
    rfq = invited_rfq(supplier)
    client.force_login(user)

    response = client.get(rfq.get_absolute_url())

    assert response.status_code == 200
    invitation = RFQInvitation.objects.get(rfq=rfq, supplier=supplier)
    assert invitation.status == RFQInvitation.Status.VIEWED
    assert invitation.viewed_at is not None


def test_confidential_details_are_hidden_until_the_nda_is_accepted_then_shown(client):
    rfq = confidential_rfq()
    supplier, user = supplier_with_owner()
    client.force_login(user)

    before = client.get(rfq.get_absolute_url()).content.decode()
    assert SECRET_DESCRIPTION not in before
    assert rfq.nda_text in before
    assert reverse("rfq:accept_nda", args=[rfq.reference]) in before

    response = client.post(reverse("rfq:accept_nda", args=[rfq.reference]), {"accept": "on"}, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 302
    acceptance = NDAAcceptance.objects.get(rfq=rfq, organisation=supplier)
    assert acceptance.user == user and acceptance.ip_address == "203.0.113.9"
    after = client.get(rfq.get_absolute_url()).content.decode()
    assert SECRET_DESCRIPTION in after


def test_nda_form_without_the_box_ticked_records_nothing(client):
    rfq = confidential_rfq()
    _supplier, user = supplier_with_owner()
    client.force_login(user)

    response = client.post(reverse("rfq:accept_nda", args=[rfq.reference]), {})

    assert response.status_code == 400
    assert not NDAAcceptance.objects.filter(rfq=rfq).exists()


def test_buyer_member_sees_the_details_and_a_link_to_manage_the_rfq(client):
    buyer, user = buyer_with_owner()
    rfq = confidential_rfq(buyer=buyer)
    client.force_login(user)

    content = client.get(rfq.get_absolute_url()).content.decode()

    assert SECRET_DESCRIPTION in content
    assert reverse("rfq:manage", kwargs={"reference": rfq.reference}) in content


# --- Invitations ---------------------------------------------------------------------------------


def test_invited_supplier_declines_with_a_reason_and_the_buyer_is_told(client):
    supplier, user = supplier_with_owner()
    buyer, _buyer_user = buyer_with_owner()
    rfq = invited_rfq(supplier, buyer=buyer)
    client.force_login(user)

    response = client.post(reverse("rfq:decline", args=[rfq.reference]), {"reason": "Carnet de commandes plein"})

    assert response.status_code == 302
    invitation = RFQInvitation.objects.get(rfq=rfq, supplier=supplier)
    assert invitation.status == RFQInvitation.Status.DECLINED
    assert invitation.decline_reason == "Carnet de commandes plein"
    assert "Carnet de commandes plein" in client.get(rfq.get_absolute_url()).content.decode()


def test_declining_without_a_reason_shows_an_error_and_changes_nothing(client):
    supplier, user = supplier_with_owner()
    rfq = invited_rfq(supplier)
    client.force_login(user)

    response = client.post(reverse("rfq:decline", args=[rfq.reference]), {"reason": "  "})

    assert response.status_code == 400
    assert "Champ requis." in response.content.decode()
    assert RFQInvitation.objects.get(rfq=rfq, supplier=supplier).status != RFQInvitation.Status.DECLINED


def test_a_supplier_not_invited_cannot_decline_someone_elses_invitation(client):
    invited, _user = supplier_with_owner()
    rfq = invited_rfq(invited)
    _rival, rival_user = supplier_with_owner()
    client.force_login(rival_user)

    response = client.post(reverse("rfq:decline", args=[rfq.reference]), {"reason": "Pas intéressé"})

    assert response.status_code == 404
    assert RFQInvitation.objects.get(rfq=rfq).status == RFQInvitation.Status.PENDING


# --- Questions -----------------------------------------------------------------------------------


def test_supplier_asks_a_question_before_the_questions_deadline(client):
    rfq = PublishedRFQFactory()
    supplier, user = supplier_with_owner()
    client.force_login(user)

    response = client.post(reverse("rfq:ask", args=[rfq.reference]), {"text": "Quelle nuance inox exactement ?"})

    assert response.status_code == 302
    question = Question.objects.get(rfq=rfq)
    assert question.asked_by_organisation == supplier
    assert "Quelle nuance inox exactement ?" in client.get(rfq.get_absolute_url()).content.decode()


def test_question_after_the_questions_deadline_is_refused_with_the_text_kept(client):
    rfq = PublishedRFQFactory(questions_deadline=timezone.now() - timedelta(hours=1))
    _supplier, user = supplier_with_owner()
    client.force_login(user)

    page = client.get(rfq.get_absolute_url()).content.decode()
    assert reverse("rfq:ask", args=[rfq.reference]) not in page

    response = client.post(reverse("rfq:ask", args=[rfq.reference]), {"text": "Une question tardive"})

    assert response.status_code == 400
    content = response.content.decode()
    assert "La date limite des questions est passée." in content
    assert not Question.objects.filter(rfq=rfq).exists()


def test_answered_questions_never_name_the_supplier_who_asked(client):
    rfq = PublishedRFQFactory()
    asker = OrganisationFactory(name="Tournage Dupont et Fils", is_supplier=True)
    Question.objects.create(
        rfq=rfq, asked_by_organisation=asker, text="Faut-il un certificat matière ?",
        answer="Oui, 3.1 selon EN 10204.", answered_at=timezone.now(),
    )
    _rival, rival_user = supplier_with_owner()
    client.force_login(rival_user)

    content = client.get(rfq.get_absolute_url()).content.decode()

    assert "Faut-il un certificat matière ?" in content
    assert "Oui, 3.1 selon EN 10204." in content
    assert "Tournage Dupont et Fils" not in content


def test_unanswered_questions_of_other_suppliers_are_not_shown(client):
    rfq = PublishedRFQFactory()
    Question.objects.create(rfq=rfq, asked_by_organisation=OrganisationFactory(is_supplier=True), text="Question en attente")
    _rival, rival_user = supplier_with_owner()
    client.force_login(rival_user)

    assert "Question en attente" not in client.get(rfq.get_absolute_url()).content.decode()


# --- Award rate and languages --------------------------------------------------------------------


def test_rfq_page_shows_the_buyers_award_rate_over_twelve_months(client):
    buyer, _user = buyer_with_owner()
    now = timezone.now()
    for status in (RFQ.Status.AWARDED, RFQ.Status.UNSUCCESSFUL, RFQ.Status.CLOSED, RFQ.Status.AWARDED):
        RFQFactory(buyer=buyer, status=status, closed_at=now - timedelta(days=30), quote_deadline=now - timedelta(days=30))
    rfq = PublishedRFQFactory(buyer=buyer)

    content = client.get(rfq.get_absolute_url()).content.decode()

    assert "Taux d'attribution sur 12 mois : 50 % (2 attribuée(s) sur 4 consultation(s) clôturée(s))." in content


def test_pages_render_in_english_under_en(client):
    rfq = PublishedRFQFactory()
    _supplier, user = supplier_with_owner()
    client.force_login(user)

    detail_url = "/en" + rfq.get_absolute_url()
    listing = client.get("/en" + LIST_URL)
    detail = client.get(detail_url)

    assert listing.status_code == 200 and detail.status_code == 200
    assert '<html lang="en"' in listing.content.decode()
    assert rfq.title in detail.content.decode()


def test_staff_without_organisation_reads_an_invited_rfq(client):
    rfq = invited_rfq()
    staff = UserFactory(is_staff=True)
    client.force_login(staff)

    assert client.get(rfq.get_absolute_url()).status_code == 200


def test_supplier_member_who_is_not_owner_also_sees_details(client):
    supplier, _owner = supplier_with_owner()
    member = MembershipFactory(organisation=supplier, role="member").user
    rfq = PublishedRFQFactory(description=f"<p>{SECRET_DESCRIPTION}</p>")
    client.force_login(member)

    assert SECRET_DESCRIPTION in client.get(rfq.get_absolute_url()).content.decode()
