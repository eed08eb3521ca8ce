"""The buyer's workspace under /consultations/: dashboard, RFQ form, management page, invitations,
answers to questions, opening, comparison, export, award and debriefs.

Every page needs a signed-in member of the RFQ's buyer organisation. Someone else gets a 404
when the RFQ is not visible to them (drafts of other buyers stay unknown) and a 403 when it is.
Views parse input with :mod:`rfq.forms`, call :mod:`rfq.services` / :mod:`rfq.quoting` and turn
an :class:`rfq.exceptions.RFQError` into a form error or a message, keeping what the user typed.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from marketplace.accounts.models import Organisation

from .. import access, comparison, participation, quoting, services
from ..exceptions import RFQError
from ..forms import (
    AnswerForm,
    AttachmentUploadForm,
    AwardForm,
    CancelForm,
    InviteForm,
    RFQEditor,
    UnsuccessfulForm,
)
from ..models import RFQ, Question, RFQAttachment, RFQInvitation

SORTS = ("total", "lead_time", "distance", "name")
EXPORT_FORMATS = ("csv", "xlsx")
# Service refusal codes that belong to one field of the RFQ form; others show above the form.
ERROR_FIELDS = {
    "deadline_past": "quote_deadline",
    "deadline_too_soon": "quote_deadline",
    "bad_deadline": "quote_deadline",
    "bad_deadlines": "questions_deadline",
    "nda_required": "nda_text",
    "bad_budget": "budget_max",
    "title_required": "title",
    "bad_visibility": "visibility",
}


# --- Access --------------------------------------------------------------------------------------


def _buyer_organisation(request):
    organisation = request.organisation
    return organisation if organisation is not None and organisation.is_buyer else None


def _not_a_buyer(request):
    messages.info(
        request,
        _("Les consultations sont publiées par les organisations déclarées comme donneurs d'ordre. "
          "Choisissez ou créez une organisation donneur d'ordre."),
    )
    return redirect("accounts:dashboard")


def _buyer_rfq(request, reference: str) -> RFQ:
    """The RFQ, for a member of its buyer organisation: 404 to whoever may not even see it."""
    rfq = get_object_or_404(
        RFQ.objects.select_related("buyer", "sector", "delivery_commune"), reference=reference
    )
    if access.is_buyer_member(request.user, rfq):
        return rfq
    if access.can_see_rfq(request.user, request.organisation, rfq):
        raise PermissionDenied
    raise Http404


def _refused(request, error: RFQError, to: str, rfq: RFQ):
    messages.error(request, error.message)
    return redirect(to, reference=rfq.reference)


# --- Dashboard -----------------------------------------------------------------------------------


@login_required
def dashboard(request):
    organisation = _buyer_organisation(request)
    if organisation is None:
        return _not_a_buyer(request)
    rfqs = list(
        RFQ.objects.filter(buyer=organisation)
        .select_related("delivery_commune")
        .order_by("quote_deadline", "-created_at")
    )
    groups = []
    for status, label in RFQ.Status.choices:
        rows = [
            {"rfq": rfq, "quote_count": quoting.submitted_quote_count(rfq), "next_action": _next_action(rfq)}
            for rfq in rfqs
            if rfq.status == status
        ]
        groups.append({"status": status, "label": label, "rows": rows})
    return render(
        request,
        "rfq/buyer/dashboard.html",
        {"organisation": organisation, "groups": groups, "total": len(rfqs)},
    )


def _next_action(rfq: RFQ) -> str:
    if rfq.status == RFQ.Status.DRAFT:
        return _("Compléter et publier")
    if rfq.status == RFQ.Status.PUBLISHED:
        return _("Inviter des fournisseurs, répondre aux questions")
    if rfq.can_be_opened():
        return _("Ouvrir les offres")
    if rfq.can_be_awarded():
        return _("Comparer et attribuer")
    return ""


# --- Create and edit -----------------------------------------------------------------------------


def _editor_action(request) -> str:
    action = request.POST.get("action", "save")
    return action if action in {"save", "add_lot", "add_line"} else "save"


def _apply_error(editor: RFQEditor, error: RFQError) -> None:
    field = ERROR_FIELDS.get(error.code)
    editor.form.add_error(field if field in editor.form.fields else None, error.message)


def _add_files(request, rfq: RFQ) -> None:
    """Each uploaded file goes through the service; a refused one is named in a message."""
    for uploaded in request.FILES.getlist("files"):
        try:
            attachment = services.add_attachment(request.user, rfq, uploaded)
        except RFQError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Fichier ajouté : %(name)s") % {"name": attachment.original_name})


def _editor_page(request, editor: RFQEditor, rfq: RFQ | None, status=200):
    return render(
        request,
        "rfq/buyer/form.html",
        {
            "editor": editor,
            "form": editor.form,
            "rfq": rfq,
            "upload_form": AttachmentUploadForm(),
            "attachments": rfq.attachments.all() if rfq else [],
            "show_errors": request.method == "POST" and _editor_action(request) == "save",
        },
        status=status,
    )


@login_required
def create(request):
    organisation = _buyer_organisation(request)
    if organisation is None:
        return _not_a_buyer(request)
    if request.method != "POST":
        return _editor_page(request, RFQEditor(), None)
    action = _editor_action(request)
    editor = RFQEditor(request.POST, add=action.removeprefix("add_") if action != "save" else "")
    if action != "save" or not editor.is_valid():
        return _editor_page(request, editor, None)
    try:
        rfq = services.create_rfq(request.user, organisation, **editor.service_values())
    except RFQError as error:
        _apply_error(editor, error)
        return _editor_page(request, editor, None)
    messages.success(request, _("Brouillon enregistré. Vérifiez-le, puis publiez-le."))
    _add_files(request, rfq)
    return redirect("rfq:manage", reference=rfq.reference)


@login_required
def edit(request, reference):
    rfq = _buyer_rfq(request, reference)
    if not rfq.can_be_edited():
        messages.error(request, _("Cette consultation ne peut plus être modifiée."))
        return redirect("rfq:manage", reference=rfq.reference)
    if request.method != "POST":
        return _editor_page(request, RFQEditor(rfq=rfq), rfq)
    action = _editor_action(request)
    editor = RFQEditor(request.POST, rfq=rfq, add=action.removeprefix("add_") if action != "save" else "")
    if action != "save" or not editor.is_valid():
        return _editor_page(request, editor, rfq)
    try:
        rfq = services.update_rfq(request.user, rfq, **editor.service_values())
    except RFQError as error:
        _apply_error(editor, error)
        return _editor_page(request, editor, rfq)
    messages.success(request, _("Modifications enregistrées."))
    _add_files(request, rfq)
    return redirect("rfq:manage", reference=rfq.reference)


# --- Attachments ---------------------------------------------------------------------------------


def _back(request, rfq: RFQ):
    """Back to the edit page when the form was sent from there, else to the management page."""
    if request.POST.get("next") == "edit" and rfq.can_be_edited():
        return redirect("rfq:edit", reference=rfq.reference)
    return redirect("rfq:manage", reference=rfq.reference)


@login_required
@require_POST
def attachment_add(request, reference):
    rfq = _buyer_rfq(request, reference)
    if not request.FILES.getlist("files"):
        messages.error(request, _("Choisissez au moins un fichier."))
    else:
        _add_files(request, rfq)
    return _back(request, rfq)


@login_required
@require_POST
def attachment_remove(request, reference, pk):
    rfq = _buyer_rfq(request, reference)
    attachment = get_object_or_404(RFQAttachment, pk=pk, rfq=rfq)
    try:
        services.remove_attachment(request.user, attachment)
    except RFQError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Fichier retiré : %(name)s") % {"name": attachment.original_name})
    return _back(request, rfq)


# --- Management page and state changes -----------------------------------------------------------


def _manage_page(request, rfq: RFQ, *, cancel_form=None, unsuccessful_form=None, status=200):
    questions = list(rfq.questions.select_related("asked_by_organisation", "lot"))
    invitations = rfq.invitations.select_related("supplier").order_by("created_at")
    return render(
        request,
        "rfq/buyer/manage.html",
        {
            "rfq": rfq,
            "lots": rfq.lots.prefetch_related("lines"),
            "attachments": rfq.attachments.select_related("lot"),
            "upload_form": AttachmentUploadForm(),
            "invitations": invitations,
            "invitation_statuses": RFQInvitation.Status,
            "questions": [{"question": q, "form": AnswerForm(prefix=f"q{q.pk}")} for q in questions],
            "quote_count": quoting.submitted_quote_count(rfq),
            "threads": _threads(rfq),
            "cancel_form": cancel_form or CancelForm(),
            "unsuccessful_form": unsuccessful_form or UnsuccessfulForm(),
            "can_cancel": rfq.status in (RFQ.Status.DRAFT, RFQ.Status.PUBLISHED, RFQ.Status.CLOSED),
            "timeline": _timeline(rfq),
            "public_url": _url_or_empty("rfq:detail", reference=rfq.reference) if rfq.status != RFQ.Status.DRAFT else "",
        },
        status=status,
    )


def _url_or_empty(name: str, **kwargs) -> str:
    """A URL of the supplier-side pages, or "" while that page is not routed: no link rather than a 500."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def _threads(rfq: RFQ) -> list[dict]:
    """One link per supplier that quoted or wrote, to its message thread (supplier-ui's page)."""
    suppliers = {}
    for quote in rfq.quotes.exclude(status="draft").select_related("supplier"):
        suppliers[quote.supplier_id] = quote.supplier
    for thread in rfq.threads.select_related("supplier"):
        suppliers[thread.supplier_id] = thread.supplier
    links = [
        {"supplier": s, "url": _url_or_empty("rfq:thread", reference=rfq.reference, supplier_slug=s.slug)}
        for s in sorted(suppliers.values(), key=lambda s: s.name)
    ]
    return [link for link in links if link["url"]]


def _timeline(rfq: RFQ) -> list[tuple[str, object]]:
    steps = [
        (_("Créée"), rfq.created_at),
        (_("Publiée"), rfq.published_at),
        (_("Date limite des questions"), rfq.questions_deadline),
        (_("Date limite de remise des offres"), rfq.quote_deadline),
        (_("Clôturée"), rfq.closed_at),
        (_("Offres ouvertes"), rfq.opened_at),
        (_("Attribuée"), rfq.awarded_at),
        (_("Annulée"), rfq.cancelled_at),
    ]
    return [(label, moment) for label, moment in steps if moment]


@login_required
def manage(request, reference):
    return _manage_page(request, _buyer_rfq(request, reference))


@login_required
@require_POST
def publish(request, reference):
    rfq = _buyer_rfq(request, reference)
    try:
        services.publish_rfq(request.user, rfq)
    except RFQError as error:
        return _refused(request, error, "rfq:manage", rfq)
    messages.success(request, _("Consultation publiée : les fournisseurs peuvent remettre une offre jusqu'à la date limite."))
    return redirect("rfq:manage", reference=rfq.reference)


@login_required
@require_POST
def cancel(request, reference):
    rfq = _buyer_rfq(request, reference)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.cancel_rfq(request.user, rfq, form.cleaned_data["reason"])
        except RFQError as error:
            form.add_error("reason", error.message)
        else:
            messages.success(request, _("Consultation annulée ; les fournisseurs concernés sont prévenus."))
            return redirect("rfq:manage", reference=rfq.reference)
    return _manage_page(request, rfq, cancel_form=form, status=400)


@login_required
@require_POST
def answer(request, reference, pk):
    rfq = _buyer_rfq(request, reference)
    question = get_object_or_404(Question, pk=pk, rfq=rfq)
    form = AnswerForm(request.POST, prefix=f"q{question.pk}")
    saved = False
    if form.is_valid():
        try:
            question = participation.answer_question(request.user, question, form.cleaned_data["answer"])
        except RFQError as error:
            form.add_error("answer", error.message)
        else:
            saved = True
    if request.htmx:
        return render(
            request, "rfq/buyer/_question.html",
            {"rfq": rfq, "item": {"question": question, "form": form if not saved else AnswerForm(prefix=f"q{question.pk}")},
             "saved": saved},
        )
    if saved:
        messages.success(request, _("Réponse publiée."))
    else:
        for error in form.errors.get("answer", []):
            messages.error(request, error)
    return redirect(f"{reverse('rfq:manage', kwargs={'reference': rfq.reference})}#question-{question.pk}")


@login_required
@require_POST
def open_quotes(request, reference):
    rfq = _buyer_rfq(request, reference)
    try:
        quoting.open_quotes(request.user, rfq)
    except RFQError as error:
        return _refused(request, error, "rfq:manage", rfq)
    messages.success(request, _("Offres ouvertes. Leur intégrité a été vérifiée ; comparez-les ci-dessous."))
    return redirect("rfq:compare", reference=rfq.reference)


@login_required
@require_POST
def declare_unsuccessful(request, reference):
    rfq = _buyer_rfq(request, reference)
    form = UnsuccessfulForm(request.POST)
    if form.is_valid():
        try:
            quoting.declare_unsuccessful(request.user, rfq, form.cleaned_data["reason"])
        except RFQError as error:
            form.add_error("reason", error.message)
        else:
            messages.success(request, _("Consultation déclarée infructueuse ; les fournisseurs sont prévenus."))
            return redirect("rfq:manage", reference=rfq.reference)
    return _manage_page(request, rfq, unsuccessful_form=form, status=400)


@login_required
@require_POST
def send_debriefs(request, reference):
    rfq = _buyer_rfq(request, reference)
    try:
        quoting.send_debriefs(request.user, rfq)
    except RFQError as error:
        return _refused(request, error, "rfq:manage", rfq)
    messages.success(request, _("Debriefs envoyés aux fournisseurs non retenus (rang et écart, sans nom de concurrent)."))
    return redirect("rfq:manage", reference=rfq.reference)


# --- Invitations ---------------------------------------------------------------------------------


def _matches(rfq: RFQ) -> tuple[list, str]:
    from search.backends.base import SearchBackendUnavailable
    from search.matching import match_suppliers

    try:
        return match_suppliers(rfq), ""
    except SearchBackendUnavailable:
        return [], _("La recherche de fournisseurs est momentanément indisponible ; réessayez plus tard.")


def _suppliers_from(form: InviteForm):
    from suppliers.models import SupplierProfile

    ids = set(form.cleaned_data.get("organisation") or [])
    profile = form.cleaned_data.get("profile")
    if profile:
        ids |= set(SupplierProfile.objects.filter(pk=int(profile)).values_list("organisation_id", flat=True))
    return list(Organisation.objects.filter(pk__in=ids, is_supplier=True))


def _invite(request, rfq: RFQ, form: InviteForm) -> bool:
    suppliers = _suppliers_from(form)
    if not suppliers:
        form.add_error(None, _("Aucun de ces fournisseurs n'est référencé."))
        return False
    try:
        invitations = participation.invite_suppliers(request.user, rfq, suppliers)
    except RFQError as error:
        form.add_error(None, error.message)
        return False
    count = len(invitations)
    messages.success(
        request,
        ngettext("%(count)s fournisseur invité.", "%(count)s fournisseurs invités.", count) % {"count": count},
    )
    return True


@login_required
def invite(request, reference):
    rfq = _buyer_rfq(request, reference)
    matches, unavailable = _matches(rfq)
    form = InviteForm(request.POST if request.method == "POST" else None, organisation_ids=[m.organisation_id for m in matches])
    if request.method == "POST" and form.is_valid() and _invite(request, rfq, form):
        return redirect("rfq:manage", reference=rfq.reference)
    invited = set(rfq.invitations.values_list("supplier_id", flat=True))
    chosen = {str(v) for v in (form.data.getlist("organisation") if form.is_bound else [])}
    return render(
        request,
        "rfq/buyer/invite.html",
        {"rfq": rfq, "form": form, "matches": matches, "invited": invited, "chosen": chosen, "unavailable": unavailable},
        status=400 if form.is_bound else 200,
    )


@login_required
def invite_choose(request):
    """From a search result: pick which of my draft or published RFQs to invite the supplier to."""
    from suppliers.models import SupplierProfile

    organisation = _buyer_organisation(request)
    if organisation is None:
        return _not_a_buyer(request)
    profile_id = request.POST.get("profile") or request.GET.get("profile") or ""
    profile = None
    if profile_id.isdigit():
        profile = SupplierProfile.objects.select_related("organisation").filter(pk=int(profile_id)).first()
    if profile is None:
        messages.error(request, _("Fournisseur inconnu."))
        return redirect("search:suppliers")
    rfqs = RFQ.objects.filter(buyer=organisation, status__in=[RFQ.Status.DRAFT, RFQ.Status.PUBLISHED]).order_by("-created_at")
    error = ""
    if request.method == "POST":
        rfq = rfqs.filter(reference=request.POST.get("rfq", "")).first()
        if rfq is None:
            error = _("Choisissez une de vos consultations.")
        else:
            form = InviteForm({"profile": str(profile.pk)})
            if form.is_valid() and _invite(request, rfq, form):
                return redirect("rfq:manage", reference=rfq.reference)
            error = " ".join(form.non_field_errors())
    return render(
        request,
        "rfq/buyer/invite_choose.html",
        {"profile": profile, "rfqs": rfqs, "error": error},
        status=400 if error else 200,
    )


# --- Comparison, export and award ----------------------------------------------------------------


def _sealed_redirect(request, rfq: RFQ):
    if rfq.status in (RFQ.Status.DRAFT, RFQ.Status.PUBLISHED):
        messages.warning(request, _("Les offres sont scellées jusqu'à la date limite : aucune comparaison n'est possible avant."))
    else:
        messages.warning(request, _("Ouvrez d'abord les offres pour les comparer."))
    return redirect("rfq:manage", reference=rfq.reference)


def _sort(request) -> str:
    sort = request.GET.get("sort", "total")
    return sort if sort in SORTS else "total"


def _compare_page(request, rfq: RFQ, award_form=None, status=200):
    sort = _sort(request)
    table = comparison.comparison_for(rfq, sort=sort)
    quotes = list(quoting.visible_quotes_for(request.user, rfq.buyer, rfq).select_related("supplier"))
    lots = list(rfq.lots.all())
    return render(
        request,
        "rfq/buyer/compare.html",
        {
            "rfq": rfq,
            "comparison": table,
            "sort": sort,
            "sorts": [("total", _("Total")), ("lead_time", _("Délai")), ("distance", _("Distance")), ("name", _("Nom"))],
            "award_form": award_form or AwardForm(lots=lots, quotes=quotes),
            "can_award": rfq.can_be_awarded(),
        },
        status=status,
    )


@login_required
def compare(request, reference):
    rfq = _buyer_rfq(request, reference)
    if rfq.is_sealed:
        return _sealed_redirect(request, rfq)
    try:
        return _compare_page(request, rfq)
    except RFQError as error:
        return _refused(request, error, "rfq:manage", rfq)


@login_required
def compare_export(request, reference, fmt):
    rfq = _buyer_rfq(request, reference)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    if rfq.is_sealed:
        return _sealed_redirect(request, rfq)
    try:
        content, content_type, filename = comparison.export_comparison(rfq, fmt, sort=_sort(request))
    except RFQError as error:
        return _refused(request, error, "rfq:manage", rfq)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def award(request, reference):
    rfq = _buyer_rfq(request, reference)
    if rfq.is_sealed:
        return _sealed_redirect(request, rfq)
    quotes = list(quoting.visible_quotes_for(request.user, rfq.buyer, rfq).select_related("supplier"))
    form = AwardForm(request.POST, lots=list(rfq.lots.all()), quotes=quotes)
    if form.is_valid():
        try:
            quoting.award(request.user, rfq, form.cleaned_data["decisions"], note=form.cleaned_data["note"])
        except RFQError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Attribution enregistrée ; chaque fournisseur est prévenu."))
            return redirect("rfq:manage", reference=rfq.reference)
    return _compare_page(request, rfq, award_form=form, status=400)
