"""Uploads as promised: papers up to 20 MB from the forms and the API, a clear answer in the
person's language beyond, only real PDFs, and a served file never runs as a page of ours."""

import io
import os

from pypdf import PdfWriter
from sqlalchemy import select

from coop.extensions import db
from coop.models import Resolution


def pdf_of(size: int) -> bytes:
    """A real PDF of about `size` bytes (a page and an attachment)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("anlage.bin", os.urandom(size))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _post_resolution(client, auth, ini, seed, document: bytes, name="vorlage.pdf"):
    path = f"/initiatives/{ini.id}/resolutions/new"
    return client.post(
        path,
        data={
            "csrf_token": auth.csrf(path),
            "body_id": str(seed.bodies["brakel"].id),
            "organ": "Stadtrat Brakel",
            "kind": "basic_decision",
            "session_date": "2024-03-10",
            "outcome": "adopted",
            "result_text": "einstimmig",
            "document": (io.BytesIO(document), name),
        },
        content_type="multipart/form-data",
    )


def test_a_5_mb_paper_uploads_from_the_form(client, auth, seed, ini):
    auth.login("coordinator@test.example")
    paper = pdf_of(5 * 1024 * 1024)
    r = _post_resolution(client, auth, ini, seed, paper)
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    stored = db.session.scalar(select(Resolution).where(Resolution.organ == "Stadtrat Brakel"))
    assert stored.document.size == len(paper)
    served = client.get(f"/resolutions/{stored.id}/document")
    assert served.data == paper
    assert served.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_just_over_20_mb_comes_back_at_the_field_with_everything_typed(client, auth, seed, ini):
    auth.login("coordinator@test.example")
    r = _post_resolution(client, auth, ini, seed, pdf_of(20 * 1024 * 1024 + 50_000))
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "größer als 20 MB" in page
    assert 'value="Stadtrat Brakel"' in page and 'value="einstimmig"' in page


def test_far_over_the_limit_is_explained_in_german(client, auth, seed, ini):
    auth.login("coordinator@test.example")
    r = _post_resolution(client, auth, ini, seed, b"%PDF-1.4" + b"0" * (23 * 1024 * 1024))
    page = r.get_data(as_text=True)
    assert r.status_code == 413 and "größer als 20 MB" in page and "Request Entity" not in page
    assert db.session.scalar(select(Resolution)) is None


def test_a_file_that_only_starts_like_a_pdf_is_refused(client, auth, seed, ini):
    auth.login("coordinator@test.example")
    fake = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n"
    r = _post_resolution(client, auth, ini, seed, fake, "vorlage.pdf")
    assert r.status_code == 422 and "kein PDF" in r.get_data(as_text=True)


def test_json_bodies_keep_their_small_limit(client, seed):
    headers = {"Authorization": f"Bearer {seed.tokens['coordinator']}"}
    r = client.post("/api/v1/initiatives", data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                    headers={**headers, "Content-Type": "application/json"})  # fmt: skip
    assert r.status_code == 413
