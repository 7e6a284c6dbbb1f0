"""Payments between partners (issue 14, must-have 5): one town performs a service for its
neighbour and is paid for it. A cost for the payer, revenue for the payee, nothing for the
cooperation as a whole."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coop.core import savings_model as sm

D = Decimal
BAD_KARLSHAFEN, TRENDELBURG = 1, 2


EXTRA = D("20000")


def registry_office(extra_in_trendelburg=EXTRA) -> sm.ModelInput:
    """Bad Karlshafen's registry office cost about 65.000 € a year; it now pays Trendelburg
    36.000 € a year. Trendelburg's extra effort (20.000 € here) is an assumption of the test:
    the published case names only Bad Karlshafen's side."""
    return sm.ModelInput(
        first_year=2024,
        horizon_years=3,
        partners=[sm.PartnerInput(BAD_KARLSHAFEN), sm.PartnerInput(TRENDELBURG)],
        baseline=[sm.Line("staff", amount=D("65000"), body_id=BAD_KARLSHAFEN)],
        remaining=[sm.Line("staff", amount=extra_in_trendelburg, body_id=TRENDELBURG)],
        payments=[sm.Payment(BAD_KARLSHAFEN, TRENDELBURG, D("36000"))],
    )


def test_the_registry_office_case_gives_both_towns_their_results():
    result = sm.compute(registry_office())
    by = {p.body_id: p for p in result.partners}
    # Bad Karlshafen: 65.000 − 36.000 = 29.000 a year
    assert by[BAD_KARLSHAFEN].savings == [D("29000")] * 3
    # Trendelburg: 36.000 received − 20.000 extra effort = 16.000 a year
    assert by[TRENDELBURG].savings == [D("16000")] * 3
    # the cooperation: 65.000 − 20.000; the payment itself saves nothing
    assert [y.savings for y in result.years] == [D("45000")] * 3
    assert by[BAD_KARLSHAFEN].savings_rate == D("29000") / D("65000")


def test_a_payment_that_ends_and_one_that_does_not_grow():
    model = registry_office()
    late = sm.ModelInput(
        **{**model.__dict__, "cost_growth_rate": D("0.10"),
           "payments": [sm.Payment(BAD_KARLSHAFEN, TRENDELBURG, D("36000"), last_year=2025,
                                   fixed=True)]},
    )  # fmt: skip
    by = {p.body_id: p for p in sm.compute(late).partners}
    # 2024: 65.000 − 36.000; 2025: 71.500 − 36.000 (fixed); 2026: no payment any more
    assert by[BAD_KARLSHAFEN].savings[0] == D("29000")
    assert by[BAD_KARLSHAFEN].savings[1] == D("35500.00")
    assert by[BAD_KARLSHAFEN].savings[2] == D("78650.0000")


@pytest.mark.parametrize(
    "payment, field",
    [
        (sm.Payment(BAD_KARLSHAFEN, BAD_KARLSHAFEN, D("1")), "payments.0"),
        (sm.Payment(BAD_KARLSHAFEN, 99, D("1")), "payments.0"),
        (sm.Payment(BAD_KARLSHAFEN, TRENDELBURG, D("-1")), "payments.0.amount"),
    ],
)
def test_bad_payments_are_refused_with_the_field(payment, field):
    model = sm.ModelInput(**{**registry_office().__dict__, "payments": [payment]})
    with pytest.raises(sm.ModelError) as caught:
        sm.compute(model)
    assert caught.value.field == field


@given(
    amounts=st.lists(st.integers(0, 10**6), min_size=1, max_size=5),
    growth=st.integers(0, 20),
)
def test_payments_net_to_zero(amounts, growth):
    partners = [sm.PartnerInput(i) for i in (1, 2, 3)]
    base = sm.ModelInput(
        first_year=2024,
        horizon_years=4,
        partners=partners,
        cost_growth_rate=D(growth) / 100,
        baseline=[sm.Line("x", amount=D("100000"), body_id=i) for i in (1, 2, 3)],
        shared=[sm.Line("x", amount=D("90000"))],
    )
    pays = [sm.Payment(1 + i % 3, 1 + (i + 1) % 3, D(a)) for i, a in enumerate(amounts)]
    with_pay = sm.compute(sm.ModelInput(**{**base.__dict__, "payments": pays}))
    without = sm.compute(base)
    assert [y.savings for y in with_pay.years] == [y.savings for y in without.years]
    for t in range(4):
        assert sum(p.savings[t] for p in with_pay.partners) == sum(
            p.savings[t] for p in without.partners
        )
