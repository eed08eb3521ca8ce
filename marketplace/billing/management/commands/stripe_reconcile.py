"""``manage.py stripe_reconcile [--fix]``: compare local subscriptions with Stripe, print differences.

Without ``--fix`` it only reports; with it, each differing subscription is rewritten from the
state read back from Stripe (audit action ``billing.subscription_synced``). Exit status 1 when
differences were found and not fixed, so a cron job can alert.
"""
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from marketplace.billing.stripe_client import is_configured
from marketplace.billing.sync import reconcile


class Command(BaseCommand):
    help = "Compare les abonnements locaux avec Stripe et, avec --fix, les corrige."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Corrige les abonnements locaux d'après Stripe.")

    def handle(self, *args, fix, **options):
        if not is_configured():
            raise CommandError(_("La facturation n'est pas configurée (STRIPE_SECRET_KEY est vide)."))
        differences = reconcile(fix=fix)
        for difference in differences:
            self.stdout.write(str(difference))
        if not differences:
            self.stdout.write(self.style.SUCCESS(_("Aucune différence avec Stripe.")))
        elif fix:
            self.stdout.write(self.style.SUCCESS(_("%(count)d différence(s) corrigée(s).") % {"count": len(differences)}))
        else:
            self.stdout.write(self.style.WARNING(_("%(count)d différence(s) ; relancez avec --fix pour corriger.") % {"count": len(differences)}))
            sys.exit(1)
