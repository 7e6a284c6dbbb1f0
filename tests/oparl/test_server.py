"""Our OParl server: every object type we serve validates against the OParl 1.1 schemas;
lists page through links.next with their filters; deleted resolutions come back as deleted."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from sqlalchemy import select

from coop.audit import acting_as
from coop.extensions import db
from coop.models import PublishedMark, Resolution
from coop.oparl import marks as s
from coop.oparl import views
from coop.resolutions import documents
from coop.resolutions import services as resolutions
from coop.resolutions.schemas import ResolutionUpdate
from tests import factories
from tests.factories import PDF

SCHEMAS = Path(__file__).resolve().parents[2].parent / "shared" / "oparl" / "schema"
if not SCHEMAS.exists():  # a bare clone: the copy in tests/data
    SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "oparl-schema"


def registry() -> Registry:
    reg = Registry()
    for path in SCHEMAS.glob("*.json"):
        resource = Resource.from_contents(json.loads(path.read_text()))
        name = path.stem
        for uri in (
            f"https://schema.oparl.org/1.1/{name}",
            f"https://schema.oparl.org/1.1/{name}.json",
        ):
            reg = reg.with_resource(uri, resource)
    return reg


REGISTRY = registry()


def validate(obj: dict) -> None:
    kind = obj["type"].rsplit("/", 1)[1]
    schema = json.loads((SCHEMAS / f"{kind}.json").read_text())
    errors = list(Draft7Validator(schema, registry=REGISTRY).iter_errors(obj))
    assert not errors, (kind, [e.message for e in errors][:5], obj)


def get(client, url: str, **params):
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    r = client.get(path, query_string=params or None)
    assert r.status_code == 200, (url, r.status_code)
    return r.json


@pytest.fixture
def published(seed):
    b = seed.bodies
    with acting_as(None, "test"):
        ini = factories.initiative(seed, public=True)
        doc = documents.store_pdf("vorlage-560.pdf", PDF)
        adopted = factories.resolution(
            ini, b["marienmuenster"], reference="560/2022", title="Digitalnetzwerk",
            result_text="einstimmig", resolution_text="Der Rat beschließt …",
        )  # fmt: skip
        resolutions.update_resolution(
            adopted, ResolutionUpdate.model_validate({}), actor=None, document=doc
        )
        factories.resolution(
            ini, b["marienmuenster"], reference="560/2022", organ="Hauptausschuss",
            authoritative=False, session_date="2022-02-10",
        )  # fmt: skip
        factories.resolution(ini, b["nieheim"], session_date="2022-03-10", outcome="scheduled")
        hidden = factories.resolution(ini, b["brakel"], public=False)
        secret = factories.initiative(seed, title="Intern", public=False)
        factories.resolution(secret, b["brakel"], reference="999/2022")
        db.session.commit()
    return ini, hidden


def test_every_object_type_validates(client, seed, published):
    system = get(client, "/oparl/v1/system")
    validate(system)
    bodies = get(client, system["body"])
    assert {b["name"] for b in bodies["data"]} == {
        "Kreis Höxter", "Brakel", "Nieheim", "Marienmünster"
    }  # fmt: skip
    seen = {"System"}
    for body in bodies["data"]:
        validate(body)
        seen.add("Body")
        assert get(client, body["id"]) == body
        for kind in (
            "organization",
            "meeting",
            "paper",
            "agendaItem",
            "consultation",
            "file",
            "person",
        ):
            listing = get(client, body[kind])
            for obj in listing["data"]:
                validate(obj)
                seen.add(obj["type"].rsplit("/", 1)[1])
                assert get(client, obj["id"])["id"] == obj["id"]
                for embedded in (
                    obj.get("consultation", []) if isinstance(obj.get("consultation"), list) else []
                ):
                    validate(embedded)
                for embedded in (
                    obj.get("agendaItem", []) if isinstance(obj.get("agendaItem"), list) else []
                ):
                    validate(embedded)
                if "mainFile" in obj:
                    validate(obj["mainFile"])
    assert seen == {
        "System", "Body", "Organization", "Meeting", "Paper", "AgendaItem", "Consultation", "File"
    }  # fmt: skip


def test_public_data_only(client, seed, published):
    _ini, hidden = published
    brakel = seed.bodies["brakel"].id
    assert get(client, f"/oparl/v1/body/{brakel}/agendaItem")["data"] == []
    assert client.get(f"/oparl/v1/agendaitem/{hidden.id}").status_code == 404
    text = json.dumps(get(client, f"/oparl/v1/body/{brakel}/paper"))
    assert "999/2022" not in text


def test_paper_groups_its_consultations_and_the_result_is_in_the_agenda_item(
    client, seed, published
):
    m = seed.bodies["marienmuenster"].id
    papers = get(client, f"/oparl/v1/body/{m}/paper")["data"]
    assert len(papers) == 1
    paper = papers[0]
    assert paper["reference"] == "560/2022" and paper["date"] == "2022-02-10"
    roles = sorted((c["role"], c["authoritative"]) for c in paper["consultation"])
    assert roles == [("Entscheidung", True), ("Vorberatung", False)]
    assert paper["mainFile"]["fileName"] == "vorlage-560.pdf"
    items = get(client, f"/oparl/v1/body/{m}/agendaItem")["data"]
    assert {i["result"] for i in items} == {"beschlossen (einstimmig)", "beschlossen"}
    pdf = client.get(urlsplit(paper["mainFile"]["accessUrl"]).path)
    assert pdf.status_code == 200 and pdf.data == PDF


def test_pagination_filters_and_deleted(client, seed, published, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    m = seed.bodies["marienmuenster"].id
    url = f"/oparl/v1/body/{m}/consultation"
    since = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    first = get(client, url, modified_since=since)
    assert first["pagination"]["totalElements"] == 2 and len(first["data"]) == 1
    assert f"modified_since={since[:10]}" in first["links"]["next"].replace("%3A", ":")
    second = get(client, first["links"]["next"])
    assert "next" not in second["links"] and second["data"][0]["id"] != first["data"][0]["id"]
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert get(client, url, modified_since=future)["data"] == []
    assert get(client, url, created_until="2000-01-01T00:00:00+00:00")["data"] == []
    # a deleted resolution comes back as deleted, when asked for changes
    victim = db.session.scalar(select(Resolution).where(Resolution.organ == "Hauptausschuss"))
    with acting_as(None, "test"):
        resolutions.delete_resolution(victim)
        db.session.commit()
    monkeypatch.setattr(views, "PAGE_SIZE", 100)
    changed = get(client, url, modified_since=since)["data"]
    tombs = [c for c in changed if c.get("deleted")]
    assert [t["id"].rsplit("/", 1)[1] for t in tombs] == [str(victim.id)]
    for t in tombs:
        validate(t)
    assert client.get(url, query_string={"modified_since": "gestern"}).status_code == 400


@pytest.mark.parametrize("kind", ["consultation", "agendaItem", "paper", "meeting", "organization"])
def test_walking_a_list_by_its_next_links_uses_a_keyset(client, seed, published, monkeypatch, kind):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    m = seed.bodies["marienmuenster"].id
    page = get(client, f"/oparl/v1/body/{m}/{kind}")
    total, seen = page["pagination"]["totalElements"], [o["id"] for o in page["data"]]
    while "next" in page["links"]:
        assert "after=" in page["links"]["next"]
        page = get(client, page["links"]["next"])
        seen += [o["id"] for o in page["data"]]
    assert total >= 1 and len(seen) == len(set(seen)) == total
    bad = client.get(f"/oparl/v1/body/{m}/{kind}", query_string={"after": "x"})
    assert bad.status_code == 400 and "after" in bad.json["message"]  # an OParl Error object


def test_every_answer_is_public_json_and_errors_are_oparl_error_objects(client, seed, published):
    """Real clients (a city's open-data crawler, the OParl validator) read from other sites:
    CORS and UTF-8 JSON on every answer, also the second one from the page cache and errors."""
    system = client.get("/oparl/v1/system")
    again = client.get("/oparl/v1/system")
    for r in (system, again):
        assert r.headers["Access-Control-Allow-Origin"] == "*"
        assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    validate(system.json)
    assert system.json["created"] <= system.json["modified"]
    missing = client.get("/oparl/v1/paper/r999999")
    bad = client.get("/oparl/v1/bodies?modified_since=yesterday")
    for r, status in ((missing, 404), (bad, 400)):
        assert r.status_code == status and r.headers["Access-Control-Allow-Origin"] == "*"
        assert r.json["type"] == "https://schema.oparl.org/1.1/Error" and r.json["message"]
        assert r.headers["Content-Type"] == "application/json; charset=utf-8"


LISTS = ("organization", "meeting", "paper", "consultation", "agendaItem", "file")


def _walk(client, url: str, query: str = "", **params):
    """Every object of a list, page after page through links.next, as a client walks it.
    `query` is appended to the first page's address as it is (a client's own, maybe
    unencoded, query string)."""
    if query:
        parts = urlsplit(url)
        first = parts.path + "?" + "&".join(x for x in (parts.query, query) if x)
        answer = client.get(first)
        assert answer.status_code == 200, (first, answer.status_code, answer.json)
        page = answer.json
    else:
        page = get(client, url, **params)
    while True:
        yield from page["data"]
        if "next" not in page["links"]:
            return
        page = get(client, page["links"]["next"])


def mirror(client, store: dict | None = None, since: str | None = None, query: str = "") -> dict:
    """What a client keeps of our server: every object of every list of every body; with
    `since` (or a `query` of the client's own), an incremental run that applies changes and
    deletions to `store`."""
    store = {} if store is None else store
    params = {"modified_since": since} if since else {}
    system = get(client, "/oparl/v1/system")
    for body in _walk(client, system["body"]):
        store[body["id"]] = body
        for kind in LISTS:
            for obj in _walk(client, body[kind], query, **params):
                if obj.get("deleted"):
                    # a tombstone says no more than the specification asks of one
                    assert set(obj) == {"id", "type", "created", "modified", "deleted"}, obj
                    store.pop(obj["id"], None)
                else:
                    store[obj["id"]] = obj
    return store


def _links_of(obj) -> set[str]:
    if isinstance(obj, dict):
        return set().union(*(_links_of(v) for k, v in obj.items() if k != "id"), set())
    if isinstance(obj, list):
        return set().union(*(_links_of(v) for v in obj), set())
    return {obj} if isinstance(obj, str) and "/oparl/v1/" in obj else set()


def test_a_client_walking_after_an_edit_and_a_delete_ends_with_the_servers_data(
    client, seed, published, monkeypatch
):
    """Soft delete as OParl 1.1 defines it: the deleted consultation, the meeting and the
    organization it leaves empty and a paper whose reference changed answer 200 with
    deleted: true, appear on modified_since, and the paper that lost a consultation moves its
    modified; an incremental run ends with exactly what a fresh full run reads."""
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    kept = mirror(client)
    for url in set().union(*(_links_of(o) for o in kept.values())):
        get(client, url)  # every link of every object answers
    since = datetime.now(UTC).isoformat()
    committee = db.session.scalar(select(Resolution).where(Resolution.organ == "Hauptausschuss"))
    nieheim = db.session.scalar(
        select(Resolution).where(Resolution.body_id == seed.bodies["nieheim"].id)
    )
    paper_before = get(client, f"/oparl/v1/paper/{s.paper_key(committee)}")
    old_nieheim_paper = f"/oparl/v1/paper/{s.paper_key(nieheim)}"
    gone = {
        f"/oparl/v1/consultation/{committee.id}",
        f"/oparl/v1/agendaitem/{committee.id}",
        "/oparl/v1/meeting/"
        + s.meeting_key(committee.body_id, committee.organ, committee.session_date),
        f"/oparl/v1/organization/{s.org_key(committee.body_id, committee.organ)}",
        old_nieheim_paper,
    }
    with acting_as(None, "test"):
        resolutions.delete_resolution(committee)
        resolutions.update_resolution(
            nieheim, ResolutionUpdate.model_validate({"reference": "77/2022"}), actor=None
        )
        db.session.commit()
    for url in gone:
        r = client.get(url)
        assert r.status_code == 200 and r.json["deleted"] is True, (url, r.json)
        assert set(r.json) == {"id", "type", "created", "modified", "deleted"}
    paper_after = get(client, paper_before["id"])
    assert paper_after["modified"] >= since[:19]  # moved when it lost a consultation
    assert db.session.scalar(
        select(PublishedMark.touched_at).where(
            PublishedMark.kind == "paper", PublishedMark.key == s.paper_key(committee)
        )
    )
    assert len(paper_after["consultation"]) == len(paper_before["consultation"]) - 1
    incremental = mirror(client, dict(kept), since=since)
    assert incremental == mirror(client)
    assert not any(urlsplit(k).path in gone for k in incremental)
    assert client.get("/oparl/v1/consultation/999999").status_code == 404


def test_omit_internal_gives_urls_and_a_meeting_has_no_invented_hour(client, seed, published):
    m = seed.bodies["marienmuenster"].id
    meetings = get(client, f"/oparl/v1/body/{m}/meeting")["data"]
    assert meetings and all("start" not in x for x in meetings)
    assert all(isinstance(a, dict) for x in meetings for a in x["agendaItem"])
    bare = get(client, f"/oparl/v1/body/{m}/meeting", omit_internal="true")["data"]
    assert all(isinstance(a, str) for x in bare for a in x["agendaItem"])
    paper = get(client, f"/oparl/v1/body/{m}/paper", omit_internal="true")["data"][0]
    assert all(isinstance(c, str) for c in paper["consultation"])
    assert isinstance(paper["mainFile"], str)
