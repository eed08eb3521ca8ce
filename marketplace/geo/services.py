"""Look-ups over the reference data used by every form and API that takes an address."""
from __future__ import annotations

from django.db.models import QuerySet

from .models import Commune


def communes_for_postal_code(postal_code: str) -> QuerySet[Commune]:
    """Communes served by a postal code (several communes may share one), by name."""
    code = (postal_code or "").strip()
    return (
        Commune.objects.filter(postal_codes__code=code)
        .select_related("departement", "region")
        .order_by("name")
        .distinct()
    )
