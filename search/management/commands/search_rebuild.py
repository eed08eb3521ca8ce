"""``manage.py search_rebuild``: rebuild the supplier search indexes from the published profiles.

Idempotent: run it after loading fixtures (raw saves are not indexed), after an engine outage,
or nightly so that certifications that expired drop out. ``--pending`` only replays the
operations an external engine missed.
"""
from django.core.management.base import BaseCommand
from tqdm import tqdm

from search import sync


class Command(BaseCommand):
    help = "Rebuild the supplier search indexes (database, and the external engine if configured)."

    def add_arguments(self, parser):
        parser.add_argument("--pending", action="store_true", help="Only replay the operations an external engine missed.")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, pending=False, quiet=False, **options):
        if pending:
            remaining = sync.retry_pending()
            self.stdout.write(f"Pending operations left: {remaining}")
            return
        from suppliers.models import SupplierProfile

        backends = 2 if sync.external_backend() is not None else 1
        total = SupplierProfile.objects.published().count() * backends
        with tqdm(total=total, unit="profile", disable=quiet, file=self.stderr) as bar:
            written = sync.rebuild(progress=bar.update)
        for backend, count in written.items():
            self.stdout.write(f"{backend}: {count} supplier(s) indexed")
