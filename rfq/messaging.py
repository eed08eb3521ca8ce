"""Private conversations between an RFQ's buyer and one supplier.

One :class:`~rfq.models.MessageThread` per (RFQ, supplier). Either party writes; the supplier
must be involved in the RFQ (a live quote, an invitation or a question), so a thread is never a
back door for suppliers the buyer never heard of. Messages may carry one attachment checked like
every other RFQ file; the other party is notified without the message text (it may quote prices).
"""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.accounts.models import Membership
from marketplace.audit.services import record
from marketplace.notifications import kinds
from marketplace.notifications.services import notify, organisation_users
from marketplace.scanning.services import request_scan

from .exceptions import RFQError
from .files import check_upload, organisation_used_bytes
from .models import RFQ, Message, MessageThread, Question, Quote, RFQInvitation

MESSAGE_MAX_LENGTH = 8000
NOTIFICATION_KIND = "rfq.message_posted"

if NOTIFICATION_KIND not in kinds.KINDS:
    kinds.register(
        NOTIFICATION_KIND,
        title=gettext_lazy("Nouveau message : %(title)s"),
        body=gettext_lazy("%(sender)s vous a écrit au sujet de la consultation %(reference)s."),
    )


def thread_for(rfq, supplier) -> MessageThread:
    """The thread between ``rfq``'s buyer and ``supplier`` (created on first use)."""
    thread, _created = MessageThread.objects.get_or_create(rfq=rfq, supplier=supplier)
    return thread


def supplier_is_involved(rfq, supplier) -> bool:
    """``supplier`` has a live quote, an invitation or a question on ``rfq``."""
    return (
        Quote.objects.filter(rfq=rfq, supplier=supplier).exclude(status=Quote.Status.WITHDRAWN).exists()
        or RFQInvitation.objects.filter(rfq=rfq, supplier=supplier).exists()
        or Question.objects.filter(rfq=rfq, asked_by_organisation=supplier).exists()
    )


def _is_member(user, organisation) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and Membership.objects.filter(user=user, organisation=organisation, user__is_active=True).exists()
    )


def party_of(user, rfq, supplier):
    """The organisation ``user`` speaks for in the (``rfq``, ``supplier``) conversation: the
    supplier or the buyer; None for anyone else."""
    if _is_member(user, supplier):
        return supplier
    if _is_member(user, rfq.buyer):
        return rfq.buyer
    return None


def post_message(actor, rfq, supplier, organisation, body, attachment=None) -> Message:
    """``actor``, member of ``organisation`` (the buyer or ``supplier``), writes to the other
    party of ``rfq``'s thread with ``supplier``; ``attachment`` an uploaded file or None.

    Refused (RFQError) for anyone else, for a supplier not involved in the RFQ, on a draft, for
    an empty or too long message and for a file :func:`rfq.files.check_upload` refuses.
    """
    if organisation is None or organisation.pk not in (rfq.buyer_id, supplier.pk) or not _is_member(actor, organisation):
        raise RFQError(_("Vous ne participez pas à cette conversation."), code="not_party")
    if supplier.pk == rfq.buyer_id:
        raise RFQError(_("Le donneur d'ordre ne peut pas s'écrire à lui-même."), code="not_party")
    if rfq.status == RFQ.Status.DRAFT:
        raise RFQError(_("Les messages sont possibles une fois la consultation publiée."), code="wrong_state")
    body = (body or "").strip()
    if not body:
        raise RFQError(_("Écrivez un message."), code="empty_message")
    if len(body) > MESSAGE_MAX_LENGTH:
        raise RFQError(
            _("Le message dépasse %(max)s caractères.") % {"max": MESSAGE_MAX_LENGTH}, code="message_too_long"
        )
    if not supplier_is_involved(rfq, supplier):
        raise RFQError(
            _("Ce fournisseur n'a ni offre, ni invitation, ni question sur cette consultation."),
            code="supplier_not_involved",
        )
    checked = None
    if attachment is not None:
        checked = check_upload(
            attachment, organisation=organisation, used_bytes=organisation_used_bytes(organisation)
        )
    with transaction.atomic():
        thread = thread_for(rfq, supplier)
        message = Message(thread=thread, author=actor, author_organisation=organisation, body=body)
        if checked is not None:
            attachment.seek(0)
            message.attachment.save(checked.safe_name, attachment, save=False)
            message.attachment_name = checked.safe_name
            message.attachment_kind = checked.kind
            message.attachment_sha256 = checked.sha256
            message.attachment_size = checked.size
        message.save()
        if checked is not None:
            request_scan(message)
        # Writing is reading: the author's side of the thread is up to date.
        read_field = "supplier_read_at" if organisation.pk == supplier.pk else "buyer_read_at"
        setattr(thread, read_field, message.created_at)
        thread.save(update_fields=[read_field])
        record(
            actor,
            "rfq.message_posted",
            message,
            organisation=organisation,
            rfq=rfq.reference,
            supplier=supplier.pk,
            attachment=checked.safe_name if checked else "",
            sha256=checked.sha256 if checked else "",
        )
        other = rfq.buyer if organisation.pk == supplier.pk else supplier
        notify(
            organisation_users(other),
            NOTIFICATION_KIND,
            url=thread_url(rfq, supplier),
            organisation=other,
            reference=rfq.reference,
            title=rfq.title,
            sender=organisation.name,
        )
    return message


def mark_thread_read(actor, thread, organisation) -> None:
    """``organisation`` (the buyer or the thread's supplier, ``actor`` one of its members) has
    read the thread up to now. Silently nothing for anyone else."""
    if organisation is None or not _is_member(actor, organisation):
        return
    if organisation.pk == thread.supplier_id:
        field = "supplier_read_at"
    elif organisation.pk == thread.rfq.buyer_id:
        field = "buyer_read_at"
    else:
        return
    now = timezone.now()
    MessageThread.objects.filter(pk=thread.pk).update(**{field: now})
    setattr(thread, field, now)


def thread_url(rfq, supplier) -> str:
    from django.urls import reverse

    return reverse("rfq:thread", kwargs={"reference": rfq.reference, "supplier_slug": supplier.slug})


def unread_count(thread, organisation) -> int:
    """Messages of the other party ``organisation`` has not read yet."""
    read_at = thread.supplier_read_at if organisation.pk == thread.supplier_id else thread.buyer_read_at
    messages = thread.messages.exclude(author_organisation=organisation)
    if read_at is not None:
        messages = messages.filter(created_at__gt=read_at)
    return messages.count()
