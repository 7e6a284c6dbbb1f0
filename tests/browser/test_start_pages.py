"""Each role's start page with the demo data, in a real Chromium: it shows that person's tasks,
passes axe, reads at 1280 and 390 px; the public entry leads from the anonymous start page to
Marienmünster's savings."""

from __future__ import annotations

from pathlib import Path

import pytest

from coop import demo
from coop.extensions import db
from tests.browser.test_pages import assert_accessible

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "instance" / "screenshots"

# demo account -> what its start page must show
EXPECTED = {
    "koordination@kreis-hoexter.example": [
        "Noch ausstehende Ratsbeschlüsse",
        "Brakel",
        "Antragsfristen in den nächsten 60 Tagen",
    ],
    "redaktion@brakel.example": ["Noch ausstehende Ratsbeschlüsse", "Digitalnetzwerk"],
    "foerderung@coop.example": [
        "Förderungen mit offenen Voraussetzungen (1)",
        "Voraussetzungen offen",
        "Fällige Mittelabrufe",
    ],
    "rat@marienmuenster.example": ["Vorhaben von Marienmünster"],
    "admin@coop.example": ["Noch ausstehende Ratsbeschlüsse"],
}


def _signed_in(browser, base: str, email: str):
    """A new browser context signed in as a demo account, on its start page."""
    context = browser.new_context(base_url=base, locale="de-DE")
    page = context.new_page()
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", demo.DEMO_PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(f"{base}/")
    return context, page


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"{page.url}: {width} px wide"


def test_each_roles_start_page_shows_its_tasks(browser, demo_live):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for email, expected in EXPECTED.items():
        context = browser.new_context(base_url=demo_live, locale="de-DE")
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
        page.goto("/login")
        page.fill("#email", email)
        page.fill("#password", demo.DEMO_PASSWORD)
        page.press("#password", "Enter")
        page.wait_for_url(f"{demo_live}/")
        assert page.locator("h1").inner_text() == "Ihre Aufgaben"
        text = page.locator("main").inner_text()
        for words in expected:
            assert words in text, (email, words)
        assert_accessible(page, f"start page of {email}")
        name = email.split("@")[0]
        page.set_viewport_size({"width": 1280, "height": 900})
        tops = page.locator(".coop-nav__list > li").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().top)"
        )
        assert len(set(tops)) == 1, f"the menu wraps at 1280 px for {email}"
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            _fits(page)
            page.screenshot(path=str(SHOTS / f"start-{name}-{width}.png"), full_page=True)
        # every task links somewhere that answers
        for href in page.locator(".coop-worklist a").evaluate_all("els => els.map(e => e.href)")[
            :6
        ]:
            assert page.request.get(href).status == 200, href
        context.close()
        assert errors == [], (email, errors)


def test_public_entry_leads_to_marienmuensters_savings(browser, demo_live):
    context = browser.new_context(base_url=demo_live, locale="de-DE")
    page = context.new_page()
    page.goto("/")
    assert_accessible(page, "anonymous start page")
    page.fill("#town-q", "Marienmünster")
    page.press("#town-q", "Enter")
    page.wait_for_url("**/kommunen?q=**")
    assert_accessible(page, "towns")
    page.set_viewport_size({"width": 390, "height": 900})
    _fits(page)
    page.screenshot(path=str(SHOTS / "towns-390.png"), full_page=True)
    page.get_by_role("link", name="Was Marienmünster spart").click()
    page.wait_for_url("**/savings")
    assert "Marienmünster" in page.locator("h1").inner_text()
    context.close()


def test_nudge_form_from_the_initiative_page(browser, demo_live):
    context, page = _signed_in(browser, demo_live, "koordination@kreis-hoexter.example")
    page.get_by_role("link", name="Digitalnetzwerk Kreis Höxter: Brakel, Nieheim").click()
    page.wait_for_selector("#partners-heading")
    assert page.get_by_text("Änderungsverlauf anzeigen").count() == 1  # collapsed
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        _fits(page)
        page.screenshot(path=str(SHOTS / f"initiative-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("a", has_text="Partner erinnern").filter(has_text="Brakel").click()
    page.wait_for_selector("#message")
    assert page.locator("h1").inner_text() == "Brakel erinnern"
    assert "Guten Tag" in page.input_value("#message")
    assert_accessible(page, "nudge form")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        _fits(page)
        page.screenshot(path=str(SHOTS / f"nudge-{width}.png"), full_page=True)
    context.close()


def test_tasks_of_a_resolution_by_keyboard(browser, demo_live):
    from sqlalchemy import select

    from coop.models import Body, Outcome, Resolution

    resolution = db.session.scalar(
        select(Resolution)
        .join(Body, Body.id == Resolution.body_id)
        .where(Resolution.outcome == Outcome.ADOPTED, Body.ags == "05762000")
        .limit(1)
    )
    context, page = _signed_in(browser, demo_live, "koordination@kreis-hoexter.example")
    page.goto(f"/resolutions/{resolution.id}")
    page.focus("#title")
    page.keyboard.type("Kooperationsvereinbarung unterzeichnen")
    page.keyboard.press("Tab")
    page.keyboard.type("Landrat")
    page.fill("#due_on", "2027-01-15")
    page.get_by_role("button", name="Aufgabe hinzufügen").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Die Aufgabe wurde hinzugefügt.")
    assert (
        "Kooperationsvereinbarung unterzeichnen"
        in page.locator("#tasks-heading ~ div").first.inner_text()
    )
    assert_accessible(page, "resolution with tasks")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        _fits(page)
        page.screenshot(path=str(SHOTS / f"resolution-tasks-{width}.png"), full_page=True)
    context.close()


def test_matrix_cells_open_the_resolution_form(browser, demo_live):
    from sqlalchemy import select

    from coop.models import Body

    hoexter = db.session.scalar(select(Body).where(Body.ags == "05762000"))
    context, page = _signed_in(browser, demo_live, "koordination@kreis-hoexter.example")
    page.goto(f"/initiatives/matrix?district={hoexter.id}")
    assert_accessible(page, "matrix with links in its cells")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / "matrix-1280.png"), full_page=True)
    wrap = page.locator(".coop-matrix-wrap").first
    widths = wrap.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert widths[0] <= widths[1] + 1, f"11 partners fit at 1280 px: {widths}"
    cell = page.locator("a.coop-cell__link", has_text="kein Beschluss").first
    cell.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/resolutions/new?body=*")
    assert page.locator("h1").inner_text()
    context.close()


def test_session_entry_passes_axe_and_reads(browser, demo_live):
    context, page = _signed_in(browser, demo_live, "redaktion@brakel.example")
    page.get_by_role(
        "link", name="Sitzung von Brakel mit allen Tagesordnungspunkten erfassen"
    ).click()
    page.wait_for_selector("#organ")
    assert_accessible(page, "session entry")
    page.get_by_role("button", name="Sitzung erfassen").click()
    page.wait_for_selector("#error-summary")
    assert_accessible(page, "session entry with errors")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        _fits(page)
        page.screenshot(path=str(SHOTS / f"session-{width}.png"), full_page=True)
    context.close()


def test_savings_charts_show_legend_and_break_even(browser, demo_live):
    from sqlalchemy import select

    from coop.models import Initiative

    ini = db.session.scalar(
        select(Initiative).where(Initiative.title == "Digitalnetzwerk Kreis Höxter")
    )
    context = browser.new_context(base_url=demo_live, locale="de-DE")
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/initiatives/{ini.id}/savings")
    page.wait_for_selector("#costs-plot .legend", timeout=10000)
    assert page.locator("#costs-plot .legend .traces").count() == 2
    if page.locator("#cumulative-plot").count():
        page.wait_for_selector("#cumulative-plot .annotation-text")
    page.screenshot(path=str(SHOTS / "savings-charts-1280.png"), full_page=True)
    for chart in ("costs", "cumulative", "partners"):
        page.locator(f"#{chart}-plot").screenshot(path=str(SHOTS / f"chart-{chart}.png"))
    context.close()


def test_savings_form_reads_at_both_widths(browser, demo_live):
    from sqlalchemy import select

    from coop.models import Initiative

    ini = db.session.scalar(
        select(Initiative).where(Initiative.title == "Digitalnetzwerk Kreis Höxter")
    )
    context, page = _signed_in(browser, demo_live, "koordination@kreis-hoexter.example")
    page.goto(f"/initiatives/{ini.id}/savings/new")
    page.wait_for_selector("form.coop-form")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        _fits(page)
        page.screenshot(path=str(SHOTS / f"savings-form-{width}.png"), full_page=True)
    # the partner selects show their whole text, not "–…"
    widths = page.locator("select").evaluate_all(
        "els => els.filter(e => e.offsetParent).map(e => e.scrollWidth - e.clientWidth)"
    )
    context.close()
    assert widths


def test_report_pdf_with_the_decisions_chart(browser, demo_live):
    from sqlalchemy import select

    from coop.models import Body

    hoexter = db.session.scalar(select(Body).where(Body.ags == "05762000"))
    context, page = _signed_in(browser, demo_live, "koordination@kreis-hoexter.example")
    answer = page.request.get(f"/report.pdf?district={hoexter.id}")
    assert answer.status == 200 and answer.body().startswith(b"%PDF-")
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "report.pdf").write_bytes(answer.body())
    context.close()
