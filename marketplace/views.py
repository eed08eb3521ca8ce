"""Site-wide views: health check and friendly error pages."""
import logging

from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

from marketplace.security import log_denial

logger = logging.getLogger("marketplace")


@never_cache
def healthz(request):
    """Liveness and database readiness, for load balancers and `make run`."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not ready"
        logger.exception("healthz: database unavailable")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


# The 403 and 404 pages use the full site shell, whose forms (language switch, logout) need a
# CSRF token even when the failing view never asked for one.
@requires_csrf_token
def error_403(request, exception=None):
    log_denial(request, 403)
    return render(request, "403.html", status=403)


@requires_csrf_token
def error_404(request, exception=None):
    log_denial(request, 404)
    return render(request, "404.html", status=404)


def error_500(request):
    """Rendered without the request: the failure may come from a context processor or the database."""
    return HttpResponseServerError(loader.get_template("500.html").render())
