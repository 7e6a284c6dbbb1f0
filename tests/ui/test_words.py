"""Words, not codes: every page of the demo, in German and in English, read as text. No "None",
no stored code of an enumeration, no field name of the models may show."""

from __future__ import annotations

import enum
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from coop.audit import acting_as
from coop.core import enums
from coop.extensions import db

SKIP = ("/logout", "/api/", "/oparl/", "/static/", "/calendar/", "/language/")
DOWNLOADS = (".csv", ".xlsx", ".pdf", ".ics", ".json")
MAX_PAGES = 400


class _Text(HTMLParser):
    """The text people read (not scripts, styles or attribute values) and the links."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _codes() -> tuple[set[str], set[str]]:
    """(codes with an underscore, every code) of the enumerations people see as labels."""
    every = set()
    for value in vars(enums).values():
        if isinstance(value, type) and issubclass(value, enum.Enum) and value is not enum.Enum:
            every |= {str(m.value) for m in value if isinstance(m.value, str)}
    return {c for c in every if "_" in c}, every


def _field_names() -> set[str]:
    names = set()
    for mapper in db.Model.registry.mappers:
        names |= {c.key for c in mapper.column_attrs if "_" in c.key}
    return names


def _crawl(client, start: str):
    seen, queue = set(), deque([start])
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        parser = _Text()
        parser.feed(response.get_data(as_text=True))
        yield path, re.sub(r"\s+", " ", " ".join(parser.parts))
        for href in parser.links:
            target = urljoin(path, href)
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith("/"):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local.startswith(SKIP) or parts.path.endswith(DOWNLOADS):
                continue
            if "page=" in parts.query and not parts.query.endswith("page=2"):
                continue  # one further page of each list is enough
            queue.append(local)


@pytest.fixture
def demo(sqlite_app):
    from coop import demo as demo_data

    with acting_as(None, "demo"):
        demo_data.load()
        db.session.commit()
    return sqlite_app


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_page_speaks_in_words(demo, lang):
    from tests.conftest import AuthActions

    underscored, every = _codes()
    fields = _field_names()
    client = demo.test_client()
    AuthActions(client).login("admin@coop.example", "coop-demo-2026")
    if lang == "en":
        AuthActions(client).post("/language/en", {"next": "/"}, form_path="/")
    found = []
    pages = 0
    for path, text in _crawl(client, "/"):
        pages += 1
        text = re.sub(r"\S+@\S+", " ", text)  # e-mail addresses are names, not codes
        words = set(re.findall(r"[A-Za-z_]+", text))
        if re.search(r"\bNone\b", text):
            found.append((path, "None"))
        # Python's own notation of a value (a list, a dict) or an internal actor's label
        for shown in re.findall(r"\[\]|\['[^']*'|\{'[^']*'|demo loader|bench seed", text):
            found.append((path, shown))
        for code in sorted((underscored | fields) & words):
            found.append((path, code))
        if lang == "de":
            for code in sorted((every - underscored) & words):
                if code.islower() and len(code) > 3:
                    found.append((path, code))
    assert pages > 40
    assert not found, found[:200]


def test_votes_read_as_words_and_counts(app, seed, client):
    from tests import factories

    with acting_as(None, "test"):
        ini = factories.initiative(seed, public=True)
        r = factories.resolution(ini, seed.bodies["brakel"], votes_yes=1, votes_no=20, public=True)
        db.session.commit()
    page = client.get(f"/resolutions/{r.id}").get_data(as_text=True)
    assert "1 Ja-Stimme, 20 Nein-Stimmen" in page and "None" not in page


def test_the_change_history_speaks_in_labels_and_names(app, seed, client, auth):
    from tests import factories

    with acting_as(seed.users["coordinator"].id, "coordinator@test.example"):
        ini = factories.initiative(seed)
        db.session.commit()
    auth.login("coordinator@test.example")
    page = client.get(f"/initiatives/{ini.id}").get_data(as_text=True)
    history = page[page.index("Änderungsverlauf") :]
    assert "Phasenwechsel „Entscheidung" in history and "„decision" not in history
    assert "Körperschaft</strong>: Brakel" in history or "Brakel" in history
    assert not re.search(r"(Körperschaft|Vorhaben|Federführung)</strong>: \d+<", history)


def test_a_past_session_is_not_the_next_one():
    from datetime import date

    from coop import create_app
    from coop.main.context import session_text

    with create_app("testing").test_request_context("/"):
        assert session_text(date(2022, 3, 10)) == "10.03.2022, Ergebnis fehlt"
        assert session_text(date(2099, 3, 10)) == "10.03.2099"


def test_a_participation_stored_by_id_is_named(app, seed):
    from types import SimpleNamespace

    from coop.main.context import audit_rows

    brakel = seed.bodies["brakel"]
    entry = SimpleNamespace(
        at=None,
        actor_label="seed",
        action="create",
        entity_type="Participant",
        entity_label=str(brakel.id),
        context_type="Initiative",
        changes={"body_id": [None, brakel.id], "fte": [None, "0.8"]},
    )
    with app.test_request_context("/"):
        (row,) = audit_rows([entry])
    assert row.what == "Beteiligung „Brakel“ angelegt"
    assert ("Körperschaft", "Brakel") in row.changes


def test_history_values_read_as_words(app):
    """Issue 29: "Stichwörter: ['E-Rechnung', 'XRechnung']", "Merkmale …: []", "Bundesland: 05",
    "Einwohnerzahl: 6157" and the actor "demo loader" in the change history."""
    from coop.main.context import actor_words, audit_value

    with app.test_request_context():
        assert audit_value("Initiative", "keywords", ["E-Rechnung", "XRechnung"]) == (
            "E-Rechnung, XRechnung"
        )
        assert audit_value("Body", "attributes", []) == "–"
        assert audit_value("Body", "state", "05") == "Nordrhein-Westfalen"
        assert audit_value("Body", "population", 6157) == "6.157"
        assert audit_value("CostModel", "first_year", 2026) == "2026"
        assert audit_value("Grant", "improvement_confirmed_at", "2026-12-08T14:30:00+00:00") == (
            "08.12.2026, 15:30 Uhr"  # in Berlin time
        )
        assert actor_words("demo loader") == "die Demodaten"
        assert actor_words("anna@kreis.example (API)") == "anna@kreis.example (über die API)"
        assert actor_words("anna@kreis.example") == "anna@kreis.example"
