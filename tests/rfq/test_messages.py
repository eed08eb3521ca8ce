"""Conversations between an RFQ's buyer and one supplier: the service rules and the thread page."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from marketplace.audit.models import AuditEntry
from marketplace.notifications.models import Notification
from rfq import messaging
from rfq.exceptions import RFQError
from rfq.models import Message, MessageThread, RFQInvitation
from tests.rfq.factories import PublishedRFQFactory, RFQFactory, SubmittedQuoteFactory, buyer_with_owner, supplier_with_owner

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def parties():
    """(rfq, buyer, buyer_user, supplier, supplier_user) with a submitted quote from the supplier."""
    buyer, buyer_user = buyer_with_owner()
    rfq = PublishedRFQFactory(buyer=buyer)
    supplier, supplier_user = supplier_with_owner()
    SubmittedQuoteFactory(rfq=rfq, supplier=supplier)
    return rfq, buyer, buyer_user, supplier, supplier_user


def thread_url(rfq, supplier):
    return reverse("rfq:thread", args=[rfq.reference, supplier.slug])


# --- Service -------------------------------------------------------------------------------------


def test_quoting_supplier_writes_to_the_buyer_who_is_notified_without_the_text(parties):
    rfq, buyer, buyer_user, supplier, supplier_user = parties

    message = messaging.post_message(supplier_user, rfq, supplier, supplier, "Pouvez-vous préciser la tolérance ?")

    assert message.thread == MessageThread.objects.get(rfq=rfq, supplier=supplier)
    notification = Notification.objects.get(recipient=buyer_user, kind=messaging.NOTIFICATION_KIND)
    assert "tolérance" not in notification.title + notification.body
    assert supplier.name in notification.body
    assert AuditEntry.objects.filter(action="rfq.message_posted", target_id=str(message.pk)).exists()


def test_buyer_replies_in_the_same_thread(parties):
    rfq, buyer, buyer_user, supplier, supplier_user = parties
    messaging.post_message(supplier_user, rfq, supplier, supplier, "Question")

    messaging.post_message(buyer_user, rfq, supplier, buyer, "Réponse")

    assert MessageThread.objects.filter(rfq=rfq).count() == 1
    assert Notification.objects.filter(recipient=supplier_user, kind=messaging.NOTIFICATION_KIND).exists()


def test_invited_supplier_without_a_quote_may_write(parties):
    rfq, *_ = parties
    invited, invited_user = supplier_with_owner()
    RFQInvitation.objects.create(rfq=rfq, supplier=invited)

    assert messaging.post_message(invited_user, rfq, invited, invited, "Bonjour").pk


def test_supplier_not_involved_in_the_rfq_cannot_open_a_thread(parties):
    rfq, *_ = parties
    stranger, stranger_user = supplier_with_owner()

    with pytest.raises(RFQError) as refused:
        messaging.post_message(stranger_user, rfq, stranger, stranger, "Bonjour")

    assert refused.value.code == "supplier_not_involved"
    assert not MessageThread.objects.filter(rfq=rfq, supplier=stranger).exists()


def test_a_user_cannot_write_for_an_organisation_they_do_not_belong_to(parties):
    rfq, buyer, _buyer_user, supplier, _supplier_user = parties
    _other, outsider = supplier_with_owner()

    with pytest.raises(RFQError) as refused:
        messaging.post_message(outsider, rfq, supplier, supplier, "Usurpation")

    assert refused.value.code == "not_party"


def test_empty_message_and_draft_rfq_are_refused(parties):
    rfq, _buyer, _buyer_user, supplier, supplier_user = parties
    with pytest.raises(RFQError):
        messaging.post_message(supplier_user, rfq, supplier, supplier, "   ")

    draft = RFQFactory(buyer=rfq.buyer)
    RFQInvitation.objects.create(rfq=draft, supplier=supplier)
    with pytest.raises(RFQError) as refused:
        messaging.post_message(supplier_user, draft, supplier, supplier, "Bonjour")
    assert refused.value.code == "wrong_state"


def test_attachment_is_checked_and_stored_with_its_hash(parties):
    rfq, _buyer, _buyer_user, supplier, supplier_user = parties

    message = messaging.post_message(
        supplier_user, rfq, supplier, supplier, "Notre plan", SimpleUploadedFile("../../plan.pdf", PDF, "application/pdf")
    )

    assert message.attachment_name == "plan.pdf"
    assert message.attachment_kind == "pdf"
    assert len(message.attachment_sha256) == 64


def test_disguised_attachment_is_refused_and_nothing_is_saved(parties):
    rfq, _buyer, _buyer_user, supplier, supplier_user = parties

    with pytest.raises(RFQError):
        messaging.post_message(
            supplier_user, rfq, supplier, supplier, "Plan",
            SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
        )

    assert not Message.objects.exists()


def test_mark_thread_read_records_the_readers_side(parties):
    rfq, buyer, buyer_user, supplier, supplier_user = parties
    messaging.post_message(supplier_user, rfq, supplier, supplier, "Question")
    thread = messaging.thread_for(rfq, supplier)
    assert messaging.unread_count(thread, buyer) == 1

    messaging.mark_thread_read(buyer_user, thread, buyer)

    thread.refresh_from_db()
    assert thread.buyer_read_at is not None
    assert messaging.unread_count(thread, buyer) == 0


# --- Page ----------------------------------------------------------------------------------------


def test_both_parties_read_the_thread_page(client, parties):
    rfq, _buyer, buyer_user, supplier, supplier_user = parties
    messaging.post_message(supplier_user, rfq, supplier, supplier, "Délai de 4 semaines possible ?")

    for user in (buyer_user, supplier_user):
        client.force_login(user)
        response = client.get(thread_url(rfq, supplier))
        assert response.status_code == 200
        assert "Délai de 4 semaines possible ?" in response.content.decode()


def test_a_third_supplier_gets_a_404_on_the_thread_and_its_attachment(client, parties):
    rfq, _buyer, _buyer_user, supplier, supplier_user = parties
    message = messaging.post_message(
        supplier_user, rfq, supplier, supplier, "Plan joint", SimpleUploadedFile("plan.pdf", PDF, "application/pdf")
    )
    _third, third_user = supplier_with_owner()
    client.force_login(third_user)

    assert client.get(thread_url(rfq, supplier)).status_code == 404
    assert client.post(thread_url(rfq, supplier), {"body": "Intrusion"}).status_code == 404
    attachment_url = reverse("rfq:message_attachment", args=[rfq.reference, supplier.slug, message.pk])
    assert client.get(attachment_url).status_code == 404
    assert Message.objects.count() == 1


def test_supplier_posts_from_the_page_and_the_attachment_downloads_for_the_buyer(client, parties):
    rfq, _buyer, buyer_user, supplier, supplier_user = parties
    client.force_login(supplier_user)

    response = client.post(
        thread_url(rfq, supplier),
        {"body": "Voici notre gamme", "attachment": SimpleUploadedFile("gamme.pdf", PDF, "application/pdf")},
    )

    assert response.status_code == 302
    message = Message.objects.get()
    client.force_login(buyer_user)
    download = client.get(reverse("rfq:message_attachment", args=[rfq.reference, supplier.slug, message.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert rfq.downloads.filter(source="message", file_id=message.pk, user=buyer_user).exists()


def test_htmx_post_returns_the_conversation_with_a_fresh_form(client, parties):
    rfq, _buyer, _buyer_user, supplier, supplier_user = parties
    client.force_login(supplier_user)

    response = client.post(thread_url(rfq, supplier), {"body": "Envoyé avec htmx"}, HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="conversation"' in content
    assert "Envoyé avec htmx" in content
    assert "<html" not in content


def test_refused_message_keeps_the_text_typed(client, parties):
    rfq, _buyer, _buyer_user, supplier, supplier_user = parties
    client.force_login(supplier_user)

    response = client.post(
        thread_url(rfq, supplier),
        {"body": "Plan en pièce jointe", "attachment": SimpleUploadedFile("plan.pdf", b"pas un pdf", "application/pdf")},
    )

    assert response.status_code == 400
    assert "Plan en pièce jointe" in response.content.decode()
    assert not Message.objects.exists()


def test_supplier_reaches_its_thread_from_the_quote_page(client, parties):
    rfq, _buyer, _buyer_user, supplier, supplier_user = parties
    client.force_login(supplier_user)

    page = client.get(reverse("rfq:quote", args=[rfq.reference])).content.decode()

    assert thread_url(rfq, supplier) in page
