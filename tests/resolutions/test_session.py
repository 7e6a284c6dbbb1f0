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


def _post_session(client, body, day, rows, *, kind="basic_decision"):
    """Record one session of `body` through the form: rows are {initiative: item fields}."""
    path = f"/bodies/{body.id}/session"
    page, token = _page(client, path)
    found = re.findall(r'name="items-(\d+)-initiative_id" type="hidden" value="(\d+)"', page)
    numbers = {int(ini): n for n, ini in found}
    data = {"csrf_token": token, "organ": "Rat der Stadt Brakel", "authoritative": "y",
            "session_date": day, "kind": kind, "public": "y"}  # fmt: skip
    for ini_id, n in numbers.items():  # every row's initiative, as the browser sends them
        data[f"items-{n}-initiative_id"] = str(ini_id)
    for ini, fields in rows.items():
        n = numbers[ini.id]
        data[f"items-{n}-include"] = "y"
        data.update({f"items-{n}-{k}": v for k, v in fields.items()})
    return client.post(path, data=data)


def test_a_later_status_report_leaves_the_decision_standing(client, seed):
    """Issue 27: Brakel adopts, and at a later session takes note of a status report on the
    same initiative; Brakel stays decided (1 of 4) on the matrix, the initiative page and in
    the funding check, and the report shows as what it is."""
    with acting_as(None, "test"):
        ini = factories.initiative(seed)
        grant = factories.grant(ini, factories.program(), amount_requested="245000.00")
        db.session.commit()
    brakel = seed.bodies["brakel"]
    AuthActions(client).login("coordinator@test.example")
    page = client.get(f"/bodies/{brakel.id}/session").get_data(as_text=True)
    assert '<th class="kern-table__header" scope="col">Art</th>' in page
    assert "wie die Sitzung" in page and "Sachstandsbericht" in page
    adopted = _post_session(client, brakel, "2026-06-01", {ini: {"outcome": "adopted"}})
    assert adopted.status_code == 302
    # a status report recorded as adopted is refused, and nothing is stored
    wrong = _post_session(
        client, brakel, "2026-11-26", {ini: {"kind": "status_report", "outcome": "adopted"}}
    )
    assert wrong.status_code == 422
    assert "Ein Sachstandsbericht wird zur Kenntnis genommen" in wrong.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Resolution.id))) == 1
    # the status report's outcome left empty: taken note of
    noted = _post_session(client, brakel, "2026-11-26", {ini: {"kind": "status_report"}})
    assert noted.status_code == 302, noted.get_data(as_text=True)
    stored = db.session.scalars(select(Resolution).order_by(Resolution.session_date)).all()
    assert [(r.kind.value, r.outcome.value) for r in stored] == [
        ("basic_decision", "adopted"),
        ("status_report", "noted"),
    ]

    matrix = client.get(f"/initiatives/matrix?district={seed.bodies['hoexter'].id}")
    matrix = matrix.get_data(as_text=True)
    assert "1 von 4 beschlossen" in matrix
    one = client.get(
        f"/initiatives/matrix?district={seed.bodies['hoexter'].id}&initiative={ini.id}"
    ).get_data(as_text=True)
    assert "1 von 4 Räten hat beschlossen" in one and "Brakel (kein Beschluss)" not in one

    detail = client.get(f"/initiatives/{ini.id}").get_data(as_text=True)
    assert "1 von 4 Räten hat beschlossen" in detail
    assert "beschlossen (01.06.2026)" in detail
    assert "26.11.2026, Rat der Stadt Brakel</a>:\n        zur Kenntnis genommen" in detail

    check = client.get(f"/funding/grants/{grant.id}/check").get_data(as_text=True)
    assert "1 von 4 Räten hat beschlossen" in check
    missing = re.search(r"es fehlen: ([^.]*)\.", check).group(1)
    assert "Brakel" not in missing and "Nieheim (kein Beschluss)" in missing
