"""Demo organisations: clusters, buyers (fictional prime contractors) and supplier SMEs.

Two stages. ``generate_organisation_specs()`` is pure: from a seed, the counts and the reference
data it returns the same list on every machine. ``build_organisations()`` then writes the specs
that are not in the database yet, so a re-run adds nothing and a larger ``--suppliers`` tops up.
"""
from __future__ import annotations

import dataclasses
import random
from datetime import timedelta
from itertools import count

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from marketplace.accounts.models import Organisation
from marketplace.geo.models import NafCode

from .context import DemoContext, WeightedChoice, bulk_create_in_batches, stream
from .identifiers import head_office_siret, round_keys, siren_for, vat_number
from .names import buyer_name, cluster_name, legal_form, street_address, supplier_name
from .places import Place, Places
from .trades import TRADES
from .vocabulary import (
    BUYER_SIZE_BANDS,
    CLUSTER_NAF_CODE,
    CLUSTER_SIZE_BANDS,
    CLUSTERS,
    PRIME_CONTRACTORS,
    SUPPLIER_SIZE_BANDS,
)

KINDS = ("cluster", "buyer", "supplier")  # generation order; slugs are deduplicated in this order
WEBSITE_DOMAIN = "demo.test"  # .test is reserved (RFC 2606): no demo website can be real


@dataclasses.dataclass(frozen=True)
class OrganisationSpec:
    kind: str
    index: int
    name: str
    slug: str
    siren: str
    siret: str
    vat_number: str
    naf_code: str | None
    address: str
    postal_code: str
    commune: str
    size_band: str
    has_website: bool
    age_days: int

    @property
    def website(self) -> str:
        return f"https://www.{self.slug[:60].strip('-')}.{WEBSITE_DOMAIN}" if self.has_website else ""

    def fallback(self, attempt: int, keys: tuple[int, ...]) -> OrganisationSpec:
        """The same organisation under another SIREN and slug, when someone else holds these."""
        siren = siren_for(self.kind, self.index, keys, attempt)
        siret = head_office_siret(siren, int(self.siret[9:13]))
        return dataclasses.replace(
            self, siren=siren, siret=siret, vat_number=vat_number(siren), slug=f"{self.slug}-{attempt + 1}"
        )

    def to_model(self, now) -> Organisation:
        return Organisation(
            name=self.name,
            slug=self.slug,
            siren=self.siren,
            siret=self.siret,
            vat_number=self.vat_number,
            naf_code_id=self.naf_code,
            address=self.address,
            postal_code=self.postal_code,
            commune_id=self.commune,
            size_band=self.size_band,
            website=self.website,
            is_buyer=self.kind == "buyer",
            is_supplier=self.kind == "supplier",
            is_cluster=self.kind == "cluster",
            created_at=now - timedelta(days=self.age_days),
        )


# --- Pure generation ----------------------------------------------------------------------


def generate_organisation_specs(
    seed: int, *, clusters: int, buyers: int, suppliers: int, places: Places, naf_codes: set[str]
) -> list[OrganisationSpec]:
    """Every demo organisation of a run, clusters then buyers then suppliers, index 0 first.

    Each kind draws from its own stream, so the first n organisations of a kind do not depend
    on how many of it, or of the other kinds, were asked for.
    """
    keys = round_keys(seed)
    streams = {kind: stream(seed, f"organisations/{kind}") for kind in KINDS}
    drafts = {
        "cluster": _cluster_drafts(streams["cluster"], clusters, places),
        "buyer": _buyer_drafts(streams["buyer"], buyers, places),
        "supplier": _supplier_drafts(streams["supplier"], suppliers, places, naf_codes),
    }
    specs, slugs = [], SlugRegistry()
    for kind in KINDS:
        rng = streams[kind]
        # Each draft is completed before the generator draws the next one, so organisation n
        # consumes the stream right after organisation n - 1 whatever the total.
        for index, (name, slug_source, naf_code, place, size_band) in enumerate(drafts[kind]):
            siren = siren_for(kind, index, keys)
            specs.append(
                OrganisationSpec(
                    kind=kind,
                    index=index,
                    name=name,
                    slug=slugs.claim(slug_source),
                    siren=siren,
                    siret=head_office_siret(siren, rng.randrange(1, 40)),
                    vat_number=vat_number(siren),
                    naf_code=naf_code if naf_code in naf_codes else None,
                    address=street_address(rng),
                    postal_code=place.postal_code(rng),
                    commune=place.insee,
                    size_band=size_band,
                    has_website=rng.randrange(100) < 75,
                    age_days=rng.randrange(1, 730),
                )
            )
    return specs


class SlugRegistry:
    """Unique slugs within a run: the second « Forge Ardennaise » becomes ``forge-ardennaise-2``."""

    def __init__(self):
        self.taken: set[str] = set()
        self.counters: dict[str, int] = {}

    def claim(self, text: str) -> str:
        base = slugify(text.replace("'", " ").replace("&", " et "))[:200].strip("-") or "organisation"
        slug, number = base, self.counters.get(base, 1)
        while slug in self.taken:
            number += 1
            slug = f"{base}-{number}"
        self.counters[base] = number
        self.taken.add(slug)
        return slug


def _cluster_drafts(rng: random.Random, number: int, places: Places):
    sizes = WeightedChoice(CLUSTER_SIZE_BANDS)
    for index in range(number):
        if index < len(CLUSTERS):
            name, _region, departement = CLUSTERS[index]
            place = places.for_head_office(rng, departement)
        else:
            place = places.for_head_office(rng)
            name = cluster_name(rng, places.region_names.get(place.region, ""))
        yield name, name.removesuffix(" (fictif)"), CLUSTER_NAF_CODE, place, sizes(rng)


def _buyer_drafts(rng: random.Random, number: int, places: Places):
    sizes = WeightedChoice(BUYER_SIZE_BANDS)
    for index in range(number):
        if index < len(PRIME_CONTRACTORS):
            name, naf_code, departement = PRIME_CONTRACTORS[index]
            place = places.for_head_office(rng, departement)
        else:
            name, naf_code = buyer_name(rng)
            place = places.for_head_office(rng)
        size_band = sizes(rng)
        full_name = f"{name} {legal_form(rng, size_band)}"
        yield full_name, name, naf_code, place, size_band


def _supplier_drafts(rng: random.Random, number: int, places: Places, naf_codes: set[str]):
    trades_by_departement = TradeChooser(naf_codes)
    sizes = WeightedChoice(SUPPLIER_SIZE_BANDS)
    for _index in range(number):
        place = places.for_supplier(rng)
        trade = trades_by_departement(place, rng)
        word, gender = trade.words[rng.randrange(len(trade.words))]
        size_band = sizes(rng)
        name = supplier_name(rng, word, gender, place)
        yield f"{name} {legal_form(rng, size_band)}", name, trade.naf_code, place, size_band


class TradeChooser:
    """Draws a trade for a supplier, favouring the trades its département is known for."""

    def __init__(self, naf_codes: set[str]):
        # Without reference NAF codes the suppliers still get names, just no NAF code.
        self.trades = [trade for trade in TRADES if trade.naf_code in naf_codes] or list(TRADES)
        self._choices: dict[str, WeightedChoice] = {}

    def __call__(self, place: Place, rng: random.Random):
        choice = self._choices.get(place.departement)
        if choice is None:
            choice = self._choices[place.departement] = WeightedChoice(
                (trade, trade.weight * trade.basins.get(place.departement, 1)) for trade in self.trades
            )
        return choice(rng)


# --- Writing ------------------------------------------------------------------------------


def build_organisations(ctx: DemoContext) -> None:
    """Create the demo organisations that are missing; record every one's pk in the context."""
    places = Places.from_database()
    naf_codes = set(NafCode.objects.values_list("code", flat=True))
    specs = generate_organisation_specs(
        ctx.seed,
        clusters=ctx.clusters,
        buyers=ctx.buyers,
        suppliers=ctx.suppliers,
        places=places,
        naf_codes=naf_codes,
    )
    present, to_create = _match_with_database(specs, round_keys(ctx.seed))

    now = timezone.now()
    organisations = [spec.to_model(now) for spec in to_create]
    bulk_create_in_batches(Organisation, organisations, ctx, _("Organisations"))

    pks = dict(present)
    for spec, organisation in zip(to_create, organisations, strict=True):
        pks[(spec.kind, spec.index)] = organisation.pk
    ctx.organisations = {
        kind: [pks[(kind, index)] for index in range(number)]
        for kind, number in (("cluster", ctx.clusters), ("buyer", ctx.buyers), ("supplier", ctx.suppliers))
    }
    ctx.write(
        _("Organisations : %(created)d créées, %(present)d déjà présentes (%(clusters)d clusters, "
          "%(buyers)d donneurs d'ordre, %(suppliers)d fournisseurs).")
        % {
            "created": len(to_create),
            "present": len(present),
            "clusters": ctx.clusters,
            "buyers": ctx.buyers,
            "suppliers": ctx.suppliers,
        }
    )


def _match_with_database(
    specs: list[OrganisationSpec], keys: tuple[int, ...]
) -> tuple[dict[tuple[str, int], int], list[OrganisationSpec]]:
    """Split specs into those already written (→ pk) and those to create.

    A spec is already written when an organisation has both its SIRET and its slug. When an
    organisation of someone else holds its SIREN, SIRET or slug, the spec falls back to another
    SIREN and slug, the same ones on every run, so a re-run still recognises it.
    """
    by_siret, sirens, slugs = {}, set(), set()
    for pk, siret, siren, slug in Organisation.objects.order_by().values_list("pk", "siret", "siren", "slug"):
        by_siret[siret] = (pk, slug)
        sirens.add(siren)
        slugs.add(slug)
    reserved_sirens = {spec.siren for spec in specs}
    reserved_slugs = {spec.slug for spec in specs}

    present: dict[tuple[str, int], int] = {}
    to_create: list[OrganisationSpec] = []
    for spec in specs:
        for attempt in count():
            candidate = spec if attempt == 0 else spec.fallback(attempt, keys)
            row = by_siret.get(candidate.siret)
            if row is not None and row[1] == candidate.slug:
                present[(spec.kind, spec.index)] = row[0]
                break
            taken = row is not None or candidate.siren in sirens or candidate.slug in slugs
            if attempt:
                # The first candidate is reserved by the spec itself; fallbacks must also avoid
                # the first candidates of all the other specs.
                taken = taken or candidate.siren in reserved_sirens or candidate.slug in reserved_slugs
            if not taken:
                if attempt:
                    reserved_sirens.add(candidate.siren)
                    reserved_slugs.add(candidate.slug)
                to_create.append(candidate)
                break
    return present, to_create
