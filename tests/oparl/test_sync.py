"""Reading a recorded council information system over HTTP: paging, quirks, retries, the
incremental second run, bad servers, and the proposals that come of it."""

import json
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from coop import jobs
from coop.audit import acting_as
from coop.commands import parse
from coop.extensions import db
from coop.initiatives import services as initiatives
from coop.initiatives.schemas import InitiativeUpdate
from coop.models import OParlObject, OParlSync, Proposal, ProposalState
from coop.oparl import proposals, sync
from coop.oparl.client import Fetcher
from coop.oparl.schemas import ProposalConfirm
from tests import factories
from tests.oparl.fake_server import CIS, serve


@pytest.fixture
def cis():
    system = CIS(papers=250)
    server = serve(system)
    yield system
    server.shutdown()


@pytest.fixture
def setting(seed, cis):
    """Marienmünster reads its CIS; the initiative knows paper 560/2022 and the keyword
    "Digitalnetzwerk"."""
    b = seed.bodies
    with acting_as(None, "test"):
        ini = factories.initiative(seed, keywords=["Digitalnetzwerk"])
        factories.resolution(
            ini, b["marienmuenster"], reference="560/2022", organ="Hauptausschuss",
            authoritative=False, session_date="2022-02-10",
        )  # fmt: skip
        b["marienmuenster"].oparl_url = cis.url("/system")
        db.session.commit()
    return ini, b["marienmuenster"]


def fast():
    return Fetcher(timeout=0.5, retries=2, backoff=0, sleep=lambda s: None)


def run(body, **kw):
    with acting_as(None, "test"):
        return jobs.sync_body(body, fetcher=kw.pop("fetcher", fast()), **kw)


def test_first_run_keeps_everything_and_proposes(setting, cis):
    ini, body = setting
    result, summary = run(body)
    assert result.ok, summary.errors
    # 250 papers with 250 consultations, 25 meetings with 250 agenda items, 3 organizations
    assert summary.new == 250 + 250 + 25 + 250 + 3
    assert summary.skipped == [("paper, Seite 1, Eintrag 6", "Paper ohne id")]
    assert db.session.scalar(select(func.count(OParlObject.id))) == 778
    found = db.session.scalars(select(Proposal).order_by(Proposal.id)).all()
    assert [(p.reference, p.matched_by) for p in found] == [
        ("560/2022", "Drucksache 560/2022"),
        ("0002/2022", "Stichwort „Digitalnetzwerk“"),
    ]
    first, second = found
    assert (first.organ, first.authoritative, first.session_date.isoformat()) == (
        "Rat der Stadt Marienmünster", True, "2022-02-23"
    )  # fmt: skip
    assert (first.outcome, first.votes_yes, first.votes_no, first.votes_abstain) == (
        "adopted", 13, 0, 0
    )  # fmt: skip
    assert (second.organ, second.authoritative, second.outcome) == (
        "Hauptausschuss",
        False,
        "adopted",
    )
    assert first.source_url == "https://ris.example/vo0050.asp?__kvonr=1"
    assert first.state == ProposalState.OPEN and first.initiative_id == ini.id


def test_a_second_hearing_under_the_same_consultation_id_is_its_own_proposal(setting, cis):
    ini, body = setting
    cis.second_hearing = True
    result, summary = run(body)
    assert result.ok, summary.errors
    hearings = db.session.scalars(
        select(Proposal).where(Proposal.reference == "560/2022").order_by(Proposal.session_date)
    ).all()
    assert [(p.session_date.isoformat(), p.outcome) for p in hearings] == [
        ("2022-02-23", "adopted"),
        ("2022-03-02", "deferred"),
    ]
    assert hearings[0].consultation_id != hearings[1].consultation_id
    # a second run finds both again and proposes nothing new
    _again, summary = run(body)
    assert summary.proposals == 0 and summary.changed == 0


def test_confirming_changes_the_decision_status_and_nothing_before(setting, cis):
    ini, body = setting

    def status():
        return {
            p.name: p.decision.status.value
            for p in initiatives.decision_summaries([initiatives.load_initiative(ini.id)])[
                ini.id
            ].partners
        }

    run(body)
    assert status()["Marienmünster"] == "none"  # a proposal does not count
    proposal = db.session.scalar(select(Proposal).where(Proposal.reference == "560/2022"))
    with acting_as(None, "test"):
        resolution = proposals.confirm(proposal, actor=None)
        db.session.commit()
    assert status()["Marienmünster"] == "decided"
    assert resolution.external_id == proposal.consultation_id and resolution.votes_yes == 13
    # a later run does not propose it again
    run(body, full=True)
    assert db.session.scalar(select(func.count(Proposal.id))) == 2
    other = db.session.scalar(select(Proposal).where(Proposal.state == ProposalState.OPEN))
    with acting_as(None, "test"):
        proposals.dismiss(other, actor=None)
        db.session.commit()
    run(body, full=True)
    db.session.refresh(other)
    assert other.state == ProposalState.DISMISSED


def test_second_run_fetches_only_what_changed(setting, cis):
    _ini, body = setting
    run(body)
    before = len(cis.requests)
    later = datetime.now(UTC)  # changed after the first run began, before the second
    cis.modified[2] = later
    cis.modified[7] = later
    cis.deleted.add(7)
    time.sleep(1.1)  # `modified_since` is sent to the second; let the change lie before it
    second, summary = run(body)
    assert second.ok and second.incremental_since is not None
    asked = cis.requests[before:]
    assert all("modified_since=" in r for r in asked if "/paper" in r or "/meeting" in r)
    # papers 2 and 7 and their meeting (with its 10 agenda items and papers 2's consultation)
    assert summary.deleted == 1 and summary.fetched < 20
    assert db.session.scalar(
        select(OParlObject.deleted).where(OParlObject.oparl_id == cis.url("/paper/7"))
    )
    # nothing changed: nothing fetched
    third, summary = run(body)
    assert third.ok and summary.fetched == 0


def test_a_result_entered_inside_a_recent_meeting_arrives(setting, cis):
    """The meeting's own `modified` stays; its agenda item gains a result. Recent and coming
    meetings are read again on each run, so the result arrives."""
    _ini, body = setting
    cis.day0 = datetime.now(UTC) - timedelta(days=3)
    run(body)
    proposal = db.session.scalar(select(Proposal).where(Proposal.reference == "560/2022"))
    assert proposal.outcome == "adopted"
    cis.result_of[1] = "mehrheitlich abgelehnt"
    time.sleep(1.1)
    _second, summary = run(body)
    assert summary.changed >= 1, summary
    db.session.expire_all()
    proposal = db.session.scalar(select(Proposal).where(Proposal.reference == "560/2022"))
    assert proposal.outcome == "rejected"
    # meetings long past are not read again
    assert not any("/meeting/20" in r for r in cis.requests if "body/1" not in r)


def test_a_persons_reading_of_a_result_text_is_remembered(setting, cis):
    """The parser cannot read "siehe Niederschrift"; the person who confirms says what it was,
    and the next paper whose result says the same is proposed with their reading."""
    _ini, body = setting
    cis.result_of[1] = cis.result_of[2] = "Siehe  Niederschrift"
    run(body)
    first, second = db.session.scalars(select(Proposal).order_by(Proposal.id)).all()
    assert first.outcome is None and second.outcome is None
    with acting_as(None, "test"):
        proposals.confirm(
            first,
            parse(ProposalConfirm, {"outcome": "adopted", "votes_yes": "11"}, form=True),
            actor=None,
        )
        db.session.commit()
    time.sleep(1.1)
    run(body)
    db.session.expire_all()
    second = db.session.get(Proposal, second.id)
    assert (second.outcome, second.votes_yes) == ("adopted", 11)


def test_a_run_costs_what_changed_not_what_is_stored(setting, cis):
    ini, body = setting
    _first, summary = run(body)
    assert summary.looked_up == 0 and summary.proposals == 2  # nothing stored yet to read
    time.sleep(1.1)
    _second, summary = run(body)
    # nothing came: no stored object read, nothing matched again
    assert summary.fetched == 0 and summary.looked_up == 0 and summary.proposals == 0
    # a new keyword matches papers already stored: the next run proposes them
    with acting_as(None, "test"):
        initiatives.update_initiative(
            initiatives.load_initiative(ini.id),
            InitiativeUpdate.model_validate({"keywords": [*(ini.keywords or []), "Sportverein"]}),
            actor=None,
        )
        db.session.commit()
    _third, summary = run(body)
    assert summary.fetched == 0 and summary.proposals == 1
    # one new paper that matches: only it (and the objects it names) is read to match it
    cis.papers += 1
    n = cis.papers
    cis.modified[n] = datetime.now(UTC) + timedelta(seconds=1)
    loaded = []

    def count(_session, obj):
        loaded.append(obj)

    event.listen(Session, "loaded_as_persistent", count)
    try:
        _fourth, summary = run(body)
    finally:
        event.remove(Session, "loaded_as_persistent", count)
    assert summary.new >= 1
    assert len([o for o in loaded if isinstance(o, OParlObject)]) < 50, len(loaded)


def test_retries_a_500_and_a_slow_page(setting, cis):
    _ini, body = setting
    cis.fail_once.add("/body/1/paper?page=2")
    cis.slow_once.add("/body/1/paper?page=3")
    result, summary = run(body)
    assert result.ok, summary.errors
    assert summary.new == 778
    assert cis.requests.count("/body/1/paper?page=2") == 2


def test_a_page_that_keeps_timing_out_ends_the_list_and_keeps_what_was_read(setting, cis):
    _ini, body = setting
    run(body)
    cis.slow_always.add("/body/1/paper?page=2")
    result, summary = run(body, full=True)
    assert not result.ok
    assert "keine Antwort innerhalb von 0.5 s, auch nach 2 Wiederholungen" in result.message
    assert db.session.scalar(select(func.count(OParlObject.id))) == 778  # nothing lost


@pytest.mark.parametrize(
    "path, message",
    [
        ("/html", "liefert kein JSON, sondern text/html"),
        ("/notoparl", "weder ein OParl-System noch eine Körperschaft"),
        ("/loop/body", "führt zurück auf eine frühere Seite"),
    ],
)
def test_bad_servers_end_with_a_clear_message(setting, cis, path, message):
    _ini, body = setting
    run(body)
    body.oparl_url = cis.url(path)
    db.session.commit()
    result, summary = run(body)
    assert not result.ok and message in result.message, result.message
    assert db.session.scalar(select(func.count(OParlObject.id))) == 778


def test_unreachable(setting):
    _ini, body = setting
    body.oparl_url = "http://127.0.0.1:9/system"
    db.session.commit()
    result, _summary = run(body)
    assert not result.ok and "nicht erreichbar" in result.message
    assert db.session.scalar(select(func.count(OParlSync.id))) == 1


def test_a_few_thousand_papers(sqlite_app, seed):
    system = CIS(papers=3000)
    server = serve(system)
    try:
        body = seed.bodies["marienmuenster"]
        body.oparl_url = system.url("/system")
        db.session.commit()
        result, summary = run(body)
        assert result.ok, summary.errors
        assert summary.new == 3000 + 3000 + 300 + 3000 + 3
        again, summary = run(body)
        # nothing new: only the recent and coming meetings are read again (each with its ten
        # agenda items), and nothing of them changed
        today = date.today()
        recent = [
            m
            for m in range(1, 301)
            if today - timedelta(days=sync.RECENT_DAYS)
            <= (system.day0 + timedelta(days=7 * (m - 1))).date()
            <= today + timedelta(days=sync.UPCOMING_DAYS)
        ]
        assert again.ok and summary.new == summary.changed == 0
        assert summary.fetched == 11 * len(recent)
    finally:
        server.shutdown()


def test_cli_sync_and_its_summary(setting, cis, runner):
    _ini, body = setting
    r = runner.invoke(args=["oparl", "sync", "--body", str(body.id)])
    assert r.exit_code == 0, r.output
    assert "fetched 778, new 778" in r.output and "skipped: paper, Seite 1, Eintrag 6" in r.output


class SpecExamples(CIS):
    """A system that serves the specification's own example objects."""

    FOLDER = Path(__file__).resolve().parents[1] / "data" / "oparl-examples"

    def example(self, name: str) -> dict:
        return json.loads((self.FOLDER / f"{name}-01.json").read_text())

    def answer(self, path, params, query):
        lists = {"/ex/organization": "Organization", "/ex/meeting": "Meeting", "/ex/paper": "Paper"}
        if path == "/ex/body":
            body = self.example("Body")
            body.update({k: self.url(f"/ex/{k}") for k in ("organization", "meeting", "paper")})
            return body
        if path in lists:
            return {"data": [self.example(lists[path])], "links": {}}
        return super().answer(path, params, query)


def test_the_specifications_examples_are_read(seed):
    system = SpecExamples()
    server = serve(system)
    try:
        body = seed.bodies["marienmuenster"]
        body.oparl_url = system.url("/ex/body")
        with acting_as(None, "test"):
            ini = factories.initiative(seed, keywords=["Anfrage 1200/2014"])
        db.session.commit()
        result, summary = run(body)
        assert result.ok, summary.errors
        kinds = dict(
            db.session.execute(
                select(OParlObject.type, func.count()).group_by(OParlObject.type)
            ).all()
        )
        assert kinds["Paper"] == 1 and kinds["Meeting"] == 1 and kinds["Organization"] == 1
        assert kinds["AgendaItem"] >= 1 and kinds["Consultation"] >= 1
        found = db.session.scalars(select(Proposal)).all()
        assert [(p.reference, p.initiative_id) for p in found] == [("1234/2014", ini.id)]
    finally:
        server.shutdown()


def test_odd_servers_objects_are_kept_once_or_skipped_with_their_reason(setting, cis, seed):
    """The same object twice on one page is kept once; an id that comes back with another type
    is skipped with its reason and the stored object stays; another body reading the same
    system (the same ids) keeps its own copies."""
    ini, body = setting
    cis.twice = {3}
    result, summary = run(body)
    assert result.ok, summary.errors
    paper_3 = cis.url("/paper/3")
    assert (
        db.session.scalar(
            select(func.count()).where(
                OParlObject.body_id == body.id, OParlObject.oparl_id == paper_3
            )
        )
        == 1
    )
    cis.twice = set()
    cis.retyped = {4}
    cis.modified[4] = datetime.now(UTC)
    result, summary = run(body)
    assert ("paper, Seite 1, Eintrag 1", "Typ Meeting statt Paper") in summary.skipped
    kept = db.session.scalar(
        select(OParlObject).where(
            OParlObject.body_id == body.id, OParlObject.oparl_id == cis.url("/paper/4")
        )
    )
    assert kept.type == "Paper" and not kept.deleted
    cis.retyped = set()
    other = seed.bodies["nieheim"]
    with acting_as(None, "test"):
        other.oparl_url = cis.url("/system")
        db.session.commit()
    result, summary = run(other)
    assert result.ok, summary.errors
    count = select(func.count()).where(OParlObject.oparl_id == paper_3)
    assert db.session.scalar(count) == 2
