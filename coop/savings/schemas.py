"""The command that saves a cost model (savings estimate). Rates and shares are fractions inside;
the form shows percentages and converts at its edge. Defaults live here and nowhere else."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from ..commands import FTE, MONEY, Command, Flag, Id, Integer, Line, Money, Number, Paragraphs, Rate
from ..models import AllocationKey, CostCategory, DiscountTiming

# A count or a quantity (workstations, cases): not negative, at most two decimals.
Quantity = Annotated[Number, Field(ge=0, le=999_999_999, decimal_places=2)]
# Full-time equivalents: not negative, at most three decimals.
Fte = Annotated[Number, Field(ge=0, le=999_999_999, decimal_places=3)]
# A year of the estimate.
Year = Annotated[Integer, Field(ge=1990, le=2100)]
# A yearly rate that may be negative (falling costs), above −100 %, at most 100 %.
GrowthRate = Annotated[Number, Field(gt=-1, le=1)]


class CostPartnerIn(Command):
    body_id: Id
    workstations: Quantity | None = None
    cases: Quantity | None = None
    fixed_share: Rate | None = Field(None, description="Fraction; the shares add up to 1")


class SharedLineIn(Command):
    BLANK_UNLESS: ClassVar[tuple[str, ...]] = ("pay_grade", "fte", "amount")

    category: CostCategory = CostCategory.OTHER
    pay_grade: Line | None = Field(None, max_length=20, description="Staff line: e.g. E9a")
    fte: Fte | None = Field(None, description=FTE)
    amount: Money | None = Field(None, description="Amount per year. " + MONEY)
    description: Line | None = Field(None, max_length=300)


class PartnerLineIn(SharedLineIn):
    body_id: Id


class OneOffIn(Command):
    BLANK_UNLESS: ClassVar[tuple[str, ...]] = ("year", "amount")

    year: Year
    amount: Money = Field(description=MONEY)
    description: Line | None = Field(None, max_length=300)


class FundingIn(Command):
    BLANK_UNLESS: ClassVar[tuple[str, ...]] = ("year", "amount")

    year: Year
    amount: Money = Field(description=MONEY)
    description: Line | None = Field(None, max_length=300)


# The defaults of a new cost model, here and nowhere else: the API's schema shows them, the
# service fills them in (the discount rate comes from the configuration: SAVINGS_DISCOUNT_RATE).
DEFAULT_NAME = "Grundszenario"
DEFAULT_HORIZON_YEARS = 10
DEFAULT_COST_GROWTH_RATE = Decimal("0")


class PaymentIn(Command):
    BLANK_UNLESS: ClassVar[tuple[str, ...]] = ("payer_id", "payee_id", "amount")

    payer_id: Id = Field(description="The partner that pays")
    payee_id: Id = Field(description="The partner that performs the service")
    amount: Money = Field(description="Per year. " + MONEY)
    first_year: Year | None = None
    last_year: Year | None = None
    fixed: Flag = Field(False, description="The same amount every year (else it grows)")
    description: Line | None = Field(None, max_length=300)


class RevenueLineIn(Command):
    BLANK_UNLESS: ClassVar[tuple[str, ...]] = ("amount",)

    body_id: Id | None = Field(
        None, description="The partner that earns it; empty: the joint service's"
    )
    category: CostCategory = CostCategory.FEES
    amount: Money = Field(description="Per year, beyond today's revenue. " + MONEY)
    description: Line | None = Field(None, max_length=300)


class YearValuesIn(Command):
    BLANK_UNLESS: ClassVar[tuple[str, ...]] = ("year", "population", "workstations", "cases")

    body_id: Id
    year: Year = Field(description="From this year on")
    population: Integer | None = Field(
        None, ge=0, le=2**31 - 1, description="At the reference date of that year"
    )
    workstations: Quantity | None = None
    cases: Quantity | None = None


class CostModelIn(Command):
    """A cost model, new or changed: the fields given (a list given replaces the old one)."""

    PARTIAL: ClassVar[bool] = True

    name: Line | None = Field(
        None, max_length=200, description=f"Name of the scenario; default {DEFAULT_NAME!r}"
    )
    notes: Paragraphs | None = Field(None, max_length=20000)
    first_year: Year | None = Field(None, description="Required for a new model")
    horizon_years: Integer = Field(DEFAULT_HORIZON_YEARS, ge=1, le=50)
    discount_rate: GrowthRate | None = Field(None, description="Fraction; default from config")
    cost_growth_rate: GrowthRate = Field(DEFAULT_COST_GROWTH_RATE, description="Fraction per year")
    cost_rate_table: Line | None = Field(None, description="Name of the table; default newest")
    cost_rate_table_id: Id | None = Field(None, description="Id of the table (instead of its name)")
    allocation_key: AllocationKey | None = Field(None, description="Required for a new model")
    base_share: Rate | None = Field(None, description="For base_plus_variable: fraction")
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
    version: Integer | None = Field(
        None, description="The version you edit; a stale one gives 409. Or send If-Match."
    )


class CostRateTableIn(Command):
    """A new cost-rate table (admins): the pay grades' annual full costs as published (e.g.
    by the KGSt) or their hourly rates."""

    name: Line = Field(max_length=200, description="e.g. KGSt 2026/27")
    year: Line = Field(max_length=20, description="e.g. 2026/27")
    source: Line = Field(max_length=500)
    hours_employee: Integer = Field(ge=1, le=2**31 - 1)
    hours_civil_servant: Integer = Field(ge=1, le=2**31 - 1)
    values_are: Literal["annual", "hourly"] = Field(
        "annual",
        description="annual: the published annual full cost per grade (the hourly rate is "
        "derived); hourly: hourly rates (the annual cost is derived)",
    )
    notes: Paragraphs | None = Field(None, max_length=20000)
    rates: Paragraphs | None = Field(
        None,
        description="One pay grade per line: E9a; 98.374,22 (A grades are civil servants)",
    )
