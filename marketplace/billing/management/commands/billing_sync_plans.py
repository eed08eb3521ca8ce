"""``manage.py billing_sync_plans``: create the Stripe product and plans of paid plans lacking them.

Idempotent: a plan that already has its Stripe ids is left alone, and the Stripe objects carry
deterministic ids derived from the plan's slug, so a run interrupted after creating them in
Stripe but before saving finds them again instead of creating duplicates. Stripe prices are not
used (plans and products only), which is also what localstripe supports.
"""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from marketplace.billing.models import Plan
from marketplace.billing.plans import sync_plan_to_stripe
from marketplace.billing.stripe_client import is_configured


class Command(BaseCommand):
    help = "Crée chez Stripe les produits et plans des offres payantes qui n'en ont pas encore."

    def handle(self, *args, **options):
        if not is_configured():
            raise CommandError(_("La facturation n'est pas configurée (STRIPE_SECRET_KEY est vide)."))
        for plan in Plan.objects.exclude(kind=Plan.Kind.FREE).order_by("pk"):
            created = sync_plan_to_stripe(plan)
            if created:
                self.stdout.write(_("%(plan)s : créé chez Stripe (%(ids)s)") % {"plan": plan.slug, "ids": ", ".join(created)})
            else:
                self.stdout.write(_("%(plan)s : déjà synchronisé") % {"plan": plan.slug})
