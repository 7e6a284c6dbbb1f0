"""Data of the district dashboard and of the report for the mayors' conference, gathered in a
fixed number of queries whatever the number of initiatives; and the XLSX of a cost model."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..core import clock
from ..core.money import apportion
from ..extensions import db
from ..funding import services as funding
from ..i18n import fmt_money, fmt_percent
from ..initiatives import services as initiatives
from ..labels import (
    CONDITION_LABELS,
    GRANT_STATUS_LABELS,
    PHASE_LABELS,
    SERVICE_AREA_LABELS,
    grant_amount,
    label,
)
from ..models import (
    Body,
    BodyKind,
    FundingProgram,
    Grant,
    GrantStatus,
    Initiative,
    InitiativeDistrict,
    Participant,
)
from ..resolutions import services as resolutions
from ..savings import services


def districts() -> list:
    """Districts (id and name) for the filter."""
    return db.session.execute(
        select(Body.id, Body.name).where(Body.kind == BodyKind.DISTRICT).order_by(Body.name)
    ).all()


def programs() -> list:
    """Funding programmes (id and name) for the filter."""
    return db.session.execute(
        select(FundingProgram.id, FundingProgram.name).order_by(FundingProgram.name)
    ).all()


@dataclass(frozen=True)
class Scope:
    """What a dashboard or report covers: a district, a Land, the initiatives of a funding
    programme, or chosen initiatives."""

    district_id: int | None = None
    state: str | None = None
    program_id: int | None = None
    ids: tuple[int, ...] = ()


def _initiatives(district_id: int | None, ids: list[int] | None, scope=None) -> list[Initiative]:
    if ids:
        stmt = select(Initiative).where(Initiative.id.in_(ids))
    else:
        stmt = initiatives.initiative_query(district_id=district_id, sort="title")
    if scope is not None and scope.state:
        # a Land: the initiatives that touch a district of it (or a body of it leads)
        in_land = (
            select(InitiativeDistrict.initiative_id)
            .join(Body, Body.id == InitiativeDistrict.district_id)
            .where(Body.state == scope.state)
        )
        led = (
            select(Initiative.id)
            .join(Body, Body.id == Initiative.lead_body_id)
            .where(Body.state == scope.state)
        )
        stmt = stmt.where(Initiative.id.in_(in_land.union(led)))
    if scope is not None and scope.program_id:
        stmt = stmt.where(
            Initiative.id.in_(
                select(Grant.initiative_id).where(Grant.program_id == scope.program_id)
            )
        )
    stmt = stmt.options(
        joinedload(Initiative.lead_body),
        selectinload(Initiative.participants).joinedload(Participant.body),
        selectinload(Initiative.milestones),
    )
    return list(db.session.scalars(stmt.order_by(None).order_by(Initiative.title)).unique())


@dataclass
class Section:
    """One initiative in the report."""

    initiative: Initiative
    summary: object  # DecisionSummary
    grants: list[Grant]
    checks: dict
    outcome: object | None  # savings Outcome of the primary model
    next_dates: list[tuple[date, str]] = field(default_factory=list)
    # the savings as shown: to the cent, so that the report's total is the sum of its rows
    shown_savings: Decimal | None = None

    def lead_line(self) -> str:
        """ "Digitalisierung · Umsetzung · Federführung: Kreis Höxter" """
        ini = self.initiative
        parts = [
            str(label(SERVICE_AREA_LABELS, ini.service_area)),
            str(label(PHASE_LABELS, ini.phase)),
        ]
        if ini.lead_body:
            parts.append(f"{_('Lead')}: {ini.lead_body.name}")
        return " · ".join(parts)

    def funding_line(self) -> str:
        """Each grant: programme, status, amount and its open conditions."""
        if not self.grants:
            return _("no grant")
        parts = []
        for g in self.grants:
            text = f"{g.program.name} – {label(GRANT_STATUS_LABELS, g.status)}"
            amount = grant_amount(g)
            if amount:
                text += ", " + amount
            check = self.checks[g.id]
            if check.eligible:
                text += ": " + _("all conditions met")
            else:
                names = ", ".join(
                    str(CONDITION_LABELS.get(c.code, c.code)) for c in check.open_conditions
                )
                text += ": " + _("open") + ": " + names
            parts.append(text)
        return "; ".join(parts)

    def savings_line(self) -> str:
        """Total, period, net present value, rate and break-even of the primary estimate."""
        if not (self.outcome and self.outcome.result):
            return _("no savings estimate yet")
        r = self.outcome.result
        return _(
            "%(total)s from %(first)d to %(last)d, net present value %(npv)s, savings rate "
            "%(rate)s, break-even %(year)s.",
            total=fmt_money(
                self.shown_savings if self.shown_savings is not None else r.total_savings
            ),
            first=r.years[0].year,
            last=r.years[-1].year,
            npv=fmt_money(r.npv),
            rate=fmt_percent(r.savings_rate) if r.savings_rate is not None else "–",
            year=r.break_even_year or _("none"),
        )


UPCOMING = 40  # dates in the report's "next dates"


@dataclass
class DistrictData:
    initiatives: list[Initiative]
    summaries: dict
    grants: list[Grant]
    checks: dict
    totals: dict
    outcomes: dict  # initiative id → Outcome
    sections: list[Section]

    @property
    def estimated(self) -> list[Section]:
        """The sections with a savings estimate."""
        return [s for s in self.sections if s.outcome and s.outcome.result]

    @property
    def savings_total(self) -> Decimal:
        """The savings of every estimated initiative: the sum of the rows as shown."""
        return sum((s.shown_savings for s in self.estimated), Decimal(0))

    def upcoming(self) -> tuple[list[tuple[date, str, str]], int]:
        """The next dates of all initiatives in one list (date, initiative, what), earliest
        first, overdue ones marked: at most UPCOMING of them, and how many there are."""
        today = clock.today()
        rows = [
            (day, s.initiative.title, _("%(what)s (overdue)", what=what) if day < today else what)
            for s in self.sections
            for day, what in s.next_dates
        ]
        rows.sort(key=lambda row: (row[0], row[1]))
        return rows[:UPCOMING], len(rows)

    def chart_inputs(self) -> dict:
        """What the dashboard's charts are drawn from."""
        return {
            "initiatives": self.initiatives,
            "summaries": self.summaries,
            "grants": self.grants,
            "totals": self.totals,
            "outcomes": list(self.outcomes.values()),
        }


def _gather(inis: list[Initiative]) -> DistrictData:
    today = clock.today()
    ids = [i.id for i in inis]
    summaries = initiatives.decision_summaries(inis, today)
    grants = (
        list(
            db.session.scalars(
                funding.grants_with_partners()
                .where(Grant.initiative_id.in_(ids))
                .options(selectinload(Grant.tranches))
                .order_by(Grant.id)
            ).unique()
        )
        if ids
        else []
    )
    primaries = services.primary_models(ids)
    computed = services.results(list(primaries.values()))
    outcomes = {i: computed[model.id] for i, model in primaries.items()}
    rates = {
        i: o.result.savings_rate
        for i, o in outcomes.items()
        if o.result is not None and o.result.savings_rate is not None
    }
    checks = funding.check_grants(grants, today, rates) if grants else {}
    totals = {g.id: funding.tranche_totals(g) for g in grants}
    sessions: dict[int, list[tuple[date, str]]] = {i: [] for i in ids}
    if ids:
        for r in resolutions.scheduled_sessions(ids, today):
            sessions[r.initiative_id].append(
                (
                    r.session_date,
                    _("Session of %(body)s, %(organ)s", body=r.body.name, organ=r.organ),
                )
            )
    by_initiative: dict[int, list[Grant]] = {i: [] for i in ids}
    for g in grants:
        by_initiative[g.initiative_id].append(g)
    sections = []
    for ini in inis:
        dates = list(sessions[ini.id])
        dates += [
            (ms.due_on, _("Milestone: %(title)s", title=ms.title))
            for ms in ini.milestones
            if ms.due_on and ms.done_on is None and ms.due_on >= today
        ]
        for g in by_initiative[ini.id]:
            if g.status in (GrantStatus.REJECTED, GrantStatus.CLOSED):
                continue
            if g.status == GrantStatus.PLANNED and g.program.application_until:
                dates.append(
                    (
                        g.program.application_until,
                        _("Application deadline: %(program)s", program=g.program.name),
                    )
                )
            dates += [
                (t.due_on, _("Call of funds"))
                for t in g.tranches
                if t.state.value != "received" and t.due_on >= today
            ]
            if g.proof_of_use_due and g.proof_of_use_submitted is None:
                dates.append((g.proof_of_use_due, _("Proof of use")))
        sections.append(
            Section(
                initiative=ini,
                summary=summaries[ini.id],
                grants=by_initiative[ini.id],
                checks={g.id: checks[g.id] for g in by_initiative[ini.id]},
                outcome=outcomes.get(ini.id),
                next_dates=sorted(dates)[:5],
            )
        )
    estimated = [s for s in sections if s.outcome and s.outcome.result]
    for section, shown in zip(
        estimated,
        apportion([s.outcome.result.total_savings for s in estimated]),
        strict=True,
    ):
        section.shown_savings = shown
    return DistrictData(inis, summaries, grants, checks, totals, outcomes, sections)


def district_data(district_id: int) -> DistrictData:
    """The dashboard's data of one district, in a fixed number of queries."""
    return _gather(_initiatives(district_id, None))


def scope_data(scope: Scope) -> DistrictData:
    """The data of a dashboard or report of any scope (a district, a Land, a programme, or the
    chosen initiatives, within those)."""
    return _gather(_initiatives(scope.district_id, list(scope.ids) or None, scope))
