"""The XLSX of one cost model: its inputs and, when computed, its results by year and partner."""

from __future__ import annotations

import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from ..core import savings_model as m
from ..exports import no_formulas, texts_only
from ..labels import (
    ALLOCATION_KEY_LABELS,
    COST_CATEGORY_LABELS,
    COST_EVENT_LABELS,
    COST_SECTION_LABELS,
    DISCOUNT_TIMING_LABELS,
    label,
)
from . import services
from .present import partner_columns


def model_workbook(initiative, model, outcome) -> bytes:
    """Inputs and results of one model; numbers stay Decimal (openpyxl writes them exactly)."""
    wb = Workbook()
    bold = Font(bold=True)
    names = {p.body_id: p.body.name for p in initiative.participants}
    ws = texts_only(wb.active)
    ws.title = _("Inputs")
    rows = [
        (_("Initiative"), initiative.title),
        (_("Scenario"), model.name),
        (_("First year"), model.first_year),
        (_("Horizon (years)"), model.horizon_years),
        (_("Discount rate"), model.discount_rate),
        (_("Discounting"), str(label(DISCOUNT_TIMING_LABELS, model.discount_timing))),
        (_("Cost growth per year"), model.cost_growth_rate),
        (_("Cost-rate table"), model.cost_rate_table.name),
        (_("Allocation key"), str(label(ALLOCATION_KEY_LABELS, model.allocation_key))),
        (_("Base share"), model.base_share),
    ]
    for row in rows:
        ws.append(row)
    ws.append([])
    ws.append([_("Partner"), _("Population"), _("Workstations"), _("Cases"), _("Fixed share")])
    ws.cell(ws.max_row, 1).font = bold
    for p in model.partners:
        ws.append(
            [
                names.get(p.body_id, p.body_id),
                p.body.population,
                (p.workstations) if p.workstations is not None else None,
                (p.cases) if p.cases is not None else None,
                (p.fixed_share) if p.fixed_share is not None else None,
            ]
        )
    if model.yearly_values:
        ws.append([])
        ws.append([_("Partner"), _("From year"), _("Population"), _("Workstations"), _("Cases")])
        ws.cell(ws.max_row, 1).font = bold
        for y in model.yearly_values:
            ws.append([names.get(y.body_id, ""), y.year, y.population, y.workstations, y.cases])
    ws.append([])
    ws.append([_("Section"), _("Partner"), _("Category"), _("Pay grade"), _("FTE"),
               _("Amount per year (EUR)"), _("Per year"), _("Description")])  # fmt: skip
    ws.cell(ws.max_row, 1).font = bold
    costs = services.line_costs(model)
    for ln in model.lines:
        cost = costs[ln.id]
        ws.append(
            [
                str(label(COST_SECTION_LABELS, ln.section)),
                names.get(ln.body_id, "") if ln.body_id else _("joint"),
                str(label(COST_CATEGORY_LABELS, ln.category)),
                ln.pay_grade,
                (ln.fte) if ln.fte is not None else None,
                (ln.amount) if ln.amount is not None else None,
                (m.to_cents(cost)),
                ln.description,
            ]
        )
    ws.append([])
    ws.append([_("Kind"), _("Year"), _("Amount (EUR)"), _("Description")])
    ws.cell(ws.max_row, 1).font = bold
    for e in model.events:
        ws.append([str(label(COST_EVENT_LABELS, e.kind)), e.year, e.amount, e.description])
    if model.payments:
        ws.append([])
        ws.append([_("Pays"), _("Performs the service and receives"), _("Amount per year (EUR)"),
                   _("From year"), _("Until year"), _("Fixed"), _("Description")])  # fmt: skip
        ws.cell(ws.max_row, 1).font = bold
        for p in model.payments:
            ws.append(
                [names.get(p.payer_id, ""), names.get(p.payee_id, ""), p.amount, p.first_year,
                 p.last_year, _("yes") if p.fixed else _("no"), p.description]
            )  # fmt: skip
    if outcome is not None and outcome.result is not None:
        r = outcome.result
        res = texts_only(wb.create_sheet(_("Result")))
        res.append([_("Year"), _("Today"), _("Joint service"), _("In cooperation"),
                    _("Savings"), _("Cumulative")])  # fmt: skip
        for y in r.years:
            res.append(
                [y.year]
                + [
                    (m.to_cents(x))
                    for x in (y.baseline, y.joint, y.cooperation, y.savings, y.cumulative)
                ]
            )
        res.append([])
        res.append([_("Net present value"), (m.to_cents(r.npv))])
        res.append([_("Break-even year"), r.break_even_year])
        res.append([_("Savings rate"), r.savings_rate])
        part = texts_only(wb.create_sheet(_("Partners")))
        part.append(partner_columns())
        for p in r.partners:
            part.append(
                [
                    names.get(p.body_id, p.body_id),
                    (p.share),
                    (m.to_cents(p.baseline_total)),
                    (m.to_cents(p.cooperation_total)),
                    (m.to_cents(p.savings_total)),
                    (p.savings_rate) if p.savings_rate is not None else None,
                ]
            )
    for sheet in wb.worksheets:
        for row in sheet.iter_rows(min_row=1, max_row=1):
            for cell in row:
                cell.font = bold
        for col in sheet.columns:
            sheet.column_dimensions[col[0].column_letter].width = 18
    out = io.BytesIO()
    no_formulas(wb)
    wb.save(out)
    return out.getvalue()
