"""Demo RFQs in every state, with invitations, questions and answers, quotes and awards.

The demo buyer (``acheteur@demo.test``, owner of the first buyer organisation) gets one RFQ of each
showcase state, several involving the demo supplier (``fournisseur@demo.test``); the other RFQs are
spread over the demo buyers with states drawn from the ``rfqs`` stream. About 40 RFQs, plus one
per thousand suppliers, at most ``MAX_RFQS``: a run with 100,000 suppliers stays fast.

Everything goes through :mod:`rfq.services`, :mod:`rfq.participation` and :mod:`rfq.quoting`
(validation, versions and SHA-256 of quotes, notifications, audit), with real deadlines an hour
ahead. An RFQ meant to be in the past (closed, opened, awarded, unsuccessful) is then moved back in
time as a whole: every timestamp of the RFQ, its questions, invitations, quotes, versions, awards
and notifications is rewritten so that the story stays in order (created < published < questions <
quotes < deadline < closed < opened < awarded). The hashed content of a quote version holds no time,
so the hashes stay valid. The audit log is append-only: it truthfully records when the demo was
loaded.

Idempotent: each demo RFQ carries its demo number in its title (« … — DA-0007 »); numbers
already present for the demo buyers are skipped, so a re-run adds nothing and a larger run adds
the missing numbers. Organisations other than the demo accounts' get one contact user each (no
usable password, verified email) so that they can act through the services.
"""
from __future__ import annotations

import dataclasses
import random
import re
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.accounts.models import Membership, Organisation
from marketplace.notifications.models import Notification
from rfq import participation, quoting, services
from rfq.exceptions import RFQError
from rfq.models import RFQ, Award, Question, Quote, QuoteVersion, RFQInvitation
from suppliers.models import CertificationType, Material, Sector, Skill

from .accounts import DEMO_ACCOUNTS
from .context import DemoContext, WeightedChoice

STREAM = "rfqs"
BASE_RFQS = 40
MAX_RFQS = 200
SUPPLIER_POOL = 60  # quoting suppliers are drawn among the first ones: stable when topping up
TITLE_NUMBER = re.compile(r" — DA-(\d{4})$")


class State:
    DRAFT = "draft"
    PUBLISHED = "published"
    CONFIDENTIAL = "published_confidential"
    INVITED = "published_invited"
    CLOSED_SEALED = "closed_sealed"
    CLOSED_OPENED = "closed_opened"
    AWARDED_WHOLE = "awarded_whole"
    AWARDED_LOTS = "awarded_lots"
    CANCELLED = "cancelled"
    UNSUCCESSFUL = "unsuccessful"


# The demo buyer's RFQs, one per state, in this order (numbers 1…); the demo supplier takes part
# in those marked True.
SHOWCASE = (
    (State.DRAFT, False),
    (State.PUBLISHED, True),  # invitations, Q&A, the demo supplier's draft quote, rivals' quotes
    (State.PUBLISHED, True),  # the demo supplier's submitted quote
    (State.CONFIDENTIAL, False),
    (State.INVITED, True),
    (State.CLOSED_SEALED, True),
    (State.CLOSED_OPENED, True),
    (State.AWARDED_WHOLE, True),
    (State.AWARDED_LOTS, True),
    (State.CANCELLED, False),
    (State.UNSUCCESSFUL, True),
)
STATE_WEIGHTS = WeightedChoice(
    [
        (State.PUBLISHED, 34),
        (State.CONFIDENTIAL, 6),
        (State.INVITED, 6),
        (State.DRAFT, 8),
        (State.CLOSED_SEALED, 8),
        (State.CLOSED_OPENED, 5),
        (State.AWARDED_WHOLE, 15),
        (State.AWARDED_LOTS, 8),
        (State.CANCELLED, 5),
        (State.UNSUCCESSFUL, 5),
    ]
)
PAST_STATES = {State.CLOSED_SEALED, State.CLOSED_OPENED, State.AWARDED_WHOLE, State.AWARDED_LOTS, State.UNSUCCESSFUL}


@dataclasses.dataclass(frozen=True)
class Template:
    title: str
    summary: str
    sector: str
    skills: tuple[str, ...]
    materials: tuple[str, ...]
    certifications: tuple[str, ...]
    lots: tuple[tuple[str, tuple[tuple[str, int, str], ...]], ...]  # (lot title, ((part, quantity, unit), …))
    unit_price: tuple[int, int]  # plausible € range per unit


TEMPLATES = (
    Template(
        "Usinage d'axes et de bagues inox", "Axes et bagues en inox 316L, séries de 200 à 1 000 pièces, plans fournis.",
        "mecanique-metallurgie", ("usinage", "tournage"), ("inox-316l",), ("iso-9001",),
        (("Axes", (("Axe Ø20 × 120 mm", 500, "piece"), ("Axe Ø32 × 200 mm", 200, "piece"))),
         ("Bagues", (("Bague épaulée Ø40", 1000, "piece"),))),
        (8, 45),
    ),
    Template(
        "Pièces décolletées en laiton", "Inserts et entretoises décolletés, grande série, contrôle 100 % dimensionnel.",
        "mecanique-metallurgie", ("decolletage",), ("laiton",), ("iso-9001",),
        (("Inserts", (("Insert fileté M6", 20000, "piece"), ("Entretoise Ø8 × 15", 15000, "piece"))),),
        (1, 3),
    ),
    Template(
        "Carters de tôlerie aluminium", "Capots découpés laser, pliés et peints par poudrage (RAL 7035).",
        "mecanique-metallurgie", ("tolerie", "decoupe-laser", "pliage"), ("aluminium-5083",), ("iso-9001",),
        (("Carters", (("Carter supérieur 600 × 400", 150, "piece"), ("Carter latéral", 300, "piece"))),
         ("Supports", (("Équerre de fixation", 1200, "piece"),))),
        (12, 140),
    ),
    Template(
        "Ensemble mécano-soudé pour convoyeur", "Châssis mécano-soudés acier S355, galvanisés, livraison échelonnée.",
        "mecanique-metallurgie", ("chaudronnerie", "soudure"), ("acier-s355",), ("en-1090", "iso-3834"),
        (("Châssis", (("Châssis de convoyeur 3 m", 12, "piece"), ("Pied réglable", 48, "piece"))),),
        (150, 2400),
    ),
    Template(
        "Pièces injectées PA66 chargé verre", "Boîtiers techniques injectés, moule fourni par le client.",
        "plasturgie-composites", ("injection-plastique",), ("pa66",), ("iso-9001", "iatf-16949"),
        (("Boîtiers", (("Boîtier connecteur", 50000, "piece"), ("Couvercle clipsé", 50000, "piece"))),),
        (1, 2),
    ),
    Template(
        "Assemblage de cartes électroniques", "Assemblage CMS et traversant, test fonctionnel, composants fournis.",
        "electronique", ("assemblage-cartes-cms",), ("cuivre",), ("ipc-a-610", "iso-9001"),
        (("Cartes", (("Carte de commande 4 couches", 800, "piece"), ("Carte d'alimentation", 800, "piece"))),),
        (15, 60),
    ),
    Template(
        "Pièces de structure aéronautique usinées", "Ferrures aluminium 7075 usinées 5 axes, FAI selon EN 9102.",
        "aeronautique-automobile-ferroviaire-naval", ("usinage", "fraisage-5-axes"), ("aluminium-7075",), ("en-9100",),
        (("Ferrures", (("Ferrure d'attache", 80, "piece"), ("Raidisseur", 160, "piece"))),
         ("Éclisses", (("Éclisse de jonction", 240, "piece"),))),
        (90, 650),
    ),
    Template(
        "Traitement de surface : anodisation", "Anodisation dure et colmatage de pièces aluminium, lots mensuels.",
        "mecanique-metallurgie", ("traitement-de-surface", "anodisation"), ("aluminium-6061",), ("iso-9001",),
        (("Anodisation", (("Anodisation dure 50 µm", 400, "kg"),)),),
        (6, 14),
    ),
    Template(
        "Pièces forgées en acier allié", "Pièces matricées 42CrMo4 avec traitement thermique et contrôle par ressuage.",
        "energie", ("forge", "estampage-matricage"), ("acier-42crmo4",), ("iso-9001",),
        (("Pièces forgées", (("Bride forgée DN100", 300, "piece"), ("Moyeu", 120, "piece"))),),
        (35, 260),
    ),
    Template(
        "Composants pour dispositif médical", "Micro-pièces titane usinées, salle propre pour l'emballage.",
        "sante-biotech", ("decolletage", "usinage"), ("titane-ta6v",), ("iso-13485",),
        (("Implants d'essai", (("Vis Ø3 × 12", 5000, "piece"), ("Plaque d'essai", 500, "piece"))),),
        (4, 90),
    ),
    Template(
        "Faisceaux électriques pour machine spéciale", "Faisceaux sur plans, repérage, test de continuité à 100 %.",
        "electronique", ("faisceaux", "cablage-filaire"), ("cuivre",), ("iso-9001",),
        (("Faisceaux", (("Faisceau principal", 60, "piece"), ("Faisceau capteurs", 120, "piece"))),),
        (40, 380),
    ),
    Template(
        "Découpe et emboutissage de pièces acier", "Pièces embouties acier DC04, outil à réaliser, série annuelle.",
        "aeronautique-automobile-ferroviaire-naval", ("emboutissage",), ("acier-s235",), ("iatf-16949",),
        (("Pièces embouties", (("Support de batterie", 30000, "piece"), ("Renfort", 30000, "piece"))),),
        (1, 4),
    ),
)

QUESTIONS = (
    ("Les plans sont-ils disponibles au format STEP ?", "Oui, ils sont joints au dossier en STEP AP214."),
    ("Quelle tolérance générale appliquer aux cotes non tolérancées ?", "ISO 2768-mK."),
    ("Un certificat matière 3.1 est-il exigé ?", "Oui, un certificat 3.1 par coulée."),
    ("La livraison peut-elle être fractionnée ?", "Oui, en deux livraisons au plus."),
    ("Le conditionnement est-il imposé ?", "Cartons individuels, 50 pièces au plus par carton."),
)
CANCEL_REASONS = (
    "Projet reporté à l'an prochain par notre client final.",
    "Besoin finalement couvert par notre atelier interne.",
)
UNSUCCESSFUL_REASONS = (
    "Les offres reçues dépassent le budget du projet.",
    "Aucune offre ne respecte le délai demandé.",
)
NDA_TEXT = (
    "Le fournisseur s'engage à ne divulguer aucune information du dossier de consultation à des tiers "
    "et à ne l'utiliser que pour établir son offre, pendant cinq ans."
)


@dataclasses.dataclass(frozen=True)
class RFQSpec:
    number: int
    buyer_index: int
    state: str
    template: int
    days_from_now: int  # deadline: in the future for open RFQs, in the past for past ones
    quoting: tuple[int, ...]  # indexes in the supplier pool
    with_demo_supplier: bool
    price_factors: tuple[int, ...]  # per quoting supplier, percent of the base price


def rfq_count(suppliers: int) -> int:
    return min(MAX_RFQS, BASE_RFQS + suppliers // 1000)


def generate_rfq_specs(seed: int, count: int, buyers: int, pool: int) -> list[RFQSpec]:
    """Pure: the same specs for the same seed; spec n does not depend on ``count``."""
    from .context import stream

    rng = stream(seed, STREAM)
    specs = []
    for index in range(count):
        if index < len(SHOWCASE):
            state, with_demo = SHOWCASE[index]
            buyer_index = 0
        else:
            state, with_demo = STATE_WEIGHTS(rng), False
            buyer_index = rng.randrange(max(1, buyers))
        quoting = tuple(rng.sample(range(1, pool), min(pool - 1, rng.randint(2, 4)))) if pool > 1 else ()
        days = -rng.randint(35, 120) if state in PAST_STATES and state != State.CLOSED_SEALED else (
            -rng.randint(1, 3) if state == State.CLOSED_SEALED else rng.randint(6, 40)
        )
        specs.append(
            RFQSpec(
                number=index + 1,
                buyer_index=buyer_index,
                state=state,
                template=rng.randrange(len(TEMPLATES)),
                days_from_now=days,
                quoting=quoting,
                with_demo_supplier=with_demo,
                price_factors=tuple(rng.randint(85, 125) for _ in range(len(quoting) + 1)),
            )
        )
    return specs


def _title(spec: RFQSpec) -> str:
    return f"{TEMPLATES[spec.template].title} — DA-{spec.number:04d}"


# --- writing ------------------------------------------------------------------------------------


def build_rfqs(ctx: DemoContext) -> None:
    """Create the missing demo RFQs; idempotent (numbers already present are skipped)."""
    buyers = ctx.organisations.get("buyer", [])
    suppliers = ctx.organisations.get("supplier", [])
    if not buyers or len(suppliers) < 2 or not Skill.objects.exists():
        ctx.write(_("Consultations de démonstration : rien à créer (donneurs d'ordre, fournisseurs ou référentiels absents)."))
        return
    pool = suppliers[:SUPPLIER_POOL]
    specs = generate_rfq_specs(ctx.seed, rfq_count(ctx.suppliers), len(buyers), len(pool))
    present = {
        int(match.group(1))
        # By title rather than by buyer: no IN list of thousands of buyer ids on large runs.
        for title in RFQ.objects.filter(title__contains=" — DA-").values_list("title", flat=True)
        if (match := TITLE_NUMBER.search(title))
    }
    missing = [spec for spec in specs if spec.number not in present]
    if missing:
        world = _World(ctx, buyers, pool)
        with ctx.progress_bar(len(missing), _("Consultations")) as bar:
            for spec in missing:
                _build_one(world, spec)
                bar.update(1)
    ctx.write(
        _("Consultations de démonstration : %(created)d créées, %(present)d déjà présentes.")
        % {"created": len(missing), "present": len(specs) - len(missing)}
    )


class _World:
    """What the builder acts with: organisations, one acting user per organisation, reference ids."""

    def __init__(self, ctx: DemoContext, buyers: list[int], pool: list[int]):
        self.seed = ctx.seed
        self.organisations = Organisation.objects.in_bulk(buyers + pool)
        self.buyers = [self.organisations[pk] for pk in buyers if pk in self.organisations]
        self.pool = [self.organisations[pk] for pk in pool if pk in self.organisations]
        demo_emails = {account.organisation_kind: account.email for account in DEMO_ACCOUNTS if account.organisation_kind}
        self.users: dict[int, object] = {}
        User = get_user_model()
        for organisation, kind in ((self.buyers[0], "buyer"), (self.pool[0], "supplier")):
            user = User.objects.filter(email=demo_emails[kind]).first()
            if user is not None and Membership.objects.filter(user=user, organisation=organisation).exists():
                self.users[organisation.pk] = user
        self.refs = {
            "sector": dict(Sector.objects.values_list("slug", "pk")),
            "skills": dict(Skill.objects.values_list("slug", "pk")),
            "materials": dict(Material.objects.values_list("slug", "pk")),
            "certifications": dict(CertificationType.objects.values_list("slug", "pk")),
        }

    def user_of(self, organisation):
        """The demo account of the organisation, or its demo contact (created once)."""
        if organisation.pk not in self.users:
            self.users[organisation.pk] = _contact_user(organisation)
        return self.users[organisation.pk]


def _contact_user(organisation):
    User = get_user_model()
    email = f"contact.{organisation.slug}@demo.test"[:254]
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, first_name="Contact", last_name=organisation.name[:150])
        user.set_unusable_password()
        user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": Membership.Role.OWNER})
    return user


def _build_one(world: _World, spec: RFQSpec) -> None:
    # Per-RFQ details, independent of the other RFQs (and so of how many there are).
    rng = random.Random(f"production-en-france/{world.seed}/{STREAM}/{spec.number}")
    template = TEMPLATES[spec.template]
    buyer = world.buyers[spec.buyer_index % len(world.buyers)]
    buyer_user = world.user_of(buyer)
    quoting_suppliers = [world.pool[i] for i in spec.quoting if i < len(world.pool)]
    if spec.with_demo_supplier:
        quoting_suppliers = [world.pool[0]] + [s for s in quoting_suppliers if s.pk != world.pool[0].pk]
    quoting_suppliers = [s for s in quoting_suppliers if s.pk != buyer.pk]
    past = spec.state in PAST_STATES
    now = timezone.now()
    # Past RFQs run with a real deadline just over the publishing minimum, then move back in time.
    deadline = now + (timedelta(hours=1, minutes=5) if past else timedelta(days=spec.days_from_now))
    lots = template.lots if spec.state == State.AWARDED_LOTS or len(template.lots) == 1 else template.lots[:1]
    if spec.state == State.AWARDED_LOTS and len(lots) == 1:
        lots = lots + (("Lot complémentaire", ((f"{template.lots[0][1][0][0]} — variante", 100, "piece"),)),)
    visibility = {
        State.CONFIDENTIAL: RFQ.Visibility.CONFIDENTIAL,
        State.INVITED: RFQ.Visibility.INVITED,
    }.get(spec.state, RFQ.Visibility.PUBLIC)
    base_price = rng.randint(*template.unit_price)

    with transaction.atomic():
        rfq = services.create_rfq(
            buyer_user,
            buyer,
            title=_title(spec),
            summary=template.summary,
            description=f"<p>{template.summary}</p><p>Délai de livraison souhaité : {rng.choice((4, 6, 8, 12))} semaines.</p>",
            sector=world.refs["sector"].get(template.sector),
            skills=[world.refs["skills"][s] for s in template.skills if s in world.refs["skills"]],
            materials=[world.refs["materials"][s] for s in template.materials if s in world.refs["materials"]],
            certifications=[world.refs["certifications"][s] for s in template.certifications if s in world.refs["certifications"]],
            delivery_commune=buyer.commune_id,
            quote_deadline=deadline,
            questions_deadline=deadline - timedelta(minutes=30) if past else deadline - timedelta(days=3),
            budget_min=None,
            budget_max=None,
            visibility=visibility,
            nda_text=NDA_TEXT if visibility == RFQ.Visibility.CONFIDENTIAL else "",
            lots=[
                services.LotData(
                    title=title,
                    lines=[services.LineData(part=part, quantity=Decimal(quantity), unit=unit) for part, quantity, unit in lines],
                )
                for title, lines in lots
            ],
        )
        if spec.state == State.DRAFT:
            _mark_emailed(rfq)
            return
        if visibility == RFQ.Visibility.INVITED or spec.number == 2:
            participation.invite_suppliers(buyer_user, rfq, quoting_suppliers)
        services.publish_rfq(buyer_user, rfq)
        if visibility == RFQ.Visibility.CONFIDENTIAL:
            for supplier in quoting_suppliers[:1]:
                participation.accept_nda(world.user_of(supplier), rfq, supplier)
            quoting_suppliers = quoting_suppliers[:1]
        if spec.state == State.CANCELLED:
            services.cancel_rfq(buyer_user, rfq, CANCEL_REASONS[spec.number % len(CANCEL_REASONS)])
            _mark_emailed(rfq)
            return

        _questions(world, rfq, buyer_user, quoting_suppliers, rng)
        quotes = _quotes(world, spec, rfq, quoting_suppliers, base_price)
        if not past:
            _mark_emailed(rfq)
            return

        closing_started = timezone.now()
        services.close_rfq(rfq, now=deadline + timedelta(seconds=1))
        if spec.state in (State.CLOSED_OPENED, State.AWARDED_WHOLE, State.AWARDED_LOTS) and quotes:
            quoting.open_quotes(buyer_user, rfq)
            _decide(buyer_user, spec, rfq, quotes, demo_supplier_id=world.pool[0].pk)
        elif spec.state == State.UNSUCCESSFUL:
            if quotes:
                quoting.open_quotes(buyer_user, rfq)
            quoting.declare_unsuccessful(buyer_user, rfq, UNSUCCESSFUL_REASONS[spec.number % len(UNSUCCESSFUL_REASONS)])
        _move_back_in_time(rfq, spec, rng, closing_started)
        _mark_emailed(rfq)


def _questions(world, rfq, buyer_user, suppliers, rng) -> None:
    for position, supplier in enumerate(suppliers[:2]):
        text, answer = QUESTIONS[rng.randrange(len(QUESTIONS))]
        try:
            question = participation.ask_question(world.user_of(supplier), rfq, supplier, text)
        except RFQError:
            continue
        if position == 0:  # the second one stays unanswered, as in real life
            participation.answer_question(buyer_user, question, answer)


def _quotes(world, spec, rfq, suppliers, base_price) -> list[Quote]:
    """Submitted quotes (the demo supplier's stays a draft on RFQ n° 2); refusals (a Free plan's
    monthly quota, for instance) simply leave that supplier out."""
    lines = list(rfq.lots.values_list("lines__id", flat=True).order_by("number", "lines__number"))
    quotes = []
    for position, supplier in enumerate(suppliers):
        factor = Decimal(spec.price_factors[position % len(spec.price_factors)]) / 100
        data = [
            quoting.QuoteLineData(lot_line_id=line_id, unit_price=(Decimal(base_price) * factor).quantize(Decimal("0.01")))
            for line_id in lines
        ]
        user = world.user_of(supplier)
        draft_only = spec.number == 2 and supplier.pk == world.pool[0].pk
        try:
            with transaction.atomic():
                if draft_only:
                    quoting.save_quote_draft(user, rfq, supplier, lines=data, lead_time_days=30)
                    continue
                quote = quoting.submit_quote(
                    user, rfq, supplier, lines=data, lead_time_days=15 + 5 * position,
                    comments="Prix départ usine, emballage compris.",
                )
        except RFQError:
            continue
        quotes.append(quote)
    return quotes


def _decide(buyer_user, spec, rfq, quotes, *, demo_supplier_id: int) -> None:
    quotes = list(Quote.objects.filter(pk__in=[q.pk for q in quotes], integrity_ok=True).order_by("total", "pk"))
    if not quotes:
        return
    if spec.state == State.AWARDED_WHOLE:
        # The demo supplier wins its showcase RFQ; elsewhere the lowest total wins.
        winner = quotes[0]
        if spec.with_demo_supplier:
            winner = next((q for q in quotes if q.supplier_id == demo_supplier_id), winner)
        quoting.award(buyer_user, rfq, {None: winner}, note="Meilleur rapport qualité-prix-délai.")
    elif spec.state == State.AWARDED_LOTS:
        lots = list(rfq.lots.order_by("number"))
        decisions = {lot.pk: quotes[index % len(quotes)] for index, lot in enumerate(lots)}
        quoting.award(buyer_user, rfq, decisions, note="Attribution par lot au mieux-disant.")
    else:
        return
    quoting.send_debriefs(buyer_user, rfq)


def _move_back_in_time(rfq, spec, rng, closing_started) -> None:
    """Rewrite the timestamps of a past RFQ's story so that its deadline falls ``spec.days_from_now``
    days ago: publication, questions and submissions in the weeks before it, closing just after
    it, opening the next day, award and debriefs a few days later."""
    rfq.refresh_from_db()
    deadline = timezone.now() + timedelta(days=spec.days_from_now, hours=-rng.randint(0, 8))
    published = deadline - timedelta(days=rng.randint(14, 30))
    closed = deadline + timedelta(minutes=1)
    opened = deadline + timedelta(hours=20)
    decided = deadline + timedelta(days=3)
    RFQ.objects.filter(pk=rfq.pk).update(
        created_at=published - timedelta(days=rng.randint(1, 5)),
        published_at=published,
        questions_deadline=deadline - timedelta(days=3),
        quote_deadline=deadline,
        closed_at=closed,
        opened_at=opened if rfq.opened_at else None,
        awarded_at=decided if rfq.awarded_at else None,
    )
    Award.objects.filter(rfq=rfq).update(awarded_at=decided)
    RFQInvitation.objects.filter(rfq=rfq).update(created_at=published)
    RFQInvitation.objects.filter(rfq=rfq, viewed_at__isnull=False).update(viewed_at=published + timedelta(days=1))
    for number, question in enumerate(Question.objects.filter(rfq=rfq).order_by("pk")):
        asked = published + timedelta(days=2 + number)
        Question.objects.filter(pk=question.pk).update(
            asked_at=asked, answered_at=asked + timedelta(days=1) if question.answered_at else None
        )
    submissions = {}
    for number, quote in enumerate(Quote.objects.filter(rfq=rfq).order_by("pk")):
        submitted = deadline - timedelta(days=1 + number, hours=rng.randint(1, 9))
        submissions[quote.pk] = submitted
        Quote.objects.filter(pk=quote.pk).update(
            created_at=submitted - timedelta(hours=2),
            submitted_at=submitted if quote.submitted_at else None,
            integrity_checked_at=opened if quote.integrity_checked_at else None,
        )
        QuoteVersion.objects.filter(quote=quote).update(submitted_at=submitted)
    # The inbox tells the same story: what happened before closing moves to the open period,
    # what happened from closing on (closing, opening, award, debriefs) to after the deadline.
    for notification in Notification.objects.filter(params__reference=rfq.reference):
        if notification.created_at < closing_started:
            moment = published + (notification.created_at - rfq.published_at) if rfq.published_at else published
            moment = min(moment, deadline - timedelta(minutes=5))
        elif notification.kind.startswith("rfq.closed"):
            moment = closed
        elif rfq.opened_at and notification.created_at < (rfq.awarded_at or timezone.now()):
            moment = opened
        else:
            moment = decided
        Notification.objects.filter(pk=notification.pk).update(created_at=moment)


def _mark_emailed(rfq) -> None:
    """Demo notifications stay in the inbox; none of them is emailed to a demo.test address."""
    Notification.objects.filter(params__reference=rfq.reference, emailed_at__isnull=True).update(emailed_at=timezone.now())
