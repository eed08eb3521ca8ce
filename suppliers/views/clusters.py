"""Cluster pages: the public directory and cluster pages (/clusters/), the cluster's own profile
and members pages (/cluster/…, for the active cluster organisation), and the supplier's page
answering invitations (/mes-clusters/).

Views parse input and call ``suppliers.clusters``; a ``ClusterError`` becomes a message, a
``NotAllowed`` a 403. The small forms below only shape input; the rules are in the services.
"""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from marketplace.accounts.models import Organisation
from marketplace.geo.models import Region

from .. import clusters, selectors
from ..models import ClusterMembership, ClusterProfile, Sector

Status = ClusterMembership.Status


class ClusterProfileForm(forms.Form):
    description = forms.CharField(
        label=gettext_lazy("Présentation"),
        required=False,
        max_length=clusters.DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    sectors = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Filières"),
        queryset=Sector.objects.all(),
        required=False,
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Région"), queryset=Region.objects.order_by("name"), required=False
    )
    website = forms.URLField(label=gettext_lazy("Site web"), required=False, assume_scheme="https")


class MessageForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Message (facultatif)"),
        required=False,
        max_length=clusters.MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _first_error(form) -> str:
    for errors in form.errors.values():
        return errors[0]
    return _("Le formulaire contient une erreur.")


# --- Public pages --------------------------------------------------------------------------------


def _directory_filters(request) -> tuple[Region | None, Sector | None]:
    """The région (INSEE code) and filière (slug) asked for; an unknown value is ignored with a message."""
    region = sector = None
    region_code = request.GET.get("region", "").strip()
    if region_code:
        region = Region.objects.filter(pk=region_code).first() if len(region_code) <= 2 else None
        if region is None:
            messages.warning(request, _("Région inconnue : filtre ignoré."))
    sector_slug = request.GET.get("filiere", "").strip()
    if sector_slug:
        sector = Sector.objects.filter(slug=sector_slug[:80]).first()
        if sector is None:
            messages.warning(request, _("Filière inconnue : filtre ignoré."))
    return region, sector


def cluster_directory(request):
    region, sector = _directory_filters(request)
    page = Paginator(selectors.cluster_directory(region, sector), selectors.DIRECTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "suppliers/clusters/directory.html",
        {
            "page": page,
            "query": urlencode({k: v for k, v in (("region", region and region.code), ("filiere", sector and sector.slug)) if v}),
            "region": region,
            "sector": sector,
            "regions": Region.objects.order_by("name"),
            "sectors": Sector.objects.order_by("position", "name"),
        },
    )


def cluster_detail(request, slug):
    cluster = selectors.cluster_for_page(slug)
    if cluster is None:
        raise Http404
    members = Paginator(selectors.cluster_member_profiles(cluster.organisation), selectors.DIRECTORY_PAGE_SIZE)
    context = {
        "cluster": cluster,
        "organisation": cluster.organisation,
        "member_count": selectors.cluster_member_count(cluster.organisation),
        "page": members.get_page(request.GET.get("page")),
        "join_form": None,
        "open_membership": None,
    }
    active = request.organisation if request.user.is_authenticated else None
    if active is not None and active.is_supplier and active.pk != cluster.organisation_id:
        context["open_membership"] = ClusterMembership.objects.filter(
            cluster=cluster.organisation, supplier=active, status__in=clusters.OPEN_STATUSES
        ).first()
        if context["open_membership"] is None and clusters.is_manager(request.user, active):
            context["join_form"] = MessageForm()
            context["supplier_organisation"] = active
    return render(request, "suppliers/clusters/detail.html", context)


@login_required
@require_POST
def cluster_join(request, slug):
    cluster = get_object_or_404(ClusterProfile.objects.select_related("organisation"), slug=slug)
    supplier = request.organisation
    if supplier is None or not supplier.is_supplier:
        messages.error(request, _("Choisissez d'abord une organisation fournisseur pour demander l'adhésion."))
        return redirect(cluster.get_absolute_url())
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect(cluster.get_absolute_url())
    try:
        clusters.request_membership(request.user, supplier, cluster.organisation, form.cleaned_data["message"])
    except clusters.NotAllowed:
        raise PermissionDenied from None
    except clusters.ClusterError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Demande d'adhésion envoyée à %(cluster)s ; ses responsables vont y répondre.")
            % {"cluster": cluster.organisation.name},
        )
    return redirect(cluster.get_absolute_url())


# --- The cluster's own pages ---------------------------------------------------------------------


class NotACluster(Exception):
    pass


def _active_cluster(request) -> Organisation:
    organisation = request.organisation
    if organisation is None or not organisation.is_cluster:
        raise NotACluster
    if not clusters.is_manager(request.user, organisation):
        raise PermissionDenied
    return organisation


def cluster_page(view):
    """login_required + the active cluster organisation (managed by the user) as second argument."""

    @login_required
    def wrapped(request, *args, **kwargs):
        try:
            organisation = _active_cluster(request)
        except NotACluster:
            messages.info(
                request,
                _("Ces pages concernent les organisations déclarées comme cluster ou pôle. "
                  "Choisissez ou créez une organisation de ce type."),
            )
            return redirect("accounts:dashboard")
        return view(request, organisation, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@login_required
def cluster_home(request):
    return redirect("suppliers:cluster_members")


@cluster_page
def cluster_profile_edit(request, organisation):
    profile = ClusterProfile.objects.filter(organisation=organisation).first()
    if request.method == "POST":
        form = ClusterProfileForm(request.POST)
        if form.is_valid():
            try:
                profile = clusters.save_cluster_profile(request.user, organisation, form.cleaned_data)
            except clusters.NotAllowed:
                raise PermissionDenied from None
            except clusters.ClusterError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Le profil du cluster est enregistré."))
                return redirect("suppliers:cluster_profile_edit")
    elif profile is not None:
        form = ClusterProfileForm(
            initial={
                "description": profile.description,
                "sectors": list(profile.sectors.all()),
                "region": profile.region_id,
                "website": profile.website,
            }
        )
    else:
        form = ClusterProfileForm(initial={"website": organisation.website})
    return render(
        request,
        "suppliers/clusters/profile_form.html",
        {"form": form, "profile": profile, "cluster_organisation": organisation},
    )


@cluster_page
def cluster_members(request, organisation):
    query = request.GET.get("q", "").strip()[:100]
    results = selectors.search_supplier_organisations(query, exclude_cluster=organisation) if query else []
    open_ids = set(
        ClusterMembership.objects.filter(cluster=organisation, status__in=clusters.OPEN_STATUSES).values_list(
            "supplier_id", flat=True
        )
    )
    memberships = list(selectors.cluster_memberships(organisation))
    return render(
        request,
        "suppliers/clusters/members.html",
        {
            "cluster_organisation": organisation,
            "cluster_profile": ClusterProfile.objects.filter(organisation=organisation).first(),
            "query": query,
            "query_too_short": 0 < len(query) < 2,
            "results": [{"organisation": o, "already": o.pk in open_ids} for o in results],
            "requested": [m for m in memberships if m.status == Status.REQUESTED],
            "invited": [m for m in memberships if m.status == Status.INVITED],
            "active": [m for m in memberships if m.status == Status.ACTIVE],
            "closed": [m for m in memberships if m.status in (Status.REJECTED, Status.ENDED)],
            "invite_form": MessageForm(),
        },
    )


@cluster_page
@require_POST
def cluster_invite(request, organisation):
    supplier_id = request.POST.get("organisation", "")
    supplier = Organisation.objects.filter(pk=supplier_id).first() if supplier_id.isdigit() else None
    form = MessageForm(request.POST)
    if supplier is None:
        messages.error(request, _("Choisissez une entreprise dans les résultats de recherche."))
    elif not form.is_valid():
        messages.error(request, _first_error(form))
    else:
        try:
            clusters.invite_supplier(request.user, organisation, supplier, form.cleaned_data["message"])
        except clusters.NotAllowed:
            raise PermissionDenied from None
        except clusters.ClusterError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(name)s est invitée ; ses responsables reçoivent un e-mail.") % {"name": supplier.name})
    return redirect("suppliers:cluster_members")


CLUSTER_ACTIONS = {
    "approve": (clusters.approve_request, gettext_lazy("%(name)s est maintenant membre du cluster.")),
    "reject": (clusters.reject_request, gettext_lazy("La demande de %(name)s est refusée.")),
    "end": (clusters.end_membership, gettext_lazy("L'adhésion de %(name)s est terminée.")),
    "withdraw": (clusters.end_membership, gettext_lazy("L'invitation de %(name)s est retirée.")),
}


@cluster_page
@require_POST
def cluster_membership_action(request, organisation, pk):
    membership = get_object_or_404(ClusterMembership.objects.select_related("supplier"), pk=pk)
    if membership.cluster_id != organisation.pk:
        raise PermissionDenied
    return _apply_action(request, membership, CLUSTER_ACTIONS, "suppliers:cluster_members", membership.supplier.name)


def _apply_action(request, membership, actions, back: str, name: str):
    action = actions.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Action inconnue."))
        return redirect(back)
    service, success = action
    try:
        service(request.user, membership)
    except clusters.NotAllowed:
        raise PermissionDenied from None
    except clusters.ClusterError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success % {"name": name})
    return redirect(back)


# --- The supplier's page -------------------------------------------------------------------------


SUPPLIER_ACTIONS = {
    "accept": (clusters.accept_invitation, gettext_lazy("Vous êtes maintenant membre de %(name)s.")),
    "decline": (clusters.decline_invitation, gettext_lazy("L'invitation de %(name)s est déclinée.")),
    "leave": (clusters.end_membership, gettext_lazy("Votre adhésion à %(name)s est terminée.")),
    "withdraw": (clusters.end_membership, gettext_lazy("Votre demande d'adhésion à %(name)s est retirée.")),
}


@login_required
def my_clusters(request):
    supplier = request.organisation
    if supplier is None or not supplier.is_supplier:
        messages.info(
            request,
            _("Les adhésions aux clusters concernent les organisations déclarées comme fournisseurs. "
              "Choisissez ou créez une organisation fournisseur."),
        )
        return redirect("accounts:dashboard")
    memberships = list(selectors.supplier_memberships(supplier))
    return render(
        request,
        "suppliers/clusters/my_clusters.html",
        {
            "supplier_organisation": supplier,
            "can_manage": clusters.is_manager(request.user, supplier),
            "invited": [m for m in memberships if m.status == Status.INVITED],
            "requested": [m for m in memberships if m.status == Status.REQUESTED],
            "active": [m for m in memberships if m.status == Status.ACTIVE],
            "closed": [m for m in memberships if m.status in (Status.REJECTED, Status.ENDED)],
        },
    )


@login_required
@require_POST
def my_cluster_action(request, pk):
    membership = get_object_or_404(ClusterMembership.objects.select_related("cluster", "supplier"), pk=pk)
    supplier = request.organisation
    if supplier is None or membership.supplier_id != supplier.pk:
        raise PermissionDenied
    return _apply_action(request, membership, SUPPLIER_ACTIONS, "suppliers:my_clusters", membership.cluster.name)
