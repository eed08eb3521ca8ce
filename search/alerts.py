"""Alerts on RFQ publication: who should hear about a newly published RFQ, and telling them.

Two kinds of alert criteria are evaluated: saved RFQ alerts (``SavedSearch`` of kind ``rfqs``
with alerts on) and the implicit alert every published supplier profile carries (its skills,
materials, sectors and sites within ``PROFILE_ALERT_RADIUS_KM`` of the delivery commune).
"""
from __future__ import annotations


def suppliers_to_alert(rfq) -> list[tuple]:
    """``[(Organisation, reason), …]`` to alert about ``rfq``: visibility respected (an invited-only
    RFQ only alerts invited suppliers), the buyer never alerted. Evaluated with the
    Elasticsearch percolator when that is the search backend, else (or when it is unreachable) in SQL."""
    raise NotImplementedError


def alert_suppliers(rfq) -> int:
    """Notify (Pro: instant) or queue for the daily digest (Free) every supplier of
    :func:`suppliers_to_alert`; idempotent per RFQ and organisation. Returns how many were alerted."""
    raise NotImplementedError


def send_alert_digests(*, now=None) -> int:
    """Send one digest notification per user of the pending digest items; idempotent. Returns digests sent."""
    raise NotImplementedError
