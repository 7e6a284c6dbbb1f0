"""Proposals through the pages and the API: who may confirm, the one-click confirm, the check
with changes, dismissing, and the API's answers against its OpenAPI document."""

from datetime import date

import pytest
from sqlalchemy import func, select

from coop.audit import acting_as
from coop.extensions import db
from coop.models import Proposal, ProposalState, Resolution
from tests import factories
from tests.openapi import schema_checker


@pytest.fixture
def found(seed):
    b = seed.bodies
    with acting_as(None, "test"):
        ini = factories.initiative(seed, keywords=["Digitalnetzwerk"])
        made = []
        for n, body in enumerate((b["marienmuenster"], b["brakel"]), start=1):
            p = Proposal(
                initiative_id=ini.id,
                body_id=body.id,
                consultation_id=f"https://ris.example/oparl/consultation/{n}",
                organ="Rat",
                authoritative=True,
                reference=f"56{n}/2022",
                title="Gründung eines Digitalnetzwerks",
                session_date=date(2022, 2, 23),
                outcome="adopted" if n == 1 else None,
                votes_yes=13 if n == 1 else None,
                votes_no=0 if n == 1 else None,
                votes_abstain=0 if n == 1 else None,
                result_text="13 Ja-Stimmen, 0 Enthaltungen, 0 Nein-Stimmen"
                if n == 1
                else "siehe Protokoll",
                source_url="https://ris.example/vo0050.asp?__kvonr=1",
                matched_by="Stichwort „Digitalnetzwerk“",
            )
            db.session.add(p)
            made.append(p)
        db.session.commit()
    return ini, made


def h(seed, role="coordinator"):
    return {"Authorization": f"Bearer {seed.tokens[role]}"}


def test_one_click_confirm_in_the_page(client, auth, seed, found):
    ini, (mm, brakel) = found
    auth.login("coordinator@test.example")
    page = client.get("/proposals/").get_data(as_text=True)
    assert "Vorgeschlagene Beschlüsse" in page and "Marienmünster" in page
    r = auth.post(f"/proposals/{mm.id}/confirm", {"version": mm.version}, "/proposals/")
    assert r.status_code == 302
    res = db.session.scalar(select(Resolution).where(Resolution.body_id == mm.body_id))
    assert (res.outcome, res.votes_yes, res.external_id) == ("adopted", 13, mm.consultation_id)
    db.session.refresh(mm)
    assert mm.state == ProposalState.CONFIRMED and mm.resolution_id == res.id
    # twice is refused
    again = auth.post(f"/proposals/{mm.id}/confirm", {"version": mm.version}, "/proposals/")
    assert again.status_code == 302
    assert db.session.scalar(select(func.count(Resolution.id))) == 1


def test_check_change_and_confirm_or_dismiss(client, auth, seed, found):
    _ini, (mm, brakel) = found
    auth.login("coordinator@test.example")
    path = f"/proposals/{brakel.id}"
    data = {
        "organ": "Rat der Stadt Brakel",
        "authoritative": "y",
        "reference": brakel.reference,
        "title": brakel.title,
        "kind": "basic_decision",
        "session_date": "2022-02-23",
        "outcome": "",
        "votes_yes": "",
        "votes_no": "",
        "votes_abstain": "",
        "result_text": "siehe Protokoll",
        "version": str(brakel.version),
        "confirm": "1",
    }
    r = auth.post(path, data, path)
    assert r.status_code == 422
    assert "Das Ergebnis ließ sich nicht lesen" in r.get_data(as_text=True)
    r = auth.post(path, {**data, "outcome": "adopted_amended"}, path)
    assert r.status_code == 302
    res = db.session.scalar(select(Resolution).where(Resolution.body_id == brakel.body_id))
    assert (res.organ, res.outcome) == ("Rat der Stadt Brakel", "adopted_amended")


def test_only_who_may_record_decides(client, auth, seed, found):
    _ini, (mm, brakel) = found
    auth.login("partner_editor@test.example")  # Brakel's editor
    r = auth.post(f"/proposals/{mm.id}/dismiss", {"version": mm.version}, "/proposals/")
    assert r.status_code == 403
    r = auth.post(f"/proposals/{brakel.id}/dismiss", {"version": brakel.version}, "/proposals/")
    assert r.status_code == 302
    db.session.refresh(brakel)
    assert brakel.state == ProposalState.DISMISSED
    assert (
        client.post(f"/api/v1/proposals/{mm.id}/confirm", headers=h(seed, "viewer")).status_code
        == 403
    )


def test_api_lists_confirms_and_dismisses(client, seed, found):
    _ini, (mm, brakel) = found
    doc, check = schema_checker(client)
    listed = client.get("/api/v1/proposals?state=open", headers=h(seed, "viewer")).json
    check(listed, "ProposalList")
    assert listed["total"] == 2 and listed["items"][0]["state"] == "open"
    assert client.get("/api/v1/proposals?state=maybe", headers=h(seed)).status_code == 400
    r = client.post(f"/api/v1/proposals/{mm.id}/confirm", headers=h(seed))
    assert r.status_code == 201, r.json
    check(r.json, "ResolutionOut")
    r = client.post(f"/api/v1/proposals/{brakel.id}/confirm", headers=h(seed))
    assert r.status_code == 422 and "outcome" in r.json["error"]["fields"]
    r = client.post(
        f"/api/v1/proposals/{brakel.id}/confirm",
        json={"outcome": "rejected", "votes_yes": 3, "votes_no": 20},
        headers=h(seed),
    )
    assert r.status_code == 201 and r.json["outcome"] == "rejected"
    r = client.post(f"/api/v1/proposals/{brakel.id}/dismiss", headers=h(seed))
    assert r.status_code == 409
    confirmed = client.get("/api/v1/proposals?state=confirmed", headers=h(seed)).json
    assert confirmed["total"] == 2


def test_body_and_initiative_carry_oparl_url_and_keywords(client, seed, found):
    ini, _ = found
    b = seed.bodies["brakel"]
    r = client.patch(
        f"/api/v1/bodies/{b.id}",
        json={"oparl_url": "https://ris.example/oparl/system"},
        headers=h(seed),
    )
    assert r.status_code == 200 and r.json["oparl_url"] == "https://ris.example/oparl/system"
    r = client.patch(f"/api/v1/bodies/{b.id}", json={"oparl_url": "ris.example"}, headers=h(seed))
    assert r.status_code == 422 and "oparl_url" in r.json["error"]["fields"]
    got = client.get(f"/api/v1/initiatives/{ini.id}", headers=h(seed)).json
    assert got["keywords"] == ["Digitalnetzwerk"]
    r = client.patch(
        f"/api/v1/initiatives/{ini.id}", json={"keywords": ["IT", "E-Akte"]}, headers=h(seed)
    )
    assert r.status_code == 422 and "keywords" in r.json["error"]["fields"]
