"""Background task of the scanning app (django-tasks)."""
from django_tasks import task


@task()
def scan_upload(label: str, pk: int) -> str:
    """Scan the upload ``label``/``pk`` with clamd (enqueued on commit by
    :func:`marketplace.scanning.services.request_scan`). Idempotent: an upload no longer pending
    is left alone. Raises when clamd is unreachable; ``scan_pending_uploads`` enqueues it again."""
    from .services import scan_upload as scan

    return str(scan(label, pk))
