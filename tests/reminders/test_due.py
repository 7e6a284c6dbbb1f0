"""Which reminders are due on a day: the windows, by hand."""

from datetime import date, timedelta
from decimal import Decimal

from coop.core import reminder_rules as due
from coop.messages import render

TODAY = date(2026, 11, 21)


def session(days, rid=1):
    return due.SessionFact(
        rid, 1, "Digitalnetzwerk", 7, "Brakel", "Rat", TODAY + timedelta(days=days)
    )


def grant(**values):
    data = dict(
        grant_id=3,
        initiative_id=1,
        initiative="Digitalnetzwerk",
        program="IKZ NRW",
        applied=False,
        application_deadline=None,
    )
    data.update(values)
    return due.GrantFact(**data)


def tranche(days):
    return due.TrancheFact(
        9, 3, 1, "Digitalnetzwerk", "IKZ NRW", TODAY + timedelta(days=days), Decimal("50000")
    )


def keys(sessions=(), grants=(), tranches=()):
    return [r.key for r in due.due_reminders(sessions, grants, tranches, TODAY)]


def test_sessions_in_the_next_fourteen_days():
    assert keys([session(-1), session(0, 2), session(14, 3), session(15, 4)]) == [
        "session:2:2026-11-21",
        "session:3:2026-12-05",
    ]
    r = due.due_reminders([session(1)], [], [], TODAY)[0]
    assert render(r.subject) == "Sitzung am 22.11.2026: Brakel, Rat – Digitalnetzwerk"
    assert "(morgen)" in render(r.text) and r.body_ids == (7,)


def test_missing_resolutions_before_an_application_deadline():
    missing = (
        due.MissingFact(7, "Brakel"),
        due.MissingFact(8, "Nieheim", date(2026, 12, 3)),
        due.MissingFact(9, "Steinheim", date(2026, 11, 2)),
    )
    soon = grant(application_deadline=TODAY + timedelta(days=30), missing=missing)
    r = due.due_reminders([], [soon], [], TODAY)[0]
    assert r.key == "missing:3:2026-12-21" and r.body_ids == (7, 8, 9) and r.funding
    assert render(r.text).endswith(
        "Brakel (kein Termin), Nieheim (Sitzung am 03.12.2026), "
        "Steinheim (Ergebnis der Sitzung am 02.11.2026 fehlt)."
    )
    assert (
        keys(grants=[grant(application_deadline=TODAY + timedelta(days=31), missing=missing)]) == []
    )
    assert (
        keys(grants=[grant(application_deadline=TODAY - timedelta(days=1), missing=missing)]) == []
    )
    assert keys(grants=[grant(application_deadline=TODAY, missing=missing, applied=True)]) == []
    assert keys(grants=[grant(application_deadline=TODAY, missing=())]) == []


def test_tranches_due_within_fourteen_days_or_overdue():
    assert keys(tranches=[tranche(14)]) == ["tranche:9:2026-12-05"]
    assert keys(tranches=[tranche(15)]) == []
    overdue = due.due_reminders([], [], [tranche(-3)], TODAY)[0]
    assert "ist fällig seit 18.11.2026" in render(overdue.text) and "50.000,00\xa0€" in render(
        overdue.subject
    )


def test_proof_of_use_within_thirty_days_and_once_overdue():
    assert keys(grants=[grant(proof_of_use_due=TODAY + timedelta(days=30))]) == [
        "proof:3:2026-12-21"
    ]
    assert keys(grants=[grant(proof_of_use_due=TODAY + timedelta(days=31))]) == []
    assert keys(grants=[grant(proof_of_use_due=TODAY - timedelta(days=1))]) == [
        "proof-overdue:3:2026-11-20"
    ]
    done = grant(proof_of_use_due=TODAY - timedelta(days=1), proof_of_use_submitted=TODAY)
    assert keys(grants=[done]) == []
