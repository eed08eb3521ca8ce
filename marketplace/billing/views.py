"""The subscription pages of the active organisation: ``/abonnement/`` and ``/abonnement/sieges/``.

Views parse input, call a service and turn ``BillingError`` into a message (``NotAllowed`` into a
403). Only owners and admins of a supplier or cluster organisation reach them. Reading invoices
or the card from Stripe may fail: the page then says so and still renders.
"""
from __future__ import annotations

import logging

import stripe
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .entitlements import entitlements_for
from .forms import CardUpdateForm, PlanChoiceForm, SeatAssignForm, SubscribeForm
from .models import Plan, SeatAssignment
from .services import BillingError, NotAllowed
from .stripe_client import is_configured

logger = logging.getLogger(__name__)


def _organisation_or_403(request):
    organisation = request.organisation or None  # unwraps the lazy "no organisation"
    if organisation is None or not services.may_manage_billing(request.user, organisation):
        raise PermissionDenied
    return organisation


def _run(request, action, success_message):
    try:
        action()
    except NotAllowed:
        raise PermissionDenied from None
    except BillingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success_message)
    return redirect("billing:overview")


@login_required
def overview(request):
    organisation = _organisation_or_403(request)
    context = {
        "organisation": organisation,
        "entitlements": entitlements_for(organisation),
        "subscription": services.subscription_of(organisation),
    }
    if not is_configured():
        return render(request, "billing/not_configured.html", context)
    subscription = context["subscription"]
    has_live = bool(subscription and subscription.stripe_subscription_id and subscription.is_live)
    invoices = card = None
    stripe_unavailable = False
    try:
        invoices = services.invoices_of(organisation)
        card = services.card_of(organisation) if has_live else None
    except stripe.StripeError as error:
        logger.warning("Stripe unavailable for the billing page: %s", type(error).__name__)
        stripe_unavailable = True
    context.update(
        {
            "has_live_subscription": has_live,
            "plans": Plan.objects.for_organisation(organisation),
            "subscribe_form": None if has_live else SubscribeForm(organisation=organisation),
            "change_form": PlanChoiceForm(
                organisation=organisation,
                initial={"plan": subscription.plan_id, "interval": subscription.interval} if has_live else None,
            ),
            "card_form": CardUpdateForm() if has_live else None,
            "invoices": invoices,
            "card": card,
            "stripe_unavailable": stripe_unavailable,
            "stripe_js_url": settings.STRIPE_JS_URL,
            "billing_config": {
                "publishableKey": settings.STRIPE_PUBLISHABLE_KEY,
                "intentUrl": reverse("billing:card_setup_intent"),
                "organisationName": organisation.name,
                "genericError": _("La carte n'a pas pu être vérifiée. Réessayez."),
            },
        }
    )
    return render(request, "billing/overview.html", context)


@login_required
@require_POST
def card_setup_intent(request):
    """JSON for the page's script: the client secret of a new SetupIntent."""
    organisation = _organisation_or_403(request)
    try:
        client_secret = services.start_card_setup(request.user, organisation)
    except NotAllowed:
        raise PermissionDenied from None
    except BillingError as error:
        return JsonResponse({"error": error.message}, status=400)
    return JsonResponse({"client_secret": client_secret})


@login_required
@require_POST
def subscribe(request):
    organisation = _organisation_or_403(request)
    form = SubscribeForm(request.POST, organisation=organisation)
    if not form.is_valid():
        messages.error(request, _("Choisissez une offre et saisissez votre carte."))
        return redirect("billing:overview")
    data = form.cleaned_data
    return _run(
        request,
        lambda: services.subscribe(request.user, organisation, data["plan"], data["interval"], data["setup_intent"]),
        _("Merci ! Votre abonnement « %(plan)s » est actif.") % {"plan": data["plan"].name},
    )


@login_required
@require_POST
def change_plan(request):
    organisation = _organisation_or_403(request)
    form = PlanChoiceForm(request.POST, organisation=organisation)
    if not form.is_valid():
        messages.error(request, _("Choisissez une offre et une périodicité."))
        return redirect("billing:overview")
    data = form.cleaned_data
    return _run(
        request,
        lambda: services.change_plan(request.user, organisation, data["plan"], data["interval"]),
        _("Votre offre est maintenant « %(plan)s ». Le changement est calculé au prorata.") % {"plan": data["plan"].name},
    )


@login_required
@require_POST
def cancel(request):
    organisation = _organisation_or_403(request)
    return _run(
        request,
        lambda: services.cancel_at_period_end(request.user, organisation),
        _("Votre abonnement s'arrêtera à la fin de la période payée."),
    )


@login_required
@require_POST
def resume(request):
    organisation = _organisation_or_403(request)
    return _run(request, lambda: services.resume(request.user, organisation), _("Votre abonnement continue."))


@login_required
@require_POST
def update_card(request):
    organisation = _organisation_or_403(request)
    form = CardUpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Saisissez votre nouvelle carte."))
        return redirect("billing:overview")
    return _run(
        request,
        lambda: services.update_card(request.user, organisation, form.cleaned_data["setup_intent"]),
        _("Votre nouvelle carte est enregistrée."),
    )


@login_required
def seats(request):
    cluster = _organisation_or_403(request)
    if not cluster.is_cluster:
        raise PermissionDenied
    subscription = services.subscription_of(cluster)
    candidates = services.seat_candidates(cluster)
    form = SeatAssignForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_seat(request.user, cluster, form.cleaned_data["supplier"])
        except NotAllowed:
            raise PermissionDenied from None
        except BillingError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Un siège Pro est attribué à « %(name)s ».") % {"name": form.cleaned_data["supplier"].name}
            )
            return redirect("billing:seats")
    assignments = (
        SeatAssignment.objects.filter(sponsorship__organisation=cluster).select_related("supplier", "assigned_by")
        if subscription
        else SeatAssignment.objects.none()
    )
    return render(
        request,
        "billing/seats.html",
        {
            "organisation": cluster,
            "subscription": subscription,
            "assignments": assignments,
            "form": form,
            "seats_total": subscription.seats if subscription and subscription.grants_plan() else 0,
        },
    )


@login_required
@require_POST
def seat_unassign(request, pk):
    cluster = _organisation_or_403(request)
    try:
        services.unassign_seat(request.user, cluster, pk)
    except NotAllowed:
        raise PermissionDenied from None
    except BillingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Le siège est libéré."))
    return redirect("billing:seats")
