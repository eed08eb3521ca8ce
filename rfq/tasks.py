"""Background tasks of the RFQ life cycle (django-tasks)."""
from __future__ import annotations

from django_tasks import task


@task()
def close_rfq(rfq_id: int) -> bool:
    """Close RFQ ``rfq_id`` if its quote deadline has passed (by the database clock).

    Enqueued by ``publish_rfq`` with ``run_after=quote_deadline`` and again whenever the deadline
    moves. The worker may run it late, early (an old schedule after an extension) or twice: it is a
    no-op unless the RFQ is still published and due. Returns True when this run closed it.
    """
    from .models import RFQ
    from .services import close_rfq as close

    rfq = RFQ.objects.filter(pk=rfq_id).first()
    if rfq is None:
        return False
    closed_before = rfq.closed_at
    rfq = close(rfq)
    return rfq.closed_at is not None and closed_before is None
