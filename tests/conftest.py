"""Fixtures as in flaskr's conftest: app, client, runner, auth; on real SQLite and PostgreSQL.

Every test that takes `app` runs once per database. PostgreSQL is a throwaway server the session
starts itself; without one the PostgreSQL runs are skipped, except under CI=true, where a
missing service fails the run.
"""

from __future__ import annotations

import os
import tempfile

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, text

import coop.jobs  # noqa: F401  (registers the tasks of the queue, as `flask worker` does)
from coop import create_app
from coop.audit import acting_as
from coop.extensions import db
from tests import factories, pg
from tests.factories import Seed, make_seed

CI = os.environ.get("CI", "").lower() == "true"


def _missing(what: str):
    if CI:
        pytest.fail(f"{what} is required under CI=true", pytrace=False)
    pytest.skip(f"{what} not available")


@pytest.fixture(scope="session")
def postgresql_url():
    """A URL of a fresh PostgreSQL database for this session (or TEST_DATABASE_URL)."""
    if os.environ.get("TEST_DATABASE_URL"):
        yield os.environ["TEST_DATABASE_URL"]
        return
    bindir = pg.find_bindir()
    if bindir is None:
        _missing("PostgreSQL (pg_ctl)")
    server = pg.TempPostgres(bindir)
    try:
        url = server.start()
    except Exception as exc:  # pragma: no cover - environment problem
        server.stop()
        _missing(f"PostgreSQL server ({exc})")
    yield url
    server.stop()


@pytest.fixture(scope="session")
def sqlite_url():
    folder = tempfile.mkdtemp(prefix="coop-sqlite-")
    yield f"sqlite:///{folder}/test.sqlite"


_migrated: dict[str, object] = {}


class FreshContextClient(FlaskClient):
    """Each request in its own app context, as in production.

    The fixtures keep an app context open for the test's own queries; Flask would reuse it
    for requests, sharing `g` (Flask-Login's user, Flask-Babel's locale) and the database
    session between requests. Afterwards the test's session forgets what it had loaded, so
    assertions read what the request committed.
    """

    def open(self, *args, **kwargs):
        ctx = self.application.app_context()
        ctx.push()
        try:
            return super().open(*args, **kwargs)
        finally:
            ctx.pop()
            db.session.expire_all()


def _build_app(url: str):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    app.test_client_class = FreshContextClient
    if url not in _migrated:
        from flask_migrate import upgrade

        with app.app_context():
            upgrade()
        _migrated[url] = True
    return app


def _clean(app) -> None:
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(
                text(
                    "TRUNCATE trash_items, outbox_mails, access_links, "
                    "cached_results, initiative_districts, audit_entries, reminders_sent, "
                    "login_throttles, rate_limits, idempotency_keys, result_readings, "
                    "oparl_published_marks, "
                    "search_entries, saved_searches, "
                    "scheduler_runs, apscheduler_jobs, queued_tasks, procrastinate_jobs, "
                    "procrastinate_events, procrastinate_periodic_defers, "
                    "procrastinate_workers, "
                    "cost_partner_years, cost_payments, cost_events, cost_lines, "
                    "cost_model_partners, cost_models, "
                    "proposals, oparl_objects, oparl_syncs, "
                    "grant_documents, grant_tranches, grants, funding_programs, "
                    "activities, follows, import_jobs, resolution_tasks, resolutions, "
                    "documents, phase_changes, milestones, nudges, "
                    "initiative_participants, initiatives, api_tokens, users, bodies "
                    "RESTART IDENTITY CASCADE"
                )
            )
        else:
            for table in (
                "trash_items",
                "outbox_mails",
                "access_links",
                "cached_results",
                "queued_tasks",
                "initiative_districts",
                "audit_entries",
                "idempotency_keys",
                "login_throttles",
                "rate_limits",
                "result_readings",
                "oparl_published_marks",
                "search_entries",
                "saved_searches",
                "proposals",
                "oparl_objects",
                "oparl_syncs",
                "cost_partner_years",
                "cost_payments",
                "cost_events",
                "cost_lines",
                "cost_model_partners",
                "cost_models",
                "reminders_sent",
                "scheduler_runs",
                "apscheduler_jobs",
                "grant_documents",
                "grant_tranches",
                "grants",
                "funding_programs",
                "activities",
                "follows",
                "import_jobs",
                "resolution_tasks",
                "resolutions",
                "documents",
                "phase_changes",
                "milestones",
                "nudges",
                "initiative_participants",
                "initiatives",
                "api_tokens",
                "users",
            ):
                db.session.execute(text(f"DELETE FROM {table}"))
            db.session.execute(text("UPDATE bodies SET parent_id = NULL, district_id = NULL"))
            db.session.execute(text("DELETE FROM bodies"))
            # ids start again at 1, as RESTART IDENTITY does on PostgreSQL (AUTOINCREMENT keeps
            # the largest id given out per table here; a table's own rows still count)
            db.session.execute(text("DELETE FROM sqlite_sequence"))
        # rate tables added by tests go; the one the migration ships stays
        db.session.execute(
            text(
                "DELETE FROM cost_rates WHERE table_id IN "
                "(SELECT id FROM cost_rate_tables WHERE name <> 'KGSt 2025/26')"
            )
        )
        db.session.execute(text("DELETE FROM cost_rate_tables WHERE name <> 'KGSt 2025/26'"))
        db.session.commit()


def _app_on(url: str):
    """Yield the app on a clean, migrated database at `url`, inside an app context."""
    application = _build_app(url)
    _clean(application)
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request):
    """The app on a clean, migrated database: once on SQLite, once on PostgreSQL."""
    yield from _app_on(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def sqlite_app(sqlite_url):
    """The app on SQLite only (browser tests, whole-Germany import)."""
    yield from _app_on(sqlite_url)


@pytest.fixture
def seed(app) -> Seed:
    """A small registry (Kreis Höxter with three towns, Landkreis Helmstedt with Samtgemeinde
    Nord-Elm, Dataport AöR) and one account and API token per role."""
    with acting_as(None, "test seed"):
        data = make_seed()
        db.session.commit()
    return data


@pytest.fixture
def public_ini(seed):
    """The Höxter Digitalnetzwerk of the seed, public (visible without signing in), committed."""
    with acting_as(None, "test"):
        initiative = factories.initiative(seed, public=True)
        db.session.commit()
    return initiative


@pytest.fixture
def nrw(seed):
    """The NRW IKZ programme (tests/factories.py), committed."""
    with acting_as(None, "test"):
        program = factories.program()
        db.session.commit()
    return program


@pytest.fixture
def pg_app(postgresql_url):
    """A second app on the session's PostgreSQL database (tests across instances)."""
    yield from _app_on(postgresql_url)


@pytest.fixture
def ini(seed):
    """The Höxter Digitalnetzwerk of the seed (tests/factories.py), committed."""
    with acting_as(None, "test"):
        initiative = factories.initiative(seed)
        db.session.commit()
    return initiative


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Sign in and out through the real login form (with its CSRF token)."""

    def __init__(self, client):
        self.client = client

    def csrf(self, path: str = "/login") -> str:
        import re

        page = self.client.get(path).get_data(as_text=True)
        match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
        if not match:
            match = re.search(
                r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page
            )
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, email: str, password: str = "correct-horse-battery"):
        return self.client.post(
            "/login", data={"email": email, "password": password, "csrf_token": self.csrf()}
        )

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": self.csrf("/account")})

    def post(self, path: str, data: dict, form_path: str | None = None):
        """POST a form with the CSRF token taken from `form_path` (default: `path`)."""
        return self.client.post(path, data={**data, "csrf_token": self.csrf(form_path or path)})


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def queries(app):
    """How many statements the database was sent: `queries["n"]`, set to 0 to count anew."""
    count = {"n": 0}

    def listener(*_args):
        count["n"] += 1

    event.listen(db.engine, "before_cursor_execute", listener)
    yield count
    event.remove(db.engine, "before_cursor_execute", listener)
