"""``manage.py restore --input DIR [--force]``: restore a backup made by ``manage.py backup``.

Every hash is checked before anything changes; a target holding users, organisations or media
files is refused without ``--force``; row counts and file hashes are checked again at the end.
"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from marketplace.ops.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restaure une sauvegarde faite par « manage.py backup » après en avoir vérifié les empreintes."

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, type=Path, dest="source", help="Dossier de la sauvegarde.")
        parser.add_argument("--force", action="store_true", help="Remplacer une base et des fichiers non vides.")

    def handle(self, *args, source, force, **options):
        try:
            report = restore_backup(source, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(_("Restauration terminée : %(files)d fichiers et %(rows)d lignes vérifiés.") % {
            "files": report.files, "rows": report.rows})
