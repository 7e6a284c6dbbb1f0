"""The command that saves a cost model (savings estimate). Rates and shares are fractions inside;
the form shows percentages and converts at its edge. Defaults live here and nowhere else."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ..commands import FTE, ID, MONEY, Paragraphs
from ..models import AllocationKey, CostCategory, DiscountTiming


class CostPartnerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body_id: StrictInt = Field(**ID)
    workstations: Decimal | None = None
    cases: Decimal | None = None
    fixed_share: Decimal | None = Field(None, description="Fraction; the shares add up to 1")


class SharedLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: CostCategory = CostCategory.OTHER
    pay_grade: str | None = Field(None, max_length=20, description="Staff line: e.g. E9a")
    fte: Decimal | None = Field(None, description=FTE)
    amount: Decimal | None = Field(None, description="Amount per year. " + MONEY)
    description: str | None = Field(None, max_length=300)


class PartnerLineIn(SharedLineIn):
    body_id: StrictInt = Field(**ID)


class OneOffIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: StrictInt = Field(ge=1990, le=2100)
    amount: Decimal = Field(description=MONEY)
    description: str | None = Field(None, max_length=300)


class FundingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: StrictInt = Field(ge=1990, le=2100)
    amount: Decimal = Field(description=MONEY)
    description: str | None = Field(None, max_length=300)


# The defaults of a new cost model, here and nowhere else: the API's schema shows them, the
# service fills them in (the discount rate comes from the configuration: SAVINGS_DISCOUNT_RATE).
DEFAULT_NAME = "Grundszenario"
DEFAULT_HORIZON_YEARS = 10
DEFAULT_COST_GROWTH_RATE = Decimal("0")


class PaymentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    payer_id: StrictInt = Field(**ID, description="The partner that pays")
    payee_id: StrictInt = Field(**ID, description="The partner that performs the service")
    amount: Decimal = Field(description="Per year. " + MONEY)
    first_year: StrictInt | None = Field(None, ge=1990, le=2100)
    last_year: StrictInt | None = Field(None, ge=1990, le=2100)
    fixed: bool = Field(False, description="The same amount every year (else it grows)")
    description: str | None = Field(None, max_length=300)


class RevenueLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body_id: StrictInt | None = Field(
        None, **ID, description="The partner that earns it; empty: the joint service's"
    )
    category: CostCategory = CostCategory.FEES
    amount: Decimal = Field(description="Per year, beyond today's revenue. " + MONEY)
    description: str | None = Field(None, max_length=300)


class YearValuesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body_id: StrictInt = Field(**ID)
    year: StrictInt = Field(ge=1990, le=2100, description="From this year on")
    population: StrictInt | None = Field(
        None, ge=0, le=2**31 - 1, description="At the reference date of that year"
    )
    workstations: Decimal | None = None
    cases: Decimal | None = None


class CostModelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(
        None, max_length=200, description=f"Name of the scenario; default {DEFAULT_NAME!r}"
    )
    notes: Paragraphs | None = Field(None, max_length=20000)
    first_year: StrictInt = Field(ge=1990, le=2100)
    horizon_years: StrictInt = Field(DEFAULT_HORIZON_YEARS, ge=-(2**31), le=2**31 - 1)
    discount_rate: Decimal | None = Field(None, description="Fraction; default from config")
    cost_growth_rate: Decimal = Field(DEFAULT_COST_GROWTH_RATE, description="Fraction per year")
    cost_rate_table: str | None = Field(None, description="Name of the table; default newest")
    cost_rate_table_id: StrictInt | None = Field(
        None, **ID, description="Id of the table (instead of its name)"
    )
    allocation_key: AllocationKey
    base_share: Decimal | None = Field(None, description="For base_plus_variable: fraction")
    discount_timing: DiscountTiming = Field(
        DiscountTiming.END,
        description="When a year's savings count for the present value: at the end of each "
        "year (WiBe 5.0) or at its start",
    )
    partners: list[CostPartnerIn] | None = Field(
        None, description="Default: every lead and partner", max_length=500
    )
    baseline: list[PartnerLineIn] = Field(default_factory=list, max_length=500)
    shared: list[SharedLineIn] = Field(default_factory=list, max_length=500)
    remaining: list[PartnerLineIn] = Field(default_factory=list, max_length=500)
    one_off: list[OneOffIn] = Field(default_factory=list, max_length=500)
    revenue: list[RevenueLineIn] = Field(
        default_factory=list,
        max_length=500,
        description="Yearly revenue beyond today's (fees, charges to third parties)",
    )
    one_off_revenue: list[OneOffIn] = Field(default_factory=list, max_length=500)
    yearly_values: list[YearValuesIn] = Field(
        default_factory=list,
        max_length=500,
        description="The allocation key's values from a year on (population at each year's "
        "reference date, workstations, cases); before the first, the partners' own",
    )
    funding: list[FundingIn] = Field(
        default_factory=list, description="Empty: the tranches of the initiative's grants"
    )
    payments: list[PaymentIn] = Field(
        default_factory=list,
        max_length=100,
        description="Payments between partners: a cost for the payer, revenue for the payee",
    )
    version: StrictInt | None = Field(
        None, description="The version you edit; a stale one gives 409. Or send If-Match."
    )


class CostRateTableIn(BaseModel):
    """A new cost-rate table (admins): the pay grades' annual full costs as published (e.g.
    by the KGSt) or their hourly rates."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=200, description="e.g. KGSt 2026/27")
    year: str | None = Field(None, max_length=20, description="e.g. 2026/27")
    source: str | None = Field(None, max_length=500)
    hours_employee: StrictInt | None = Field(None, ge=1, le=2**31 - 1)
    hours_civil_servant: StrictInt | None = Field(None, ge=1, le=2**31 - 1)
    values_are: Literal["annual", "hourly"] = Field(
        "annual",
        description="annual: the published annual full cost per grade (the hourly rate is "
        "derived); hourly: hourly rates (the annual cost is derived)",
    )
    rates: Paragraphs | None = Field(
        None,
        description="One pay grade per line: E9a; 98.374,22 (A grades are civil servants)",
    )
