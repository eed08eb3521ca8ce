"""RFQs and quotes in the JSON API (django-ninja), mounted at ``/api/rfqs`` by ``marketplace.api.api``.

The endpoints parse input, resolve ids, call :mod:`rfq.services` / :mod:`rfq.quoting` and turn
their :class:`~rfq.exceptions.RFQError` into JSON ``{"detail": "…", "code": "…"}``:

* **400** the request is wrong (a malformed price, a quantity ≤ 0, a deadline in the past or
  without an offset, an unknown id): ``errors`` lists the fields when the input parser refused it;
* **403** you may see the RFQ but not do this (a supplier publishing, a buyer quoting, a buyer
  reading sealed quotes — the answer says why and how many quotes arrived);
* **404** the RFQ does not exist *or you may not see it* (a draft of another organisation, an
  invitation-only RFQ you were not invited to): the API never confirms that it exists;
* **409** the RFQ's state forbids it now (deadline passed, not a draft, quotes not opened yet,
  a live quote already submitted…), with a stable ``code``.

Writes need a personal API token (``Authorization: Bearer …``); reads also accept the browser
session. Quotes are sealed: no endpoint exposes a price, line or file of a quote to anyone but its
supplier before the buyer opened the quotes (:func:`rfq.quoting.visible_quotes_for` decides).
"""
from __future__ import annotations

from functools import wraps

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import File, Form, Query, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import Field

from marketplace.accounts.middleware import get_active_membership
from marketplace.api.auth import token_auth, token_or_session_auth
from marketplace.api.schemas import ErrorOut, ValidationErrorOut
from marketplace.geo.models import Commune
from suppliers.models import CertificationType, Material, Sector, Skill

from . import access, participation, quoting, services
from .exceptions import RFQError
from .models import RFQ, Award, Lot, LotLine, Question, Quote
from .schemas import (
    AttachmentOut,
    AwardIn,
    AwardResultOut,
    CodedErrorOut,
    CodedValidationErrorOut,
    MatchOut,
    QuestionIn,
    QuestionOut,
    QuoteIn,
    QuoteOut,
    RFQIn,
    RFQOut,
    RFQPageOut,
    RFQPatch,
    RFQStatus,
    SealedErrorOut,
)

router = Router(tags=["consultations"])

MAX_PAGE_SIZE = 100
MATCH_LIMIT = 50

# How a refusal's code maps to a status; any other code gets the endpoint's default
# (400 where the input is at fault, 409 for a transition that the state forbids).
FORBIDDEN_CODES = frozenset({
    "not_buyer", "not_member", "not_supplier", "no_access", "cannot_quote", "not_invited", "own_organisation",
    "quota_exceeded", "forbidden",
})
CONFLICT_CODES = frozenset({
    "not_editable", "deadline_passed", "not_draft", "not_open", "not_published", "questions_closed",
    "already_submitted", "duplicate_quote", "not_cancellable", "already_declined", "already_quoted", "not_live",
    "sealed", "already_opened", "not_opened", "wrong_state", "not_submitted", "tampered",
})
BAD_INPUT_CODES = frozenset({
    "invalid_award", "unknown_lot", "unknown_quote", "incomplete_quote", "unknown_line", "invalid_lines",
    "invalid_price", "no_lines", "partial_lot", "invalid_lead_time", "invalid_validity", "invalid_comments",
    "reason_required", "bad_lot",
})


def status_for(code: str, default: int) -> int:
    if code in FORBIDDEN_CODES:
        return 403
    if code in CONFLICT_CODES:
        return 409
    if code in BAD_INPUT_CODES:
        return 400
    return default


WRITE_ERRORS = {400: CodedValidationErrorOut, 401: ErrorOut, 403: CodedErrorOut, 404: ErrorOut, 409: CodedErrorOut}
READ_ERRORS = {400: ValidationErrorOut, 401: ErrorOut, 403: CodedErrorOut, 404: ErrorOut}


def refusals(default_status: int):
    """Answer an RFQError raised by the wrapped endpoint as ``{"detail", "code"}`` JSON."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except RFQError as error:
                status = status_for(error.code, default_status)
                body = {"detail": error.message, "code": error.code}
                if status == 400:
                    body["errors"] = []
                return Status(status, body)

        return wrapped

    return decorate


# --- who is asking, and which RFQ ---------------------------------------------------------------


def _organisation(request):
    membership = get_active_membership(request.auth)
    return membership.organisation if membership else None


def _visible_rfq(request, rfq_id: int) -> RFQ:
    """The RFQ if the caller may see at least its summary; 404 otherwise (never a 403 that would
    confirm a draft or an invitation-only RFQ exists)."""
    rfq = RFQ.objects.select_related("buyer", "sector").filter(pk=rfq_id).first()
    if rfq is None or not access.can_see_rfq(request.auth, _organisation(request), rfq):
        raise Http404
    return rfq


def _buyer_rfq(request, rfq_id: int, *, hidden_as_404: bool = False) -> RFQ:
    """The RFQ for an action of its buyer: 404 if invisible, 403 if visible to a non-member."""
    rfq = _visible_rfq(request, rfq_id)
    if not access.is_buyer_member(request.auth, rfq):
        if hidden_as_404:
            raise Http404
        raise RFQError(_("Seuls les membres du donneur d'ordre peuvent gérer cette consultation."), code="not_buyer")
    return rfq


# --- input resolution ---------------------------------------------------------------------------


def _resolve(model, refs, field: str, label: str) -> list:
    """Reference entries named by slug or id, in the order given; 400 naming the unknown ones."""
    refs = list(dict.fromkeys(refs or ()))
    ids = [r for r in refs if isinstance(r, int) or (isinstance(r, str) and r.isdigit())]
    slugs = [r for r in refs if isinstance(r, str) and not r.isdigit()]
    found = {}
    for obj in model.objects.filter(Q(pk__in=[int(i) for i in ids]) | Q(slug__in=slugs)):
        found[obj.pk] = found[str(obj.pk)] = found[obj.slug] = obj
    unknown = [str(r) for r in refs if r not in found]
    if unknown:
        raise DjangoValidationError(
            {field: [_("%(label)s inconnu(e)s : %(refs)s.") % {"label": label, "refs": ", ".join(unknown)}]}
        )
    return [found[r] for r in refs]


def _resolved_values(values: dict) -> dict:
    """Schema values → keyword arguments of create_rfq / update_rfq (objects instead of refs)."""
    values = dict(values)
    if values.get("sector") is not None:
        values["sector"] = _resolve(Sector, [values["sector"]], "sector", _("Filière"))[0]
    for field, model, label in (
        ("skills", Skill, _("Savoir-faire")),
        ("materials", Material, _("Matériaux")),
        ("certifications", CertificationType, _("Certifications")),
    ):
        if values.get(field) is not None:
            values[field] = _resolve(model, values[field], field, label)
        elif field in values:
            values[field] = []
    if values.get("delivery_commune"):
        commune = Commune.objects.filter(insee=values["delivery_commune"]).first()
        if commune is None:
            raise DjangoValidationError(
                {"delivery_commune": [_("Commune inconnue : %(code)s.") % {"code": values["delivery_commune"]}]}
            )
        values["delivery_commune"] = commune
    if values.get("lots") is not None:
        values["lots"] = [
            services.LotData(
                title=lot["title"],
                description=lot["description"],
                lines=[services.LineData(**line) for line in lot["lines"]],
            )
            for lot in values["lots"]
        ]
    if "visibility" in values and values["visibility"] is None:
        del values["visibility"]
    for text in ("title", "summary", "description", "nda_text"):
        if text in values and values[text] is None:
            values[text] = ""
    return values


def _lot_of(rfq, lot_id: int | None):
    if lot_id is None:
        return None
    lot = Lot.objects.filter(pk=lot_id, rfq=rfq).first()
    if lot is None:
        raise DjangoValidationError({"lot_id": [_("Ce lot n'appartient pas à cette consultation.")]})
    return lot


# --- output -------------------------------------------------------------------------------------


def _named(objects) -> list[dict]:
    return [{"slug": obj.slug, "name": obj.label} for obj in objects]


def _money(value) -> str | None:
    return None if value is None else str(value)


def _summary(rfq: RFQ) -> dict:
    return {
        "id": rfq.pk,
        "reference": rfq.reference,
        "title": rfq.title,
        "summary": rfq.summary,
        "status": rfq.status,
        "visibility": rfq.visibility,
        "buyer": {"id": rfq.buyer_id, "name": rfq.buyer.name},
        "sector": _named([rfq.sector])[0] if rfq.sector_id else None,
        "skills": _named(rfq.skills.all()),
        "materials": _named(rfq.materials.all()),
        "certifications": _named(rfq.required_certifications.all()),
        "delivery_commune": rfq.delivery_commune_id,
        "quote_deadline": rfq.quote_deadline,
        "questions_deadline": rfq.questions_deadline,
        "budget_min": _money(rfq.budget_min),
        "budget_max": _money(rfq.budget_max),
        "currency": rfq.currency,
        "revision": rfq.revision,
        "published_at": rfq.published_at,
        "closed_at": rfq.closed_at,
        "opened_at": rfq.opened_at,
        "cancel_reason": rfq.cancel_reason,
        "lots": [{"id": lot.pk, "number": lot.number, "title": lot.title} for lot in rfq.lots.all()],
    }


def _questions(rfq: RFQ, organisation, is_buyer: bool) -> list[dict]:
    questions = Question.objects.filter(rfq=rfq).select_related("asked_by_organisation")
    if not is_buyer:
        # Suppliers see the answered questions, and their own ones still waiting.
        mine = Q(asked_by_organisation=organisation) if organisation is not None else Q(pk__in=[])
        questions = questions.filter(Q(answered_at__isnull=False) | mine)
    return [_question(q, is_buyer) for q in questions]


def _question(question: Question, is_buyer: bool) -> dict:
    return {
        "id": question.pk,
        "lot_id": question.lot_id,
        "text": question.text,
        "asked_at": question.asked_at,
        # The asker is never named to other suppliers (docs/RFQ.md).
        "asked_by": question.asked_by_organisation.name if is_buyer else None,
        "answer": question.answer,
        "answered_at": question.answered_at,
    }


def _details(rfq: RFQ, organisation, is_buyer: bool) -> dict:
    lots = rfq.lots.prefetch_related(Prefetch("lines", queryset=LotLine.objects.order_by("number")))
    return {
        "description": rfq.description,
        "nda_text": rfq.nda_text,
        "lots": [
            {
                "id": lot.pk,
                "number": lot.number,
                "title": lot.title,
                "description": lot.description,
                "lines": [
                    {
                        "id": line.pk,
                        "number": line.number,
                        "part": line.part,
                        "reference": line.reference,
                        "quantity": str(line.quantity),
                        "unit": line.unit,
                        "target_date": line.target_date,
                    }
                    for line in lot.lines.all()
                ],
            }
            for lot in lots
        ],
        "attachments": [_attachment(a) for a in rfq.attachments.all()],
        "questions": _questions(rfq, organisation, is_buyer),
    }


def _attachment(attachment) -> dict:
    return {
        "id": attachment.pk,
        "name": attachment.original_name,
        "kind": attachment.kind,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "lot_id": attachment.lot_id,
    }


def _full(request, rfq: RFQ) -> dict:
    organisation = _organisation(request)
    is_buyer = access.is_buyer_member(request.auth, rfq)
    details_visible = access.can_see_details(request.auth, organisation, rfq)
    return {
        **_summary(rfq),
        "details_visible": details_visible,
        "details": _details(rfq, organisation, is_buyer) if details_visible else None,
        "is_buyer": is_buyer,
        # A count, never a content: the quotes stay sealed until opened.
        "quotes_received": quoting.submitted_quote_count(rfq) if is_buyer else None,
    }


def _quote(quote: Quote) -> dict:
    return {
        "id": quote.pk,
        "rfq_id": quote.rfq_id,
        "supplier": {"id": quote.supplier_id, "name": quote.supplier.name},
        "status": quote.status,
        "outcome": quote.outcome,
        "version": quote.version,
        "total": str(quote.total),
        "currency": quote.currency,
        "lead_time_days": quote.lead_time_days,
        "valid_until": quote.valid_until,
        "comments": quote.comments,
        "needs_reconfirmation": quote.needs_reconfirmation,
        "submitted_at": quote.submitted_at,
        "integrity_ok": quote.integrity_ok,
        "lines": [
            {
                "lot_line_id": line.lot_line_id,
                "unit_price": str(line.unit_price),
                "line_total": str(line.line_total),
                "comment": line.comment,
            }
            for line in quote.lines.all()
        ],
        "attachments": [
            {"id": a.pk, "name": a.original_name, "kind": a.kind, "size": a.size, "sha256": a.sha256}
            for a in quote.attachments.all()
        ],
    }


def _quotes(queryset) -> list[dict]:
    return [_quote(q) for q in queryset.select_related("supplier").prefetch_related("lines", "attachments")]


# --- RFQs -----------------------------------------------------------------------------------------


@router.post("", response={201: RFQOut, **WRITE_ERRORS}, auth=token_auth, summary="Créer une consultation (brouillon)")
@refusals(400)
def create_rfq(request, payload: RFQIn):
    """Create a draft RFQ for your active organisation, which must be a buyer (403 otherwise).

    ``sector``, ``skills``, ``materials`` and ``certifications`` name reference entries by slug
    (as ``GET /api/suppliers/{id}`` shows them) or by id; an unknown one is a 400 that lists it.
    ``delivery_commune`` is an INSEE code. Quantities and budgets are decimal strings; deadlines
    ISO 8601 **with an offset** (a naive time is a 400), in the future (400 ``deadline_past``).
    Publish it with ``POST /api/rfqs/{id}/publish``.
    """
    organisation = _organisation(request)
    if organisation is None or not organisation.is_buyer:
        raise RFQError(_("Seuls les membres d'un donneur d'ordre peuvent créer une consultation."), code="not_buyer")
    values = _resolved_values(payload.model_dump())
    rfq = services.create_rfq(request.auth, organisation, **values)
    return Status(201, _full(request, rfq))


@router.patch("/{rfq_id}", response={200: RFQOut, **WRITE_ERRORS}, auth=token_auth, summary="Modifier une consultation")
@refusals(400)
def update_rfq(request, rfq_id: int, payload: RFQPatch):
    """Change the fields sent (buyer members only), while the RFQ is a draft or published and
    before its deadline (409 ``not_editable`` / ``deadline_passed`` otherwise). ``lots`` replaces
    every lot and line. After publishing, a material change bumps ``revision`` and asks quoting
    suppliers to reconfirm; an edit in the last 24 h pushes the deadline to 24 h from now."""
    rfq = _buyer_rfq(request, rfq_id)
    changes = _resolved_values(payload.model_dump(exclude_unset=True))
    rfq = services.update_rfq(request.auth, rfq, **changes)
    return _full(request, rfq)


@router.post("/{rfq_id}/publish", response={200: RFQOut, **WRITE_ERRORS}, auth=token_auth, summary="Publier une consultation")
@refusals(409)
def publish_rfq(request, rfq_id: int):
    """Publish a draft (buyer members only). Refused with 409 when it is not a draft
    (``not_draft``) or not ready: no lot with a line (``lots_required``), deadline less than an
    hour away (``deadline_too_soon``), confidential without an NDA text (``nda_required``)."""
    rfq = _buyer_rfq(request, rfq_id)
    rfq = services.publish_rfq(request.auth, rfq)
    return _full(request, rfq)


class ListParams(Schema):
    status: RFQStatus | None = Field(None, description="Filtrer par statut.")
    mine: bool = Field(False, description="true : les consultations de mon organisation active (tous statuts).")
    page: int = Field(1, ge=1, description="Page, à partir de 1.")
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description="Consultations par page, 100 au plus.")


@router.get("", response={200: RFQPageOut, **READ_ERRORS}, auth=token_or_session_auth, summary="Lister les consultations")
def list_rfqs(request, params: Query[ListParams]):
    """RFQs you may see, newest first: public and confidential ones once published (summaries),
    invitation-only ones you are invited to, and every RFQ of your own organisation. With
    ``mine=true``, only your organisation's RFQs. Never any quote content."""
    organisation = _organisation(request)
    if params.mine:
        rfqs = RFQ.objects.filter(buyer=organisation) if organisation is not None else RFQ.objects.none()
    else:
        rfqs = access.rfqs_visible_to(organisation)
    if params.status:
        rfqs = rfqs.filter(status=params.status)
    rfqs = rfqs.select_related("buyer", "sector").prefetch_related(
        "skills", "materials", "required_certifications", "lots"
    ).order_by("-published_at", "-created_at", "-pk")
    total = rfqs.count()
    start = (params.page - 1) * params.page_size
    return {
        "total": total,
        "page": params.page,
        "page_size": params.page_size,
        "results": [_summary(rfq) for rfq in rfqs[start : start + params.page_size]],
    }


@router.get("/{rfq_id}", response={200: RFQOut, **READ_ERRORS}, auth=token_or_session_auth, summary="Une consultation")
def rfq_detail(request, rfq_id: int):
    """The summary for anyone who may see the RFQ; ``details`` (description, lots and lines,
    files, answered questions) only when ``details_visible`` — for a confidential RFQ, once your
    organisation accepted its NDA. The buyer also gets ``quotes_received``, a count: quote
    contents are never part of this answer."""
    return _full(request, _visible_rfq(request, rfq_id))


@router.post(
    "/{rfq_id}/attachments",
    response={201: AttachmentOut, **WRITE_ERRORS},
    auth=token_auth,
    summary="Joindre un fichier",
)
@refusals(400)
def add_attachment(request, rfq_id: int, file: File[UploadedFile], lot_id: Form[int | None] = None):
    """Multipart upload of one file (field ``file``; optional ``lot_id``), buyer members only.
    The type is recognised by content (PDF, images, DXF, DWG, STEP, IGES, ZIP): a disguised or
    oversized file is a 400 naming it; a path in the file name is reduced to its base name."""
    rfq = _buyer_rfq(request, rfq_id)
    attachment = services.add_attachment(request.auth, rfq, file, lot=_lot_of(rfq, lot_id))
    return Status(201, _attachment(attachment))


@router.post(
    "/{rfq_id}/questions", response={201: QuestionOut, **WRITE_ERRORS}, auth=token_auth, summary="Poser une question"
)
@refusals(400)
def ask_question(request, rfq_id: int, payload: QuestionIn):
    """A supplier who may see the RFQ's details asks the buyer, before the questions deadline
    (409 ``questions_closed`` after it). The answer is published to every supplier who sees the
    RFQ; the asker is never named to them."""
    rfq = _visible_rfq(request, rfq_id)
    organisation = _organisation(request)
    question = participation.ask_question(request.auth, rfq, organisation, payload.text, lot=_lot_of(rfq, payload.lot_id))
    return Status(201, _question(question, is_buyer=False))


# --- quotes ---------------------------------------------------------------------------------------


@router.post("/{rfq_id}/quotes", response={200: QuoteOut, **WRITE_ERRORS}, auth=token_auth, summary="Remettre une offre")
@refusals(400)
def save_quote(request, rfq_id: int, payload: QuoteIn):
    """Your organisation's quote (suppliers only): a draft with ``submit: false``, a sealed
    submission (or a revision of it) with ``submit: true``.

    ``unit_price`` is a **decimal string** in euros excluding VAT (``"12.50"``): a JSON number is
    refused with a 400, as are negative or malformed prices. Refusals: 403 ``cannot_quote`` (not
    allowed to quote on this RFQ), 409 ``deadline_passed`` (checked against the database clock
    at commit), 409 ``already_submitted`` (saving a draft over a submitted quote: submit a
    revision), 400 for invalid lines or lead time."""
    rfq = _visible_rfq(request, rfq_id)
    organisation = _organisation(request)
    if organisation is None or not organisation.is_supplier or organisation.pk == rfq.buyer_id:
        raise RFQError(_("Seul un fournisseur consulté peut remettre une offre."), code="not_supplier")
    lines = [
        quoting.QuoteLineData(lot_line_id=line.lot_line_id, unit_price=line.unit_price, comment=line.comment)
        for line in payload.lines
    ]
    known = set(LotLine.objects.filter(lot__rfq=rfq).values_list("pk", flat=True))
    unknown = [str(line.lot_line_id) for line in lines if line.lot_line_id not in known]
    if unknown:
        raise DjangoValidationError(
            {"lines": [_("Lignes inconnues dans cette consultation : %(ids)s.") % {"ids": ", ".join(unknown)}]}
        )
    action = quoting.submit_quote if payload.submit else quoting.save_quote_draft
    quote = action(
        request.auth,
        rfq,
        organisation,
        lines=lines,
        lead_time_days=payload.lead_time_days,
        valid_until=payload.valid_until,
        comments=payload.comments,
    )
    return _quotes(Quote.objects.filter(pk=quote.pk))[0]


@router.get(
    "/{rfq_id}/quotes",
    response={200: list[QuoteOut], 401: ErrorOut, 403: SealedErrorOut, 404: ErrorOut},
    auth=token_or_session_auth,
    summary="Les offres d'une consultation",
)
def list_quotes(request, rfq_id: int):
    """Quotes are **sealed**. The buyer gets a 403 (``code: "sealed"``, with the number
    ``received``) until it opened them with ``POST /api/rfqs/{id}/open`` after the deadline, then
    every live quote with its lines. A supplier gets only its own quote, never a rival's."""
    rfq = _visible_rfq(request, rfq_id)
    organisation = _organisation(request)
    if access.is_buyer_member(request.auth, rfq) and rfq.is_sealed:
        count = quoting.submitted_quote_count(rfq)
        if rfq.status == RFQ.Status.PUBLISHED:
            detail = ngettext(
                "Les offres restent scellées jusqu'à la date limite ; %(count)d offre reçue.",
                "Les offres restent scellées jusqu'à la date limite ; %(count)d offres reçues.",
                count,
            ) % {"count": count}
        else:
            detail = ngettext(
                "Les offres sont scellées tant que vous ne les avez pas ouvertes (POST /api/rfqs/%(id)d/open) ; "
                "%(count)d offre reçue.",
                "Les offres sont scellées tant que vous ne les avez pas ouvertes (POST /api/rfqs/%(id)d/open) ; "
                "%(count)d offres reçues.",
                count,
            ) % {"count": count, "id": rfq.pk}
        return Status(403, {"detail": detail, "code": "sealed", "received": count})
    return _quotes(quoting.visible_quotes_for(request.auth, organisation, rfq))


@router.post(
    "/{rfq_id}/open", response={200: list[QuoteOut], **WRITE_ERRORS}, auth=token_auth, summary="Ouvrir les offres"
)
@refusals(409)
def open_quotes(request, rfq_id: int):
    """The buyer opens the sealed quotes once the RFQ is closed (409 before the deadline or if
    already opened). Every version's and file's hash is checked again: ``integrity_ok``. The
    answer is the list of quotes, as ``GET /api/rfqs/{id}/quotes`` now returns it."""
    rfq = _buyer_rfq(request, rfq_id)
    quoting.open_quotes(request.auth, rfq)
    rfq.refresh_from_db()
    return _quotes(quoting.visible_quotes_for(request.auth, _organisation(request), rfq))


@router.post("/{rfq_id}/award", response={200: AwardResultOut, **WRITE_ERRORS}, auth=token_auth, summary="Attribuer")
@refusals(409)
def award(request, rfq_id: int, payload: AwardIn):
    """Award the whole RFQ (``{"quote_id": 12}``) or lot by lot (``{"lots": {"34": 12, "35": 15}}``),
    buyer members only, after opening the quotes (409 otherwise). The other live quotes become
    unsuccessful and every quoting supplier is notified. Exactly one of ``quote_id`` and ``lots``;
    unknown lots or quotes of this RFQ are a 400."""
    rfq = _buyer_rfq(request, rfq_id)
    if (payload.quote_id is None) == (not payload.lots):
        raise DjangoValidationError(_("Indiquez soit « quote_id » (attribution globale), soit « lots » (par lot)."))
    quotes = {q.pk: q for q in Quote.objects.filter(rfq=rfq)}
    if payload.quote_id is not None:
        wanted = {None: payload.quote_id}
    else:
        lot_ids = set(Lot.objects.filter(rfq=rfq).values_list("pk", flat=True))
        wanted = {}
        for key, quote_id in payload.lots.items():
            if not key.isdigit() or int(key) not in lot_ids:
                raise DjangoValidationError({"lots": [_("Lot inconnu dans cette consultation : %(id)s.") % {"id": key}]})
            wanted[int(key)] = quote_id
    unknown = sorted({str(q) for q in wanted.values() if q not in quotes})
    if unknown:
        raise DjangoValidationError(
            {"quote_id" if payload.quote_id is not None else "lots": [
                _("Offres inconnues dans cette consultation : %(ids)s.") % {"ids": ", ".join(unknown)}
            ]}
        )
    quoting.award(request.auth, rfq, {lot: quotes[q] for lot, q in wanted.items()}, note=payload.note)
    rfq.refresh_from_db()
    awards = Award.objects.filter(rfq=rfq).select_related("quote__supplier").order_by("lot__number", "pk")
    return {
        "status": rfq.status,
        "awards": [
            {
                "lot_id": a.lot_id,
                "quote_id": a.quote_id,
                "supplier": {"id": a.quote.supplier_id, "name": a.quote.supplier.name},
                "amount": str(a.amount),
            }
            for a in awards
        ],
    }


@router.get(
    "/{rfq_id}/matches",
    response={200: list[MatchOut], 401: ErrorOut, 404: ErrorOut},
    auth=token_or_session_auth,
    summary="Fournisseurs correspondants",
)
def matches(request, rfq_id: int):
    """Suppliers who fit the RFQ (skills, materials, certifications, sector, distance), best
    first, with a short « why ». For members of the buyer organisation only: 404 for anyone
    else."""
    from search.matching import match_suppliers

    rfq = _buyer_rfq(request, rfq_id, hidden_as_404=True)
    return [
        {
            "organisation_id": m.organisation_id,
            "profile_id": m.profile_id,
            "name": m.name,
            "slug": m.slug,
            "score": m.score,
            "distance_km": m.distance_km,
            "why": m.why,
        }
        for m in match_suppliers(rfq, limit=MATCH_LIMIT)
    ]
