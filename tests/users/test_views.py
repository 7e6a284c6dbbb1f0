"""Account administration: admins manage all, coordinators their district's colleagues."""

from sqlalchemy import select

from coop.extensions import db
from coop.models import AuditEntry, Role, User


def test_admin_creates_and_edits_accounts(client, auth, seed):
    auth.login("admin@test.example")
    assert client.get("/users/").status_code == 200
    r = auth.post(
        "/users/new",
        {
            "email": "Kaemmerer@Nieheim.example",
            "name": "K",
            "role": "funding_officer",
            "password": "lange-genug-1",
            "active": "y",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "kaemmerer@nieheim.example"))
    assert user.role == Role.FUNDING_OFFICER and user.password_hash != "lange-genug-1"
    r = auth.post(
        f"/users/{user.id}/edit",
        {"email": user.email, "role": "viewer", "body_id": "", "version": str(user.version)},
    )
    assert r.status_code == 302
    assert db.session.get(User, user.id).role == Role.VIEWER
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "User", AuditEntry.entity_id == user.id)
    ).all()[-1]
    assert entry.changes["role"] == ["funding_officer", "viewer"]


def test_account_form_errors(client, auth, seed):
    auth.login("admin@test.example")
    r = auth.post("/users/new", {"email": "no-at-sign", "role": "coordinator", "password": "short"})
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "gültige E-Mail" in page
    assert 'name="password"' not in page  # people are invited; nobody types their password
    # what needs other records is checked once the command's own values are right
    r = auth.post(
        "/users/new",
        {"email": "neu@test.example", "role": "coordinator", "password": "Weser-Brücke-Nebel-7"},
    )
    assert r.status_code == 422 and "gebunden" in r.get_data(as_text=True)


def test_coordinator_manages_own_district_only(client, auth, seed):
    auth.login("coordinator@test.example")
    page = client.get("/users/").get_data(as_text=True)
    assert "partner_editor@test.example" in page and "coordinator_helmstedt" not in page
    r = auth.post(
        "/users/new",
        {
            "email": "neu@nieheim.example",
            "role": "partner_editor",
            "body_id": str(seed.bodies["nieheim"].id),
            "password": "lange-genug-1",
            "active": "y",
        },
    )
    assert r.status_code == 302
    r = auth.post(
        "/users/new",
        {"email": "boss@x.example", "role": "admin", "password": "lange-genug-1", "active": "y"},
        "/users/new",
    )
    assert r.status_code == 403
    r = auth.post(
        "/users/new",
        {
            "email": "fremd@x.example",
            "role": "partner_editor",
            "body_id": str(seed.bodies["suepplingen"].id),
            "password": "lange-genug-1",
            "active": "y",
        },
        "/users/new",
    )
    assert r.status_code == 403
    assert client.get(f"/users/{seed.users['admin'].id}/edit").status_code == 403


def test_others_cannot_manage_accounts(client, auth, seed):
    auth.login("partner_editor@test.example")
    assert client.get("/users/").status_code == 403
    assert client.get("/users/new").status_code == 403
