"""Invitations instead of passwords (issue 29): an administrator or coordinator invites a
colleague by e-mail; the person sets their own password through a single-use link that
expires, and signs in. "Forgot your password?" sends such a link, limited, and never says
whether an address has an account."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from coop.extensions import db
from coop.models import AccessLink, OutboxMail, User
from coop.models.base import utcnow
from tests.conftest import AuthActions

STRONG = "Weser-Brücke-Nebel-7"


def _link_in(mail: OutboxMail) -> str:
    found = re.search(r"https?://\S+/password/(\S+)", mail.text)
    assert found, mail.text
    return "/password/" + found.group(1)


def _mails_to(address: str) -> list[OutboxMail]:
    return db.session.scalars(
        select(OutboxMail).where(OutboxMail.recipients == address).order_by(OutboxMail.id)
    ).all()


def test_an_invited_colleague_sets_a_password_and_signs_in(app, client, auth, seed):
    auth.login("admin@test.example")
    form = client.get("/users/new").get_data(as_text=True)
    assert 'name="password"' not in form and "eigenes Passwort" in form
    answer = auth.post(
        "/users/new",
        {"email": "Neu@Nieheim.example", "name": "Nora Neu", "role": "viewer", "active": "y"},
    )
    assert answer.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "neu@nieheim.example"))
    assert not user.has_password
    (mail,) = _mails_to("neu@nieheim.example")
    assert "Nora Neu" in mail.text and "7 Tage lang" in mail.text
    path = _link_in(mail)
    auth.logout()

    # nobody signs in before the password is set
    AuthActions(client).login("neu@nieheim.example", "!invited")
    assert client.get("/users/").status_code in (302, 401, 403)
    page = client.get(path)
    assert page.status_code == 200 and "neu@nieheim.example" in page.get_data(as_text=True)
    token = AuthActions(client).csrf(path)
    weak = client.post(path, data={"csrf_token": token, "password": "kurz", "confirm": "kurz"})
    assert weak.status_code == 422 and "mindestens 12 Zeichen" in weak.get_data(as_text=True)
    done = client.post(path, data={"csrf_token": token, "password": STRONG, "confirm": STRONG})
    assert done.status_code == 302 and "/login" in done.location
    AuthActions(client).login("neu@nieheim.example", STRONG)
    assert client.get("/").status_code == 200
    # the link works once
    assert client.get(path).status_code == 410


def test_a_link_expires_and_a_new_one_ends_the_old(app, client, auth, seed):
    auth.login("admin@test.example")
    auth.post("/users/new", {"email": "alt@nieheim.example", "role": "viewer", "active": "y"})
    user = db.session.scalar(select(User).where(User.email == "alt@nieheim.example"))
    first = _link_in(_mails_to("alt@nieheim.example")[0])
    page = client.get(f"/users/{user.id}/edit").get_data(as_text=True)
    assert "Einladung erneut senden" in page
    auth.post(f"/users/{user.id}/invite", {}, f"/users/{user.id}/edit")
    second = _link_in(_mails_to("alt@nieheim.example")[1])
    assert client.get(first).status_code == 410 and client.get(second).status_code == 200
    link = db.session.scalar(select(AccessLink).where(AccessLink.used_at.is_(None)))
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(second).status_code == 410


def test_forgot_password_says_the_same_for_every_address_and_is_limited(app, client, seed):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in page
    said = []
    for address in ("admin@test.example", "niemand@test.example"):
        token = AuthActions(client).csrf("/password/forgot")
        answer = client.post("/password/forgot", data={"csrf_token": token, "email": address})
        assert answer.status_code == 302
        said.append(client.get(answer.location).get_data(as_text=True).count("Falls es ein Konto"))
    assert said == [1, 1]
    assert len(_mails_to("admin@test.example")) == 1 and not _mails_to("niemand@test.example")
    path = _link_in(_mails_to("admin@test.example")[0])
    assert "1 Stunde" in _mails_to("admin@test.example")[0].text
    assert client.get(path).status_code == 200
    # at most three links an hour to one address
    for _ in range(4):
        token = AuthActions(client).csrf("/password/forgot")
        client.post("/password/forgot", data={"csrf_token": token, "email": "admin@test.example"})
    assert len(_mails_to("admin@test.example")) == 3
    assert db.session.scalar(select(func.count()).select_from(AccessLink)) == 3
