"""Initiatives, resolutions and decisions through the JSON API, on SQLite and PostgreSQL."""

from datetime import timedelta

from sqlalchemy import func, select

from coop.audit import acting_as
from coop.core import clock
from coop.extensions import db
from coop.models import AuditEntry, Initiative, Resolution
from tests import factories
from tests.factories import PDF
from tests.openapi import schema_checker


def h(seed, role="coordinator", **extra):
    return {"Authorization": f"Bearer {seed.tokens[role]}", **extra}


def test_create_with_participants_and_milestones(client, seed):
    b = seed.bodies
    payload = {
        "title": "Gemeinsame Vergabestelle",
        "service_area": "procurement",
        "phase": "concept",
        "lead_body_id": b["brakel"].id,
        "start_date": "2025-01-01",
        "public": True,
        "phase_changed_on": "2024-11-05",
        "participants": [
            {"body_id": b["nieheim"].id, "role": "partner", "joined_on": "2024-10-01"},
            {"body_id": b["dataport"].id, "role": "prospective"},
        ],
        "milestones": [
            {"title": "Konzept", "due_on": "2025-03-31", "done_on": "2025-03-20"},
            {"title": "Start", "due_on": "2025-07-01"},
        ],
    }
    r = client.post("/api/v1/initiatives", json=payload, headers=h(seed))
    assert r.status_code == 201, r.json
    body = r.json
    assert r.headers["Location"] == f"/api/v1/initiatives/{body['id']}"
    assert body["legal_form"] == "undecided" and body["end_date"] is None and body["public"]
    # the lead takes part as lead, without being listed twice
    roles = {p["body_id"]: p["role"] for p in body["participants"]}
    assert roles == {
        b["brakel"].id: "lead",
        b["nieheim"].id: "partner",
        b["dataport"].id: "prospective",
    }
    assert [m["title"] for m in body["milestones"]] == ["Konzept", "Start"]
    assert body["phase_history"] == [{"phase": "concept", "changed_on": "2024-11-05"}]
    got = client.get(f"/api/v1/initiatives/{body['id']}", headers=h(seed, "viewer")).json
    assert got["title"] == "Gemeinsame Vergabestelle"
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.context_type == "Initiative")
    ).all()
    assert {e.entity_type for e in entries} == {"Participant", "Milestone", "PhaseChange"}
    assert all(e.actor_label == "coordinator@test.example (API)" for e in entries)


def test_bad_input_names_the_field_and_stores_nothing(client, seed):
    b = seed.bodies
    base = {"title": "X", "service_area": "it"}
    cases = [
        ({**base, "service_area": "space"}, "service_area"),
        ({**base, "phase": "dreaming"}, "phase"),
        ({**base, "start_date": "2025-13-01"}, "start_date"),
        ({**base, "start_date": "2025-05-01", "end_date": "2025-01-01"}, "end_date"),
        (
            {
                **base,
                "participants": [
                    {"body_id": b["brakel"].id},
                    {"body_id": b["brakel"].id, "role": "partner"},
                ],
            },
            "participants.1.body_id",
        ),
        ({**base, "participants": [{"body_id": 99999}]}, "participants.0.body_id"),
        ({**base, "milestones": [{"title": "A", "due_on": "morgen"}]}, "milestones.0.due_on"),
        (
            {
                **base,
                "lead_body_id": b["brakel"].id,
                "participants": [{"body_id": b["nieheim"].id, "role": "lead"}],
            },
            "participants.0.role",
        ),
    ]
    for payload, field in cases:
        r = client.post("/api/v1/initiatives", json=payload, headers=h(seed))
        assert r.status_code == 422, (field, r.json)
        assert field in r.json["error"]["fields"], (field, r.json)
    assert db.session.scalar(select(func.count()).select_from(Initiative)) == 0
    r = client.post(
        "/api/v1/initiatives",
        json={**base, "participants": [{"body_id": b["brakel"].id}, {"body_id": b["brakel"].id}]},
        headers=h(seed),
    )
    assert "bereits" in r.json["error"]["fields"]["participants.1.body_id"]


def test_permissions_on_initiatives(client, seed, ini):
    b = seed.bodies
    payload = {"title": "X", "service_area": "it", "lead_body_id": b["brakel"].id}
    for role in ("viewer", "partner_editor", "funding_officer"):
        assert (
            client.post("/api/v1/initiatives", json=payload, headers=h(seed, role)).status_code
            == 403
        )
        r = client.patch(
            f"/api/v1/initiatives/{ini.id}", json={"title": "Y"}, headers=h(seed, role)
        )
        assert r.status_code == 403
    # Helmstedt's coordinator neither edits Höxter's initiative nor starts one for Höxter
    r = client.patch(
        f"/api/v1/initiatives/{ini.id}",
        json={"title": "Y"},
        headers=h(seed, "coordinator_helmstedt"),
    )
    assert r.status_code == 403
    r = client.post("/api/v1/initiatives", json=payload, headers=h(seed, "coordinator_helmstedt"))
    assert r.status_code == 403 and "lead_body_id" in r.json["error"]["fields"]
    assert client.get(f"/api/v1/initiatives/{ini.id}", headers=h(seed, "viewer")).status_code == 200


def test_update_replaces_lists_records_phase_and_checks_version(client, seed, ini):
    b = seed.bodies
    r = client.get(f"/api/v1/initiatives/{ini.id}", headers=h(seed))
    version = r.json["version"]
    r = client.patch(
        f"/api/v1/initiatives/{ini.id}",
        json={
            "phase": "implementation",
            "phase_changed_on": "2022-07-01",
            "participants": [
                {"body_id": b["hoexter"].id, "role": "lead"},
                {"body_id": b["brakel"].id, "role": "withdrawn", "left_on": "2023-01-01"},
                {"body_id": b["marienmuenster"].id, "role": "partner"},
            ],
            "milestones": [],
            "version": version,
        },
        headers=h(seed),
    )
    assert r.status_code == 200, r.json
    assert [p["phase"] for p in r.json["phase_history"]] == ["decision", "implementation"]
    assert r.json["phase_history"][1]["changed_on"] == "2022-07-01"
    assert {p["body_id"] for p in r.json["participants"]} == {
        b["hoexter"].id,
        b["brakel"].id,
        b["marienmuenster"].id,
    }
    assert r.json["milestones"] == []
    stale = client.patch(
        f"/api/v1/initiatives/{ini.id}", json={"title": "Z", "version": version}, headers=h(seed)
    )
    assert stale.status_code == 409


def test_participant_with_resolutions_cannot_be_removed(client, seed, ini):
    b = seed.bodies
    with acting_as(None, "test"):
        factories.resolution(ini, b["nieheim"])
        db.session.commit()
    r = client.patch(
        f"/api/v1/initiatives/{ini.id}",
        json={"participants": [{"body_id": b["hoexter"].id, "role": "lead"}]},
        headers=h(seed),
    )
    assert r.status_code == 422
    assert "zurückgezogen" in r.json["error"]["fields"]["participants"]


def resolution_payload(ini, body, **extra):
    return {
        "initiative_id": ini.id,
        "body_id": body.id,
        "organ": "Rat",
        "reference": "560/2022",
        "title": "Gründung eines Digitalnetzwerks",
        "kind": "basic_decision",
        "session_date": "2022-02-23",
        "outcome": "adopted",
        "result_text": "einstimmig",
        **extra,
    }


def test_resolution_round_trip(client, seed, ini):
    b = seed.bodies
    payload = resolution_payload(
        ini,
        b["marienmuenster"],
        votes_yes=13,
        votes_no=0,
        votes_abstain=0,
        source_url="https://marienmuenster.ratsinfomanagement.net/x",
    )
    r = client.post("/api/v1/resolutions", json=payload, headers=h(seed))
    assert r.status_code == 201, r.json
    res = r.json
    for key, value in payload.items():
        assert res[key] == value
    assert res["authoritative"] is True and res["public"] is True and res["document_url"] is None
    listed = client.get(
        f"/api/v1/resolutions?initiative_id={ini.id}&body_id={b['marienmuenster'].id}",
        headers=h(seed, "viewer"),
    ).json
    assert [x["id"] for x in listed["items"]] == [res["id"]]
    r = client.patch(
        f"/api/v1/resolutions/{res['id']}",
        json={"outcome": "adopted_amended"},
        headers=h(seed),
    )
    assert r.status_code == 200 and r.json["outcome"] == "adopted_amended"
    r = client.delete(f"/api/v1/resolutions/{res['id']}", headers=h(seed))
    assert r.status_code == 204
    assert db.session.scalar(select(func.count()).select_from(Resolution)) == 0
    actions = [
        e.action.value
        for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.entity_type == "Resolution").order_by(AuditEntry.id)
        )
    ]
    assert actions == ["create", "update", "delete"]


def test_resolution_bad_input(client, seed, ini):
    b = seed.bodies
    cases = [
        (resolution_payload(ini, b["suepplingen"]), "body_id"),  # not a participant
        (resolution_payload(ini, b["brakel"], votes_yes=-1), "votes_yes"),
        (resolution_payload(ini, b["brakel"], votes_no="viele"), "votes_no"),
        (resolution_payload(ini, b["brakel"], session_date="23.02.2022x"), "session_date"),
        (resolution_payload(ini, b["brakel"], outcome="vertagt"), "outcome"),
        (resolution_payload(ini, b["brakel"], outcome="scheduled", votes_yes=3), "votes_yes"),
        (resolution_payload(ini, b["brakel"], source_url="javascript:alert(1)"), "source_url"),
        ({**resolution_payload(ini, b["brakel"]), "initiative_id": 99999}, "initiative_id"),
    ]
    for payload, field in cases:
        r = client.post("/api/v1/resolutions", json=payload, headers=h(seed))
        assert r.status_code == 422, (field, r.json)
        assert field in r.json["error"]["fields"], (field, r.json)
    assert db.session.scalar(select(func.count()).select_from(Resolution)) == 0


def test_a_status_report_needs_no_outcome_and_cannot_be_decided(client, seed, ini):
    b = seed.bodies
    report = resolution_payload(ini, b["brakel"], kind="status_report")
    del report["outcome"]
    r = client.post("/api/v1/resolutions", json=report, headers=h(seed))
    assert r.status_code == 201, r.json
    assert r.json["outcome"] == "noted"
    decided = resolution_payload(ini, b["brakel"], kind="status_report", outcome="adopted")
    r = client.post("/api/v1/resolutions", json=decided, headers=h(seed))
    assert r.status_code == 422 and "outcome" in r.json["error"]["fields"]
    missing = resolution_payload(ini, b["nieheim"])
    del missing["outcome"]
    r = client.post("/api/v1/resolutions", json=missing, headers=h(seed))
    assert r.status_code == 422 and "outcome" in r.json["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(Resolution)) == 1


def test_partner_editor_records_own_body_only(client, seed, ini):
    b = seed.bodies
    own = resolution_payload(ini, b["brakel"], outcome="scheduled", session_date="2022-03-17")
    r = client.post("/api/v1/resolutions", json=own, headers=h(seed, "partner_editor"))
    assert r.status_code == 201, r.json
    other = resolution_payload(ini, b["nieheim"])
    r = client.post("/api/v1/resolutions", json=other, headers=h(seed, "partner_editor"))
    assert r.status_code == 403 and "body_id" in r.json["error"]["fields"]
    with acting_as(None, "test"):
        theirs = factories.resolution(ini, b["nieheim"])
        db.session.commit()
    r = client.patch(
        f"/api/v1/resolutions/{theirs.id}", json={"organ": "X"}, headers=h(seed, "partner_editor")
    )
    assert r.status_code == 403
    r = client.post("/api/v1/resolutions", json=other, headers=h(seed, "viewer"))
    assert r.status_code == 403


def test_decisions_endpoint(client, seed, ini):
    b = seed.bodies
    with acting_as(None, "test"):
        factories.resolution(ini, b["hoexter"], organ="Kreistag", session_date="2022-03-24")
        factories.resolution(ini, b["marienmuenster"], reference="560/2022")
        factories.resolution(ini, b["brakel"], organ="Hauptausschuss", authoritative=False)
        scheduled = factories.resolution(
            ini, b["nieheim"], outcome="scheduled", session_date="2022-03-10"
        )
        db.session.commit()
    r = client.get(f"/api/v1/initiatives/{ini.id}/decisions", headers=h(seed, "funding_officer"))
    assert r.status_code == 200
    assert r.json["decided"] == 2 and r.json["total"] == 4
    partners = {p["name"]: p for p in r.json["partners"]}
    assert r.json["partners"][0]["name"] == "Kreis Höxter"  # the lead first
    assert partners["Kreis Höxter"]["session_date"] == "2022-03-24"
    assert partners["Brakel"]["status"] == "none"
    assert partners["Nieheim"] == {
        "body_id": b["nieheim"].id,
        "name": "Nieheim",
        "status": "scheduled",
        "session_date": "2022-03-10",
        "resolution_id": scheduled.id,
        "result_missing": True,  # the session has passed without a result
        "next_session_date": None,
        "repealed": False,
    }
    assert client.get("/api/v1/initiatives/99999/decisions", headers=h(seed)).status_code == 404


def test_document_upload_checked_by_content(client, seed, ini):
    with acting_as(None, "test"):
        res = factories.resolution(ini, seed.bodies["brakel"])
        db.session.commit()
    url = f"/api/v1/resolutions/{res.id}/document"
    r = client.put(
        url + "?filename=Vorlage%20560.txt",
        data=b"hello",
        headers=h(seed, **{"Content-Type": "application/pdf"}),
    )
    assert r.status_code == 422 and "document" in r.json["error"]["fields"]
    r = client.put(url, data=PDF, headers=h(seed, **{"Content-Type": "text/plain"}))
    assert r.status_code == 415
    r = client.put(
        url,
        data=b"%PDF-1.4" + b"0" * (20 * 1024 * 1024),
        headers=h(seed, **{"Content-Type": "application/pdf"}),
    )
    assert r.status_code == 422 and "20 MB" in r.json["error"]["fields"]["document"]
    r = client.put(
        url,
        data=b"%PDF-1.4" + b"0" * (22 * 1024 * 1024),
        headers=h(seed, **{"Content-Type": "application/pdf"}),
    )
    assert r.status_code == 413 and "20 MB" in r.json["error"]["fields"]["document"]
    r = client.put(
        url + "?filename=../../Drucksache%20560%E2%80%932022",
        data=PDF,
        headers=h(seed, **{"Content-Type": "application/pdf"}),
    )
    assert r.status_code == 200, r.json
    assert r.json["document_url"] == url
    got = client.get(url, headers=h(seed, "viewer"))
    assert got.status_code == 200 and got.data == PDF
    assert got.mimetype == "application/pdf"
    assert "Drucksache%20560%E2%80%932022.pdf" in got.headers["Content-Disposition"]
    assert client.get(url).status_code == 401


def test_openapi_describes_initiative_answers(client, seed, ini):

    doc, check = schema_checker(client)
    assert {
        "/initiatives",
        "/initiatives/{initiative_id}",
        "/initiatives/{initiative_id}/decisions",
        "/resolutions",
        "/resolutions/{resolution_id}",
        "/resolutions/{resolution_id}/document",
    } <= set(doc["paths"])
    with acting_as(None, "test"):
        res = factories.resolution(ini, seed.bodies["brakel"])
        db.session.commit()
    check(client.get("/api/v1/initiatives", headers=h(seed)).json, "InitiativeList")
    check(client.get(f"/api/v1/initiatives/{ini.id}", headers=h(seed)).json, "InitiativeOut")
    check(
        client.get(f"/api/v1/initiatives/{ini.id}/decisions", headers=h(seed)).json, "DecisionsOut"
    )
    check(client.get("/api/v1/resolutions", headers=h(seed)).json, "ResolutionList")
    check(client.get(f"/api/v1/resolutions/{res.id}", headers=h(seed)).json, "ResolutionOut")


def test_demo_seeds_read_back_through_the_api(app, client):
    """The seed papers' situations, loaded by the demo, as the API answers them."""
    from coop.auth import services as user_services
    from coop.models import Body

    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    with acting_as(None, "test"):
        admin = db.session.scalar(select(Body).where(Body.ags == "05762000"))
        from coop.auth.services import find_user_by_email

        _t, secret = user_services.issue_token(find_user_by_email("foerderung@coop.example"), "t")
        db.session.commit()
    auth = {"Authorization": f"Bearer {secret}"}
    items = client.get("/api/v1/initiatives?per_page=50", headers=auth).json["items"]
    by_title = {i["title"]: i for i in items}
    assert len(items) == 9
    hoexter = by_title["Digitalnetzwerk Kreis Höxter"]
    assert len(hoexter["participants"]) == 11 and hoexter["lead_body_id"] == admin.id
    d = client.get(f"/api/v1/initiatives/{hoexter['id']}/decisions", headers=auth).json
    assert (d["decided"], d["total"]) == (9, 11)
    status = {p["name"]: (p["status"], p["session_date"]) for p in d["partners"]}
    # the demo's open session is ten days after the day it is loaded
    in_ten_days = (clock.today() + timedelta(days=10)).isoformat()
    assert status["Nieheim"] == ("scheduled", in_ten_days)
    assert status["Brakel"] == ("none", None)  # only the committee's recommendation
    assert status["Marienmünster"] == ("decided", "2022-02-23")
    assert status["Steinheim"] == ("decided", "2022-03-17")  # deferred, then adopted
    res = client.get(
        f"/api/v1/resolutions?initiative_id={hoexter['id']}&per_page=100", headers=auth
    ).json["items"]
    mm = [r for r in res if r["reference"] == "560/2022"]
    assert len(mm) == 1 and mm[0]["organ"] == "Rat" and mm[0]["session_date"] == "2022-02-23"
    # Schöningen: committee recommends, council orders the assessment: no decision yet
    helm = by_title["Rats-Info-System und WLAN gemeinsam mit der Stadt Helmstedt"]
    d = client.get(f"/api/v1/initiatives/{helm['id']}/decisions", headers=auth).json
    assert d["decided"] == 0 and {p["status"] for p in d["partners"]} == {"none"}
    res = client.get(f"/api/v1/resolutions?initiative_id={helm['id']}", headers=auth).json
    assert [(r["organ"], r["authoritative"]) for r in res["items"]] == [
        ("Ausschuss für Wirtschaft und Stadtentwicklung", False),
        ("Rat der Stadt Schöningen", True),
    ]
    assert sum(t.startswith("Zukunftspakt") for t in by_title) == 5
    wolmirstedt = by_title["Digitalisierungsstrategie Wolmirstedt"]
    assert len(wolmirstedt["milestones"]) == 5
    dataport = by_title["Verwaltungs-IT bei Dataport AöR"]
    assert dataport["legal_form"] == "outsourcing"
    # loading again adds nothing
    app.test_cli_runner().invoke(args=["demo", "load"])
    assert client.get("/api/v1/initiatives", headers=auth).json["total"] == 9


def test_removing_a_participant_or_milestone_is_in_the_audit_trail(client, seed, ini):
    r = client.patch(
        f"/api/v1/initiatives/{ini.id}",
        json={
            "participants": [
                {"body_id": seed.bodies["hoexter"].id, "role": "lead"},
                {"body_id": seed.bodies["brakel"].id},
            ],
            "milestones": [],
        },
        headers=h(seed),
    )
    assert r.status_code == 200, r.json
    deleted = {
        (e.entity_type, e.entity_label)
        for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action == "delete"))
    }
    assert ("Participant", "Nieheim") in deleted
    assert ("Participant", "Marienmünster") in deleted
    assert ("Milestone", "Beschlüsse aller Räte") in deleted
