"""Search across the partners' synced papers and our own initiatives and resolutions, on
SQLite (FTS5) and PostgreSQL (German text search); saved searches that tell their owner."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from coop import jobs
from coop.audit import acting_as
from coop.extensions import db
from coop.models import Proposal, SavedSearch, SearchEntry
from coop.oparl.client import Fetcher
from coop.search import services as search
from tests import factories
from tests.oparl.fake_server import CIS, serve


@pytest.fixture
def cis():
    system = CIS(papers=30)
    server = serve(system)
    yield system
    server.shutdown()


@pytest.fixture
def synced(seed, cis):
    """Marienmünster's council information system read once, and one initiative with a
    resolution of our own."""
    body = seed.bodies["marienmuenster"]
    with acting_as(None, "test"):
        ini = factories.initiative(seed, title="Gemeinsame E-Rechnung")
        factories.resolution(ini, seed.bodies["brakel"], reference="77/2023", organ="Rat")
        body.oparl_url = cis.url("/system")
        db.session.commit()
        run, summary = jobs.sync_body(body, fetcher=Fetcher(timeout=2, retries=1))
    assert run.ok, summary.errors
    return ini, body


def titles(f: search.Filters) -> list[str]:
    return [e.title for e in db.session.scalars(search.search_query(f))]


def test_papers_initiatives_and_resolutions_are_found_by_their_words(synced, cis):
    ini, body = synced
    assert (
        db.session.scalar(
            select(func.count()).where(SearchEntry.kind == "paper", SearchEntry.body_id == body.id)
        )
        == 30
    )
    # the fake server's paper 1 is "Digitalnetzwerk …"; its result text is searched too
    found = titles(search.Filters(q="Digitalnetzwerk"))
    assert found and all("Digitalnetzwerk" in t for t in found)
    kinds = [
        e.kind for e in db.session.scalars(search.search_query(search.Filters(q="E-Rechnung")))
    ]
    assert sorted(kinds) == ["initiative", "resolution"]
    assert titles(search.Filters(q="E-Rechnung", kind="initiative")) == ["Gemeinsame E-Rechnung"]
    assert titles(search.Filters(q="Digitalnetzwerk", kind="initiative")) == []
    # filters without words: the body's papers, by date
    papers = titles(search.Filters(body_id=body.id, kind="paper"))
    assert len(papers) == 30
    later = search.Filters(body_id=body.id, day_from=datetime(2030, 1, 1).date())
    assert titles(later) == []
    # what a user types never reaches the text engine's own syntax
    for odd in ('"', "*", "NEAR(", "a OR", "(", "-", "'; DROP TABLE x;--"):
        db.session.scalars(search.search_query(search.Filters(q=odd))).all()


def test_a_record_changed_or_deleted_is_searched_as_it_is_now(synced):
    ini, _body = synced
    with acting_as(None, "test"):
        ini.title = "Gemeinsame Lohnbuchhaltung"
        db.session.commit()
    assert titles(search.Filters(q="Lohnbuchhaltung", kind="initiative")) == [ini.title]
    assert titles(search.Filters(q="E-Rechnung", kind="initiative")) == []


def test_the_search_page_finds_filters_and_keeps_a_search(client, auth, seed, synced):
    auth.login(seed.users["coordinator"].email)
    page = client.get("/search/", query_string={"q": "Digitalnetzwerk"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Digitalnetzwerk" in html and "Treffer" in html
    bad = client.get("/search/", query_string={"from": "2023-02-01", "to": "2022-01-01"})
    assert "Das Ende liegt vor dem Anfang." in bad.get_data(as_text=True)
    assert "Treffer" not in bad.get_data(as_text=True)
    empty = auth.post("/search/saved", {"q": "Digitalnetzwerk", "name": ""}, "/search/?q=x")
    assert empty.status_code == 422
    assert "Geben Sie der Suche einen Namen." in empty.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SavedSearch)) == 0
    r = auth.post(
        "/search/saved", {"q": "Digitalnetzwerk", "name": "Netzwerk"}, "/search/?q=Digitalnetzwerk"
    )
    assert r.status_code == 302
    saved = db.session.scalar(select(SavedSearch))
    assert saved.name == "Netzwerk" and saved.user_id == seed.users["coordinator"].id
    mine = client.get("/search/", query_string={"saved": saved.id})
    assert "Netzwerk" in mine.get_data(as_text=True)
    # nobody else opens or deletes it
    auth.logout()
    auth.login(seed.users["viewer"].email)
    assert client.get("/search/", query_string={"saved": saved.id}).status_code == 404
    assert auth.post(f"/search/saved/{saved.id}/delete", {}, "/search/").status_code == 404
    auth.logout()
    assert client.get("/search/").status_code == 302  # sign-in first


def test_a_saved_search_tells_its_owner_once_and_proposes_to_its_initiative(
    mail_app, smtp, seed, synced, cis
):
    ini, body = synced
    owner = seed.users["coordinator"]
    with acting_as(None, "test"):
        saved = search.save_search(
            owner, "Vorlagen", search.Filters(q="Vorlage"), initiative_id=ini.id
        )
        db.session.commit()
    assert jobs.notify_saved_searches().startswith("0 searches")  # nothing new yet
    # a new paper arrives that matches
    cis.papers = 31
    cis.modified[31] = datetime.now(UTC) + timedelta(seconds=1)
    with acting_as(None, "test"):
        run, summary = jobs.sync_body(body, fetcher=Fetcher(timeout=2, retries=1))
    assert run.ok, summary.errors
    before = db.session.scalar(select(func.count()).select_from(Proposal))
    with acting_as(None, "test"):
        summary = jobs.notify_saved_searches()
    assert summary.startswith("1 searches"), summary
    mails = smtp.to(owner.email)
    assert len(mails) == 1
    text = mails[0].get_content()
    assert "Vorlagen" in mails[0]["Subject"] and "Vorlage 31" in text
    assert "https://ris.example/vo0050.asp?__kvonr=31" in text
    assert db.session.scalar(select(func.count()).select_from(Proposal)) > before
    db.session.refresh(saved)
    with acting_as(None, "test"):
        jobs.notify_saved_searches()
    assert len(smtp.to(owner.email)) == 1  # each match is told once


def test_the_api_searches_and_keeps_searches_of_the_tokens_owner(client, seed, synced):
    token = {"Authorization": f"Bearer {seed.tokens['coordinator']}"}
    r = client.get("/api/v1/search", query_string={"q": "Digitalnetzwerk"}, headers=token)
    assert r.status_code == 200, r.json
    assert r.json["total"] >= 1 and r.json["items"][0]["kind"] == "paper"
    assert r.json["items"][0]["url"].startswith("https://ris.example/")
    bad = client.get(
        "/api/v1/search", query_string={"from": "2023-01-01", "to": "2022-01-01"}, headers=token
    )
    assert bad.status_code == 400 and "to" in bad.json["error"]["fields"]
    assert (
        client.get("/api/v1/search", query_string={"kind": "x"}, headers=token).status_code == 400
    )
    assert client.get("/api/v1/search").status_code == 401
    made = client.post(
        "/api/v1/saved-searches", json={"name": "Netz", "q": "Digitalnetzwerk"}, headers=token
    )
    assert made.status_code == 201, made.json
    assert made.json["q"] == "Digitalnetzwerk"
    assert client.post(
        "/api/v1/saved-searches", json={"name": "", "q": "x"}, headers=token
    ).status_code in (400, 422)
    listed = client.get("/api/v1/saved-searches", headers=token).json["items"]
    assert [s["name"] for s in listed] == ["Netz"]
    other = {"Authorization": f"Bearer {seed.tokens['viewer']}"}
    assert client.get("/api/v1/saved-searches", headers=other).json["items"] == []
    gone = f"/api/v1/saved-searches/{made.json['id']}"
    assert client.delete(gone, headers=other).status_code == 404
    assert client.delete(gone, headers=token).status_code == 204


def test_a_hyphenated_word_is_found_as_a_whole_not_as_its_parts(app, seed):
    """Issue 29: "E-Rechnung" found "Rechnungsprüfung" (each part a prefix of its own)."""
    assert search._fts5_query('E-Rechnung "x" OR *') == '"e rechnung"* "x"* "or"*'
    with acting_as(None, "test"):
        factories.initiative(seed, title="Rechnungsprüfung gemeinsam")
        factories.initiative(seed, title="E-Rechnungen gemeinsam annehmen")
        db.session.commit()
    assert titles(search.Filters(q="E-Rechnung")) == ["E-Rechnungen gemeinsam annehmen"]
    assert titles(search.Filters(q="Rechnungsprüfung")) == ["Rechnungsprüfung gemeinsam"]


def test_a_hit_shows_a_passage_with_the_words_marked(app, seed, client):
    from tests.conftest import AuthActions

    with acting_as(None, "test"):
        factories.initiative(
            seed,
            title="Gemeinsame Beschaffung",
            description="Die Städte bündeln den Einkauf von Streusalz <b>über</b> den Kreis.",
        )
        db.session.commit()
    AuthActions(client).login("coordinator@test.example")
    page = client.get("/search/?q=Streusalz").get_data(as_text=True)
    assert "<mark>Streusalz</mark>" in page
    assert "&lt;b&gt;über&lt;/b&gt;" in page or "<b>" not in page.split("coop-snippet")[1][:300]
