"""The cost-model form: its settings, the partners' values, the cost lines and the one-off costs
and funding by year, in one form. Rates are typed as percentages; the service checks all."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)

from ..commands import text_input
from ..forms import AMOUNT, number_text, percent_text
from ..labels import ALLOCATION_KEY_LABELS, COST_CATEGORY_LABELS, DISCOUNT_TIMING_LABELS
from .schemas import CostModelIn, CostRateTableIn, SharedLineIn

NUMBER = {"inputmode": "decimal", "autocomplete": "off"}


class PartnerRow(Form):
    body_id = HiddenField()
    workstations = StringField(_l("Workstations"), render_kw=NUMBER)
    cases = StringField(_l("Cases"), render_kw=NUMBER)
    fixed_share = StringField(_l("Fixed share (%)"), render_kw=NUMBER)


class LineRow(Form):
    body_id = SelectField(_l("Partner"), choices=[], validate_choice=False)
    category = SelectField(_l("Category"), choices=[], validate_choice=False)
    pay_grade = SelectField(_l("Pay grade"), choices=[], validate_choice=False)
    fte = StringField(_l("FTE"), render_kw=NUMBER)
    amount = StringField(_l("Amount per year (EUR)"), render_kw=AMOUNT)
    # not `description`: a FormField row has a `description` attribute of its own
    note = StringField(_l("Description"), render_kw=text_input(SharedLineIn, "description"))


class RevenueRow(Form):
    body_id = SelectField(_l("Partner"), choices=[], validate_choice=False)
    category = SelectField(_l("Category"), choices=[], validate_choice=False, default="fees")
    amount = StringField(_l("Amount per year (EUR)"), render_kw=AMOUNT)
    note = StringField(_l("Description"), render_kw=text_input(SharedLineIn, "description"))


class YearValuesRow(Form):
    body_id = SelectField(_l("Partner"), choices=[], validate_choice=False)
    year = StringField(_l("From year"), render_kw={"inputmode": "numeric"})
    population = StringField(_l("Population"), render_kw={"inputmode": "numeric"})
    workstations = StringField(_l("Workstations"), render_kw=NUMBER)
    cases = StringField(_l("Cases"), render_kw=NUMBER)


class EventRow(Form):
    year = StringField(_l("Year"), render_kw={"inputmode": "numeric"})
    amount = StringField(_l("Amount (EUR)"), render_kw=AMOUNT)
    note = StringField(_l("Description"), render_kw=text_input(SharedLineIn, "description"))


class PaymentRow(Form):
    payer_id = SelectField(_l("Pays"), choices=[], validate_choice=False)
    payee_id = SelectField(_l("Performs the service and receives"), choices=[],
                           validate_choice=False)  # fmt: skip
    amount = StringField(_l("Amount per year (EUR)"), render_kw=AMOUNT)
    first_year = StringField(_l("From year"), render_kw={"inputmode": "numeric"})
    last_year = StringField(_l("Until year"), render_kw={"inputmode": "numeric"})
    fixed = BooleanField(_l("Fixed (does not grow with the costs)"))
    note = StringField(_l("Description"), render_kw=text_input(SharedLineIn, "description"))


def _with_description(data: dict) -> dict:
    out = dict(data)
    if "note" in out:
        out["description"] = out.pop("note")
    return out


class CostModelForm(FlaskForm):
    name = StringField(_l("Scenario name"), render_kw=text_input(CostModelIn, "name"))
    first_year = StringField(_l("First year"), render_kw={"inputmode": "numeric"})
    horizon_years = StringField(_l("Horizon (years)"), render_kw={"inputmode": "numeric"})
    discount_rate = StringField(_l("Discount rate (%)"), render_kw=NUMBER)
    cost_growth_rate = StringField(_l("Cost growth per year (%)"), render_kw=NUMBER)
    cost_rate_table_id = SelectField(_l("Cost-rate table"), choices=[], validate_choice=False)
    allocation_key = SelectField(
        _l("Allocation key"),
        choices=[],
        validate_choice=False,
        description=_l(
            "A population key is fair only where use follows population: courts have set "
            "population keys aside where the partners' use differed. Where it does, split by "
            "workstations or cases."
        ),
    )
    discount_timing = SelectField(
        _l("Discounting"),
        choices=[],
        validate_choice=False,
        description=_l(
            "When a year's savings count for the present value. WiBe 5.0 counts them at the "
            "end of each year: the first year is already discounted by one year."
        ),
    )
    base_share = StringField(
        _l("Base share (%)"),
        description=_l("Only for the key base share plus population: the part split equally."),
        render_kw=NUMBER,
    )
    notes = TextAreaField(_l("Notes"), render_kw={"rows": 3})
    partners = FieldList(FormField(PartnerRow), min_entries=0)
    baseline = FieldList(FormField(LineRow), min_entries=0)
    shared = FieldList(FormField(LineRow), min_entries=0)
    remaining = FieldList(FormField(LineRow), min_entries=0)
    revenue = FieldList(FormField(RevenueRow), min_entries=0)
    one_off = FieldList(FormField(EventRow), min_entries=0)
    one_off_revenue = FieldList(FormField(EventRow), min_entries=0)
    funding = FieldList(FormField(EventRow), min_entries=0)
    payments = FieldList(FormField(PaymentRow), min_entries=0)
    yearly_values = FieldList(FormField(YearValuesRow), min_entries=0)
    version = HiddenField()

    SECTIONS = ("baseline", "shared", "remaining")
    EVENTS = ("revenue", "one_off", "one_off_revenue", "funding", "payments", "yearly_values")

    def set_choices(self, tables, bodies, grades) -> None:
        """Fill the selects: cost-rate tables, allocation keys, partners and pay grades."""
        self.cost_rate_table_id.choices = [(str(t.id), t.name) for t in tables]
        self.allocation_key.choices = [(k.value, v) for k, v in ALLOCATION_KEY_LABELS.items()]
        self.discount_timing.choices = [(k.value, v) for k, v in DISCOUNT_TIMING_LABELS.items()]
        body_options = [("", _l("– choose –")), *((str(b.id), b.name) for b in bodies)]
        joint_options = [("", _l("Joint service")), *((str(b.id), b.name) for b in bodies)]
        categories = [(k.value, v) for k, v in COST_CATEGORY_LABELS.items()]
        for row in self.revenue:
            row.body_id.choices = joint_options
            row.category.choices = categories
        for row in self.yearly_values:
            row.body_id.choices = body_options
        grade_options = [("", _l("– amount –")), *((g, g) for g in grades)]
        for row in self.payments:
            row.payer_id.choices = body_options
            row.payee_id.choices = body_options
        for section in self.SECTIONS:
            for row in self[section]:
                row.body_id.choices = body_options
                row.category.choices = categories
                row.pay_grade.choices = grade_options

    def add_blank_rows(self, n: int = 1, only: tuple[str, ...] | None = None) -> None:
        """Add `n` empty rows to each list (or to the lists named in `only`)."""
        for name in only or (*self.SECTIONS, *self.EVENTS):
            for _ in range(n):
                self[name].append_entry()

    def values(self, only_body: int | None = None) -> dict:
        """The form's data as the service takes it (a partner editor sends only their rows)."""
        rows = {
            name: [_with_description(r.data) for r in self[name]]
            for name in ("partners", *self.SECTIONS, *self.EVENTS)
        }
        if only_body is not None:
            mine = str(only_body)
            return {
                "partners": [r for r in rows["partners"] if r["body_id"] == mine],
                "baseline": [r for r in rows["baseline"] if r["body_id"] in (mine, "")],
                "remaining": [r for r in rows["remaining"] if r["body_id"] in (mine, "")],
            }
        out = {
            name: field.data
            for name, field in self._fields.items()
            if name not in ("csrf_token", "version", "partners", *self.SECTIONS, *self.EVENTS)
        }
        return out | rows

    def fill(self, model) -> None:
        """Show a stored model: numbers in the page's notation, rates and shares in percent."""
        self.name.data = model.name
        self.first_year.data = str(model.first_year)
        self.horizon_years.data = str(model.horizon_years)
        self.discount_rate.data = percent_text(model.discount_rate)
        self.cost_growth_rate.data = percent_text(model.cost_growth_rate)
        self.cost_rate_table_id.data = str(model.cost_rate_table_id)
        self.allocation_key.data = model.allocation_key.value
        self.discount_timing.data = model.discount_timing.value
        self.base_share.data = percent_text(model.base_share)
        self.notes.data = model.notes or ""
        self.version.data = str(model.version)
        for p in model.partners:
            self.partners.append_entry(
                {
                    "body_id": str(p.body_id),
                    "workstations": number_text(p.workstations, 0) if p.workstations else "",
                    "cases": number_text(p.cases, 0) if p.cases else "",
                    "fixed_share": percent_text(p.fixed_share),
                }
            )
        for ln in model.lines:
            if ln.section.value == "revenue":
                self.revenue.append_entry(
                    {
                        "body_id": str(ln.body_id or ""),
                        "category": ln.category.value,
                        "amount": number_text(ln.amount),
                        "note": ln.description or "",
                    }
                )
                continue
            self[ln.section.value].append_entry(
                {
                    "body_id": str(ln.body_id or ""),
                    "category": ln.category.value,
                    "pay_grade": ln.pay_grade or "",
                    "fte": number_text(ln.fte, 2) if ln.fte is not None else "",
                    "amount": number_text(ln.amount) if ln.amount is not None else "",
                    "note": ln.description or "",
                }
            )
        for e in model.events:
            self[e.kind.value].append_entry(
                {
                    "year": str(e.year),
                    "amount": number_text(e.amount),
                    "note": e.description or "",
                }
            )
        for y in model.yearly_values:
            self.yearly_values.append_entry(
                {
                    "body_id": str(y.body_id),
                    "year": str(y.year),
                    "population": str(y.population) if y.population is not None else "",
                    "workstations": number_text(y.workstations, 0) if y.workstations else "",
                    "cases": number_text(y.cases, 0) if y.cases else "",
                }
            )
        for p in model.payments:
            self.payments.append_entry(
                {
                    "payer_id": str(p.payer_id),
                    "payee_id": str(p.payee_id),
                    "amount": number_text(p.amount),
                    "first_year": str(p.first_year or ""),
                    "last_year": str(p.last_year or ""),
                    "fixed": bool(p.fixed),
                    "note": p.description or "",
                }
            )


class CopyForm(FlaskForm):
    name = StringField(_l("Name of the new scenario"), render_kw={"maxlength": 200})


class RateTableForm(FlaskForm):
    name = StringField(
        _l("Name"),
        description=_l("e.g. KGSt 2026/27"),
        render_kw=text_input(CostRateTableIn, "name"),
    )
    year = StringField(
        _l("Year"), description=_l("e.g. 2026/27"), render_kw=text_input(CostRateTableIn, "year")
    )
    source = StringField(_l("Source"), render_kw=text_input(CostRateTableIn, "source"))
    hours_employee = StringField(_l("Hours a year, employees"), render_kw={"inputmode": "numeric"})
    hours_civil_servant = StringField(
        _l("Hours a year, civil servants"), render_kw={"inputmode": "numeric"}
    )
    values_are = SelectField(_l("The values are"), choices=[], default="annual")
    rates = TextAreaField(
        _l("Values by pay grade"),
        description=_l(
            "One pay grade per line: E9a; 98.374,22 (A grades count as civil servants)."
        ),
        render_kw={"rows": 14},
    )
    notes = TextAreaField(_l("Notes"), render_kw={"rows": 2})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.values_are.choices = [
            ("annual", _l("Annual full costs as published (the hourly rate is derived)")),
            ("hourly", _l("Hourly rates (the annual cost is derived)")),
        ]
