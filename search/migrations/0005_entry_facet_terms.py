from collections import defaultdict

from django.db import migrations, models

# search.backends.base.FACETS when this migration was written (a migration does not import app code).
FACETS = ("sector", "skill", "certification", "region")


def fill_facet_terms(apps, schema_editor):
    """Entries indexed before this column get it from their term rows, so that facets stay right
    without a rebuild; the backend writes it from then on."""
    Entry = apps.get_model("search", "SupplierIndexEntry")
    Term = apps.get_model("search", "SupplierIndexTerm")
    ids = list(Entry.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        terms = defaultdict(list)
        rows = Term.objects.filter(entry_id__in=chunk, facet__in=FACETS).order_by("entry_id", "facet", "value")
        for entry_id, facet, value in rows.values_list("entry_id", "facet", "value"):
            terms[entry_id].append(f"{facet}:{value}")
        Entry.objects.bulk_update(
            [Entry(pk=pk, facet_terms="\n".join(terms[pk])) for pk in chunk if terms[pk]], ["facet_terms"], batch_size=500
        )


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0004_search_index_version"),
    ]

    operations = [
        # ALTER TABLE ADD COLUMN on both databases: Django's SQLite schema editor would remake the
        # table for a NOT NULL column, dropping the triggers that keep the FTS5 table in step (0002).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="supplierindexentry",
                    name="facet_terms",
                    field=models.TextField(blank=True, default=""),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE search_supplierindexentry ADD COLUMN facet_terms text NOT NULL DEFAULT ''",
                    "ALTER TABLE search_supplierindexentry DROP COLUMN facet_terms",
                ),
            ],
        ),
        migrations.RunPython(fill_facet_terms, migrations.RunPython.noop),
    ]
