"""Signals of the RFQ life cycle.

Each is sent by :mod:`rfq.services` with ``transaction.on_commit``: receivers run only once the
change is committed, never for a rolled-back one. Receivers must not raise (log instead): the
change is already done. They must never expose sealed quote content.
"""
from django.dispatch import Signal

#: Sent by ``rfq.services.publish_rfq`` after the commit that publishes an RFQ.
#: ``sender`` is the ``RFQ`` class; kwargs: ``rfq`` (the published RFQ instance).
#: Receivers: search indexing, saved-search alerts, matching suppliers.
rfq_published = Signal()

#: Sent by ``rfq.services.close_rfq`` after the commit that closes an RFQ at its deadline.
#: ``sender`` is the ``RFQ`` class; kwargs: ``rfq``, ``quote_count`` (submitted live quotes, a
#: count only). Receivers: search index removal (no longer open), dashboards' caches.
rfq_closed = Signal()

#: Sent by ``rfq.services.cancel_rfq`` after the commit that cancels an RFQ.
#: ``sender`` is the ``RFQ`` class; kwargs: ``rfq``, ``reason`` (the buyer's reason, shown to
#: suppliers). Receivers: search index removal.
rfq_cancelled = Signal()
