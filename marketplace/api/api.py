"""The public JSON API (django-ninja). OpenAPI docs at /api/docs."""
from ninja import NinjaAPI

api = NinjaAPI(
    title="Production en France — API",
    version="1.0",
    description="API publique de la place de marché : fournisseurs, demandes de devis, devis.",
    urls_namespace="api",
)
