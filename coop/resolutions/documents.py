"""Uploaded papers: checked by content, kept in the database, served under their own name."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata

from flask import send_file
from flask_babel import gettext as _

from ..errors import ValidationError
from ..extensions import db
from ..models import Document

MAX_PDF_BYTES = 20 * 1024 * 1024
PDF_MEDIA_TYPE = "application/pdf"


def looks_like_pdf(data: bytes) -> bool:
    """A PDF starts with `%PDF-` (within its first KiB, as readers allow), ends with `%%EOF`
    and opens as one: pypdf reads its cross-reference table and finds at least one page. A file
    that merely starts like a PDF and carries HTML or script is refused.

    The name and the browser's content type are not trusted; the bytes are.
    """
    head = data[:1024]
    if re.search(rb"%PDF-[12]\.\d", head) is None or b"%%EOF" not in data[-2048:]:
        return False
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return len(PdfReader(io.BytesIO(data), strict=False).pages) > 0
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError):
        return False


def clean_file_name(name: str | None) -> str:
    """The original file name without a path or control characters, at most 255 long."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C"
    )
    name = name.strip().strip(".") or "dokument.pdf"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    if len(name) > 255:
        name = name[:251] + ".pdf"
    return name


def store_pdf(file_name: str | None, data: bytes, field: str = "document") -> Document:
    """Check `data` is a PDF of at most 20 MB and add it as a Document (flushed)."""
    if not data:
        raise ValidationError(
            _("Please correct the marked fields."), {field: _("The file is empty.")}
        )
    if len(data) > MAX_PDF_BYTES:
        raise ValidationError(
            _("Please correct the marked fields."),
            {field: _("The file is larger than 20 MB.")},
        )
    if not looks_like_pdf(data):
        raise ValidationError(
            _("Please correct the marked fields."),
            {field: _("The file is not a PDF document.")},
        )
    document = Document(
        file_name=clean_file_name(file_name),
        media_type=PDF_MEDIA_TYPE,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
    )
    db.session.add(document)
    db.session.flush()
    return document


def send_document(document):
    """The stored bytes as a download with the original name (also used by the UI)."""
    response = send_file(
        io.BytesIO(document.content),
        mimetype=document.media_type,
        download_name=document.file_name,
        as_attachment=False,
        etag=document.sha256,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    # whatever a file holds, it never runs as a page of our origin
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


# Forms and API routes that take a paper: room for the file and the other fields; every other
# request keeps MAX_CONTENT_LENGTH (JSON bodies: 1 MiB).
UPLOAD_ENDPOINTS = {
    "resolutions.create",
    "resolutions.edit",
    "funding.document_add",
    "api.put_document",
}
UPLOAD_LIMIT = MAX_PDF_BYTES + 1024 * 1024
# A spreadsheet to import: a matrix of 20,000 rows (the most an import takes) is about 5 MB as
# CSV and less as XLSX. What a file may unpack to and cost to read is limited where it is read
# (coop.imports.sheet); this keeps a worker from receiving more than an import can use.
MAX_SPREADSHEET_BYTES = 8 * 1024 * 1024
SPREADSHEET_ENDPOINTS = {"imports.upload", "api.import_resolutions", "api.import_initiatives"}
SPREADSHEET_LIMIT = MAX_SPREADSHEET_BYTES + 64 * 1024  # and the form's other fields


def init_uploads(app) -> None:
    """Before an upload route reads the body: refuse one larger than its limit with a clear 413
    (the import's page and its API, for a file sent as the body, name their own limit)."""
    from flask import request

    @app.before_request
    def _room_for_papers():
        if request.endpoint in UPLOAD_ENDPOINTS:
            request.max_content_length = UPLOAD_LIMIT
        elif request.endpoint in SPREADSHEET_ENDPOINTS:
            request.max_content_length = SPREADSHEET_LIMIT
