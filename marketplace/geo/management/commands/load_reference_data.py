"""``manage.py load_reference_data``: load or refresh the French reference data.

Safe to re-run (after a new INSEE vintage, on every deploy, in the test suite's database
setup): rows are matched by natural key and updated in place. ``--prune`` also deletes rows
that disappeared from the files.
"""
import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from marketplace.geo.models import Commune, Departement, NafCode, PostalCode, Region
from marketplace.geo.reference_data import load_reference_data


class Command(BaseCommand):
    help = "Charge ou met à jour les régions, départements, communes, codes postaux et codes NAF."

    def add_arguments(self, parser):
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Supprime aussi les lignes qui ont disparu des fichiers de référence.",
        )
        parser.add_argument("--quiet", action="store_true", help="N'affiche rien en cas de succès.")

    def handle(self, *args, prune=False, quiet=False, **options):
        started = time.perf_counter()
        try:
            counts = load_reference_data(prune=prune)
        except ProtectedError as exc:
            raise CommandError(
                _("Suppression impossible : des données du site font encore référence à %(objects)s.")
                % {"objects": ", ".join(str(obj) for obj in list(exc.protected_objects)[:5])}
            ) from exc
        if quiet:
            return
        labels = {
            Region: _("Régions"),
            Departement: _("Départements"),
            Commune: _("Communes"),
            PostalCode: _("Codes postaux"),
            NafCode: _("Codes NAF"),
        }
        for model, label in labels.items():
            c = counts[model]
            self.stdout.write(
                _("%(label)s : %(total)d (%(created)d créés, %(updated)d mis à jour, %(unchanged)d inchangés, %(deleted)d supprimés)")
                % {
                    "label": label,
                    "total": c.total,
                    "created": c.created,
                    "updated": c.updated,
                    "unchanged": c.unchanged,
                    "deleted": c.deleted,
                }
            )
        self.stdout.write(
            self.style.SUCCESS(_("Données de référence chargées en %(seconds).1f s.") % {"seconds": time.perf_counter() - started})
        )
