"""Sign-in, lockout, safe redirects, CSRF, password change, CLI accounts and tokens."""

import pytest

from coop.extensions import db
from coop.models import User
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
    # even the right password is refused while locked
    r = auth.login("viewer@test.example", PASSWORD)
    assert r.status_code == 422 and "gesperrt" in r.get_data(as_text=True)
    assert db.session.get(User, seed.users["viewer"].id).locked_until is not None


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
    assert "mindestens 10 Zeichen" in r.get_data(as_text=True)
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
