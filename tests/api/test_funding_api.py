"""Funding programmes, grants and their check through the JSON API, on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import func, select

from coop.audit import acting_as
from coop.extensions import db
from coop.funding.schemas import FundingProgramCreate
from coop.models import AuditEntry, FundingProgram, Grant, Tranche
from tests import factories
from tests.openapi import schema_checker


def h(seed, role="funding_officer", **extra):
    return {"Authorization": f"Bearer {seed.tokens[role]}", **extra}


NRW_PAYLOAD = {
    "name": "IKZ NRW",
    "provider": "Land NRW",
    "state": "05",
    "legal_basis": "Förderrichtlinie IKZ NRW vom 31.08.2021",
    "legal_basis_url": "https://recht.nrw.de/",
    "base_amount": "175000.00",
    "base_partners": 2,
    "amount_per_additional_partner": 35000,
    "max_funding_rate": "0.90",
    "min_partners": 2,
    "min_duration_years": 5,
    "min_savings_rate": 0.15,
    "requires_all_council_resolutions": True,
}


def test_programme_round_trip_with_money_as_decimal_strings(client, seed):
    r = client.post("/api/v1/funding-programs", json=NRW_PAYLOAD, headers=h(seed))
    assert r.status_code == 201, r.json
    p = r.json
    assert p["base_amount"] == "175000.00"
    assert p["amount_per_additional_partner"] == "35000.00"
    assert p["max_funding_rate"] == "0.9000" and p["min_savings_rate"] == "0.1500"
    assert p["application_from"] is None and p["requires_all_council_resolutions"] is True
    r = client.patch(
        f"/api/v1/funding-programs/{p['id']}",
        json={"application_until": "2022-06-30", "version": p["version"]},
        headers=h(seed),
    )
    assert r.status_code == 200 and r.json["application_until"] == "2022-06-30"
    stale = client.patch(
        f"/api/v1/funding-programs/{p['id']}", json={"notes": "x", "version": 1}, headers=h(seed)
    )
    assert stale.status_code == 409
    assert client.get("/api/v1/funding-programs", headers=h(seed, "viewer")).json["total"] == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"base_amount": "-1"}, "base_amount"),
        ({"base_amount": "viel"}, "base_amount"),
        ({"base_amount": "12.345"}, "base_amount"),
        ({"max_funding_rate": "1.2"}, "max_funding_rate"),
        ({"min_savings_rate": -0.1}, "min_savings_rate"),
        ({"min_partners": 0}, "min_partners"),
        (
            {"application_from": "2022-07-01", "application_until": "2022-06-30"},
            "application_until",
        ),
        ({"state": "99"}, "state"),
        ({"legal_basis_url": "recht.nrw.de"}, "legal_basis_url"),
        ({"base_partners": None}, "base_partners"),
    ],
)
def test_programme_bad_input_names_the_field(client, seed, change, field):
    r = client.post("/api/v1/funding-programs", json={**NRW_PAYLOAD, **change}, headers=h(seed))
    assert r.status_code == 422, r.json
    assert field in r.json["error"]["fields"], r.json
    assert db.session.scalar(select(func.count(FundingProgram.id))) == 0


def test_only_admins_and_funding_officers_keep_programmes(client, seed):
    for role in ("coordinator", "partner_editor", "viewer"):
        r = client.post("/api/v1/funding-programs", json=NRW_PAYLOAD, headers=h(seed, role))
        assert r.status_code == 403, role
    assert (
        client.post(
            "/api/v1/funding-programs", json=NRW_PAYLOAD, headers=h(seed, "admin")
        ).status_code
        == 201
    )


def grant_payload(ini, nrw, **values):
    return {
        "initiative_id": ini.id,
        "program_id": nrw.id,
        "status": "approved",
        "application_date": "2022-04-29",
        "eligible_costs": "600000.00",
        "amount_requested": "245000.00",
        "amount_granted": "245000.00",
        "grant_letter_date": "2022-06-15",
        "period_start": "2022-07-01",
        "period_end": "2027-06-30",
        "proof_of_use_due": "2027-12-31",
        "tranches": [
            {"date": "2022-09-01", "amount": "100000.00", "state": "received"},
            {"date": "2023-09-01", "amount": "145000", "state": "planned"},
        ],
        **values,
    }


def test_grant_round_trip_and_audit(client, seed, ini, nrw):
    r = client.post("/api/v1/grants", json=grant_payload(ini, nrw), headers=h(seed))
    assert r.status_code == 201, r.json
    g = r.json
    assert g["amount_granted"] == "245000.00"
    assert g["tranches"] == [
        {"date": "2022-09-01", "amount": "100000.00", "state": "received"},
        {"date": "2023-09-01", "amount": "145000.00", "state": "planned"},
    ]
    r = client.patch(
        f"/api/v1/grants/{g['id']}",
        json={"tranches": [{"date": "2022-09-01", "amount": "245000.00", "state": "requested"}]},
        headers=h(seed, "coordinator", **{"If-Match": str(g["version"])}),
    )
    assert r.status_code == 200, r.json
    assert len(r.json["tranches"]) == 1
    assert db.session.scalar(select(func.count(Tranche.id))) == 1
    entries = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.context_type == "Grant", AuditEntry.context_id == g["id"]
        )
    ).all()
    assert {e.entity_type for e in entries} == {"Tranche"}
    assert {e.action for e in entries} >= {"create", "update", "delete"}
    listed = client.get(
        f"/api/v1/grants?initiative_id={ini.id}&status=approved", headers=h(seed, "viewer")
    )
    assert listed.json["total"] == 1
    assert client.delete(f"/api/v1/grants/{g['id']}", headers=h(seed)).status_code == 204
    assert db.session.scalar(select(func.count(Grant.id))) == 0


@pytest.mark.parametrize(
    "change, field",
    [
        ({"amount_requested": "-5"}, "amount_requested"),
        ({"eligible_costs": "abc"}, "eligible_costs"),
        ({"amount_granted": True}, "amount_granted"),
        ({"period_start": "2027-01-01", "period_end": "2026-01-01"}, "period_end"),
        ({"program_id": 999999}, "program_id"),
        ({"initiative_id": 999999}, "initiative_id"),
        ({"status": "dreaming"}, "status"),
        (
            {"tranches": [{"date": "2022-09-01", "amount": "245000.01", "state": "planned"}]},
            "tranches",
        ),
        ({"tranches": [{"date": "2022-09-01", "amount": "-1"}]}, "tranches.0.amount"),
        ({"tranches": [{"date": "kein Datum", "amount": "1"}]}, "tranches.0.date"),
    ],
)
def test_grant_bad_input_names_the_field_and_stores_nothing(client, seed, ini, nrw, change, field):
    r = client.post("/api/v1/grants", json=grant_payload(ini, nrw, **change), headers=h(seed))
    assert r.status_code == 422, r.json
    assert field in r.json["error"]["fields"], r.json
    assert db.session.scalar(select(func.count(Grant.id))) == 0
    assert db.session.scalar(select(func.count(Tranche.id))) == 0


def test_a_grant_for_an_initiative_without_partners_is_refused(client, seed, nrw):
    with acting_as(None, "test"):
        lonely = factories.initiative(seed, lead_body_id=None, participants=[])
        db.session.commit()
    r = client.post("/api/v1/grants", json=grant_payload(lonely, nrw), headers=h(seed))
    assert r.status_code == 422
    assert "keine Partner" in r.json["error"]["fields"]["initiative_id"]


def test_who_may_manage_grants(client, seed, ini, nrw):
    payload = grant_payload(ini, nrw)
    for role in ("viewer", "partner_editor", "coordinator_helmstedt"):
        assert client.post("/api/v1/grants", json=payload, headers=h(seed, role)).status_code == 403
    r = client.post("/api/v1/grants", json=payload, headers=h(seed, "coordinator"))
    assert r.status_code == 201
    gid = r.json["id"]
    assert (
        client.patch(
            f"/api/v1/grants/{gid}", json={"notes": "x"}, headers=h(seed, "viewer")
        ).status_code
        == 403
    )
    assert (
        client.delete(f"/api/v1/grants/{gid}", headers=h(seed, "coordinator_helmstedt")).status_code
        == 403
    )
    assert client.get(f"/api/v1/grants/{gid}/check", headers=h(seed, "viewer")).status_code == 200
    assert client.get(f"/api/v1/grants/{gid}").status_code == 401


def test_check_of_the_hoexter_grant(client, seed, nrw):
    with acting_as(None, "test"):
        ini = factories.hoexter_eleven(seed)
        grant = factories.grant(
            ini, nrw, amount_requested="490000.00", application_date="2022-04-29", status="applied"
        )
        db.session.commit()
    r = client.get(f"/api/v1/grants/{grant.id}/check", headers=h(seed))
    assert r.status_code == 200
    body = r.json
    assert body["ceiling"] == "490000.00"
    assert body["eligible"] is False
    status = {c["code"]: c["status"] for c in body["conditions"]}
    assert status == {
        "ceiling": "met",
        "min_partners": "met",
        "council_resolutions": "not_met",
        "duration": "met",
        "savings_rate": "unknown",
        "application_window": "not_applicable",
        "proof_of_use": "not_applicable",
        "project_start": "met",  # 01.07.2022, after the application of 29.04.2022
        "justification": "not_applicable",
    }
    councils = next(c for c in body["conditions"] if c["code"] == "council_resolutions")
    assert councils["message"] == (
        "9 von 11 Räten haben beschlossen bis zum Antragsdatum 29.04.2022; es fehlen: "
        "Brakel (kein Beschluss), Nieheim (terminiert 10.03.2022, Ergebnis fehlt)."
    )
    b = seed.bodies
    assert body["missing_resolutions"] == [
        {"body_id": b["brakel"].id, "name": "Brakel", "status": "none", "next_session": None},
        {
            "body_id": b["nieheim"].id,
            "name": "Nieheim",
            "status": "scheduled",
            "next_session": "2022-03-10",
        },
    ]


def test_openapi_describes_funding_answers(client, seed, ini, nrw):
    doc, check = schema_checker(client)
    assert {
        "/funding-programs",
        "/funding-programs/{program_id}",
        "/grants",
        "/grants/{grant_id}",
        "/grants/{grant_id}/check",
    } <= set(doc["paths"])
    gid = client.post("/api/v1/grants", json=grant_payload(ini, nrw), headers=h(seed)).json["id"]
    check(client.get("/api/v1/funding-programs", headers=h(seed)).json, "FundingProgramList")
    check(
        client.get(f"/api/v1/funding-programs/{nrw.id}", headers=h(seed)).json, "FundingProgramOut"
    )
    check(client.get("/api/v1/grants", headers=h(seed)).json, "GrantList")
    check(client.get(f"/api/v1/grants/{gid}", headers=h(seed)).json, "GrantOut")
    check(client.get(f"/api/v1/grants/{gid}/check", headers=h(seed)).json, "GrantCheckOut")


def test_programme_rules_as_data_through_the_api_and_the_check(client, seed, nrw):
    """Partners counted in the Land only: one of eleven partners moves to Lower Saxony and the
    ceiling drops by one further partner's 35.000 €; tiers out of order are refused."""
    bad = client.post(
        "/api/v1/funding-programs",
        json={"name": "Hessen", "state": "06", "amount_tiers": [
            {"min_partners": 3, "amount": "75000.00"}, {"min_partners": 2, "amount": "50000.00"}]},
        headers=h(seed),
    )  # fmt: skip
    assert bad.status_code == 422
    assert "amount_tiers.1.min_partners" in bad.json["error"]["fields"]
    hessen = client.post(
        "/api/v1/funding-programs",
        json={"name": "Hessen IKZ", "state": "06", "min_partners": 2, "amount_tiers": [
            {"min_partners": 2, "amount": "50000.00"}, {"min_partners": 3, "amount": "75000.00"},
            {"min_partners": 4, "amount": "100000.00"}]},
        headers=h(seed),
    )  # fmt: skip
    assert hessen.status_code == 201, hessen.json
    assert [t["min_partners"] for t in hessen.json["amount_tiers"]] == [2, 3, 4]
    r = client.patch(
        f"/api/v1/funding-programs/{nrw.id}",
        json={"count_partners_in_state_only": True, "single_state_partner_amount": "75000.00"},
        headers=h(seed),
    )
    assert r.status_code == 200, r.json
    with acting_as(None, "test"):
        ini = factories.hoexter_eleven(seed)
        grant = factories.grant(ini, nrw, amount_requested="490000.00")
        for p in ini.participants:
            p.body.state = p.body.state or "05"  # the towns of the factory carry no AGS
        db.session.commit()
    assert client.get(f"/api/v1/grants/{grant.id}/check", headers=h(seed)).json["ceiling"] == (
        "490000.00"
    )
    with acting_as(None, "test"):
        seed.bodies["brakel"].state = "03"  # as if Brakel lay in Lower Saxony
        db.session.commit()
    check = client.get(f"/api/v1/grants/{grant.id}/check", headers=h(seed)).json
    assert check["ceiling"] == "455000.00"  # 175.000 + 8 × 35.000
    assert check["explanation"].replace("\xa0", " ") == (
        "10 Partner: 175.000,00 € für die ersten 2 und 8 × 35.000,00 € für jeden weiteren "
        "ergeben 455.000,00 €"
    )
    ceiling = next(c for c in check["conditions"] if c["code"] == "ceiling")
    assert "10 Partner: 175.000,00" in ceiling["message"].replace("\xa0", " ")


def test_a_region_bonus_from_the_bodies_attributes(client, seed):
    """Bayern: 50.000 € per project, 90.000 € where the applicant and most partners lie in a
    region with special need; the attribute is set on the bodies (with history)."""
    from coop.funding import presets
    from coop.funding import services as funding

    with acting_as(None, "test"):
        bayern = funding.save_program(
            None,
            FundingProgramCreate.model_validate(
                presets.preset_values(presets.PRESETS["bayern-ikz"])
            ),
            actor=None,
        )
        ini = factories.initiative(seed)  # the Kreis leads, three towns take part
        grant = factories.grant(
            ini, bayern, eligible_costs="200000.00", amount_requested="90000.00"
        )
        db.session.commit()
    check = client.get(f"/api/v1/grants/{grant.id}/check", headers=h(seed)).json
    assert check["ceiling"] == "50000.00"
    bad = client.patch(
        f"/api/v1/bodies/{seed.bodies['brakel'].id}",
        json={"attributes": ["irgendwas"]},
        headers=h(seed, "coordinator"),
    )
    assert bad.status_code == 422 and "attributes" in bad.json["error"]["fields"]
    for key in ("hoexter", "brakel", "nieheim"):
        r = client.patch(
            f"/api/v1/bodies/{seed.bodies[key].id}",
            json={"attributes": ["lep_rbh"]},
            headers=h(seed, "coordinator"),
        )
        assert r.status_code == 200 and r.json["attributes"] == ["lep_rbh"], r.json
    check = client.get(f"/api/v1/grants/{grant.id}/check", headers=h(seed)).json
    assert check["ceiling"] == "90000.00"
    ceiling = next(c for c in check["conditions"] if c["code"] == "ceiling")
    assert "Raum mit besonderem Handlungsbedarf" in ceiling["message"]
    from sqlalchemy import select

    from coop.models import AuditEntry

    entries = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_type == "Body", AuditEntry.entity_id == seed.bodies["brakel"].id
        )
    ).all()
    assert any("attributes" in (e.changes or {}) for e in entries)  # the history keeps it


def test_hessen_pays_per_member_when_the_towns_form_an_administrative_union(client, seed):
    """Hessen's preset: the tier for an ordinary cooperation; 150.000 € per member municipality
    once the initiative's legal form is an administrative union."""
    from coop.funding import presets
    from coop.funding import services as funding

    with acting_as(None, "test"):
        hessen = funding.save_program(
            None,
            FundingProgramCreate.model_validate(
                presets.preset_values(presets.PRESETS["hessen-ikz"])
            ),
            actor=None,
        )
        ini = factories.initiative(seed)  # four partners
        grant = factories.grant(ini, hessen, amount_requested="100000.00")
        db.session.commit()
    program = client.get(f"/api/v1/funding-programs/{hessen.id}", headers=h(seed)).json
    assert program["amount_per_member"] == "150000.00"
    assert client.get(f"/api/v1/grants/{grant.id}/check", headers=h(seed)).json["ceiling"] == (
        "100000.00"
    )
    r = client.patch(
        f"/api/v1/initiatives/{ini.id}",
        json={"legal_form": "administrative_union"},
        headers=h(seed, "coordinator"),
    )
    assert r.status_code == 200, r.json
    check = client.get(f"/api/v1/grants/{grant.id}/check", headers=h(seed)).json
    assert check["ceiling"] == "600000.00"
    assert check["explanation"].replace("\xa0", " ") == (
        "Verwaltungsverband aus 4 Mitgliedsgemeinden: 4 × 150.000,00 € ergeben 600.000,00 €"
    )
    bad = client.patch(
        f"/api/v1/funding-programs/{hessen.id}",
        json={"amount_per_member": "-1"},
        headers=h(seed),
    )
    assert bad.status_code == 422 and "amount_per_member" in bad.json["error"]["fields"]
