"""``manage.py import_suppliers FILE``: create or update supplier organisations and profiles from
a CSV or XLSX file (format: ``suppliers/imports.py``).

All or nothing by default: one invalid row and nothing is written. ``--skip-invalid`` writes the
valid rows, ``--dry-run`` writes nothing. The report gives the file's line numbers (header = 1);
the exit status is 1 when the import was refused.
"""
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from suppliers.imports import import_suppliers


class Command(BaseCommand):
    help = "Importe des fournisseurs depuis un fichier CSV (UTF-8) ou XLSX."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier CSV ou XLSX.")
        parser.add_argument("--dry-run", action="store_true", help="Vérifie le fichier sans rien enregistrer.")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Enregistre les lignes valides et signale les autres."
        )
        parser.add_argument("--actor", help="Adresse e-mail de l'utilisateur au nom duquel l'import est journalisé.")

    def handle(self, *args, file, dry_run, skip_invalid, actor, verbosity, **options):
        user = None
        if actor:
            user = get_user_model().objects.filter(email__iexact=actor.strip()).first()
            if user is None:
                raise CommandError(_("Aucun utilisateur n'a l'adresse %(email)s.") % {"email": actor})
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(_("Impossible de lire %(file)s : %(error)s") % {"file": file, "error": error.strerror})

        report = import_suppliers(
            content,
            file_name=path.name,
            actor=user,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            # tqdm draws on stderr: only for a person watching a terminal.
            progress=verbosity > 0 and sys.stderr.isatty(),
        )
        if verbosity > 0:
            for warning in report.warnings:
                self.stdout.write(self.style.WARNING(str(warning)))
        for error in report.errors:
            self.stderr.write(self.style.ERROR(str(error)))
        if report.failed:
            self.stderr.write(self.style.ERROR(report.summary()))
            raise SystemExit(1)
        if verbosity > 0:
            self.stdout.write(self.style.SUCCESS(report.summary()))
