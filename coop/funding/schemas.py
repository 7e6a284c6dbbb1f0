"""Commands on funding programmes and grants. Rates are fractions (0.9 = 90 %) inside; the form
shows percentages and converts at its edge. The API binds these models, the forms take their
limits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ..commands import ID, MONEY, RATE, Paragraphs
from ..models import GrantStatus, TrancheState

# the programme's fields that are amounts, and those that are rates (fractions inside, percent
# on the form)
PROGRAM_AMOUNTS = (
    "base_amount",
    "amount_per_additional_partner",
    "amount_per_project",
    "amount_per_member",
    "single_state_partner_amount",
    "min_eligible_costs",
    "region_amount",
)
PROGRAM_RATES = ("max_funding_rate", "min_savings_rate", "rate_with_attribute")


class AmountTier(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_partners: StrictInt = Field(description="From this number of partners on", ge=1, le=1000)
    amount: Decimal = Field(description=MONEY)


class FundingProgramFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider: str | None = Field(None, max_length=300)
    state: str | None = Field(None, description="Two-digit key of the federal state, e.g. 05")
    legal_basis: str | None = Field(None, max_length=500)
    legal_basis_url: str | None = Field(None, max_length=500)
    base_amount: Decimal | None = Field(None, description="For the first base_partners. " + MONEY)
    base_partners: StrictInt | None = Field(None, ge=-(2**31), le=2**31 - 1)
    amount_per_additional_partner: Decimal | None = Field(None, description=MONEY)
    max_funding_rate: Decimal | None = Field(None, description="Of eligible costs. " + RATE)
    min_partners: StrictInt | None = Field(None, ge=-(2**31), le=2**31 - 1)
    min_duration_years: StrictInt | None = Field(None, ge=-(2**31), le=2**31 - 1)
    min_savings_rate: Decimal | None = Field(None, description=RATE)
    requires_all_council_resolutions: bool | None = None
    application_from: date | None = None
    application_until: date | None = None
    notes: Paragraphs | None = Field(None, max_length=20000)
    amount_tiers: list[AmountTier] | None = Field(
        None,
        description="Amount by number of partners, in ascending order; the highest tier that "
        "applies wins (instead of the base formula)",
        max_length=20,
    )
    amount_per_project: Decimal | None = Field(
        None, description="Fixed amount per project. " + MONEY
    )
    amount_per_member: Decimal | None = Field(
        None,
        description="Amount per member municipality where the initiative's legal form is an "
        "administrative union (Gemeindeverwaltungsverband, Verwaltungsgemeinschaft). " + MONEY,
    )
    count_partners_in_state_only: bool | None = Field(
        None, description="Only partners in the programme's Land count"
    )
    single_state_partner_amount: Decimal | None = Field(
        None, description="The amount when only one partner lies in the Land. " + MONEY
    )
    min_eligible_costs: Decimal | None = Field(
        None, description="Below these eligible costs nothing is paid. " + MONEY
    )
    region_attribute: str | None = Field(
        None, description="Body attribute of the region bonus (e.g. lep_rbh)", max_length=50
    )
    region_amount: Decimal | None = Field(
        None,
        description="Amount per project when the applicant and most partners have the "
        "region attribute. " + MONEY,
    )
    rate_attribute: str | None = Field(
        None, description="Body attribute of the higher rate (e.g. staerkungspakt)", max_length=50
    )
    rate_with_attribute: Decimal | None = Field(
        None, description="The rate when the applicant has the attribute. " + RATE
    )
    no_start_before_application: bool | None = Field(
        None, description="The project may not start before the application"
    )
    justification_below_partners: StrictInt | None = Field(
        None, description="Below this many partners the application needs a justification",
        ge=-(2**31), le=2**31 - 1,
    )  # fmt: skip
    savings_or_improvement: bool | None = Field(
        None, description="A confirmed service improvement may replace the minimum savings"
    )


class FundingProgramCreate(FundingProgramFields):
    name: str = Field(max_length=300)


class FundingProgramUpdate(FundingProgramFields):
    name: str | None = Field(None, max_length=300)
    version: StrictInt | None = Field(
        None, description="The version you edit; a stale one gives 409. Or send If-Match."
    )


class TrancheIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: date
    amount: Decimal = Field(description=MONEY)
    state: TrancheState = TrancheState.PLANNED


class GrantFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: GrantStatus | None = None
    reference: str | None = Field(None, max_length=100, description="File number")
    application_date: date | None = None
    eligible_costs: Decimal | None = Field(None, description=MONEY)
    amount_requested: Decimal | None = Field(None, description=MONEY)
    amount_granted: Decimal | None = Field(None, description=MONEY)
    grant_letter_date: date | None = None
    period_start: date | None = None
    period_end: date | None = None
    proof_of_use_due: date | None = None
    proof_of_use_submitted: date | None = None
    notes: Paragraphs | None = Field(None, max_length=20000)
    justification: Paragraphs | None = Field(
        None, max_length=5000, description="Why fewer partners than the programme's usual number"
    )
    service_improvement: Paragraphs | None = Field(
        None, max_length=5000, description="A documented service improvement instead of savings"
    )
    confirm_improvement: bool | None = Field(
        None, description="I confirm the service improvement (recorded with my name)"
    )
    tranches: list[TrancheIn] | None = Field(
        None, description="Replaces the list when given", max_length=200
    )


class GrantCreate(GrantFields):
    initiative_id: StrictInt = Field(**ID)
    program_id: StrictInt = Field(**ID)


class GrantUpdate(GrantFields):
    initiative_id: StrictInt | None = Field(None, **ID)
    program_id: StrictInt | None = Field(None, **ID)
    version: StrictInt | None = Field(
        None, description="The version you edit; a stale one gives 409. Or send If-Match."
    )
