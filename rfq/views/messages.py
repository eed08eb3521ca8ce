"""The conversation between an RFQ's buyer and one supplier, and its attachments.

Only the two parties reach the thread page: anyone else gets a 404, so the page does not
reveal which suppliers take part. Posting goes through :func:`rfq.messaging.post_message`;
with htmx the page swaps in the updated list and a fresh form.
"""
from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from marketplace.accounts.models import Organisation

from .. import messaging
from ..exceptions import RFQError
from ..models import FileDownload, Message, MessageThread
from ..supplier_forms import MessageForm
from .common import active_organisation, serve_private_file, visible_rfq_or_404


def _party_or_404(request, rfq, supplier):
    """The organisation the user speaks for in this thread: the active one when it is a party,
    else the party the user belongs to; 404 for anyone else."""
    organisation = active_organisation(request)
    if organisation is not None and organisation.pk in (rfq.buyer_id, supplier.pk):
        party = organisation if messaging.party_of(request.user, rfq, supplier) is not None else None
    else:
        party = messaging.party_of(request.user, rfq, supplier)
    if party is None or supplier.pk == rfq.buyer_id:
        raise Http404
    return party


def _thread_context(rfq, supplier, party, form):
    thread = MessageThread.objects.filter(rfq=rfq, supplier=supplier).first()
    thread_messages = (
        list(thread.messages.select_related("author", "author_organisation").order_by("created_at")) if thread else []
    )
    return {
        "rfq": rfq,
        "supplier": supplier,
        "party": party,
        "is_buyer_side": party.pk == rfq.buyer_id,
        "other": supplier if party.pk == rfq.buyer_id else rfq.buyer,
        "thread": thread,
        "thread_messages": thread_messages,
        "form": form,
        "can_write": messaging.supplier_is_involved(rfq, supplier),
    }


@login_required
def thread(request, reference, supplier_slug):
    rfq = visible_rfq_or_404(request, reference)
    supplier = get_object_or_404(Organisation, slug=supplier_slug)
    party = _party_or_404(request, rfq, supplier)
    form = MessageForm()
    status = 200
    if request.method == "POST":
        form = MessageForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                messaging.post_message(
                    request.user, rfq, supplier, party, form.cleaned_data["body"], form.cleaned_data.get("attachment")
                )
            except RFQError as error:
                form.add_error(None, error.message)
            else:
                if not request.htmx:
                    flash.success(request, _("Message envoyé."))
                    return redirect("rfq:thread", reference=rfq.reference, supplier_slug=supplier.slug)
                form = MessageForm()
        if form.errors:
            status = 400 if not request.htmx else 200
    existing = MessageThread.objects.filter(rfq=rfq, supplier=supplier).select_related("rfq").first()
    if existing is not None:
        messaging.mark_thread_read(request.user, existing, party)
    context = _thread_context(rfq, supplier, party, form)
    template = "rfq/messages/_conversation.html" if request.htmx else "rfq/messages/thread.html"
    return render(request, template, context, status=status)


@login_required
def message_attachment(request, reference, supplier_slug, pk):
    rfq = visible_rfq_or_404(request, reference)
    supplier = get_object_or_404(Organisation, slug=supplier_slug)
    party = _party_or_404(request, rfq, supplier)
    message = get_object_or_404(Message, pk=pk, thread__rfq=rfq, thread__supplier=supplier)
    if not message.attachment:
        raise Http404
    content_type = {
        "pdf": "application/pdf",
        "zip": "application/zip",
    }.get(message.attachment_kind, "application/octet-stream")
    return serve_private_file(
        request, rfq, party, message.attachment, upload=message,
        filename=message.attachment_name, content_type=content_type,
        source=FileDownload.Source.MESSAGE, file_id=message.pk, sha256=message.attachment_sha256,
    )
