"""Where demo organisations are: real communes from the reference data, drawn with weights.

The communes are read once, sorted by INSEE code in Python (never trusting the database's row
order or collation), and every draw uses integer weights, so a seed places the same organisation
in the same commune on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from math import isqrt

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from marketplace.geo.models import Commune, PostalCode, Region

from .context import WeightedChoice
from .trades import DEPARTEMENT_FACTORS, OVERSEAS_REGION_FACTOR, REGION_FACTORS

HEAD_OFFICE_MIN_POPULATION = 20_000
HEAD_OFFICE_TOWNS_PER_DEPARTEMENT = 3


@dataclass(frozen=True)
class Place:
    insee: str
    name: str
    departement: str
    region: str
    population: int
    postal_codes: tuple[str, ...]

    def postal_code(self, rng: random.Random) -> str:
        # Paris, Lyon, Marseille and a few merged communes have several postal codes.
        if len(self.postal_codes) == 1:
            return self.postal_codes[0]
        return self.postal_codes[rng.randrange(len(self.postal_codes))]


def industrial_weight(place: Place) -> int:
    """Where a supplier is likely: √population × région and département factors (in %)."""
    region_factor = REGION_FACTORS.get(place.region, OVERSEAS_REGION_FACTOR)
    return isqrt(place.population) * region_factor * DEPARTEMENT_FACTORS.get(place.departement, 100)


class Places:
    """The communes (kind COM) that have a population and a postal code."""

    def __init__(self, places: list[Place], region_names: dict[str, str]):
        if not places:
            raise CommandError(
                _("Aucune commune en base : lancez d'abord « manage.py load_reference_data ».")
            )
        self.places = sorted(places, key=lambda place: place.insee)
        self.region_names = region_names
        self.by_insee = {place.insee: place for place in self.places}
        self._suppliers = WeightedChoice((place, industrial_weight(place)) for place in self.places)
        # Head offices of large companies and clusters are in towns, not villages.
        towns = [place for place in self.places if place.population >= HEAD_OFFICE_MIN_POPULATION]
        self._head_offices = WeightedChoice(
            (place, place.population * REGION_FACTORS.get(place.region, OVERSEAS_REGION_FACTOR))
            for place in towns or self.places
        )
        self._by_departement: dict[str, list[Place]] = {}
        for place in self.places:
            self._by_departement.setdefault(place.departement, []).append(place)
        self._head_offices_by_departement: dict[str, WeightedChoice] = {}

    @classmethod
    def from_database(cls) -> Places:
        postal_codes: dict[str, list[str]] = {}
        for insee, code in PostalCode.objects.filter(commune__kind=Commune.Kind.COMMUNE).values_list(
            "commune_id", "code"
        ):
            postal_codes.setdefault(insee, []).append(code)
        places = [
            Place(insee, name, departement, region, population, tuple(sorted(postal_codes[insee])))
            for insee, name, departement, region, population in Commune.objects.filter(
                kind=Commune.Kind.COMMUNE, population__gt=0
            ).values_list("insee", "name", "departement_id", "region_id", "population")
            if insee in postal_codes
        ]
        return cls(places, dict(Region.objects.values_list("code", "name")))

    def for_supplier(self, rng: random.Random) -> Place:
        return self._suppliers(rng)

    def for_head_office(self, rng: random.Random, departement: str | None = None) -> Place:
        """A town of 20,000 people or more, or one of the three largest of ``departement``."""
        if departement is None:
            return self._head_offices(rng)
        choice = self._head_offices_by_departement.get(departement)
        if choice is None:
            largest = sorted(
                self._by_departement.get(departement, ()), key=lambda place: (-place.population, place.insee)
            )[:HEAD_OFFICE_TOWNS_PER_DEPARTEMENT]
            if not largest:
                return self._head_offices(rng)
            choice = self._head_offices_by_departement[departement] = WeightedChoice(
                (place, place.population) for place in largest
            )
        return choice(rng)
