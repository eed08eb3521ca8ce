"""The supplier's RFQ dashboard at /consultations/tableau-de-bord/: RFQs matching its profile,
its invitations, its quotes with their outcome and debrief, and the coming deadlines.

The public pages (list, detail, NDA, questions, downloads) live in :mod:`rfq.views.public`,
the quote form in :mod:`rfq.views.quotes`, the conversations in :mod:`rfq.views.messages`.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from search.matching import match_rfqs_for_supplier

from marketplace.billing.entitlements import entitlements_for

from .. import selectors
from .common import active_organisation

MATCHING_LIMIT = 20


@login_required
def supplier_dashboard(request):
    organisation = active_organisation(request)
    if organisation is None or not organisation.is_supplier:
        messages.info(
            request,
            _("Le tableau de bord des consultations concerne les organisations fournisseurs. "
              "Choisissez ou créez une organisation fournisseur."),
        )
        return redirect("rfq:list")
    dashboard = selectors.supplier_dashboard(organisation)
    # Quote analytics are a Pro feature (docs/BILLING.md); Free suppliers see what Pro adds.
    entitlements = entitlements_for(organisation)
    return render(
        request,
        "rfq/supplier/dashboard.html",
        {
            "organisation": organisation,
            "matching": match_rfqs_for_supplier(organisation, limit=MATCHING_LIMIT),
            "invitations": dashboard.invitations,
            "quotes": dashboard.quotes,
            "deadlines": dashboard.deadlines,
            "analytics": selectors.quote_analytics(organisation) if entitlements.analytics else None,
        },
    )
