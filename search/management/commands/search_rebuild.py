"""``manage.py search_rebuild``: rebuild the supplier search indexes from the published profiles.

Idempotent: run it after loading fixtures (raw saves are not indexed), after an engine outage,
or nightly so that certifications that expired drop out. On Elasticsearch it loads a new index
version and swaps the alias (zero downtime; see :mod:`search.backends.elasticsearch`), then
re-creates the alert percolator's queries (:mod:`search.backends.es_alerts`), which embed the
taxonomy's synonyms.
``--pending`` only replays the operations an external engine missed.

An unreachable engine is reported as a command error (exit status 1) after the database index
has been rebuilt; nothing is lost, the pending operations stay queued.
"""
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search import sync
from search.backends.base import SearchBackendUnavailable


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
            try:
                written = sync.rebuild(progress=bar.update)
            except SearchBackendUnavailable as exc:
                raise CommandError(f"Search engine unavailable, only the database index was rebuilt: {exc}") from exc
        alerts = written.pop("alerts", None)
        for backend, count in written.items():
            self.stdout.write(f"{backend}: {count} supplier(s) indexed")
        if alerts is not None:
            self.stdout.write(f"alerts: {alerts} alert(s) registered in the percolator")
