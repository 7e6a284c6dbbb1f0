"""What is each person's to do, for the start page: a few sections by role, each a short list of
items that link to where the work is done.

Every section reads a bounded number of rows in a fixed number of queries, whatever the size of
the data: initiatives of the person's scope are taken at most `SCOPE_LIMIT` at a time, lists
at most `SHOWN` items, with the total counted in the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..auth import permissions
from ..core import clock
from ..core import funding_check as fc
from ..extensions import db
from ..i18n import fmt_date, fmt_money
from ..initiatives import services as initiatives
from ..labels import PHASE_LABELS
from ..models import (
    Body,
    Grant,
    GrantStatus,
    Initiative,
    InitiativeDistrict,
    Milestone,
    Outcome,
    Participant,
    Phase,
    Proposal,
    ProposalState,
    Resolution,
    Role,
    Tranche,
    TrancheState,
    User,
)

SHOWN = 8  # items per section; the rest is counted and linked
SCOPE_LIMIT = 200  # initiatives whose partners' decisions are read for one page
SESSION_DAYS = 14
DEADLINE_DAYS = 60
TRANCHE_DAYS = 14
PROOF_DAYS = 30
STALE_DAYS = 90
ACTIVE = (
    Phase.IDEA,
    Phase.ASSESSMENT,
    Phase.CONCEPT,
    Phase.DECISION,
    Phase.IMPLEMENTATION,
    Phase.OPERATION,
)
OPEN_GRANTS = (
    GrantStatus.PLANNED,
    GrantStatus.APPLIED,
    GrantStatus.APPROVED,
    GrantStatus.DISBURSING,
)


@dataclass
class Item:
    text: str
    url: str
    detail: str = ""
    urgent: bool = False


@dataclass
class Section:
    key: str
    title: str
    empty: str
    items: list[Item] = field(default_factory=list)
    total: int = 0
    more_url: str | None = None


def _scope(user: User):
    """A filter on Initiative for what the person works on: the coordinator's district, the
    editor's or viewer's body; admins and funding officers everything."""
    if user.role == Role.COORDINATOR:
        district_id = permissions.coordinator_district_id(user)
        return exists().where(
            InitiativeDistrict.initiative_id == Initiative.id,
            InitiativeDistrict.district_id == (district_id or -1),
        )
    if user.role in (Role.PARTNER_EDITOR, Role.VIEWER):
        body_id = user.body_id or -1
        return or_(
            Initiative.lead_body_id == body_id,
            exists().where(
                Participant.initiative_id == Initiative.id, Participant.body_id == body_id
            ),
        )
    return None


def _initiative_ids(user: User):
    stmt = select(Initiative.id).where(Initiative.phase.in_(ACTIVE))
    scope = _scope(user)
    return stmt.where(scope) if scope is not None else stmt


def _on(day: date | None) -> str:
    return fmt_date(day) if day else ""


def _first(section: Section, stmt, *order) -> list:
    """Count what `stmt` selects into the section; its first SHOWN rows in `order`."""
    section.total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    return list(db.session.scalars(stmt.order_by(*order).limit(SHOWN)))


def missing_councils(user: User, today: date) -> Section:
    """Initiatives whose partners' councils have not all decided, with the next session."""
    section = Section(
        "missing",
        _("Councils still to decide"),
        _("Every partner council of your initiatives has decided."),
    )
    rows = list(
        db.session.scalars(
            select(Initiative)
            .where(Initiative.id.in_(_initiative_ids(user)))
            .options(selectinload(Initiative.participants).joinedload(Participant.body))
            .order_by(Initiative.modified_at.desc(), Initiative.id)
            .limit(SCOPE_LIMIT)
        )
    )
    summaries = initiatives.decision_summaries(rows, today)
    waiting = []
    for initiative in rows:
        partners = summaries[initiative.id].partners
        if user.role == Role.PARTNER_EDITOR:
            partners = [p for p in partners if p.body_id == user.body_id]
        missing = fc.missing_resolutions(partners, None)
        missing = [m for m in missing if m.decided_on is None]
        if missing:
            first = min((m.next_session for m in missing if m.next_session), default=None)
            waiting.append((first or date.max, initiative, missing))
    waiting.sort(key=lambda row: (row[0], row[1].title.lower()))
    section.total = len(waiting)
    held_up = (
        _held_up([initiative.id for _f, initiative, _m in waiting[:SHOWN]])
        if user.role == Role.PARTNER_EDITOR
        else {}
    )
    for first, initiative, missing in waiting[:SHOWN]:
        names = ", ".join(m.name for m in missing[:4])
        if len(missing) > 4:
            names += " " + _("and %(n)d more", n=len(missing) - 4)
        if first == date.max:
            detail = _("no session set")
        elif first < today:
            detail = _("session of %(date)s, result not recorded", date=_on(first))
        else:
            detail = _("next session %(date)s", date=_on(first))
        for grant in held_up.get(initiative.id, []):
            detail += "; " + _grant_waiting(grant)
        target = url_for("main.initiative", initiative_id=initiative.id) + "#partners-heading"
        if user.role == Role.PARTNER_EDITOR:
            target = url_for("resolutions.create", initiative_id=initiative.id, body=user.body_id)
        section.items.append(
            Item(
                _("%(title)s: %(names)s", title=initiative.title, names=names),
                target,
                detail,
                urgent=first != date.max and first <= today + timedelta(days=SESSION_DAYS),
            )
        )
    return section


def _held_up(initiative_ids: list[int]) -> dict[int, list[Grant]]:
    """The grants of these initiatives that are not granted yet (planned or applied for):
    what a missing council decision holds up. One query."""
    if not initiative_ids:
        return {}
    out: dict[int, list[Grant]] = {}
    for grant in db.session.scalars(
        select(Grant)
        .where(
            Grant.initiative_id.in_(initiative_ids),
            Grant.status.in_((GrantStatus.PLANNED, GrantStatus.APPLIED)),
        )
        .options(joinedload(Grant.program))
        .order_by(Grant.id)
    ):
        out.setdefault(grant.initiative_id, []).append(grant)
    return out


def _grant_waiting(grant: Grant) -> str:
    """ "your decision holds up the grant IKZ NRW (490.000,00 €), to apply for by 31.03.2027" """
    from ..i18n import fmt_money

    amount = grant.amount_requested
    until = grant.program.application_until
    if amount is not None and until is not None and grant.status == GrantStatus.PLANNED:
        return _(
            "your decision holds up the grant “%(program)s” (%(amount)s), to apply for by %(date)s",
            program=grant.program.name,
            amount=fmt_money(amount),
            date=_on(until),
        )
    if amount is not None:
        return _(
            "your decision holds up the grant “%(program)s” (%(amount)s)",
            program=grant.program.name,
            amount=fmt_money(amount),
        )
    return _("your decision holds up the grant “%(program)s”", program=grant.program.name)


def sessions(user: User, today: date) -> Section:
    """Council sessions in the next 14 days that decide on the person's initiatives."""
    section = Section(
        "sessions",
        _("Council sessions in the next 14 days"),
        _("No council session on your initiatives in the next 14 days."),
    )
    stmt = (
        select(Resolution)
        .where(
            Resolution.outcome == Outcome.SCHEDULED,
            Resolution.session_date >= today,
            Resolution.session_date <= today + timedelta(days=SESSION_DAYS),
            Resolution.initiative_id.in_(_initiative_ids(user)),
        )
        .options(joinedload(Resolution.initiative), joinedload(Resolution.body))
    )
    if user.role == Role.PARTNER_EDITOR:
        stmt = stmt.where(Resolution.body_id == user.body_id)
    for r in _first(section, stmt, Resolution.session_date, Resolution.id):
        section.items.append(
            Item(
                _(
                    "%(body)s, %(organ)s: %(title)s",
                    body=r.body.name,
                    organ=r.organ,
                    title=r.initiative.title,
                ),
                url_for("resolutions.edit", resolution_id=r.id),
                _on(r.session_date),
                urgent=r.session_date <= today + timedelta(days=3),
            )
        )
    return section


def overdue_milestones(user: User, today: date) -> Section:
    """Milestones of the person's initiatives whose due date has passed, not done."""
    section = Section(
        "milestones", _("Overdue milestones"), _("No milestone of your initiatives is overdue.")
    )
    stmt = (
        select(Milestone)
        .where(
            Milestone.done_on.is_(None),
            Milestone.due_on < today,
            Milestone.initiative_id.in_(_initiative_ids(user)),
        )
        .options(joinedload(Milestone.initiative))
    )
    for m in _first(section, stmt, Milestone.due_on, Milestone.id):
        section.items.append(
            Item(
                _("%(title)s: %(milestone)s", title=m.initiative.title, milestone=m.title),
                url_for("initiatives.edit", initiative_id=m.initiative_id) + "#milestones",
                _("due %(date)s", date=_on(m.due_on)),
                urgent=True,
            )
        )
    return section


def open_proposals(user: User) -> Section:
    """Resolutions read from the partners' council information systems, to confirm."""
    section = Section(
        "proposals",
        _("Proposed resolutions to confirm"),
        _("No resolution read from a council information system waits for you."),
    )
    stmt = (
        select(Proposal)
        .where(
            Proposal.state == ProposalState.OPEN,
            Proposal.initiative_id.in_(_initiative_ids(user)),
        )
        .options(joinedload(Proposal.initiative), joinedload(Proposal.body))
    )
    if user.role == Role.PARTNER_EDITOR:
        stmt = stmt.where(Proposal.body_id == user.body_id)
    for p in _first(section, stmt, Proposal.session_date, Proposal.id):
        section.items.append(
            Item(
                _("%(body)s: %(title)s", body=p.body.name, title=p.initiative.title),
                url_for("proposals.detail", proposal_id=p.id),
                _on(p.session_date),
            )
        )
    section.more_url = url_for("proposals.index") if section.total > SHOWN else None
    return section


def deadlines(user: User, today: date) -> Section:
    """Grants not yet applied for whose programme's application deadline is near."""
    from ..models import FundingProgram

    section = Section(
        "deadlines",
        _("Application deadlines in the next 60 days"),
        _("No application deadline of your planned grants in the next 60 days."),
    )
    stmt = (
        select(Grant)
        .join(FundingProgram, FundingProgram.id == Grant.program_id)
        .where(
            Grant.status == GrantStatus.PLANNED,
            FundingProgram.application_until >= today,
            FundingProgram.application_until <= today + timedelta(days=DEADLINE_DAYS),
            Grant.initiative_id.in_(_initiative_ids(user)),
        )
        .options(joinedload(Grant.initiative), joinedload(Grant.program))
    )
    for g in _first(section, stmt, FundingProgram.application_until, Grant.id):
        section.items.append(
            Item(
                _("%(title)s: %(program)s", title=g.initiative.title, program=g.program.name),
                url_for("funding.grant_check", grant_id=g.id),
                _("apply by %(date)s", date=_on(g.program.application_until)),
                urgent=g.program.application_until <= today + timedelta(days=14),
            )
        )
    return section


def stale(user: User, today: date) -> Section:
    """Active initiatives nobody changed, nor recorded a resolution for, in 90 days."""
    section = Section(
        "stale",
        _("Initiatives without change for 90 days"),
        _("Every active initiative has moved in the last 90 days."),
    )
    since = datetime.combine(today - timedelta(days=STALE_DAYS), time.min).astimezone()
    recent = exists().where(
        Resolution.initiative_id == Initiative.id, Resolution.modified_at >= since
    )
    stmt = select(Initiative).where(
        Initiative.id.in_(_initiative_ids(user)),
        Initiative.phase != Phase.OPERATION,
        Initiative.modified_at < since,
        ~recent,
    )
    for i in _first(section, stmt, Initiative.modified_at, Initiative.id):
        section.items.append(
            Item(
                i.title,
                url_for("main.initiative", initiative_id=i.id),
                _("last change %(date)s", date=_on(i.modified_at.date())),
            )
        )
    return section


def tasks_due(user: User, today: date) -> Section:
    """Open tasks of decided resolutions due within 14 days or overdue (Beschlusskontrolle)."""
    from ..models import ResolutionTask

    section = Section(
        "tasks",
        _("Tasks from resolutions due"),
        _("No task from a resolution is due in the next 14 days."),
    )
    stmt = (
        select(ResolutionTask)
        .join(Resolution, Resolution.id == ResolutionTask.resolution_id)
        .where(
            ResolutionTask.done_on.is_(None),
            ResolutionTask.due_on <= today + timedelta(days=SESSION_DAYS),
            ResolutionTask.initiative_id.in_(_initiative_ids(user)),
        )
        .options(
            joinedload(ResolutionTask.initiative),
            joinedload(ResolutionTask.resolution).joinedload(Resolution.body),
        )
    )
    if user.role == Role.PARTNER_EDITOR:
        stmt = stmt.where(Resolution.body_id == user.body_id)
    for t in _first(section, stmt, ResolutionTask.due_on, ResolutionTask.id):
        late = t.due_on < today
        section.items.append(
            Item(
                _("%(title)s: %(task)s", title=t.initiative.title, task=t.title),
                url_for("resolutions.detail", resolution_id=t.resolution_id) + "#tasks-heading",
                (_("overdue since %(date)s") if late else _("due %(date)s"))
                % {"date": _on(t.due_on)}
                + f" · {t.resolution.body.name}",
                urgent=late,
            )
        )
    return section


def _grants(user: User):
    stmt = select(Grant).where(Grant.status.in_(OPEN_GRANTS))
    scope = _scope(user)
    if scope is not None:
        stmt = stmt.where(Grant.initiative_id.in_(_initiative_ids(user)))
    return stmt


def open_conditions(user: User) -> Section:
    """Open grants whose stored check has conditions that do not hold yet."""
    section = Section(
        "conditions",
        _("Grants with open conditions"),
        _("Every condition of the open grants holds."),
    )
    stmt = (
        _grants(user)
        .where(Grant.open_conditions > 0)
        .options(joinedload(Grant.initiative), joinedload(Grant.program))
    )
    for g in _first(section, stmt, Grant.open_conditions.desc(), Grant.id):
        section.items.append(
            Item(
                _("%(title)s: %(program)s", title=g.initiative.title, program=g.program.name),
                url_for("funding.grant_check", grant_id=g.id),
                _n_conditions(g.open_conditions),
            )
        )
    section.more_url = url_for("funding.index", open=1) if section.total > SHOWN else None
    return section


def _n_conditions(n: int) -> str:
    from flask_babel import ngettext

    return ngettext("%(num)d open condition", "%(num)d open conditions", n)


def tranches(user: User, today: date) -> Section:
    """Tranches still planned whose date is within 14 days or has passed."""
    section = Section(
        "tranches",
        _("Tranches due"),
        _("No tranche is due in the next 14 days."),
    )
    stmt = (
        select(Tranche)
        .join(Grant, Grant.id == Tranche.grant_id)
        .where(
            Tranche.state == TrancheState.PLANNED,
            Tranche.due_on <= today + timedelta(days=TRANCHE_DAYS),
            Grant.id.in_(_grants(user).with_only_columns(Grant.id)),
        )
        .options(joinedload(Tranche.grant).joinedload(Grant.initiative))
    )
    for t in _first(section, stmt, Tranche.due_on, Tranche.id):
        section.items.append(
            Item(
                _(
                    "%(title)s: %(amount)s",
                    title=t.grant.initiative.title,
                    amount=fmt_money(t.amount),
                ),
                url_for("funding.grant_detail", grant_id=t.grant_id),
                (_("overdue since %(date)s") if t.due_on < today else _("due %(date)s"))
                % {"date": _on(t.due_on)},
                urgent=t.due_on < today,
            )
        )
    return section


def proofs_of_use(user: User, today: date) -> Section:
    """Proofs of use not yet submitted, due within 30 days or overdue."""
    section = Section(
        "proofs",
        _("Proofs of use due"),
        _("No proof of use is due in the next 30 days."),
    )
    stmt = (
        _grants(user)
        .where(
            Grant.proof_of_use_submitted.is_(None),
            Grant.proof_of_use_due <= today + timedelta(days=PROOF_DAYS),
        )
        .options(joinedload(Grant.initiative), joinedload(Grant.program))
    )
    for g in _first(section, stmt, Grant.proof_of_use_due, Grant.id):
        section.items.append(
            Item(
                _("%(title)s: %(program)s", title=g.initiative.title, program=g.program.name),
                url_for("funding.grant_detail", grant_id=g.id),
                (_("overdue since %(date)s") if g.proof_of_use_due < today else _("due %(date)s"))
                % {"date": _on(g.proof_of_use_due)},
                urgent=g.proof_of_use_due < today,
            )
        )
    return section


def town_initiatives(user: User) -> Section:
    """The initiatives the person's own town or district takes part in."""
    body: Body | None = user.body
    section = Section(
        "town",
        _("Initiatives of %(name)s", name=body.name) if body else _("Initiatives"),
        _("Your body takes part in no initiative yet."),
    )
    stmt = select(Initiative).where(Initiative.id.in_(_initiative_ids(user)))
    for i in _first(section, stmt, Initiative.title, Initiative.id):
        section.items.append(
            Item(
                i.title, url_for("main.initiative", initiative_id=i.id), str(PHASE_LABELS[i.phase])
            )
        )
    if body is not None and section.total > SHOWN:
        section.more_url = url_for("initiatives.index", body=body.id)
    return section


def for_user(user: User, today: date | None = None) -> list[Section]:
    """The start page's sections for the person's role, most pressing first."""
    today = today or clock.today()
    if user.role == Role.FUNDING_OFFICER:
        return [
            open_conditions(user),
            tranches(user, today),
            proofs_of_use(user, today),
            deadlines(user, today),
        ]
    if user.role == Role.PARTNER_EDITOR:
        return [
            missing_councils(user, today),
            sessions(user, today),
            tasks_due(user, today),
            open_proposals(user),
        ]
    if user.role == Role.VIEWER:
        return [town_initiatives(user)]
    # coordinators (their district) and admins (everything)
    return [
        missing_councils(user, today),
        sessions(user, today),
        overdue_milestones(user, today),
        tasks_due(user, today),
        open_proposals(user),
        deadlines(user, today),
        stale(user, today),
    ]
