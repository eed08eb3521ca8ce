"""``manage.py requeue_stale_tasks [--older-than SECONDS]``: rerun tasks whose worker died.

See marketplace/ops/recovery.py. Run from cron; the threshold must exceed the longest task.
"""
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from marketplace.ops.recovery import requeue_stale_tasks


class Command(BaseCommand):
    help = "Remet en file les tâches restées « en cours » après l'arrêt brutal de leur worker."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=float, default=900, help="Secondes depuis le début de la tâche (900).")

    def handle(self, *args, older_than, **options):
        count = requeue_stale_tasks(older_than=timedelta(seconds=older_than))
        self.stdout.write(_("%(count)d tâche(s) remise(s) en file.") % {"count": count})
