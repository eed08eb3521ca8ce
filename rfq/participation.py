"""Taking part in an RFQ: invitations, the NDA of a confidential RFQ, download logs, questions and answers.

What suppliers do around an RFQ before quoting, and what the buyer answers. Same rules as
:mod:`rfq.services` (which keeps the RFQ's own life cycle): each function takes the acting user
explicitly, runs in ``transaction.atomic()``, writes an audit entry, notifies and raises
:class:`rfq.exceptions.RFQError` when it refuses. Quotes live in :mod:`rfq.quoting`.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.audit.services import record
from marketplace.notifications.services import notify, organisation_users

from . import access
from .exceptions import RFQError
from .models import RFQ, FileDownload, NDAAcceptance, Question, RFQInvitation
from .services import (
    _is_member,
    _lock,
    _notify_organisations,
    _params,
    _require_buyer_member,
    _require_editable,
    _require_member,
    _supplier_organisations_concerned,
    rfq_url,
)


# --- invitations ---------------------------------------------------------------------------------


def invite_suppliers(actor, rfq, suppliers: Iterable) -> list[RFQInvitation]:
    """Invite supplier organisations (not the buyer itself); existing invitations kept.
    Returns the invitations of ``suppliers`` (new and existing, in order); the new ones are
    notified now if the RFQ is published, else when it is published."""
    suppliers = list(dict.fromkeys(suppliers))
    with transaction.atomic():
        _lock(rfq)
        _require_buyer_member(actor, rfq)
        _require_editable(rfq)
        for supplier in suppliers:
            if supplier.pk == rfq.buyer_id:
                raise RFQError(_("Vous ne pouvez pas inviter votre propre organisation."), code="own_organisation")
            if not supplier.is_supplier:
                raise RFQError(_("%(name)s n'est pas un fournisseur.") % {"name": supplier.name}, code="not_supplier")
        invitations, new = [], []
        for supplier in suppliers:
            invitation, created = RFQInvitation.objects.get_or_create(rfq=rfq, supplier=supplier, defaults={"invited_by": actor})
            invitations.append(invitation)
            if created:
                new.append(invitation)
        if new:
            if rfq.status == RFQ.Status.PUBLISHED:
                _notify_organisations([i.supplier for i in new], "rfq.published_invited", rfq)
            record(actor, "rfq.suppliers_invited", rfq, organisation=rfq.buyer, suppliers=[i.supplier_id for i in new])
    return invitations


def _invitation_of(rfq, organisation) -> RFQInvitation:
    invitation = RFQInvitation.objects.select_for_update().filter(rfq=rfq, supplier=organisation).first()
    if invitation is None:
        raise RFQError(_("Votre organisation n'est pas invitée à cette consultation."), code="not_invited")
    return invitation


def mark_invitation_viewed(actor, rfq, organisation) -> None:
    """pending → viewed for ``organisation``'s invitation; no-op otherwise (or for a non-member)."""
    if organisation is None or not _is_member(actor, organisation.pk):
        return
    with transaction.atomic():
        updated = RFQInvitation.objects.filter(rfq=rfq, supplier=organisation, status=RFQInvitation.Status.PENDING).update(
            status=RFQInvitation.Status.VIEWED, viewed_at=timezone.now()
        )
        if updated:
            record(actor, "rfq.invitation_viewed", rfq, organisation=organisation)


def decline_invitation(actor, rfq, organisation, reason: str) -> RFQInvitation:
    """The invited supplier declines with a reason; the buyer is notified."""
    reason = (reason or "").strip()
    with transaction.atomic():
        _lock(rfq)
        _require_member(actor, organisation)
        invitation = _invitation_of(rfq, organisation)
        if not reason:
            raise RFQError(_("Indiquez pourquoi vous déclinez : cela aide le donneur d'ordre."), code="reason_required")
        if invitation.status == RFQInvitation.Status.DECLINED:
            raise RFQError(_("Vous avez déjà décliné cette invitation."), code="already_declined")
        if invitation.status == RFQInvitation.Status.QUOTED:
            raise RFQError(_("Vous avez remis une offre : retirez-la plutôt que de décliner."), code="already_quoted")
        if rfq.status != RFQ.Status.PUBLISHED:
            raise RFQError(_("Cette consultation n'est plus ouverte."), code="not_open")
        invitation.status = RFQInvitation.Status.DECLINED
        invitation.decline_reason = reason[:2000]
        invitation.declined_at = timezone.now()
        invitation.save(update_fields=["status", "decline_reason", "declined_at"])
        notify(organisation_users(rfq.buyer), "rfq.invitation_declined", url=rfq_url(rfq), organisation=rfq.buyer,
               **_params(rfq, supplier=organisation.name, reason=invitation.decline_reason))
        record(actor, "rfq.invitation_declined", rfq, organisation=organisation, reason=invitation.decline_reason)
    return invitation


# --- confidential files --------------------------------------------------------------------------


def accept_nda(actor, rfq, organisation, *, ip_address=None) -> NDAAcceptance:
    """Record ``organisation``'s acceptance of a confidential RFQ's NDA (idempotent, text kept verbatim)."""
    if not rfq.is_confidential:
        raise RFQError(_("Cette consultation n'a pas d'accord de confidentialité."), code="not_confidential")
    _require_member(actor, organisation)
    if not organisation.is_supplier or organisation.pk == rfq.buyer_id:
        raise RFQError(_("Seul un fournisseur peut accepter l'accord de confidentialité."), code="not_supplier")
    if rfq.status == RFQ.Status.DRAFT:
        raise RFQError(_("Cette consultation n'est pas publiée."), code="not_published")
    with transaction.atomic():
        acceptance, created = NDAAcceptance.objects.get_or_create(
            rfq=rfq, organisation=organisation,
            defaults={"user": actor, "nda_text": rfq.nda_text, "ip_address": ip_address or None},
        )
        if created:
            record(actor, "rfq.nda_accepted", rfq, organisation=organisation, acceptance=acceptance.pk,
                   ip_address=ip_address or None)
    return acceptance


def record_download(actor, organisation, rfq, *, source, file_id, filename, sha256, ip_address=None) -> FileDownload:
    """Log one download of a confidential file (``source``: FileDownload.Source). The row itself
    is the log; views call this after checking access and before streaming the file."""
    if source not in FileDownload.Source.values:
        raise ValueError(f"Unknown download source {source!r}")
    user = actor if getattr(actor, "is_authenticated", False) else None
    return FileDownload.objects.create(rfq=rfq, source=source, file_id=file_id, filename=str(filename)[:200],
                                       sha256=sha256, user=user, organisation=organisation, ip_address=ip_address or None)


# --- questions and answers -----------------------------------------------------------------------


def ask_question(actor, rfq, organisation, text, *, lot=None) -> Question:
    """A supplier who can see the RFQ's details asks before the questions deadline; buyer notified."""
    text = (text or "").strip()
    with transaction.atomic():
        _lock(rfq)
        _require_member(actor, organisation)
        if organisation.pk == rfq.buyer_id or not organisation.is_supplier:
            raise RFQError(_("Seuls les fournisseurs consultés peuvent poser une question."), code="not_supplier")
        if not access.can_see_details(actor, organisation, rfq):
            raise RFQError(_("Vous n'avez pas accès au dossier de cette consultation."), code="no_access")
        if not rfq.accepts_questions():
            raise RFQError(_("La date limite des questions est passée."), code="questions_closed")
        if not text:
            raise RFQError(_("Écrivez votre question."), code="text_required")
        if len(text) > 4000:
            raise RFQError(_("La question dépasse 4 000 caractères."), code="text_too_long")
        if lot is not None and lot.rfq_id != rfq.pk:
            raise RFQError(_("Ce lot n'appartient pas à cette consultation."), code="bad_lot")
        question = Question.objects.create(rfq=rfq, lot=lot, asked_by=actor, asked_by_organisation=organisation, text=text)
        notify(organisation_users(rfq.buyer), "rfq.question_asked", url=rfq_url(rfq), organisation=rfq.buyer, **_params(rfq))
        record(actor, "rfq.question_asked", rfq, organisation=organisation, question=question.pk)
    return question


def answer_question(actor, question, answer) -> Question:
    """A buyer member answers (or corrects an answer) while the RFQ is published; every supplier
    concerned who can see the details is notified, the asker never named."""
    answer = (answer or "").strip()
    rfq = question.rfq
    with transaction.atomic():
        _lock(rfq)
        _require_buyer_member(actor, rfq)
        if rfq.status != RFQ.Status.PUBLISHED:
            raise RFQError(_("Cette consultation n'est plus ouverte aux questions."), code="not_open")
        if not answer:
            raise RFQError(_("Écrivez votre réponse."), code="answer_required")
        if len(answer) > 8000:
            raise RFQError(_("La réponse dépasse 8 000 caractères."), code="answer_too_long")
        question = Question.objects.select_for_update().get(pk=question.pk)
        question.answer = answer
        question.answered_by = actor
        question.answered_at = timezone.now()
        question.save(update_fields=["answer", "answered_by", "answered_at"])
        _notify_organisations(_supplier_organisations_concerned(rfq), "rfq.question_answered", rfq)
        record(actor, "rfq.question_answered", rfq, organisation=rfq.buyer, question=question.pk)
    return question
