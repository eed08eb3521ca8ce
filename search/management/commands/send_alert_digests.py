"""``manage.py send_alert_digests``: the daily digest of matching RFQs for free suppliers (cron,
once a day). Idempotent: sent items are marked in the same transaction, a second run sends nothing."""
from django.core.management.base import BaseCommand

from search.alerts import send_alert_digests


class Command(BaseCommand):
    help = "Send the daily digest of matching RFQs to suppliers without instant alerts."

    def handle(self, *args, **options):
        sent = send_alert_digests()
        if options["verbosity"]:
            self.stdout.write(f"{sent} digest(s) sent.")
