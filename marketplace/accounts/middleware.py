"""Request-level account concerns: the active organisation, and MFA before any admin."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

ADMIN_PREFIXES = ("/cms-admin/", "/django-admin/")


def get_active_membership(user):
    """The membership of the organisation the user works as, or None.

    Uses ``user.active_organisation`` when the user still belongs to it, else the oldest membership.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    memberships = user.memberships.select_related("organisation").order_by("created_at", "id")
    if user.active_organisation_id:
        for membership in memberships:
            if membership.organisation_id == user.active_organisation_id:
                return membership
    return memberships.first()


class ActiveOrganisationMiddleware:
    """Sets ``request.membership`` and ``request.organisation`` (lazily, None when there is none)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        membership = SimpleLazyObject(lambda: get_active_membership(request.user))
        request.membership = membership
        request.organisation = SimpleLazyObject(
            lambda: membership.organisation if membership else None
        )
        return self.get_response(request)


def user_has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def may_use_admin(user, path: str) -> bool:
    """Whether the admin at ``path`` would let this signed-in user in at all."""
    if path.startswith("/django-admin/"):
        return user.is_active and user.is_staff
    return user.has_perm("wagtailadmin.access_admin")


class AdminRequiresMFAMiddleware:
    """Staff and CMS users must have turned on two-factor authentication to reach an admin.

    A signed-in user the admin would refuse gets a 403 here: both admins would otherwise send
    them to their login page, which redirects to allauth's, which sends a signed-in user
    straight back — a redirect loop.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(ADMIN_PREFIXES):
            user = request.user
            if user.is_authenticated and not may_use_admin(user, request.path):
                raise PermissionDenied
            if user.is_authenticated and not user_has_mfa(user):
                messages.warning(
                    request,
                    _("L'administration exige la double authentification. Activez-la pour continuer."),
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)
