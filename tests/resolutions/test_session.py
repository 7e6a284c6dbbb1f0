"""One council session, many items: Brakel's council session is recorded once with the
outcome and votes of each initiative on its agenda; a wrong row stores nothing."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from coop.audit import acting_as
from coop.extensions import db
from coop.models import Resolution
from tests import factories
from tests.conftest import AuthActions


def _two(seed):
    with acting_as(None, "test"):
        first = factories.initiative(seed)
        second = factories.initiative(seed, title="E-Rechnung gemeinsam")
        db.session.commit()
    return first, second


def _page(client, path):
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return page, token


def test_a_session_with_two_items(client, seed):
    first, second = _two(seed)
    brakel = seed.bodies["brakel"]
    AuthActions(client).login("partner_editor@test.example")
    path = f"/bodies/{brakel.id}/session"
    page, token = _page(client, path)
    assert "Digitalnetzwerk Kreis Höxter" in page and "E-Rechnung gemeinsam" in page
    assert 'value="Rat der Stadt Brakel"' in page  # the council, prefilled
    ids = re.findall(r'name="items-(\d+)-initiative_id" type="hidden" value="(\d+)"', page)
    rows = {int(ini): n for n, ini in ids}
    data = {
        "csrf_token": token,
        "organ": "Rat der Stadt Brakel",
        "authoritative": "y",
        "session_date": "2026-11-26",
        "kind": "basic_decision",
        "public": "y",
    }
    for ini in (first, second):
        n = rows[ini.id]
        data[f"items-{n}-initiative_id"] = str(ini.id)
        data[f"items-{n}-include"] = "y"
        data[f"items-{n}-outcome"] = "adopted"
    data[f"items-{rows[first.id]}-votes_yes"] = "25"
    data[f"items-{rows[first.id]}-votes_no"] = "2"
    data[f"items-{rows[second.id]}-reference"] = "V/2026/117"
    done = client.post(path, data=data)
    assert done.status_code == 302
    stored = db.session.scalars(select(Resolution).order_by(Resolution.initiative_id)).all()
    assert [(r.initiative_id, r.body_id, r.outcome.value) for r in stored] == [
        (first.id, brakel.id, "adopted"),
        (second.id, brakel.id, "adopted"),
    ]
    assert stored[0].votes_yes == 25 and stored[1].reference == "V/2026/117"
    assert {r.organ for r in stored} == {"Rat der Stadt Brakel"}
    assert "2 Beschlüsse von Brakel erfasst." in client.get("/").get_data(as_text=True)


def test_a_wrong_row_stores_nothing(client, seed):
    first, second = _two(seed)
    brakel = seed.bodies["brakel"]
    AuthActions(client).login("coordinator@test.example")
    path = f"/bodies/{brakel.id}/session"
    page, token = _page(client, path)
    ids = dict(
        (int(ini), n)
        for n, ini in re.findall(
            r'name="items-(\d+)-initiative_id" type="hidden" value="(\d+)"', page
        )
    )
    data = {
        "csrf_token": token,
        "organ": "Rat",
        "session_date": "2026-11-26",
        "kind": "basic_decision",
    }
    for ini in (first, second):
        n = ids[ini.id]
        data[f"items-{n}-initiative_id"] = str(ini.id)
        data[f"items-{n}-include"] = "y"
        data[f"items-{n}-outcome"] = "adopted"
    data[f"items-{ids[second.id]}-votes_yes"] = "viele"
    answer = client.post(path, data=data)
    assert answer.status_code == 422
    text = answer.get_data(as_text=True)
    assert 'id="error-summary"' in text and f'href="#items-{ids[second.id]}-votes_yes"' in text
    assert db.session.scalar(select(func.count(Resolution.id))) == 0
    # nothing chosen: said so
    empty = client.post(
        path,
        data={
            "csrf_token": token,
            "organ": "Rat",
            "session_date": "2026-11-26",
            "kind": "basic_decision",
        },
    )
    assert empty.status_code == 422
    assert "mindestens ein Vorhaben" in empty.get_data(as_text=True)


def test_who_may_record_a_session(client, seed):
    _two(seed)
    AuthActions(client).login("partner_editor@test.example")  # Brakel's editor
    assert client.get(f"/bodies/{seed.bodies['nieheim'].id}/session").status_code == 403
    viewer = client.application.test_client()
    AuthActions(viewer).login("viewer@test.example")
    assert viewer.get(f"/bodies/{seed.bodies['brakel'].id}/session").status_code == 403
