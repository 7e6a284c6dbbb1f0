"""Follow and notify in Chromium with the demo: the coordinator follows an initiative, its news
show as a count in the header and on the notifications page (axe, 1280 and 390 px), and the
e-mail choices are saved from the keyboard."""

from __future__ import annotations

import pytest

from tests.browser.test_pages import assert_accessible
from tests.browser.test_start_pages import SHOTS, _fits, _signed_in

pytestmark = pytest.mark.browser


def test_follow_see_the_count_and_read_the_news(browser, demo_live, sqlite_app):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context, page = _signed_in(browser, demo_live, "koordination@kreis-hoexter.example")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    from coop.audit import acting_as
    from coop.extensions import db
    from coop.models import Activity, Initiative

    with sqlite_app.app_context():
        ini_id = db.session.query(Initiative.id).order_by(Initiative.id).first()[0]
    page.goto(f"/initiatives/{ini_id}")
    title = page.locator("h1").inner_text()
    page.get_by_role("button", name="Folgen").click()
    assert f"Sie folgen „{title}“" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Nicht mehr folgen").is_visible()

    with sqlite_app.app_context(), acting_as(None, "test"):
        ini = db.session.get(Initiative, ini_id)
        db.session.add(Activity(kind="phase", initiative_id=ini.id, params={"phase": "operation"}))
        db.session.add(
            Activity(
                kind="resolution",
                initiative_id=ini.id,
                params={
                    "body": "Stadt Nieheim",
                    "organ": "Rat",
                    "outcome": "adopted",
                    "session_date": "2026-11-26",
                },
            )
        )
        db.session.commit()
    page.goto("/")
    count = page.locator("header .coop-count")
    assert count.inner_text().startswith("2")
    page.get_by_role("link", name="Mitteilungen").click()
    text = page.locator("main").inner_text()
    assert "Jetzt in der Phase „Betrieb“" in text
    assert "Stadt Nieheim, Rat: beschlossen (Sitzung am 26.11.2026)" in text
    assert_accessible(page, "notifications")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        _fits(page)
        page.screenshot(path=str(SHOTS / f"notifications-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    # the header's own links stay on one line at 1280 px with the new one
    tops = [
        page.get_by_role("link", name=name).first.bounding_box()["y"]
        for name in ("Mitteilungen", "Mein Konto")
    ]
    assert abs(tops[0] - tops[1]) < 4, tops

    # by keyboard: weekly digest, no reminders
    page.focus("#digest-2")
    page.keyboard.press("Space")
    page.focus("#reminders_by_mail")
    page.keyboard.press("Space")
    page.get_by_role("button", name="Speichern").press("Enter")
    assert "Ihre Auswahl der E-Mails ist gespeichert." in page.locator("main").inner_text()
    assert page.locator("#digest-2").is_checked()
    assert page.locator("header .coop-count").count() == 0
    assert_accessible(page, "notifications-saved")
    assert not errors, errors
    context.close()
