"""Data protection duties: an admin exports everything stored about a person (Art. 15 DSGVO)
and anonymises an account (Art. 17) while the change history keeps its entries under a
pseudonym; history older than the retention is pruned by the nightly job."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from coop import jobs
from coop.audit import acting_as
from coop.extensions import db
from coop.models import ApiToken, AuditEntry, User
from coop.models.base import utcnow
from tests.conftest import AuthActions


def _admin(client):
    AuthActions(client).login("admin@test.example")
    return client


def test_export_holds_everything_about_the_person(client, seed, ini):
    editor = seed.users["partner_editor"]
    AuthActions(client).login(editor.email)  # the person works: a change in the history
    client.post("/logout", data={"csrf_token": AuthActions(client).csrf("/account")})
    _admin(client)
    answer = client.get(f"/users/{editor.id}/export")
    assert answer.status_code == 200
    assert "attachment" in answer.headers["Content-Disposition"]
    data = json.loads(answer.get_data(as_text=True))
    assert data["account"]["email"] == editor.email and data["account"]["role"] == "partner_editor"
    assert data["account"]["body"] == "Brakel"
    assert [t["name"] for t in data["api_tokens"]] == ["test"]
    text = json.dumps(data)
    token = db.session.scalar(select(ApiToken).filter_by(user_id=editor.id))
    assert token.token_hash not in text and editor.password_hash not in text
    assert any(e["record"] == "User" for e in data["changes_to_account"])
    assert set(data) >= {
        "saved_searches",
        "follows",
        "reminders_sent",
        "failed_sign_ins",
        "changes_made",
    }
    assert data["account"]["digest"] == "off" and data["account"]["reminders_by_mail"] is True


def test_only_admins_export_and_erase(client, seed):
    target = seed.users["viewer"]
    AuthActions(client).login("coordinator@test.example")
    assert client.get(f"/users/{target.id}/export").status_code == 403
    assert client.get(f"/users/{target.id}/erase").status_code == 403


def test_erasing_keeps_the_history_under_a_pseudonym(client, seed, ini):
    editor = seed.users["partner_editor"]
    email = editor.email
    with acting_as(editor.id, email):
        ini.title = ini.title + " (geändert)"
        db.session.commit()
    _admin(client)
    page = client.get(f"/users/{editor.id}/erase")
    assert page.status_code == 200
    auth = AuthActions(client)
    refused = client.post(
        f"/users/{editor.id}/erase", data={"csrf_token": auth.csrf(f"/users/{editor.id}/erase")}
    )
    assert refused.status_code == 422  # not confirmed: nothing happens
    assert db.session.get(User, editor.id).email == email
    done = client.post(
        f"/users/{editor.id}/erase",
        data={"csrf_token": auth.csrf(f"/users/{editor.id}/erase"), "confirm": "y"},
    )
    assert done.status_code == 302
    db.session.expire_all()
    erased = db.session.get(User, editor.id)
    assert erased.erased_at is not None and not erased.active and not erased.has_password
    assert erased.name == "" and email not in erased.email
    assert db.session.scalar(select(func.count()).where(ApiToken.user_id == editor.id)) == 0
    made = db.session.scalars(select(AuditEntry).where(AuditEntry.actor_id == editor.id)).all()
    assert made and all(e.actor_label.startswith("Ehemaliges Konto ") for e in made)
    # nothing in the whole history still carries the address
    everything = db.session.scalars(select(AuditEntry)).all()
    assert all(
        email not in json.dumps([e.actor_label, e.entity_label, e.changes]) for e in everything
    )
    # the person cannot sign in any more
    other = client.application.test_client()
    assert AuthActions(other).login(email).status_code == 422


def test_an_admin_cannot_erase_themselves(client, seed):
    admin = seed.users["admin"]
    _admin(client)
    auth = AuthActions(client)
    answer = client.post(
        f"/users/{admin.id}/erase",
        data={"csrf_token": auth.csrf(f"/users/{admin.id}/erase"), "confirm": "y"},
    )
    assert answer.status_code == 422 and db.session.get(User, admin.id).erased_at is None


def test_audit_entries_older_than_the_retention_are_pruned(app, seed, ini):
    old = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).first()
    old.at = utcnow() - timedelta(days=400)
    db.session.commit()
    total = db.session.scalar(select(func.count(AuditEntry.id)))
    app.config["AUDIT_RETENTION_DAYS"] = 0
    assert "0 audit entries" in jobs.forget_old_records()
    app.config["AUDIT_RETENTION_DAYS"] = 365
    summary = jobs.forget_old_records()
    assert "1 audit entries older than 365 days" in summary
    assert db.session.scalar(select(func.count(AuditEntry.id))) == total - 1
