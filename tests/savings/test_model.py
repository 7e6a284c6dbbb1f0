"""The savings model against figures computed by hand, and properties that must always hold."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coop.core import savings_model as m

D = Decimal
E9A = m.annual_cost(D("63.02"), 1561)  # 63,02 € × 1.561 h = 98.374,22 €


def test_annual_cost_from_the_kgst_table():
    assert E9A == D("98374.22")
    assert m.annual_cost(D("73.32"), 1602) == D("117458.64")  # A9, civil servants
    assert m.annual_cost(D("55.18"), 1561) == D("86135.98")  # E5


def example(**changes):
    """Two partners: A (3.000 inhabitants) and B (1.000)."""
    values = dict(
        first_year=2026,
        horizon_years=3,
        discount_rate=D("0.05"),
        allocation_key="population",
        partners=[m.PartnerInput(1, population=3000), m.PartnerInput(2, population=1000)],
        baseline=[
            m.Line("staff", pay_grade="E9a", fte=D("1"), body_id=1),
            m.Line("material", amount=D("10000"), body_id=1),
            m.Line("staff", pay_grade="E9a", fte=D("0.5"), body_id=2),
        ],
        shared=[m.Line("staff", pay_grade="E9a", fte=D("1")), m.Line("licences", amount=D("5000"))],
        remaining=[m.Line("other", amount=D("2000"), body_id=2)],
        one_off=[(2026, D("20000"))],
        funding=[(2026, D("10000"))],
        annual_costs={"E9a": E9A},
    )
    values.update(changes)
    return m.ModelInput(**values)


def test_years_npv_break_even_and_rate_by_hand():
    r = m.compute(example())
    # baseline 98.374,22 + 10.000 + 49.187,11; shared 98.374,22 + 5.000; remaining 2.000
    assert [
        (y.year, y.baseline, y.joint, y.cooperation, y.savings, y.cumulative) for y in r.years
    ] == [
        (2026, D("157561.33"), D("113374.22"), D("115374.22"), D("42187.11"), D("42187.11")),
        (2027, D("157561.33"), D("103374.22"), D("105374.22"), D("52187.11"), D("94374.22")),
        (2028, D("157561.33"), D("103374.22"), D("105374.22"), D("52187.11"), D("146561.33")),
    ]
    # WiBe: each year's savings count at its end, discounted by a whole year already:
    # 42.187,11 / 1,05 + 52.187,11 / 1,1025 + 52.187,11 / 1,157625
    # = 40.178,2000 + 47.335,2472 + 45.081,1878
    assert m.to_cents(r.npv) == D("132594.63")
    # at the start of each year: 42.187,11 + 52.187,11 / 1,05 + 52.187,11 / 1,1025
    # = 42.187,11 + 49.702,0095 + 47.335,2472
    start = m.compute(example(discount_timing="start"))
    assert m.to_cents(start.npv) == D("139224.37")
    assert start.years == r.years  # only the present value moves
    assert r.break_even_year == 2026
    # 1 − 105.374,22 / 157.561,33
    assert r.savings_rate.quantize(D("0.0001")) == D("0.3312")


def test_population_key_and_the_rounding_cent_by_hand():
    r = m.compute(example())
    a, b = r.partners
    assert (a.share, b.share) == (D("0.75"), D("0.25"))
    # 113.374,22 × 0,75 = 85.030,665 → 85.030,67 and × 0,25 = 28.343,555 → 28.343,56 add up to
    # one cent too much: the largest share gives it back.
    assert a.cooperation == [D("85030.66"), D("77530.66"), D("77530.66")]
    assert b.cooperation == [D("30343.56"), D("27843.56"), D("27843.56")]
    assert (a.baseline_total, a.cooperation_total, a.savings_total) == (
        D("325122.66"),
        D("240091.98"),
        D("85030.68"),
    )
    assert (b.baseline_total, b.cooperation_total, b.savings_total) == (
        D("147561.33"),
        D("86030.68"),
        D("61530.65"),
    )
    assert a.savings_total + b.savings_total == r.total_savings == D("146561.33")
    # A: 1 − 0,75 × 103.374,22 / 108.374,22; B: 1 − (0,25 × 103.374,22 + 2.000) / 49.187,11
    assert a.savings_rate.quantize(D("0.0001")) == D("0.2846")
    assert b.savings_rate.quantize(D("0.0001")) == D("0.4339")


def three(**values):
    return [m.PartnerInput(i, **{k: v[i - 1] for k, v in values.items()}) for i in (1, 2, 3)]


@pytest.mark.parametrize(
    "key, partners, base, expected",
    [
        ("equal", three(), None, ["1/3", "1/3", "1/3"]),
        ("workstations", three(workstations=[D(10), D(30), D(60)]), None, ["0.1", "0.3", "0.6"]),
        ("cases", three(cases=[D(100), D(100), D(200)]), None, ["0.25", "0.25", "0.5"]),
        ("fixed", three(fixed_share=[D("0.5"), D("0.3"), D("0.2")]), None, ["0.5", "0.3", "0.2"]),
        ("population", three(population=[2000, 3000, 5000]), None, ["0.2", "0.3", "0.5"]),
        # a base of 40 % split equally, 60 % by population: 0,1333… + 0,6 × 0,2 = 0,2533…
        (
            "base_plus_variable",
            three(population=[2000, 3000, 5000]),
            D("0.4"),
            ["0.4/3+0.12", "0.4/3+0.18", "0.4/3+0.3"],
        ),
    ],
)
def test_each_allocation_key_by_hand(key, partners, base, expected):
    model = m.ModelInput(first_year=2026, partners=partners, allocation_key=key, base_share=base)
    got = m.shares(model)

    def value(text):
        total = D(0)
        for part in text.split("+"):
            if "/" in part:
                a, b = part.split("/")
                total += D(a) / D(b)
            else:
                total += D(part)
        return total

    assert [got[i] for i in (1, 2, 3)] == [value(x) for x in expected]


def test_equal_split_of_a_hundred_euros_gives_the_cent_to_the_first_largest():
    fractions = m.shares(m.ModelInput(first_year=2026, partners=three()))
    assert m.allocate(D("100"), fractions) == {1: D("33.34"), 2: D("33.33"), 3: D("33.33")}


@pytest.mark.parametrize(
    "changes, field",
    [
        (
            {
                "allocation_key": "fixed",
                "partners": three(fixed_share=[D("0.5"), D("0.3"), D("0.3")]),
            },
            "partners.fixed_share",
        ),
        (
            {"allocation_key": "workstations", "partners": three(workstations=[D(1), None, D(2)])},
            "partners.workstations",
        ),
        ({"allocation_key": "base_plus_variable", "base_share": D("1.5")}, "base_share"),
        ({"horizon_years": 0}, "horizon_years"),
        ({"horizon_years": 51}, "horizon_years"),
        ({"discount_rate": D("-1")}, "discount_rate"),
        ({"shared": [m.Line("staff", pay_grade="E99", fte=D(1))]}, "shared.0.pay_grade"),
        ({"remaining": [m.Line("other", amount=D(1), body_id=9)]}, "remaining.0.body_id"),
    ],
)
def test_bad_inputs_name_their_field(changes, field):
    with pytest.raises(m.ModelError) as err:
        m.compute(example(**changes))
    assert err.value.field == field


def test_break_even_after_set_up_costs_and_never():
    base = dict(
        first_year=2030,
        horizon_years=5,
        allocation_key="equal",
        partners=[m.PartnerInput(1)],
        baseline=[m.Line("other", amount=D("150000"), body_id=1)],
        shared=[m.Line("services", amount=D("50000"))],
        one_off=[(2030, D("300000"))],
    )
    # savings −200.000, then 100.000 a year: cumulative −200.000, −100.000, 0, 100.000, 200.000
    r = m.compute(m.ModelInput(**base))
    assert [y.cumulative for y in r.years] == [D(-200000), D(-100000), D(0), D(100000), D(200000)]
    assert r.break_even_year == 2032
    assert m.compute(m.ModelInput(**{**base, "horizon_years": 2})).break_even_year is None
    # 100.000 a year, then 550.000 set-up in the last year: 400.000 − 450.000 = −50.000 at the end
    late = m.compute(m.ModelInput(**{**base, "one_off": [(2034, D("550000"))]}))
    assert [y.cumulative for y in late.years][-1] == D(-50000)
    assert late.break_even_year is None


def test_growth_applies_to_lines_not_to_one_off_and_funding():
    r = m.compute(
        m.ModelInput(
            first_year=2026,
            horizon_years=3,
            cost_growth_rate=D("0.02"),
            partners=[m.PartnerInput(1)],
            baseline=[m.Line("other", amount=D("100000"), body_id=1)],
            shared=[m.Line("other", amount=D("50000"))],
            funding=[(2027, D("1000"))],
        )
    )
    # 50.000 × 1,02 = 51.000 (+1.000 funding); 50.000 × 1,0404 = 52.020
    assert [y.savings for y in r.years] == [D("50000"), D("52000.00"), D("52020.0000")]


money = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
rate = st.decimals(min_value=D("-0.05"), max_value=D("0.2"), places=3)


@st.composite
def models(draw):
    n = draw(st.integers(1, 6))
    partners = [m.PartnerInput(i + 1, population=draw(st.integers(1, 10**6))) for i in range(n)]
    key = draw(st.sampled_from(["equal", "population", "base_plus_variable"]))
    return m.ModelInput(
        first_year=2026,
        horizon_years=draw(st.integers(1, 15)),
        discount_rate=draw(rate),
        cost_growth_rate=draw(rate),
        allocation_key=key,
        base_share=draw(st.decimals(min_value=0, max_value=1, places=2)),
        partners=partners,
        baseline=[m.Line("other", amount=draw(money), body_id=p.body_id) for p in partners],
        shared=[m.Line("staff", pay_grade="E9a", fte=draw(st.decimals(0, 5, places=2)))],
        remaining=[m.Line("other", amount=draw(money), body_id=partners[0].body_id)],
        one_off=[(2026 + draw(st.integers(0, 3)), draw(money))],
        funding=[(2026 + draw(st.integers(0, 3)), draw(money))],
        annual_costs={"E9a": E9A},
    )


@settings(max_examples=150, deadline=None)
@given(models())
def test_properties_hold(model):
    r = m.compute(model)
    g = D(1) + model.cost_growth_rate
    for t, y in enumerate(r.years):
        assert y.savings == y.baseline - y.cooperation
        remaining = sum((ln.amount for ln in model.remaining), D(0)) * g**t
        shares_sum = sum((p.cooperation[t] for p in r.partners), D(0)) - remaining
        assert m.to_cents(shares_sum) == m.to_cents(y.joint)  # to the cent
    zero_rate = m.compute(m.ModelInput(**{**model.__dict__, "discount_rate": D(0)}))
    assert zero_rate.npv == sum((y.savings for y in zero_rate.years), D(0))


def test_revenue_lines_and_one_off_revenue_by_hand():
    """The joint service earns 6.000 € fees a year, partner B 1.000 €; a one-off 4.000 € from
    selling old hardware in 2027."""
    r = m.compute(
        example(
            revenue=[
                m.Line("fees", amount=D("6000")),
                m.Line("fees", amount=D("1000"), body_id=2),
            ],
            one_off_revenue=[(2027, D("4000"))],
        )
    )
    # joint 2026: 113.374,22 − 6.000 = 107.374,22; 2027: 103.374,22 − 6.000 − 4.000 = 93.374,22
    assert [y.joint for y in r.years] == [D("107374.22"), D("93374.22"), D("97374.22")]
    # cooperation = joint + remaining 2.000 − B's 1.000
    assert [y.cooperation for y in r.years] == [D("108374.22"), D("94374.22"), D("98374.22")]
    # 1 − (103.374,22 + 2.000 − 7.000) / 157.561,33 = 1 − 98.374,22 / 157.561,33
    assert r.savings_rate.quantize(D("0.0001")) == D("0.3756")
    a, b = r.partners
    # B: 25 % of 107.374,22 = 26.843,555 → 26.843,56 (A gives back the rounding cent) + 2.000
    # − 1.000
    assert b.cooperation[0] == D("27843.56")
    # B's rate: 1 − (0,25 × 97.374,22 + 2.000 − 1.000) / 49.187,11
    # = 1 − 25.343,555 / 49.187,11 = 0,484752…
    assert b.savings_rate.quantize(D("0.000001")) == D("0.484752")
    with pytest.raises(m.ModelError) as err:
        m.compute(example(revenue=[m.Line("fees", pay_grade="E9a", fte=D("1"))]))
    assert err.value.field == "revenue.0.pay_grade"


def test_allocation_values_per_year_by_hand():
    """A's population falls to 2.000 from 2027 (reference date of that year): the joint cost of
    2027 is split 2.000 : 1.000."""
    r = m.compute(example(yearly_values=[m.YearValues(1, 2027, population=2000)]))
    a, b = r.partners
    assert a.share == D("0.75")  # the first year's values
    # 2027: joint 103.374,22 × 2/3 = 68.916,146… → 68.916,15; B 34.458,073… → 34.458,07
    assert a.cooperation[1] == D("68916.15")
    assert b.cooperation[1] == D("34458.07") + D("2000")
    assert a.cooperation[1] + b.cooperation[1] == r.years[1].cooperation
    # later values for a year before the first count from the first year on
    early = m.compute(example(yearly_values=[m.YearValues(2, 2020, population=3000)]))
    assert early.partners[0].share == D("0.5")
    with pytest.raises(m.ModelError) as err:
        m.compute(example(yearly_values=[m.YearValues(9, 2027, population=1)]))
    assert err.value.field == "yearly_values.0.body_id"


@given(
    populations=st.lists(st.integers(1, 10**6), min_size=2, max_size=5),
    later=st.lists(st.integers(1, 10**6), min_size=2, max_size=5),
)
@settings(max_examples=40, deadline=None)
def test_yearly_values_still_split_the_joint_cost_exactly(populations, later):
    n = min(len(populations), len(later))
    model = m.ModelInput(
        first_year=2026,
        horizon_years=3,
        allocation_key="population",
        partners=[m.PartnerInput(i, population=populations[i]) for i in range(n)],
        shared=[m.Line("other", amount=D("100000.01"))],
        yearly_values=[m.YearValues(i, 2027, population=later[i]) for i in range(n)],
    )
    r = m.compute(model)
    for t, year in enumerate(r.years):
        assert sum((p.cooperation[t] for p in r.partners), D(0)) == year.cooperation
