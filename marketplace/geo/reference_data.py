"""Synchronise the geo tables with the reference files in ``marketplace/geo/data/``.

``load_reference_data()`` is what ``manage.py load_reference_data`` and the test suite's
database setup call. It is idempotent: each table is compared with its file by natural key,
new rows are bulk-created, changed rows bulk-updated, identical rows left untouched, and rows
that vanished from the files are deleted only when ``prune=True``. Everything runs in one
transaction, so a failed load leaves the previous data in place.
"""
from __future__ import annotations

import csv
import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import models, transaction

from .models import Commune, Departement, NafCode, PostalCode, Region

DATA_DIR = Path(__file__).resolve().parent / "data"
BATCH_SIZE = 1000


@dataclass
class SyncCounts:
    """What one table's synchronisation did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    @property
    def total(self) -> int:
        """Rows described by the file (the table may hold more when not pruning)."""
        return self.created + self.updated + self.unchanged


def load_reference_data(*, data_dir: Path = DATA_DIR, prune: bool = False) -> dict[type[models.Model], SyncCounts]:
    """Load régions, départements, communes, postal codes and NAF codes; return counts per model."""
    regions = _read_regions(data_dir / "regions.csv")
    departements = _read_departements(data_dir / "departements.csv")
    communes, postal_codes = _read_communes(data_dir / "communes.csv.gz")
    naf_codes = _read_naf(data_dir / "naf_rev2.json")

    with transaction.atomic():
        counts = {
            Region: _sync(Region, ("code",), ("name", "latitude", "longitude"), regions),
            Departement: _sync(
                Departement, ("code",), ("name", "region_id", "latitude", "longitude"), departements
            ),
            Commune: _sync(
                Commune,
                ("insee",),
                ("kind", "parent_id", "name", "departement_id", "region_id", "latitude", "longitude", "population"),
                communes,
            ),
            PostalCode: _sync(PostalCode, ("code", "commune_id"), ("latitude", "longitude"), postal_codes),
            NafCode: _sync(
                NafCode,
                ("code",),
                ("label", "section", "section_label", "division", "division_label", "group", "group_label"),
                naf_codes,
            ),
        }
        if prune:
            # Children before parents: postal codes and arrondissements point at communes,
            # communes at départements, départements at régions. The PROTECT foreign keys refuse
            # to delete a city together with its arrondissements, hence two commune passes.
            counts[NafCode].deleted = _prune(NafCode.objects.all(), ("code",), naf_codes)
            counts[PostalCode].deleted = _prune(PostalCode.objects.all(), ("code", "commune_id"), postal_codes)
            counts[Commune].deleted = _prune(
                Commune.objects.filter(kind=Commune.Kind.ARRONDISSEMENT), ("insee",), communes
            ) + _prune(Commune.objects.filter(kind=Commune.Kind.COMMUNE), ("insee",), communes)
            counts[Departement].deleted = _prune(Departement.objects.all(), ("code",), departements)
            counts[Region].deleted = _prune(Region.objects.all(), ("code",), regions)
    return counts


# --- Reading the files ------------------------------------------------------------------------
# Each reader returns {natural key tuple: {attname: value}} so that _sync can compare plain
# tuples with what the database holds, without instantiating 35,000 models on a re-run.


def _float(value: str) -> float | None:
    return float(value) if value not in ("", None) else None


def _read_regions(path: Path) -> dict[tuple, dict[str, Any]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {
            (row["insee_reg"],): {
                "name": row["region"],
                "latitude": _float(row["lat"]),
                "longitude": _float(row["lng"]),
            }
            for row in csv.DictReader(fh)
        }


def _read_departements(path: Path) -> dict[tuple, dict[str, Any]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {
            (row["insee_dep"],): {
                "name": row["departement"],
                "region_id": row["insee_reg"],
                "latitude": _float(row["lat"]),
                "longitude": _float(row["lng"]),
            }
            for row in csv.DictReader(fh)
        }


def _read_communes(path: Path) -> tuple[dict[tuple, dict[str, Any]], dict[tuple, dict[str, Any]]]:
    """Split the one-row-per-(commune, postal code) file into communes and postal codes.

    Paris, Lyon and Marseille have one ``COM`` row per postal code; keying by INSEE code
    collapses them into one commune while each row still yields its own postal code.
    """
    communes: dict[tuple, dict[str, Any]] = {}
    postal_codes: dict[tuple, dict[str, Any]] = {}
    with gzip.open(path, mode="rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            insee = row["insee_com"]
            latitude, longitude = _float(row["lat"]), _float(row["lng"])
            communes[(insee,)] = {
                "kind": row["type"],
                "parent_id": row["parent"] or None,
                "name": row["nom"],
                "departement_id": row["insee_dep"],
                "region_id": row["insee_reg"],
                "latitude": latitude,
                "longitude": longitude,
                "population": int(row["population"]) if row["population"] else None,
            }
            postal_codes[(row["code_postal"], insee)] = {"latitude": latitude, "longitude": longitude}
    # Cities before their arrondissements, so that the parent row exists when the child is inserted
    # even on a database that checks foreign keys immediately.
    communes = dict(sorted(communes.items(), key=lambda item: item[1]["kind"] != Commune.Kind.COMMUNE))
    return communes, postal_codes


def _read_naf(path: Path) -> dict[tuple, dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return {(entry["code"],): {k: v for k, v in entry.items() if k != "code"} for entry in json.load(fh)}


# --- Writing ----------------------------------------------------------------------------------


def _sync(
    model: type[models.Model],
    key_fields: tuple[str, ...],
    value_fields: tuple[str, ...],
    rows: dict[tuple, dict[str, Any]],
) -> SyncCounts:
    counts = SyncCounts()
    pk_name = model._meta.pk.attname
    existing = {
        values[1 : 1 + len(key_fields)]: (values[0], values[1 + len(key_fields) :])
        for values in model.objects.order_by().values_list(pk_name, *key_fields, *value_fields)
    }
    to_create, to_update = [], []
    for key, values in rows.items():
        wanted = tuple(values[field] for field in value_fields)
        if key not in existing:
            to_create.append(model(**dict(zip(key_fields, key)), **values))
        elif existing[key][1] != wanted:
            to_update.append(model(**{**dict(zip(key_fields, key)), pk_name: existing[key][0]}, **values))
        else:
            counts.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        model.objects.bulk_update(to_update, [_field_name(model, f) for f in value_fields], batch_size=BATCH_SIZE)
    counts.created, counts.updated = len(to_create), len(to_update)
    return counts


def _prune(queryset: models.QuerySet, key_fields: tuple[str, ...], rows: dict[tuple, dict[str, Any]]) -> int:
    """Delete the rows of ``queryset`` whose natural key is no longer in the file."""
    stale = [
        values[0]
        for values in queryset.order_by().values_list("pk", *key_fields)
        if values[1:] not in rows
    ]
    for start in range(0, len(stale), BATCH_SIZE):
        queryset.model.objects.filter(pk__in=stale[start : start + BATCH_SIZE]).delete()
    return len(stale)


def _field_name(model: type[models.Model], attname: str) -> str:
    """bulk_update wants field names (``parent``), the readers use column attnames (``parent_id``)."""
    return model._meta.get_field(attname).name
