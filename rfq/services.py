"""The RFQ life cycle: create, edit (lots, lines, attachments), publish, close and cancel an RFQ.

Each function takes the acting user explicitly, runs in ``transaction.atomic()``, writes an audit
entry, notifies (in-app rows now, emails after commit) and raises :class:`rfq.exceptions.RFQError`
with a translated message when it refuses. Signals and tasks go out with ``transaction.on_commit``.
Functions that change an RFQ lock its row and refresh the instance passed in, so the caller's
object shows the new state. What suppliers do around an RFQ (invitations, NDA, download logs,
questions and answers) lives in :mod:`rfq.participation`; quotes (submit, open, award, declare
unsuccessful) in :mod:`rfq.quoting`.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.accounts.models import Membership
from marketplace.audit.services import record
from marketplace.notifications.services import notify, organisation_users
from marketplace.scanning.services import request_scan
from suppliers.sanitize import clean_rich_text

from . import signals
from .exceptions import RFQError
from .files import check_upload, organisation_used_bytes
from .models import RFQ, Lot, LotLine, Quote, RFQAttachment, RFQInvitation, Unit

logger = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")
#: Publishing needs at least this much time before the quote deadline.
MIN_PUBLISH_LEAD = timedelta(hours=1)
#: An edit of a published RFQ leaves suppliers at least this long before the deadline.
MIN_TIME_AFTER_EDIT = timedelta(hours=24)

LIVE_SUBMITTED = (Quote.Status.SUBMITTED, Quote.Status.REVISED)
EDITABLE_FIELDS = (
    "title", "summary", "description", "sector", "skills", "materials", "certifications", "delivery_commune",
    "quote_deadline", "questions_deadline", "budget_min", "budget_max", "visibility", "nda_text", "lots",
)
# Changes after publishing that alter what suppliers price (docs/RFQ.md): quotes must be reconfirmed.
MATERIAL_FIELDS = {"sector", "skills", "materials", "certifications", "visibility", "lots"}


@dataclass
class LineData:
    part: str
    quantity: Decimal
    unit: str = "piece"
    reference: str = ""
    target_date: date | None = None


@dataclass
class LotData:
    title: str
    description: str = ""
    lines: Sequence[LineData] = field(default_factory=tuple)


# --- helpers -------------------------------------------------------------------------------------


def rfq_url(rfq) -> str:
    """The RFQ's page, the link of every notification about it."""
    return rfq.get_absolute_url()


def _paris(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment, PARIS).strftime("%d/%m/%Y %H:%M")


def _params(rfq, **extra) -> dict:
    return {"reference": rfq.reference, "title": rfq.title, "buyer": rfq.buyer.name,
            "deadline": _paris(rfq.quote_deadline), **extra}


def _is_member(user, organisation_id) -> bool:
    if not getattr(user, "is_authenticated", False) or organisation_id is None:
        return False
    return Membership.objects.filter(user=user, organisation_id=organisation_id).exists()


def _require_buyer_member(actor, rfq) -> None:
    if not _is_member(actor, rfq.buyer_id):
        raise RFQError(_("Seuls les membres du donneur d'ordre peuvent gérer cette consultation."), code="not_buyer")


def _require_member(actor, organisation) -> None:
    if organisation is None or not _is_member(actor, organisation.pk):
        raise RFQError(_("Vous n'êtes pas membre de cette organisation."), code="not_member")


def _lock(rfq) -> None:
    """Lock the RFQ's row and refresh the caller's instance from it."""
    rfq.refresh_from_db(from_queryset=RFQ.objects.select_for_update())


def _users_of(organisations: Iterable) -> list:
    users = []
    for organisation in organisations:
        users.extend(organisation_users(organisation))
    return users


def _pk(value):
    return getattr(value, "pk", value)


def _pks(values) -> set:
    return {_pk(v) for v in (values or ())}


def _aware(value, label) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, datetime):
        raise RFQError(_("La %(field)s n'est pas une date et heure valide.") % {"field": label}, code="bad_deadline")
    if timezone.is_naive(value):
        # A form without time zone speaks French time.
        value = timezone.make_aware(value, PARIS)
    return value


def _money(value, label) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        raise RFQError(_("Le %(field)s n'est pas un montant valide.") % {"field": label}, code="bad_budget") from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise RFQError(_("Le %(field)s n'est pas un montant valide.") % {"field": label}, code="bad_budget")
    return amount.quantize(Decimal("0.01"))


def _as_lot(value) -> LotData:
    if isinstance(value, LotData):
        return value
    if isinstance(value, Mapping):
        lines = [line if isinstance(line, LineData) else LineData(**line) for line in value.get("lines", ())]
        return LotData(title=value.get("title", ""), description=value.get("description", ""), lines=lines)
    raise TypeError(f"lots must be LotData or dicts, not {type(value).__name__}")


def _clean_lots(lots) -> list[dict]:
    """Validated lots as plain dicts (also the form compared to spot a material change)."""
    cleaned = []
    for index, lot in enumerate((_as_lot(v) for v in lots), start=1):
        title = (lot.title or "").strip()
        if not title:
            raise RFQError(_("Le lot %(number)s n'a pas d'intitulé.") % {"number": index}, code="bad_lot")
        lines = []
        for line_index, line in enumerate(lot.lines, start=1):
            where = {"lot": index, "line": line_index}
            part = (line.part or "").strip()
            if not part:
                raise RFQError(_("Lot %(lot)s, ligne %(line)s : indiquez la pièce ou la prestation.") % where, code="bad_line")
            try:
                quantity = Decimal(str(line.quantity).replace(",", "."))
            except (InvalidOperation, ValueError):
                raise RFQError(_("Lot %(lot)s, ligne %(line)s : la quantité n'est pas un nombre.") % where, code="bad_quantity") from None
            if not quantity.is_finite() or quantity <= 0:
                raise RFQError(_("Lot %(lot)s, ligne %(line)s : la quantité doit être positive.") % where, code="bad_quantity")
            if quantity >= Decimal("1e9") or quantity != quantity.quantize(Decimal("0.001")):
                raise RFQError(
                    _("Lot %(lot)s, ligne %(line)s : la quantité doit être inférieure à un milliard, avec au plus trois décimales.") % where,
                    code="bad_quantity",
                )
            if line.unit not in Unit.values:
                raise RFQError(_("Lot %(lot)s, ligne %(line)s : unité inconnue.") % where, code="bad_unit")
            if line.target_date is not None and not isinstance(line.target_date, date):
                raise RFQError(_("Lot %(lot)s, ligne %(line)s : la date de livraison n'est pas valide.") % where, code="bad_line")
            lines.append({"part": part[:200], "reference": (line.reference or "").strip()[:100],
                          "quantity": quantity.quantize(Decimal("0.001")), "unit": line.unit, "target_date": line.target_date})
        cleaned.append({"title": title[:200], "description": (lot.description or "").strip()[:5000], "lines": lines})
    return cleaned


def _current_lots(rfq) -> list[dict]:
    return [
        {"title": lot.title, "description": lot.description,
         "lines": [{"part": line.part, "reference": line.reference, "quantity": line.quantity.quantize(Decimal("0.001")),
                    "unit": line.unit, "target_date": line.target_date} for line in lot.lines.all()]}
        for lot in rfq.lots.prefetch_related("lines")
    ]


def _write_lots(rfq, lots: list[dict]) -> None:
    """Update lots and lines in place by number so priced quote lines of unchanged lines survive."""
    existing = {lot.number: lot for lot in rfq.lots.all()}
    for number, data in enumerate(lots, start=1):
        lot = existing.pop(number, None)
        if lot is None:
            lot = Lot.objects.create(rfq=rfq, number=number, title=data["title"], description=data["description"])
        elif (lot.title, lot.description) != (data["title"], data["description"]):
            lot.title, lot.description = data["title"], data["description"]
            lot.save(update_fields=["title", "description"])
        lines = {line.number: line for line in lot.lines.all()}
        for line_number, values in enumerate(data["lines"], start=1):
            line = lines.pop(line_number, None)
            if line is None:
                LotLine.objects.create(lot=lot, number=line_number, **values)
            elif any(getattr(line, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(line, key, value)
                line.save()
        LotLine.objects.filter(pk__in=[line.pk for line in lines.values()]).delete()
    Lot.objects.filter(pk__in=[lot.pk for lot in existing.values()]).delete()


def _clean_values(rfq, changes: dict, now) -> dict:
    """Validated values of ``changes`` (keys of EDITABLE_FIELDS), checked against the RFQ's others."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown RFQ fields: {', '.join(sorted(unknown))}")
    values = dict(changes)
    if "title" in values:
        values["title"] = (values["title"] or "").strip()[:200]
        if not values["title"]:
            raise RFQError(_("Donnez un titre à la consultation."), code="title_required")
    if "summary" in values:
        values["summary"] = (values["summary"] or "").strip()[:500]
    if "description" in values:
        values["description"] = clean_rich_text(values["description"])
    if "nda_text" in values:
        values["nda_text"] = (values["nda_text"] or "").strip()
    if "visibility" in values and values["visibility"] not in RFQ.Visibility.values:
        raise RFQError(_("Visibilité inconnue."), code="bad_visibility")
    for key, label in (("budget_min", _("budget minimum")), ("budget_max", _("budget maximum"))):
        if key in values:
            values[key] = _money(values[key], label)
    budget_min = values.get("budget_min", rfq.budget_min)
    budget_max = values.get("budget_max", rfq.budget_max)
    if budget_min is not None and budget_max is not None and budget_min > budget_max:
        raise RFQError(_("Le budget minimum dépasse le budget maximum."), code="bad_budget")
    for key, label in (("quote_deadline", _("date limite des offres")), ("questions_deadline", _("date limite des questions"))):
        if key in values:
            values[key] = _aware(values[key], label)
            # An edit form sends the deadlines back unchanged: only a new value must be in the future.
            if values[key] is not None and values[key] != getattr(rfq, key) and values[key] <= now:
                raise RFQError(_("La %(field)s est déjà passée.") % {"field": label}, code="deadline_past")
    quote_deadline = values.get("quote_deadline", rfq.quote_deadline)
    questions_deadline = values.get("questions_deadline", rfq.questions_deadline)
    if quote_deadline and questions_deadline and questions_deadline > quote_deadline:
        raise RFQError(_("La date limite des questions doit précéder celle des offres."), code="bad_deadlines")
    if "lots" in values:
        values["lots"] = _clean_lots(values["lots"] or ())
    return values


def _apply(rfq, values: dict) -> list[str]:
    """Write ``values`` to the RFQ; the names of the fields that really changed."""
    changed = []
    simple = ("title", "summary", "description", "quote_deadline", "questions_deadline", "budget_min", "budget_max",
              "visibility", "nda_text")
    for key in simple:
        if key in values and getattr(rfq, key) != values[key]:
            setattr(rfq, key, values[key])
            changed.append(key)
    for key in ("sector", "delivery_commune"):
        if key in values and getattr(rfq, f"{key}_id") != _pk(values[key]):
            setattr(rfq, f"{key}_id", _pk(values[key]))
            changed.append(key)
    rfq.save()
    for key, relation in (("skills", rfq.skills), ("materials", rfq.materials), ("certifications", rfq.required_certifications)):
        if key in values and set(relation.values_list("pk", flat=True)) != _pks(values[key]):
            relation.set(list(_pks(values[key])))
            changed.append(key)
    if "lots" in values and _current_lots(rfq) != values["lots"]:
        _write_lots(rfq, values["lots"])
        changed.append("lots")
    return changed


def _schedule_closing(rfq) -> None:
    """Enqueue the closing task at the deadline, after commit. Backends that cannot defer a task
    (the immediate backend of tests) rely on the ``close_due_rfqs`` sweep instead."""
    from . import tasks

    rfq_id, deadline = rfq.pk, rfq.quote_deadline

    def enqueue():
        if tasks.close_rfq.get_backend().supports_defer:
            tasks.close_rfq.using(run_after=deadline).enqueue(rfq_id)
        else:
            logger.info("Task backend cannot defer: RFQ %s closes through close_due_rfqs.", rfq_id)

    transaction.on_commit(enqueue)


def _supplier_organisations_concerned(rfq) -> list:
    """Suppliers with a stake in the RFQ: live quotes, invitations not declined, NDA accepted,
    questions asked. (For a public RFQ, "every supplier who can see it" is anyone: we tell those
    who showed an interest.) Filtered by who may still see the details."""
    from marketplace.accounts.models import Organisation

    ids = set(rfq.quotes.exclude(status=Quote.Status.WITHDRAWN).values_list("supplier_id", flat=True))
    ids |= set(rfq.invitations.exclude(status=RFQInvitation.Status.DECLINED).values_list("supplier_id", flat=True))
    ids |= set(rfq.nda_acceptances.values_list("organisation_id", flat=True))
    ids |= set(rfq.questions.values_list("asked_by_organisation_id", flat=True))
    ids.discard(rfq.buyer_id)
    if rfq.visibility == RFQ.Visibility.INVITED:
        ids &= set(rfq.invitations.values_list("supplier_id", flat=True))
    elif rfq.visibility == RFQ.Visibility.CONFIDENTIAL:
        ids &= set(rfq.nda_acceptances.values_list("organisation_id", flat=True))
    return list(Organisation.objects.filter(pk__in=ids, is_supplier=True))


def _notify_organisations(organisations, kind, rfq, **params) -> None:
    for organisation in organisations:
        notify(organisation_users(organisation), kind, url=rfq_url(rfq), organisation=organisation, **_params(rfq, **params))


def _after_published_edit(actor, rfq, changed: list[str], old_deadline) -> dict:
    """Rules of an edit to a published RFQ: 24 h minimum, revision, quotes to reconfirm."""
    now = timezone.now()
    material = bool(MATERIAL_FIELDS.intersection(changed)) or "attachments" in changed
    if "quote_deadline" in changed and rfq.quote_deadline < old_deadline:
        material = True
    extended_by_rule = False
    if changed and rfq.quote_deadline < now + MIN_TIME_AFTER_EDIT:
        rfq.quote_deadline = now + MIN_TIME_AFTER_EDIT
        extended_by_rule = True
        if rfq.questions_deadline and rfq.questions_deadline > rfq.quote_deadline:
            rfq.questions_deadline = rfq.quote_deadline
    if material:
        rfq.revision += 1
    rfq.save()
    reconfirm = []
    if material:
        quotes = Quote.objects.filter(rfq=rfq, status__in=LIVE_SUBMITTED).select_related("supplier")
        reconfirm = [quote.supplier for quote in quotes]
        quotes.update(needs_reconfirmation=True)
        _notify_organisations(reconfirm, "rfq.changed", rfq, revision=rfq.revision)
    if rfq.quote_deadline != old_deadline:
        _schedule_closing(rfq)
        if rfq.quote_deadline > old_deadline:
            already = {o.pk for o in reconfirm}
            others = [o for o in _supplier_organisations_concerned(rfq) if o.pk not in already]
            _notify_organisations(others, "rfq.deadline_extended", rfq)
    return {"material": material, "revision": rfq.revision, "extended_by_rule": extended_by_rule,
            "quotes_to_reconfirm": len(reconfirm)}


# --- creating and editing ------------------------------------------------------------------------


def create_rfq(actor, buyer, *, title, summary="", description="", sector=None, skills=(), materials=(),
               certifications=(), delivery_commune=None, quote_deadline=None, questions_deadline=None,
               budget_min=None, budget_max=None, visibility=RFQ.Visibility.PUBLIC, nda_text="",
               lots: Sequence[LotData] = ()) -> RFQ:
    """A draft RFQ of ``buyer`` (``actor`` a member of it, ``buyer.is_buyer``; else code "not_buyer").

    ``description`` is sanitised HTML; budget range ordered; quantities > 0; questions deadline
    not after the quote deadline; deadlines in the future. ``lots`` may also be dicts.
    """
    if buyer is None or not buyer.is_buyer or not _is_member(actor, buyer.pk):
        raise RFQError(_("Seuls les membres d'un donneur d'ordre peuvent créer une consultation."), code="not_buyer")
    values = dict(title=title, summary=summary, description=description, sector=sector, skills=skills, materials=materials,
                  certifications=certifications, delivery_commune=delivery_commune, quote_deadline=quote_deadline,
                  questions_deadline=questions_deadline, budget_min=budget_min, budget_max=budget_max,
                  visibility=visibility, nda_text=nda_text, lots=lots)
    with transaction.atomic():
        rfq = RFQ(buyer=buyer, created_by=actor)
        values = _clean_values(rfq, values, timezone.now())
        rfq.title = values["title"]
        _apply(rfq, values)
        record(actor, "rfq.created", rfq, organisation=buyer, reference=rfq.reference, title=rfq.title)
    return rfq


def update_rfq(actor, rfq, **changes) -> RFQ:
    """Change a draft or published RFQ (same keyword names as :func:`create_rfq`; ``lots=``
    replaces every lot and line).

    After publishing, a material change (lots/lines, deadline shortened, sector, skills,
    materials, certifications, visibility) bumps ``rfq.revision``, marks live submitted quotes
    ``needs_reconfirmation`` and notifies their suppliers; any edit in the last 24 h before the
    deadline pushes the deadline to at least 24 h from now (and reschedules closing).
    """
    with transaction.atomic():
        _lock(rfq)
        _require_buyer_member(actor, rfq)
        _require_editable(rfq)
        values = _clean_values(rfq, changes, timezone.now())
        if rfq.status == RFQ.Status.PUBLISHED:
            visibility = values.get("visibility", rfq.visibility)
            if visibility == RFQ.Visibility.CONFIDENTIAL and not values.get("nda_text", rfq.nda_text):
                raise RFQError(_("Une consultation confidentielle a besoin d'un accord de confidentialité."), code="nda_required")
        old_deadline = rfq.quote_deadline
        changed = _apply(rfq, values)
        outcome = {}
        if rfq.status == RFQ.Status.PUBLISHED:
            outcome = _after_published_edit(actor, rfq, changed, old_deadline)
        if changed:
            record(actor, "rfq.updated", rfq, organisation=rfq.buyer, fields=changed,
                   quote_deadline=rfq.quote_deadline.isoformat() if rfq.quote_deadline else None, **outcome)
    return rfq


def replace_lots(actor, rfq, lots: Sequence[LotData]) -> RFQ:
    """Shortcut for ``update_rfq(actor, rfq, lots=lots)``."""
    return update_rfq(actor, rfq, lots=lots)


def _require_editable(rfq) -> None:
    if not rfq.can_be_edited():
        raise RFQError(_("Cette consultation ne peut plus être modifiée (statut : %(status)s).")
                       % {"status": rfq.get_status_display()}, code="not_editable")
    if rfq.status == RFQ.Status.PUBLISHED and not rfq.accepts_quotes():
        raise RFQError(_("La date limite est passée : la consultation ne peut plus être modifiée."), code="deadline_passed")


def add_attachment(actor, rfq, uploaded_file, *, lot=None) -> RFQAttachment:
    """Attach a file checked by :func:`rfq.files.check_upload` (a material change once published)."""
    with transaction.atomic():
        _lock(rfq)
        _require_buyer_member(actor, rfq)
        _require_editable(rfq)
        if lot is not None and lot.rfq_id != rfq.pk:
            raise RFQError(_("Ce lot n'appartient pas à cette consultation."), code="bad_lot")
        checked = check_upload(uploaded_file, organisation=rfq.buyer, used_bytes=organisation_used_bytes(rfq.buyer))
        attachment = RFQAttachment(rfq=rfq, lot=lot, original_name=checked.safe_name, kind=checked.kind,
                                   content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
                                   uploaded_by=actor)
        attachment.file.save(checked.safe_name, uploaded_file, save=False)
        stored = attachment.file.name
        try:
            attachment.save()
            request_scan(attachment)
            outcome = {}
            if rfq.status == RFQ.Status.PUBLISHED:
                outcome = _after_published_edit(actor, rfq, ["attachments"], rfq.quote_deadline)
            record(actor, "rfq.attachment_added", rfq, organisation=rfq.buyer, attachment=attachment.pk,
                   filename=checked.safe_name, kind=checked.kind, size=checked.size, sha256=checked.sha256, **outcome)
        except Exception:
            attachment.file.storage.delete(stored)
            raise
    return attachment


def remove_attachment(actor, attachment) -> None:
    """Delete an attachment and its stored file after commit (a material change once published)."""
    rfq = attachment.rfq
    with transaction.atomic():
        _lock(rfq)
        _require_buyer_member(actor, rfq)
        _require_editable(rfq)
        storage, name = attachment.file.storage, attachment.file.name
        details = {"attachment": attachment.pk, "filename": attachment.original_name, "sha256": attachment.sha256}
        attachment.delete()
        outcome = {}
        if rfq.status == RFQ.Status.PUBLISHED:
            outcome = _after_published_edit(actor, rfq, ["attachments"], rfq.quote_deadline)
        record(actor, "rfq.attachment_removed", rfq, organisation=rfq.buyer, **details, **outcome)
        transaction.on_commit(lambda: storage.delete(name))


# --- life cycle ----------------------------------------------------------------------------------


def publish_rfq(actor, rfq) -> RFQ:
    """Publish a draft: needs a title, a lot with a line, a deadline more than 1 h ahead and, when
    confidential, an NDA text. Schedules closing and sends ``rfq_published`` after commit;
    notifies invited suppliers."""
    with transaction.atomic():
        _lock(rfq)
        _require_buyer_member(actor, rfq)
        if rfq.status != RFQ.Status.DRAFT:
            raise RFQError(_("Seul un brouillon peut être publié."), code="not_draft")
        if not rfq.title.strip():
            raise RFQError(_("Donnez un titre à la consultation avant de la publier."), code="title_required")
        if not LotLine.objects.filter(lot__rfq=rfq).exists():
            raise RFQError(_("Ajoutez au moins un lot avec une ligne avant de publier."), code="lots_required")
        now = timezone.now()
        if rfq.quote_deadline is None or rfq.quote_deadline <= now + MIN_PUBLISH_LEAD:
            raise RFQError(
                _("La date limite de remise des offres doit être au moins une heure après la publication."),
                code="deadline_too_soon",
            )
        if rfq.questions_deadline is not None and rfq.questions_deadline <= now:
            raise RFQError(_("La date limite des questions est déjà passée."), code="deadline_past")
        if rfq.is_confidential and not rfq.nda_text.strip():
            raise RFQError(_("Une consultation confidentielle a besoin d'un accord de confidentialité."), code="nda_required")
        rfq.status = RFQ.Status.PUBLISHED
        rfq.published_at = now
        rfq.save(update_fields=["status", "published_at", "updated_at"])
        invitations = list(rfq.invitations.filter(status=RFQInvitation.Status.PENDING).select_related("supplier"))
        _notify_organisations([i.supplier for i in invitations], "rfq.published_invited", rfq)
        record(actor, "rfq.published", rfq, organisation=rfq.buyer, quote_deadline=rfq.quote_deadline.isoformat(),
               visibility=rfq.visibility, invited=len(invitations))
        _schedule_closing(rfq)
        transaction.on_commit(lambda: signals.rfq_published.send(sender=RFQ, rfq=rfq))
    return rfq


def _close(rfq_id, *, actor=None, now=None) -> tuple[RFQ | None, bool]:
    with transaction.atomic():
        due = RFQ.objects.select_for_update().filter(pk=rfq_id, status=RFQ.Status.PUBLISHED)
        # The database clock decides, as for quote submissions (docs/RFQ.md).
        due = due.filter(quote_deadline__lte=now if now is not None else Now())
        rfq = due.first()
        if rfq is None:
            return RFQ.objects.filter(pk=rfq_id).first(), False
        rfq.status = RFQ.Status.CLOSED
        rfq.closed_at = timezone.now()
        rfq.save(update_fields=["status", "closed_at", "updated_at"])
        count = Quote.objects.filter(rfq=rfq, status__in=LIVE_SUBMITTED).count()
        notify(organisation_users(rfq.buyer), "rfq.closed_buyer", url=rfq_url(rfq), organisation=rfq.buyer,
               **_params(rfq, count=count))
        quoting = rfq.quotes.exclude(status=Quote.Status.WITHDRAWN).select_related("supplier")
        _notify_organisations([quote.supplier for quote in quoting], "rfq.closed_supplier", rfq)
        record(actor, "rfq.closed", rfq, organisation=rfq.buyer, quote_count=count)
        transaction.on_commit(lambda: signals.rfq_closed.send(sender=RFQ, rfq=rfq, quote_count=count))
    return rfq, True


def close_rfq(rfq, *, actor=None, now=None) -> RFQ:
    """Close a published RFQ whose deadline passed (database clock, or ``now`` when given); a
    no-op otherwise, so a late or repeated task run is harmless.

    Buyer members learn how many quotes arrived (a count), quoting suppliers that it is closed.
    A close with no quote is still "closed": the buyer may then declare it unsuccessful.
    """
    closed, _done = _close(rfq.pk, actor=actor, now=now)
    if closed is not None:
        rfq.refresh_from_db()
    return rfq


def close_due_rfqs(now=None) -> int:
    """Close every published RFQ whose deadline passed; returns how many this run closed."""
    due = RFQ.objects.filter(status=RFQ.Status.PUBLISHED, quote_deadline__lte=now if now is not None else Now())
    closed = 0
    for rfq_id in list(due.values_list("pk", flat=True)):
        _rfq, done = _close(rfq_id, now=now)
        closed += done
    return closed


def cancel_rfq(actor, rfq, reason: str) -> RFQ:
    """Cancel a draft, published, or closed-not-awarded RFQ; ``reason`` required; everyone
    concerned notified (buyer members, invited suppliers, suppliers with live quotes)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        _lock(rfq)
        _require_buyer_member(actor, rfq)
        if rfq.status not in (RFQ.Status.DRAFT, RFQ.Status.PUBLISHED, RFQ.Status.CLOSED) or rfq.awards.exists():
            raise RFQError(_("Cette consultation ne peut plus être annulée (statut : %(status)s).")
                           % {"status": rfq.get_status_display()}, code="not_cancellable")
        if not reason:
            raise RFQError(_("Indiquez le motif de l'annulation : il est communiqué aux fournisseurs."), code="reason_required")
        was_draft = rfq.status == RFQ.Status.DRAFT
        rfq.status = RFQ.Status.CANCELLED
        rfq.cancelled_at = timezone.now()
        rfq.cancel_reason = reason[:4000]
        rfq.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
        notify(organisation_users(rfq.buyer), "rfq.cancelled", url=rfq_url(rfq), organisation=rfq.buyer,
               **_params(rfq, reason=rfq.cancel_reason))
        if not was_draft:
            from marketplace.accounts.models import Organisation

            ids = set(rfq.invitations.values_list("supplier_id", flat=True))
            ids |= set(rfq.quotes.exclude(status=Quote.Status.WITHDRAWN).values_list("supplier_id", flat=True))
            ids.discard(rfq.buyer_id)
            _notify_organisations(Organisation.objects.filter(pk__in=ids), "rfq.cancelled", rfq, reason=rfq.cancel_reason)
        record(actor, "rfq.cancelled", rfq, organisation=rfq.buyer, reason=rfq.cancel_reason)
        transaction.on_commit(lambda: signals.rfq_cancelled.send(sender=RFQ, rfq=rfq, reason=rfq.cancel_reason))
    return rfq
