"""Restore drill (RELIABILITY.md 32–33): back up a small marketplace, restore it into a fresh
database and fresh media roots in another process, and find the same rows, files and audit trail.
A tampered backup is refused before anything changes."""
from __future__ import annotations

import hashlib
import io
import json
import time
from contextlib import redirect_stdout
from datetime import datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from stripe import WebhookSignature

from marketplace.audit.models import AuditEntry
from marketplace.billing.models import StripeEvent
from marketplace.ops.backups import MANIFEST, sha256_of
from rfq import quoting, services
from rfq.models import Quote, RFQAttachment
from tests.faults.sites import drop_database, fault_run, fresh_database_url, manage, site_env
from tests.rfq.conftest import make_buyer, make_supplier, published_rfq_for
from tests.rfq.factories import priced_lines

pytestmark = [pytest.mark.faults, fault_run, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"

# Printed by the restored site: what it holds, for comparison with the source.
INSPECT = """
import hashlib, json
from pathlib import Path
from django.conf import settings
from marketplace.audit.models import AuditEntry
from marketplace.billing.models import StripeEvent
from rfq.models import Quote, RFQAttachment
files = {}
for prefix, root in (("media", settings.MEDIA_ROOT), ("private", settings.PRIVATE_MEDIA_ROOT)):
    for p in sorted(Path(root).rglob("*")):
        if p.is_file():
            files[prefix + "/" + p.relative_to(root).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
attachment = RFQAttachment.objects.get()
print(json.dumps({
    "files": files,
    "audit": [[e.created_at.isoformat(), e.actor_email, e.action, e.target_id] for e in AuditEntry.objects.order_by("pk")],
    "quote": [[q.status, str(q.total), q.version] for q in Quote.objects.all()],
    "attachment_sha256": attachment.sha256,
    "attachment_file_sha256": hashlib.sha256(attachment.file.read()).hexdigest(),
}))
"""


TABLE_COUNT = "from django.db import connection; print(len(connection.introspection.table_names()))"

# The stored Stripe events (every column, times in ISO) with the SHA-256 of each row, and the
# audit entries their processing wrote: run here and in the restored site, compared as JSON.
# StripeEvent keeps no payload (the state is read back from Stripe), so the row is what is hashed.
STRIPE_TRAIL = """
import hashlib, json
from marketplace.audit.models import AuditEntry
from marketplace.billing.models import StripeEvent
from marketplace.billing.models import StripeEvent
def _iso(value):
    return value.isoformat() if value else None
events = []
for e in StripeEvent.objects.order_by("pk"):
    row = [e.pk, e.stripe_id, e.type, e.object_id, _iso(e.created), _iso(e.received_at), _iso(e.processed_at),
           e.status, e.attempts, e.last_error, e.organisation_id]
    events.append({"row": row, "sha256": hashlib.sha256(json.dumps(row).encode()).hexdigest()})
audit = [[_iso(a.created_at), a.action, a.target_type, a.target_id, a.data]
         for a in AuditEntry.objects.filter(action__startswith="billing.").order_by("pk")]
print(json.dumps({"events": events, "audit": audit}))
"""


def stripe_trail() -> dict:
    """STRIPE_TRAIL run in this process, on the source database."""
    out = io.StringIO()
    with redirect_stdout(out):
        exec(STRIPE_TRAIL, {})
    return json.loads(out.getvalue())


def deliver_webhook(client, event: dict, secret: str):
    """One delivery signed as Stripe signs it, through the real endpoint."""
    payload = json.dumps(event)
    signature = WebhookSignature.generate_signature_header(payload, secret)
    return client.post("/stripe/webhook/", data=payload, content_type="application/json",
                       HTTP_STRIPE_SIGNATURE=signature)


@pytest.fixture
def marketplace_world(reference_data):
    """A buyer's published RFQ with a private drawing, a supplier's submitted quote, a public image."""
    buyer, supplier = make_buyer(), make_supplier()
    rfq = published_rfq_for(buyer)
    services.add_attachment(buyer.user, rfq, SimpleUploadedFile("plan-carter.pdf", PDF, content_type="application/pdf"))
    quoting.submit_quote(supplier.user, rfq, supplier.organisation, lines=priced_lines(rfq, "12.50"), lead_time_days=21)
    default_storage.save("logos/entreprise.png", ContentFile(b"\x89PNG\r\n\x1a\nlogo"))
    return rfq


@pytest.fixture
def fresh_site(tmp_path):
    url = fresh_database_url(tmp_path)
    yield site_env(tmp_path / "fresh-site", url)
    drop_database(url)


def backup_to(tmp_path):
    output = tmp_path / "backup"
    call_command("backup", output=output)
    return output


def test_restore_into_a_fresh_database_gives_back_counts_files_and_audit_trail(tmp_path, marketplace_world, fresh_site):
    output = backup_to(tmp_path)
    manifest = json.loads((output / MANIFEST).read_text())

    restored = manage(fresh_site, "restore", "--input", str(output))
    inspected = json.loads(manage(fresh_site, "shell", "--no-imports", "-c", INSPECT).stdout)

    assert "Restauration terminée" in restored.stdout
    assert manifest["row_counts"]["audit_auditentry"] == AuditEntry.objects.count() > 0
    assert manifest["row_counts"]["rfq_quote"] == 1
    assert manifest["migrations"]["rfq"]
    assert inspected["files"] == {e["path"]: e["sha256"] for e in manifest["files"] if "/" in e["path"]}
    attachment = RFQAttachment.objects.get()
    assert f"private/{attachment.file.name}" in inspected["files"]
    assert "media/logos/entreprise.png" in inspected["files"]
    assert inspected["attachment_sha256"] == inspected["attachment_file_sha256"] == hashlib.sha256(PDF).hexdigest()
    assert inspected["audit"] == [[e.created_at.isoformat(), e.actor_email, e.action, e.target_id]
                                  for e in AuditEntry.objects.order_by("pk")]
    assert inspected["quote"] == [[q.status, str(q.total), q.version] for q in Quote.objects.all()]
    assert all(entry[0].endswith("+00:00") for entry in inspected["audit"])  # stored and restored in UTC


def test_restore_gives_back_the_stored_stripe_events_and_their_audit_entries_identically(
    tmp_path, marketplace_world, fresh_site, client, settings
):
    """Drill for item 34: Stripe events received before the backup come back row for row (ids,
    statuses, times, a SHA-256 per row) with the audit entries of their processing."""
    settings.STRIPE_WEBHOOK_SECRET = secret = "whsec_restore_drill"
    now = int(time.time())
    # An invoice event without an invoice object is processed without calling Stripe (no
    # subscription to read back) and audited; a type we do not act on is stored as ignored.
    paid = {"id": "evt_drill_paid", "object": "event", "type": "invoice.paid", "created": now - 60,
            "data": {"object": {"object": "invoice"}}}
    ignored = {"id": "evt_drill_customer", "object": "event", "type": "customer.created", "created": now - 30,
               "data": {"object": {"id": "cus_drill", "object": "customer"}}}
    outcomes = [deliver_webhook(client, event, secret).json()["outcome"] for event in (paid, ignored, paid)]
    assert outcomes == ["processed", "ignored", "duplicate"]
    source = stripe_trail()
    assert [e["row"][1] for e in source["events"]] == ["evt_drill_paid", "evt_drill_customer"]
    assert [e["row"][7] for e in source["events"]] == [StripeEvent.Status.PROCESSED, StripeEvent.Status.IGNORED]
    assert [a[1] for a in source["audit"]] == ["billing.stripe_event_processed"]
    assert source["audit"][0][4]["stripe_event_id"] == "evt_drill_paid"

    output = backup_to(tmp_path)
    manifest = json.loads((output / MANIFEST).read_text())
    manage(fresh_site, "restore", "--input", str(output))
    restored = json.loads(manage(fresh_site, "shell", "--no-imports", "-c", STRIPE_TRAIL).stdout)

    assert manifest["row_counts"]["billing_stripeevent"] == 2
    assert restored == source
    assert all(e["row"][4].endswith("+00:00") and e["row"][5].endswith("+00:00") for e in restored["events"])


def test_restore_refuses_a_non_empty_target_without_force(tmp_path, marketplace_world, fresh_site):
    output = backup_to(tmp_path)
    manage(fresh_site, "restore", "--input", str(output))

    again = manage(fresh_site, "restore", "--input", str(output), check=False)
    forced = manage(fresh_site, "restore", "--input", str(output), "--force")

    assert again.returncode != 0 and "--force" in again.stderr
    assert "Restauration terminée" in forced.stdout


@pytest.mark.parametrize("tamper", ["private file", "manifest count", "extra file"])
def test_a_tampered_backup_is_refused_and_the_target_is_left_untouched(tmp_path, marketplace_world, fresh_site, tamper):
    output = backup_to(tmp_path)
    if tamper == "private file":
        drawing = next(p for p in (output / "private").rglob("*") if p.is_file())
        # Any private file, whatever its content: one byte flipped (a replace of a word found in
        # PDFs left other files unchanged, depending on which one rglob gave first).
        content = bytearray(drawing.read_bytes()) or bytearray(b"\0")
        content[len(content) // 2] ^= 0xFF
        drawing.write_bytes(bytes(content))
    elif tamper == "manifest count":
        manifest = json.loads((output / MANIFEST).read_text())
        manifest["row_counts"]["rfq_quote"] = 0
        (output / MANIFEST).write_text(json.dumps(manifest))
    else:
        (output / "private" / "intrus.pdf").write_bytes(PDF)
    target = tmp_path / "fresh-site"

    refused = manage(fresh_site, "restore", "--input", str(output), "--force", check=False)

    assert refused.returncode != 0
    assert any(word in refused.stderr for word in ("SHA-256", "altered", "not in the manifest"))
    assert not (target / "private").exists() and not (target / "media").exists()
    assert manage(fresh_site, "shell", "--no-imports", "-c", TABLE_COUNT).stdout.strip() == "0"


def test_backup_refuses_a_non_empty_output_directory(tmp_path, db):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "old.txt").write_text("x")

    with pytest.raises(Exception, match="not empty"):
        call_command("backup", output=tmp_path / "backup")


def test_manifest_lists_every_file_with_its_size_and_hash(tmp_path, marketplace_world):
    output = backup_to(tmp_path)
    manifest = json.loads((output / MANIFEST).read_text())

    for entry in manifest["files"]:
        path = output / entry["path"]
        assert path.stat().st_size == entry["size"]
        assert sha256_of(path) == entry["sha256"]
    assert manifest["database"] in {e["path"] for e in manifest["files"]}
    assert manifest["created_at"].endswith("+00:00")
    assert timedelta(0) <= timezone.now() - datetime.fromisoformat(manifest["created_at"]) < timedelta(minutes=5)
