"""Full-text structures of the database search backend, for the database in use.

SQLite: an FTS5 table over the analysed text columns (``*_terms``, stemmed in Python by
``search.text``), ``unicode61`` tokenizer with ``remove_diacritics 2``, kept in step with
``search_supplierindexentry`` by triggers (its rowid is the profile id).

PostgreSQL: a ``french_unaccent`` text search configuration (French stemming after
``unaccent``), and a generated ``tsvector`` column with a GIN index. The column holds the raw
text as ``french_unaccent`` analyses it *and* the Python stems (``*_terms``) under the
``simple`` configuration: Snowball's stems (« laser » → « las », « lasers » → « laser ») and ours
each catch what the other misses, and the stems give PostgreSQL the same matches as SQLite.
Weights: A (name) > B (skills) > C (presentation) > D (materials, sectors, certifications, communes).
"""
from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE search_supplierfts USING fts5("
    "name, skills, body, other, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_supplierfts_insert AFTER INSERT ON search_supplierindexentry BEGIN "
    "INSERT INTO search_supplierfts(rowid, name, skills, body, other) "
    "VALUES (new.profile_id, new.name_terms, new.skills_terms, new.body_terms, new.other_terms); END",
    "CREATE TRIGGER search_supplierfts_delete AFTER DELETE ON search_supplierindexentry BEGIN "
    "DELETE FROM search_supplierfts WHERE rowid = old.profile_id; END",
    "CREATE TRIGGER search_supplierfts_update AFTER UPDATE ON search_supplierindexentry BEGIN "
    "DELETE FROM search_supplierfts WHERE rowid = old.profile_id; "
    "INSERT INTO search_supplierfts(rowid, name, skills, body, other) "
    "VALUES (new.profile_id, new.name_terms, new.skills_terms, new.body_terms, new.other_terms); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_supplierfts_update",
    "DROP TRIGGER IF EXISTS search_supplierfts_delete",
    "DROP TRIGGER IF EXISTS search_supplierfts_insert",
    "DROP TABLE IF EXISTS search_supplierfts",
]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
      END IF;
    END $$
    """,
    """
    ALTER TABLE search_supplierindexentry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('french_unaccent'::regconfig, coalesce(name_text, '')), 'A')
      || setweight(to_tsvector('simple'::regconfig, coalesce(name_terms, '')), 'A')
      || setweight(to_tsvector('french_unaccent'::regconfig, coalesce(skills_text, '')), 'B')
      || setweight(to_tsvector('simple'::regconfig, coalesce(skills_terms, '')), 'B')
      || setweight(to_tsvector('french_unaccent'::regconfig, coalesce(body_text, '')), 'C')
      || setweight(to_tsvector('simple'::regconfig, coalesce(body_terms, '')), 'C')
      || setweight(to_tsvector('french_unaccent'::regconfig, coalesce(other_text, '')), 'D')
      || setweight(to_tsvector('simple'::regconfig, coalesce(other_terms, '')), 'D')
    ) STORED
    """,
    "CREATE INDEX search_entry_vector ON search_supplierindexentry USING GIN (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_vector",
    "ALTER TABLE search_supplierindexentry DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
