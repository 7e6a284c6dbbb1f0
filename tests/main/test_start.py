"""The start page says what is each person's to do, by role, with links to where it is done;
its queries do not grow with the data; the public finds its town without signing in."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event

from coop.audit import acting_as
from coop.core import clock
from coop.extensions import db
from tests import factories
from tests.conftest import AuthActions


def _start(client, email: str) -> str:
    AuthActions(client).login(email)
    return client.get("/").get_data(as_text=True)


def _setup(seed):
    """Höxter's network: Brakel undecided, Nieheim's session in a week, an overdue milestone,
    a planned NRW grant whose deadline is in a month, a tranche and a proof of use due."""
    today = clock.today()
    with acting_as(None, "test"):
        ini = factories.initiative(seed)
        factories.resolution(ini, seed.bodies["hoexter"])
        factories.resolution(ini, seed.bodies["marienmuenster"])
        factories.resolution(
            ini,
            seed.bodies["nieheim"],
            outcome="scheduled",
            session_date=(today + timedelta(days=7)).isoformat(),
        )
        program = factories.program(application_until=(today + timedelta(days=30)).isoformat())
        factories.grant(ini, program)
        approved = factories.grant(
            ini,
            program,
            status="approved",
            amount_granted="100000.00",
            application_date=(today - timedelta(days=200)).isoformat(),
            proof_of_use_due=(today + timedelta(days=10)).isoformat(),
            tranches=[{"date": (today - timedelta(days=2)).isoformat(), "amount": "50000.00"}],
        )
        db.session.commit()
    return ini, approved


def test_coordinator_sees_the_districts_work(client, seed):
    _setup(seed)
    page = _start(client, "coordinator@test.example")
    assert "Ihre Aufgaben" in page
    assert "Noch ausstehende Ratsbeschlüsse" in page
    assert "Digitalnetzwerk Kreis Höxter: Brakel, Nieheim" in page
    assert "Ratssitzungen in den nächsten 14 Tagen" in page and "Nieheim, Rat" in page
    assert "Überfällige Meilensteine" in page and "Beschlüsse aller Räte" in page
    assert "Antragsfristen in den nächsten 60 Tagen" in page and "Antrag bis" in page
    assert "Vorhaben ohne Änderung seit 90 Tagen" in page
    # no registry counts any more: tasks
    assert "Partnerverzeichnis" not in page


def test_funding_officer_sees_grants_tranches_and_proofs(client, seed):
    _ini, approved = _setup(seed)
    page = _start(client, "funding_officer@test.example")
    assert "Fällige Mittelabrufe" in page and "überfällig seit" in page
    assert "Fällige Verwendungsnachweise" in page
    assert f"/funding/grants/{approved.id}" in page
    assert "Noch ausstehende Ratsbeschlüsse" not in page


def test_partner_editor_sees_their_bodys_pending_decision(client, seed):
    ini, _approved = _setup(seed)
    page = _start(client, "partner_editor@test.example")  # Brakel
    assert "Noch ausstehende Ratsbeschlüsse" in page
    assert f"/initiatives/{ini.id}/resolutions/new?body={seed.bodies['brakel'].id}" in page
    assert "Überfällige Meilensteine" not in page


def test_viewer_sees_their_towns_initiatives(client, seed):
    ini, _approved = _setup(seed)
    page = _start(client, "viewer@test.example")
    assert "Digitalnetzwerk Kreis Höxter" in page and f"/initiatives/{ini.id}" in page


def test_queries_of_the_start_page_do_not_grow(app, client, seed):
    _setup(seed)
    AuthActions(client).login("coordinator@test.example")
    calls = iter(range(100))

    def count() -> int:
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            client.get(f"/?fresh={next(calls)}")  # a new address: not from the page cache
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    count()  # the day's funding checks are computed on the first visit
    before = count()
    with acting_as(None, "test"):
        for n in range(6):
            more = factories.initiative(seed, title=f"Vorhaben {n}")
            factories.resolution(more, seed.bodies["hoexter"])
        db.session.commit()
    assert count() == before


def test_the_public_finds_its_town(client, seed):
    with acting_as(None, "test"):
        factories.initiative(seed, public=True)
        factories.initiative(seed, title="Intern", public=False)
        db.session.commit()
    start = client.get("/").get_data(as_text=True)
    assert "Was spart meine Gemeinde?" in start and 'action="/kommunen"' in start
    page = client.get("/kommunen?q=Marienm").get_data(as_text=True)
    assert "1 Körperschaft gefunden" in page
    town = seed.bodies["marienmuenster"]
    assert f'href="/bodies/{town.id}/savings"' in page
    by_key = client.get("/kommunen?q=05762").get_data(as_text=True)
    assert "Marienmünster" in by_key and "Brakel" in by_key and "Helmstedt" not in by_key
    savings = client.get(f"/bodies/{town.id}/savings")
    assert savings.status_code == 200 and "Marienmünster" in savings.get_data(as_text=True)
    nothing = client.get("/kommunen?q=Wolfsburg").get_data(as_text=True)
    assert "0 Körperschaften gefunden" in nothing


def test_one_search_box_in_the_header_finds_partners_too(client, seed):
    AuthActions(client).login("coordinator@test.example")
    start = client.get("/").get_data(as_text=True)
    assert 'id="site-q"' in start and 'action="/search/"' in start
    found = client.get("/search/?q=Brak").get_data(as_text=True)
    assert f'href="/bodies/{seed.bodies["brakel"].id}"' in found
    by_key = client.get("/search/?q=05762").get_data(as_text=True)
    assert "Marienmünster" in by_key and "Nieheim" in by_key
    # no box for the public (the search needs an account)
    client.post("/logout", data={"csrf_token": AuthActions(client).csrf("/account")})
    assert 'id="site-q"' not in client.get("/").get_data(as_text=True)


def test_breadcrumbs_say_where_a_page_sits(client, seed):
    with acting_as(None, "test"):
        ini = factories.initiative(seed)
        resolution = factories.resolution(ini, seed.bodies["brakel"])
        db.session.commit()
    AuthActions(client).login("coordinator@test.example")
    page = client.get(f"/resolutions/{resolution.id}").get_data(as_text=True)
    trail = page.split('class="coop-breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/">Start</a>' in trail and 'href="/initiatives/">Vorhaben</a>' in trail
    assert f'href="/initiatives/{ini.id}">Digitalnetzwerk Kreis Höxter</a>' in trail
    assert '<li aria-current="page">Brakel, Rat</li>' in trail
