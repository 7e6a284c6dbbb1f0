"""The real Chromium the browser tests drive (see TOOLCHAIN.md)."""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from coop.audit import acting_as
from coop.extensions import db
from tests.factories import make_seed

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser():
    if not (shutil.which(CHROMIUM) or os.path.exists(CHROMIUM)):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Chromium is required under CI=true", pytrace=False)
        pytest.skip("Chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def live(sqlite_app):
    """The app served on a free port in a thread, with the seed data."""
    with acting_as(None, "test seed"):
        seed = make_seed()
        db.session.commit()
    server = make_server("127.0.0.1", 0, sqlite_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", seed
    server.shutdown()


@pytest.fixture
def page(browser, live):
    base, _seed = live
    context = browser.new_context(base_url=base, locale="de-DE")
    pg = context.new_page()
    foreign: list[str] = []
    pg.on(
        "request",
        lambda req: foreign.append(req.url) if not req.url.startswith((base, "data:")) else None,
    )
    # every console error (a CSP violation is one), script error and failed stylesheet, script
    # or image fails the test; pages answering 404 or 422 on purpose are not errors
    pg.problems = []

    def console(message):
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            pg.problems.append(message.text)

    def response(answer):
        if answer.status >= 400 and answer.request.resource_type != "document":
            pg.problems.append(f"{answer.status} {answer.url}")

    pg.on("console", console)
    pg.on("response", response)
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))
    yield pg
    context.close()
    assert foreign == [], f"requests to other hosts: {foreign}"
    assert pg.problems == [], f"console errors: {pg.problems}"


@pytest.fixture
def demo_live(sqlite_app):
    """The demo data served on a free port (SQLite), for the pages as people see them."""
    import threading

    from werkzeug.serving import make_server

    from coop import demo
    from coop.audit import acting_as
    from coop.extensions import db

    with acting_as(None, "demo"):
        demo.load()
        db.session.commit()
    server = make_server("127.0.0.1", 0, sqlite_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
