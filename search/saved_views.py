"""Saved searches: ``/recherches-enregistrees/`` lists the signed-in user's own, with delete and
an alerts switch; the search page's « Enregistrer cette recherche » form and the RFQ-alert form
post here. Thin views: :mod:`search.alerts` does the work and refuses bad input with a
translated ``SavedSearchError``, shown as a message (never a 500). Other users' rows are 404.
"""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import alerts
from .models import SavedSearch

RFQ_ALERT_FIELDS = ("q", "sector", "skill", "material", "department", "postal_code", "radius_km")


def _organisation(request):
    return getattr(request, "organisation", None)


@login_required
def saved_list(request):
    from suppliers.models import Sector, Skill

    rows = SavedSearch.objects.filter(user=request.user).select_related("organisation")
    organisation = _organisation(request)
    context = {
        "rows": [{"saved": row, "url": _run_url(row)} for row in rows],
        "can_create_alert": bool(organisation and organisation.is_supplier),
        "sectors": Sector.objects.all(),
        "skills": Skill.objects.exclude(name="").order_by("name"),
    }
    return render(request, "search/saved/list.html", context)


def _run_url(saved: SavedSearch) -> str:
    if saved.kind != SavedSearch.Kind.SUPPLIERS:
        return ""
    return reverse("search:suppliers") + "?" + urlencode(saved.query, doseq=True)


@login_required
@require_POST
def saved_create(request):
    kind = request.POST.get("kind") or SavedSearch.Kind.SUPPLIERS
    if kind == SavedSearch.Kind.RFQS:
        params = QueryDict(mutable=True)
        for name in RFQ_ALERT_FIELDS:
            params.setlist(name, request.POST.getlist(name))
    else:
        params = QueryDict(request.POST.get("query", "")[:4000])
    organisation = _organisation(request)
    try:
        alerts.save_search(request.user, name=request.POST.get("name", ""), kind=kind, params=params,
                           organisation=organisation if organisation else None)
    except alerts.SavedSearchError as exc:
        messages.error(request, exc.message)
        if kind == SavedSearch.Kind.SUPPLIERS:
            return redirect(reverse("search:suppliers") + "?" + params.urlencode())
        return redirect("search:saved_list")
    messages.success(request, _("Recherche enregistrée."))
    return redirect("search:saved_list")


@login_required
@require_POST
def saved_delete(request, pk: int):
    saved = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    alerts.delete_saved_search(request.user, saved)
    messages.success(request, _("Recherche « %(name)s » supprimée.") % {"name": saved.name})
    return redirect("search:saved_list")


@login_required
@require_POST
def saved_alerts(request, pk: int):
    saved = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    enabled = request.POST.get("enabled") == "1"
    try:
        alerts.set_alerts(request.user, saved, enabled)
    except alerts.SavedSearchError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Alertes activées.") if enabled else _("Alertes désactivées."))
    return redirect("search:saved_list")
