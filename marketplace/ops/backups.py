"""Backup and restore of the database and of both media roots, checked by a manifest.

A backup directory holds ``database.sqlite3`` (SQLite online backup API) or ``database.pgdump``
(``pg_dump -Fc``), ``media/`` and ``private/`` (copies of MEDIA_ROOT and PRIVATE_MEDIA_ROOT),
``manifest.json`` (every file with its size and SHA-256, row counts per table, the applied
migrations, ``created_at`` in UTC) and ``manifest.sha256`` (the hash of the manifest itself).

The row counts and the migration state are read from the same snapshot as the dump: from the
copied SQLite file, or inside the PostgreSQL transaction whose snapshot ``pg_dump --snapshot``
uses. Files are copied after the dump, so a file whose row was created after the snapshot may be
in the backup without its row; the opposite (a row without its file) only happens for a file
deleted between the dump and the copy. docs/OPERATIONS.md tells when to run it.

Restore checks everything before it changes anything: the manifest's own hash, then every
file's size and hash. Then it replaces the database, swaps in the media roots and counts the
rows again.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from glob import glob
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections, transaction

FORMAT = 1
MANIFEST = "manifest.json"
MANIFEST_HASH = "manifest.sha256"
SQLITE_DUMP = "database.sqlite3"
PG_DUMP = "database.pgdump"
MEDIA_DIRS = {"media": "MEDIA_ROOT", "private": "PRIVATE_MEDIA_ROOT"}


class BackupError(Exception):
    """The backup cannot be made or restored; nothing was changed when raised before the swap."""


@dataclass
class RestoreReport:
    files: int
    rows: int


# --- helpers -----------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _engine(alias: str = "default") -> str:
    engine = settings.DATABASES[alias]["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"Unsupported database engine: {engine}")


def model_tables() -> list[str]:
    """Every table Django manages (models and many-to-many tables), once each, sorted."""
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            tables.add(model._meta.db_table)
    return sorted(tables)


def _count_rows(cursor, quote, existing: set[str]) -> dict[str, int]:
    counts = {}
    for table in model_tables():
        if table in existing:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - table names from our models
            counts[table] = cursor.fetchone()[0]
    return counts


def _migrations(cursor) -> dict[str, list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    state: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        state.setdefault(app, []).append(name)
    return state


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not candidates:
        raise BackupError(f"{name} not found (apt-get install postgresql-client)")
    return candidates[-1]


def _pg_args(alias: str = "default") -> tuple[list[str], dict]:
    """Connection options and environment for pg_dump/pg_restore from DATABASE_URL's settings."""
    db = settings.DATABASES[alias]
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _file_entries(root: Path, prefix: str) -> list[dict]:
    entries = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        entries.append({
            "path": f"{prefix}/{path.relative_to(root).as_posix()}",
            "size": path.stat().st_size,
            "sha256": sha256_of(path),
        })
    return entries


# --- backup ------------------------------------------------------------------------------------


def _dump_sqlite(target: Path, alias: str) -> tuple[dict, dict]:
    connection = connections[alias]
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        # The online backup API copies a consistent snapshot, even with writers active (WAL).
        connection.connection.backup(destination)
    finally:
        destination.close()
    copy = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        cursor = copy.cursor()
        existing = {row[0] for row in cursor.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return _count_rows(cursor, lambda t: f'"{t}"', existing), _migrations(cursor)
    finally:
        copy.close()


def _dump_postgresql(target: Path, alias: str) -> tuple[dict, dict]:
    connection = connections[alias]
    args, env = _pg_args(alias)
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        # One snapshot for the dump, the counts and the migration state.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        result = subprocess.run(
            [_pg_bin("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
             "--file", str(target), *args],
            env=env, capture_output=True, text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        existing = set(connection.introspection.table_names(cursor))
        counts = _count_rows(cursor, connection.ops.quote_name, existing)
        migrations = _migrations(cursor)
    return counts, migrations


def create_backup(output: Path, *, alias: str = "default") -> dict:
    """Write a backup into ``output`` (created; must be empty) and return its manifest."""
    output = Path(output)
    if output.exists() and any(output.iterdir()):
        raise BackupError(f"{output} is not empty")
    output.mkdir(parents=True, exist_ok=True)
    engine = _engine(alias)
    created_at = datetime.now(UTC)
    dump_name = SQLITE_DUMP if engine == "sqlite" else PG_DUMP
    if engine == "sqlite":
        counts, migrations = _dump_sqlite(output / dump_name, alias)
    else:
        counts, migrations = _dump_postgresql(output / dump_name, alias)

    files = [{"path": dump_name, "size": (output / dump_name).stat().st_size, "sha256": sha256_of(output / dump_name)}]
    for prefix, setting in MEDIA_DIRS.items():
        source = Path(getattr(settings, setting))
        destination = output / prefix
        if source.is_dir():
            shutil.copytree(source, destination, symlinks=False)
        else:
            destination.mkdir()
        files += _file_entries(destination, prefix)

    manifest = {
        "format": FORMAT,
        "created_at": created_at.isoformat(),
        "engine": engine,
        "database": dump_name,
        "files": files,
        "row_counts": counts,
        "migrations": migrations,
    }
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    (output / MANIFEST).write_text(text, encoding="utf-8")
    (output / MANIFEST_HASH).write_text(hashlib.sha256(text.encode()).hexdigest() + "\n", encoding="ascii")
    return manifest


# --- restore -----------------------------------------------------------------------------------


def read_verified_manifest(source: Path) -> dict:
    """The manifest, after checking its own hash and every listed file; raises BackupError."""
    source = Path(source)
    manifest_path, hash_path = source / MANIFEST, source / MANIFEST_HASH
    if not manifest_path.is_file() or not hash_path.is_file():
        raise BackupError(f"{source} has no {MANIFEST} and {MANIFEST_HASH}")
    raw = manifest_path.read_bytes()
    if hashlib.sha256(raw).hexdigest() != hash_path.read_text(encoding="ascii").strip():
        raise BackupError(f"{MANIFEST} does not match {MANIFEST_HASH}: the manifest was altered")
    manifest = json.loads(raw)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}")
    root = source.resolve()
    listed = set()
    for entry in manifest["files"]:
        path = (source / entry["path"]).resolve()
        if root not in path.parents:
            raise BackupError(f"{entry['path']}: outside the backup directory")
        if not path.is_file():
            raise BackupError(f"{entry['path']}: missing")
        if path.stat().st_size != entry["size"] or sha256_of(path) != entry["sha256"]:
            raise BackupError(f"{entry['path']}: size or SHA-256 differs from the manifest")
        listed.add(path)
    for prefix in MEDIA_DIRS:
        for path in (source / prefix).rglob("*"):
            if path.is_file() and path.resolve() not in listed:
                raise BackupError(f"{path.relative_to(source)}: not in the manifest")
    return manifest


def target_has_data(alias: str = "default") -> list[str]:
    """What makes the target non-empty: users or organisations in the database, or media files."""
    found = []
    connection = connections[alias]
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    for label in ("accounts.User", "accounts.Organisation"):
        model = apps.get_model(label)
        if model._meta.db_table in existing and model.objects.using(alias).exists():
            found.append(label)
    for setting in MEDIA_DIRS.values():
        root = Path(getattr(settings, setting))
        if root.is_dir() and any(p.is_file() for p in root.rglob("*")):
            found.append(setting)
    return found


def _restore_sqlite(dump: Path, alias: str) -> None:
    connections[alias].close()
    name = settings.DATABASES[alias]["NAME"]
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    destination = sqlite3.connect(name)
    try:
        source.backup(destination)  # replaces every page of the target, in one transaction
    finally:
        destination.close()
        source.close()


def _restore_postgresql(dump: Path, alias: str) -> None:
    connections[alias].close()
    args, env = _pg_args(alias)
    result = subprocess.run(
        [_pg_bin("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", *args, str(dump)],
        env=env, capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def _swap_in(copy: Path, root: Path) -> None:
    """Replace ``root`` by ``copy`` (same file system), removing the old tree afterwards."""
    old = None
    if root.exists():
        old = root.with_name(f"{root.name}.before-restore")
        if old.exists():
            shutil.rmtree(old)
        root.rename(old)
    copy.rename(root)
    if old is not None:
        shutil.rmtree(old)


def restore_backup(source: Path, *, force: bool = False, alias: str = "default") -> RestoreReport:
    source = Path(source)
    manifest = read_verified_manifest(source)
    engine = _engine(alias)
    if manifest["engine"] != engine:
        raise BackupError(f"The backup is a {manifest['engine']} dump; this site uses {engine}")
    if not force:
        found = target_has_data(alias)
        if found:
            raise BackupError("The target is not empty (" + ", ".join(found) + "); use --force to replace it")

    # Stage the file copies next to their roots first: a full disk fails here, before any change.
    staged = {}
    try:
        for prefix, setting in MEDIA_DIRS.items():
            root = Path(getattr(settings, setting))
            root.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.restoring-", dir=root.parent))
            staging.rmdir()
            shutil.copytree(source / prefix, staging)
            staged[root] = staging
    except OSError as error:
        for staging in staged.values():
            shutil.rmtree(staging, ignore_errors=True)
        raise BackupError(f"Cannot stage the files: {error}") from error

    dump = source / manifest["database"]
    if engine == "sqlite":
        _restore_sqlite(dump, alias)
    else:
        _restore_postgresql(dump, alias)
    for root, staging in staged.items():
        _swap_in(staging, root)

    return RestoreReport(files=len(manifest["files"]), rows=sum(verify_restored(manifest, alias).values()))


def verify_restored(manifest: dict, alias: str = "default") -> dict[str, int]:
    """Count rows and hash the media files again; raise BackupError on any difference."""
    connection = connections[alias]
    connection.close()
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        counts = _count_rows(cursor, connection.ops.quote_name, existing)
        migrations = _migrations(cursor)
    expected = manifest["row_counts"]
    differing = sorted(t for t in set(expected) | set(counts) if expected.get(t) != counts.get(t))
    if differing:
        raise BackupError("Row counts differ after restore: " + ", ".join(
            f"{t} {expected.get(t)} → {counts.get(t)}" for t in differing[:10]))
    if migrations != manifest["migrations"]:
        raise BackupError("The migration state differs after restore")
    roots = {prefix: Path(getattr(settings, setting)) for prefix, setting in MEDIA_DIRS.items()}
    for entry in manifest["files"]:
        prefix, _, rest = entry["path"].partition("/")
        if prefix in roots:
            path = roots[prefix] / rest
            if not path.is_file() or sha256_of(path) != entry["sha256"]:
                raise BackupError(f"{entry['path']}: differs after restore")
    return counts
