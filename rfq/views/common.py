"""Helpers shared by the public and supplier RFQ views."""
from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from marketplace.scanning.services import download_refusal

from .. import access, participation
from ..files import private_file_response
from ..models import RFQ


def active_organisation(request):
    """The organisation the user works as, unwrapped from the middleware's lazy object (or None)."""
    if not request.user.is_authenticated:
        return None
    return getattr(request.membership, "organisation", None)


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def visible_rfq_or_404(request, reference) -> RFQ:
    """The RFQ if the viewer may see at least its summary; a 404 otherwise, so an invitation-only
    RFQ or a draft does not even reveal that it exists."""
    rfq = get_object_or_404(
        RFQ.objects.select_related("buyer", "sector", "delivery_commune__departement"), reference=reference
    )
    if not access.can_see_rfq(request.user, active_organisation(request), rfq):
        raise Http404
    return rfq


def serve_private_file(request, rfq, organisation, fieldfile, *, upload, filename, content_type, source, file_id, sha256):
    """A private file as a download (attachment, nosniff, no-store), logged as a FileDownload.
    A file not scanned clean yet (``upload.scan_status``) is a 403 page saying why.
    The response is built first: a file missing from storage is a 404 and logs nothing."""
    refusal = download_refusal(upload)
    if refusal is not None:
        return render(request, "scanning/file_unavailable.html", {"message": refusal.message}, status=403)
    response = private_file_response(fieldfile, filename, content_type)
    participation.record_download(
        request.user, organisation, rfq,
        source=source, file_id=file_id, filename=filename, sha256=sha256, ip_address=client_ip(request),
    )
    return response
