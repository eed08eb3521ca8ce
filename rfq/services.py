"""The RFQ life cycle: every state change of an RFQ, its lots, files, invitations and Q&A.

Each function takes the acting user explicitly, runs in ``transaction.atomic()``, writes an audit
entry, notifies (in-app rows now, emails after commit) and raises :class:`rfq.exceptions.RFQError`
with a translated message when it refuses. Signals and tasks go out with ``transaction.on_commit``.
Quotes (submit, open, award, declare unsuccessful) live in :mod:`rfq.quoting`.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .models import RFQ, FileDownload, NDAAcceptance, Question, RFQAttachment, RFQInvitation


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


def create_rfq(actor, buyer, *, title, summary="", description="", sector=None, skills=(), materials=(),
               certifications=(), delivery_commune=None, quote_deadline=None, questions_deadline=None,
               budget_min=None, budget_max=None, visibility=RFQ.Visibility.PUBLIC, nda_text="",
               lots: Sequence[LotData] = ()) -> RFQ:
    """A draft RFQ of ``buyer`` (``actor`` a member of it, ``buyer.is_buyer``; else code "not_buyer").

    ``description`` is sanitised HTML; budget range ordered; quantities > 0; questions deadline
    not after the quote deadline; deadlines in the future.
    """
    raise NotImplementedError


def update_rfq(actor, rfq, **changes) -> RFQ:
    """Change a draft or published RFQ (same keyword names as :func:`create_rfq`; ``lots=``
    replaces every lot and line).

    After publishing, a material change (lots/lines, deadline shortened, sector, skills,
    materials, certifications, visibility) bumps ``rfq.revision``, marks live submitted quotes
    ``needs_reconfirmation`` and notifies their suppliers; any edit in the last 24 h before the
    deadline pushes the deadline to at least 24 h from now (and reschedules closing).
    """
    raise NotImplementedError


def replace_lots(actor, rfq, lots: Sequence[LotData]) -> RFQ:
    """Shortcut for ``update_rfq(actor, rfq, lots=lots)``."""
    return update_rfq(actor, rfq, lots=lots)


def add_attachment(actor, rfq, uploaded_file, *, lot=None) -> RFQAttachment:
    """Attach a file checked by :func:`rfq.files.check_upload` (a material change once published)."""
    raise NotImplementedError


def remove_attachment(actor, attachment) -> None:
    """Delete an attachment and its stored file (a material change once published)."""
    raise NotImplementedError


def publish_rfq(actor, rfq) -> RFQ:
    """Publish a draft: needs a title, a lot with a line, a deadline more than 1 h ahead and, when
    confidential, an NDA text. Schedules closing and sends ``rfq_published`` after commit;
    notifies invited suppliers."""
    raise NotImplementedError


def close_rfq(rfq, *, actor=None, now=None) -> RFQ:
    """Close a published RFQ whose deadline passed (database clock); a no-op otherwise.

    Buyer members learn how many quotes arrived (a count), quoting suppliers that it is closed.
    """
    raise NotImplementedError


def close_due_rfqs(now=None) -> int:
    """Close every published RFQ whose deadline passed; returns how many this run closed."""
    raise NotImplementedError


def cancel_rfq(actor, rfq, reason: str) -> RFQ:
    """Cancel a draft, published, or closed-not-awarded RFQ; ``reason`` required; everyone
    concerned notified."""
    raise NotImplementedError


def invite_suppliers(actor, rfq, suppliers: Iterable) -> list[RFQInvitation]:
    """Invite supplier organisations (not the buyer itself); existing invitations kept.
    Returns the invitations of ``suppliers`` (new and existing). Notifies the new ones if published."""
    raise NotImplementedError


def mark_invitation_viewed(actor, rfq, organisation) -> None:
    """pending → viewed for ``organisation``'s invitation; no-op otherwise."""
    raise NotImplementedError


def decline_invitation(actor, rfq, organisation, reason: str) -> RFQInvitation:
    """The invited supplier declines with a reason; the buyer is notified."""
    raise NotImplementedError


def accept_nda(actor, rfq, organisation, *, ip_address=None) -> NDAAcceptance:
    """Record ``organisation``'s acceptance of a confidential RFQ's NDA (idempotent, text kept verbatim)."""
    raise NotImplementedError


def record_download(actor, organisation, rfq, *, source, file_id, filename, sha256, ip_address=None) -> FileDownload:
    """Log one download of a confidential file (``source``: FileDownload.Source)."""
    raise NotImplementedError


def ask_question(actor, rfq, organisation, text, *, lot=None) -> Question:
    """A supplier who can see the RFQ's details asks before the questions deadline; buyer notified."""
    raise NotImplementedError


def answer_question(actor, question, answer) -> Question:
    """A buyer member answers; every supplier who can see the details is notified, the asker
    never named."""
    raise NotImplementedError
