"""The decision-status rule, branch by branch, on plain data."""

from datetime import date
from itertools import count

import pytest

from coop.core.decisions import (
    Decision,
    ResolutionFacts,
    decision_status,
    summarise,
)
from coop.core.enums import DecisionStatus as S
from coop.core.enums import Outcome as O
from coop.core.enums import ResolutionKind as K

TODAY = date(2022, 3, 1)
_ids = count(1)


def r(outcome, day, *, kind=K.BASIC_DECISION, authoritative=True, body_id=1, id=None):
    return ResolutionFacts(
        id=id or next(_ids),
        body_id=body_id,
        authoritative=authoritative,
        kind=kind,
        outcome=outcome,
        session_date=day,
    )


def status(*resolutions, today=TODAY):
    return decision_status(resolutions, today)


def test_nothing_recorded_is_none():
    assert status() == Decision(S.NONE)


@pytest.mark.parametrize(
    "outcome, expected",
    [
        (O.ADOPTED, S.DECIDED),
        (O.ADOPTED_AMENDED, S.DECIDED),
        (O.REJECTED, S.REJECTED),
        (O.DEFERRED, S.DEFERRED),
        (O.WITHDRAWN, S.NONE),
        (O.NOTED, S.NONE),
    ],
)
def test_each_outcome(outcome, expected):
    res = r(outcome, date(2022, 2, 23), id=560)
    got = status(res)
    assert got.status == expected
    if expected == S.NONE:
        assert got == Decision(S.NONE)
    else:
        assert got == Decision(expected, date(2022, 2, 23), 560)


def test_latest_by_session_date_decides_not_the_order_recorded():
    adopted = r(O.ADOPTED, date(2022, 3, 24), id=2)
    deferred = r(O.DEFERRED, date(2022, 2, 17), id=3)  # recorded later, held earlier
    assert status(adopted, deferred) == Decision(S.DECIDED, date(2022, 3, 24), 2)
    rejected_later = r(O.REJECTED, date(2022, 5, 1), id=4)
    assert status(adopted, deferred, rejected_later).status == S.REJECTED


def test_same_day_the_later_record_wins():
    first = r(O.DEFERRED, date(2022, 2, 17), id=10)
    second = r(O.ADOPTED, date(2022, 2, 17), id=11)
    assert status(second, first) == Decision(S.DECIDED, date(2022, 2, 17), 11)


def test_committee_recommendation_never_counts():
    recommendation = r(O.ADOPTED, date(2022, 2, 10), authoritative=False)
    assert status(recommendation) == Decision(S.NONE)


def test_adopted_assessment_mandate_never_counts():
    pruefauftrag = r(O.ADOPTED, date(2020, 1, 30), kind=K.ASSESSMENT_MANDATE)
    assert status(pruefauftrag) == Decision(S.NONE)


def test_a_later_noted_or_withdrawn_undoes_a_decision():
    adopted = r(O.ADOPTED, date(2022, 2, 1))
    withdrawn = r(O.WITHDRAWN, date(2022, 2, 20))
    assert status(adopted, withdrawn) == Decision(S.NONE)


def test_none_with_a_scheduled_session_is_scheduled():
    scheduled = r(O.SCHEDULED, date(2022, 3, 10), id=7)
    assert status(scheduled) == Decision(S.SCHEDULED, date(2022, 3, 10), 7)


def test_deferred_then_scheduled_is_scheduled_with_the_next_session():
    deferred = r(O.DEFERRED, date(2022, 2, 17))
    later = r(O.SCHEDULED, date(2022, 4, 7), id=21)
    sooner = r(O.SCHEDULED, date(2022, 3, 10), id=20)
    assert status(deferred, later, sooner) == Decision(S.SCHEDULED, date(2022, 3, 10), 20)


def test_scheduled_before_the_latest_result_is_overtaken():
    old_schedule = r(O.SCHEDULED, date(2022, 2, 17))
    deferred = r(O.DEFERRED, date(2022, 2, 17))
    assert status(old_schedule, deferred).status == S.DEFERRED


def test_decided_or_rejected_stay_so_even_with_a_session_scheduled():
    adopted = r(O.ADOPTED, date(2022, 2, 1))
    rejected = r(O.REJECTED, date(2022, 2, 1), body_id=2)
    scheduled = r(O.SCHEDULED, date(2022, 3, 10))
    assert status(adopted, scheduled).status == S.DECIDED
    assert status(rejected, r(O.SCHEDULED, date(2022, 3, 10), body_id=2)).status == S.REJECTED


def test_scheduled_committee_or_pruefauftrag_is_not_a_scheduled_decision():
    committee = r(O.SCHEDULED, date(2022, 3, 3), authoritative=False)
    pruefauftrag = r(O.SCHEDULED, date(2022, 3, 3), kind=K.ASSESSMENT_MANDATE)
    assert status(committee, pruefauftrag) == Decision(S.NONE)


def test_passed_session_still_scheduled_is_flagged_result_missing():
    scheduled = r(O.SCHEDULED, date(2022, 3, 10), id=30)
    got = status(scheduled, today=date(2022, 3, 11))
    assert got == Decision(S.SCHEDULED, date(2022, 3, 10), 30, result_missing=True)
    # the session day itself is not yet "missing"
    assert not status(scheduled, today=date(2022, 3, 10)).result_missing


def test_a_future_session_comes_before_a_passed_one_without_result():
    passed = r(O.SCHEDULED, date(2022, 2, 1), id=40)
    upcoming = r(O.SCHEDULED, date(2022, 3, 10), id=41)
    assert status(passed, upcoming) == Decision(S.SCHEDULED, date(2022, 3, 10), 41)


def test_summary_counts_the_hoexter_line():
    """9 of 11 councils decided; open: Nieheim (scheduled 10.03.2022), Brakel (none)."""
    partners = [(i, f"Stadt {i}") for i in range(1, 10)] + [(10, "Nieheim"), (11, "Brakel")]
    resolutions = [r(O.ADOPTED, date(2022, 2, 23), body_id=i) for i in range(1, 10)]
    resolutions.append(r(O.SCHEDULED, date(2022, 3, 10), body_id=10, id=99))
    resolutions.append(r(O.ADOPTED, date(2022, 2, 14), body_id=11, authoritative=False))
    summary = summarise(partners, resolutions, TODAY)
    assert (summary.decided, summary.total, summary.complete) == (9, 11, False)
    assert [(p.name, p.decision.status, p.decision.session_date) for p in summary.open] == [
        ("Nieheim", S.SCHEDULED, date(2022, 3, 10)),
        ("Brakel", S.NONE, None),
    ]


def test_summary_complete_only_with_partners():
    assert not summarise([], [], TODAY).complete
    one = summarise([(1, "A")], [r(O.ADOPTED, date(2022, 1, 1), body_id=1)], TODAY)
    assert one.complete
