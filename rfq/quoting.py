"""Quotes: drafts, sealed submissions and revisions, withdrawal, opening, award and debriefs.

Every state change takes the acting user explicitly, runs in ``transaction.atomic()``, writes an
audit entry, notifies (rows now, emails after commit) and raises
:class:`rfq.exceptions.RFQError` (translated message, stable ``code``) when refused.

Sealing: :func:`visible_quotes_for` is the single gate every surface (views, API, exports,
dashboards) reads quotes through. Before the buyer opens the quotes only the quoting supplier sees
its own; the buyer gets :func:`submitted_quote_count`, staff get nothing.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from .models import RFQ, Award, Quote


@dataclass
class QuoteLineData:
    """One priced lot line of a quote as the form / API sends it."""

    lot_line_id: int
    unit_price: Decimal
    comment: str = ""


def quote_content_hash(content: dict) -> str:
    """SHA-256 (hex) of ``content``'s canonical JSON (sorted keys, no spaces, UTF-8)."""
    raise NotImplementedError


def save_quote_draft(actor, rfq, supplier, *, lines: Sequence[QuoteLineData], lead_time_days=None, valid_until=None,
                     comments="", attachments: Sequence[UploadedFile] = (),
                     remove_attachment_ids: Sequence[int] = ()) -> Quote:
    """Create or update ``supplier``'s live DRAFT quote (lines may be partial, nothing validated
    beyond types). Refused when the live quote was already submitted (code "already_submitted":
    submit a revision instead) or the RFQ does not accept quotes."""
    raise NotImplementedError


def submit_quote(actor, rfq, supplier, *, lines: Sequence[QuoteLineData], lead_time_days, valid_until=None,
                 comments="", attachments: Sequence[UploadedFile] = (),
                 remove_attachment_ids: Sequence[int] = ()) -> Quote:
    """Submit (first time) or revise ``supplier``'s quote; freezes a new :class:`QuoteVersion`.

    Refusal codes: not_member, cannot_quote, deadline_passed, invalid_lines, invalid_price,
    partial_lot, invalid_lead_time, invalid_validity, duplicate_quote, quota_exceeded and the
    file codes of :func:`rfq.files.check_upload`."""
    raise NotImplementedError


def withdraw_quote(actor, quote) -> Quote:
    """Withdraw a submitted quote before the deadline (the supplier may submit a new one later)."""
    raise NotImplementedError


def open_quotes(actor, rfq) -> list[Quote]:
    """The buyer opens the sealed quotes of a closed RFQ; re-checks every hash (integrity_ok)."""
    raise NotImplementedError


def award(actor, rfq, decisions: Mapping[int | None, Quote], *, note="") -> list[Award]:
    """Award the whole RFQ (key None) or lots (keys: lot ids) to opened, intact, live quotes."""
    raise NotImplementedError


def declare_unsuccessful(actor, rfq, reason: str) -> RFQ:
    """Close a closed RFQ without award (status unsuccessful); quoting suppliers are told."""
    raise NotImplementedError


def send_debriefs(actor, rfq) -> int:
    """Tell each unsuccessful supplier its rank and gap to the awarded price (never the winner's
    name); stored in ``Quote.debrief``. Idempotent: returns how many were sent by this call."""
    raise NotImplementedError


def visible_quotes_for(user, organisation, rfq) -> QuerySet[Quote]:
    """The quotes of ``rfq`` this reader may see (the single gate of every surface)."""
    raise NotImplementedError


def submitted_quote_count(rfq) -> int:
    """Number of live submitted quotes: all the buyer learns before opening."""
    raise NotImplementedError
