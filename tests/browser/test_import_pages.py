"""The import in Chromium with the demo: the coordinator downloads the matrix, enters a council's
decision, uploads it, reads the preview (axe, 1280 and 390 px), confirms, and the matrix shows
the decision; a job above the inline limit shows its progress and then its preview."""

from __future__ import annotations

import csv
import io

import pytest

from tests.browser.test_pages import assert_accessible
from tests.browser.test_start_pages import SHOTS, _fits, _signed_in

pytestmark = pytest.mark.browser


def _edited_matrix(page) -> tuple[bytes, str, str]:
    """The demo district's matrix as exported, with one pending council now decided."""
    page.goto("/initiatives/matrix")
    link = page.get_by_role("link", name="CSV").first
    data = page.request.get(link.get_attribute("href")).body()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    for row in rows[1:]:
        for col, cell in enumerate(row[5:], start=5):
            if "kein Beschluss" in cell:
                row[col] = "beschlossen (01.12.2026)"
                out = io.StringIO()
                csv.writer(out, delimiter=";").writerows(rows)
                return out.getvalue().encode("utf-8"), row[0], rows[0][col]
    raise AssertionError("the demo has no pending council")


def _check(page, name: str) -> None:
    assert_accessible(page, name)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        _fits(page)
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_matrix_edited_and_imported_back_in_the_browser(browser, demo_live, sqlite_app):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context, page = _signed_in(browser, demo_live, "koordination@kreis-hoexter.example")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    data, title, body = _edited_matrix(page)
    page.get_by_role("link", name="Beschlüsse importieren").click()
    assert page.locator("h1").inner_text() == "Beschlüsse importieren"
    _check(page, "import-upload")
    page.set_input_files(
        "#file", files=[{"name": "matrix.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name="Datei prüfen").click()
    page.wait_for_url("**/import/jobs/*")
    text = page.locator("main").inner_text()
    assert "Geprüft: Nichts ist bisher gespeichert." in text
    assert f"{body}: beschlossen (01.12.2026)" in text
    _check(page, "import-preview")
    page.get_by_role("button", name="1 gültige Zeile speichern").click()
    assert "1 Zeile gespeichert." in page.locator("main").inner_text()
    _check(page, "import-stored")
    page.get_by_role("link", name="Zur Beschlussmatrix").click()
    assert "01.12.2026" in page.locator("table.coop-matrix").inner_text()
    assert not errors, errors

    # a running job: the page follows its progress and shows the preview when it is done
    from coop.extensions import db
    from coop.models import Body, ImportJob, User

    with sqlite_app.app_context():
        user = db.session.query(User).filter_by(email="koordination@kreis-hoexter.example").one()
        district = db.session.query(Body).filter_by(name="Kreis Höxter").one()
        job = ImportJob(
            kind="resolutions",
            district_id=district.id,
            user_id=user.id,
            file_name="gross.xlsx",
            content=b"-",
            state="checking",
            total=10_000,
            done=2_500,
            result={"locale": "de"},
        )
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    page.goto(f"/import/jobs/{job_id}")
    assert page.locator("progress").get_attribute("value") == "2500"
    assert "2.500 von 10.000 Zeilen" in page.locator("main").inner_text()
    _check(page, "import-progress")
    with sqlite_app.app_context():
        db.session.get(ImportJob, job_id).done = 7_500
        db.session.commit()
    page.get_by_text("7.500 von 10.000 Zeilen").wait_for(timeout=10_000)
    with sqlite_app.app_context():
        finished = db.session.get(ImportJob, job_id)
        finished.state, finished.done = "checked", 10_000
        finished.result = {
            "locale": "de",
            "total": 10_000,
            "valid_rows": 0,
            "unchanged": 10_000,
            "problems": [],
            "actions": [],
        }
        db.session.commit()
    page.get_by_text("10.000 Zeilen unverändert").wait_for(timeout=10_000)
    assert not errors, errors
    context.close()
