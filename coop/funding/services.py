"""Workflows of funding: programmes, grants with tranches and documents, and the condition check
of each grant against the platform's own data. Plain arguments in; flushes, never commits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import bindparam, exists, func, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from .. import activity, trash
from .. import validation as v
from ..auth import permissions
from ..commands import values_of
from ..core import clock
from ..core import funding_check as fc
from ..errors import ConflictError, PermissionDenied, ValidationError, check_version
from ..extensions import db
from ..i18n import fmt_money
from ..initiatives import services as initiatives
from ..models import (
    Body,
    Document,
    FundingProgram,
    Grant,
    GrantDocument,
    GrantStatus,
    Initiative,
    InitiativeDistrict,
    LegalForm,
    Participant,
    Tranche,
    TrancheState,
    User,
)
from ..models.base import utcnow
from ..savings import services as savings
from .schemas import (
    FundingProgramCreate,
    FundingProgramUpdate,
    GrantCreate,
    GrantUpdate,
)

PROGRAM_FIELDS = (
    "name",
    "provider",
    "state",
    "legal_basis",
    "legal_basis_url",
    "base_amount",
    "base_partners",
    "amount_per_additional_partner",
    "max_funding_rate",
    "min_partners",
    "min_duration_years",
    "min_savings_rate",
    "requires_all_council_resolutions",
    "application_from",
    "application_until",
    "notes",
    "amount_tiers",
    "amount_per_project",
    "amount_per_member",
    "count_partners_in_state_only",
    "single_state_partner_amount",
    "min_eligible_costs",
    "region_attribute",
    "region_amount",
    "rate_attribute",
    "rate_with_attribute",
    "no_start_before_application",
    "justification_below_partners",
    "savings_or_improvement",
)

GRANT_FIELDS = (
    "initiative_id",
    "program_id",
    "status",
    "reference",
    "application_date",
    "eligible_costs",
    "amount_requested",
    "amount_granted",
    "grant_letter_date",
    "period_start",
    "period_end",
    "proof_of_use_due",
    "proof_of_use_submitted",
    "notes",
    "justification",
    "service_improvement",
)
GRANT_AMOUNTS = ("eligible_costs", "amount_requested", "amount_granted")
GRANT_DATES = (
    "application_date",
    "grant_letter_date",
    "period_start",
    "period_end",
    "proof_of_use_due",
    "proof_of_use_submitted",
)


def _invalid(errors: dict) -> ValidationError:
    return ValidationError(_("Please correct the marked fields."), errors)


# --- programmes ------------------------------------------------------------------------------


def _program_values(data: Mapping[str, Any], current: FundingProgram | None, errors: dict) -> dict:
    """The programme's fields as stored, checked against the rules that need them together or
    other records (each value on its own is the command's)."""
    out: dict[str, Any] = {k: data[k] for k in PROGRAM_FIELDS if k in data}
    if "amount_tiers" in out:
        out["amount_tiers"] = _tiers(out["amount_tiers"] or [], errors)
    merged = {k: getattr(current, k) if current else None for k in PROGRAM_FIELDS} | out
    start, end = merged.get("application_from"), merged.get("application_until")
    if start and end and end < start and "application_until" not in errors:
        errors["application_until"] = _("The window cannot end before it starts.")
    if merged.get("base_amount") is not None and merged.get("base_partners") is None:
        errors.setdefault(
            "base_partners", _("Say for how many partners the base amount is paid (e.g. 2).")
        )
    if (
        merged.get("amount_per_additional_partner") is not None
        and merged.get("base_amount") is None
    ):
        errors.setdefault("base_amount", _("An amount per further partner needs a base amount."))
    _rules_fit(merged, errors)
    name = out.get("name")
    if name and "name" not in errors:
        stmt = select(FundingProgram.id).where(func.lower(FundingProgram.name) == name.lower())
        if current is not None:
            stmt = stmt.where(FundingProgram.id != current.id)
        if db.session.scalar(stmt):
            errors["name"] = _("There is already a programme of this name.")
    return out


def _tiers(rows: list[dict], errors: dict) -> list[dict]:
    """Tiers as stored: ascending by partners (each starts at more partners than the one
    before), amounts as decimal strings."""
    out: list[dict] = []
    for i, row in enumerate(rows):
        if out and row["min_partners"] <= out[-1]["min_partners"]:
            errors[f"amount_tiers.{i}.min_partners"] = _(
                "Tiers go up: each starts at more partners than the one before."
            )
        out.append({"min_partners": row["min_partners"], "amount": str(row["amount"])})
    return out


def _rules_fit(merged: dict, errors: dict) -> None:
    """The rules beyond the base formula need what they build on."""
    tiers = merged.get("amount_tiers") or []
    minimum = merged.get("min_partners")
    if tiers and minimum and tiers[0]["min_partners"] < minimum:
        errors.setdefault(
            "amount_tiers",
            _("A tier starts below the programme's minimum of %(n)d partners.", n=minimum),
        )
    if merged.get("count_partners_in_state_only") and not merged.get("state"):
        errors.setdefault("state", _("Counting only partners in the Land needs the Land."))
    if merged.get("single_state_partner_amount") is not None and not merged.get(
        "count_partners_in_state_only"
    ):
        errors.setdefault(
            "count_partners_in_state_only",
            _("An amount for a single partner in the Land needs partners counted in the Land."),
        )
    if (merged.get("region_amount") is None) != (merged.get("region_attribute") is None):
        errors.setdefault(
            "region_attribute", _("A region bonus needs both its attribute and its amount.")
        )
    if merged.get("region_amount") is not None and merged.get("amount_per_project") is None:
        errors.setdefault("amount_per_project", _("A region bonus needs an amount per project."))
    if (merged.get("rate_with_attribute") is None) != (merged.get("rate_attribute") is None):
        errors.setdefault(
            "rate_attribute", _("A rate by attribute needs both the attribute and the rate.")
        )


def save_program(
    program: FundingProgram | None,
    command: FundingProgramCreate | FundingProgramUpdate,
    *,
    actor: User | None,
    expected_version: int | None = None,
) -> FundingProgram:
    """Create (program None) or change a programme; rates are fractions (0.9)."""
    if actor is not None and not permissions.can_manage_programs(actor):
        raise PermissionDenied(_("Your role does not allow this."))
    if program is not None:
        check_version(program, expected_version)
    errors: dict[str, str] = {}
    values = _program_values(values_of(command, leave_out=("version",)), program, errors)
    if errors:
        raise _invalid(errors)
    if program is None:
        program = FundingProgram(requires_all_council_resolutions=False)
        db.session.add(program)
    for key, value in values.items():
        if getattr(program, key) != value:
            setattr(program, key, value)
    db.session.flush()
    return program


def delete_program(
    program: FundingProgram, *, actor: User | None, expected_version: int | None = None
) -> None:
    """Delete a programme that no grant uses; the version guards against a stale page."""
    if actor is not None and not permissions.can_manage_programs(actor):
        raise PermissionDenied(_("Your role does not allow this."))
    check_version(program, expected_version, detailed=False)
    used = db.session.scalar(select(func.count(Grant.id)).where(Grant.program_id == program.id))
    if used:
        raise ConflictError(
            ngettext(
                "%(num)d grant uses this programme; it cannot be deleted.",
                "%(num)d grants use this programme; it cannot be deleted.",
                used,
            ),
            {"program_id": _("In use by grants.")},
        )
    trash.keep(program, label=program.name)
    db.session.delete(program)
    db.session.flush()


def program_query():
    """All programmes by name."""
    return select(FundingProgram).order_by(FundingProgram.name)


def program_terms(program: FundingProgram) -> fc.ProgramTerms:
    """A programme's limits as the funding check takes them."""
    return fc.ProgramTerms(
        base_amount=program.base_amount,
        base_partners=program.base_partners,
        amount_per_additional_partner=program.amount_per_additional_partner,
        max_funding_rate=program.max_funding_rate,
        min_partners=program.min_partners,
        min_duration_years=program.min_duration_years,
        min_savings_rate=program.min_savings_rate,
        requires_all_council_resolutions=bool(program.requires_all_council_resolutions),
        application_from=program.application_from,
        application_until=program.application_until,
        amount_tiers=tuple(fc.Tier(n, amount) for n, amount in program.tiers),
        amount_per_project=program.amount_per_project,
        amount_per_member=program.amount_per_member,
        state=program.state,
        count_partners_in_state_only=bool(program.count_partners_in_state_only),
        single_state_partner_amount=program.single_state_partner_amount,
        min_eligible_costs=program.min_eligible_costs,
        region_attribute=program.region_attribute,
        region_amount=program.region_amount,
        rate_attribute=program.rate_attribute,
        rate_with_attribute=program.rate_with_attribute,
        no_start_before_application=bool(program.no_start_before_application),
        justification_below_partners=program.justification_below_partners,
        savings_or_improvement=bool(program.savings_or_improvement),
    )


# --- grants ----------------------------------------------------------------------------------


def _grant_values(data: Mapping[str, Any]) -> dict:
    """The grant's own fields of a command (not its tranches, not the confirmation)."""
    return {k: data[k] for k in GRANT_FIELDS if k in data}


def _check_grant(values: dict, current: Grant | None, tranches, errors: dict) -> dict:
    """Rules across fields; returns the initiative and programme objects."""
    merged = {k: getattr(current, k) if current else None for k in GRANT_FIELDS} | values
    objects: dict[str, Any] = {}
    if "initiative_id" not in errors and merged.get("initiative_id"):
        initiative = initiatives.load_initiative(merged["initiative_id"])
        if initiative is None:
            errors["initiative_id"] = _("There is no initiative with this id.")
        elif not initiative.deciding_participants:
            errors["initiative_id"] = _(
                "This initiative has no partners yet; add its lead and partners first."
            )
        objects["initiative"] = initiative
    if "program_id" not in errors and merged.get("program_id"):
        program = db.session.get(FundingProgram, merged["program_id"])
        if program is None:
            errors["program_id"] = _("There is no programme with this id.")
        objects["program"] = program
    start, end = merged.get("period_start"), merged.get("period_end")
    if start and end and end < start and "period_end" not in errors:
        errors["period_end"] = _("The funding period cannot end before it starts.")
    granted = merged.get("amount_granted")
    rows = (
        tranches
        if tranches is not None
        else ([{"amount": t.amount} for t in current.tranches] if current else [])
    )
    total = sum((t["amount"] for t in rows if t.get("amount") is not None), Decimal("0"))
    if (
        granted is not None
        and total > granted
        and not any(k.startswith("tranches") for k in errors)
    ):
        key = "tranches" if tranches is not None else "amount_granted"
        errors[key] = _(
            "The tranches add up to %(total)s, more than the %(granted)s granted.",
            total=fmt_money(total),
            granted=fmt_money(granted),
        )
    status = merged.get("status")
    if status in (GrantStatus.APPLIED, GrantStatus.APPROVED, GrantStatus.DISBURSING) and (
        merged.get("application_date") is None and "application_date" not in errors
    ):
        errors["application_date"] = _("An application that has been made has a date.")
    if status in (GrantStatus.APPROVED, GrantStatus.DISBURSING, GrantStatus.CLOSED) and (
        granted is None and "amount_granted" not in errors
    ):
        errors["amount_granted"] = _("An approved grant has an amount granted.")
    return objects


def _apply_tranches(grant: Grant, rows: list[dict]) -> None:
    existing = list(grant.tranches)
    for i, row in enumerate(rows):
        tranche = existing[i] if i < len(existing) else None
        if tranche is None:
            tranche = Tranche()
            grant.tranches.append(tranche)
        for key, value in row.items():
            if getattr(tranche, key) != value:
                setattr(tranche, key, value)
    for tranche in existing[len(rows) :]:
        grant.tranches.remove(tranche)
        db.session.delete(tranche)  # explicitly, so that the audit trail sees the delete


def _confirm_improvement(grant: Grant, before: str | None, confirm: bool, actor) -> None:
    """A person confirms the service improvement with their name; a changed text needs a new
    confirmation."""
    if grant.service_improvement != before:
        grant.improvement_confirmed_by = grant.improvement_confirmed_at = None
    if confirm and grant.service_improvement:
        grant.improvement_confirmed_by = (
            (actor.name or actor.email) if actor is not None else _("the system")
        )[:200]
        grant.improvement_confirmed_at = utcnow()


def save_grant(
    grant: Grant | None,
    command: GrantCreate | GrantUpdate,
    *,
    actor: User | None,
    expected_version: int | None = None,
) -> Grant:
    """Create (grant None) or change a grant; `tranches`, when given, replace the list."""
    if grant is not None:
        check_version(grant, expected_version)
        if actor is not None and not permissions.can_edit_grant(actor, grant):
            raise PermissionDenied(_("Your role does not allow this."))
    elif actor is not None and not permissions.can_create_grant(actor):
        raise PermissionDenied(_("Your role does not allow this."))
    errors: dict[str, str] = {}
    data = values_of(command, leave_out=("version",))
    values = _grant_values(data)
    tranches = None
    if "tranches" in data:
        tranches = [
            {"due_on": row["date"], "amount": row["amount"], "state": row["state"]}
            for row in data["tranches"] or []
        ]
    objects = _check_grant(values, grant, tranches, errors)
    if errors:
        raise _invalid(errors)
    initiative = objects.get("initiative") or (grant.initiative if grant else None)
    if actor is not None and initiative is not None:
        if not permissions.can_create_grant(actor, initiative):
            raise PermissionDenied(
                _("You can only manage grants of initiatives you manage."),
                {"initiative_id": _("Choose an initiative of your district.")},
            )
    is_new = grant is None
    if grant is None:
        grant = Grant()
        db.session.add(grant)
    improvement_before = grant.service_improvement
    for key, value in values.items():
        if getattr(grant, key) != value:
            setattr(grant, key, value)
    _confirm_improvement(grant, improvement_before, bool(data.get("confirm_improvement")), actor)
    if "initiative" in objects:
        grant.initiative = objects["initiative"]
    if "program" in objects:
        grant.program = objects["program"]
    if tranches is not None:
        _apply_tranches(grant, tranches)
    db.session.flush()
    if is_new and actor is not None:  # who enters a grant hears of what happens on it
        activity.follow(actor, grant=grant)
    return grant


def delete_grant(grant: Grant, *, actor: User | None, expected_version: int | None = None) -> None:
    """Delete a grant with its tranches, papers and follows (the rule is the model's: see
    Grant), each audited."""
    if actor is not None and not permissions.can_delete_grant(actor, grant):
        raise PermissionDenied(_("Your role does not allow this."))
    check_version(grant, expected_version, detailed=False)
    trash.keep(
        grant,
        label=f"{grant.program.name}: {grant.initiative.title}",
        context=grant.initiative.title,
        district_id=trash.district_of(grant.initiative),
    )
    db.session.delete(grant)
    db.session.flush()


def add_document(grant: Grant, title: str | None, document: Document, *, actor: User | None):
    """Attach a stored paper (grant letter, proof of use …) to a grant under a title."""
    if actor is not None and not permissions.can_edit_grant(actor, grant):
        raise PermissionDenied(_("Your role does not allow this."))
    errors: dict[str, str] = {}
    title = v.limited_text(errors, "title", title, 300) or document.file_name
    if errors:
        raise _invalid(errors)
    item = GrantDocument(document=document, title=title)
    grant.documents.append(item)
    db.session.flush()
    return item


def remove_document(item: GrantDocument, *, actor: User | None) -> None:
    """Remove a paper from a grant, and the stored file with it."""
    if actor is not None and not permissions.can_edit_grant(actor, item.grant):
        raise PermissionDenied(_("Your role does not allow this."))
    db.session.delete(item)  # the stored file goes with it (GrantDocument.document)
    db.session.flush()


def _grant_options():
    return (
        joinedload(Grant.program),
        joinedload(Grant.initiative)
        .selectinload(Initiative.participants)
        .joinedload(Participant.body),
        selectinload(Grant.tranches),
    )


def load_grant(grant_id: int) -> Grant | None:
    """A grant with its programme, initiative, tranches and documents, or None."""
    return db.session.scalar(
        select(Grant)
        .where(Grant.id == grant_id)
        .options(
            *_grant_options(), selectinload(Grant.documents).joinedload(GrantDocument.document)
        )
    )


GRANT_SORTS = {
    "applied": (Grant.application_date.asc().nulls_last(), Grant.id.asc()),
    "-applied": (Grant.application_date.desc().nulls_first(), Grant.id.desc()),
    "initiative": (Initiative.title.asc(), Grant.id.asc()),
    "-initiative": (Initiative.title.desc(), Grant.id.desc()),
    "requested": (Grant.amount_requested.asc().nulls_first(), Grant.id.asc()),
    "-requested": (Grant.amount_requested.desc().nulls_last(), Grant.id.desc()),
    "granted": (Grant.amount_granted.asc().nulls_first(), Grant.id.asc()),
    "-granted": (Grant.amount_granted.desc().nulls_last(), Grant.id.desc()),
    "status": (Grant.status.asc(), Grant.id.asc()),
    "-status": (Grant.status.desc(), Grant.id.desc()),
}


def grant_filter(
    stmt,
    *,
    status: GrantStatus | None = None,
    program_id: int | None = None,
    initiative_id: int | None = None,
    district_id: int | None = None,
    conditions_open: bool = False,
):
    """Narrow a select over grants; `conditions_open` reads the stored checks (refresh first)."""
    if status is not None:
        stmt = stmt.where(Grant.status == status)
    if program_id is not None:
        stmt = stmt.where(Grant.program_id == program_id)
    if initiative_id is not None:
        stmt = stmt.where(Grant.initiative_id == initiative_id)
    if district_id is not None:
        stmt = stmt.where(
            exists().where(
                InitiativeDistrict.initiative_id == Grant.initiative_id,
                InitiativeDistrict.district_id == district_id,
            )
        )
    if conditions_open:
        stmt = stmt.where(Grant.open_conditions > 0)
    return stmt


def grant_query(*, sort: str = "-applied", **filters):
    """Grants with programme, initiative, partners and tranches loaded, filtered and sorted."""
    stmt = select(Grant)
    if sort in ("initiative", "-initiative"):  # the join only where the order needs it
        stmt = stmt.join(Initiative, Initiative.id == Grant.initiative_id)
    stmt = grant_filter(stmt.options(*_grant_options()), **filters)
    return stmt.order_by(*GRANT_SORTS.get(sort, GRANT_SORTS["-applied"]))


def grant_counts(**filters) -> dict:
    """How many grants the filters select, how many of them have open conditions, and the sums
    requested and granted: one query."""
    stmt = grant_filter(
        select(
            func.count(Grant.id),
            func.count(Grant.id).filter(Grant.open_conditions > 0),
            # requested: what was applied for (a planned grant has not been)
            func.coalesce(
                func.sum(Grant.amount_requested).filter(Grant.status != GrantStatus.PLANNED), 0
            ),
            func.coalesce(func.sum(Grant.amount_granted), 0),
        ),
        **filters,
    )
    total, open_, requested, granted = db.session.execute(stmt).one()
    return {
        "total": total,
        "open": open_,
        "requested": Decimal(requested).quantize(Decimal("0.01")),
        "granted": Decimal(granted).quantize(Decimal("0.01")),
    }


def refresh_checks(on: date | None = None, batch: int = 500) -> int:
    """Compute and store the check of every grant whose inputs changed or whose day has passed;
    returns how many. A grant whose inputs change meanwhile (its generation moved on) keeps
    its stale mark, so a concurrent change is never overwritten by an older result."""
    today = on or clock.today()
    table = Grant.__table__
    done, after = 0, 0
    while True:
        rows = db.session.execute(
            select(Grant.id, Grant.check_generation, Grant.open_conditions)
            .where(or_(Grant.checked_on.is_(None), Grant.checked_on < today), Grant.id > after)
            .order_by(Grant.id)
            .limit(batch)
        ).all()
        if not rows:
            return done
        generation = {r[0]: r[1] for r in rows}
        # a grant checked before with open conditions: fewer now is news for its followers
        before = {r[0]: r[2] for r in rows if r[2]}
        grants = list(
            db.session.scalars(
                select(Grant).where(Grant.id.in_(generation)).options(*_grant_options())
            ).unique()
        )
        checks = check_grants(grants, today)
        db.session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.check_generation == bindparam("b_gen"))
            .values(open_conditions=bindparam("b_open"), checked_on=today),
            [
                {
                    "b_id": g.id,
                    "b_gen": generation[g.id],
                    "b_open": len(checks[g.id].open_conditions),
                }
                for g in grants
            ],
        )
        for g in grants:
            still_open = len(checks[g.id].open_conditions)
            if g.id in before and still_open < before[g.id]:
                activity.record(
                    "conditions",
                    grant_id=g.id,
                    initiative_id=g.initiative_id,
                    by_system=True,
                    open=still_open,
                )
        done += len(rows)
        after = rows[-1][0]


# --- the check -------------------------------------------------------------------------------


def savings_rates(initiative_ids: list[int]) -> dict[int, Decimal]:
    """Each initiative's estimated savings rate from its primary savings estimate; without one
    the check answers `unknown` for the savings condition."""
    return savings.savings_rates(initiative_ids)


def check_grants(
    grants: list[Grant], on: date | None = None, rates: dict[int, Decimal] | None = None
) -> dict[int, fc.CheckResult]:
    """The check of each grant, with a constant number of queries (initiatives loaded).

    `rates`: the initiatives' savings rates when the caller has computed them already."""
    today = on or clock.today()
    unique = {g.initiative.id: g.initiative for g in grants}
    summaries = initiatives.decision_summaries(list(unique.values()), today)
    if rates is None:
        rates = savings_rates(list(unique))
    body_ids = {p.body_id for s in summaries.values() for p in s.partners}
    stmt = select(Body.id, Body.state, Body.attributes).where(Body.id.in_(body_ids))
    bodies = {i: (state, frozenset(a or ())) for i, state, a in db.session.execute(stmt)}
    out = {}
    for grant in grants:
        ini = grant.initiative
        union = ini.legal_form == LegalForm.ADMINISTRATIVE_UNION
        facts = fc.InitiativeFacts(
            partners=summaries[ini.id].partners,
            partner_facts=[
                fc.PartnerFacts(
                    state=bodies.get(p.body_id, (None, frozenset()))[0],
                    attributes=bodies.get(p.body_id, (None, frozenset()))[1],
                    lead=p.body_id == ini.lead_body_id,
                    union_member=union,
                )
                for p in summaries[ini.id].partners
            ],
            start_date=ini.start_date,
            end_date=ini.end_date,
            savings_rate=rates.get(ini.id),
        )
        out[grant.id] = fc.check(program_terms(grant.program), grant_facts(grant), facts, today)
    return out


def grant_facts(grant: Grant) -> fc.GrantFacts:
    """A grant's figures and dates as the funding check takes them."""
    return fc.GrantFacts(
        application_date=grant.application_date,
        eligible_costs=grant.eligible_costs,
        amount_requested=grant.amount_requested,
        proof_of_use_due=grant.proof_of_use_due,
        proof_of_use_submitted=grant.proof_of_use_submitted,
        justification=grant.justification,
        service_improvement=grant.service_improvement,
        improvement_confirmed_by=grant.improvement_confirmed_by,
    )


def check_grant(grant: Grant, on: date | None = None) -> fc.CheckResult:
    """The funding check of one grant, today or on `on`."""
    return check_grants([grant], on)[grant.id]


def tranche_overdue(tranche: Tranche, on: date | None = None) -> bool:
    """Still only planned although its date has passed: the call of funds is due."""
    return tranche.state == TrancheState.PLANNED and tranche.due_on < (on or clock.today())


def tranche_totals(grant: Grant) -> dict[str, Decimal]:
    """Sums of the tranches by state, and what remains of the amount granted."""
    totals = {state.value: Decimal("0.00") for state in TrancheState}
    for t in grant.tranches:
        totals[t.state.value] += t.amount
    granted = grant.amount_granted
    totals["outstanding"] = (
        granted - totals[TrancheState.RECEIVED.value] if granted is not None else None
    )
    return totals


@dataclass(frozen=True)
class MissingAcrossGrants:
    """One partner whose resolution is missing, and the grants that wait for it."""

    body_id: int
    name: str
    grants: list[Grant]
    missing: list[fc.MissingResolution]


def missing_across(grants: list[Grant], checks: dict[int, fc.CheckResult]) -> list:
    """What is missing across grants: partners without a resolution, with the grants they
    hold up, most-waited-for first."""
    by_body: dict[int, MissingAcrossGrants] = {}
    for grant in grants:
        for m in checks[grant.id].missing_resolutions:
            if grant.program.requires_all_council_resolutions:
                row = by_body.setdefault(m.body_id, MissingAcrossGrants(m.body_id, m.name, [], []))
                row.grants.append(grant)
                row.missing.append(m)
    return sorted(by_body.values(), key=lambda r: (-len(r.grants), r.name))


def grants_with_partners():
    """Grants with their programme and their initiative's participants loaded (what the
    funding check needs); the caller adds its filter."""
    return select(Grant).options(
        joinedload(Grant.program),
        joinedload(Grant.initiative)
        .selectinload(Initiative.participants)
        .joinedload(Participant.body),
    )
