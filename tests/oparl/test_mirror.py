"""Our OParl server as a mirror sees it (issue 26): filters in any time zone, validators that
never say "not modified" about a changed answer, public JSON on every answer under /oparl/, and
incremental walks that end with exactly the server's data after deletes of the newest rows."""

from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from sqlalchemy import select, update

from coop.audit import acting_as
from coop.cache import touch
from coop.extensions import db
from coop.models import (
    AuditEntry,
    Body,
    Document,
    Initiative,
    PublishedMark,
    Resolution,
)
from coop.oparl import marks as keys
from coop.oparl import server, views
from coop.resolutions import documents
from coop.resolutions import services as resolutions
from coop.resolutions.schemas import ResolutionUpdate
from tests import factories
from tests.factories import PDF
from tests.oparl.test_server import LISTS, _walk, get, mirror

ERROR = "https://schema.oparl.org/1.1/Error"
JSON = "application/json; charset=utf-8"
BERLIN_WINTER = timezone(timedelta(hours=1))


@pytest.fixture
def council(seed):
    """A public initiative decided in Marienmünster's council (three agenda items, one with a
    paper), its main committee (two) and Nieheim's council (one, scheduled)."""
    b = seed.bodies
    with acting_as(None, "test"):
        ini = factories.initiative(seed, public=True)
        m = b["marienmuenster"]
        first = factories.resolution(ini, m, reference="560/2022", title="Digitalnetzwerk")
        resolutions.update_resolution(
            first,
            ResolutionUpdate(),
            actor=None,
            document=documents.store_pdf("vorlage-560.pdf", PDF),
        )
        factories.resolution(ini, m, reference="561/2022", title="Breitband")
        factories.resolution(ini, m, title="Glasfaser", result_text="einstimmig")
        for reference in ("560/2022", "562/2022"):
            factories.resolution(
                ini, m, reference=reference, organ="Hauptausschuss", authoritative=False,
                session_date="2022-02-10",
            )  # fmt: skip
        factories.resolution(ini, b["nieheim"], session_date="2022-03-10", outcome="scheduled")
        db.session.commit()
    return ini


def _age(hours: int = 3) -> datetime:
    """Move everything the server publishes `hours` into the past, the resolutions a minute
    apart in the order of their ids (the newest row is the latest change), as if the data had
    been entered then; returns the newest resolution's time."""
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=hours)
    older = base - timedelta(hours=1)
    for model in (Body, Initiative, Document):
        db.session.execute(update(model).values(created_at=older, modified_at=older))
    db.session.execute(update(PublishedMark).values(created_at=older, touched_at=older))
    db.session.execute(update(AuditEntry).values(at=older))
    ids = db.session.scalars(select(Resolution.id).order_by(Resolution.id)).all()
    at = base
    for i, rid in enumerate(ids):
        at = base + timedelta(minutes=i)
        db.session.execute(
            update(Resolution).where(Resolution.id == rid).values(created_at=at, modified_at=at)
        )
    touch(db.session)  # a bulk statement: the page cache must see a new generation
    db.session.commit()
    return at


def _later(monkeypatch, seconds: int = 2) -> None:
    """Answer as if read `seconds` later (the second of the last change is over)."""
    monkeypatch.setattr(
        views, "_now", lambda: datetime.now(UTC) + timedelta(seconds=seconds), raising=False
    )


def _newest(body_id: int | None = None) -> Resolution:
    stmt = select(Resolution).where(Resolution.public.is_(True)).order_by(Resolution.id.desc())
    if body_id is not None:
        stmt = stmt.where(Resolution.body_id == body_id)
    return db.session.scalars(stmt.limit(1)).one()


def _delete(resolution: Resolution) -> None:
    with acting_as(None, "test"):
        resolutions.delete_resolution(resolution)
        db.session.commit()


def _instant(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def _written(instant: datetime, style: str) -> str:
    """An instant as a client writes it."""
    if style == "Z":
        return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == "+01:00":
        return instant.astimezone(BERLIN_WINTER).isoformat(timespec="seconds")
    if style == "-05:30":
        return instant.astimezone(timezone(-timedelta(hours=5, minutes=30))).isoformat()
    if style == "fraction":
        return instant.astimezone(BERLIN_WINTER).isoformat(timespec="milliseconds")
    if style == "+0100":  # PHP's DATE_ISO8601
        return instant.astimezone(BERLIN_WINTER).strftime("%Y-%m-%dT%H:%M:%S%z")
    raise AssertionError(style)


def _query(name: str, value: str, encoded: bool = True) -> str:
    return f"{name}={quote(value, safe='') if encoded else value}"


# --- finding 1: time zones ---------------------------------------------------------------


def test_filters_compare_instants_whatever_the_clients_time_zone(client, seed, council):
    """`…?modified_since=…T22:00:05%2B01:00` names the same instant as `…T21:00:05Z`: both
    find the same objects (they did not on SQLite, which compared the local digits)."""
    _age()
    m = seed.bodies["marienmuenster"].id
    for kind in ("agendaItem", "consultation", "paper", "meeting"):
        url = f"/oparl/v1/body/{m}/{kind}"
        everything = list(_walk(client, url))
        stamps = sorted({_instant(o["modified"]) for o in everything})
        created = sorted({_instant(o["created"]) for o in everything})
        # the newest change, the one before it and a second after the newest
        for name, moments, field in (
            ("modified_since", [*stamps[-2:], stamps[-1] + timedelta(seconds=1)], "modified"),
            ("modified_until", [stamps[-1] - timedelta(seconds=1), stamps[-1]], "modified"),
            ("created_since", [created[-1]], "created"),
            ("created_until", [created[-1] - timedelta(seconds=1)], "created"),
        ):
            for moment in moments:
                if name.endswith("since"):
                    expected = {o["id"] for o in everything if _instant(o[field]) >= moment}
                else:
                    expected = {o["id"] for o in everything if _instant(o[field]) <= moment}
                for style in ("Z", "+01:00", "-05:30", "fraction", "+0100"):
                    written = _written(moment, style)
                    found = {o["id"] for o in _walk(client, url, _query(name, written))}
                    assert found == expected, (kind, name, written)
                if "+" in _written(moment, "+01:00"):  # the + the client did not encode
                    raw = _query(name, _written(moment, "+01:00"), encoded=False)
                    page = client.get(f"{url}?{raw}")
                    assert page.status_code == 200, page.json
                    assert {o["id"] for o in page.json["data"]} == expected, (kind, raw)
                    carried = parse_qs(urlsplit(page.json["links"]["self"]).query)[name]
                    assert carried == [_written(moment, "+01:00")]  # mended


def test_a_german_clients_modified_since_finds_the_last_hours_changes(client, seed, council):
    """The crawler's case: a change at 21:00:05Z, asked for as 22:00:05+01:00."""
    _age()
    m = seed.bodies["marienmuenster"].id
    newest = _newest(m)
    local = _written(newest.modified_at, "+01:00")
    for raw in (_query("modified_since", local), _query("modified_since", local, encoded=False)):
        items = get(client, f"/oparl/v1/body/{m}/consultation?{raw}")["data"]
        assert [i["id"].rsplit("/", 1)[1] for i in items] == [str(newest.id)], raw
    # and the deletion of that hour, asked for in German time too
    newest_id = newest.id
    _delete(newest)
    items = get(client, f"/oparl/v1/body/{m}/consultation?{raw}")["data"]
    assert [(i["id"].rsplit("/", 1)[1], i.get("deleted")) for i in items] == [
        (str(newest_id), True)
    ]


@pytest.mark.parametrize(
    "value",
    [
        "gestern",
        "2026-12-07",  # a day is not an instant
        "2026-12-07T22:00:05",  # no offset: German time or UTC?
        "2026-12-07T22:00",
        "2026-02-30T10:00:00Z",
        "2026-12-07T24:00:00Z",
        "2026-12-07T22:00:05+24:00",
        "2026-12-07T22:00:05+01:60",
        "2026-12-07T22:00:05.+01:00",
        "0001-01-01T00:00:00+01:00",  # before the first instant there is
        "9999-12-31T23:59:59-01:00",
        "٢٠٢٦-12-07T22:00:05Z",
    ],
)
def test_a_bad_time_is_an_oparl_error_naming_the_parameter(client, seed, council, value):
    m = seed.bodies["marienmuenster"].id
    for name in views.FILTERS:
        for url in (f"/oparl/v1/body/{m}/paper", f"/oparl/v1/body/{m}/consultation"):
            r = client.get(url, query_string={name: value})
            assert r.status_code == 400, (name, value, r.status_code)
            assert r.json["type"] == ERROR and r.json["message"].startswith(name), r.json
            assert r.headers["Access-Control-Allow-Origin"] == "*"
            assert r.headers["Content-Type"] == JSON


def test_rfc3339_forms_are_read_as_instants():
    at = datetime(2026, 12, 7, 21, 0, 5, tzinfo=UTC)
    for written in (
        "2026-12-07T21:00:05Z",
        "2026-12-07t21:00:05z",
        "2026-12-07 21:00:05Z",
        "2026-12-07T22:00:05+01:00",
        "2026-12-07T22:00:05 01:00",  # an unencoded +
        "2026-12-07T22:00:05+0100",
        "2026-12-07T15:30:05-05:30",
        "2026-12-07T21:00:05-00:00",
        "2026-12-07T22:00:05.000+01:00",
    ):
        assert views.parse_instant(written) == at, written
    assert views.parse_instant("2026-12-07T22:00:05.1234567+01:00") == at.replace(
        microsecond=123456
    )
    assert views.parse_instant("2016-12-31T23:59:60Z") == datetime(
        2016, 12, 31, 23, 59, 59, 999999, tzinfo=UTC
    )


# --- finding 2 and 5: conditional requests ---------------------------------------------------


def _lists(resolution: Resolution) -> list[str]:
    body_id = resolution.body_id
    urls = [f"/oparl/v1/body/{body_id}/{kind}" for kind in LISTS]
    urls.append(f"/oparl/v1/organization/{keys.org_key(body_id, resolution.organ)}/meetings")
    return [*urls, "/oparl/v1/bodies"]


def test_a_lists_last_modified_never_moves_back_when_its_newest_object_goes(
    client, seed, council, monkeypatch
):
    """A delete moves a list's Last-Modified to the tombstone's time, so If-Modified-Since
    with the time before answers 200, not 304 (it did: the list's newest object was gone)."""
    _age()
    newest = _newest(seed.bodies["marienmuenster"].id)
    urls = _lists(newest)
    before = {}
    for url in urls:
        r = client.get(url)
        assert r.last_modified is not None and r.headers.get("ETag"), url
        before[url] = r
    _delete(newest)
    gone_at = db.session.scalar(
        select(PublishedMark.touched_at).where(
            PublishedMark.kind == "consultation", PublishedMark.key == str(newest.id)
        )
    )
    for url, old in before.items():
        since = client.get(url, headers={"If-Modified-Since": old.headers["Last-Modified"]})
        assert since.status_code == 200, url
        # within the second of the delete no Last-Modified: a second change in it could not
        # be told apart
        assert since.last_modified is None or since.last_modified > old.last_modified, url
        match = client.get(url, headers={"If-None-Match": old.headers["ETag"]})
        unchanged = client.get(url).data == old.data  # the file list: the newest had none
        assert match.status_code == (304 if unchanged else 200), url
    _later(monkeypatch)
    for url, old in before.items():
        r = client.get(url)
        # the tombstone's time (or a later change the delete made, as to its initiative)
        assert r.last_modified >= gone_at.replace(microsecond=0) > old.last_modified, url
        for headers in (
            {"If-Modified-Since": r.headers["Last-Modified"]},
            {"If-None-Match": r.headers["ETag"]},
        ):
            again = client.get(url, headers=headers)  # from the page cache
            assert again.status_code == 304, (url, headers)
            assert again.headers["Access-Control-Allow-Origin"] == "*"


def test_a_change_within_the_second_of_the_last_is_never_not_modified(
    client, seed, council, monkeypatch
):
    """HTTP dates count seconds: Last-Modified waits until the second of the last change is
    over, so no client holds a date a second change in that second could hide behind; the
    answer without it is not kept for the next reader."""
    m = seed.bodies["marienmuenster"].id
    last = max(t for t in db.session.execute(server.list_changed(m)).one() if t)
    url = f"/oparl/v1/body/{m}/agendaItem"
    monkeypatch.setattr(views, "_now", lambda: last + timedelta(microseconds=1))
    within = client.get(url)
    assert within.status_code == 200 and within.last_modified is None
    assert "ETag" in within.headers
    monkeypatch.setattr(views, "_now", lambda: last + timedelta(seconds=1))
    assert client.get(url).last_modified == last.replace(microsecond=0)


def _objects(newest: Resolution) -> list[str]:
    """An object of every type: the newest resolution's, and the one file."""
    m = newest.body_id
    document = db.session.scalar(select(Document.id))
    return [
        "/oparl/v1/system",
        f"/oparl/v1/body/{m}",
        *_of_newest(newest),
        f"/oparl/v1/file/{document}",
    ]


def _of_newest(newest: Resolution) -> list[str]:
    m = newest.body_id
    return [
        f"/oparl/v1/organization/{keys.org_key(m, newest.organ)}",
        f"/oparl/v1/meeting/{keys.meeting_key(m, newest.organ, newest.session_date)}",
        f"/oparl/v1/paper/{keys.paper_key(newest)}",
        f"/oparl/v1/consultation/{newest.id}",
        f"/oparl/v1/agendaitem/{newest.id}",
    ]


def test_single_objects_carry_last_modified_and_answer_conditional_requests(
    client, seed, council, queries
):
    _age()
    newest = _newest(seed.bodies["marienmuenster"].id)
    for url in _objects(newest):
        r = client.get(url)
        assert r.status_code == 200, url
        modified = _instant(r.json["modified"])
        assert r.last_modified == modified, url
        assert r.headers.get("ETag"), url
        cached = client.get(url)
        assert cached.headers["Last-Modified"] == r.headers["Last-Modified"]
        assert cached.headers["ETag"] == r.headers["ETag"]
        for headers in (
            {"If-Modified-Since": r.headers["Last-Modified"]},
            {"If-None-Match": r.headers["ETag"]},
            {"If-Modified-Since": format_datetime(modified + timedelta(hours=1), usegmt=True)},
        ):
            queries["n"] = 0
            again = client.get(url, headers=headers)
            assert again.status_code == 304, (url, headers)
            assert queries["n"] == 1, url  # answered by the page cache
            assert again.headers["Access-Control-Allow-Origin"] == "*"
        earlier = format_datetime(modified - timedelta(seconds=1), usegmt=True)
        assert client.get(url, headers={"If-Modified-Since": earlier}).status_code == 200


def test_a_tombstone_and_the_objects_that_lost_it_move_their_last_modified(
    client, seed, council, monkeypatch
):
    """The newest resolution goes: its consultation, agenda item and paper answer with
    tombstones, its meeting, organization, the system and the other agenda item of the
    meeting (whose place may have moved) are modified; each Last-Modified moves on."""
    _age()
    newest = _newest(seed.bodies["marienmuenster"].id)
    sibling = next(r for r in _meeting_of(newest) if r.id != newest.id)
    urls = ["/oparl/v1/system", *_of_newest(newest), f"/oparl/v1/agendaitem/{sibling.id}"]
    before = {url: client.get(url) for url in urls}
    _delete(newest)
    _later(monkeypatch)
    for url, old in before.items():
        r = client.get(url)
        assert r.status_code == 200, url
        assert r.last_modified == _instant(r.json["modified"]) > old.last_modified, url
        stale = client.get(url, headers={"If-Modified-Since": old.headers["Last-Modified"]})
        assert stale.status_code == 200, url
    for url in _of_newest(newest)[2:]:
        assert client.get(url).json["deleted"] is True, url


def _meeting_of(r: Resolution) -> list[Resolution]:
    return db.session.scalars(
        select(Resolution)
        .where(
            Resolution.body_id == r.body_id,
            Resolution.organ == r.organ,
            Resolution.session_date == r.session_date,
        )
        .order_by(Resolution.id)
    ).all()


# --- finding 3 and 6: public JSON on every answer --------------------------------------------


@pytest.mark.parametrize(
    "method,path,status",
    [
        ("GET", "/oparl/v1/nope", 404),
        ("GET", "/oparl/v1/", 404),
        ("GET", "/oparl/v1", 404),
        ("GET", "/oparl/", 404),
        ("GET", "/oparl/v1/body/abc", 404),
        ("GET", "/oparl/v1/consultation/abc", 404),
        ("GET", "/oparl/v1/agendaitem/99999999999", 404),
        ("GET", "/oparl/v1/paper/r999999", 404),
        ("GET", "/oparl/v1/organization/abc", 404),
        ("GET", "/oparl/v1/body/1/nope", 404),
        ("POST", "/oparl/v1/system", 405),
        ("DELETE", "/oparl/v1/bodies", 405),
        ("GET", "/oparl/v1/bodies?modified_since=yesterday", 400),
        ("GET", "/oparl/v1/bodies?page=x", 400),
        ("GET", "/oparl/v1/bodies?after=x", 400),
        ("GET", "/oparl/v1/bodies?modified_since=%00", 400),  # the input guard's refusal
    ],
)
def test_every_error_under_oparl_is_a_public_oparl_error(client, seed, method, path, status):
    r = client.open(path, method=method)
    assert r.status_code == status, (path, r.status_code)
    assert r.headers["Access-Control-Allow-Origin"] == "*", path
    assert r.headers["Content-Type"] == JSON, path
    assert r.json["type"] == ERROR and r.json["message"], path
    if status == 405:
        assert "GET" in r.headers["Allow"]


def test_answers_of_other_layers_under_oparl_are_public_json_too(client, seed, council):
    refused = client.get("/oparl/v1/system", headers={"Host": "evil.example"})
    assert refused.status_code == 400 and refused.headers["Content-Type"] == JSON
    assert refused.json["type"] == ERROR
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/oparl/v1/system",
        headers={"Origin": "https://ratsinfo.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]
    for _ in range(2):  # the second from the page cache
        r = client.get("/oparl/v1/bodies")
        assert r.headers["Access-Control-Allow-Origin"] == "*"
        assert r.headers["Content-Type"] == JSON
        assert "ETag" in r.headers["Access-Control-Expose-Headers"]
    # the rest of the site is left alone
    assert "Access-Control-Allow-Origin" not in client.get("/login").headers


# --- must-have 7: a mirror ends with the server's data -------------------------------------


def _mirror(client, store: dict | None = None, since: str | None = None, raw: bool = False):
    """`test_server.mirror`, with `since` in the query as the client writes it (`raw`: its +
    unencoded)."""
    query = _query("modified_since", since, encoded=not raw) if since else ""
    return mirror(client, store, query=query)


def _resolution(seed, **values) -> Resolution:
    ini = db.session.scalar(select(Initiative).where(Initiative.public.is_(True)))
    with acting_as(None, "test"):
        r = factories.resolution(ini, seed.bodies["marienmuenster"], **values)
        db.session.commit()
    return r


def _of_organ(body: Body, organ: str) -> list[Resolution]:
    return db.session.scalars(
        select(Resolution)
        .where(Resolution.body_id == body.id, Resolution.organ == organ)
        .order_by(Resolution.id)
    ).all()


def _update(resolution: Resolution, **values) -> None:
    with acting_as(None, "test"):
        resolutions.update_resolution(
            resolution, ResolutionUpdate.model_validate(values), actor=None
        )
        db.session.commit()


def _agenda(store: dict) -> dict[str, int]:
    return {k: o["order"] for k, o in store.items() if o["type"].endswith("/AgendaItem")}


def test_an_incremental_mirror_in_german_time_ends_with_exactly_the_servers_data(
    client, seed, council, monkeypatch
):
    """Rounds of deletes of the newest rows, a delete at the top of a meeting (the later
    agenda items move up), edits, moves and new resolutions; after each, a client that asks
    for `modified_since` the start of its last run, in German time (+01:00, once with its +
    unencoded), keeps exactly what a fresh full read gets."""
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    m = seed.bodies["marienmuenster"]
    kept = _mirror(client)
    assert kept == _mirror(client)

    def after(changes, raw: bool = False) -> dict:
        nonlocal kept
        # the client notes when its run starts, to the second, in its own time zone
        started = _written(datetime.now(UTC), "+01:00")
        changes()
        kept = _mirror(client, dict(kept), since=started, raw=raw)
        fresh = _mirror(client)
        assert kept == fresh
        return fresh

    def deletes_edits_and_a_new_one():
        _delete(_newest())  # Nieheim's only resolution: its meeting, organ and paper go
        _delete(_of_organ(m, "Rat")[0])  # the council's first item: the others move up
        _update(_of_organ(m, "Hauptausschuss")[-1], result_text="mehrheitlich")
        _resolution(seed, reference="561/2022", title="Breitband II")  # joins a paper

    before = _agenda(kept)
    fresh = after(deletes_edits_and_a_new_one)
    moved = {k for k, order in _agenda(fresh).items() if before.get(k) not in (None, order)}
    assert moved  # the test saw agenda items move up

    def the_newest_again_and_a_move():
        _delete(_newest())  # the one just added: its id is the newest again
        _resolution(seed, organ="Bauausschuss", session_date="2022-03-01", title="Neu")
        _update(_newest(m.id), organ="Hauptausschuss", session_date="2022-02-10")

    after(the_newest_again_and_a_move, raw=True)

    def a_whole_meeting_a_hidden_one_and_a_late_one():
        for r in _of_organ(m, "Hauptausschuss"):
            _delete(r)  # a whole meeting and its organization
        _update(_of_organ(m, "Rat")[0], public=False)
        _resolution(seed, title="Nachtrag")

    fresh = after(a_whole_meeting_a_hidden_one_and_a_late_one)
    assert _agenda(fresh) and not any("Hauptausschuss" in o.get("name", "") for o in fresh.values())
