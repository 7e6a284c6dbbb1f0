"""The legal pages, the data protection pages and single sign-on in a real Chromium: axe-core
finds nothing, the pages read at 1280 and 390 px, the feedback form works by keyboard, and a
person signs in through a real OpenID Connect provider and lands with the mapped role."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from coop import create_app
from coop.extensions import db
from coop.models import Role, User
from tests.browser.test_pages import assert_accessible, login
from tests.conftest import _missing
from tests.idp import oidc

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "instance" / "screenshots"


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"{page.url}: {width} px wide"


def test_legal_pages_pass_axe_and_read_at_both_widths(page, live):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for path, name in (
        ("/impressum", "imprint"),
        ("/datenschutz", "privacy"),
        ("/barrierefreiheit", "accessibility"),
        ("/lizenzen", "licences"),
    ):
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(path)
            assert_accessible(page, f"{path} at {width}")
            _fits(page)
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/barrierefreiheit")
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang=en]")
    assert page.locator("h1").inner_text() == "Accessibility statement"
    assert_accessible(page, "accessibility statement (English)")


def test_feedback_form_by_keyboard(page, live):
    page.goto("/barrierefreiheit")
    send = page.get_by_role("button", name="Nachricht senden")
    send.focus()  # an empty message: the summary names the field
    page.keyboard.press("Enter")
    page.wait_for_selector("#error-summary")
    assert_accessible(page, "feedback with errors")
    page.focus("#message")
    page.keyboard.type("Die Grafik hat zu wenig Kontrast.")
    page.keyboard.press("Tab")
    page.keyboard.type("/savings/3")
    page.get_by_role("button", name="Nachricht senden").focus()
    page.keyboard.press("Enter")
    # no mail server in this test: the message goes into the outbox, and the page thanks
    page.wait_for_selector("text=Vielen Dank")
    assert_accessible(page, "feedback sent")


def test_data_protection_pages_pass_axe(page, live):
    _base, seed = live
    login(page, "admin@test.example")
    viewer = seed.users["viewer"]
    page.goto(f"/users/{viewer.id}/edit")
    assert page.get_by_text("Dieses Konto anonymisieren (Art. 17 DSGVO)").is_visible()
    assert_accessible(page, "account with data protection links")
    page.goto(f"/users/{viewer.id}/erase")
    assert_accessible(page, "anonymise")
    page.click("button[type=submit] >> text=Konto anonymisieren")
    page.wait_for_selector("#error-summary")
    assert_accessible(page, "anonymise without confirmation")
    page.check("#confirm")
    page.click("button[type=submit] >> text=Konto anonymisieren")
    page.wait_for_url("**/users/")
    assert "Ehemaliges Konto" in page.content()


@pytest.fixture
def sso_live(sqlite_app, live):
    """The same database served by an app that signs in through a real provider."""
    missing = oidc.available()
    if missing:
        _missing(missing)
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    provider = oidc.OidcProvider(oidc.ACCOUNTS, app_url=base)
    provider.start()
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=sqlite_app.config["SQLALCHEMY_DATABASE_URI"],
        **oidc.settings(provider.issuer),
    )
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base, provider
    server.shutdown()
    provider.stop()


def _at_provider(page, login_name: str) -> None:
    """What the person does on the provider's own pages."""
    page.wait_for_selector("input[name=login]")
    page.fill("input[name=login]", login_name)
    page.fill("input[name=password]", "beliebig")
    page.click("button[type=submit]")
    page.wait_for_selector("button[type=submit]")  # the provider asks for consent
    page.click("button[type=submit]")


def test_sign_in_through_the_provider_in_the_browser(browser, sso_live):
    base, provider = sso_live
    context = browser.new_context(base_url=base, locale="de-DE")
    page = context.new_page()
    problems: list[str] = []

    def console(message):
        # console errors on coop's pages (a CSP violation is one); the refused page's own
        # 403 status is meant
        if (
            message.type == "error"
            and page.url.startswith(base)
            and not message.text.startswith("Failed to load resource")
        ):
            problems.append(message.text)

    page.on("console", console)
    page.goto("/login")
    assert_accessible(page, "login with single sign-on")
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        _fits(page)
        page.screenshot(path=str(SHOTS / f"login-sso-{width}.png"), full_page=True)
    page.get_by_role("link", name="Mit Kreis-Login anmelden").click()
    page.wait_for_url(f"{provider.issuer}/**")
    _at_provider(page, "anna")
    page.wait_for_url(f"{base}/")
    assert "Anna Schulte" in page.content() or "anna.schulte" in page.content()
    anna = db.session.query(User).filter_by(email="anna.schulte@kreis-hoexter.de").one()
    assert anna.role == Role.COORDINATOR
    page.goto("/account")
    assert "Zentrale Anmeldung (OpenID Connect)" in page.content()
    assert_accessible(page, "account of single sign-on")
    page.screenshot(path=str(SHOTS / "account-sso-1280.png"), full_page=True)
    # signing out ends the session at the provider, which sends the person back
    page.get_by_role("button", name="Abmelden", exact=True).click()
    page.wait_for_url(f"{provider.issuer}/**")
    page.click("button[type=submit]")  # the provider's own "sign out?" question
    page.wait_for_url(f"{base}/login**")
    assert "abgemeldet" in page.content()
    # a person in no mapped group is refused with a page that says why
    page.get_by_role("link", name="Mit Kreis-Login anmelden").click()
    _at_provider(page, "clara")
    page.wait_for_url(f"{base}/login/sso/callback**")
    assert page.locator("h1").inner_text() == "Anmeldung nicht möglich"
    assert_accessible(page, "sign-in refused")
    page.screenshot(path=str(SHOTS / "sso-refused-1280.png"), full_page=True)
    context.close()
    assert problems == [], problems
