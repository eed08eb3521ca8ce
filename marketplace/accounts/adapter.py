"""allauth adapter: after login or sign-up, a user without an organisation is asked to create or join one."""
from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        user = request.user
        if user.is_authenticated and not user.memberships.exists():
            return reverse("accounts:organisation_start")
        return super().get_login_redirect_url(request)
