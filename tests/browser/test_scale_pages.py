"""The big pages with the largest district of `flask bench seed --scale district` (Eifelkreis
Bitburg-Prüm: 200 initiatives, 240 partners) in a real Chromium at 1280 px: they stay within
the page, the matrix keeps its header row and first column in view, axe finds nothing, the
console stays clean."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from coop.audit import acting_as
from coop.extensions import db
from tests.browser.test_pages import assert_accessible

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("COOP_SCREENSHOTS", "/tmp/coop-screenshots"))


@pytest.fixture
def large(sqlite_app, browser):
    from coop.demo import scale

    with acting_as(None, "test"):
        scale.seed("district", log=lambda _line: None)
    district = db.session.execute(
        db.text(
            "SELECT district_id FROM initiative_districts GROUP BY district_id "
            "ORDER BY count(*) DESC LIMIT 1"
        )
    ).scalar()
    server = make_server("127.0.0.1", 0, sqlite_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", district
    server.shutdown()


def _page(browser, base, width):
    context = browser.new_context(
        base_url=base, locale="de-DE", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto("/login")
    page.fill("#email", "koordination@bench.example")
    page.fill("#password", "coop-bench-2026")
    page.press("#password", "Enter")
    page.wait_for_url("**/")
    return context, page, problems


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_big_pages_read_well_at_1280(browser, large):
    base, district = large
    context, page, problems = _page(browser, base, 1280)
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = {
        "matrix": f"/initiatives/matrix?district={district}",
        "funding": f"/funding/?district={district}",
        "funding-open": "/funding/?open=1&sort=-requested",
        "dashboard": f"/dashboard/?district={district}",
        "report": f"/report/?district={district}",
        "initiatives": f"/initiatives/?district={district}",
    }
    for name, path in pages.items():
        before = len(problems)
        response = page.goto(path)
        assert response.status == 200, name
        assert len(response.body()) < 1024 * 1024, name
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SHOTS / f"{name}-1280.png"), full_page=False)
        assert _fits(page), f"{name} is wider than the window"
        assert_accessible(page, name)
        assert problems[before:] == [], name  # no console error, no CSP violation
    # the matrix: 20 initiatives a page, the partners of those as columns, in a box that
    # scrolls; its header row and first column stay in view
    page.goto(pages["matrix"])
    assert page.locator(".coop-matrix tbody tr").count() == 20
    box = page.locator(".coop-matrix-wrap")
    top = box.bounding_box()["y"]
    left = box.bounding_box()["x"]
    box.evaluate("el => { el.scrollTop = 400; el.scrollLeft = 600; }")
    header = page.locator(".coop-matrix thead th").nth(3).bounding_box()
    first = page.locator(".coop-matrix tbody th").nth(8).bounding_box()
    assert abs(header["y"] - top) < 2, "the header row scrolled away"
    assert abs(first["x"] - left) < 2, "the first column scrolled away"
    page.screenshot(path=str(SHOTS / "matrix-scrolled-1280.png"))
    # partners as rows for one initiative, reached by keyboard from the matrix
    page.locator(".coop-matrix__meta a").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**initiative=**")
    assert page.locator(".coop-matrix tbody tr").count() >= 2
    assert_accessible(page, "matrix transposed")
    page.screenshot(path=str(SHOTS / "matrix-one-1280.png"))
    # the funding overview filtered to open conditions, page 2
    page.goto(f"/funding/?district={district}&open=1&page=2")
    assert "Mit offenen Voraussetzungen" in page.content()
    context.close()
    assert problems == [], problems


def test_big_pages_at_390(browser, large):
    base, district = large
    context, page, problems = _page(browser, base, 390)
    for name, path in {
        "matrix": f"/initiatives/matrix?district={district}",
        "funding": f"/funding/?district={district}",
    }.items():
        page.goto(path)
        assert _fits(page), f"{name} is wider than the phone"
        page.screenshot(path=str(SHOTS / f"{name}-390.png"))
    context.close()
    assert problems == [], problems
