"""Close every published RFQ whose quote deadline has passed (cron; safe to run any time)."""
from django.core.management.base import BaseCommand

from rfq.services import close_due_rfqs


class Command(BaseCommand):
    help = "Close published RFQs whose quote deadline has passed. Idempotent: run it from cron."

    def handle(self, *args, **options):
        closed = close_due_rfqs()
        self.stdout.write(f"{closed} RFQ(s) closed.")
