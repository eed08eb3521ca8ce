"""``manage.py export_suppliers``: write supplier profiles in the import format (CSV or XLSX).

The CSV uses commas and UTF-8 without BOM; without ``--output`` it goes to standard output
(an XLSX needs ``--output``). See ``suppliers/exports.py``.
"""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from suppliers.exports import ExportError, ExportFilters, export_rows, profiles_to_export, record_export, write_csv, write_xlsx


class Command(BaseCommand):
    help = "Exporte les fournisseurs au format d'import (CSV ou XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="csv (par défaut) ou xlsx.")
        parser.add_argument("--output", help="Fichier à écrire (par défaut : sortie standard, CSV seulement).")
        parser.add_argument("--sector", default="", help="Seulement les fournisseurs de cette filière (slug).")
        parser.add_argument("--region", default="", help="Seulement les fournisseurs de cette région (code INSEE).")
        parser.add_argument("--published-only", action="store_true", help="Seulement les profils publiés.")

    def handle(self, *args, format, output, sector, region, published_only, verbosity, **options):
        filters = ExportFilters(sector=sector.strip(), region=region.strip(), published_only=published_only)
        try:
            profiles = profiles_to_export(filters)
        except ExportError as error:
            raise CommandError(error.message) from None
        if format == "xlsx" and not output:
            raise CommandError(_("L'export XLSX a besoin d'un fichier : indiquez --output."))

        rows = export_rows(profiles)
        if format == "xlsx":
            with open(output, "wb") as stream:
                count = write_xlsx(rows, stream)
        elif output:
            with open(output, "w", encoding="utf-8", newline="") as stream:
                count = write_csv(rows, stream)
        else:
            count = write_csv(rows, self.stdout)
        record_export(None, file_format=format, filters=filters, count=count)
        if output and verbosity > 0:
            self.stderr.write(_("%(count)d fournisseur(s) exporté(s) dans %(file)s.") % {"count": count, "file": output})
