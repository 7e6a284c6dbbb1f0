"""The savings model (Wirtschaftlichkeitsbetrachtung): one pure function over Decimal.

For year t = 0 … horizon−1 and growth factor g = (1 + cost_growth_rate)^t (one-off costs,
one-off revenue and funding are not grown):

    baseline_t    = Σ baseline lines × g
    joint_t       = (Σ shared lines − Σ joint revenue lines) × g + one_off_t − one_off_revenue_t
                    − funding_t
    cooperation_t = joint_t + (Σ remaining lines − Σ partners' revenue lines) × g
    savings_t     = baseline_t − cooperation_t,   cumulative_t = Σ_{k ≤ t} savings_k
    npv           = Σ savings_t / (1 + discount_rate)^(t + 1)  at the end of each year (WiBe),
                    Σ savings_t / (1 + discount_rate)^t        at its start
    break-even    = the first year from which the cumulative savings stay ≥ 0 to the end
    savings rate  = 1 − (Σ shared + Σ remaining − Σ revenue) / Σ baseline at year-0 prices

Revenue lines are what the cooperation earns beyond today (fees, charges to third parties:
NRW's "Ertragssteigerung"); a line without a partner belongs to the joint service. Each partner
bears a share of joint_t by the allocation key, with the key's values of that year (the latest
year's values given up to it, else the partner's own); its cooperation cost is that share plus
its remaining lines less its revenue lines. Amounts are exact Decimals; only the partners' shares
of the joint cost are cents, so that they add up exactly to the joint cost (rounded half up), the
rounding cent going to the largest share.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .money import to_cents
from .text import Text

ZERO = Decimal("0")
ONE = Decimal("1")

CATEGORIES = ("staff", "material", "licences", "hardware", "services", "fees", "other")
DISCOUNT_TIMINGS = ("end", "start")  # when in the year the savings count; WiBe: at its end
ALLOCATION_KEYS = ("equal", "population", "workstations", "cases", "fixed", "base_plus_variable")


class ModelError(ValueError):
    """The inputs cannot be computed; `field` names the input at fault, `text` says why (a
    message key with its values, rendered by `coop.messages`)."""

    def __init__(self, field: str, key: str, **values):
        super().__init__(key)
        self.field = field
        self.text = Text(f"savings.{key}", values)


@dataclass(frozen=True)
class Line:
    """A yearly cost: staff (`pay_grade` and `fte`) or an `amount`; `body_id` for partner lines."""

    category: str
    amount: Decimal | None = None
    pay_grade: str | None = None
    fte: Decimal | None = None
    body_id: int | None = None


@dataclass(frozen=True)
class Payment:
    """One partner pays another each year for a service it performs (the registry office of
    Trendelburg serving Bad Karlshafen): a cost for the payer, revenue for the payee, nothing
    for the cooperation as a whole. Grows with the costs unless `fixed`."""

    payer: int
    payee: int
    amount: Decimal
    first_year: int | None = None
    last_year: int | None = None
    fixed: bool = False


@dataclass(frozen=True)
class PartnerInput:
    body_id: int
    population: int | None = None
    workstations: Decimal | None = None
    cases: Decimal | None = None
    fixed_share: Decimal | None = None


@dataclass(frozen=True)
class YearValues:
    """A partner's values for the allocation key from `year` on (population at that year's
    reference date, workstations, cases); what is not given stays as before."""

    body_id: int
    year: int
    population: int | None = None
    workstations: Decimal | None = None
    cases: Decimal | None = None


@dataclass(frozen=True)
class ModelInput:
    first_year: int
    partners: Sequence[PartnerInput]
    horizon_years: int = 10
    discount_rate: Decimal = ZERO
    cost_growth_rate: Decimal = ZERO
    allocation_key: str = "equal"
    base_share: Decimal | None = None
    baseline: Sequence[Line] = ()
    shared: Sequence[Line] = ()
    remaining: Sequence[Line] = ()
    one_off: Sequence[tuple[int, Decimal]] = ()  # (calendar year, amount)
    # yearly revenue beyond today's (fees, charges): the joint service's (no body) or a partner's
    revenue: Sequence[Line] = ()
    one_off_revenue: Sequence[tuple[int, Decimal]] = ()
    payments: Sequence[Payment] = ()
    yearly_values: Sequence[YearValues] = ()
    discount_timing: str = "end"
    funding: Sequence[tuple[int, Decimal]] = ()
    # Annual full cost of each pay grade (hourly rate × hours, to the cent).
    annual_costs: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class YearResult:
    year: int
    baseline: Decimal
    joint: Decimal
    cooperation: Decimal
    savings: Decimal
    cumulative: Decimal


@dataclass(frozen=True)
class PartnerResult:
    body_id: int
    share: Decimal
    baseline: list[Decimal]  # per year
    cooperation: list[Decimal]
    savings_rate: Decimal | None

    @property
    def savings(self) -> list[Decimal]:
        """The partner's savings year by year."""
        return [b - c for b, c in zip(self.baseline, self.cooperation, strict=True)]

    @property
    def baseline_total(self) -> Decimal:
        """What the partner would pay without the cooperation over the horizon."""
        return sum(self.baseline, ZERO)

    @property
    def cooperation_total(self) -> Decimal:
        """What the partner pays in the cooperation over the horizon."""
        return sum(self.cooperation, ZERO)

    @property
    def savings_total(self) -> Decimal:
        """The partner's savings over the horizon."""
        return self.baseline_total - self.cooperation_total


@dataclass(frozen=True)
class Result:
    years: list[YearResult]
    npv: Decimal
    break_even_year: int | None
    savings_rate: Decimal | None
    partners: list[PartnerResult]

    @property
    def total_savings(self) -> Decimal:
        """The savings over the whole horizon (the last year's cumulative figure)."""
        return self.years[-1].cumulative if self.years else ZERO


def annual_cost(hourly_rate: Decimal, hours: int | Decimal) -> Decimal:
    """The annual full cost of a post: hourly rate × hours a year, kept to the cent."""
    return to_cents(Decimal(hourly_rate) * Decimal(hours))


def line_cost(line: Line, annual_costs: Mapping[str, Decimal], where: str = "") -> Decimal:
    """What a line costs in a year at year-0 prices."""
    if line.pay_grade:
        if line.pay_grade not in annual_costs:
            raise ModelError(f"{where}.pay_grade", "unknown_pay_grade", pay_grade=line.pay_grade)
        return (line.fte or ZERO) * annual_costs[line.pay_grade]
    return line.amount or ZERO


def _sum(lines: Sequence[Line], annual_costs, where: str, body_id: int | None = None) -> Decimal:
    return sum(
        (
            line_cost(line, annual_costs, f"{where}.{i}")
            for i, line in enumerate(lines)
            if body_id is None or line.body_id == body_id
        ),
        ZERO,
    )


def _proportional(partners: Sequence[PartnerInput], values: list, key: str) -> dict:
    if any(v is None or v < 0 for v in values):
        missing = [p.body_id for p, v in zip(partners, values, strict=True) if v is None or v < 0]
        raise ModelError(f"partners.{key}", f"{key}_missing", n=len(missing))
    total = sum(values, ZERO)
    if total <= 0:
        raise ModelError(f"partners.{key}", f"{key}_zero")
    return {p.body_id: Decimal(v) / total for p, v in zip(partners, values, strict=True)}


def partners_in(model: ModelInput, year: int | None) -> list[PartnerInput]:
    """The partners with the key's values of `year`: for each value the latest yearly value up
    to that year, else the partner's own (None: the partners' own values)."""
    if year is None or not model.yearly_values:
        return list(model.partners)
    out = []
    for p in model.partners:
        values = {}
        for yv in sorted(model.yearly_values, key=lambda x: x.year):
            if yv.body_id != p.body_id or yv.year > year:
                continue
            for name in ("population", "workstations", "cases"):
                if getattr(yv, name) is not None:
                    values[name] = getattr(yv, name)
        out.append(replace(p, **values) if values else p)
    return out


def shares(model: ModelInput, year: int | None = None) -> dict[int, Decimal]:
    """Each partner's fraction of the joint cost by the allocation key (with the key's values of
    `year` where yearly values are given)."""
    partners = partners_in(model, year)
    if not partners:
        raise ModelError("partners", "no_partners")
    n = Decimal(len(partners))
    key = model.allocation_key
    if key == "equal":
        return {p.body_id: ONE / n for p in partners}
    if key == "population":
        return _proportional(partners, [p.population for p in partners], "population")
    if key == "workstations":
        return _proportional(partners, [p.workstations for p in partners], "workstations")
    if key == "cases":
        return _proportional(partners, [p.cases for p in partners], "cases")
    if key == "fixed":
        values = [p.fixed_share for p in partners]
        if any(v is None or v < 0 for v in values) or sum((v or ZERO for v in values), ZERO) != ONE:
            raise ModelError("partners.fixed_share", "fixed_shares_sum")
        return {p.body_id: Decimal(p.fixed_share) for p in partners}
    if key == "base_plus_variable":
        base = model.base_share
        if base is None or not ZERO <= base <= ONE:
            raise ModelError("base_share", "base_share_range")
        by_population = _proportional(partners, [p.population for p in partners], "population")
        return {p.body_id: base / n + (ONE - base) * by_population[p.body_id] for p in partners}
    raise ModelError("allocation_key", "unknown_allocation_key", key=key)


def allocate(amount: Decimal, fractions: Mapping[int, Decimal]) -> dict[int, Decimal]:
    """`amount` split by `fractions` into cents that add up to the amount rounded to the cent;
    the difference of rounding goes to the largest share."""
    target = to_cents(amount)
    parts = {body: to_cents(amount * f) for body, f in fractions.items()}
    difference = target - sum(parts.values(), ZERO)
    if difference and parts:
        largest = max(fractions, key=lambda body: (fractions[body], -body))
        parts[largest] += difference
    return parts


def _by_year(events: Sequence[tuple[int, Decimal]]) -> dict[int, Decimal]:
    out: dict[int, Decimal] = {}
    for year, amount in events:
        out[year] = out.get(year, ZERO) + amount
    return out


def _payments_in(payments: Sequence[Payment], year: int | None, g: Decimal) -> dict[int, Decimal]:
    """Each partner's net payments in a year (None: at year-0 prices, every payment): plus for
    what it pays, minus for what it receives; they add up to zero."""
    out: dict[int, Decimal] = {}
    for pay in payments:
        if year is not None and (
            (pay.first_year is not None and year < pay.first_year)
            or (pay.last_year is not None and year > pay.last_year)
        ):
            continue
        amount = pay.amount if pay.fixed else pay.amount * g
        out[pay.payer] = out.get(pay.payer, ZERO) + amount
        out[pay.payee] = out.get(pay.payee, ZERO) - amount
    return out


def _validate(model: ModelInput, fractions: Mapping[int, Decimal]) -> None:
    if not 1 <= model.horizon_years <= 50:
        raise ModelError("horizon_years", "horizon_range")
    if model.discount_rate <= -1:
        raise ModelError("discount_rate", "discount_rate_range")
    if model.cost_growth_rate <= -1:
        raise ModelError("cost_growth_rate", "cost_growth_range")
    if model.discount_timing not in DISCOUNT_TIMINGS:
        raise ModelError("discount_timing", "unknown_discount_timing")
    for kind, lines in (("baseline", model.baseline), ("remaining", model.remaining)):
        for i, line in enumerate(lines):
            if line.body_id not in fractions:
                raise ModelError(f"{kind}.{i}.body_id", "not_a_partner")
    for i, line in enumerate(model.revenue):
        if line.pay_grade:
            raise ModelError(f"revenue.{i}.pay_grade", "revenue_is_an_amount")
        if line.body_id is not None and line.body_id not in fractions:
            raise ModelError(f"revenue.{i}.body_id", "not_a_partner")
    for i, yv in enumerate(model.yearly_values):
        if yv.body_id not in fractions:
            raise ModelError(f"yearly_values.{i}.body_id", "not_a_partner")
    for i, pay in enumerate(model.payments):
        if pay.payer not in fractions or pay.payee not in fractions:
            raise ModelError(f"payments.{i}", "not_a_partner")
        if pay.payer == pay.payee:
            raise ModelError(f"payments.{i}", "payment_to_itself")
        if pay.amount < 0:
            raise ModelError(f"payments.{i}.amount", "payment_negative")


def compute(model: ModelInput) -> Result:
    """The savings of the cooperation year by year, in total and for each partner."""
    costs = model.annual_costs
    partner_ids = [p.body_id for p in model.partners]
    fractions = shares(model, model.first_year)
    _validate(model, fractions)
    years_shares = {
        model.first_year + t: shares(model, model.first_year + t)
        for t in range(model.horizon_years)
    }
    baseline0 = _sum(model.baseline, costs, "baseline")
    shared0 = _sum(model.shared, costs, "shared")
    remaining0 = _sum(model.remaining, costs, "remaining")
    joint_revenue0 = sum((ln.amount or ZERO for ln in model.revenue if ln.body_id is None), ZERO)
    partner_baseline0 = {b: _sum(model.baseline, costs, "baseline", b) for b in partner_ids}
    partner_remaining0 = {b: _sum(model.remaining, costs, "remaining", b) for b in partner_ids}
    partner_revenue0 = {
        b: sum((ln.amount or ZERO for ln in model.revenue if ln.body_id == b), ZERO)
        for b in partner_ids
    }
    revenue0 = joint_revenue0 + sum(partner_revenue0.values(), ZERO)
    one_off, funding = _by_year(model.one_off), _by_year(model.funding)
    one_off_revenue = _by_year(model.one_off_revenue)
    growth = ONE + model.cost_growth_rate
    discount = ONE + model.discount_rate
    offset = 1 if model.discount_timing == "end" else 0

    years: list[YearResult] = []
    per_partner_baseline: dict[int, list[Decimal]] = {b: [] for b in partner_ids}
    per_partner_cooperation: dict[int, list[Decimal]] = {b: [] for b in partner_ids}
    cumulative = ZERO
    npv = ZERO
    for t in range(model.horizon_years):
        year = model.first_year + t
        g = growth**t
        baseline = baseline0 * g
        joint = (
            (shared0 - joint_revenue0) * g
            + one_off.get(year, ZERO)
            - one_off_revenue.get(year, ZERO)
            - funding.get(year, ZERO)
        )
        cooperation = joint + (remaining0 - (revenue0 - joint_revenue0)) * g
        savings = baseline - cooperation
        cumulative += savings
        npv += savings / discount ** (t + offset)
        years.append(YearResult(year, baseline, joint, cooperation, savings, cumulative))
        joint_parts = allocate(joint, years_shares[year])
        paid = _payments_in(model.payments, year, g)
        for b in partner_ids:
            per_partner_baseline[b].append(partner_baseline0[b] * g)
            per_partner_cooperation[b].append(
                joint_parts[b]
                + (partner_remaining0[b] - partner_revenue0[b]) * g
                + paid.get(b, ZERO)
            )

    break_even = None
    for i in range(len(years)):
        if all(y.cumulative >= 0 for y in years[i:]):
            break_even = years[i].year
            break
    rate = ONE - (shared0 + remaining0 - revenue0) / baseline0 if baseline0 else None
    paid0 = _payments_in(model.payments, None, ONE)
    partners = [
        PartnerResult(
            body_id=b,
            share=fractions[b],
            baseline=per_partner_baseline[b],
            cooperation=per_partner_cooperation[b],
            savings_rate=(
                ONE
                - (
                    fractions[b] * (shared0 - joint_revenue0)
                    + partner_remaining0[b]
                    - partner_revenue0[b]
                    + paid0.get(b, ZERO)
                )
                / partner_baseline0[b]
                if partner_baseline0[b]
                else None
            ),
        )
        for b in partner_ids
    ]
    return Result(
        years=years, npv=npv, break_even_year=break_even, savings_rate=rate, partners=partners
    )
