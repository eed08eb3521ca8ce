"""The public JSON API (django-ninja), mounted at /api/. OpenAPI docs at /api/docs.

Apps expose a ``router`` in their own ``api.py``; it is mounted here. Authentication is
chosen per router or operation from :mod:`marketplace.api.auth`. Errors follow the
contract in :mod:`marketplace.api.errors` (JSON ``{"detail": ...}``, 4xx, never a traceback).
"""
from django.urls import path
from ninja import NinjaAPI

from . import errors
from marketplace.geo.api import router as geo_router
from rfq.api import router as rfq_router
from search.api import router as search_router
from suppliers.api import router as suppliers_router

from .account import router as account_router


class MarketplaceAPI(NinjaAPI):
    """NinjaAPI whose URLconf answers JSON for the API root, unknown paths and wrong methods too."""

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        unknown_path = errors.unknown_path_view(self)
        # ninja's root view raises a bare Http404, which Django would render as an HTML page.
        patterns = [p for p in patterns if getattr(p, "name", None) != "api-root"]
        for pattern in patterns:
            pattern.callback = errors.json_method_not_allowed(self, pattern.callback)
        # The catch-all comes last so that every router, wherever it is added, matches first.
        patterns += [
            path("", unknown_path, name="api-root"),
            path("<path:rest>", unknown_path, name="unknown-path"),
        ]
        return patterns, app_name, namespace


api = MarketplaceAPI(
    title="Production en France — API",
    version="1.0",
    description=(
        "API publique de la place de marché : fournisseurs, demandes de devis, devis.\n\n"
        "Authentification : `Authorization: Bearer <jeton>`, avec un jeton personnel créé "
        "depuis « Mon compte › Jetons d'API ». Les erreurs sont en JSON : `{\"detail\": \"…\"}`."
    ),
    urls_namespace="api",
)
errors.install(api)

api.add_router("", account_router)
api.add_router("/geo/", geo_router)
api.add_router("", search_router)  # before suppliers: /suppliers/search must win over /suppliers/{id}
api.add_router("", suppliers_router)
api.add_router("/rfqs", rfq_router)
