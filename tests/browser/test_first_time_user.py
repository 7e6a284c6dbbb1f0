"""What a first-time user tripped over (issue 29), tried in Chromium on the demo: a delete
asks first and lands in the recycle bin, from which it comes back whole; the nudge of the demo
lands in the outbox; an invited colleague sets a password and signs in."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_pages import assert_accessible
from tests.browser.test_start_pages import _signed_in

pytestmark = pytest.mark.browser

TITLE = "Digitalnetzwerk Kreis Höxter"


def _initiative_id(app) -> int:
    from sqlalchemy import select

    from coop.extensions import db
    from coop.models import Initiative

    with app.app_context():
        return db.session.scalar(select(Initiative.id).where(Initiative.title == TITLE))


def test_delete_asks_then_the_bin_restores_the_initiative_whole(browser, demo_live, sqlite_app):
    ini = _initiative_id(sqlite_app)
    context, page = _signed_in(browser, demo_live, "koordination@kreis-hoexter.example")
    page.goto(f"/initiatives/{ini}")
    partners_before = page.locator("#partners-heading ~ * tbody tr").count()
    page.get_by_role("link", name="Vorhaben löschen").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"„{TITLE}“ löschen?"
    assert "Beschlüsse" in page.inner_text("main") and "Papierkorb" in page.inner_text("main")
    assert_accessible(page, "confirm delete")
    page.get_by_role("button", name="Löschen").click()
    assert "liegt jetzt im Papierkorb" in page.inner_text("main")
    assert page.goto(f"/initiatives/{ini}").status == 404
    page.goto("/trash/")
    assert TITLE in page.inner_text("main")
    assert_accessible(page, "recycle bin")
    page.get_by_role("button", name=re.compile("Wiederherstellen")).first.click()
    assert page.url.endswith(f"/initiatives/{ini}")
    assert "ist wiederhergestellt" in page.inner_text("main")
    assert page.locator("#partners-heading ~ * tbody tr").count() == partners_before
    page.goto("/trash/")
    assert "Der Papierkorb ist leer." in page.inner_text("main")
    context.close()


def test_the_demos_nudge_lands_in_the_outbox(browser, demo_live, sqlite_app):
    ini = _initiative_id(sqlite_app)
    context, page = _signed_in(browser, demo_live, "koordination@kreis-hoexter.example")
    page.goto(f"/initiatives/{ini}")
    page.locator("a[href*='/nudge/']").first.click()
    assert "Postausgang" in page.inner_text("main")  # says beforehand where the mail goes
    assert_accessible(page, "nudge")
    page.get_by_role("button", name="Erinnerung senden").click()
    assert "liegt im Postausgang" in page.inner_text("main")
    page.goto("/reminders/outbox")
    text = page.inner_text("main")
    assert "coop: Beschluss von" in text and TITLE in text
    page.get_by_text("E-Mail lesen").first.click()
    assert "Mit freundlichen Grüßen" in page.inner_text("main")
    assert_accessible(page, "outbox")
    context.close()


def test_an_invited_colleague_sets_a_password_and_signs_in(browser, demo_live, sqlite_app):
    from sqlalchemy import select

    from coop.extensions import db
    from coop.models import OutboxMail

    context, page = _signed_in(browser, demo_live, "admin@coop.example")
    page.goto("/users/new")
    page.fill("#email", "neu@brakel.example")
    page.fill("#name", "Nora Neu")
    page.select_option("#role", "viewer")
    page.get_by_role("button", name="Speichern").click()
    assert "Einladung" in page.inner_text("main")
    context.close()
    with sqlite_app.app_context():
        mail = db.session.scalar(
            select(OutboxMail).where(OutboxMail.recipients == "neu@brakel.example")
        )
        link = re.search(r"https?://\S+(/password/\S+)", mail.text).group(1)
    fresh = browser.new_context(base_url=demo_live, locale="de-DE")
    page = fresh.new_page()
    page.goto(link)
    assert_accessible(page, "set password")
    page.fill("#password", "Weser-Brücke-Nebel-7")
    page.fill("#confirm", "Weser-Brücke-Nebel-7")
    page.get_by_role("button", name="Passwort festlegen").click()
    assert "Ihr Passwort ist festgelegt" in page.inner_text("main")
    assert page.input_value("#email") == "neu@brakel.example"
    page.fill("#password", "Weser-Brücke-Nebel-7")
    page.press("#password", "Enter")
    page.wait_for_url(f"{demo_live}/")
    assert "Nora Neu" in page.inner_text("main") or "neu@brakel.example" in page.inner_text("main")
    fresh.close()
