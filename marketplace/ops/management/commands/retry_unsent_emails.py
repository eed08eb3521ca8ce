"""``manage.py retry_unsent_emails [--older-than SECONDS]``: enqueue notification emails not sent yet.

See marketplace/ops/recovery.py. Run from cron; a failed delivery (SMTP down) is sent on a later run.
"""
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from marketplace.ops.recovery import retry_unsent_emails


class Command(BaseCommand):
    help = "Remet en file l'envoi des e-mails de notification qui n'ont pas encore été envoyés."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=float, default=300, help="Âge minimal de la notification en secondes (300).")

    def handle(self, *args, older_than, **options):
        count = retry_unsent_emails(older_than=timedelta(seconds=older_than))
        self.stdout.write(_("%(count)d notification(s) remise(s) en file pour l'envoi.") % {"count": count})
