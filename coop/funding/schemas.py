"""Commands on funding programmes and grants. Rates are fractions (0.9 = 90 %) inside; the form
shows percentages and converts at its edge. The API binds these models, the forms take their
limits."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from ..commands import (
    MONEY,
    RATE,
    Command,
    Day,
    Flag,
    Id,
    Integer,
    Line,
    Money,
    Paragraphs,
    Rate,
    StateKey,
    Url,
)
from ..core.attributes import BODY_ATTRIBUTES
from ..models import GrantStatus, TrancheState

Attribute = Literal[tuple(BODY_ATTRIBUTES)]

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


class AmountTier(Command):
    min_partners: Integer = Field(description="From this number of partners on", ge=1, le=1000)
    amount: Money = Field(description=MONEY)


class FundingProgramFields(Command):
    provider: Line | None = Field(None, max_length=300)
    state: StateKey | None = Field(None, description="Two-digit key of the federal state, e.g. 05")
    legal_basis: Line | None = Field(None, max_length=500)
    legal_basis_url: Url | None = Field(None, max_length=500)
    base_amount: Money | None = Field(None, description="For the first base_partners. " + MONEY)
    base_partners: Integer | None = Field(None, ge=1, le=1000)
    amount_per_additional_partner: Money | None = Field(None, description=MONEY)
    max_funding_rate: Rate | None = Field(None, description="Of eligible costs. " + RATE)
    min_partners: Integer | None = Field(None, ge=1, le=1000)
    min_duration_years: Integer | None = Field(None, ge=0, le=100)
    min_savings_rate: Rate | None = Field(None, description=RATE)
    requires_all_council_resolutions: Flag | None = None
    application_from: Day | None = None
    application_until: Day | None = None
    notes: Paragraphs | None = Field(None, max_length=20000)
    amount_tiers: list[AmountTier] | None = Field(
        None,
        description="Amount by number of partners, in ascending order; the highest tier that "
        "applies wins (instead of the base formula)",
        max_length=20,
    )
    amount_per_project: Money | None = Field(None, description="Fixed amount per project. " + MONEY)
    amount_per_member: Money | None = Field(
        None,
        description="Amount per member municipality where the initiative's legal form is an "
        "administrative union (Gemeindeverwaltungsverband, Verwaltungsgemeinschaft). " + MONEY,
    )
    count_partners_in_state_only: Flag | None = Field(
        None, description="Only partners in the programme's Land count"
    )
    single_state_partner_amount: Money | None = Field(
        None, description="The amount when only one partner lies in the Land. " + MONEY
    )
    min_eligible_costs: Money | None = Field(
        None, description="Below these eligible costs nothing is paid. " + MONEY
    )
    region_attribute: Attribute | None = Field(
        None, description="Body attribute of the region bonus (e.g. lep_rbh)"
    )
    region_amount: Money | None = Field(
        None,
        description="Amount per project when the applicant and most partners have the "
        "region attribute. " + MONEY,
    )
    rate_attribute: Attribute | None = Field(
        None, description="Body attribute of the higher rate (e.g. staerkungspakt)"
    )
    rate_with_attribute: Money | None = Field(
        None, description="The rate when the applicant has the attribute. " + RATE
    )
    no_start_before_application: Flag | None = Field(
        None, description="The project may not start before the application"
    )
    justification_below_partners: Integer | None = Field(
        None,
        description="Below this many partners the application needs a justification",
        ge=1,
        le=1000,
    )
    savings_or_improvement: Flag | None = Field(
        None, description="A confirmed service improvement may replace the minimum savings"
    )


class FundingProgramCreate(FundingProgramFields):
    name: Line = Field(max_length=300)
    requires_all_council_resolutions: Flag = False


class FundingProgramUpdate(FundingProgramFields):
    PARTIAL: ClassVar[bool] = True
    NOT_EMPTY: ClassVar[tuple[str, ...]] = ("name", "requires_all_council_resolutions")

    name: Line | None = Field(None, max_length=300)
    version: Integer | None = Field(
        None, description="The version you edit; a stale one gives 409. Or send If-Match."
    )


class TrancheIn(Command):
    date: Day
    amount: Money = Field(description=MONEY)
    state: TrancheState = TrancheState.PLANNED


class GrantFields(Command):
    status: GrantStatus | None = None
    reference: Line | None = Field(None, max_length=100, description="File number")
    application_date: Day | None = None
    eligible_costs: Money | None = Field(None, description=MONEY)
    amount_requested: Money | None = Field(None, description=MONEY)
    amount_granted: Money | None = Field(None, description=MONEY)
    grant_letter_date: Day | None = None
    period_start: Day | None = None
    period_end: Day | None = None
    proof_of_use_due: Day | None = None
    proof_of_use_submitted: Day | None = None
    notes: Paragraphs | None = Field(None, max_length=20000)
    justification: Paragraphs | None = Field(
        None, max_length=5000, description="Why fewer partners than the programme's usual number"
    )
    service_improvement: Paragraphs | None = Field(
        None, max_length=5000, description="A documented service improvement instead of savings"
    )
    confirm_improvement: Flag | None = Field(
        None, description="I confirm the service improvement (recorded with my name)"
    )
    tranches: list[TrancheIn] | None = Field(
        None, description="Replaces the list when given", max_length=200
    )


class GrantCreate(GrantFields):
    initiative_id: Id
    program_id: Id
    status: GrantStatus = GrantStatus.PLANNED


class GrantUpdate(GrantFields):
    PARTIAL: ClassVar[bool] = True
    NOT_EMPTY: ClassVar[tuple[str, ...]] = ("initiative_id", "program_id", "status")

    initiative_id: Id | None = None
    program_id: Id | None = None
    version: Integer | None = Field(
        None, description="The version you edit; a stale one gives 409. Or send If-Match."
    )
