"""A real OpenID Connect provider and a real OpenLDAP server for the sign-in tests, started
once per test session (or per worker)."""

from __future__ import annotations

import pytest

from coop import create_app
from tests.conftest import FreshContextClient, _missing
from tests.idp import oidc


@pytest.fixture(scope="session")
def oidc_provider():
    """oidc-provider (npm) on 127.0.0.1 with the accounts above."""
    missing = oidc.available()
    if missing:
        _missing(missing)
    provider = oidc.OidcProvider(oidc.ACCOUNTS)
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def sso_app(app, oidc_provider):
    """The app of `app`'s database, signing in through the provider."""
    application = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        **oidc.settings(oidc_provider.issuer),
    )
    application.test_client_class = FreshContextClient
    yield application
    oidc_provider.misbehave("honest")


@pytest.fixture(scope="session")
def slapd():
    """A throwaway OpenLDAP server (Debian's slapd) with Kreis Höxter's directory."""
    from tests.idp import ldap as directory

    missing = directory.available()
    if missing:
        _missing(missing)
    server = directory.TempSlapd()
    try:
        server.start()
    except Exception as exc:  # pragma: no cover - environment problem
        server.stop()
        _missing(f"slapd ({exc})")
    yield server
    server.stop()


@pytest.fixture
def ldap_app(app, slapd):
    """The app of `app`'s database, signing in against the directory (STARTTLS)."""
    return ldap_app_with(app, slapd.config())


def ldap_app_with(app, settings: dict):
    application = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], **settings
    )
    application.test_client_class = FreshContextClient
    return application
