"""Workflows of savings estimates: cost models (scenarios) of an initiative, their validation,
the results of the pure model, and the savings rate the funding check uses. Plain arguments in;
flushes, never commits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from .. import messages, trash
from .. import validation as v
from ..auth import permissions
from ..commands import values_of
from ..core import savings_model as m
from ..core.money import to_cents
from ..errors import PermissionDenied, ValidationError, check_version
from ..extensions import db
from ..models import (
    AllocationKey,
    CostEvent,
    CostEventKind,
    CostLine,
    CostModel,
    CostModelPartner,
    CostPartnerYear,
    CostPayment,
    CostRate,
    CostRateTable,
    CostSection,
    EmploymentKind,
    Grant,
    GrantStatus,
    Initiative,
    Participant,
    User,
)
from . import schemas
from .schemas import CostModelIn, CostRateTableIn

SCALARS = (
    "name",
    "first_year",
    "horizon_years",
    "discount_rate",
    "cost_growth_rate",
    "cost_rate_table_id",
    "allocation_key",
    "base_share",
    "discount_timing",
    "notes",
)
SECTIONS = {"baseline": CostSection.BASELINE, "shared": CostSection.SHARED,
            "remaining": CostSection.REMAINING, "revenue": CostSection.REVENUE}  # fmt: skip
EVENTS = {"one_off": CostEventKind.ONE_OFF, "funding": CostEventKind.FUNDING,
          "one_off_revenue": CostEventKind.ONE_OFF_REVENUE}  # fmt: skip


def _invalid(errors: dict) -> ValidationError:
    return ValidationError(_("Please correct the marked fields."), errors)


# --- cost-rate tables ------------------------------------------------------------------------


def rate_tables() -> list[CostRateTable]:
    """The cost-rate tables, newest first."""
    return list(
        db.session.scalars(
            select(CostRateTable)
            .options(selectinload(CostRateTable.rates))
            .order_by(CostRateTable.id.desc())
        )
    )


def default_table() -> CostRateTable | None:
    """The newest table: next year's, once an admin has added it."""
    return db.session.scalar(select(CostRateTable).order_by(CostRateTable.id.desc()).limit(1))


def _hours(table: CostRateTable, kind: EmploymentKind) -> int:
    civil_servant = kind == EmploymentKind.CIVIL_SERVANT
    return table.hours_civil_servant if civil_servant else table.hours_employee


def annual_costs(table: CostRateTable) -> dict[str, Decimal]:
    """Annual full cost of each pay grade: the published annual figure, or, where the table
    publishes hourly rates only, hourly rate × hours of the working year."""
    return {
        r.pay_grade: r.annual_cost
        if r.annual_cost is not None
        else m.annual_cost(r.hourly_rate, _hours(table, r.kind))
        for r in table.rates
    }


def create_rate_table(command: CostRateTableIn, *, actor: User | None) -> CostRateTable:
    """A new table (admins); `rates` is text, one line per grade: `E9a; 98.374,22` (A grades
    are civil servants). `values_are` "annual" (default): the published annual full cost, the
    hourly rate derived from it (annual ÷ hours, to the cent); "hourly": hourly rates, the
    annual cost derived as hourly rate × hours."""
    if actor is not None and not permissions.can_manage_rate_tables(actor):
        raise PermissionDenied(_("Your role does not allow this."))
    data = values_of(command)
    errors: dict[str, str] = {}
    name, year, source = data["name"], data["year"], data["source"]
    hours_e, hours_c = data["hours_employee"], data["hours_civil_servant"]
    annual = data["values_are"] == "annual"
    example = "E9a; 98.374,22" if annual else "E9a; 63,02"
    rates = []
    for n, raw in enumerate((data.get("rates") or "").splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.replace("\t", ";").split(";")]
        value = v.decimal_number({}, "x", parts[1]) if len(parts) == 2 else None
        if len(parts) != 2 or not parts[0] or value is None or value <= 0:
            errors["rates"] = _(
                "Line %(n)d: write the pay grade and its value, e.g. %(example)s.",
                n=n,
                example=example,
            )
            break
        if annual and value < 1000:
            errors["rates"] = _(
                "Line %(n)d: %(value)s looks like an hourly rate; enter the annual full cost "
                "or choose hourly rates.",
                n=n,
                value=parts[1],
            )
            break
        kind = (
            EmploymentKind.CIVIL_SERVANT
            if parts[0].upper().startswith("A")
            else (EmploymentKind.EMPLOYEE)
        )
        rates.append((parts[0], kind, value.quantize(Decimal("0.01"))))
    if not rates and "rates" not in errors:
        errors["rates"] = _("Enter at least one pay grade with its value.")
    if len({g for g, _k, _r in rates}) != len(rates):
        errors["rates"] = _("A pay grade appears twice.")
    if name and db.session.scalar(select(CostRateTable.id).where(CostRateTable.name == name)):
        errors["name"] = _("There is already a table of this name.")
    if errors:
        raise _invalid(errors)
    table = CostRateTable(
        name=name,
        year=year,
        source=source,
        hours_employee=hours_e,
        hours_civil_servant=hours_c,
        notes=data.get("notes"),
    )
    table.rates = [
        CostRate(
            pay_grade=g,
            kind=k,
            hourly_rate=to_cents(r / _hours(table, k)) if annual else r,
            annual_cost=r if annual else None,
        )
        for g, k, r in rates
    ]
    db.session.add(table)
    db.session.flush()
    return table


# --- models ----------------------------------------------------------------------------------


def _options():
    return (
        selectinload(CostModel.partners).joinedload(CostModelPartner.body),
        selectinload(CostModel.lines).joinedload(CostLine.body),
        selectinload(CostModel.events),
        selectinload(CostModel.payments),
        selectinload(CostModel.yearly_values),
        joinedload(CostModel.cost_rate_table).selectinload(CostRateTable.rates),
    )


def load_model(model_id: int) -> CostModel | None:
    """A cost model with everything its computation needs, or None."""
    return db.session.scalar(select(CostModel).where(CostModel.id == model_id).options(*_options()))


def models_of(initiative_ids: Iterable[int]) -> dict[int, list[CostModel]]:
    """Every model of these initiatives, primary first, in a fixed number of queries."""
    ids = list(initiative_ids)
    out: dict[int, list[CostModel]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = db.session.scalars(
        select(CostModel)
        .where(CostModel.initiative_id.in_(ids))
        .options(*_options())
        .order_by(CostModel.is_primary.desc(), CostModel.id)
    ).unique()
    for row in rows:
        out[row.initiative_id].append(row)
    return out


def primary_models(initiative_ids: Iterable[int]) -> dict[int, CostModel]:
    """The primary model of each initiative that has one."""
    return {i: ms[0] for i, ms in models_of(initiative_ids).items() if ms and ms[0].is_primary}


def _grant_funding(initiative_ids: list[int]) -> dict[int, list[tuple[int, Decimal]]]:
    """Funding from the initiatives' grants by year of their tranches (not of rejected ones)."""
    out: dict[int, list[tuple[int, Decimal]]] = {i: [] for i in initiative_ids}
    if not initiative_ids:
        return out
    grants = db.session.scalars(
        select(Grant)
        .where(Grant.initiative_id.in_(initiative_ids), Grant.status != GrantStatus.REJECTED)
        .options(selectinload(Grant.tranches))
    )
    for g in grants:
        out[g.initiative_id] += [(t.due_on.year, t.amount) for t in g.tranches]
    return out


def _line(ln: CostLine) -> m.Line:
    return m.Line(
        category=ln.category.value,
        amount=ln.amount,
        pay_grade=ln.pay_grade,
        fte=ln.fte,
        body_id=ln.body_id,
    )


def line_costs(model: CostModel) -> dict[int, Decimal]:
    """What each stored line costs a year at first-year prices (by line id)."""
    costs = annual_costs(model.cost_rate_table)
    return {ln.id: m.line_cost(_line(ln), costs) for ln in model.lines}


def model_input(model: CostModel, funding_fallback=()) -> m.ModelInput:
    """The pure model's input from a stored model (partners, lines, events loaded)."""
    events = {kind: [] for kind in EVENTS}
    for e in model.events:
        events[e.kind.value].append((e.year, e.amount))
    funding = events["funding"] or list(funding_fallback)

    def lines(section):
        return [_line(ln) for ln in model.lines if ln.section == section]

    return m.ModelInput(
        first_year=model.first_year,
        horizon_years=model.horizon_years,
        discount_rate=model.discount_rate,
        cost_growth_rate=model.cost_growth_rate,
        allocation_key=model.allocation_key.value,
        base_share=model.base_share,
        partners=[
            m.PartnerInput(
                body_id=p.body_id,
                population=p.body.population,
                workstations=p.workstations,
                cases=p.cases,
                fixed_share=p.fixed_share,
            )
            for p in model.partners
        ],
        baseline=lines(CostSection.BASELINE),
        shared=lines(CostSection.SHARED),
        remaining=lines(CostSection.REMAINING),
        revenue=lines(CostSection.REVENUE),
        one_off=events["one_off"],
        one_off_revenue=events["one_off_revenue"],
        yearly_values=[
            m.YearValues(y.body_id, y.year, y.population, y.workstations, y.cases)
            for y in model.yearly_values
        ],
        discount_timing=model.discount_timing.value,
        payments=[
            m.Payment(p.payer_id, p.payee_id, p.amount, p.first_year, p.last_year, bool(p.fixed))
            for p in model.payments
        ],
        funding=funding,
        annual_costs=annual_costs(model.cost_rate_table),
    )


@dataclass(frozen=True)
class Outcome:
    model: CostModel
    result: m.Result | None
    error: m.ModelError | None = None
    funding_from_grants: bool = False


def results(models: list[CostModel]) -> dict[int, Outcome]:
    """The result of each model (by model id); a model that cannot be computed carries its
    error instead."""
    funding = _grant_funding(list({x.initiative_id for x in models}))
    out = {}
    for model in models:
        uses_grants = not any(e.kind == CostEventKind.FUNDING for e in model.events)
        fallback = funding[model.initiative_id] if uses_grants else ()
        try:
            result = m.compute(model_input(model, fallback))
            out[model.id] = Outcome(model, result, None, uses_grants and bool(fallback))
        except m.ModelError as exc:
            out[model.id] = Outcome(model, None, exc)
    return out


def savings_rates(initiative_ids: list[int]) -> dict[int, Decimal]:
    """The structural savings rate of each initiative's primary model (for the funding check),
    as stored when the model was saved: one light query. A model stored before the rate was
    kept is computed once here and its rate stored."""
    ids = list(initiative_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(CostModel.initiative_id, CostModel.savings_rate, CostModel.rate_computed).where(
            CostModel.initiative_id.in_(ids), CostModel.is_primary.is_(True)
        )
    ).all()
    out = {i: rate for i, rate, done in rows if done and rate is not None}
    missing = [i for i, _rate, done in rows if not done]
    if missing:
        primaries = primary_models(missing)
        computed = results(list(primaries.values()))
        table = CostModel.__table__
        rows = []
        for i, model in primaries.items():
            result = computed[model.id].result
            rate = result.savings_rate if result is not None else None
            rows.append({"b_id": model.id, "b_rate": rate})
            if rate is not None:
                out[i] = rate
        stmt = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                savings_rate=bindparam("b_rate"),
                rate_computed=True,
                modified_at=table.c.modified_at,
            )
        )
        if db.engine.dialect.name == "sqlite":
            # one writer at a time: in the caller's transaction (kept if it commits)
            db.session.connection().execute(stmt, rows)
        else:
            # in a transaction of its own, so a page that only reads stores them once
            with db.engine.begin() as connection:
                connection.execute(stmt, rows)
    return out


# --- saving ----------------------------------------------------------------------------------


def _scalars(data: Mapping[str, Any], current: CostModel | None, errors: dict):
    """The model's own fields as given, checked against what they need together with the
    stored ones (each value on its own is the command's)."""
    out: dict[str, Any] = {k: data[k] for k in SCALARS if k in data}
    if "name" in out and out["name"] is None:
        out["name"] = schemas.DEFAULT_NAME
    merged = {k: getattr(current, k) if current else None for k in SCALARS} | out
    for key in ("first_year", "allocation_key"):  # a new model needs them; a change keeps them
        if merged.get(key) is None:
            errors[key] = _("This field is required.")
    if merged.get("allocation_key") == AllocationKey.BASE_PLUS_VARIABLE and (
        merged.get("base_share") is None
    ):
        errors["base_share"] = _("The base-plus-variable key needs the base share.")
    return out


def _rows(data, key) -> list | None:
    """A list the command gives (replacing the stored one), or None."""
    if key not in data:
        return None
    return list(data[key] or [])


def _lines(section: str, rows: list, grades: set[str], partner_ids: set[int], errors) -> list:
    out = []
    for i, row in enumerate(rows):
        key = f"{section}.{i}"
        category = row["category"]
        grade, fte, amount = row.get("pay_grade"), row.get("fte"), row.get("amount")
        if section == "revenue" and (grade is not None or fte is not None):
            errors[f"{key}.amount"] = _("Revenue is an amount per year, not staff.")
            grade = fte = None
        if grade is not None and grade not in grades:
            errors[f"{key}.pay_grade"] = _(
                "Unknown pay grade %(grade)s; known: %(known)s.",
                grade=grade,
                known=", ".join(sorted(grades)),
            )
        if grade is not None and fte is None and f"{key}.fte" not in errors:
            errors[f"{key}.fte"] = _("A staff line needs its full-time equivalents.")
        if grade is None and fte is not None:
            errors[f"{key}.pay_grade"] = _("A staff line needs its pay grade.")
        if grade is not None and amount is not None:
            errors[f"{key}.amount"] = _("A line is either staff (pay grade, FTE) or an amount.")
        if grade is None and fte is None and amount is None and f"{key}.amount" not in errors:
            errors[f"{key}.amount"] = _("Enter an amount or a pay grade with FTE.")
        # a revenue line without a partner: the joint service's, shared by the allocation key
        body_id = row.get("body_id")
        if body_id is not None and body_id not in partner_ids:
            errors[f"{key}.body_id"] = _("This body is not a partner of the initiative.")
        out.append(
            {
                "section": SECTIONS[section],
                "category": category,
                "pay_grade": grade,
                "fte": fte,
                "amount": amount,
                "body_id": body_id,
                "description": row.get("description"),
            }
        )
    return out


def _events(kind: str, rows: list) -> list:
    """One-off costs, one-off revenue or funding as stored."""
    return [{"kind": EVENTS[kind], **row} for row in rows]


def _payments(rows: list, partner_ids: set[int], errors) -> list:
    out = []
    for i, row in enumerate(rows):
        key = f"payments.{i}"
        for name in ("payer_id", "payee_id"):
            if row[name] not in partner_ids:
                errors[f"{key}.{name}"] = _("This body is not a partner of the initiative.")
        if row["payer_id"] == row["payee_id"]:
            errors[f"{key}.payee_id"] = _("A partner cannot pay itself.")
        first, last = row.get("first_year"), row.get("last_year")
        if first and last and last < first:
            errors[f"{key}.last_year"] = _("The last year lies before the first.")
        out.append(dict(row))
    return out


def _yearly_values(rows: list, partner_ids: set[int], errors) -> list:
    out = []
    seen = set()
    for i, row in enumerate(rows):
        key = f"yearly_values.{i}"
        body_id, year = row["body_id"], row["year"]
        if body_id not in partner_ids:
            errors[f"{key}.body_id"] = _("This body is not a partner of the initiative.")
        if (body_id, year) in seen:
            errors[f"{key}.year"] = _("This partner has values for this year already.")
        seen.add((body_id, year))
        values = {name: row.get(name) for name in ("population", "workstations", "cases")}
        if all(x is None for x in values.values()):
            errors[f"{key}.population"] = _(
                "Enter the population, workstations or cases of this year."
            )
        out.append({"body_id": body_id, "year": year, **values})
    return out


def _partners(rows: list, participant_ids: set[int], errors) -> list:
    out = []
    seen = set()
    for i, row in enumerate(rows):
        key = f"partners.{i}"
        body_id = row["body_id"]
        if body_id not in participant_ids:
            errors[f"{key}.body_id"] = _("This body is not a partner of the initiative.")
        if body_id in seen:
            errors[f"{key}.body_id"] = _("This partner is listed twice.")
        seen.add(body_id)
        out.append(dict(row))
    return out


def _deciding_ids(initiative: Initiative) -> list[int]:
    return [p.body_id for p in initiative.deciding_participants]


def _apply(
    model: CostModel,
    values: dict,
    partners,
    lines,
    events,
    only_body: int | None,
    payments=None,
    yearly=None,
):
    for key, value in values.items():
        if getattr(model, key) != value:
            setattr(model, key, value)
    if partners is not None:
        existing = {p.body_id: p for p in model.partners}
        wanted = {row["body_id"] for row in partners}
        for body_id, p in existing.items():
            if body_id not in wanted and (only_body is None or body_id == only_body):
                model.partners.remove(p)
                db.session.delete(p)
        for row in partners:
            p = existing.get(row["body_id"])
            if p is None:
                p = CostModelPartner(body_id=row["body_id"])
                model.partners.append(p)
            for key in ("workstations", "cases", "fixed_share"):
                if getattr(p, key) != row[key]:
                    setattr(p, key, row[key])
    for section, rows in lines.items():
        if rows is None:
            continue
        old = [
            ln
            for ln in model.lines
            if ln.section == SECTIONS[section] and (only_body is None or ln.body_id == only_body)
        ]
        _replace(model.lines, old, rows, CostLine)
    for kind, rows in events.items():
        if rows is None:
            continue
        old = [e for e in model.events if e.kind == EVENTS[kind]]
        _replace(model.events, old, rows, CostEvent)
    if payments is not None:
        _replace(model.payments, list(model.payments), payments, CostPayment)
    if yearly is not None:
        _replace(model.yearly_values, list(model.yearly_values), yearly, CostPartnerYear)


def _replace(collection: list, old: list, rows: list[dict], cls) -> None:
    """Update the old rows in place, add new ones, delete the rest (each change audited)."""
    for i, row in enumerate(rows):
        item = old[i] if i < len(old) else None
        if item is None:
            item = cls()
            collection.append(item)
        for key, value in row.items():
            if getattr(item, key) != value:
                setattr(item, key, value)
    for item in old[len(rows) :]:
        collection.remove(item)
        db.session.delete(item)


def save_model(
    initiative: Initiative,
    model: CostModel | None,
    command: CostModelIn,
    *,
    actor: User | None,
    expected_version: int | None = None,
) -> CostModel:
    """Create or change a cost model. Given lists replace the old ones. A partner editor changes
    only their own body's partner values and baseline and remaining lines.

    Rates and shares are fractions (0.009); the form converts its percentages at its edge.
    """
    data = values_of(command, leave_out=("version", "cost_rate_table"))
    if model is not None:
        check_version(model, expected_version)
    only_body = None
    if actor is not None and not permissions.can_edit_cost_model(actor, initiative):
        if not permissions.can_edit_partner_costs(actor, initiative):
            raise PermissionDenied(_("Your role does not allow this."))
        if model is None:
            raise PermissionDenied(_("Only the coordinators create a savings estimate."))
        only_body = actor.body_id
    errors: dict[str, str] = {}
    values = {} if only_body else _scalars(data, model, errors)
    participant_ids = set(_deciding_ids(initiative))
    partner_rows = None if only_body and "partners" not in data else _rows(data, "partners")
    partners = None
    if partner_rows is not None:
        partners = _partners(partner_rows, participant_ids, errors)
    if partners is None and model is None:
        partners = [
            {"body_id": b, "workstations": None, "cases": None, "fixed_share": None}
            for b in _deciding_ids(initiative)
        ]
    if only_body and partners is not None:
        foreign = [p for p in partners if p["body_id"] != only_body]
        if foreign:
            errors["partners"] = _("You can only change the values of your own body.")
    table_id = values.get("cost_rate_table_id") or (model.cost_rate_table_id if model else None)
    table = db.session.get(CostRateTable, table_id) if table_id else default_table()
    if table is None:
        errors["cost_rate_table_id"] = _("There is no such cost-rate table.")
        grades: set[str] = set()
    else:
        grades = {r.pay_grade for r in table.rates}
        if model is None:
            values.setdefault("cost_rate_table_id", table.id)
    # lines may name the partners of the model as it will be
    if partners is not None and not only_body:
        partner_ids = {p["body_id"] for p in partners}
    else:
        partner_ids = {p.body_id for p in model.partners} if model is not None else set()
    lines = {}
    for section in SECTIONS:
        if only_body and section == "shared":
            lines[section] = None
            continue
        rows = _rows(data, section)
        lines[section] = (
            None if rows is None else _lines(section, rows, grades, partner_ids, errors)
        )
        if only_body and lines[section]:
            if any(row["body_id"] != only_body for row in lines[section]):
                errors[section] = _("You can only change the lines of your own body.")
    events = {}
    for kind in EVENTS:
        rows = None if only_body else _rows(data, kind)
        events[kind] = _events(kind, rows) if rows is not None else None
    payment_rows = None if only_body else _rows(data, "payments")
    payments = None if payment_rows is None else _payments(payment_rows, partner_ids, errors)
    yearly_rows = None if only_body else _rows(data, "yearly_values")
    yearly = None if yearly_rows is None else _yearly_values(yearly_rows, partner_ids, errors)
    if model is None and "name" not in values:
        values["name"] = schemas.DEFAULT_NAME
    name = values.get("name")
    if name and "name" not in errors:
        clash = db.session.scalar(
            select(CostModel.id).where(
                CostModel.initiative_id == initiative.id,
                CostModel.name == name,
                CostModel.id != (model.id if model else -1),
            )
        )
        if clash:
            errors["name"] = _("This initiative already has a scenario of this name.")
    if errors:
        raise _invalid(errors)
    if model is None:
        model = CostModel(
            initiative=initiative,
            initiative_id=initiative.id,
            horizon_years=schemas.DEFAULT_HORIZON_YEARS,
            discount_rate=Decimal(str(current_app.config["SAVINGS_DISCOUNT_RATE"])),
            cost_growth_rate=schemas.DEFAULT_COST_GROWTH_RATE,
            is_primary=not db.session.scalar(
                select(CostModel.id).where(CostModel.initiative_id == initiative.id).limit(1)
            ),
        )
        db.session.add(model)
    _apply(model, values, partners, lines, events, only_body, payments, yearly)
    db.session.flush()
    # The model must compute (fixed shares add up, populations known …); else nothing is kept.
    model = load_model(model.id)
    try:
        result = m.compute(model_input(model))
    except m.ModelError as exc:
        raise _invalid({exc.field: messages.here(exc.text)}) from None
    # kept for the funding check of thousands of grants (the rate does not depend on funding);
    # written beside the versioned update, so a save still counts as one version
    table = CostModel.__table__
    db.session.connection().execute(
        update(table)
        .where(table.c.id == model.id)
        .values(
            savings_rate=result.savings_rate, rate_computed=True, modified_at=table.c.modified_at
        )
    )
    set_committed_value(model, "savings_rate", result.savings_rate)
    set_committed_value(model, "rate_computed", True)
    return model


def copy_model(model: CostModel, name: str | None, *, actor: User | None) -> CostModel:
    """A scenario: a copy of the model under another name, not primary."""
    if actor is not None and not permissions.can_edit_cost_model(actor, model.initiative):
        raise PermissionDenied(_("Your role does not allow this."))
    errors: dict[str, str] = {}
    name = v.limited_text(errors, "name", name, 200) or _("Copy of %(name)s", name=model.name)
    if db.session.scalar(
        select(CostModel.id).where(
            CostModel.initiative_id == model.initiative_id, CostModel.name == name
        )
    ):
        errors["name"] = _("This initiative already has a scenario of this name.")
    if errors:
        raise _invalid(errors)
    copy = CostModel(
        initiative_id=model.initiative_id,
        name=name,
        is_primary=False,
        **{k: getattr(model, k) for k in SCALARS if k != "name"},
    )
    copy.partners = [
        CostModelPartner(body_id=p.body_id, workstations=p.workstations, cases=p.cases,
                         fixed_share=p.fixed_share)
        for p in model.partners
    ]  # fmt: skip
    copy.lines = [
        CostLine(**{k: getattr(ln, k) for k in (
            "section", "body_id", "category", "pay_grade", "fte", "amount", "description")})
        for ln in model.lines
    ]  # fmt: skip
    copy.payments = [
        CostPayment(
            payer_id=p.payer_id, payee_id=p.payee_id, amount=p.amount, first_year=p.first_year,
            last_year=p.last_year, fixed=p.fixed, description=p.description,
        )
        for p in model.payments
    ]  # fmt: skip
    copy.yearly_values = [
        CostPartnerYear(body_id=y.body_id, year=y.year, population=y.population,
                        workstations=y.workstations, cases=y.cases)
        for y in model.yearly_values
    ]  # fmt: skip
    copy.events = [
        CostEvent(kind=e.kind, year=e.year, amount=e.amount, description=e.description)
        for e in model.events
    ]
    db.session.add(copy)
    db.session.flush()
    return copy


def make_primary(model: CostModel, *, actor: User | None) -> None:
    """Make this scenario the initiative's primary estimate (the one the funding check and the
    report use)."""
    if actor is not None and not permissions.can_edit_cost_model(actor, model.initiative):
        raise PermissionDenied(_("Your role does not allow this."))
    for other in db.session.scalars(
        select(CostModel).where(CostModel.initiative_id == model.initiative_id)
    ):
        if other.is_primary != (other.id == model.id):
            other.is_primary = other.id == model.id
    db.session.flush()


def delete_model(model: CostModel, *, actor: User | None, expected_version=None) -> None:
    """Delete a scenario; the version guards against a stale page."""
    if actor is not None and not permissions.can_edit_cost_model(actor, model.initiative):
        raise PermissionDenied(_("Your role does not allow this."))
    check_version(model, expected_version, detailed=False)
    initiative_id, was_primary = model.initiative_id, model.is_primary
    trash.keep(
        model,
        label=model.name,
        context=model.initiative.title,
        district_id=trash.district_of(model.initiative),
    )
    db.session.delete(model)
    db.session.flush()
    if was_primary:
        successor = db.session.scalar(
            select(CostModel).where(CostModel.initiative_id == initiative_id).order_by(CostModel.id)
        )
        if successor is not None:
            successor.is_primary = True
            db.session.flush()


def initiative_with_partners(initiative_id: int) -> Initiative | None:
    """An initiative with its participants and their bodies, or None."""
    return db.session.scalar(
        select(Initiative)
        .where(Initiative.id == initiative_id)
        .options(selectinload(Initiative.participants).joinedload(Participant.body))
    )
