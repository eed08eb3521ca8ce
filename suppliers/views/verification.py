"""The staff verification queue at /staff/verifications/: pending profiles with the organisation
data to check, and the verify / reject / revoke actions (``suppliers.verification``).

Anonymous visitors are sent to the login page; signed-in users who are not staff get a 403.
"""
from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .. import selectors, verification
from ..models import SupplierProfile

Verification = SupplierProfile.Verification
QUEUE_PAGE_SIZE = 50

# The lists staff can open, by the value of ?statut=.
TABS = (
    (Verification.PENDING, gettext_lazy("En attente")),
    (Verification.VERIFIED, gettext_lazy("Vérifiés")),
    (Verification.REJECTED, gettext_lazy("Refusés")),
)

ACTIONS = {
    "verify": verification.verify,
    "reject": verification.reject,
    "revoke": verification.revoke,
}

SUCCESS_MESSAGES = {
    "verify": gettext_lazy("« %(name)s » est maintenant vérifié."),
    "reject": gettext_lazy("La demande de « %(name)s » est refusée ; l'entreprise en est informée."),
    "revoke": gettext_lazy("« %(name)s » n'est plus vérifié ; l'entreprise en est informée."),
}


def staff_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@staff_required
def queue(request):
    status = request.GET.get("statut") or Verification.PENDING
    if status not in dict(TABS):
        messages.warning(request, _("Liste inconnue : les demandes en attente sont affichées."))
        status = Verification.PENDING
    page = Paginator(selectors.verification_queue(status), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "profile": profile,
            "organisation": profile.organisation,
            "siret_is_valid": verification.siret_is_valid(profile.organisation.siret),
            "last_decision": next(iter(profile.verification_decisions.all()), None),
        }
        for profile in page
    ]
    return render(
        request,
        "suppliers/staff/verifications.html",
        {"tabs": TABS, "status": status, "page": page, "rows": rows},
    )


@staff_required
@require_POST
def decide(request, pk):
    profile = get_object_or_404(SupplierProfile.objects.select_related("organisation"), pk=pk)
    action = request.POST.get("action", "")
    back = reverse("suppliers:staff_verifications")
    status = request.POST.get("statut", "")
    if status in dict(TABS):
        back = f"{back}?{urlencode({'statut': status})}"
    service = ACTIONS.get(action)
    if service is None:
        messages.error(request, _("Action inconnue."))
        return redirect(back)
    try:
        service(request.user, profile, request.POST.get("reason", ""))
    except verification.NotAllowed:
        raise PermissionDenied from None
    except verification.VerificationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, SUCCESS_MESSAGES[action] % {"name": profile.organisation.name})
    return redirect(back)
