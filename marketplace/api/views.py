"""Pages where users manage their personal API tokens (« Mon compte › Jetons d'API »)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import services
from .forms import ApiTokenForm
from .models import ApiToken


@login_required
@never_cache
def token_list(request):
    """List the user's tokens; on POST create one and show its secret in this response only."""
    new_token = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.create_token(request.user, form.cleaned_data["name"])
        except services.ApiTokenError as exc:
            form.add_error("name", str(exc))
        else:
            # Rendered, not redirected: the secret must not be kept anywhere (session included).
            new_token = {"token": token, "raw": raw}
            form = ApiTokenForm()
    return render(
        request,
        "api/token_list.html",
        {"form": form, "tokens": request.user.personal_api_tokens.all(), "new_token": new_token},
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    try:
        services.revoke_token(request.user, token)
    except services.ApiTokenError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Le jeton « %(name)s » est révoqué.") % {"name": token.name})
    return redirect("api_tokens:token_list")
