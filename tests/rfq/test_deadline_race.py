"""Concurrent submissions straddling the deadline: none is accepted late, one live quote per supplier.

Needs PostgreSQL (real row locks and a shared database clock); SQLite serialises whole
transactions and would prove nothing. Run with e.g.
``DATABASE_URL=postgres://marketplace:marketplace@127.0.0.1:55432/marketplace_quoting``.
"""
from __future__ import annotations

import random
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.db.models import Count
from django.db.models.functions import Now

from rfq import quoting
from rfq.exceptions import RFQError
from rfq.models import RFQ, Quote, QuoteVersion
from tests.rfq.factories import PublishedRFQFactory, priced_lines, supplier_with_owner

SUPPLIERS = 12
ATTEMPTS_PER_SUPPLIER = 2
DEADLINE_AHEAD = timedelta(seconds=2)


# Skipped before any database set-up, so a SQLite run does not flush the shared test database.
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="the deadline race needs PostgreSQL (row locks, database clock): set DATABASE_URL "
                           "to a postgres:// database to run it")
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_straddling_the_deadline_are_never_accepted_late():
    rfq = PublishedRFQFactory(lots=2)
    parties = [supplier_with_owner() for _ in range(SUPPLIERS)]
    lines = priced_lines(rfq, "10.00")
    outcomes: list[tuple[int, str]] = []
    unexpected: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(SUPPLIERS * ATTEMPTS_PER_SUPPLIER + 1)

    def attempt(index: int, organisation, user, delay: float) -> None:
        try:
            connection.ensure_connection()  # this thread's own connection, opened before the start
            barrier.wait(timeout=60)
            time.sleep(delay)
            try:
                quoting.submit_quote(user, RFQ.objects.get(pk=rfq.pk), organisation, lines=lines, lead_time_days=15)
                result = "accepted"
            except RFQError as error:
                result = error.code
            with lock:
                outcomes.append((index, result))
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            with lock:
                unexpected.append(error)
        finally:
            connections.close_all()

    rng = random.Random(20240611)
    threads = []
    for index, (organisation, user) in enumerate(parties):
        for _ in range(ATTEMPTS_PER_SUPPLIER):
            # Both attempts of a supplier run concurrently; starts spread across the deadline.
            delay = rng.uniform(0, 2 * DEADLINE_AHEAD.total_seconds())
            threads.append(threading.Thread(target=attempt, args=(index, organisation, user, delay)))
    for thread in threads:
        thread.start()
    # The deadline is set on the database clock just before the threads are released.
    RFQ.objects.filter(pk=rfq.pk).update(quote_deadline=Now() + DEADLINE_AHEAD)
    barrier.wait(timeout=60)
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a submission hung"
    assert not unexpected, unexpected

    rfq.refresh_from_db()
    deadline = rfq.quote_deadline
    results = Counter(result for _index, result in outcomes)
    assert len(outcomes) == SUPPLIERS * ATTEMPTS_PER_SUPPLIER
    assert set(results) <= {"accepted", "deadline_passed", "duplicate_quote"}, results
    # Both sides of the deadline were exercised, or the test proved nothing.
    assert results["deadline_passed"] >= 1 and results["accepted"] >= 1, results

    late_quotes = Quote.objects.filter(rfq=rfq, submitted_at__gt=deadline)
    late_versions = QuoteVersion.objects.filter(quote__rfq=rfq, submitted_at__gt=deadline)
    assert not late_quotes.exists() and not late_versions.exists()
    live = Quote.objects.filter(rfq=rfq).exclude(status=Quote.Status.WITHDRAWN)
    per_supplier = live.values("supplier").annotate(n=Count("pk"))
    assert all(row["n"] == 1 for row in per_supplier)
    # Every accepted attempt left a version; nothing else did.
    assert QuoteVersion.objects.filter(quote__rfq=rfq).count() == results["accepted"]
    suppliers_accepted = {index for index, result in outcomes if result == "accepted"}
    assert live.count() == len(suppliers_accepted)
