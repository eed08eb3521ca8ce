"""``manage.py load_demo``: fill a development database with a realistic, reproducible demo.

The same ``--seed`` gives the same organisations on every machine and database. Re-running is
safe: what exists is kept, what is missing is added (a larger ``--suppliers`` tops up). The demo
accounts it prints share the password ``DEMO_PASSWORD`` — development and staging only.
"""
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from marketplace.accounts.models import Organisation
from marketplace.demo.builders import STEPS
from marketplace.demo.builders.context import DemoContext, progress_is_visible

DEFAULT_SEED = 2026
DEFAULT_SUPPLIERS = 300
DEFAULT_CLUSTERS = 8
MIN_BUYERS = 5


def default_buyers(suppliers: int) -> int:
    """About one prime contractor for twenty suppliers, at least five."""
    return max(MIN_BUYERS, suppliers // 20)


class Command(BaseCommand):
    help = "Charge des données de démonstration reproductibles (organisations, comptes de démonstration)."

    def add_arguments(self, parser):
        parser.add_argument("--suppliers", type=int, default=DEFAULT_SUPPLIERS, help="Nombre de fournisseurs (300).")
        parser.add_argument(
            "--buyers", type=int, default=None, help="Nombre de donneurs d'ordre (fournisseurs / 20, au moins 5)."
        )
        parser.add_argument("--clusters", type=int, default=DEFAULT_CLUSTERS, help="Nombre de clusters (8).")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Graine du générateur (2026).")
        parser.add_argument(
            "--if-empty", action="store_true", help="Ne fait rien si des organisations existent déjà."
        )
        parser.add_argument("--quiet", action="store_true", help="N'affiche rien en cas de succès.")

    def handle(self, *args, suppliers, buyers, clusters, seed, if_empty, quiet, **options):
        buyers = default_buyers(suppliers) if buyers is None else buyers
        if min(suppliers, buyers, clusters) < 1:
            raise CommandError(_("Il faut au moins un fournisseur, un donneur d'ordre et un cluster."))
        if if_empty and Organisation.objects.exists():
            if not quiet:
                self.stdout.write(_("Des organisations existent déjà : données de démonstration non chargées."))
            return

        started = time.perf_counter()
        ctx = DemoContext(
            seed=seed,
            suppliers=suppliers,
            buyers=buyers,
            clusters=clusters,
            progress=not quiet and progress_is_visible(),
            write=(lambda line: None) if quiet else self.stdout.write,
        )
        for step in STEPS:
            step(ctx)
        if quiet:
            return
        self.stdout.write(
            self.style.SUCCESS(
                _("Données de démonstration chargées en %(seconds).1f s (graine %(seed)d).")
                % {"seconds": time.perf_counter() - started, "seed": seed}
            )
        )
        self._print_accounts(ctx)

    def _print_accounts(self, ctx: DemoContext) -> None:
        self.stdout.write("")
        self.stdout.write(_("Comptes de démonstration (mot de passe commun : %(password)s) :") % {
            "password": ctx.accounts[0].password if ctx.accounts else "",
        })
        for account in ctx.accounts:
            self.stdout.write(f"  {account.email:<24} {account.role}")
            if account.totp_secret:
                self.stdout.write(
                    _("    TOTP : clé %(secret)s ; codes de secours : %(codes)s")
                    % {"secret": account.totp_secret, "codes": " ".join(account.recovery_codes)}
                )
