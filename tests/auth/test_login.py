"""Sign-in, lockout, safe redirects, CSRF, password change, CLI accounts and tokens."""

import pytest

from coop.extensions import db
from coop.models import LoginThrottle, User
from coop.users.schemas import UserChange
from tests.conftest import AuthActions
from tests.factories import PASSWORD


def test_login_and_logout(client, auth, seed):
    r = auth.login("coordinator@test.example")
    assert r.status_code == 302 and r.location == "/"
    assert "Angemeldet als coordinator@test.example" in client.get("/").get_data(as_text=True)
    r = auth.post("/logout", {}, form_path="/")
    assert r.location == "/login"
    assert client.get("/bodies/").status_code == 302


def test_wrong_password_and_lockout(client, auth, seed, app):
    for _attempt in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        r = auth.login("viewer@test.example", "wrong-password")
        assert "nicht richtig" in r.get_data(as_text=True)
    r = auth.login("viewer@test.example", "wrong-password")
    assert "gesperrt bis" in r.get_data(as_text=True)
    # even the right password is refused from here while locked
    r = auth.login("viewer@test.example", PASSWORD)
    assert r.status_code == 422 and "gesperrt" in r.get_data(as_text=True)


def _login_from(app, address: str, email: str, password: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return AuthActions(client).login(email, password)


def test_a_stranger_cannot_lock_the_owner_out(app, seed):
    for _attempt in range(app.config["LOGIN_MAX_FAILURES"]):
        _login_from(app, "198.51.100.9", "viewer@test.example", "wrong-password")
    refused = _login_from(app, "198.51.100.9", "viewer@test.example", PASSWORD)
    assert refused.status_code == 422
    assert _login_from(app, "10.1.2.3", "viewer@test.example", PASSWORD).status_code == 302


def test_each_further_lock_lasts_twice_as_long(app, seed):
    from coop.auth import services
    from coop.models.base import utcnow

    key = {"address": "198.51.100.7", "max_failures": 3, "lockout_minutes": 15}

    def three_failures():
        results = [services.authenticate("viewer@test.example", "x", **key) for _ in range(3)]
        assert [r.reason for r in results] == ["invalid", "invalid", "locked"]
        return (results[-1].until - utcnow()).total_seconds() / 60

    assert 14 < three_failures() <= 15
    db.session.execute(db.update(LoginThrottle).values(locked_until=None))  # time has passed
    db.session.commit()
    assert 29 < three_failures() <= 30


def test_a_deactivated_accounts_token_and_feed_stop_working(client, seed):
    from coop.audit import acting_as
    from coop.reminders import calendar
    from coop.users import services

    viewer = seed.users["viewer"]
    with acting_as(None, "test"):
        secret = calendar.issue_token(db.session.get(User, viewer.id))
        db.session.commit()
    headers = {"Authorization": f"Bearer {seed.tokens['viewer']}"}
    assert client.get("/api/v1/initiatives", headers=headers).status_code == 200
    assert client.get(f"/calendar/{secret}.ics").status_code == 200
    with acting_as(None, "test"):
        services.update_user(
            db.session.get(User, viewer.id),
            UserChange.model_validate({"active": False}),
            actor=None,
        )
        db.session.commit()
    assert client.get("/api/v1/initiatives", headers=headers).status_code == 401
    assert client.get(f"/calendar/{secret}.ics").status_code == 404


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/bodies/?page=2", "/bodies/?page=2"),
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_only_to_own_paths(client, auth, seed, target, expected):
    r = client.post(
        "/login",
        data={
            "email": "viewer@test.example",
            "password": PASSWORD,
            "next": target,
            "csrf_token": auth.csrf(),
        },
    )
    assert r.location == expected


def test_forms_need_csrf(client, seed):
    r = client.post("/login", data={"email": "viewer@test.example", "password": PASSWORD})
    assert r.status_code in (400, 422)
    assert client.get("/bodies/").status_code == 302  # not signed in


def test_change_password(client, auth, seed):
    auth.login("viewer@test.example")
    r = auth.post(
        "/account/password",
        {
            "current_password": "nope-nope-nope",
            "new_password": "a-new-password-1",
            "confirm_password": "a-new-password-1",
        },
        "/account",
    )
    assert r.status_code == 422 and "nicht richtig" in r.get_data(as_text=True)
    r = auth.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "short", "confirm_password": "short"},
        "/account",
    )
    assert "mindestens 12 Zeichen" in r.get_data(as_text=True)
    r = auth.post(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "a-new-password-1",
            "confirm_password": "a-new-password-1",
        },
        "/account",
    )
    assert r.status_code == 302
    assert db.session.get(User, seed.users["viewer"].id).check_password("a-new-password-1")


def test_account_page_creates_and_revokes_tokens(client, auth, seed):
    auth.login("viewer@test.example")
    r = auth.post("/account/tokens", {"name": "Ratsinfo"}, "/account")
    page = r.get_data(as_text=True)
    import re

    secret = re.search(r'id="new-token">(coop_[^<]+)<', page).group(1)
    assert (
        client.get("/api/v1/bodies", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 200
    )
    token = [
        t for t in db.session.get(User, seed.users["viewer"].id).tokens if t.name == "Ratsinfo"
    ][0]
    auth.post(f"/account/tokens/{token.id}/revoke", {}, "/account")
    assert (
        client.get("/api/v1/bodies", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 401
    )


def test_cli_users_and_tokens(runner, client, seed):
    r = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "neu@brakel.example",
            "--role",
            "partner_editor",
            "--password",
            "lange-genug-1",
            "--body-ags",
            "05762016",
        ]
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "x@y.example",
            "--role",
            "partner_editor",
            "--password",
            "lange-genug-1",
        ]
    )
    assert r.exit_code != 0 and "body_id" in r.output
    r = runner.invoke(args=["tokens", "create", "--email", "neu@brakel.example"])
    assert r.exit_code == 0, r.output
    secret = r.output.strip().splitlines()[-1]
    assert secret.startswith("coop_")
    r = client.get("/api/v1/bodies", headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 200
