"""The supplier's quote on an RFQ: the form (draft, submission, revision), the live total, the
withdrawal, and downloads of quote files.

Sealed rule: these pages only ever show the active organisation's own quote; quote files are
served to whoever :func:`rfq.quoting.visible_quotes_for` lets see the quote (its supplier, the
buyer once the quotes are opened). Input is parsed by :class:`rfq.supplier_forms.QuoteForm`;
:mod:`rfq.quoting` decides, and its refusals come back as messages with the input kept.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import access, quoting, selectors
from ..exceptions import RFQError
from ..messaging import thread_url
from ..models import FileDownload, QuoteAttachment
from ..supplier_forms import QuoteForm, WithdrawQuoteForm
from .common import active_organisation, serve_private_file, visible_rfq_or_404

ACTION_DRAFT = "draft"
ACTION_SUBMIT = "submit"


class _NotForThisViewer(Exception):
    """The quote pages do not apply: the redirect to give instead."""

    def __init__(self, response):
        self.response = response


def _quoting_context(request, reference):
    """(rfq, organisation) for a supplier who may see the RFQ's details; else a redirect to the
    RFQ page with the reason (a buyer, an organisation that is not a supplier, the NDA…)."""
    rfq = visible_rfq_or_404(request, reference)
    organisation = active_organisation(request)
    if organisation is None or not organisation.is_supplier or organisation.pk == rfq.buyer_id:
        messages.info(request, _("Les offres sont remises par les organisations fournisseurs."))
        raise _NotForThisViewer(redirect(rfq.get_absolute_url()))
    if not access.can_see_details(request.user, organisation, rfq):
        messages.info(request, _("Le dossier complet doit vous être accessible avant de remettre une offre."))
        raise _NotForThisViewer(redirect(rfq.get_absolute_url()))
    return rfq, organisation


def _page(request, rfq, organisation, quote, form, *, quota_exceeded=False):
    editable = access.supplier_can_quote(request.user, organisation, rfq) and (quote is None or quote.can_be_edited())
    return render(
        request,
        "rfq/supplier/quote_form.html",
        {
            "rfq": rfq,
            "quote": quote,
            "form": form,
            "rows": form.rows(),
            "total": form.total(),
            "editable": editable,
            "deadline_passed": not rfq.accepts_quotes(),
            "versions": list(quote.versions.order_by("-number")) if quote else [],
            "attachments": list(quote.attachments.all()) if quote else [],
            "quota_exceeded": quota_exceeded,
            "thread_url": thread_url(rfq, organisation) if quote else "",
            "withdraw_form": WithdrawQuoteForm(),
        },
    )


def _form(request, lots, quote, data=None, files=None):
    existing = list(quote.attachments.all()) if quote else []
    if data is None:
        return QuoteForm(initial=QuoteForm.initial_for(quote, lots), lots=lots, existing_attachments=existing)
    return QuoteForm(data, files, lots=lots, existing_attachments=existing)


@login_required
def quote_form(request, reference):
    try:
        rfq, organisation = _quoting_context(request, reference)
    except _NotForThisViewer as refused:
        return refused.response
    quote = selectors.live_quote_of(rfq, organisation)
    lots = selectors.lots_with_lines(rfq)
    if request.method != "POST":
        if quote is None and not access.supplier_can_quote(request.user, organisation, rfq):
            messages.info(request, _("Cette consultation n'accepte pas d'offre de votre part."))
            return redirect(rfq.get_absolute_url())
        return _page(request, rfq, organisation, quote, _form(request, lots, quote))

    form = _form(request, lots, quote, request.POST, request.FILES)
    action = ACTION_SUBMIT if request.POST.get("action") == ACTION_SUBMIT else ACTION_DRAFT
    valid = form.is_valid()
    if valid and action == ACTION_SUBMIT:
        complete = form.check_complete()
        if form.cleaned_data.get("lead_time_days") is None:
            form.add_error("lead_time_days", _("Indiquez votre délai de livraison pour soumettre l'offre."))
            complete = False
        valid = complete
    if not valid:
        messages.error(request, _("L'offre n'est pas enregistrée : corrigez les champs signalés."))
        return _page(request, rfq, organisation, quote, form)

    data = form.cleaned_data
    arguments = {
        "lines": [quoting.QuoteLineData(lot_line_id=line_id, unit_price=price, comment=comment)
                  for line_id, price, comment in form.line_data()],
        "lead_time_days": data.get("lead_time_days"),
        "valid_until": data.get("valid_until"),
        "comments": data.get("comments", ""),
        "attachments": data.get("attachments") or (),
        "remove_attachment_ids": data.get("remove_attachments") or (),
    }
    try:
        if action == ACTION_SUBMIT:
            saved = quoting.submit_quote(request.user, rfq, organisation, **arguments)
        else:
            saved = quoting.save_quote_draft(request.user, rfq, organisation, **arguments)
    except RFQError as error:
        messages.error(request, error.message)
        quote = selectors.live_quote_of(rfq, organisation)
        return _page(request, rfq, organisation, quote, form, quota_exceeded=error.code == "quota_exceeded")
    if action == ACTION_SUBMIT:
        messages.success(
            request,
            _("Offre soumise (version %(version)s). Elle reste scellée jusqu'à l'ouverture des offres.")
            % {"version": saved.version},
        )
    else:
        messages.success(request, _("Brouillon enregistré. Il n'est pas transmis au donneur d'ordre tant que vous ne le soumettez pas."))
    return redirect("rfq:quote", reference=rfq.reference)


@login_required
@require_POST
def quote_preview(request, reference):
    """The live total of the form as typed (htmx): computed here, never in the browser."""
    try:
        rfq, _organisation = _quoting_context(request, reference)
    except _NotForThisViewer:
        raise Http404 from None
    form = QuoteForm(request.POST, lots=selectors.lots_with_lines(rfq))
    return render(request, "rfq/supplier/_quote_total.html", {"total": form.total(), "rfq": rfq})


@login_required
def withdraw_quote(request, reference):
    try:
        rfq, organisation = _quoting_context(request, reference)
    except _NotForThisViewer as refused:
        return refused.response
    quote = selectors.live_quote_of(rfq, organisation)
    if quote is None:
        messages.info(request, _("Vous n'avez pas d'offre à retirer."))
        return redirect("rfq:quote", reference=rfq.reference)
    form = WithdrawQuoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            quoting.withdraw_quote(request.user, quote)
        except RFQError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Offre retirée. Vous pouvez en remettre une nouvelle avant la date limite."))
            return redirect(rfq.get_absolute_url())
    return render(request, "rfq/supplier/withdraw_confirm.html", {"rfq": rfq, "quote": quote, "form": form})


def quote_attachment(request, reference, quote_id, pk):
    """A quote file: for the quoting supplier always, for the buyer once it opened the quotes."""
    rfq = visible_rfq_or_404(request, reference)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organisation = active_organisation(request)
    quote = quoting.visible_quotes_for(request.user, organisation, rfq).filter(pk=quote_id).first()
    if quote is None:
        raise Http404
    attachment = get_object_or_404(QuoteAttachment, quote_id=quote.pk, pk=pk)
    return serve_private_file(
        request, rfq, organisation, attachment.file, upload=attachment,
        filename=attachment.original_name, content_type=attachment.content_type,
        source=FileDownload.Source.QUOTE, file_id=attachment.pk, sha256=attachment.sha256,
    )
