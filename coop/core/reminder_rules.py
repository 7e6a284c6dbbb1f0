"""Which reminders are due on a day: one pure function over plain facts.

A reminder has a stable key; the same key is sent to the same person only once, so the daily job
can run as often as it likes. Windows (issue 4): council sessions in the next 14 days; partners
missing a resolution while an application deadline lies within the next 30 days; tranches still
planned whose date is within 14 days or has passed; a proof of use due within 30 days, and again
once it is overdue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from .text import Joined, Text

SESSION_DAYS = 14
DEADLINE_DAYS = 30
TRANCHE_DAYS = 14
PROOF_DAYS = 30
TASK_DAYS = 7


@dataclass(frozen=True)
class SessionFact:
    resolution_id: int
    initiative_id: int
    initiative: str
    body_id: int
    body: str
    organ: str
    session_date: date
    has_grant: bool = False


@dataclass(frozen=True)
class MissingFact:
    body_id: int
    name: str
    next_session: date | None = None


@dataclass(frozen=True)
class GrantFact:
    grant_id: int
    initiative_id: int
    initiative: str
    program: str
    applied: bool
    application_deadline: date | None
    missing: tuple[MissingFact, ...] = ()
    proof_of_use_due: date | None = None
    proof_of_use_submitted: date | None = None


@dataclass(frozen=True)
class TrancheFact:
    tranche_id: int
    grant_id: int
    initiative_id: int
    initiative: str
    program: str
    due_on: date
    amount: object  # Decimal


@dataclass(frozen=True)
class TaskFact:
    """An open task of a decided resolution (Beschlusskontrolle)."""

    task_id: int
    initiative_id: int
    initiative: str
    body_id: int
    body: str
    title: str
    due_on: date


@dataclass(frozen=True)
class Reminder:
    """kind: session, missing_resolutions, tranche, proof_of_use, proof_of_use_overdue."""

    key: str
    kind: str
    on: date  # the date it is about
    initiative_id: int
    subject: Text  # rendered in the recipient's language by coop.messages
    text: Text
    body_ids: tuple[int, ...] = ()  # bodies whose editors hear of it
    grant_id: int | None = None
    funding: bool = False  # funding officers hear of it
    extra: dict = field(default_factory=dict, compare=False)


def _when(days: int) -> Text:
    if days == 0:
        return Text("reminder.today")
    if days == 1:
        return Text("reminder.tomorrow")
    return Text("reminder.in_days", {"n": days})


def _session(s: SessionFact, today: date) -> Reminder:
    params = {
        "date": s.session_date,
        "body": s.body,
        "organ": s.organ,
        "initiative": s.initiative,
        "when": _when((s.session_date - today).days),
    }
    return Reminder(
        key=f"session:{s.resolution_id}:{s.session_date.isoformat()}",
        kind="session",
        on=s.session_date,
        initiative_id=s.initiative_id,
        subject=Text("reminder.session.subject", params),
        text=Text("reminder.session.text", params),
        body_ids=(s.body_id,),
        funding=s.has_grant,
    )


def _missing_name(m: MissingFact, today: date) -> Text:
    if m.next_session is None:
        return Text("reminder.missing.no_date", {"name": m.name})
    if m.next_session < today:
        return Text("reminder.missing.result_missing", {"name": m.name, "date": m.next_session})
    return Text("reminder.missing.session", {"name": m.name, "date": m.next_session})


def _missing(g: GrantFact, today: date) -> Reminder | None:
    deadline = g.application_deadline
    if g.applied or not g.missing or deadline is None:
        return None
    if not today <= deadline <= today + timedelta(days=DEADLINE_DAYS):
        return None
    params = {
        "date": deadline,
        "n": len(g.missing),
        "initiative": g.initiative,
        "program": g.program,
        "names": Joined([_missing_name(m, today) for m in g.missing], ", "),
    }
    return Reminder(
        key=f"missing:{g.grant_id}:{deadline.isoformat()}",
        kind="missing_resolutions",
        on=deadline,
        initiative_id=g.initiative_id,
        grant_id=g.grant_id,
        subject=Text("reminder.missing.subject", params),
        text=Text("reminder.missing.text", params),
        body_ids=tuple(m.body_id for m in g.missing),
        funding=True,
    )


def _tranche(t: TrancheFact, today: date) -> Reminder | None:
    if t.due_on > today + timedelta(days=TRANCHE_DAYS):
        return None
    params = {
        "date": t.due_on,
        "amount": t.amount,
        "initiative": t.initiative,
        "program": t.program,
    }
    overdue = t.due_on < today
    return Reminder(
        key=f"tranche:{t.tranche_id}:{t.due_on.isoformat()}",
        kind="tranche",
        on=t.due_on,
        initiative_id=t.initiative_id,
        grant_id=t.grant_id,
        subject=Text("reminder.tranche.subject", params),
        text=Text("reminder.tranche.overdue" if overdue else "reminder.tranche.due", params),
        funding=True,
    )


def _proof(g: GrantFact, today: date) -> Reminder | None:
    due = g.proof_of_use_due
    if due is None or g.proof_of_use_submitted is not None:
        return None
    params = {"date": due, "initiative": g.initiative, "program": g.program}
    if due < today:
        # overdue: a reminder of its own, so that it comes once more after the one before
        key, kind, message = "proof-overdue", "proof_of_use_overdue", "reminder.proof.overdue"
    elif due <= today + timedelta(days=PROOF_DAYS):
        key, kind, message = "proof", "proof_of_use", "reminder.proof"
        params["n"] = (due - today).days
    else:
        return None
    return Reminder(
        key=f"{key}:{g.grant_id}:{due.isoformat()}",
        kind=kind,
        on=due,
        initiative_id=g.initiative_id,
        grant_id=g.grant_id,
        subject=Text(f"{message}.subject", params),
        text=Text(f"{message}.text", params),
        funding=True,
    )


def _task(t: TaskFact, today: date) -> Reminder | None:
    """A task due within a week, and once more when it is overdue."""
    params = {"date": t.due_on, "task": t.title, "body": t.body, "initiative": t.initiative}
    if t.due_on < today:
        key, kind, message = "task-overdue", "task_overdue", "reminder.task.overdue"
    elif t.due_on <= today + timedelta(days=TASK_DAYS):
        key, kind, message = "task", "task", "reminder.task"
    else:
        return None
    return Reminder(
        key=f"{key}:{t.task_id}:{t.due_on.isoformat()}",
        kind=kind,
        on=t.due_on,
        initiative_id=t.initiative_id,
        subject=Text(f"{message}.subject", params),
        text=Text(f"{message}.text", params),
        body_ids=(t.body_id,),
    )


def due_reminders(
    sessions: Iterable[SessionFact],
    grants: Iterable[GrantFact],
    tranches: Iterable[TrancheFact],
    today: date,
    tasks: Iterable[TaskFact] = (),
) -> list[Reminder]:
    """Every reminder due on `today`, soonest first."""
    out: list[Reminder] = []
    horizon = today + timedelta(days=SESSION_DAYS)
    out += [_session(s, today) for s in sessions if today <= s.session_date <= horizon]
    for g in grants:
        out += [r for r in (_missing(g, today), _proof(g, today)) if r is not None]
    out += [r for r in (_tranche(t, today) for t in tranches) if r is not None]
    out += [r for r in (_task(t, today) for t in tasks) if r is not None]
    return sorted(out, key=lambda r: (r.on, r.key))
