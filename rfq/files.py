"""Checks of uploaded files (RFQ, quote and message attachments) and private file responses.

The type is recognised by content (magic bytes), never by the name or the browser's type; names
are reduced to a displayable base name (the name on disk is random, see the models' upload_to).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckedFile:
    kind: str  # rfq.models.AttachmentKind value
    content_type: str
    size: int
    sha256: str
    safe_name: str


def check_upload(uploaded, *, organisation=None, used_bytes: int = 0) -> CheckedFile:
    """Recognise and check ``uploaded``; raise RFQError naming the file when refused.
    ``used_bytes``: what the organisation already stores (see :func:`organisation_used_bytes`)."""
    raise NotImplementedError


def organisation_used_bytes(organisation) -> int:
    """Bytes stored by ``organisation`` in RFQ, quote and message attachments."""
    raise NotImplementedError


def safe_filename(name: str) -> str:
    """The base name of ``name`` without path, control characters, at most 150 characters."""
    raise NotImplementedError


def private_file_response(fieldfile, filename, content_type):
    """A FileResponse as attachment with ``nosniff`` and ``no-store``; Http404 if missing."""
    raise NotImplementedError
