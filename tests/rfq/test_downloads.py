"""Private files of an RFQ and of quotes: served only to those allowed, as downloads, logged."""
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from rfq.models import RFQ, FileDownload, NDAAcceptance, QuoteAttachment, RFQAttachment
from tests.rfq.factories import PublishedRFQFactory, SubmittedQuoteFactory, buyer_with_owner, supplier_with_owner

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def rfq_file(rfq, name="plan-carter.pdf"):
    return RFQAttachment.objects.create(
        rfq=rfq, file=ContentFile(PDF, name="x"), original_name=name, kind="pdf",
        content_type="application/pdf", size=len(PDF), sha256=hashlib.sha256(PDF).hexdigest(),
        scan_status="clean",  # as if scanned (marketplace.scanning)
    )


def quote_file(quote, name="offre-technique.pdf"):
    return QuoteAttachment.objects.create(
        quote=quote, file=ContentFile(PDF, name="x"), original_name=name, kind="pdf",
        content_type="application/pdf", size=len(PDF), sha256=hashlib.sha256(PDF).hexdigest(),
        scan_status="clean",  # as if scanned (marketplace.scanning)
    )


def attachment_url(attachment):
    return reverse("rfq:attachment", args=[attachment.rfq.reference, attachment.pk])


def quote_attachment_url(attachment):
    quote = attachment.quote
    return reverse("rfq:quote_attachment", args=[quote.rfq.reference, quote.pk, attachment.pk])


def assert_private_download(response, name):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert name in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF


def test_confidential_file_is_refused_before_the_nda_and_served_and_logged_after(client):
    rfq = PublishedRFQFactory(visibility=RFQ.Visibility.CONFIDENTIAL, nda_text="Secret.")
    attachment = rfq_file(rfq)
    supplier, user = supplier_with_owner()
    client.force_login(user)

    before = client.get(attachment_url(attachment))
    assert before.status_code in (403, 404)
    assert not FileDownload.objects.exists()

    client.post(reverse("rfq:accept_nda", args=[rfq.reference]), {"accept": "on"})
    after = client.get(attachment_url(attachment), REMOTE_ADDR="198.51.100.7")

    assert_private_download(after, "plan-carter.pdf")
    download = FileDownload.objects.get()
    assert (download.rfq, download.source, download.file_id) == (rfq, FileDownload.Source.RFQ, attachment.pk)
    assert (download.user, download.organisation, download.ip_address) == (user, supplier, "198.51.100.7")
    assert download.sha256 == attachment.sha256


def test_anonymous_visitor_is_asked_to_log_in_and_gets_no_file(client):
    attachment = rfq_file(PublishedRFQFactory())

    response = client.get(attachment_url(attachment))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not FileDownload.objects.exists()


def test_file_of_an_invited_rfq_is_a_404_for_a_supplier_not_invited(client):
    attachment = rfq_file(PublishedRFQFactory(visibility=RFQ.Visibility.INVITED))
    _supplier, user = supplier_with_owner()
    client.force_login(user)

    assert client.get(attachment_url(attachment)).status_code == 404


def test_a_file_id_of_another_rfq_is_a_404(client):
    visible = PublishedRFQFactory()
    other = rfq_file(PublishedRFQFactory(visibility=RFQ.Visibility.CONFIDENTIAL, nda_text="Secret."))
    _supplier, user = supplier_with_owner()
    client.force_login(user)

    response = client.get(reverse("rfq:attachment", args=[visible.reference, other.pk]))

    assert response.status_code == 404


def test_buyer_downloads_its_own_rfq_files(client):
    buyer, user = buyer_with_owner()
    attachment = rfq_file(PublishedRFQFactory(buyer=buyer))
    client.force_login(user)

    assert_private_download(client.get(attachment_url(attachment)), "plan-carter.pdf")


def test_quoting_supplier_downloads_its_quote_file_and_the_download_is_logged(client):
    supplier, user = supplier_with_owner()
    quote = SubmittedQuoteFactory(supplier=supplier)
    attachment = quote_file(quote)
    client.force_login(user)

    assert_private_download(client.get(quote_attachment_url(attachment)), "offre-technique.pdf")
    assert FileDownload.objects.filter(source=FileDownload.Source.QUOTE, file_id=attachment.pk, user=user).exists()


def test_quote_file_is_a_404_for_the_buyer_before_opening_and_for_a_rival(client):
    buyer, buyer_user = buyer_with_owner()
    rfq = PublishedRFQFactory(buyer=buyer)
    supplier, _user = supplier_with_owner()
    attachment = quote_file(SubmittedQuoteFactory(rfq=rfq, supplier=supplier))
    _rival, rival_user = supplier_with_owner()

    for user in (buyer_user, rival_user):
        client.force_login(user)
        assert client.get(quote_attachment_url(attachment)).status_code == 404
    assert not FileDownload.objects.exists()


def test_buyer_downloads_a_quote_file_once_the_quotes_are_opened(client):
    from django.utils import timezone

    buyer, buyer_user = buyer_with_owner()
    rfq = PublishedRFQFactory(buyer=buyer, status=RFQ.Status.CLOSED, opened_at=timezone.now())
    attachment = quote_file(SubmittedQuoteFactory(rfq=rfq))
    client.force_login(buyer_user)

    assert_private_download(client.get(quote_attachment_url(attachment)), "offre-technique.pdf")


def test_nda_acceptance_of_another_organisation_does_not_open_the_files(client):
    rfq = PublishedRFQFactory(visibility=RFQ.Visibility.CONFIDENTIAL, nda_text="Secret.")
    attachment = rfq_file(rfq)
    accepted, _owner = supplier_with_owner()
    NDAAcceptance.objects.create(rfq=rfq, organisation=accepted, nda_text=rfq.nda_text)
    _other, user = supplier_with_owner()
    client.force_login(user)

    assert client.get(attachment_url(attachment)).status_code == 403
