"""Reminders from the data: gather the facts, decide who hears of what, send each reminder to each
person once. A reminder is claimed (recorded) before its e-mail goes out, so two processes that
run at the same time never send it twice; a failed send gives the claim back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload, selectinload

from .. import links
from ..auth import permissions
from ..cache import touch
from ..core import clock
from ..core import funding_check as fc
from ..core import reminder_rules as due
from ..extensions import db
from ..funding import services as funding
from ..initiatives import services as initiatives
from ..labels import ROLE_LABELS
from ..messages import render
from ..models import (
    Grant,
    GrantStatus,
    Initiative,
    Outcome,
    Participant,
    ReminderSent,
    Resolution,
    ResolutionTask,
    Role,
    Tranche,
    TrancheState,
    User,
)

OPEN_GRANT_STATES = (
    GrantStatus.PLANNED,
    GrantStatus.APPLIED,
    GrantStatus.APPROVED,
    GrantStatus.DISBURSING,
)


def _initiatives(ids: Iterable[int]) -> dict[int, Initiative]:
    ids = list(set(ids))
    if not ids:
        return {}
    rows = db.session.scalars(
        select(Initiative)
        .where(Initiative.id.in_(ids))
        .options(
            joinedload(Initiative.lead_body),
            selectinload(Initiative.participants).joinedload(Participant.body),
        )
    ).unique()
    return {i.id: i for i in rows}


def gather(today: date) -> list[due.Reminder]:
    """Every reminder due today, from a fixed number of queries."""
    horizon = today + timedelta(days=due.SESSION_DAYS)
    with_grant = set(
        db.session.scalars(select(Grant.initiative_id).where(Grant.status.in_(OPEN_GRANT_STATES)))
    )
    sessions = [
        due.SessionFact(
            resolution_id=r.id,
            initiative_id=r.initiative_id,
            initiative=r.initiative.title,
            body_id=r.body_id,
            body=r.body.name,
            organ=r.organ,
            session_date=r.session_date,
            has_grant=r.initiative_id in with_grant,
        )
        for r in db.session.scalars(
            select(Resolution)
            .where(
                Resolution.outcome == Outcome.SCHEDULED,
                Resolution.session_date >= today,
                Resolution.session_date <= horizon,
            )
            .options(joinedload(Resolution.initiative), joinedload(Resolution.body))
        )
    ]
    grants = list(
        db.session.scalars(
            funding.grants_with_partners().where(Grant.status.in_(OPEN_GRANT_STATES))
        ).unique()
    )
    summaries = initiatives.decision_summaries(
        list({g.initiative.id: g.initiative for g in grants}.values()), today
    )
    grant_facts = []
    for g in grants:
        missing = ()
        if g.program.requires_all_council_resolutions:
            missing = tuple(
                due.MissingFact(m.body_id, m.name, m.next_session)
                for m in fc.missing_resolutions(summaries[g.initiative.id].partners, None)
            )
        grant_facts.append(
            due.GrantFact(
                grant_id=g.id,
                initiative_id=g.initiative_id,
                initiative=g.initiative.title,
                program=g.program.name,
                applied=g.status != GrantStatus.PLANNED,
                application_deadline=g.program.application_until,
                missing=missing,
                proof_of_use_due=g.proof_of_use_due,
                proof_of_use_submitted=g.proof_of_use_submitted,
            )
        )
    tranches = [
        due.TrancheFact(
            tranche_id=t.id,
            grant_id=t.grant_id,
            initiative_id=t.grant.initiative_id,
            initiative=t.grant.initiative.title,
            program=t.grant.program.name,
            due_on=t.due_on,
            amount=t.amount,
        )
        for t in db.session.scalars(
            select(Tranche)
            .join(Tranche.grant)
            .where(
                Tranche.state == TrancheState.PLANNED,
                Tranche.due_on <= today + timedelta(days=due.TRANCHE_DAYS),
                Grant.status.in_(OPEN_GRANT_STATES),
            )
            .options(
                joinedload(Tranche.grant).joinedload(Grant.initiative),
                joinedload(Tranche.grant).joinedload(Grant.program),
            )
        )
    ]
    tasks = [
        due.TaskFact(
            task_id=t.id,
            initiative_id=t.initiative_id,
            initiative=t.initiative.title,
            body_id=t.resolution.body_id,
            body=t.resolution.body.name,
            title=t.title,
            due_on=t.due_on,
        )
        for t in db.session.scalars(
            select(ResolutionTask)
            .where(
                ResolutionTask.done_on.is_(None),
                ResolutionTask.due_on <= today + timedelta(days=due.TASK_DAYS),
            )
            .options(
                joinedload(ResolutionTask.initiative),
                joinedload(ResolutionTask.resolution).joinedload(Resolution.body),
            )
        )
    ]
    return due.due_reminders(sessions, grant_facts, tranches, today, tasks)


@dataclass
class Delivery:
    user: User
    reminders: list[due.Reminder] = field(default_factory=list)


def _people() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.active.is_(True),
                User.reminders_by_mail.is_(True),  # who opted out gets none
                User.role.in_([Role.COORDINATOR, Role.PARTNER_EDITOR, Role.FUNDING_OFFICER]),
            )
            .options(joinedload(User.body))
            .order_by(User.email)
        )
    )


def recipients(reminder: due.Reminder, initiative: Initiative, people: list[User]) -> list[User]:
    """The coordinators who manage the initiative, the editors of the bodies concerned and, for
    funding matters, the funding officers."""
    out = []
    for user in people:
        if user.role == Role.COORDINATOR and permissions.district_takes_part(user, initiative):
            out.append(user)
        elif user.role == Role.PARTNER_EDITOR and user.body_id in reminder.body_ids:
            out.append(user)
        elif user.role == Role.FUNDING_OFFICER and reminder.funding:
            out.append(user)
    return out


def plan(
    today: date,
    *,
    only_user: User | None = None,
    include_sent: bool = False,
    reminders: list[due.Reminder] | None = None,
):
    """Who gets which reminder today: deliveries by person, without those already sent."""
    reminders = gather(today) if reminders is None else reminders
    inits = _initiatives(r.initiative_id for r in reminders)
    people = [only_user] if only_user is not None else _people()
    sent = set()
    if reminders and not include_sent:
        sent = set(
            db.session.execute(
                select(ReminderSent.key, ReminderSent.user_id).where(
                    ReminderSent.key.in_([r.key for r in reminders])
                )
            ).all()
        )
    deliveries: dict[int, Delivery] = {}
    for reminder in reminders:
        for user in recipients(reminder, inits[reminder.initiative_id], people):
            if (reminder.key, user.id) in sent:
                continue
            deliveries.setdefault(user.id, Delivery(user)).reminders.append(reminder)
    return list(deliveries.values())


def _link(reminder: due.Reminder) -> str:
    base = links.base()
    with current_app.test_request_context(base_url=base):
        if reminder.grant_id is not None:
            return url_for("funding.grant_detail", grant_id=reminder.grant_id, _external=True)
        return url_for("main.initiative", initiative_id=reminder.initiative_id, _external=True)


def language(user: User) -> str:
    """The language of a person's e-mails: the one they last chose in coop."""
    return user.language if user.language in ("de", "en") else "de"


def compose(delivery: Delivery) -> tuple[str, str]:
    """Subject and text of one person's e-mail, in their language."""
    items = delivery.reminders
    user = delivery.user
    lang = language(user)
    with force_locale(lang):
        subject = "coop: " + (
            render(items[0].subject, lang)
            if len(items) == 1
            else ngettext(
                "%(num)d reminder of deadlines and sessions",
                "%(num)d reminders of deadlines and sessions",
                len(items),
            )
        )
        lines = [
            _("Dear %(name)s,", name=user.name or user.email),
            "",
            _("coop reminds you of:"),
            "",
        ]
        for r in items:
            lines += [f"• {render(r.subject, lang)}", f"  {render(r.text, lang)}", f"  {_link(r)}"]
            lines.append("")
        lines += [
            "--",
            _(
                "You receive this message as %(role)s in coop. Each reminder comes only once.",
                role=ROLE_LABELS.get(user.role),
            ),
            _("All dates as a calendar subscription are under “My account”."),
        ]
        return subject, "\n".join(str(line) for line in lines)


@dataclass
class Summary:
    due: int = 0
    people: int = 0
    sent: int = 0
    already_claimed: int = 0
    lines: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.due} reminders due, {self.sent} e-mails sent to {self.people} people" + (
            f", {self.already_claimed} taken by another run" if self.already_claimed else ""
        )


def claim(delivery: Delivery) -> None:
    """Record the person's reminders as sent (flushes). The unique key (reminder, person) makes
    a second claim of the same reminder fail when the caller commits."""
    for r in delivery.reminders:
        subject = render(r.subject, language(delivery.user))
        db.session.add(ReminderSent(key=r.key, user_id=delivery.user.id, subject=subject))
    db.session.flush()


def release(delivery: Delivery) -> None:
    """Give a claim back (its e-mail could not be sent), so that the next run tries again."""
    db.session.execute(
        delete(ReminderSent).where(
            ReminderSent.user_id == delivery.user.id,
            ReminderSent.key.in_([r.key for r in delivery.reminders]),
        )
    )
    touch(db.session)  # the reminder counts as unsent again on every page


def due_deliveries(today: date | None = None) -> tuple[Summary, list[Delivery]]:
    """Today's reminders, grouped per person, and a summary that names them."""
    today = today or clock.today()
    reminders = gather(today)
    deliveries = plan(today, reminders=reminders)
    summary = Summary(due=len(reminders), people=len(deliveries))
    for d in deliveries:
        summary.lines.append(
            f"{d.user.email}: " + "; ".join(render(r.subject) for r in d.reminders)
        )
    return summary, deliveries


def sent_log(user: User | None = None, limit: int = 100):
    """The reminders sent, newest first (one person's, or everybody's)."""
    stmt = (
        select(ReminderSent, User)
        .join(User, User.id == ReminderSent.user_id)
        .order_by(ReminderSent.sent_at.desc(), ReminderSent.id.desc())
        .limit(limit)
    )
    if user is not None:
        stmt = stmt.where(ReminderSent.user_id == user.id)
    return db.session.execute(stmt).all()
