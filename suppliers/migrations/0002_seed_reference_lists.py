"""Seed filières, skills, materials and certification types from suppliers/data/*.json.

Idempotent (rows are matched on their slug) and reversible: reversing keeps the rows, since
profiles may already point at them; the reverse of a data seed is to leave the data alone.
"""
from django.db import migrations


def seed(apps, schema_editor):
    from suppliers.data import seed_reference_lists

    seed_reference_lists(apps)


class Migration(migrations.Migration):

    dependencies = [
        ("suppliers", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
