"""What a supplier search asks for: ``SupplierQuery``, and the parser that builds one from request
parameters (the API and the search page share it, so they accept and reject the same input).

``SupplierQuery`` checks its own ranges on construction (page, page size, radius, sort, text
length); :func:`parse_supplier_query` also checks that every filter value names something that
exists (a sector slug, a région code, …) and resolves a postal code / INSEE code / lat+lng into
a point. Every problem raises ``SearchQueryError`` with a translated message and the name of the
parameter at fault.

Multi-valued filters are OR-ed within one facet and AND-ed across facets. Skill filters include
sub-skills: documents carry their skills' ancestors (see :mod:`search.documents`), so a filter on
« usinage » matches a « tournage » profile.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from django.core.cache import cache
from django.utils.translation import gettext as _

from marketplace.geo.services import LocationError, normalize_postal_code, resolve_location

SORTS = ("relevance", "distance", "name")
MAX_TEXT_LENGTH = 500
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_RADIUS_KM = 1000.0
TRUE_VALUES = {"1", "true", "on", "yes", "oui"}
FALSE_VALUES = {"", "0", "false", "off", "no", "non"}


class SearchQueryError(ValueError):
    """Invalid search input. ``param`` names the request parameter at fault; the message is translated."""

    def __init__(self, message: str, *, param: str = ""):
        super().__init__(message)
        self.message = message
        self.param = param


@dataclass(frozen=True)
class GeoPoint:
    latitude: float
    longitude: float
    label: str = ""


@dataclass(frozen=True)
class SupplierQuery:
    """A validated supplier search. Filter fields hold slugs (codes for régions and départements)."""

    text: str = ""
    sectors: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    departements: tuple[str, ...] = ()
    headcount_bands: tuple[str, ...] = ()
    batch_sizes: tuple[str, ...] = ()
    verified_only: bool = False
    location: GeoPoint | None = None
    radius_km: float | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    facets: bool = True

    def __post_init__(self):
        object.__setattr__(self, "text", (self.text or "").strip())
        for name in ("sectors", "skills", "materials", "certifications", "regions", "departements",
                     "headcount_bands", "batch_sizes"):
            object.__setattr__(self, name, tuple(dict.fromkeys(v for v in getattr(self, name) if v)))
        if len(self.text) > MAX_TEXT_LENGTH:
            raise SearchQueryError(
                _("La recherche ne doit pas dépasser %(max)d caractères.") % {"max": MAX_TEXT_LENGTH}, param="q"
            )
        if self.radius_km is not None:
            if not 0 < self.radius_km <= MAX_RADIUS_KM:
                raise SearchQueryError(
                    _("Le rayon doit être compris entre 0 et %(max)d km.") % {"max": MAX_RADIUS_KM}, param="radius_km"
                )
            if self.location is None:
                raise SearchQueryError(
                    _("Un rayon de recherche demande un lieu : indiquez un code postal, un code INSEE ou des coordonnées."),
                    param="radius_km",
                )
        if self.sort not in SORTS:
            raise SearchQueryError(
                _("Tri inconnu « %(sort)s » : choisissez parmi %(choices)s.") % {"sort": self.sort, "choices": ", ".join(SORTS)},
                param="sort",
            )
        if self.sort == "distance" and self.location is None:
            raise SearchQueryError(
                _("Le tri par distance demande un lieu : indiquez un code postal, un code INSEE ou des coordonnées."),
                param="sort",
            )
        if self.page < 1:
            raise SearchQueryError(_("Le numéro de page doit être supérieur ou égal à 1."), param="page")
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise SearchQueryError(
                _("La taille de page doit être comprise entre 1 et %(max)d.") % {"max": MAX_PAGE_SIZE}, param="page_size"
            )

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    @property
    def has_filters(self) -> bool:
        return bool(
            self.sectors or self.skills or self.materials or self.certifications or self.regions
            or self.departements or self.headcount_bands or self.batch_sizes or self.verified_only
            or self.radius_km is not None
        )

    def term_filters(self) -> dict[str, tuple[str, ...]]:
        """Facet name → accepted values, for the filters stored as document terms."""
        filters = {
            "sector": self.sectors,
            "skill": self.skills,
            "material": self.materials,
            "certification": self.certifications,
            "region": self.regions,
            "departement": self.departements,
            "headcount": self.headcount_bands,
            "batch": self.batch_sizes,
        }
        return {facet: values for facet, values in filters.items() if values}


# Request parameter → (SupplierQuery field, reference model look-up). Aliases share a field.
FILTER_PARAMS = {
    "sector": "sectors",
    "skill": "skills",
    "material": "materials",
    "certification": "certifications",
    "region": "regions",
    "department": "departements",
    "departement": "departements",
    "headcount": "headcount_bands",
    "batch_size": "batch_sizes",
}


@dataclass
class _Params:
    data: Mapping
    values: dict = field(default_factory=dict)

    def get(self, *names: str) -> str:
        for name in names:
            values = self.list(name)
            if values:
                return values[-1]
        return ""

    def list(self, name: str) -> list[str]:
        if hasattr(self.data, "getlist"):
            raw = self.data.getlist(name)
        else:
            raw = self.data.get(name, [])
            raw = raw if isinstance(raw, (list, tuple)) else [raw]
        return [str(v).strip() for v in raw if v is not None and str(v).strip() != ""]


def parse_supplier_query(data: Mapping, *, facets: bool = True) -> SupplierQuery:
    """Build a ``SupplierQuery`` from request parameters (a QueryDict, or a dict of lists).

    Parameters: ``q``, ``postal_code``, ``insee``, ``lat``, ``lng``, ``radius_km`` (alias
    ``radius``), ``sector``, ``skill``, ``material``, ``certification``, ``region``,
    ``department`` (alias ``departement``), ``headcount``, ``batch_size``, ``verified``, ``sort``,
    ``page``, ``page_size``; filters repeat to select several values.
    """
    params = _Params(data)
    filters: dict[str, list[str]] = {}
    for param, attribute in FILTER_PARAMS.items():
        values = params.list(param)
        if values:
            _check_known(param, values)
            filters.setdefault(attribute, []).extend(values)

    location = _location(params)
    radius = _number(params.get("radius_km", "radius"), "radius_km", _("Le rayon doit être un nombre de kilomètres."))
    return SupplierQuery(
        text=params.get("q"),
        **{attribute: tuple(values) for attribute, values in filters.items()},
        verified_only=_boolean(params.get("verified"), "verified"),
        location=location,
        radius_km=radius,
        sort=params.get("sort") or "relevance",
        page=_integer(params.get("page"), "page", 1),
        page_size=_integer(params.get("page_size"), "page_size", DEFAULT_PAGE_SIZE),
        facets=facets,
    )


def _known_values(param: str, values: list[str]) -> set[str]:
    from marketplace.geo.models import Departement, Region
    from suppliers.models import BatchSize, CertificationType, HeadcountBand, Material, Sector, Skill

    if param == "headcount":
        return set(HeadcountBand.values)
    if param == "batch_size":
        return set(BatchSize.values)
    model, key = {
        "sector": (Sector, "slug"),
        "skill": (Skill, "slug"),
        "material": (Material, "slug"),
        "certification": (CertificationType, "slug"),
        "region": (Region, "code"),
        "department": (Departement, "code"),
        "departement": (Departement, "code"),
    }[param]
    return set(model.objects.filter(**{f"{key}__in": values}).values_list(key, flat=True))


def _check_known(param: str, values: list[str]) -> None:
    unknown = [v for v in values if v not in _known_values(param, values)]
    if unknown:
        raise SearchQueryError(
            _("Valeur inconnue pour le filtre « %(param)s » : %(values)s.") % {"param": param, "values": ", ".join(unknown)},
            param=param,
        )


def _location(params: _Params) -> GeoPoint | None:
    postal_code, insee = params.get("postal_code"), params.get("insee")
    lat, lng = params.get("lat"), params.get("lng")
    if postal_code or insee:
        return _commune_point(postal_code, insee)
    if lat or lng:
        if not (lat and lng):
            raise SearchQueryError(_("Indiquez à la fois la latitude (lat) et la longitude (lng)."), param="lat" if not lat else "lng")
        latitude = _number(lat, "lat", _("La latitude doit être un nombre."))
        longitude = _number(lng, "lng", _("La longitude doit être un nombre."))
        if not -90 <= latitude <= 90:
            raise SearchQueryError(_("La latitude doit être comprise entre -90 et 90."), param="lat")
        if not -180 <= longitude <= 180:
            raise SearchQueryError(_("La longitude doit être comprise entre -180 et 180."), param="lng")
        return GeoPoint(latitude, longitude)
    return None


# Where a postal code or INSEE code points, kept for a day: reference data (INSEE communes)
# changes with load_reference_data only, and a search near a city repeats that look-up.
POINT_CACHE_KEY = "search:point:{postal_code}:{insee}"
POINT_CACHE_SECONDS = 24 * 3600


def _commune_point(postal_code: str, insee: str) -> GeoPoint:
    key = POINT_CACHE_KEY.format(postal_code=normalize_postal_code(postal_code), insee=(insee or "").strip())
    point = cache.get(key)
    if point is None:
        point = _resolve_point(postal_code, insee)  # errors are raised, never cached
        cache.set(key, point, POINT_CACHE_SECONDS)
    return point


def _resolve_point(postal_code: str, insee: str) -> GeoPoint:
    from marketplace.geo.models import PostalCode

    try:
        commune = resolve_location(postal_code=postal_code, insee=insee)
    except LocationError as exc:
        if exc.code != "ambiguous_postal_code":
            raise SearchQueryError(exc.message, param="insee" if exc.field == "insee" else "postal_code") from exc
        # A search does not need one commune: the centre of the communes the code serves will do.
        code = normalize_postal_code(postal_code)
        rows = PostalCode.objects.filter(code=code)
        points = [(r.latitude, r.longitude) for r in rows if r.latitude is not None and r.longitude is not None]
        points = points or [(c.latitude, c.longitude) for c in exc.candidates]
        return GeoPoint(
            sum(p[0] for p in points) / len(points),
            sum(p[1] for p in points) / len(points),
            code,
        )
    return GeoPoint(commune.latitude, commune.longitude, commune.name)


def _number(value: str, param: str, message: str) -> float | None:
    if not value:
        return None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise SearchQueryError(message, param=param) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise SearchQueryError(message, param=param)
    return number


def _integer(value: str, param: str, default: int) -> int:
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SearchQueryError(
            _("Le paramètre « %(param)s » doit être un nombre entier.") % {"param": param}, param=param
        ) from None


def _boolean(value: str, param: str) -> bool:
    folded = (value or "").strip().lower()
    if folded in TRUE_VALUES:
        return True
    if folded in FALSE_VALUES:
        return False
    raise SearchQueryError(_("Le paramètre « %(param)s » attend oui ou non (1 ou 0).") % {"param": param}, param=param)
