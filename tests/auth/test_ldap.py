"""Sign-in against a real OpenLDAP server (slapd): a bind with the person's own password over
STARTTLS or LDAPS, groups in groups mapped to roles and bodies; a directory that is down, slow
or untrusted, a wrong password and a person in no mapped group each refused plainly, with
nothing created."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from sqlalchemy import func, select

from coop.extensions import db
from coop.models import AuthSource, Role, User
from tests.auth.conftest import ldap_app_with
from tests.conftest import AuthActions
from tests.idp.ldap import PASSWORD, SUFFIX


def _users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def _login(application, login: str, password: str = PASSWORD):
    client = application.test_client()
    return client, AuthActions(client).login(login, password)


def test_nested_group_gives_the_coordinator_role(ldap_app, seed):
    before = _users()
    client, answer = _login(ldap_app, "bmeier")
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    bernd = db.session.scalar(select(User).filter_by(email="bernd.meier@kreis-hoexter.de"))
    assert bernd.role == Role.COORDINATOR and bernd.body_id == seed.bodies["hoexter"].id
    assert bernd.auth_source == AuthSource.LDAP and bernd.name == "Bernd Meier"
    assert bernd.external_subject.startswith("ldap|") and not bernd.has_password
    assert _users() == before + 1
    assert client.get("/account").status_code == 200


def test_sign_in_by_mail_address_and_over_ldaps(app, slapd, seed):
    application = ldap_app_with(app, slapd.config(LDAP_URL=slapd.ldaps_url))
    _client, answer = _login(application, "carla.koch@brakel.de")
    assert answer.status_code == 302
    carla = db.session.scalar(select(User).filter_by(email="carla.koch@brakel.de"))
    assert carla.role == Role.PARTNER_EDITOR and carla.body_id == seed.bodies["brakel"].id


def test_later_sign_in_follows_the_directory(ldap_app, seed):
    _login(ldap_app, "ckoch")
    carla = db.session.scalar(select(User).filter_by(email="carla.koch@brakel.de"))
    carla.role = Role.VIEWER
    db.session.commit()
    _login(ldap_app, "ckoch")
    db.session.expire_all()
    assert db.session.get(User, carla.id).role == Role.PARTNER_EDITOR
    assert _users() == len(seed.users) + 1


def test_wrong_password_and_empty_password(ldap_app, seed):
    _client, answer = _login(ldap_app, "bmeier", "falsch")
    assert answer.status_code == 422
    assert "Benutzername, E-Mail-Adresse oder Passwort ist nicht richtig" in answer.get_data(
        as_text=True
    )
    # an empty password would be an anonymous bind, which a directory accepts
    client = ldap_app.test_client()
    auth = AuthActions(client)
    empty = client.post(
        "/login", data={"email": "bmeier", "password": "", "csrf_token": auth.csrf()}
    )
    assert empty.status_code == 422 and _users() == len(seed.users)


def test_a_person_in_no_mapped_group_is_refused(ldap_app, seed, caplog):
    _client, answer = _login(ldap_app, "dnull")
    assert answer.status_code == 403
    assert "keiner der Gruppen" in answer.get_data(as_text=True)
    assert _users() == len(seed.users)
    assert "sign-in refused (ldap, no_mapped_group)" in caplog.text


def test_local_accounts_still_sign_in_beside_the_directory(ldap_app, seed):
    _client, answer = _login(ldap_app, "admin@test.example", "correct-horse-battery")
    assert answer.status_code == 302


def test_directory_down(app, seed, caplog):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    application = ldap_app_with(
        app,
        {
            "LDAP_URL": f"ldap://127.0.0.1:{port}",
            "LDAP_USER_BASE": f"ou=people,{SUFFIX}",
            "LDAP_TIMEOUT": 2,
        },
    )
    _client, answer = _login(application, "bmeier")
    assert answer.status_code == 422
    assert "Verzeichnisdienst (LDAP) ist gerade nicht erreichbar" in answer.get_data(as_text=True)
    assert "unavailable" in caplog.text and _users() == len(seed.users)
    # the administrators' own passwords still work
    _client, admin = _login(application, "admin@test.example", "correct-horse-battery")
    assert admin.status_code == 302


def test_directory_that_does_not_answer(app, seed):
    """A server that accepts the connection and then says nothing: refused after the timeout."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    held = []
    stop = threading.Event()

    def accept():
        silent.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(silent.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        application = ldap_app_with(
            app,
            {
                "LDAP_URL": f"ldap://127.0.0.1:{silent.getsockname()[1]}",
                "LDAP_USER_BASE": f"ou=people,{SUFFIX}",
                "LDAP_TIMEOUT": 1,
            },
        )
        started = time.monotonic()
        _client, answer = _login(application, "bmeier")
        assert answer.status_code == 422 and time.monotonic() - started < 10
        assert "nicht erreichbar" in answer.get_data(as_text=True)
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        silent.close()


def test_a_certificate_coop_does_not_trust_is_refused(app, slapd, seed):
    application = ldap_app_with(app, slapd.config(LDAP_CA_FILE=None, LDAP_URL=slapd.ldaps_url))
    _client, answer = _login(application, "bmeier")
    assert answer.status_code == 422 and _users() == len(seed.users)


@pytest.mark.parametrize("url", ["http://dc.example", "ldapx://dc"])
def test_a_url_that_is_not_ldap_stops_the_start(app, url):
    from config import ConfigError

    with pytest.raises(ConfigError):
        ldap_app_with(app, {"LDAP_URL": url, "LDAP_USER_BASE": SUFFIX})
