"""Single sign-on through a real OpenID Connect provider (oidc-provider from npm): the code flow
with PKCE, the first sign-in creating the account with the mapped role, later ones updating
it, logout at the provider; every kind of bad answer refused with a page in German and
nothing created."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from coop.extensions import db
from coop.models import AuthSource, Role, User
from tests.idp.oidc import sign_in_at_provider


def _sign_in(client, login: str, start: str = "/login/sso"):
    """Through the provider and back; coop's answer to the callback."""
    to_provider = client.get(start)
    assert to_provider.status_code == 302
    back = sign_in_at_provider(to_provider.headers["Location"], login)
    parts = urlsplit(back)
    return client.get(f"{parts.path}?{parts.query}")


def _users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_the_login_page_offers_the_provider(sso_app, seed):
    page = sso_app.test_client().get("/login").get_data(as_text=True)
    assert "Mit Kreis-Login anmelden" in page and 'href="/login/sso"' in page


def test_authorization_request_uses_pkce_state_and_nonce(sso_app, seed, oidc_provider):
    answer = sso_app.test_client().get("/login/sso")
    target = urlsplit(answer.headers["Location"])
    query = parse_qs(target.query)
    assert f"{target.scheme}://{target.netloc}" == oidc_provider.issuer
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["state"] and query["nonce"] and query["response_type"] == ["code"]


def test_first_sign_in_creates_the_account_with_the_mapped_role(sso_app, seed):
    before = _users()
    client = sso_app.test_client()
    landed = _sign_in(client, "anna")
    assert landed.status_code == 302 and landed.headers["Location"] == "/"
    anna = db.session.scalar(select(User).filter_by(email="anna.schulte@kreis-hoexter.de"))
    assert anna.role == Role.COORDINATOR and anna.body_id == seed.bodies["hoexter"].id
    assert anna.auth_source == AuthSource.OIDC and anna.name == "Anna Schulte"
    assert anna.external_subject.endswith("|anna") and not anna.has_password
    assert _users() == before + 1
    start = client.get("/").get_data(as_text=True)
    assert "Anna Schulte" in start or "anna.schulte" in start
    account = client.get("/account").get_data(as_text=True)
    assert "Zentrale Anmeldung (OpenID Connect)" in account
    assert "mit dem Konto Ihrer Verwaltung" in account and 'id="current_password"' not in account
    listed = client.get("/users/").get_data(as_text=True)
    assert "Zentrale Anmeldung (OpenID Connect)" in listed and "Eigenes Passwort" in listed


def test_body_from_the_providers_claim(sso_app, seed):
    _sign_in(sso_app.test_client(), "ben")
    ben = db.session.scalar(select(User).filter_by(email="ben.koch@brakel.de"))
    assert ben.role == Role.PARTNER_EDITOR and ben.body_id == seed.bodies["brakel"].id


def test_later_sign_in_updates_the_role(sso_app, seed, oidc_provider):
    client = sso_app.test_client()
    _sign_in(client, "anna")
    anna = db.session.scalar(select(User).filter_by(email="anna.schulte@kreis-hoexter.de"))
    anna.role = Role.VIEWER  # changed by hand in coop: the provider's groups win again
    db.session.commit()
    assert client.get("/account").status_code == 302  # another role ends the session
    _sign_in(sso_app.test_client(), "anna")
    db.session.expire_all()
    assert db.session.get(User, anna.id).role == Role.COORDINATOR
    assert _users() == len(seed.users) + 1


def test_an_existing_account_with_the_address_is_taken_over(sso_app, seed):
    existing = seed.users["coordinator"]
    existing.email = "anna.schulte@kreis-hoexter.de"
    db.session.commit()
    before = _users()
    _sign_in(sso_app.test_client(), "anna")
    db.session.expire_all()
    assert _users() == before
    assert db.session.get(User, existing.id).auth_source == AuthSource.OIDC


def _csrf(client) -> str:
    import re

    page = client.get("/account").get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_logout_ends_the_session_at_the_provider(sso_app, seed, oidc_provider):
    client = sso_app.test_client()
    _sign_in(client, "anna")
    out = client.post("/logout", data={"csrf_token": _csrf(client)})
    target = urlsplit(out.headers["Location"])
    assert f"{target.scheme}://{target.netloc}" == oidc_provider.issuer
    query = parse_qs(target.query)
    assert query["id_token_hint"] and query["post_logout_redirect_uri"] == [
        "http://localhost/login"
    ]
    assert client.get("/account").status_code == 302  # signed out here too
    csp = client.get("/login").headers["Content-Security-Policy"]
    assert f"form-action 'self' {oidc_provider.issuer}" in csp


def test_a_person_in_no_mapped_group_is_refused(sso_app, seed):
    before = _users()
    answer = _sign_in(sso_app.test_client(), "clara")
    assert answer.status_code == 403
    page = answer.get_data(as_text=True)
    assert "Anmeldung nicht möglich" in page and "keiner der Gruppen" in page
    assert _users() == before


@pytest.mark.parametrize(
    "mode", ["bad-signature", "wrong-audience", "wrong-issuer", "expired", "wrong-nonce"]
)
def test_bad_id_tokens_are_refused(sso_app, seed, oidc_provider, mode, caplog):
    oidc_provider.misbehave(mode)
    before = _users()
    client = sso_app.test_client()
    answer = _sign_in(client, "anna")
    assert answer.status_code == 400
    assert "konnte nicht geprüft werden" in answer.get_data(as_text=True)
    assert _users() == before
    assert client.get("/account").status_code == 302
    assert "OIDC sign-in refused" in caplog.text


def test_a_state_that_does_not_match_is_refused(sso_app, seed):
    client = sso_app.test_client()
    to_provider = client.get("/login/sso")
    back = urlsplit(sign_in_at_provider(to_provider.headers["Location"], "anna"))
    query = parse_qs(back.query)
    answer = client.get(f"{back.path}?code={query['code'][0]}&state=forged")
    assert answer.status_code == 400 and _users() == len(seed.users)
    # and a callback without any sign-in started here (someone else's link)
    stranger = sso_app.test_client().get(f"{back.path}?{back.query}")
    assert stranger.status_code == 400 and _users() == len(seed.users)


def test_the_provider_down_is_said_plainly(app, seed):
    from coop import create_app

    down = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        OIDC_ISSUER="http://127.0.0.1:9",
        OIDC_CLIENT_ID="coop",
        OIDC_CLIENT_SECRET="x",
        OIDC_TIMEOUT=2,
    )
    answer = down.test_client().get("/login/sso")
    assert answer.status_code == 503
    assert "nicht erreichbar" in answer.get_data(as_text=True)


def test_local_passwords_switched_off(sso_app, seed):
    sso_app.config["LOCAL_LOGIN"] = False
    client = sso_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert 'name="password"' not in page and "/login/sso" in page
    refused = client.post("/login", data={"email": "admin@test.example", "password": "y"})
    assert refused.status_code in (400, 405) and client.get("/account").status_code == 302
    # API tokens keep working
    token = seed.tokens["coordinator"]
    assert (
        client.get("/api/v1/bodies", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )
