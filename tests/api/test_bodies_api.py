"""The JSON API: tokens, errors with fields, pagination, versions, permissions, OpenAPI."""

import json

import pytest
from sqlalchemy import func, select

from coop.auth import services as user_services
from coop.extensions import db
from coop.models import AuditEntry, Body
from tests.openapi import schema_checker


def h(seed, role="coordinator", **extra):
    return {"Authorization": f"Bearer {seed.tokens[role]}", **extra}


def count():
    return db.session.scalar(select(func.count()).select_from(Body))


def test_requires_a_valid_token(client, seed):
    assert client.get("/api/v1/bodies").status_code == 401
    r = client.get("/api/v1/bodies", headers={"Authorization": "Bearer coop_wrong"})
    assert r.status_code == 401
    assert r.json["error"]["code"] == "unauthorized"
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    token = seed.users["viewer"].tokens[0]
    user_services.revoke_token(token)
    db.session.commit()
    assert client.get("/api/v1/bodies", headers=h(seed, "viewer")).status_code == 401


def test_list_paginates_and_filters(client, seed):
    r = client.get("/api/v1/bodies?per_page=3&page=2&sort=name", headers=h(seed))
    assert r.status_code == 200
    assert r.json["total"] == 8 and r.json["page"] == 2 and r.json["per_page"] == 3
    assert [b["name"] for b in r.json["items"]] == [
        "Landkreis Helmstedt",
        "Marienmünster",
        "Nieheim",
    ]
    hoexter = seed.bodies["hoexter"].id
    r = client.get(f"/api/v1/bodies?parent_id={hoexter}&kind=city&q=brak", headers=h(seed))
    assert [b["ags"] for b in r.json["items"]] == ["05762016"]
    item = r.json["items"][0]
    assert set(item) >= {
        "id",
        "name",
        "kind",
        "ags",
        "ars",
        "population",
        "parent_id",
        "state",
        "council_name",
        "website",
        "version",
    }
    r = client.get("/api/v1/bodies?kind=planet", headers=h(seed))
    assert r.status_code == 400 and "kind" in r.json["error"]["fields"]
    r = client.get("/api/v1/bodies?per_page=x", headers=h(seed))
    assert r.status_code == 400 and "per_page" in r.json["error"]["fields"]


def test_create_get_patch_delete(client, seed):
    payload = {
        "name": "Steinheim",
        "kind": "city",
        "ags": "05762032",
        "population": 12659,
        "parent_id": seed.bodies["hoexter"].id,
    }
    r = client.post("/api/v1/bodies", json=payload, headers=h(seed))
    assert r.status_code == 201, r.json
    body = r.json
    assert body["state"] == "05" and body["version"] >= 1
    assert r.headers["Location"] == f"/api/v1/bodies/{body['id']}"
    assert client.get(f"/api/v1/bodies/{body['id']}", headers=h(seed)).json["name"] == "Steinheim"
    r = client.patch(
        f"/api/v1/bodies/{body['id']}",
        json={"population": 12700, "version": body["version"]},
        headers=h(seed),
    )
    assert r.status_code == 200 and r.json["population"] == 12700
    assert r.json["version"] == body["version"] + 1
    # a stale version is refused with 409, the data stay as they were
    r = client.patch(
        f"/api/v1/bodies/{body['id']}",
        json={"population": 1, "version": body["version"]},
        headers=h(seed),
    )
    assert r.status_code == 409 and "version" in r.json["error"]["fields"]
    r = client.patch(
        f"/api/v1/bodies/{body['id']}",
        json={"population": 1},
        headers=h(seed, **{"If-Match": str(body["version"])}),
    )
    assert r.status_code == 409
    assert db.session.get(Body, body["id"]).population == 12700
    r = client.delete(f"/api/v1/bodies/{body['id']}", headers=h(seed))
    assert r.status_code == 204
    assert client.get(f"/api/v1/bodies/{body['id']}", headers=h(seed)).status_code == 404
    actions = db.session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.entity_type == "Body", AuditEntry.entity_id == body["id"]
        )
    ).all()
    assert sorted(a.value for a in actions) == ["create", "delete", "update"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "X", "kind": "city", "ags": "abcdefgh"}, "ags"),
        ({"name": "X", "kind": "city", "ags": "0576203"}, "ags"),
        ({"name": "X", "kind": "city", "ags": "05762016"}, "ags"),  # duplicate
        ({"name": "X", "kind": "city", "population": -5}, "population"),
        ({"name": "X", "kind": "city", "population": "many"}, "population"),
        ({"name": "X", "kind": "city", "population": True}, "population"),
        ({"name": "X", "kind": "moon"}, "kind"),
        ({"kind": "city"}, "name"),
        ({"name": "X", "kind": "city", "colour": "red"}, "colour"),
    ],
)
def test_bad_input_gives_422_naming_the_field(client, seed, payload, field):
    before = count()
    r = client.post("/api/v1/bodies", json=payload, headers=h(seed, "admin"))
    assert r.status_code == 422, r.json
    assert field in r.json["error"]["fields"]
    assert r.json["error"]["code"] == "validation_error"
    assert count() == before


def test_parent_cycle_through_api(client, seed):
    nord_elm = seed.bodies["nord_elm"]
    r = client.patch(
        f"/api/v1/bodies/{seed.bodies['helmstedt'].id}",
        json={"parent_id": nord_elm.id},
        headers=h(seed, "admin"),
    )
    assert r.status_code == 422 and "parent_id" in r.json["error"]["fields"]


def test_malformed_and_oversized_bodies(client, seed, app):
    r = client.post(
        "/api/v1/bodies", data="{not json", headers=h(seed, **{"Content-Type": "application/json"})
    )
    assert r.status_code == 400 and r.json["error"]["code"] == "malformed_json"
    r = client.post(
        "/api/v1/bodies", data="[1, 2]", headers=h(seed, **{"Content-Type": "application/json"})
    )
    assert r.status_code == 400
    r = client.post("/api/v1/bodies", data="name=x", headers=h(seed))
    assert r.status_code == 415
    big = json.dumps(
        {"name": "X", "kind": "city", "contact": "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)}
    )
    r = client.post(
        "/api/v1/bodies", data=big, headers=h(seed, **{"Content-Type": "application/json"})
    )
    assert r.status_code == 413 and r.json["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize("role", ["viewer", "funding_officer"])
def test_read_only_roles_cannot_write(client, seed, role):
    brakel = seed.bodies["brakel"]
    assert client.get("/api/v1/bodies", headers=h(seed, role)).status_code == 200
    r = client.post("/api/v1/bodies", json={"name": "X", "kind": "city"}, headers=h(seed, role))
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
    r = client.patch(f"/api/v1/bodies/{brakel.id}", json={"population": 1}, headers=h(seed, role))
    assert r.status_code == 403
    assert client.delete(f"/api/v1/bodies/{brakel.id}", headers=h(seed, role)).status_code == 403
    assert db.session.get(Body, brakel.id).population == 16012


def test_partner_editor_edits_own_body_only(client, seed):
    brakel, nieheim = seed.bodies["brakel"], seed.bodies["nieheim"]
    r = client.patch(
        f"/api/v1/bodies/{brakel.id}",
        json={"website": "https://www.brakel.de"},
        headers=h(seed, "partner_editor"),
    )
    assert r.status_code == 200
    r = client.patch(
        f"/api/v1/bodies/{brakel.id}", json={"ags": "05762099"}, headers=h(seed, "partner_editor")
    )
    assert r.status_code == 403 and "ags" in r.json["error"]["fields"]
    r = client.patch(
        f"/api/v1/bodies/{nieheim.id}", json={"population": 1}, headers=h(seed, "partner_editor")
    )
    assert r.status_code == 403


def test_coordinator_is_bound_to_own_district(client, seed):
    r = client.patch(
        f"/api/v1/bodies/{seed.bodies['suepplingen'].id}",
        json={"population": 1},
        headers=h(seed, "coordinator"),
    )
    assert r.status_code == 403
    r = client.post(
        "/api/v1/bodies",
        json={"name": "X", "kind": "municipality", "parent_id": seed.bodies["helmstedt"].id},
        headers=h(seed, "coordinator"),
    )
    assert r.status_code == 403


def test_delete_in_use_gives_409(client, seed):
    r = client.delete(f"/api/v1/bodies/{seed.bodies['hoexter'].id}", headers=h(seed, "admin"))
    assert r.status_code == 409 and r.json["error"]["code"] == "conflict"


def test_openapi_document_describes_the_answers(client, seed):
    doc, check = schema_checker(client)
    assert doc["openapi"].startswith("3.1")
    assert {"/bodies", "/bodies/{body_id}"} <= set(doc["paths"])
    assert set(doc["paths"]["/bodies/{body_id}"]) >= {"get", "patch", "delete"}
    check(client.get("/api/v1/bodies", headers=h(seed)).json, "BodyList")
    check(client.get(f"/api/v1/bodies/{seed.bodies['brakel'].id}", headers=h(seed)).json, "BodyOut")
    check(client.get("/api/v1/bodies?kind=x", headers=h(seed)).json, "Error")


def test_english_on_request(client, seed):
    r = client.get("/api/v1/bodies/999999", headers=h(seed, **{"Accept-Language": "en"}))
    assert r.status_code == 404 and "no body" in r.json["error"]["message"]
    r = client.get("/api/v1/bodies/999999", headers=h(seed))
    assert "keine Körperschaft" in r.json["error"]["message"]


def test_deleting_a_body_an_initiative_uses_says_what_uses_it(client, seed):
    """A town with no members and no accounts, but in an initiative and a resolution: 409 with
    what still uses it (before: an integrity error, 500)."""
    from coop.audit import acting_as
    from coop.extensions import db
    from tests import factories

    with acting_as(None, "test"):
        ini = factories.initiative(seed)
        factories.resolution(ini, seed.bodies["nieheim"])
        db.session.commit()
    nieheim = seed.bodies["nieheim"].id
    r = client.delete(f"/api/v1/bodies/{nieheim}", headers=h(seed, "admin"))
    assert r.status_code == 409
    message = r.json["error"]["message"]
    assert "Nieheim" in message and "Beteiligung (1)" in message
    assert "Ratsbeschluss (1)" in message
    assert client.get(f"/api/v1/bodies/{nieheim}", headers=h(seed)).status_code == 200


def test_the_database_rule_is_a_409_not_a_500(app, client, seed):
    from sqlalchemy.exc import IntegrityError

    @app.get("/_integrity")
    def _integrity():
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))

    r = client.get("/_integrity")
    assert r.status_code == 409 and "nichts wurde geändert" in r.get_data(as_text=True)
