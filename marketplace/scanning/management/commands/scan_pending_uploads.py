"""``manage.py scan_pending_uploads``: enqueue a virus scan for every upload still pending.

Run from cron (docs/OPERATIONS.md): a scan that failed because clamd was down is retried.
"""
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from marketplace.scanning.services import enqueue_pending_scans


class Command(BaseCommand):
    help = "Remet en file l'analyse antivirus des fichiers déposés encore en attente."

    def handle(self, *args, **options):
        count = enqueue_pending_scans()
        self.stdout.write(_("%(count)d fichier(s) remis en file pour l'analyse antivirus.") % {"count": count})
