"""Look-ups over the reference data used by every form and API that takes an address.

- ``validate_postal_code(code)``: the normalised 5-digit code, or ``LocationError``.
- ``communes_for_postal_code(code)``: every commune a postal code serves (may be several).
- ``resolve_location(postal_code=..., insee=...)``: the one ``Commune`` meant by a postal code
  and/or an INSEE code, or ``LocationError`` with a translated message saying what is wrong.
- ``haversine_km(...)``: great-circle distance, for "suppliers within N km" filters.

Paris, Lyon and Marseille postal codes serve both the city (``kind=COM``) and one of its
arrondissements (``kind=ARM``, ``parent`` = the city). A postal code alone resolves to the
arrondissement, the more precise place; ``commune.parent`` gives the city back.
"""
from __future__ import annotations

import math
import re

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .models import Commune

POSTAL_CODE_RE = re.compile(r"^\d{5}$")
# Corsica's communes are numbered 2A001… and 2B001…; its postal codes stay numeric (20xxx).
INSEE_CODE_RE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
EARTH_RADIUS_KM = 6371.0088


class LocationError(Exception):
    """A postal code or INSEE code that does not designate exactly one commune.

    ``field`` names the input at fault (``"postal_code"`` or ``"insee"``) so that forms attach
    the message to the right field; ``code`` is a stable machine-readable reason;
    ``candidates`` lists the communes on offer when the postal code is ambiguous.
    """

    def __init__(self, message: str, *, code: str, field: str, candidates: list[Commune] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.candidates = candidates or []


def normalize_postal_code(postal_code: str | None) -> str:
    """Strip surrounding and inner spaces, the usual typing variations (« 69 100 »)."""
    return re.sub(r"\s+", "", postal_code or "")


def normalize_insee_code(insee: str | None) -> str:
    return (insee or "").strip().upper()


def is_valid_postal_code(postal_code: str | None) -> bool:
    return bool(POSTAL_CODE_RE.match(normalize_postal_code(postal_code)))


def validate_postal_code(postal_code: str | None) -> str:
    """Return the normalised postal code, or raise ``LocationError`` if it is not 5 digits.

    Says nothing about whether the code exists: see ``communes_for_postal_code``.
    """
    code = normalize_postal_code(postal_code)
    if not code:
        raise LocationError(_("Indiquez un code postal."), code="missing_postal_code", field="postal_code")
    if not POSTAL_CODE_RE.match(code):
        raise LocationError(
            _("« %(code)s » n'est pas un code postal valide : il doit comporter 5 chiffres.") % {"code": code},
            code="malformed_postal_code",
            field="postal_code",
        )
    return code


def communes_for_postal_code(postal_code: str) -> QuerySet[Commune]:
    """Communes served by a postal code (several communes may share one), by name."""
    code = (postal_code or "").strip()
    return (
        Commune.objects.filter(postal_codes__code=code)
        .select_related("departement", "region")
        .order_by("name")
        .distinct()
    )


def preferred_commune(candidates: list[Commune]) -> Commune | None:
    """The commune a postal code designates on its own, or ``None`` when the user must choose.

    A city listed next to one of its own arrondissements (75001: Paris and Paris 1er) is not a
    real choice: the arrondissement is the more precise answer.
    """
    parents = {c.parent_id for c in candidates if c.parent_id}
    remaining = [c for c in candidates if c.insee not in parents]
    return remaining[0] if len(remaining) == 1 else None


def resolve_location(postal_code: str | None = None, insee: str | None = None) -> Commune:
    """Return the commune designated by a postal code, an INSEE code, or both.

    With both, the INSEE code picks among the communes the postal code serves. Raises
    ``LocationError`` when the input is malformed, unknown, ambiguous or inconsistent.
    """
    code = normalize_postal_code(postal_code)
    insee_code = normalize_insee_code(insee)
    if not code and not insee_code:
        raise LocationError(
            _("Indiquez un code postal ou un code INSEE."), code="missing", field="postal_code"
        )

    commune = None
    if insee_code:
        commune = _commune_by_insee(insee_code)
        if not code:
            return commune

    validate_postal_code(code)
    candidates = list(communes_for_postal_code(code))
    if not candidates:
        raise LocationError(
            _("Le code postal %(code)s ne correspond à aucune commune.") % {"code": code},
            code="unknown_postal_code",
            field="postal_code",
        )

    if commune is not None:
        if commune.insee not in {c.insee for c in candidates}:
            raise LocationError(
                _("La commune %(commune)s n'est pas desservie par le code postal %(code)s.")
                % {"commune": commune.name, "code": code},
                code="postal_code_mismatch",
                field="insee",
                candidates=candidates,
            )
        return commune

    chosen = preferred_commune(candidates)
    if chosen is None:
        raise LocationError(
            _("Le code postal %(code)s dessert plusieurs communes (%(communes)s) : précisez laquelle.")
            % {"code": code, "communes": ", ".join(c.name for c in candidates)},
            code="ambiguous_postal_code",
            field="insee",
            candidates=candidates,
        )
    return chosen


def _commune_by_insee(insee_code: str) -> Commune:
    if not INSEE_CODE_RE.match(insee_code):
        raise LocationError(
            _("« %(code)s » n'est pas un code INSEE de commune valide.") % {"code": insee_code},
            code="malformed_insee",
            field="insee",
        )
    try:
        return Commune.objects.select_related("departement", "region", "parent").get(insee=insee_code)
    except Commune.DoesNotExist:
        raise LocationError(
            _("Le code INSEE %(code)s ne correspond à aucune commune.") % {"code": insee_code},
            code="unknown_insee",
            field="insee",
        ) from None


KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180
# Bounding boxes are widened a little so that a point exactly on the circle is never cut by the
# rounding of the box; the exact haversine test comes after.
BBOX_MARGIN_KM = 0.5


def bounding_box(latitude: float, longitude: float, radius_km: float):
    """Latitude and longitude ranges around a point that hold every point within ``radius_km``
    (plus :data:`BBOX_MARGIN_KM`), for an indexed prefilter. The longitude range is None where
    the box would cross the antimeridian or span every longitude: latitude alone filters there."""
    d_lat = (radius_km + BBOX_MARGIN_KM) / KM_PER_DEGREE
    d_lng = d_lat / math.cos(math.radians(min(89.9, abs(latitude) + d_lat)))
    low, high = longitude - d_lng, longitude + d_lng
    lng_range = (low, high) if d_lng < 180 and low >= -180 and high <= 180 else None
    return (latitude - d_lat, latitude + d_lat), lng_range


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in kilometres between two WGS84 points (mean Earth radius)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lng2 - lng1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
