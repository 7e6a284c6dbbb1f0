"""Security issue, finding 5: sessions can be ended. A copy of the session cookie saved before
signing out, before a new password, another role or switching the account off is refused
afterwards, on every instance, and so are sessions past their lifetime or idle time, password
sessions once local passwords are off, and a copy replayed from elsewhere naming the victim's
address in X-Forwarded-For. And (finding 7, part) single sign-on does not take over a local
administrator's account that has the same e-mail address."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from sqlalchemy import select

from coop import create_app
from coop.audit import acting_as
from coop.extensions import db
from coop.models import AuthSource, Role, User
from tests import factories
from tests.auth.conftest import ldap_app_with
from tests.conftest import AuthActions, FreshContextClient
from tests.factories import PASSWORD
from tests.idp.oidc import sign_in_at_provider

NEW_PASSWORD = "Weser-Brücke-Nebel-7"


def _signed_in(app, email: str = "coordinator@test.example", address: str | None = None):
    client = app.test_client()
    if address:
        client.environ_base["REMOTE_ADDR"] = address
    assert AuthActions(client).login(email).status_code == 302
    return client


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(app, cookie: str, address: str | None = None, **headers):
    """Another browser with a saved copy of the session cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    if address:
        other.environ_base["REMOTE_ADDR"] = address
    for name, value in headers.items():
        other.environ_base["HTTP_" + name.upper()] = value
    return other


def _signed_out(client) -> bool:
    answer = client.get("/account")
    return answer.status_code == 302 and answer.location.startswith("/login")


def _user(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def _change_own_password(client, csrf: str | None = None):
    data = {
        "current_password": PASSWORD,
        "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    }
    if csrf is None:
        return AuthActions(client).post("/account/password", data, "/account")
    return client.post("/account/password", data={**data, "csrf_token": csrf})


def _edit(admin, user: User, **changes):
    """An administrator saves the account form of `user` (`name=None` leaves a field out; an
    unticked "active" is left out, as a browser does)."""
    user = _user(user.email)
    values = {
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "body_id": str(user.body_id or ""),
        "active": "y",
        "version": str(user.version),
        **changes,
    }
    values = {k: v for k, v in values.items() if v is not None}
    return AuthActions(admin).post(f"/users/{user.id}/edit", values)


def test_a_saved_cookie_is_dead_after_signing_out(app, seed):
    here = _signed_in(app)
    elsewhere = _signed_in(app)  # the same person on another device
    csrf = AuthActions(here).csrf("/account")
    saved = _cookie(here)
    assert AuthActions(here).logout().location == "/login"
    replayed = _replay(app, saved)
    assert _signed_out(replayed)
    # nor can the copy change the password with a form token saved with it
    replayed = _replay(app, saved)
    refused = _change_own_password(replayed, csrf)
    assert refused.status_code == 302 and refused.location.startswith("/login")
    assert _user("coordinator@test.example").check_password(PASSWORD)
    # signing out here leaves the other device signed in
    assert elsewhere.get("/account").status_code == 200


def test_sign_out_on_all_devices(app, seed):
    here = _signed_in(app)
    elsewhere = _signed_in(app)
    saved = _cookie(elsewhere)
    answer = AuthActions(here).post("/logout/everywhere", {}, "/account")
    assert _signed_out(here) and _signed_out(elsewhere) and _signed_out(_replay(app, saved))
    assert answer.status_code == 302 and answer.location == "/login"
    assert "auf allen Geräten abgemeldet" in here.get("/login").get_data(as_text=True)
    account = _signed_in(app).get("/account").get_data(as_text=True)
    assert "Auf allen Geräten abmelden" in account


def test_an_own_new_password_ends_the_other_sessions(app, seed):
    here = _signed_in(app)
    elsewhere = _signed_in(app)
    saved = _cookie(here)
    changed = _change_own_password(here)
    assert changed.status_code == 302 and changed.location == "/account"
    assert _signed_out(elsewhere) and _signed_out(_replay(app, saved))
    page = here.get("/account")  # the session that made the change goes on
    assert page.status_code == 200
    assert "Auf anderen Geräten sind Sie nun abgemeldet." in page.get_data(as_text=True)


def _reset_through_link(admin, client, user) -> int:
    """An administrator sends `user` a link (nobody types another's password any more); the
    link sets a new password, through `client`. Returns the status of that form."""
    import re

    from sqlalchemy import select

    from coop.models import OutboxMail

    assert AuthActions(admin).post(f"/users/{user.id}/invite", {}, f"/users/{user.id}/edit")
    mail = db.session.scalar(select(OutboxMail).order_by(OutboxMail.id.desc()))
    path = "/password/" + re.search(r"/password/(\S+)", mail.text).group(1)
    token = AuthActions(client).csrf(path)
    return client.post(
        path, data={"csrf_token": token, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    ).status_code


def test_a_password_set_through_a_link_ends_the_sessions(app, seed):
    viewer = _signed_in(app, "viewer@test.example")
    admin = _signed_in(app, "admin@test.example")
    assert _reset_through_link(admin, app.test_client(), seed.users["viewer"]) == 302
    assert _signed_out(viewer)
    assert admin.get("/account").status_code == 200


def test_another_role_ends_the_sessions(app, seed):
    viewer = _signed_in(app, "viewer@test.example")
    saved = _cookie(viewer)
    admin = _signed_in(app, "admin@test.example")
    assert _edit(admin, seed.users["viewer"], role="funding_officer").status_code == 302
    assert _user("viewer@test.example").role == Role.FUNDING_OFFICER
    assert _signed_out(viewer) and _signed_out(_replay(app, saved))
    # a saved form that changes nothing of the kind ends nothing
    fresh = _signed_in(app, "viewer@test.example")
    assert _edit(admin, seed.users["viewer"], name="Vera Viewer").status_code == 302
    assert fresh.get("/account").status_code == 200


def test_switching_an_account_off_ends_its_sessions_for_good(app, seed):
    viewer = _signed_in(app, "viewer@test.example")
    saved = _cookie(viewer)
    admin = _signed_in(app, "admin@test.example")
    assert _edit(admin, seed.users["viewer"], active=None).status_code == 302
    assert not _user("viewer@test.example").active
    assert _edit(admin, seed.users["viewer"]).status_code == 302  # switched on again
    assert _user("viewer@test.example").active
    assert _signed_out(_replay(app, saved))


def test_another_instance_refuses_the_old_cookie(pg_app, postgresql_url):
    with acting_as(None, "test seed"):
        seed = factories.make_seed()
        db.session.commit()
    other = create_app("testing", SQLALCHEMY_DATABASE_URI=postgresql_url)
    other.test_client_class = FreshContextClient
    try:
        here = _signed_in(pg_app)
        saved = _cookie(here)
        assert _replay(other, saved).get("/account").status_code == 200  # one session, two doors
        AuthActions(here).logout()
        assert _signed_out(_replay(other, saved))
        # a password set through the other instance ends sessions here
        viewer = _signed_in(pg_app, "viewer@test.example")
        admin = _signed_in(other, "admin@test.example")
        assert _reset_through_link(admin, other.test_client(), seed.users["viewer"]) == 302
        assert _signed_out(viewer)
    finally:
        with other.app_context():
            db.engine.dispose()


def test_a_signed_out_session_gets_no_stored_page(app, seed):
    client = _signed_in(app)
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/dashboard/").status_code == 200  # now answered from the page cache
    saved = _cookie(client)
    AuthActions(client).logout()
    assert _replay(app, saved).get("/dashboard/").status_code == 302


def test_password_sessions_end_when_local_passwords_are_switched_off(sso_app, seed):
    by_password = _signed_in(sso_app, "admin@test.example")
    through_provider = sso_app.test_client()
    assert _sso(through_provider, "anna").status_code == 302
    sso_app.config["LOCAL_LOGIN"] = False
    assert _signed_out(by_password)
    assert through_provider.get("/account").status_code == 200


def _now() -> int:
    return int(time.time())


def test_a_session_unused_for_too_long_ends(app, seed):
    client = _signed_in(app)
    idle = 60 * 60  # SESSION_IDLE_MINUTES, by default
    with client.session_transaction() as session:
        session["_seen"] = _now() - idle + 60  # used a minute before the limit
    assert client.get("/account").status_code == 200
    with client.session_transaction() as session:
        assert session["_seen"] >= _now() - 5  # this use was written
        session["_seen"] = _now() - idle - 60
    assert _signed_out(client)
    page = client.get("/login").get_data(as_text=True)
    assert "Ihre Sitzung ist beendet. Bitte melden Sie sich erneut an." in page
    assert app.config["SESSION_IDLE_MINUTES"] == 60


def test_a_session_ends_after_its_lifetime(app, seed):
    client = _signed_in(app)
    expires = client.get_cookie("session").expires
    lifetime = 12 * 3600  # PERMANENT_SESSION_LIFETIME, by default
    with client.session_transaction() as session:
        session["_since"] = _now() - lifetime - 60
        session["_seen"] = _now()  # used all the time
    assert _signed_out(client)
    assert app.permanent_session_lifetime.total_seconds() == lifetime
    assert expires is not None  # a permanent session: the browser forgets it in time too


def test_a_remember_cookie_signs_no_one_in(app, seed, client):
    from flask_login.utils import encode_cookie

    with app.test_request_context():
        client.set_cookie("remember_token", encode_cookie(seed.users["admin"].get_id()))
    assert _signed_out(client)


def test_x_forwarded_for_from_a_client_does_not_bind_the_session(app, seed):
    # a header the victim's own browser (or anyone) sends at sign-in is not where it is bound
    victim = app.test_client()
    victim.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    victim.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.5"
    assert AuthActions(victim).login("coordinator@test.example").status_code == 302
    del victim.environ_base["HTTP_X_FORWARDED_FOR"]
    assert victim.get("/account").status_code == 200
    # a copy replayed from another address, naming the victim's in X-Forwarded-For, is refused
    saved = _cookie(victim)
    forged = _replay(app, saved, "198.51.100.66", X_FORWARDED_FOR="192.0.2.10")
    assert _signed_out(forged)
    assert victim.get("/account").status_code == 200


def test_behind_a_trusted_proxy_the_address_it_reports_binds_the_session(app, seed):
    behind = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], TRUSTED_PROXIES=1
    )
    behind.test_client_class = FreshContextClient
    victim = behind.test_client()
    victim.environ_base.update(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.10")
    assert AuthActions(victim).login("coordinator@test.example").status_code == 302
    assert victim.get("/account").status_code == 200
    saved = _cookie(victim)
    assert _signed_out(_replay(behind, saved, "10.0.0.2", X_FORWARDED_FOR="198.51.100.66"))
    # a client naming the victim's address to the proxy is reported after it (x_for=1 takes
    # the last address the proxy added, the one that really connected)
    forged = _replay(behind, saved, "10.0.0.2", X_FORWARDED_FOR="192.0.2.10, 198.51.100.66")
    assert _signed_out(forged)
    assert victim.get("/account").status_code == 200


def _sso(client, login: str):
    """Through the OpenID Connect provider and back; coop's answer to the callback."""
    to_provider = client.get("/login/sso")
    assert to_provider.status_code == 302
    back = urlsplit(sign_in_at_provider(to_provider.headers["Location"], login))
    return client.get(f"{back.path}?{back.query}")


def _make_email(user: User, email: str) -> None:
    user = db.session.get(User, user.id)
    user.email = email
    db.session.commit()


def test_single_sign_on_does_not_take_over_a_local_administrator(sso_app, seed):
    _make_email(seed.users["admin"], "anna.schulte@kreis-hoexter.de")
    answer = _sso(sso_app.test_client(), "anna")
    assert answer.status_code == 403
    page = answer.get_data(as_text=True)
    assert "Administrationskonto mit Ihrer E-Mail-Adresse" in page and "Administration" in page
    admin = _user("anna.schulte@kreis-hoexter.de")
    assert admin.id == seed.users["admin"].id and admin.role == Role.ADMIN
    assert admin.auth_source == AuthSource.LOCAL and admin.external_subject is None
    assert admin.has_password
    assert _signed_in(sso_app, "anna.schulte@kreis-hoexter.de").get("/users/").status_code == 200


def test_the_directory_does_not_take_over_a_local_administrator(app, slapd, seed):
    from tests.idp.ldap import PASSWORD as DIRECTORY_PASSWORD

    _make_email(seed.users["admin"], "bernd.meier@kreis-hoexter.de")
    client = ldap_app_with(app, slapd.config()).test_client()
    answer = AuthActions(client).login("bmeier", DIRECTORY_PASSWORD)
    assert answer.status_code == 403
    assert "Administrationskonto" in answer.get_data(as_text=True)
    admin = _user("bernd.meier@kreis-hoexter.de")
    assert admin.role == Role.ADMIN and admin.external_subject is None and admin.has_password


def test_an_operator_may_let_single_sign_on_take_over_administrators(sso_app, seed):
    sso_app.config["SSO_LINK_EXISTING_ADMINS"] = True
    _make_email(seed.users["admin"], "anna.schulte@kreis-hoexter.de")
    assert _sso(sso_app.test_client(), "anna").status_code == 302
    linked = _user("anna.schulte@kreis-hoexter.de")
    assert linked.id == seed.users["admin"].id and linked.auth_source == AuthSource.OIDC
    assert linked.role == Role.COORDINATOR  # the provider's groups decide from now on
    assert not linked.has_password


def test_a_linked_local_account_loses_its_password_and_its_password_sessions(sso_app, seed):
    by_password = _signed_in(sso_app, "coordinator@test.example")
    _make_email(seed.users["coordinator"], "anna.schulte@kreis-hoexter.de")
    assert _sso(sso_app.test_client(), "anna").status_code == 302
    linked = _user("anna.schulte@kreis-hoexter.de")
    assert linked.id == seed.users["coordinator"].id and linked.auth_source == AuthSource.OIDC
    assert not linked.has_password
    assert _signed_out(by_password)
    refused = AuthActions(sso_app.test_client()).login("anna.schulte@kreis-hoexter.de")
    assert refused.status_code == 422


def test_a_stored_page_renews_the_last_use_and_a_renewal_keeps_the_page(app, seed, queries):
    """The last use is written at most once a minute; a page whose only change to the session
    is that note is still kept, and a kept page answers with the renewed cookie, so that a
    browser (or a load tool) sending an older cookie still gets the stored answer."""
    client = _signed_in(app)
    with acting_as(None, "test"):
        ini = factories.initiative(seed)
        db.session.commit()
    path = f"/initiatives/{ini.id}"
    stale = _now() - 10 * 60  # used ten minutes ago: this request renews the note
    with client.session_transaction() as session:
        session["_seen"] = stale
    first = client.get(path)
    assert first.status_code == 200 and "Set-Cookie" in first.headers  # renewed
    with client.session_transaction() as session:
        session["_seen"] = stale  # the older cookie again
    queries["n"] = 0
    again = client.get(path)
    assert again.status_code == 200 and again.data == first.data
    assert queries["n"] == 1  # from the page cache: one query
    with client.session_transaction() as session:
        assert session["_seen"] >= _now() - 5  # and the cookie it sent is renewed
