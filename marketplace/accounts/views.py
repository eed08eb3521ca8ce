"""Account page, dashboard, organisations, members, invitations and join requests.

Views parse input, call a service and turn its ``OrganisationError`` into a message
(``NotAllowed`` into a 403). They hold no rule of their own beyond "who may see this page".
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import (
    FindOrganisationForm,
    InvitationForm,
    JoinRequestForm,
    OrganisationForm,
    ProfileForm,
    RoleForm,
)
from .models import Invitation, JoinRequest, Membership, Organisation
from .services import NotAllowed, OrganisationError


def _membership_or_403(request, organisation: Organisation, *, manager: bool = False) -> Membership:
    membership = organisation.membership_for(request.user)
    if membership is None or (manager and not membership.can_manage_members):
        raise PermissionDenied
    return membership


# --- Account -------------------------------------------------------------------------------------


@login_required
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.update_profile(user, **form.cleaned_data)
            messages.success(request, _("Votre profil a été enregistré."))
            return redirect("accounts:profile")
    else:
        form = ProfileForm(initial={"first_name": user.first_name, "last_name": user.last_name})
    memberships = user.memberships.select_related("organisation")
    return render(request, "accounts/profile.html", {"form": form, "memberships": memberships})


@login_required
def dashboard(request):
    return render(
        request,
        "accounts/dashboard.html",
        {
            "organisation": request.organisation,
            "membership": request.membership,
            "invitations": services.pending_invitations_for(request.user),
            "memberships": request.user.memberships.select_related("organisation"),
        },
    )


# --- Creating, finding and joining organisations -------------------------------------------------


@login_required
def organisation_start(request):
    """Create an organisation, or find a registered one and ask to join it."""
    if request.method == "POST":
        form = OrganisationForm(request.POST)
        if form.is_valid():
            try:
                organisation = services.create_organisation(request.user, form.organisation_values())
            except services.AlreadyRegistered as error:
                form.existing_organisation = error.organisation
                form.add_error("siret", error.message)
            except OrganisationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, _("L'organisation « %(name)s » est créée ; vous en êtes propriétaire.") % {"name": organisation.name}
                )
                return redirect("accounts:dashboard")
    else:
        form = OrganisationForm()

    find_form = FindOrganisationForm(request.GET if "identifiant" in request.GET else None)
    matches = find_form.matching_organisations() if find_form.is_bound and find_form.is_valid() else None
    return render(
        request,
        "accounts/organisation_start.html",
        {
            "form": form,
            "find_form": find_form,
            "matches": matches,
            "invitations": services.pending_invitations_for(request.user),
            "join_requests": request.user.join_requests.filter(status=JoinRequest.Status.PENDING).select_related("organisation"),
        },
    )


@login_required
def join_request_create(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    if organisation.membership_for(request.user):
        messages.info(request, _("Vous êtes déjà membre de cette organisation."))
        return redirect(organisation)
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_to_join(request.user, organisation, form.cleaned_data["message"])
        except OrganisationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Votre demande a été envoyée aux administrateurs de « %(name)s ». Vous recevrez un e-mail avec leur réponse.")
                % {"name": organisation.name},
            )
            return redirect("accounts:organisation_start")
    return render(request, "accounts/join_request.html", {"organisation": organisation, "form": form})


@login_required
@require_POST
def join_request_decide(request, slug, pk, decision):
    if decision not in ("accepter", "refuser"):
        raise Http404
    organisation = get_object_or_404(Organisation, slug=slug)
    _membership_or_403(request, organisation, manager=True)
    join_request = get_object_or_404(JoinRequest, pk=pk, organisation=organisation)
    try:
        if decision == "accepter":
            services.approve_join_request(request.user, join_request)
            messages.success(request, _("%(user)s a rejoint l'organisation.") % {"user": join_request.user.display_name})
        else:
            services.reject_join_request(request.user, join_request)
            messages.success(request, _("La demande de %(user)s est refusée.") % {"user": join_request.user.display_name})
    except NotAllowed:
        raise PermissionDenied from None
    except OrganisationError as error:
        messages.error(request, error.message)
    return redirect("accounts:members", slug=organisation.slug)


# --- One organisation ----------------------------------------------------------------------------


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation.objects.select_related("commune", "naf_code"), slug=slug)
    return render(
        request,
        "accounts/organisation_detail.html",
        {"organisation": organisation, "membership": organisation.membership_for(request.user)},
    )


@login_required
def organisation_edit(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    _membership_or_403(request, organisation, manager=True)
    if request.method == "POST":
        form = OrganisationForm(request.POST, organisation=organisation)
        if form.is_valid():
            try:
                services.update_organisation(request.user, organisation, form.organisation_values())
            except NotAllowed:
                raise PermissionDenied from None
            except services.AlreadyRegistered as error:
                form.existing_organisation = error.organisation
                form.add_error("siret", error.message)
            except OrganisationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Les informations de l'organisation sont enregistrées."))
                return redirect(organisation)
    else:
        form = OrganisationForm(organisation=organisation)
    return render(request, "accounts/organisation_edit.html", {"organisation": organisation, "form": form})


@login_required
@require_POST
def organisation_switch(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    try:
        services.switch_organisation(request.user, organisation)
    except NotAllowed:
        raise PermissionDenied from None
    messages.success(request, _("Vous travaillez maintenant pour « %(name)s ».") % {"name": organisation.name})
    return redirect("accounts:dashboard")


@login_required
@require_POST
def organisation_leave(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    _membership_or_403(request, organisation)
    try:
        services.leave_organisation(request.user, organisation)
    except OrganisationError as error:
        messages.error(request, error.message)
        return redirect("accounts:members", slug=organisation.slug)
    messages.success(request, _("Vous avez quitté « %(name)s ».") % {"name": organisation.name})
    return redirect("accounts:dashboard")


# --- Members and invitations ---------------------------------------------------------------------


def _members_page(request, organisation, membership, *, invitation_form=None):
    manager = membership.can_manage_members
    context = {
        "organisation": organisation,
        "membership": membership,
        "memberships": organisation.memberships.select_related("user").order_by("user__email"),
        "role_choices": Membership.Role.choices,
        "invitation_form": invitation_form or (InvitationForm(inviter=membership) if manager else None),
        "invitations": [i for i in organisation.invitations.select_related("invited_by") if i.status == Invitation.Status.PENDING]
        if manager
        else [],
        "join_requests": organisation.join_requests.filter(status=JoinRequest.Status.PENDING).select_related("user")
        if manager
        else [],
    }
    return render(request, "accounts/members.html", context)


@login_required
def members(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    membership = _membership_or_403(request, organisation)
    return _members_page(request, organisation, membership)


@login_required
@require_POST
def member_invite(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    membership = _membership_or_403(request, organisation, manager=True)
    form = InvitationForm(request.POST, inviter=membership)
    if form.is_valid():
        try:
            invitation = services.invite_member(request.user, organisation, form.cleaned_data["email"], form.cleaned_data["role"])
        except NotAllowed:
            raise PermissionDenied from None
        except OrganisationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": invitation.email})
            return redirect("accounts:members", slug=organisation.slug)
    return _members_page(request, organisation, membership, invitation_form=form)


@login_required
@require_POST
def invitation_revoke(request, slug, pk):
    organisation = get_object_or_404(Organisation, slug=slug)
    _membership_or_403(request, organisation, manager=True)
    invitation = get_object_or_404(Invitation, pk=pk, organisation=organisation)
    try:
        services.revoke_invitation(request.user, invitation)
    except NotAllowed:
        raise PermissionDenied from None
    except OrganisationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("L'invitation de %(email)s est révoquée.") % {"email": invitation.email})
    return redirect("accounts:members", slug=organisation.slug)


@login_required
@require_POST
def member_role(request, slug, pk):
    organisation = get_object_or_404(Organisation, slug=slug)
    _membership_or_403(request, organisation, manager=True)
    target = get_object_or_404(Membership, pk=pk, organisation=organisation)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un rôle valide."))
        return redirect("accounts:members", slug=organisation.slug)
    try:
        services.change_role(request.user, target, form.cleaned_data["role"])
    except OrganisationError as error:
        # Role rules (an admin touching an owner, the last owner) are explained, not a bare 403:
        # the page offered the control, the user deserves to know why it did nothing.
        messages.error(request, error.message)
    else:
        messages.success(request, _("Le rôle de %(user)s est modifié.") % {"user": target.user.display_name})
    return redirect("accounts:members", slug=organisation.slug)


@login_required
@require_POST
def ownership_transfer(request, slug, pk):
    organisation = get_object_or_404(Organisation, slug=slug)
    _membership_or_403(request, organisation, manager=True)
    target = get_object_or_404(Membership, pk=pk, organisation=organisation)
    try:
        services.transfer_ownership(request.user, target)
    except OrganisationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(user)s est maintenant propriétaire ; vous restez administrateur.") % {"user": target.user.display_name},
        )
    return redirect("accounts:members", slug=organisation.slug)


@login_required
@require_POST
def member_remove(request, slug, pk):
    organisation = get_object_or_404(Organisation, slug=slug)
    _membership_or_403(request, organisation)
    target = get_object_or_404(Membership, pk=pk, organisation=organisation)
    try:
        services.remove_member(request.user, target)
    except OrganisationError as error:
        messages.error(request, error.message)
        return redirect("accounts:members", slug=organisation.slug)
    if target.user_id == request.user.pk:
        messages.success(request, _("Vous avez quitté « %(name)s ».") % {"name": organisation.name})
        return redirect("accounts:dashboard")
    messages.success(request, _("%(user)s ne fait plus partie de l'organisation.") % {"user": target.user.display_name})
    return redirect("accounts:members", slug=organisation.slug)


def invitation_accept(request, token):
    invitation = get_object_or_404(Invitation.objects.select_related("organisation", "invited_by"), token=token)
    if not request.user.is_authenticated:
        messages.info(
            request,
            _("Connectez-vous, ou créez votre compte avec l'adresse %(email)s, pour accepter l'invitation de « %(name)s ».")
            % {"email": invitation.email, "name": invitation.organisation.name},
        )
        return redirect_to_login(request.get_full_path())
    problem = services.invitation_problem(request.user, invitation)
    if request.method == "POST":
        try:
            services.accept_invitation(request.user, invitation)
        except OrganisationError as error:
            problem = error.message
        else:
            messages.success(request, _("Bienvenue dans « %(name)s » !") % {"name": invitation.organisation.name})
            return redirect("accounts:dashboard")
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation, "problem": problem})
