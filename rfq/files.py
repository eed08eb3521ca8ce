"""Checks of uploaded files (RFQ, quote and message attachments) and private file responses.

The type is recognised by content (magic bytes), never by the name or the browser's type; names
are reduced to a displayable base name (the name on disk is random, see the models' upload_to).

Settings (read with defaults): ``RFQ_MAX_FILE_BYTES`` (25 MB per file) and
``RFQ_MAX_ORGANISATION_BYTES`` (500 MB stored per organisation).
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Sum
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from .exceptions import RFQError
from .models import AttachmentKind

DEFAULT_MAX_FILE_BYTES = 25 * 1024 * 1024
DEFAULT_MAX_ORGANISATION_BYTES = 500 * 1024 * 1024
MAX_NAME_LENGTH = 150
ZIP_MAX_MEMBERS = 1000
ZIP_MAX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024
# Enough to recognise every format below, including an IGES first record and a DXF header
# preceded by blank lines or a comment group.
HEAD_BYTES = 4096

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "tiff": "image/tiff",
    "dxf": "image/vnd.dxf",
    "dwg": "image/vnd.dwg",
    "step": "model/step",
    "iges": "model/iges",
    "zip": "application/zip",
}
KINDS = {
    "pdf": AttachmentKind.PDF,
    "png": AttachmentKind.IMAGE,
    "jpeg": AttachmentKind.IMAGE,
    "gif": AttachmentKind.IMAGE,
    "webp": AttachmentKind.IMAGE,
    "tiff": AttachmentKind.IMAGE,
    "dxf": AttachmentKind.DXF,
    "dwg": AttachmentKind.DWG,
    "step": AttachmentKind.STEP,
    "iges": AttachmentKind.IGES,
    "zip": AttachmentKind.ZIP,
}

_DXF_ASCII = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:\s*999\r?\n[^\n]*\n)*\s*0\s*\r?\n\s*SECTION\s*\r?\n")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class CheckedFile:
    kind: str  # rfq.models.AttachmentKind value
    content_type: str
    size: int
    sha256: str
    safe_name: str


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f}"


def max_file_bytes() -> int:
    return int(getattr(settings, "RFQ_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES))


def max_organisation_bytes() -> int:
    return int(getattr(settings, "RFQ_MAX_ORGANISATION_BYTES", DEFAULT_MAX_ORGANISATION_BYTES))


def safe_filename(name: str) -> str:
    """The base name of ``name`` without path, control characters, at most 150 characters."""
    name = unicodedata.normalize("NFC", str(name or ""))
    # Both separators: a Windows browser may send C:\\Users\\…\\plan.pdf.
    name = re.split(r"[\\/]", name)[-1]
    name = _CONTROL.sub("", name).strip().strip(".").strip()
    if not name:
        name = "fichier"
    if len(name) > MAX_NAME_LENGTH:
        stem, ext = os.path.splitext(name)
        ext = ext[:16]
        name = stem[: MAX_NAME_LENGTH - len(ext)] + ext
    return name


def _sniff(head: bytes) -> str | None:
    """The format recognised from the first bytes, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith(b"AutoCAD Binary DXF"):
        return "dxf"
    if _DXF_ASCII.match(head):
        return "dxf"
    if head.startswith(b"AC10"):
        return "dwg"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"ISO-10303-21;"):
        return "step"
    if _is_iges(head):
        return "iges"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def _is_iges(head: bytes) -> bool:
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    # Fixed 80-column records; the section letter of the first (Start) record is in column 73.
    return len(first) >= 73 and first[72:73] == b"S" and (len(first) == 80 or first[73:].strip().isdigit())


def _check_zip(uploaded, name: str) -> None:
    refused = RFQError(
        _("L'archive « %(name)s » n'est pas acceptée : elle est illisible, contient des chemins "
          "dangereux, plus de %(members)d fichiers ou plus de %(size)s Mo une fois décompressée.")
        % {"name": name, "members": ZIP_MAX_MEMBERS, "size": _megabytes(ZIP_MAX_UNCOMPRESSED_BYTES)},
        code="bad_archive",
    )
    try:
        with zipfile.ZipFile(uploaded) as archive:
            members = archive.infolist()
            if len(members) > ZIP_MAX_MEMBERS:
                raise refused
            total = 0
            for member in members:
                path = member.filename.replace("\\", "/")
                if path.startswith("/") or re.match(r"^[A-Za-z]:", path) or ".." in path.split("/"):
                    raise refused
                total += member.file_size
            if total > ZIP_MAX_UNCOMPRESSED_BYTES:
                raise refused
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise refused from None
    finally:
        uploaded.seek(0)


def _size_of(uploaded) -> int:
    size = getattr(uploaded, "size", None)
    if size is None:
        uploaded.seek(0, io.SEEK_END)
        size = uploaded.tell()
    uploaded.seek(0)
    return size


def check_upload(uploaded, *, organisation=None, used_bytes: int = 0) -> CheckedFile:
    """Recognise and check ``uploaded``; raise RFQError naming the file when refused.
    ``used_bytes``: what the organisation already stores (see :func:`organisation_used_bytes`);
    when it is 0 and ``organisation`` is given, it is computed here."""
    name = safe_filename(getattr(uploaded, "name", "") or "")
    size = _size_of(uploaded)
    if size == 0:
        raise RFQError(_("Le fichier « %(name)s » est vide.") % {"name": name}, code="empty_file")
    limit = max_file_bytes()
    if size > limit:
        raise RFQError(
            _("Le fichier « %(name)s » dépasse la taille maximale de %(max)s Mo.") % {"name": name, "max": _megabytes(limit)},
            code="file_too_large",
        )
    if organisation is not None and not used_bytes:
        used_bytes = organisation_used_bytes(organisation)
    quota = max_organisation_bytes()
    if used_bytes + size > quota:
        raise RFQError(
            _("Le fichier « %(name)s » ferait dépasser l'espace de stockage de votre organisation (%(max)s Mo). "
              "Supprimez des pièces jointes devenues inutiles.") % {"name": name, "max": _megabytes(quota)},
            code="quota_exceeded",
        )
    uploaded.seek(0)
    head = uploaded.read(HEAD_BYTES)
    uploaded.seek(0)
    fmt = _sniff(head)
    if fmt is None:
        raise RFQError(
            _("Le fichier « %(name)s » n'est pas d'un type accepté (son contenu a été vérifié, pas seulement son nom) : "
              "PDF, image PNG, JPEG, GIF, WebP ou TIFF, DXF, DWG, STEP, IGES ou ZIP.") % {"name": name},
            code="file_type",
        )
    if fmt == "zip":
        _check_zip(uploaded, name)
    digest = hashlib.sha256()
    if hasattr(uploaded, "chunks"):
        for chunk in uploaded.chunks():
            digest.update(chunk)
    else:
        for chunk in iter(lambda: uploaded.read(1024 * 1024), b""):
            digest.update(chunk)
    uploaded.seek(0)
    return CheckedFile(kind=str(KINDS[fmt]), content_type=CONTENT_TYPES[fmt], size=size,
                       sha256=digest.hexdigest(), safe_name=name)


def organisation_used_bytes(organisation) -> int:
    """Bytes stored by ``organisation`` in RFQ, quote and message attachments."""
    from .models import Message, QuoteAttachment, RFQAttachment

    rfq_bytes = RFQAttachment.objects.filter(rfq__buyer=organisation).aggregate(n=Sum("size"))["n"] or 0
    quote_bytes = QuoteAttachment.objects.filter(quote__supplier=organisation).aggregate(n=Sum("size"))["n"] or 0
    message_bytes = (
        Message.objects.filter(author_organisation=organisation).aggregate(n=Sum("attachment_size"))["n"] or 0
    )
    return int(rfq_bytes + quote_bytes + message_bytes)


def private_file_response(fieldfile, filename, content_type) -> FileResponse:
    """A FileResponse as attachment with ``nosniff`` and ``no-store``; Http404 if missing.

    ``content_type`` is the type we stored after checking the content, never the upload's."""
    if not fieldfile or not fieldfile.name:
        raise Http404("No file.")
    try:
        handle = fieldfile.storage.open(fieldfile.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404("File missing.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=safe_filename(filename), content_type=content_type or "application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
