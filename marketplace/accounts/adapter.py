"""allauth adapter: after login or sign-up, a user without an organisation is asked to create or join one.

A ``next`` parameter (e.g. an invitation link) still wins: allauth only asks the adapter when
there is none.
"""
from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        user = request.user
        if user.is_authenticated and not user.memberships.exists():
            return reverse("accounts:organisation_start")
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        # Computed at sign-up, before the email is confirmed and the user signed in: a brand new
        # account never has an organisation yet.
        return reverse("accounts:organisation_start")
