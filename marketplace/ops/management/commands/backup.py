"""``manage.py backup --output DIR``: the database and both media roots, with a manifest of hashes.

See marketplace/ops/backups.py for what is consistent with what, and docs/OPERATIONS.md.
"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from marketplace.ops.backups import BackupError, create_backup


class Command(BaseCommand):
    help = "Sauvegarde la base de données et les fichiers (publics et privés) avec un manifeste d'empreintes."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help="Dossier de sortie, vide ou inexistant.")

    def handle(self, *args, output, **options):
        try:
            manifest = create_backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(_("Sauvegarde écrite dans %(dir)s : %(files)d fichiers, %(rows)d lignes.") % {
            "dir": output, "files": len(manifest["files"]), "rows": sum(manifest["row_counts"].values())})
