"""Journey (c): a buyer writes an RFQ (a lot, a line, a PDF), publishes it and invites two
matching suppliers; one supplier quotes with a French decimal comma; once the deadline has passed
(the cron's ``close_due_rfqs``), the buyer opens the quotes, compares them and awards the RFQ."""
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from marketplace.notifications.models import Notification
from rfq.models import RFQ, Quote, RFQInvitation
from search.sync import index_profiles
from suppliers.models import Skill
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, OrganisationFactory, UserFactory
from tests.search.factories import SupplierProfileFactory

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _log_in(page, user):
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("e-mail", re.I)).fill(user.email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=re.compile("Connexion|Se connecter", re.I)).click()
    page.wait_for_url(re.compile(r"/tableau-de-bord/"))


def _log_out(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Se connecter").first.is_visible()


def _supplier(name, email, skill):
    user = UserFactory(email=email)
    organisation = OrganisationFactory(name=name, is_supplier=True)
    MembershipFactory(user=user, organisation=organisation)
    profile = SupplierProfileFactory(organisation=organisation, skills=[skill])
    return organisation, user, profile


def test_buyer_posts_rfq_supplier_quotes_buyer_compares_and_awards(page, live_server, tmp_path):
    decolletage = Skill.objects.get(slug="decolletage")
    buyer_user = UserFactory(email="achats@pompes-du-rhone.example")
    buyer = OrganisationFactory(name="Pompes du Rhône", is_supplier=False, is_buyer=True)
    MembershipFactory(user=buyer_user, organisation=buyer)
    arve, arve_user, arve_profile = _supplier("Décolletage de l'Arve", "devis@decolletage-arve.example", decolletage)
    cluses, _, cluses_profile = _supplier("Tournage de Cluses", "contact@tournage-cluses.example", decolletage)
    # The invite page lists suppliers found by the search engine: index the published profiles.
    index_profiles([arve_profile.pk, cluses_profile.pk])
    plan = tmp_path / "plan-axe.pdf"
    plan.write_bytes(PDF)

    # --- The buyer writes, publishes and invites ---------------------------------------------
    _log_in(page, buyer_user)
    page.goto("/consultations/nouvelle/")
    page.get_by_label("Titre").fill("Axes décolletés en inox 316L")
    page.get_by_label("Résumé public").fill("Série de 200 axes Ø12, tolérance h7.")
    page.get_by_label("Savoir-faire").select_option("decolletage")
    page.get_by_label("Code postal du lieu de livraison").fill("69001")
    in_five_days = timezone.localtime(timezone.now() + timedelta(days=5)).replace(hour=17, minute=0)
    page.get_by_label("Date limite de remise des offres").fill(in_five_days.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Intitulé du lot").first.fill("Axes")
    page.get_by_label("Pièce ou prestation (ligne 1)").fill("Axe Ø12 × 80 mm")
    page.get_by_label("Quantité (ligne 1)").fill("200")
    page.get_by_label("Unité (ligne 1)").select_option(label="pièce(s)")
    page.get_by_label(re.compile(r"^Pièces jointes")).set_input_files(str(plan))
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_url(re.compile(r"/consultations/[^/]+/gestion/$"))

    rfq = RFQ.objects.get(buyer=buyer)
    assert rfq.status == RFQ.Status.DRAFT
    assert page.get_by_role("heading", name="Axes décolletés en inox 316L").is_visible()
    assert page.get_by_text("plan-axe.pdf").first.is_visible()
    assert rfq.attachments.get().original_name == "plan-axe.pdf"

    page.get_by_role("button", name="Publier").click()
    assert page.get_by_text("Consultation publiée").first.is_visible()

    page.get_by_role("button", name="Inviter des fournisseurs").click()
    page.wait_for_url(re.compile(r"/inviter/$"))
    page.get_by_label("Décolletage de l'Arve").check()
    page.get_by_label("Tournage de Cluses").check()
    page.get_by_role("button", name="Inviter les fournisseurs cochés").click()
    page.wait_for_url(re.compile(r"/gestion/$"))
    invitations = page.get_by_role("region", name="Fournisseurs invités")
    assert invitations.get_by_text("Décolletage de l'Arve").is_visible()
    assert invitations.get_by_text("Tournage de Cluses").is_visible()
    assert set(RFQInvitation.objects.filter(rfq=rfq).values_list("supplier", flat=True)) == {arve.pk, cluses.pk}
    _log_out(page)

    # --- A supplier quotes -------------------------------------------------------------------
    _log_in(page, arve_user)
    page.goto(f"/consultations/{rfq.reference}/")
    assert page.get_by_role("heading", name="Axes décolletés en inox 316L").first.is_visible()
    page.get_by_role("button", name="Remettre une offre").click()
    page.wait_for_url(re.compile(r"/offre/$"))
    page.get_by_label("Prix unitaire (€ HT) — Axe Ø12 × 80 mm").fill("12,50")
    page.get_by_label("Délai de livraison (jours)").fill("21")
    page.get_by_role("button", name="Soumettre l'offre").click()
    page.wait_for_url(re.compile(r"/offre/$"))
    assert page.get_by_text("Offre soumise (version 1)").is_visible()
    quote = Quote.objects.get(rfq=rfq, supplier=arve)
    assert quote.status == Quote.Status.SUBMITTED and quote.lead_time_days == 21
    assert quote.lines.get().unit_price == Decimal("12.50")
    _log_out(page)

    # --- The deadline passes: the cron closes the RFQ ----------------------------------------
    RFQ.objects.filter(pk=rfq.pk).update(quote_deadline=timezone.now() - timedelta(minutes=1))
    call_command("close_due_rfqs")
    rfq.refresh_from_db()
    assert rfq.status == RFQ.Status.CLOSED

    # --- The buyer opens, compares and awards --------------------------------------------------
    _log_in(page, buyer_user)
    page.goto(f"/consultations/{rfq.reference}/gestion/")
    page.get_by_role("button", name="Ouvrir les offres").click()
    page.wait_for_url(re.compile(r"/comparaison/$"))
    assert page.get_by_text("Offres ouvertes.").first.is_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile("Décolletage de l'Arve")))
    assert row.get_by_text(re.compile(r"12,50*\s*€")).first.is_visible()
    assert row.get_by_text(re.compile(r"2\s?500,00\s*€")).first.is_visible()

    page.get_by_role("combobox", name="Lot 1 — Axes").select_option(label="Décolletage de l'Arve")
    page.get_by_role("button", name="Enregistrer l'attribution").click()
    page.wait_for_url(re.compile(r"/gestion/$"))
    assert page.get_by_text("Attribution enregistrée").first.is_visible()
    assert page.get_by_text("attribuée", exact=True).first.is_visible()

    rfq.refresh_from_db()
    assert rfq.status == RFQ.Status.AWARDED
    quote.refresh_from_db()
    assert quote.outcome == Quote.Outcome.AWARDED
    assert Notification.objects.filter(recipient=arve_user, kind="quote.awarded").exists()
