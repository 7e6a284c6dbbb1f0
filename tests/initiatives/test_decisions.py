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
        (O.REFERRED, S.DEFERRED),
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


# Issue 27: decisions stay decisions. Each case computed by hand; TODAY is 01.03.2022, the
# adoption (id 1) was on 01.02.2022, what follows it on 20.02.2022 (id 2) unless said otherwise.
ADOPTED_0201 = (O.ADOPTED, date(2022, 2, 1), 1)
EDGE_CASES = [
    # (case, [(outcome, day, id, kind)], expected)
    (
        "status report taken note of after the adoption: still decided",
        [ADOPTED_0201, (O.NOTED, date(2022, 2, 20), 2, K.STATUS_REPORT)],
        Decision(S.DECIDED, date(2022, 2, 1), 1),
    ),
    (
        "a note on the same paper (as council systems give it) after the adoption: decided",
        [ADOPTED_0201, (O.NOTED, date(2022, 2, 20), 2)],
        Decision(S.DECIDED, date(2022, 2, 1), 1),
    ),
    (
        "withdrawn amendment after the adoption: decided",
        [ADOPTED_0201, (O.WITHDRAWN, date(2022, 2, 20), 2)],
        Decision(S.DECIDED, date(2022, 2, 1), 1),
    ),
    (
        "follow-up paper deferred after the adoption: decided",
        [ADOPTED_0201, (O.DEFERRED, date(2022, 2, 20), 2)],
        Decision(S.DECIDED, date(2022, 2, 1), 1),
    ),
    (
        "referred to another organ after the adoption: decided",
        [ADOPTED_0201, (O.REFERRED, date(2022, 2, 20), 2)],
        Decision(S.DECIDED, date(2022, 2, 1), 1),
    ),
    (
        "rejection after the adoption: rejected, on the day of the rejection",
        [ADOPTED_0201, (O.REJECTED, date(2022, 2, 20), 2)],
        Decision(S.REJECTED, date(2022, 2, 20), 2),
    ),
    (
        "repeal after the adoption: no decision in force (repealed)",
        [ADOPTED_0201, (O.REPEALED, date(2022, 2, 20), 2)],
        Decision(S.NONE, date(2022, 2, 20), 2, repealed=True),
    ),
    (
        "repeal, then a report taken note of: still repealed",
        [ADOPTED_0201, (O.REPEALED, date(2022, 2, 20), 2), (O.NOTED, date(2022, 2, 25), 3)],
        Decision(S.NONE, date(2022, 2, 20), 2, repealed=True),
    ),
    (
        "repeal, then a new session scheduled: scheduled",
        [ADOPTED_0201, (O.REPEALED, date(2022, 2, 20), 2), (O.SCHEDULED, date(2022, 4, 7), 3)],
        Decision(S.SCHEDULED, date(2022, 4, 7), 3),
    ),
    (
        "adopted, repealed, adopted again: decided on the second adoption",
        [ADOPTED_0201, (O.REPEALED, date(2022, 2, 20), 2), (O.ADOPTED, date(2022, 2, 24), 3)],
        Decision(S.DECIDED, date(2022, 2, 24), 3),
    ),
    (
        "rejected, then a note: still rejected",
        [(O.REJECTED, date(2022, 2, 1), 1), (O.NOTED, date(2022, 2, 20), 2)],
        Decision(S.REJECTED, date(2022, 2, 1), 1),
    ),
    (
        "rejected, then adopted: decided",
        [(O.REJECTED, date(2022, 2, 1), 1), (O.ADOPTED, date(2022, 2, 20), 2)],
        Decision(S.DECIDED, date(2022, 2, 20), 2),
    ),
    (
        "deferral before any decision: deferred",
        [(O.DEFERRED, date(2022, 2, 20), 2)],
        Decision(S.DEFERRED, date(2022, 2, 20), 2),
    ),
    (
        "referred before any decision: deferred",
        [(O.REFERRED, date(2022, 2, 20), 2)],
        Decision(S.DEFERRED, date(2022, 2, 20), 2),
    ),
    (
        "deferred, then withdrawn, before any decision: none",
        [(O.DEFERRED, date(2022, 2, 1), 1), (O.WITHDRAWN, date(2022, 2, 20), 2)],
        Decision(S.NONE),
    ),
    (
        "scheduled session after the decision: decided, the session shown as next",
        [ADOPTED_0201, (O.SCHEDULED, date(2022, 3, 10), 2)],
        Decision(S.DECIDED, date(2022, 2, 1), 1, next_session_date=date(2022, 3, 10)),
    ),
    (
        "a note, then a scheduled session after the decision: decided, with the next session",
        [ADOPTED_0201, (O.NOTED, date(2022, 2, 20), 2), (O.SCHEDULED, date(2022, 3, 10), 3)],
        Decision(S.DECIDED, date(2022, 2, 1), 1, next_session_date=date(2022, 3, 10)),
    ),
    (
        "scheduled session after the decision that has passed: decided, no next session",
        [ADOPTED_0201, (O.SCHEDULED, date(2022, 2, 20), 2)],
        Decision(S.DECIDED, date(2022, 2, 1), 1),
    ),
    (
        "a status report deferred before any decision: none (a report never decides)",
        [(O.DEFERRED, date(2022, 2, 20), 2, K.STATUS_REPORT)],
        Decision(S.NONE),
    ),
    (
        "a status report recorded as adopted (imported): none (a report never decides)",
        [(O.ADOPTED, date(2022, 2, 20), 2, K.STATUS_REPORT)],
        Decision(S.NONE),
    ),
    (
        "a status report scheduled: not a scheduled decision",
        [(O.SCHEDULED, date(2022, 3, 10), 2, K.STATUS_REPORT)],
        Decision(S.NONE),
    ),
    (
        "repeal without an earlier decision: none, repealed",
        [(O.REPEALED, date(2022, 2, 20), 2)],
        Decision(S.NONE, date(2022, 2, 20), 2, repealed=True),
    ),
]


@pytest.mark.parametrize(
    "results, expected", [c[1:] for c in EDGE_CASES], ids=[c[0] for c in EDGE_CASES]
)
def test_decisions_stay_decisions(results, expected):
    facts = [r(outcome, day, id=id_, kind=kind[0] if kind else K.BASIC_DECISION)
             for outcome, day, id_, *kind in results]  # fmt: skip
    assert status(*facts) == expected
    # the order the results were recorded in does not matter
    assert status(*reversed(facts)) == expected


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
