"""What the load balancer and the log collector see: /healthz, /readyz (database reachable,
migrations current), one JSON line per request with its id, user and duration; settings
from `*_FILE` secrets."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import text

from coop import create_app
from coop.extensions import db
from tests.conftest import AuthActions


def test_healthz_needs_no_database(app):
    broken = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite:////nonexistent/dir/x.sqlite")
    answer = broken.test_client().get("/healthz")
    assert answer.status_code == 200 and answer.json == {"status": "ok"}


def test_readyz_when_migrations_are_current(app):
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 200
    assert answer.json == {"status": "ok", "database": "ok", "migrations": "current"}


def test_readyz_before_the_release_step(app):
    row = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    db.session.execute(text("UPDATE alembic_version SET version_num = 'ec36b0c83764'"))
    db.session.commit()
    try:
        answer = app.test_client().get("/readyz")
        assert answer.status_code == 503
        assert answer.json["migrations"] == "pending" and answer.json["expected"] == [row]
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": row})
        db.session.commit()


def test_readyz_without_a_database():
    broken = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite:////nonexistent/dir/x.sqlite")
    answer = broken.test_client().get("/readyz")
    assert answer.status_code == 503 and answer.json["database"] == "unreachable"


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[dict] = []

    def emit(self, record):
        self.lines.append(json.loads(record.getMessage()))


def test_one_json_line_per_request(app, seed):
    logged = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], LOG_REQUESTS=True
    )
    client = logged.test_client()
    AuthActions(client).login("coordinator@test.example")
    seen = _Lines()
    logging.getLogger("coop.requests").addHandler(seen)
    try:
        answer = client.get("/initiatives/?q=x", headers={"X-Request-ID": "lb-4711"})
        client.get("/api/v1/bodies", headers={"Authorization": f"Bearer {seed.tokens['admin']}"})
    finally:
        logging.getLogger("coop.requests").removeHandler(seen)
    assert answer.headers["X-Request-ID"] == "lb-4711"
    page, api = seen.lines
    assert page["request_id"] == "lb-4711" and page["path"] == "/initiatives/"
    assert page["user_id"] == seed.users["coordinator"].id and page["status"] == 200
    assert page["duration_ms"] >= 0 and page["method"] == "GET"
    assert api["user_id"] == seed.users["admin"].id and len(api["request_id"]) == 32


def test_a_request_id_that_is_not_one_is_replaced(app):
    answer = app.test_client().get("/healthz", headers={"X-Request-ID": "a b;forged"})
    assert (
        answer.headers["X-Request-ID"] != "a b;forged" and len(answer.headers["X-Request-ID"]) == 32
    )


def test_settings_from_secret_files(tmp_path, monkeypatch):
    import config

    secret = tmp_path / "secret_key"
    secret.write_text("from-a-file-" + "x" * 30 + "\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert config.env("SECRET_KEY") == "from-a-file-" + "x" * 30
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(config.ConfigError):
        config.env("SECRET_KEY")


def test_production_needs_the_operator(monkeypatch):
    import config

    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("PUBLIC_URL", "https://coop.kreis-hoexter.de")
    for name in ("OPERATOR_NAME", "OPERATOR_ADDRESS", "OPERATOR_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(config.ConfigError, match="OPERATOR_NAME"):
        config.load_config("production")
    monkeypatch.setenv("OPERATOR_NAME", "Kreis Höxter")
    monkeypatch.setenv("OPERATOR_ADDRESS", "Moltkestraße 12, 37671 Höxter")
    monkeypatch.setenv("OPERATOR_EMAIL", "coop@kreis-hoexter.de")
    assert config.load_config("production").ENV_NAME == "production"
    # a logo that is no PNG or JPEG file stops the start; a real one is taken
    monkeypatch.setenv("OPERATOR_LOGO", "/nowhere/logo.png")
    with pytest.raises(config.ConfigError, match="OPERATOR_LOGO"):
        config.load_config("production")
    monkeypatch.setenv("OPERATOR_LOGO", str(config.BASE_DIR / "static/img/demo-operator-logo.png"))
    assert config.load_config("production").ENV_NAME == "production"
