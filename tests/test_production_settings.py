"""Behind a reverse proxy: the client's address and scheme come from the trusted proxies only;
HTTPS answers carry HSTS; production cookies are secure."""

from coop import create_app


def _app(sqlite_app, **overrides):
    return create_app(
        "testing", SQLALCHEMY_DATABASE_URI=sqlite_app.config["SQLALCHEMY_DATABASE_URI"], **overrides
    )


def _echo(app):
    from flask import request

    @app.get("/_echo")
    def _echo_view():
        return {"addr": request.remote_addr, "scheme": request.scheme, "host": request.host}


FORWARDED = {
    "X-Forwarded-For": "203.0.113.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "coop.kreis-hoexter.de",
}


def test_behind_one_trusted_proxy(sqlite_app):
    app = _app(
        sqlite_app,
        TRUSTED_PROXIES=1,
        HSTS_SECONDS=31536000,
        PUBLIC_URL="https://coop.kreis-hoexter.de",
    )
    _echo(app)
    client = app.test_client()
    seen = client.get("/_echo", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.2"}).json
    assert seen == {"addr": "203.0.113.7", "scheme": "https", "host": "coop.kreis-hoexter.de"}
    page = client.get("/", headers=FORWARDED)
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_without_trusted_proxies_the_headers_are_ignored(sqlite_app):
    app = _app(sqlite_app, HSTS_SECONDS=31536000)
    _echo(app)
    client = app.test_client()
    seen = client.get("/_echo", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.2"}).json
    assert seen["addr"] == "10.0.0.2" and seen["scheme"] == "http"
    assert "Strict-Transport-Security" not in client.get("/", headers=FORWARDED).headers


def test_production_defaults(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    from config import ProductionConfig

    assert ProductionConfig.HSTS_SECONDS == 365 * 24 * 3600
    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE
    assert ProductionConfig.SESSION_COOKIE_HTTPONLY
