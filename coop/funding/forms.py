"""Forms of programmes and grants. Types and rules are checked in the services; the forms render,
carry the CSRF token, and show stored values in German notation."""

from __future__ import annotations

from decimal import Decimal

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
from ..forms import AMOUNT, DATE, number_text, percent_text
from ..labels import GRANT_FIELD_LABELS as G
from ..labels import GRANT_STATUS_LABELS, TRANCHE_STATE_LABELS
from ..labels import PROGRAM_FIELD_LABELS as P
from ..models import STATES
from ..resolutions.forms import pdf_field
from .presets import BODY_ATTRIBUTES
from .schemas import PROGRAM_AMOUNTS, PROGRAM_RATES, FundingProgramCreate, GrantCreate


class TierRow(Form):
    min_partners = StringField(_l("From partners"), render_kw={"inputmode": "numeric"})
    amount = StringField(_l("Amount (EUR)"), render_kw=AMOUNT)


TIER_ROWS = 5


class ProgramForm(FlaskForm):
    name = StringField(P["name"], render_kw=text_input(FundingProgramCreate, "name"))
    provider = StringField(P["provider"], render_kw=text_input(FundingProgramCreate, "provider"))
    state = SelectField(P["state"], choices=[], validate_choice=False)
    legal_basis = StringField(
        P["legal_basis"], render_kw=text_input(FundingProgramCreate, "legal_basis")
    )
    legal_basis_url = StringField(P["legal_basis_url"], render_kw={"type": "url"})
    base_amount = StringField(
        P["base_amount"], description=_l("e.g. 175.000,00; leave empty if none"), render_kw=AMOUNT
    )
    base_partners = StringField(P["base_partners"], render_kw={"inputmode": "numeric"})
    amount_per_additional_partner = StringField(
        P["amount_per_additional_partner"], render_kw=AMOUNT
    )
    max_funding_rate = StringField(
        P["max_funding_rate"], description=_l("e.g. 90"), render_kw=AMOUNT
    )
    min_partners = StringField(P["min_partners"], render_kw={"inputmode": "numeric"})
    min_duration_years = StringField(P["min_duration_years"], render_kw={"inputmode": "numeric"})
    min_savings_rate = StringField(
        P["min_savings_rate"], description=_l("e.g. 15"), render_kw=AMOUNT
    )
    requires_all_council_resolutions = BooleanField(P["requires_all_council_resolutions"])
    application_from = StringField(P["application_from"], render_kw=DATE)
    application_until = StringField(P["application_until"], render_kw=DATE)
    notes = TextAreaField(P["notes"], render_kw={"rows": 4})
    amount_tiers = FieldList(FormField(TierRow), min_entries=TIER_ROWS, max_entries=20)
    amount_per_project = StringField(P["amount_per_project"], render_kw=AMOUNT)
    amount_per_member = StringField(
        P["amount_per_member"],
        description=_l(
            "Paid instead of the other amounts where the initiative's legal form is an "
            "administrative union, for each partner."
        ),
        render_kw=AMOUNT,
    )
    count_partners_in_state_only = BooleanField(P["count_partners_in_state_only"])
    single_state_partner_amount = StringField(P["single_state_partner_amount"], render_kw=AMOUNT)
    min_eligible_costs = StringField(P["min_eligible_costs"], render_kw=AMOUNT)
    region_attribute = SelectField(P["region_attribute"], choices=[], validate_choice=False)
    region_amount = StringField(P["region_amount"], render_kw=AMOUNT)
    rate_attribute = SelectField(P["rate_attribute"], choices=[], validate_choice=False)
    rate_with_attribute = StringField(P["rate_with_attribute"], render_kw={"inputmode": "decimal"})
    no_start_before_application = BooleanField(P["no_start_before_application"])
    justification_below_partners = StringField(
        P["justification_below_partners"], render_kw={"inputmode": "numeric"}
    )
    savings_or_improvement = BooleanField(P["savings_or_improvement"])
    version = HiddenField()

    def set_choices(self) -> None:
        """Fill the federal states and the body attributes programmes ask about."""
        self.state.choices = [("", _l("– none (federal or EU) –")), *STATES.items()]
        attributes = [("", _l("– none –"))] + [
            (code, f"{label} ({source})") for code, (label, source) in BODY_ATTRIBUTES.items()
        ]
        self.region_attribute.choices = attributes
        self.rate_attribute.choices = attributes

    def values(self) -> dict:
        """The posted values as the service takes them (rates still in percent: the view converts
        them); empty tier rows are left out."""
        out = {
            name: field.data
            for name, field in self._fields.items()
            if name not in ("csrf_token", "version", "amount_tiers")
        }
        out["amount_tiers"] = [
            {"min_partners": row.min_partners.data, "amount": row.amount.data}
            for row in self.amount_tiers
            if (row.min_partners.data or "").strip() or (row.amount.data or "").strip()
        ]
        return out

    def fill(self, program) -> None:
        """Show a stored programme: amounts and rates in the page's notation, rates in percent."""
        for name in self.values():
            value = getattr(program, name)
            if name == "amount_tiers":
                tiers = list(value or [])
                for row, tier in zip(self.amount_tiers, tiers, strict=False):
                    row.min_partners.data = str(tier["min_partners"])
                    row.amount.data = number_text(Decimal(str(tier["amount"])))
                continue
            if name in PROGRAM_RATES:
                value = percent_text(value)
            elif name in PROGRAM_AMOUNTS:
                value = number_text(value)
            elif name in (
                "requires_all_council_resolutions",
                "count_partners_in_state_only",
                "no_start_before_application",
                "savings_or_improvement",
            ):
                value = bool(value)
            elif value is None:
                value = ""
            else:
                value = str(value)
            self[name].data = value
        self.version.data = str(program.version)


class TrancheRow(Form):
    date = StringField(G["date"], render_kw=DATE)
    amount = StringField(G["amount"], render_kw=AMOUNT)
    state = SelectField(G["state"], choices=[], validate_choice=False)


class GrantForm(FlaskForm):
    initiative_id = SelectField(G["initiative_id"], choices=[], validate_choice=False)
    program_id = SelectField(G["program_id"], choices=[], validate_choice=False)
    status = SelectField(G["status"], choices=[], validate_choice=False)
    reference = StringField(G["reference"], render_kw=text_input(GrantCreate, "reference"))
    application_date = StringField(G["application_date"], render_kw=DATE)
    eligible_costs = StringField(G["eligible_costs"], render_kw=AMOUNT)
    amount_requested = StringField(G["amount_requested"], render_kw=AMOUNT)
    amount_granted = StringField(G["amount_granted"], render_kw=AMOUNT)
    grant_letter_date = StringField(G["grant_letter_date"], render_kw=DATE)
    period_start = StringField(G["period_start"], render_kw=DATE)
    period_end = StringField(G["period_end"], render_kw=DATE)
    proof_of_use_due = StringField(G["proof_of_use_due"], render_kw=DATE)
    proof_of_use_submitted = StringField(G["proof_of_use_submitted"], render_kw=DATE)
    notes = TextAreaField(G["notes"], render_kw={"rows": 4})
    justification = TextAreaField(G["justification"], render_kw={"rows": 3})
    service_improvement = TextAreaField(G["service_improvement"], render_kw={"rows": 3})
    confirm_improvement = BooleanField(G["confirm_improvement"])
    tranches = FieldList(FormField(TrancheRow), min_entries=0)
    version = HiddenField()

    def set_choices(self, initiatives, programs) -> None:
        """Fill the selects: initiatives, programmes, statuses and tranche states."""
        self.initiative_id.choices = [
            ("", _l("– please choose –")),
            *((str(i.id), i.title) for i in initiatives),
        ]
        self.program_id.choices = [
            ("", _l("– please choose –")),
            *((str(p.id), p.name) for p in programs),
        ]
        self.status.choices = [(k.value, v) for k, v in GRANT_STATUS_LABELS.items()]
        for row in self.tranches:
            row.state.choices = [(k.value, v) for k, v in TRANCHE_STATE_LABELS.items()]

    def add_blank_rows(self, n: int) -> None:
        """Add `n` empty tranche rows."""
        for _ in range(n):
            self.tranches.append_entry()

    def values(self) -> dict:
        """The posted values as the service takes them, tranche rows included."""
        out = {
            name: field.data
            for name, field in self._fields.items()
            if name not in ("csrf_token", "version", "tranches")
        }
        out["tranches"] = [dict(row.data) for row in self.tranches]
        return out

    def fill(self, grant) -> None:
        """Show a stored grant: amounts and dates in the page's notation, its tranches as rows."""
        for name in self.values():
            if name in ("tranches", "confirm_improvement"):
                continue
            value = getattr(grant, name)
            if name in ("eligible_costs", "amount_requested", "amount_granted"):
                value = number_text(value)
            elif hasattr(value, "value"):
                value = value.value
            elif value is None:
                value = ""
            else:
                value = str(value)
            self[name].data = value
        self.version.data = str(grant.version)
        for t in grant.tranches:
            self.tranches.append_entry(
                {
                    "date": t.due_on.isoformat(),
                    "amount": number_text(t.amount),
                    "state": t.state.value,
                }
            )


class DocumentForm(FlaskForm):
    title = StringField(
        _l("Title"), description=_l("e.g. Grant letter"), render_kw={"maxlength": 300}
    )
    document = pdf_field(_l("PDF file (at most 20 MB)"))
