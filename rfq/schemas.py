"""Input and output shapes of the RFQ API (:mod:`rfq.api`).

Money and quantities travel as **decimal strings** (``"12.50"``, ``"500"``), never as JSON
numbers: a JSON number is a binary float for most clients, and a price must arrive exactly as
typed. A JSON number where a decimal string is expected is a 400. Dates and times are ISO 8601;
a date-time without a UTC offset is refused (400) rather than guessed.
"""
from __future__ import annotations

import re

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from django.utils.translation import gettext as _
from pydantic import AwareDatetime, BeforeValidator, WithJsonSchema

from marketplace.api.schemas import ErrorOut, ValidationErrorOut

from .models import RFQ, Unit

RFQStatus = Literal["draft", "published", "closed", "awarded", "cancelled", "unsuccessful"]
Visibility = Literal["public", "invited", "confidential"]
UnitChoice = Literal[tuple(Unit.values)]  # type: ignore[valid-type]

PRICE_PATTERN = r"^\d{1,10}(\.\d{1,4})?$"
QUANTITY_PATTERN = r"^\d{1,9}(\.\d{1,3})?$"
AMOUNT_PATTERN = r"^\d{1,12}(\.\d{1,2})?$"


def _decimal_string(pattern: str):
    compiled = re.compile(pattern)

    def check(value):
        # A JSON number would reach Decimal through a binary float: refuse it rather than guess.
        if not isinstance(value, str):
            raise ValueError(_("Écrivez ce nombre entre guillemets, par exemple \"12.50\"."))
        if not compiled.match(value):
            raise ValueError(_("Nombre décimal invalide : chiffres et point décimal, sans signe ni espace."))
        return value

    return check


def _decimal_type(pattern: str, description: str, example: str):
    return Annotated[
        Decimal,
        BeforeValidator(_decimal_string(pattern)),
        WithJsonSchema({"type": "string", "pattern": pattern, "examples": [example], "description": description}),
    ]


PriceStr = _decimal_type(PRICE_PATTERN, "Prix unitaire HT en euros, chaîne décimale (4 décimales au plus).", "12.50")
QuantityStr = _decimal_type(QUANTITY_PATTERN, "Quantité strictement positive, chaîne décimale (3 décimales au plus).", "500")
AmountStr = _decimal_type(AMOUNT_PATTERN, "Montant HT en euros, chaîne décimale (2 décimales au plus).", "15000.00")
# A reference entry (filière, savoir-faire, matériau, certification) named by slug or by id.
Ref = Annotated[str | int, Field(description="Identifiant textuel (slug) ou numérique.")]


# --- input ------------------------------------------------------------------------------------


class LineIn(Schema):
    part: str = Field(..., min_length=1, max_length=200, description="Pièce ou prestation.")
    quantity: QuantityStr
    unit: UnitChoice = "piece"
    reference: str = Field("", max_length=100, description="Référence plan.")
    target_date: date | None = Field(None, description="Date de livraison souhaitée (AAAA-MM-JJ).")


class LotIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    lines: list[LineIn] = Field(..., min_length=1)


class RFQIn(Schema):
    """A new draft. Deadlines are ISO 8601 with an offset (``2026-03-01T17:00:00+01:00``)."""

    title: str = Field(..., min_length=1, max_length=200)
    summary: str = Field("", max_length=500, description="Résumé public, visible même si la consultation est confidentielle.")
    description: str = Field("", description="Texte enrichi (HTML), nettoyé à l'enregistrement.")
    sector: Ref | None = None
    skills: list[Ref] = []
    materials: list[Ref] = []
    certifications: list[Ref] = Field([], description="Certifications exigées.")
    delivery_commune: str | None = Field(None, description="Code INSEE de la commune de livraison.")
    quote_deadline: AwareDatetime | None = Field(None, description="Date limite de remise des offres, avec fuseau.")
    questions_deadline: AwareDatetime | None = Field(None, description="Date limite des questions, avec fuseau.")
    budget_min: AmountStr | None = None
    budget_max: AmountStr | None = None
    visibility: Visibility = "public"
    nda_text: str = Field("", description="Accord de confidentialité (obligatoire si confidentielle).")
    lots: list[LotIn] = []


class RFQPatch(Schema):
    """Only the fields sent change. ``lots`` replaces every lot and line."""

    title: str | None = Field(None, min_length=1, max_length=200)
    summary: str | None = Field(None, max_length=500)
    description: str | None = None
    sector: Ref | None = None
    skills: list[Ref] | None = None
    materials: list[Ref] | None = None
    certifications: list[Ref] | None = None
    delivery_commune: str | None = None
    quote_deadline: AwareDatetime | None = None
    questions_deadline: AwareDatetime | None = None
    budget_min: AmountStr | None = None
    budget_max: AmountStr | None = None
    visibility: Visibility | None = None
    nda_text: str | None = None
    lots: list[LotIn] | None = None


class QuestionIn(Schema):
    text: str = Field(..., min_length=1, max_length=4000)
    lot_id: int | None = Field(None, description="Lot concerné (facultatif).")


class QuoteLineIn(Schema):
    lot_line_id: int = Field(..., description="Identifiant d'une ligne de lot de la consultation.")
    unit_price: PriceStr
    comment: str = Field("", max_length=500)


class QuoteIn(Schema):
    """The supplier's quote: saved as a draft, or submitted when ``submit`` is true."""

    lines: list[QuoteLineIn] = Field(..., min_length=1)
    lead_time_days: int | None = Field(None, ge=0, le=3650, description="Délai en jours.")
    valid_until: date | None = Field(None, description="Offre valable jusqu'au (AAAA-MM-JJ).")
    comments: str = Field("", max_length=8000)
    submit: bool = Field(False, description="true : remettre l'offre (version figée et horodatée) ; false : brouillon.")


class AwardIn(Schema):
    """Either ``quote_id`` (the whole RFQ to one quote) or ``lots`` (lot id → quote id)."""

    quote_id: int | None = Field(None, description="Attribution globale à cette offre.")
    lots: dict[str, int] | None = Field(None, description="Attribution par lot : {\"<id du lot>\": <id de l'offre>}.")
    note: str = Field("", max_length=4000, description="Motif de la décision.")


# --- output -----------------------------------------------------------------------------------


class CodedErrorOut(ErrorOut):
    code: str = Field(..., description="Raison stable, lisible par un programme (par ex. \"deadline_passed\").")


class CodedValidationErrorOut(ValidationErrorOut):
    code: str | None = Field(None, description="Raison stable quand un service a refusé (par ex. \"deadline_past\").")


class SealedErrorOut(CodedErrorOut):
    received: int = Field(..., description="Nombre d'offres remises à ce jour.")


class NamedOut(Schema):
    slug: str
    name: str


class OrganisationOut(Schema):
    id: int
    name: str


class LineOut(Schema):
    id: int
    number: int
    part: str
    reference: str
    quantity: str
    unit: str
    target_date: date | None


class LotSummaryOut(Schema):
    id: int
    number: int
    title: str


class LotOut(LotSummaryOut):
    description: str
    lines: list[LineOut]


class AttachmentOut(Schema):
    id: int
    name: str
    kind: str
    size: int
    sha256: str
    lot_id: int | None


class QuestionOut(Schema):
    id: int
    lot_id: int | None
    text: str
    asked_at: datetime
    asked_by: str | None = Field(None, description="Organisation qui a posé la question : visible de l'acheteur seulement.")
    answer: str
    answered_at: datetime | None


class RFQDetailsOut(Schema):
    description: str
    nda_text: str
    lots: list[LotOut]
    attachments: list[AttachmentOut]
    questions: list[QuestionOut]


class RFQSummaryOut(Schema):
    id: int
    reference: str
    title: str
    summary: str
    status: RFQStatus
    visibility: Visibility
    buyer: OrganisationOut
    sector: NamedOut | None
    skills: list[NamedOut]
    materials: list[NamedOut]
    certifications: list[NamedOut]
    delivery_commune: str | None = Field(None, description="Code INSEE.")
    quote_deadline: datetime | None
    questions_deadline: datetime | None
    budget_min: str | None
    budget_max: str | None
    currency: str
    revision: int
    published_at: datetime | None
    closed_at: datetime | None
    opened_at: datetime | None
    cancel_reason: str
    lots: list[LotSummaryOut]


class RFQOut(RFQSummaryOut):
    details_visible: bool = Field(..., description="false : seul le résumé est visible (accord de confidentialité, invitation…).")
    details: RFQDetailsOut | None
    is_buyer: bool = Field(..., description="Vous êtes membre de l'organisation acheteuse.")
    quotes_received: int | None = Field(None, description="Nombre d'offres remises (acheteur seulement, jamais leur contenu avant ouverture).")


class RFQPageOut(Schema):
    total: int
    page: int
    page_size: int
    results: list[RFQSummaryOut]


class QuoteLineOut(Schema):
    lot_line_id: int
    unit_price: str
    line_total: str
    comment: str


class QuoteAttachmentOut(Schema):
    id: int
    name: str
    kind: str
    size: int
    sha256: str


class QuoteOut(Schema):
    id: int
    rfq_id: int
    supplier: OrganisationOut
    status: str
    outcome: str
    version: int
    total: str
    currency: str
    lead_time_days: int | None
    valid_until: date | None
    comments: str
    needs_reconfirmation: bool
    submitted_at: datetime | None
    integrity_ok: bool | None
    lines: list[QuoteLineOut]
    attachments: list[QuoteAttachmentOut]


class AwardOut(Schema):
    lot_id: int | None
    quote_id: int
    supplier: OrganisationOut
    amount: str


class AwardResultOut(Schema):
    status: RFQStatus
    awards: list[AwardOut]


class MatchOut(Schema):
    organisation_id: int
    profile_id: int
    name: str
    slug: str
    score: float
    distance_km: float | None
    why: str
