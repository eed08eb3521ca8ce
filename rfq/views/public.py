"""Public RFQ pages under /consultations/: the list of open RFQs, an RFQ's page (summary for
everyone allowed, details behind :func:`rfq.access.can_see_details`, the NDA of a confidential
RFQ), declining an invitation, asking a question and downloading the RFQ's files.

Views parse input with :mod:`rfq.supplier_forms`, call :mod:`rfq.participation` and turn an
``RFQError`` into a form error or a message, re-rendering the page with what the user typed.
"""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import access, participation, selectors
from ..exceptions import RFQError
from ..messaging import supplier_is_involved, thread_url
from ..models import FileDownload, RFQInvitation
from ..supplier_forms import AcceptNDAForm, DeclineInvitationForm, QuestionForm, RFQFilterForm
from .common import active_organisation, client_ip, serve_private_file, visible_rfq_or_404


def rfq_list(request):
    """Open RFQs, filtered as the form says; htmx requests (live filtering) get the results region only."""
    organisation = active_organisation(request)
    form = RFQFilterForm(request.GET or None)
    rfqs = selectors.open_rfqs_for(organisation, **form.filters())
    page = Paginator(rfqs, selectors.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode([(key, value) for key, value in request.GET.items() if key != "page" and value])
    template = "rfq/public/_list_results.html" if request.htmx else "rfq/public/list.html"
    return render(request, template, {"form": form, "page": page, "query": query})


def _manage_url(rfq) -> str:
    """The buyer workspace of ``rfq`` (a page of the buyer UI), or "" while it does not exist."""
    try:
        return reverse("rfq:manage", kwargs={"reference": rfq.reference})
    except NoReverseMatch:
        return ""


def _detail_context(request, rfq, **forms) -> dict:
    user, organisation = request.user, active_organisation(request)
    is_buyer = access.is_buyer_member(user, rfq)
    details = access.can_see_details(user, organisation, rfq)
    is_supplier = bool(organisation and organisation.is_supplier and organisation.pk != rfq.buyer_id)
    invitation = selectors.invitation_of(rfq, organisation) if is_supplier else None
    my_quote = selectors.live_quote_of(rfq, organisation) if is_supplier else None
    lots = selectors.lots_with_lines(rfq)
    context = {
        "rfq": rfq,
        "organisation": organisation,
        "is_buyer": is_buyer,
        "manage_url": _manage_url(rfq) if is_buyer else "",
        "details": details,
        "is_supplier": is_supplier,
        "needs_nda": rfq.is_confidential and is_supplier and not details,
        "lots": lots,
        "award_rate": selectors.buyer_award_rate(rfq.buyer),
        "invitation": invitation,
        "can_decline": bool(
            invitation
            and invitation.status in (RFQInvitation.Status.PENDING, RFQInvitation.Status.VIEWED)
            and rfq.accepts_quotes()
        ),
        "can_ask": details and is_supplier and rfq.accepts_questions(),
        "can_quote": is_supplier and access.supplier_can_quote(user, organisation, rfq),
        "my_quote": my_quote,
        "thread_url": thread_url(rfq, organisation) if is_supplier and supplier_is_involved(rfq, organisation) else "",
    }
    if details:
        context["attachments"] = list(rfq.attachments.select_related("lot"))
        context["answered_questions"], context["own_questions"] = selectors.questions_for_supplier(
            rfq, organisation if is_supplier else None
        )
    context["nda_form"] = forms.get("nda_form") or AcceptNDAForm()
    context["decline_form"] = forms.get("decline_form") or DeclineInvitationForm()
    context["question_form"] = forms.get("question_form") or QuestionForm(lots=lots)
    return context


def rfq_detail(request, reference):
    rfq = visible_rfq_or_404(request, reference)
    organisation = active_organisation(request)
    if organisation is not None and organisation.pk != rfq.buyer_id:
        invitation = selectors.invitation_of(rfq, organisation)
        if invitation is not None and invitation.status == RFQInvitation.Status.PENDING:
            try:
                participation.mark_invitation_viewed(request.user, rfq, organisation)
            except RFQError:
                pass  # Only a courtesy to the buyer; the page shows either way.
    return render(request, "rfq/public/detail.html", _detail_context(request, rfq))


def _detail_redirect(rfq, anchor=""):
    return redirect(rfq.get_absolute_url() + (f"#{anchor}" if anchor else ""))


@login_required
@require_POST
def accept_nda(request, reference):
    rfq = visible_rfq_or_404(request, reference)
    organisation = active_organisation(request)
    form = AcceptNDAForm(request.POST)
    if not form.is_valid():
        return render(request, "rfq/public/detail.html", _detail_context(request, rfq, nda_form=form), status=400)
    try:
        participation.accept_nda(request.user, rfq, organisation, ip_address=client_ip(request))
    except RFQError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Accord de confidentialité accepté : le dossier complet est accessible."))
    return _detail_redirect(rfq)


@login_required
@require_POST
def decline_invitation(request, reference):
    rfq = visible_rfq_or_404(request, reference)
    form = DeclineInvitationForm(request.POST)
    if form.is_valid():
        try:
            participation.decline_invitation(request.user, rfq, active_organisation(request), form.cleaned_data["reason"])
        except RFQError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Invitation déclinée : le donneur d'ordre en est informé."))
            return _detail_redirect(rfq)
    return render(request, "rfq/public/detail.html", _detail_context(request, rfq, decline_form=form), status=400)


@login_required
@require_POST
def ask_question(request, reference):
    rfq = visible_rfq_or_404(request, reference)
    form = QuestionForm(request.POST, lots=selectors.lots_with_lines(rfq))
    if form.is_valid():
        try:
            participation.ask_question(
                request.user, rfq, active_organisation(request), form.cleaned_data["text"], lot=form.cleaned_data["lot"]
            )
        except RFQError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Question envoyée. La réponse sera visible de tous les fournisseurs, sans votre nom."))
            return _detail_redirect(rfq, "questions")
    return render(request, "rfq/public/detail.html", _detail_context(request, rfq, question_form=form), status=400)


def rfq_attachment(request, reference, pk):
    """One file of the RFQ's file, for viewers of the details only (the NDA accepted for a
    confidential RFQ); every download is logged."""
    rfq = visible_rfq_or_404(request, reference)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organisation = active_organisation(request)
    if not access.can_see_details(request.user, organisation, rfq):
        raise PermissionDenied
    attachment = get_object_or_404(rfq.attachments, pk=pk)
    return serve_private_file(
        request, rfq, organisation, attachment.file, upload=attachment,
        filename=attachment.original_name, content_type=attachment.content_type,
        source=FileDownload.Source.RFQ, file_id=attachment.pk, sha256=attachment.sha256,
    )
