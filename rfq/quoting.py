"""Quotes: drafts, sealed submissions and revisions, withdrawal, opening, award and debriefs.

Every state change takes the acting user explicitly, runs in ``transaction.atomic()``, writes an
audit entry, notifies (rows now, emails after commit) and raises
:class:`rfq.exceptions.RFQError` (translated message, stable ``code``) when refused.

Sealing: :func:`visible_quotes_for` is the single gate every surface (views, API, exports,
dashboards) reads quotes through. Before the buyer opens the quotes only the quoting supplier sees
its own; the buyer gets :func:`submitted_quote_count`, staff get nothing. Notifications sent to
the buyer before opening carry a count, never a supplier name or a price.

Deadline: a submission locks the RFQ row and asks the **database** clock whether the deadline
passed (``Now()`` is ``STATEMENT_TIMESTAMP()`` on PostgreSQL, evaluated after the lock is
granted), so a request that started in time but reaches the lock after the deadline is refused,
and closing (which takes the same lock) cannot interleave with a submission.

Integrity: each submission freezes a :class:`QuoteVersion` whose ``content`` is the canonical
JSON of what was priced and whose ``sha256`` is :func:`quote_content_hash` of it. Opening
re-computes the hash of the stored content and of the content rebuilt from the current rows
(lines, fields, attachment files re-hashed from storage); any difference sets
``Quote.integrity_ok = False`` and such a quote cannot be awarded.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.accounts.models import Membership, Organisation
from marketplace.audit.services import record
from marketplace.billing.entitlements import QuotaExceeded, check_quote_quota
from marketplace.notifications.services import notify, organisation_users
from marketplace.scanning.services import request_scan

from . import access
from .exceptions import RFQError
from .files import check_upload, organisation_used_bytes
from .models import RFQ, Award, Lot, LotLine, Quote, QuoteAttachment, QuoteLine, QuoteVersion, RFQInvitation

PARIS = ZoneInfo("Europe/Paris")
CENT = Decimal("0.01")
PRICE_PLACES = Decimal("0.0001")
#: QuoteLine.unit_price is DECIMAL(14, 4); totals are DECIMAL(16, 2).
MAX_UNIT_PRICE = Decimal("9999999999.9999")
MAX_TOTAL = Decimal("99999999999999.99")
LIVE_SUBMITTED = (Quote.Status.SUBMITTED, Quote.Status.REVISED)
HASH_CHUNK = 1024 * 1024


@dataclass
class QuoteLineData:
    """One priced lot line of a quote as the form / API sends it."""

    lot_line_id: int
    unit_price: Decimal
    comment: str = ""


# --- helpers -------------------------------------------------------------------------------------


def _rfq_url(rfq) -> str:
    from .services import rfq_url

    return rfq_url(rfq)


def _paris(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment, PARIS).strftime("%d/%m/%Y %H:%M")


def _params(rfq, **extra) -> dict:
    """Notification parameters: never a price, a line or a competitor's name."""
    return {"reference": rfq.reference, "title": rfq.title, "deadline": _paris(rfq.quote_deadline), **extra}


def _is_member(user, organisation_id) -> bool:
    if not getattr(user, "is_authenticated", False) or organisation_id is None:
        return False
    return Membership.objects.filter(user=user, organisation_id=organisation_id, user__is_active=True).exists()


def _require_member(actor, organisation) -> None:
    if organisation is None or not _is_member(actor, organisation.pk):
        raise RFQError(_("Vous n'êtes pas membre de cette organisation."), code="not_member")


def _require_buyer_member(actor, rfq) -> None:
    if not _is_member(actor, rfq.buyer_id):
        raise RFQError(_("Seuls les membres du donneur d'ordre peuvent gérer cette consultation."), code="not_buyer")


def _lock(rfq) -> None:
    """Lock the RFQ's row and refresh the caller's instance from it."""
    rfq.refresh_from_db(from_queryset=RFQ.objects.select_for_update())


def _database_now_if_open(rfq) -> datetime | None:
    """The database clock if ``rfq`` (row already locked) still accepts quotes, else None."""
    row = (
        RFQ.objects.filter(pk=rfq.pk, status=RFQ.Status.PUBLISHED, quote_deadline__gt=Now())
        .annotate(database_now=Now())
        .values_list("database_now", flat=True)
        .first()
    )
    if row is not None and timezone.is_naive(row):
        row = timezone.make_aware(row, ZoneInfo("UTC"))
    return row


def _refuse_closed(rfq) -> RFQError:
    if rfq.status in (RFQ.Status.PUBLISHED, RFQ.Status.CLOSED) and rfq.quote_deadline is not None:
        return RFQError(
            _("La date limite de remise des offres (%(deadline)s, heure de Paris) est passée : "
              "votre offre n'a pas été enregistrée.") % {"deadline": _paris(rfq.quote_deadline)},
            code="deadline_passed",
        )
    return RFQError(_("Cette consultation n'accepte pas d'offres."), code="not_open")


def _open_for_quotes(actor, rfq, supplier) -> datetime:
    """Lock the RFQ, check the deadline on the database clock and the supplier's right to quote.
    Returns the database time of the check (the submission time)."""
    _require_member(actor, supplier)
    _lock(rfq)
    database_now = _database_now_if_open(rfq)
    if database_now is None:
        raise _refuse_closed(rfq)
    if not access.supplier_can_quote(actor, supplier, rfq):
        if not rfq.accepts_quotes():
            # The application clock is a hair ahead of the database's: still the deadline.
            raise _refuse_closed(rfq)
        raise RFQError(_("Votre organisation ne peut pas remettre d'offre pour cette consultation."),
                       code="cannot_quote")
    return database_now


def _live_quote(rfq, supplier) -> Quote | None:
    return (
        Quote.objects.select_for_update()
        .filter(rfq=rfq, supplier=supplier)
        .exclude(status=Quote.Status.WITHDRAWN)
        .first()
    )


def _price(value, line: LotLine) -> Decimal:
    refused = RFQError(
        _("Prix unitaire invalide pour « %(part)s » : indiquez un montant positif ou nul en euros HT, "
          "avec au plus 4 décimales.") % {"part": line.part},
        code="invalid_price",
    )
    if value is None or isinstance(value, bool):
        raise refused
    if isinstance(value, str):
        # French users type a decimal comma and may group thousands with spaces.
        value = value.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        price = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise refused from None
    if not price.is_finite() or price < 0 or price > MAX_UNIT_PRICE:
        raise refused
    if price.as_tuple().exponent < -4 and price != price.quantize(PRICE_PLACES):
        raise refused
    return price.quantize(PRICE_PLACES)


def _clean_lines(rfq, lines: Sequence[QuoteLineData], *, complete: bool) -> list[dict]:
    """Validate the priced lines against the RFQ's lots; ``complete`` (submission) also requires
    at least one line and fully priced lots. Returns rows with computed totals."""
    lot_lines = {line.pk: line for line in LotLine.objects.filter(lot__rfq=rfq).select_related("lot")}
    cleaned, seen = [], set()
    for data in lines or ():
        try:
            line_id = int(data.lot_line_id)
        except (TypeError, ValueError):
            line_id = None
        line = lot_lines.get(line_id)
        if line is None:
            raise RFQError(_("Une ligne de l'offre ne correspond à aucune ligne de cette consultation."),
                           code="unknown_line")
        if line_id in seen:
            raise RFQError(_("La ligne « %(part)s » est chiffrée deux fois.") % {"part": line.part}, code="invalid_lines")
        seen.add(line_id)
        price = _price(data.unit_price, line)
        comment = str(data.comment or "").strip()
        if len(comment) > 500:
            raise RFQError(_("Le commentaire de la ligne « %(part)s » dépasse 500 caractères.") % {"part": line.part},
                           code="invalid_lines")
        line_total = (line.quantity * price).quantize(CENT, rounding=ROUND_HALF_UP)
        if line_total > MAX_TOTAL:
            raise RFQError(_("Prix unitaire invalide pour « %(part)s » : le total de la ligne est trop grand.")
                           % {"part": line.part}, code="invalid_price")
        cleaned.append({"line": line, "unit_price": price, "line_total": line_total, "comment": comment})
    if complete:
        if not cleaned:
            raise RFQError(_("Chiffrez au moins une ligne avant de remettre votre offre."), code="no_lines")
        priced_lots = {row["line"].lot_id for row in cleaned}
        for lot_id in priced_lots:
            missing = [line for line in lot_lines.values() if line.lot_id == lot_id and line.pk not in seen]
            if missing:
                lot = missing[0].lot
                raise RFQError(
                    _("Le lot %(number)s « %(title)s » doit être chiffré entièrement ou pas du tout : "
                      "il manque le prix de « %(part)s ».") % {"number": lot.number, "title": lot.title,
                                                            "part": missing[0].part},
                    code="partial_lot",
                )
    if sum((row["line_total"] for row in cleaned), Decimal("0.00")) > MAX_TOTAL:
        raise RFQError(_("Le total de l'offre est trop grand."), code="invalid_price")
    return sorted(cleaned, key=lambda row: (row["line"].lot.number, row["line"].number))


def _lead_time(value, *, required: bool) -> int | None:
    if value in (None, ""):
        if required:
            raise RFQError(_("Indiquez votre délai de réalisation en jours (au moins 1)."), code="invalid_lead_time")
        return None
    try:
        if isinstance(value, bool) or (isinstance(value, (float, Decimal)) and value != int(value)):
            raise ValueError
        days = int(str(value).strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise RFQError(_("Le délai doit être un nombre entier de jours (au moins 1)."), code="invalid_lead_time") from None
    if days < 1 or days > 3650:
        raise RFQError(_("Le délai doit être un nombre entier de jours (au moins 1)."), code="invalid_lead_time")
    return days


def _validity(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        value = timezone.localtime(value, PARIS).date() if timezone.is_aware(value) else value.date()
    elif isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise RFQError(_("La date de validité de l'offre est invalide."), code="invalid_validity") from None
    elif not isinstance(value, date):
        raise RFQError(_("La date de validité de l'offre est invalide."), code="invalid_validity")
    if value < timezone.localtime(timezone.now(), PARIS).date():
        raise RFQError(_("La date de validité de l'offre est déjà passée."), code="invalid_validity")
    return value


def _clean_comments(comments) -> str:
    comments = str(comments or "").strip()
    if len(comments) > 8000:
        raise RFQError(_("Les commentaires dépassent 8000 caractères."), code="invalid_comments")
    return comments


def _check_files(supplier, uploads) -> list:
    checked, used = [], organisation_used_bytes(supplier)
    for uploaded in uploads or ():
        result = check_upload(uploaded, organisation=supplier, used_bytes=used)
        used += result.size
        checked.append((uploaded, result))
    return checked


def _apply_attachments(actor, quote, checked, remove_ids) -> list[str]:
    """Remove then add attachments; returns storage names to delete after commit."""
    to_delete = []
    remove_ids = {int(pk) for pk in remove_ids or ()}
    if remove_ids:
        removed = list(QuoteAttachment.objects.filter(quote=quote, pk__in=remove_ids))
        if len(removed) != len(remove_ids):
            raise RFQError(_("Une pièce jointe à retirer n'appartient pas à cette offre."), code="unknown_attachment")
        for attachment in removed:
            to_delete.append(attachment.file.name)
            attachment.delete()
    for uploaded, result in checked:
        attachment = QuoteAttachment(
            quote=quote, original_name=result.safe_name, kind=result.kind, content_type=result.content_type,
            size=result.size, sha256=result.sha256, uploaded_by=actor,
        )
        attachment.file.save(result.safe_name, uploaded, save=False)
        attachment.save()
        request_scan(attachment)
    return to_delete


def _delete_files_on_commit(names: list[str]) -> None:
    if not names:
        return
    storage = QuoteAttachment._meta.get_field("file").storage

    def delete():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


def _write_lines(quote, cleaned: list[dict]) -> Decimal:
    QuoteLine.objects.filter(quote=quote).delete()
    QuoteLine.objects.bulk_create(
        QuoteLine(quote=quote, lot_line=row["line"], unit_price=row["unit_price"], line_total=row["line_total"],
                  comment=row["comment"])
        for row in cleaned
    )
    return sum((row["line_total"] for row in cleaned), Decimal("0.00"))


def _new_quote(actor, rfq, supplier) -> Quote:
    try:
        # A savepoint, so the constraint's refusal leaves the outer transaction usable.
        with transaction.atomic():
            return Quote.objects.create(rfq=rfq, supplier=supplier, created_by=actor, status=Quote.Status.DRAFT)
    except IntegrityError:
        raise RFQError(_("Votre organisation a déjà une offre en cours pour cette consultation : modifiez-la."),
                       code="duplicate_quote") from None


# --- canonical content and hashes ------------------------------------------------------------


def quote_content_hash(content: dict) -> str:
    """SHA-256 (hex) of ``content``'s canonical JSON (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _money(value) -> str:
    return str(Decimal(value).quantize(CENT))


def _unit(value) -> str:
    return str(Decimal(value).quantize(PRICE_PLACES))


def _file_sha256(fieldfile) -> str | None:
    """The SHA-256 of a stored file read back from storage; None if it is missing."""
    digest = hashlib.sha256()
    try:
        with fieldfile.storage.open(fieldfile.name, "rb") as handle:
            for chunk in iter(lambda: handle.read(HASH_CHUNK), b""):
                digest.update(chunk)
    except (FileNotFoundError, OSError, ValueError):
        return None
    return digest.hexdigest()


def quote_content(quote, *, rehash_files: bool = False) -> dict:
    """The canonical content of ``quote`` as its rows are now — what a :class:`QuoteVersion`
    freezes (``rehash_files``: read every attachment back from storage instead of trusting the
    stored sha256 column, as opening does). Test factories use it to build intact versions."""
    lines = (
        QuoteLine.objects.filter(quote=quote)
        .select_related("lot_line__lot")
        .order_by("lot_line__lot__number", "lot_line__number", "pk")
    )
    attachments = []
    for attachment in QuoteAttachment.objects.filter(quote=quote).order_by("pk"):
        sha256 = _file_sha256(attachment.file) if rehash_files else attachment.sha256
        attachments.append({"name": attachment.original_name, "sha256": sha256, "size": attachment.size})
    attachments.sort(key=lambda a: (a["name"], a["sha256"] or ""))
    rows = [
        {
            "lot": line.lot_line.lot.number,
            "lot_line_id": line.lot_line_id,
            "line": line.lot_line.number,
            "part": line.lot_line.part,
            "quantity": str(line.lot_line.quantity),
            "unit": line.lot_line.unit,
            "unit_price": _unit(line.unit_price),
            "line_total": _money(line.line_total),
            "comment": line.comment,
        }
        for line in lines
    ]
    return {
        "rfq": quote.rfq.reference,
        "rfq_revision": quote.rfq_revision,
        "supplier": quote.supplier_id,
        "version": quote.version,
        "currency": quote.currency,
        "lines": rows,
        "total": _money(quote.total),
        "lead_time_days": quote.lead_time_days,
        "valid_until": quote.valid_until.isoformat() if quote.valid_until else None,
        "comments": quote.comments,
        "attachments": attachments,
    }


def _check_integrity(quote) -> bool:
    version = quote.versions.order_by("-number").first()
    if version is None:
        return False
    if quote_content_hash(version.content) != version.sha256 or version.number != quote.version:
        return False
    if Decimal(version.total) != Decimal(quote.total):
        return False
    return quote_content_hash(quote_content(quote, rehash_files=True)) == version.sha256


# --- supplier side ---------------------------------------------------------------------------


def save_quote_draft(actor, rfq, supplier, *, lines: Sequence[QuoteLineData], lead_time_days=None, valid_until=None,
                     comments="", attachments: Sequence[UploadedFile] = (),
                     remove_attachment_ids: Sequence[int] = ()) -> Quote:
    """Create or update ``supplier``'s live DRAFT quote. Lines may leave lots partly priced and
    the lead time empty; ids, prices, dates and files are still checked. Refused when the live
    quote was already submitted (code "already_submitted": submit a revision instead) or the RFQ
    does not accept quotes."""
    with transaction.atomic():
        _open_for_quotes(actor, rfq, supplier)
        quote = _live_quote(rfq, supplier)
        if quote is not None and quote.status != Quote.Status.DRAFT:
            raise RFQError(
                _("Votre offre est déjà remise : pour la modifier, remettez une version révisée."),
                code="already_submitted",
            )
        cleaned = _clean_lines(rfq, lines, complete=False)
        lead_time = _lead_time(lead_time_days, required=False)
        validity = _validity(valid_until)
        comments = _clean_comments(comments)
        checked = _check_files(supplier, attachments)
        created = quote is None
        if created:
            quote = _new_quote(actor, rfq, supplier)
        to_delete = _apply_attachments(actor, quote, checked, remove_attachment_ids)
        quote.total = _write_lines(quote, cleaned)
        quote.lead_time_days = lead_time
        quote.valid_until = validity
        quote.comments = comments
        quote.rfq_revision = rfq.revision
        quote.save()
        record(actor, "quote.draft_saved", quote, organisation=supplier, rfq=rfq.reference, created=created)
        _delete_files_on_commit(to_delete)
    return quote


def _submissions_this_month(supplier) -> int:
    """Quotes the organisation submitted for the first time this calendar month (Europe/Paris)."""
    now = timezone.localtime(timezone.now(), PARIS)
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return QuoteVersion.objects.filter(quote__supplier=supplier, number=1, submitted_at__gte=month_start).count()


def submit_quote(actor, rfq, supplier, *, lines: Sequence[QuoteLineData], lead_time_days, valid_until=None,
                 comments="", attachments: Sequence[UploadedFile] = (),
                 remove_attachment_ids: Sequence[int] = ()) -> Quote:
    """Submit (first time) or revise ``supplier``'s quote; freezes a new :class:`QuoteVersion`.

    Validates everything before writing anything. Refusal codes: not_member, not_open,
    deadline_passed (message gives the deadline, Paris time), cannot_quote, unknown_line,
    invalid_lines, invalid_price, no_lines, partial_lot, invalid_lead_time, invalid_validity,
    invalid_comments, unknown_attachment, duplicate_quote, quota_exceeded and the file codes of
    :func:`rfq.files.check_upload`. The supplier's members get a receipt with the version's
    SHA-256; the buyer is told only that a quote arrived (first submission, a count).
    """
    with transaction.atomic():
        submitted_at = _open_for_quotes(actor, rfq, supplier)
        quote = _live_quote(rfq, supplier)
        cleaned = _clean_lines(rfq, lines, complete=True)
        lead_time = _lead_time(lead_time_days, required=True)
        validity = _validity(valid_until)
        comments = _clean_comments(comments)
        first = quote is None or quote.version == 0
        if first:
            # Serialise an organisation's submissions so two tabs cannot both pass the quota.
            Organisation.objects.select_for_update().filter(pk=supplier.pk).first()
            try:
                check_quote_quota(supplier, submitted_this_month=_submissions_this_month(supplier))
            except QuotaExceeded as exc:
                raise RFQError(exc.message, code="quota_exceeded") from None
        checked = _check_files(supplier, attachments)
        if quote is None:
            quote = _new_quote(actor, rfq, supplier)
        to_delete = _apply_attachments(actor, quote, checked, remove_attachment_ids)
        quote.total = _write_lines(quote, cleaned)
        quote.lead_time_days = lead_time
        quote.valid_until = validity
        quote.comments = comments
        quote.rfq_revision = rfq.revision
        quote.needs_reconfirmation = False
        quote.version += 1
        quote.status = Quote.Status.SUBMITTED if first else Quote.Status.REVISED
        quote.submitted_at = submitted_at
        quote.withdrawn_at = None
        quote.save()
        content = quote_content(quote)
        sha256 = quote_content_hash(content)
        QuoteVersion.objects.create(quote=quote, number=quote.version, content=content, sha256=sha256,
                                    total=quote.total, submitted_by=actor, submitted_at=submitted_at)
        RFQInvitation.objects.filter(rfq=rfq, supplier=supplier).exclude(
            status=RFQInvitation.Status.QUOTED).update(status=RFQInvitation.Status.QUOTED)
        action = "quote.submitted" if first else "quote.revised"
        # The audit trail keeps the proof (version and hash), never the prices.
        record(actor, action, quote, organisation=supplier, rfq=rfq.reference, version=quote.version, sha256=sha256)
        url = _rfq_url(rfq)
        notify(organisation_users(supplier), action, url=url, organisation=supplier,
               **_params(rfq, version=quote.version, sha256=sha256, submitted_at=_paris(submitted_at)))
        if first:
            notify(organisation_users(rfq.buyer), "quote.received", url=url, organisation=rfq.buyer,
                   **_params(rfq, count=submitted_quote_count(rfq)))
        _delete_files_on_commit(to_delete)
    return quote


def withdraw_quote(actor, quote) -> Quote:
    """Withdraw a live quote (draft or submitted) before the deadline; the supplier may submit a
    fresh quote later. Codes: not_member, deadline_passed, not_open, not_live."""
    rfq = quote.rfq
    with transaction.atomic():
        _require_member(actor, quote.supplier)
        _lock(rfq)
        if _database_now_if_open(rfq) is None:
            raise _refuse_closed(rfq)
        quote.refresh_from_db(from_queryset=Quote.objects.select_for_update())
        if not quote.is_live:
            raise RFQError(_("Cette offre est déjà retirée."), code="not_live")
        was_submitted = quote.is_submitted
        quote.status = Quote.Status.WITHDRAWN
        quote.withdrawn_at = timezone.now()
        quote.save(update_fields=["status", "withdrawn_at", "updated_at"])
        RFQInvitation.objects.filter(rfq=rfq, supplier=quote.supplier, status=RFQInvitation.Status.QUOTED).update(
            status=RFQInvitation.Status.VIEWED)
        record(actor, "quote.withdrawn", quote, organisation=quote.supplier, rfq=rfq.reference, version=quote.version)
        if was_submitted:
            notify(organisation_users(quote.supplier), "quote.withdrawn", url=_rfq_url(rfq),
                   organisation=quote.supplier, **_params(rfq))
    return quote


# --- buyer side ------------------------------------------------------------------------------


def open_quotes(actor, rfq) -> list[Quote]:
    """The buyer opens the sealed quotes of a closed RFQ (a published RFQ whose deadline passed
    on the database clock is closed first). Re-checks every live submitted quote's hashes and
    records ``integrity_checked_at`` / ``integrity_ok``. Codes: not_buyer, sealed (deadline not
    reached), already_opened, wrong_state."""
    _require_buyer_member(actor, rfq)
    if rfq.status == RFQ.Status.PUBLISHED:
        from .services import close_rfq

        close_rfq(rfq, actor=actor)  # a no-op before the deadline
    with transaction.atomic():
        _lock(rfq)
        if rfq.status in (RFQ.Status.DRAFT, RFQ.Status.PUBLISHED):
            raise RFQError(_("Avant la date limite, les offres restent scellées : vous pourrez les ouvrir "
                             "après le %(deadline)s (heure de Paris).") % {"deadline": _paris(rfq.quote_deadline)},
                           code="sealed")
        if rfq.opened_at is not None:
            raise RFQError(_("Les offres de cette consultation sont déjà ouvertes."), code="already_opened")
        if rfq.status != RFQ.Status.CLOSED:
            raise RFQError(_("Les offres d'une consultation annulée ou déjà traitée ne peuvent pas être ouvertes."),
                           code="wrong_state")
        now = timezone.now()
        rfq.opened_at = now
        rfq.opened_by = actor
        rfq.save(update_fields=["opened_at", "opened_by", "updated_at"])
        quotes = list(
            Quote.objects.select_for_update(of=("self",))
            .filter(rfq=rfq, status__in=LIVE_SUBMITTED)
            .select_related("supplier", "rfq")
            .order_by("total", "pk")
        )
        failed = []
        for quote in quotes:
            quote.integrity_ok = _check_integrity(quote)
            quote.integrity_checked_at = now
            quote.save(update_fields=["integrity_ok", "integrity_checked_at", "updated_at"])
            if not quote.integrity_ok:
                failed.append(quote.pk)
        record(actor, "rfq.quotes_opened", rfq, organisation=rfq.buyer, quote_count=len(quotes),
               integrity_failures=len(failed), failed_quote_ids=failed)
        notify(_users_of(q.supplier for q in quotes), "quote.opened", url=_rfq_url(rfq), **_params(rfq))
    return quotes


def _users_of(organisations) -> list:
    users = []
    for organisation in organisations:
        users.extend(organisation_users(organisation))
    return users


def _lot_totals(quote) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for lot_id, line_total in QuoteLine.objects.filter(quote=quote).values_list("lot_line__lot_id", "line_total"):
        totals[lot_id] += line_total
    return dict(totals)


def _priced_lots(quote) -> set[int]:
    """Lots every line of which the quote prices."""
    priced = set(QuoteLine.objects.filter(quote=quote).values_list("lot_line_id", flat=True))
    by_lot: dict[int, list[int]] = defaultdict(list)
    for line_id, lot_id in LotLine.objects.filter(lot__rfq_id=quote.rfq_id).values_list("pk", "lot_id"):
        by_lot[lot_id].append(line_id)
    return {lot_id for lot_id, ids in by_lot.items() if ids and all(i in priced for i in ids)}


def _awardable(rfq, quote) -> Quote:
    quote = Quote.objects.select_for_update(of=("self",)).select_related("supplier").filter(
        pk=getattr(quote, "pk", quote)).first()
    if quote is None or quote.rfq_id != rfq.pk:
        raise RFQError(_("Cette offre ne répond pas à cette consultation."), code="unknown_quote")
    if quote.status not in LIVE_SUBMITTED:
        raise RFQError(_("Seule une offre remise et non retirée peut être retenue."), code="not_submitted")
    if quote.integrity_ok is False:
        raise RFQError(
            _("L'offre de %(supplier)s a échoué au contrôle d'intégrité à l'ouverture : elle ne peut pas être retenue.")
            % {"supplier": quote.supplier.name},
            code="tampered",
        )
    return quote


def award(actor, rfq, decisions: Mapping[int | None, Quote], *, note="") -> list[Award]:
    """Award the whole RFQ (``{None: quote}``, amount = the quote's total; the quote must price
    every lot) or lots (``{lot_id: quote}``, amount = the quote's total for the lot, which it
    must price entirely). Only after opening, only live submitted quotes of this RFQ that did
    not fail the integrity check. Other live quotes become unsuccessful; every quoting supplier
    is notified. Codes: not_buyer, not_opened, wrong_state, invalid_award, unknown_lot,
    unknown_quote, not_submitted, tampered, incomplete_quote."""
    _require_buyer_member(actor, rfq)
    note = str(note or "").strip()
    if len(note) > 4000:
        raise RFQError(_("Le motif dépasse 4000 caractères."), code="invalid_award")
    with transaction.atomic():
        _lock(rfq)
        if rfq.status == RFQ.Status.CLOSED and rfq.opened_at is None or rfq.status in (RFQ.Status.DRAFT,
                                                                                       RFQ.Status.PUBLISHED):
            raise RFQError(_("Ouvrez les offres avant d'attribuer la consultation."), code="not_opened")
        if rfq.status != RFQ.Status.CLOSED:
            raise RFQError(_("Cette consultation ne peut plus être attribuée."), code="wrong_state")
        if not decisions:
            raise RFQError(_("Choisissez au moins une offre à retenir."), code="invalid_award")
        if None in decisions and len(decisions) > 1:
            raise RFQError(_("Attribuez soit la consultation entière, soit lot par lot, pas les deux."),
                           code="invalid_award")
        lots = {lot.pk: lot for lot in Lot.objects.filter(rfq=rfq)}
        awards: list[Award] = []
        won_lots: dict[int, set[int]] = defaultdict(set)
        winners: dict[int, Quote] = {}
        for key, chosen in decisions.items():
            quote = _awardable(rfq, chosen)
            priced = _priced_lots(quote)
            if key is None:
                if set(lots) - priced:
                    raise RFQError(_("L'offre de %(supplier)s ne chiffre pas tous les lots : attribuez lot par lot.")
                                   % {"supplier": quote.supplier.name}, code="incomplete_quote")
                awards.append(Award(rfq=rfq, lot=None, quote=quote, amount=quote.total, note=note, awarded_by=actor))
                won_lots[quote.pk] |= priced
            else:
                lot = lots.get(int(key)) if str(key).isdigit() else None
                if lot is None:
                    raise RFQError(_("Ce lot n'appartient pas à cette consultation."), code="unknown_lot")
                if lot.pk not in priced:
                    raise RFQError(_("L'offre de %(supplier)s ne chiffre pas entièrement le lot %(number)s.")
                                   % {"supplier": quote.supplier.name, "number": lot.number}, code="incomplete_quote")
                amount = _lot_totals(quote)[lot.pk]
                awards.append(Award(rfq=rfq, lot=lot, quote=quote, amount=amount, note=note, awarded_by=actor))
                won_lots[quote.pk].add(lot.pk)
            winners[quote.pk] = quote
        try:
            with transaction.atomic():
                Award.objects.bulk_create(awards)
        except IntegrityError:
            raise RFQError(_("Cette consultation est déjà attribuée."), code="wrong_state") from None
        now = timezone.now()
        rfq.status = RFQ.Status.AWARDED
        rfq.awarded_at = now
        rfq.save(update_fields=["status", "awarded_at", "updated_at"])
        url = _rfq_url(rfq)
        live = list(Quote.objects.filter(rfq=rfq, status__in=LIVE_SUBMITTED).select_related("supplier"))
        for quote in live:
            if quote.pk in winners:
                full = won_lots[quote.pk] >= _priced_lots(quote)
                quote.outcome = Quote.Outcome.AWARDED if full else Quote.Outcome.PARTLY_AWARDED
                lot_titles = ", ".join(
                    str(lots[lot_id]) for lot_id in sorted(won_lots[quote.pk], key=lambda i: lots[i].number)
                ) if None not in decisions else ""
                amount = sum((a.amount for a in awards if a.quote_id == quote.pk), Decimal("0.00"))
                notify(organisation_users(quote.supplier), "quote.awarded" if full else "quote.partly_awarded",
                       url=url, organisation=quote.supplier,
                       **_params(rfq, buyer=rfq.buyer.name, lots=lot_titles, amount=_money(amount)))
            else:
                quote.outcome = Quote.Outcome.UNSUCCESSFUL
                notify(organisation_users(quote.supplier), "quote.unsuccessful", url=url, organisation=quote.supplier,
                       **_params(rfq, buyer=rfq.buyer.name))
            quote.save(update_fields=["outcome", "updated_at"])
        record(actor, "rfq.awarded", rfq, organisation=rfq.buyer, note=note,
               awards=[{"lot": a.lot_id, "quote": a.quote_id, "amount": _money(a.amount)} for a in awards])
    return awards


def declare_unsuccessful(actor, rfq, reason: str) -> RFQ:
    """Close a closed RFQ (opened or not) without award: status unsuccessful, live submitted
    quotes unsuccessful, quoting suppliers told with the reason. Codes: not_buyer,
    reason_required, wrong_state."""
    _require_buyer_member(actor, rfq)
    reason = str(reason or "").strip()
    if not reason:
        raise RFQError(_("Indiquez le motif pour lequel la consultation est infructueuse."), code="reason_required")
    if len(reason) > 4000:
        raise RFQError(_("Le motif dépasse 4000 caractères."), code="reason_required")
    with transaction.atomic():
        _lock(rfq)
        if rfq.status != RFQ.Status.CLOSED or rfq.awards.exists():
            raise RFQError(_("Seule une consultation clôturée et non attribuée peut être déclarée infructueuse."),
                           code="wrong_state")
        rfq.status = RFQ.Status.UNSUCCESSFUL
        rfq.save(update_fields=["status", "updated_at"])
        quotes = list(Quote.objects.filter(rfq=rfq, status__in=LIVE_SUBMITTED).select_related("supplier"))
        Quote.objects.filter(pk__in=[q.pk for q in quotes]).update(outcome=Quote.Outcome.UNSUCCESSFUL,
                                                                   updated_at=timezone.now())
        record(actor, "rfq.declared_unsuccessful", rfq, organisation=rfq.buyer, reason=reason, quote_count=len(quotes))
        notify(_users_of(q.supplier for q in quotes), "rfq.declared_unsuccessful", url=_rfq_url(rfq),
               **_params(rfq, buyer=rfq.buyer.name, reason=reason))
    return rfq


def _percent(gap: Decimal, base: Decimal) -> str:
    if not base:
        return ""
    return str((gap * 100 / base).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _rank(value: Decimal, values: list[Decimal]) -> int:
    """Competition rank (1 = cheapest; ties share a rank)."""
    return 1 + sum(1 for other in values if other < value)


def _debrief(rfq, quote, awards: list[Award], live: list[Quote]) -> dict:
    entries = []
    whole = [a for a in awards if a.lot_id is None]
    if whole:
        awarded = whole[0].amount
        all_lots = set(Lot.objects.filter(rfq=rfq).values_list("pk", flat=True))
        compared = [q.total for q in live if _priced_lots(q) >= all_lots]
        if _priced_lots(quote) >= all_lots:
            gap = quote.total - awarded
            entries.append({"lot": None, "rank": _rank(quote.total, compared), "of": len(compared),
                            "gap_eur": _money(gap), "gap_percent": _percent(gap, awarded)})
    else:
        mine = _lot_totals(quote)
        mine_priced = _priced_lots(quote)
        for award_row in sorted(awards, key=lambda a: a.lot.number):
            if award_row.lot_id not in mine_priced or award_row.quote_id == quote.pk:
                continue
            compared = [_lot_totals(q)[award_row.lot_id] for q in live if award_row.lot_id in _priced_lots(q)]
            gap = mine[award_row.lot_id] - award_row.amount
            entries.append({"lot": award_row.lot.number, "lot_title": award_row.lot.title,
                            "rank": _rank(mine[award_row.lot_id], compared), "of": len(compared),
                            "gap_eur": _money(gap), "gap_percent": _percent(gap, award_row.amount)})
    return {"kind": "whole" if whole else "lots", "entries": entries, "sent_at": timezone.now().isoformat()}


def send_debriefs(actor, rfq) -> int:
    """Tell each unsuccessful supplier its rank and gap to the awarded price (in € and %), per
    lot or for the whole RFQ — never the winner's name. Stored in ``Quote.debrief`` and notified.
    Idempotent: returns how many debriefs this call sent. Codes: not_buyer, wrong_state."""
    _require_buyer_member(actor, rfq)
    with transaction.atomic():
        _lock(rfq)
        if rfq.status != RFQ.Status.AWARDED:
            raise RFQError(_("Les retours aux fournisseurs s'envoient après l'attribution."), code="wrong_state")
        awards = list(Award.objects.filter(rfq=rfq).select_related("lot"))
        live = list(Quote.objects.filter(rfq=rfq, status__in=LIVE_SUBMITTED).select_related("supplier"))
        pending = [q for q in live if q.outcome == Quote.Outcome.UNSUCCESSFUL and q.debrief is None]
        for quote in pending:
            quote.debrief = _debrief(rfq, quote, awards, live)
            quote.save(update_fields=["debrief", "updated_at"])
            notify(organisation_users(quote.supplier), "quote.debrief", url=_rfq_url(rfq), organisation=quote.supplier,
                   **_params(rfq, buyer=rfq.buyer.name))
        if pending:
            record(actor, "rfq.debriefs_sent", rfq, organisation=rfq.buyer, count=len(pending))
    return len(pending)


# --- reading ---------------------------------------------------------------------------------


def visible_quotes_for(user, organisation, rfq) -> QuerySet[Quote]:
    """The quotes of ``rfq`` this reader may see — the single gate of every surface.

    - a member of a supplier organisation (``organisation``, not the buyer): its own quotes of
      this RFQ, every status (its history);
    - a buyer member (``organisation`` the buyer or None) and staff: nothing until the quotes are
      opened (read from the database, not from the instance), then the live submitted ones;
    - anybody else: nothing.
    """
    none = Quote.objects.none()
    if not getattr(user, "is_authenticated", False):
        return none
    if organisation is not None and organisation.pk != rfq.buyer_id:
        if _is_member(user, organisation.pk):
            return Quote.objects.filter(rfq_id=rfq.pk, supplier=organisation)
        return none
    if access.is_buyer_member(user, rfq) or user.is_staff:
        return Quote.objects.filter(rfq_id=rfq.pk, rfq__opened_at__isnull=False, status__in=LIVE_SUBMITTED)
    return none


def submitted_quote_count(rfq) -> int:
    """Number of live submitted quotes: all the buyer learns before opening."""
    return Quote.objects.filter(rfq_id=rfq.pk, status__in=LIVE_SUBMITTED).count()
