"""Where each partner's council stands on an initiative: one pure function over plain data.

The rule (issue 3, issue 27): only a council's authoritative resolutions count, and neither an
assessment mandate (Prüfauftrag) nor a status report (Sachstandsbericht) among them. A council
that has decided stays decided until it decides otherwise: the latest *deciding* outcome by
session date (adopted or adopted with amendments: *decided*; rejected: *rejected*; repealed,
aufgehoben: *none*, no decision in force) stands, and whatever comes after it (taken note of,
withdrawn, deferred, referred) changes nothing; a later session scheduled on the initiative is
given as the next one. Before any deciding outcome, or after a repeal, the latest result gives
the status: deferred or referred *deferred*, withdrawn or noted *none* (after a repeal: still
repealed). Where that is none or deferred and an authoritative session is scheduled after the
latest result, the status is *scheduled* with the date of the next such session. A committee's
recommendation (not authoritative) never counts as the decision.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from .enums import DecisionStatus, Outcome, ResolutionKind

# Outcomes that decide the question: each replaces any earlier decision of the council.
DECIDING_OUTCOMES = {
    Outcome.ADOPTED: DecisionStatus.DECIDED,
    Outcome.ADOPTED_AMENDED: DecisionStatus.DECIDED,
    Outcome.REJECTED: DecisionStatus.REJECTED,
    # the council lifts its decision: none of it is in force (Decision.repealed says why)
    Outcome.REPEALED: DecisionStatus.NONE,
}
# Steps on the way: they give the status only while no decision is in force.
INTERIM_OUTCOMES = {
    Outcome.DEFERRED: DecisionStatus.DEFERRED,
    # another organ deliberates first; this council has not decided yet
    Outcome.REFERRED: DecisionStatus.DEFERRED,
    Outcome.WITHDRAWN: DecisionStatus.NONE,
    Outcome.NOTED: DecisionStatus.NONE,
}
# Kinds of paper that never decide whether a council takes part.
NOT_DECIDING_KINDS = frozenset({ResolutionKind.ASSESSMENT_MANDATE, ResolutionKind.STATUS_REPORT})


@dataclass(frozen=True)
class ResolutionFacts:
    """What the rule needs to know of one resolution."""

    id: int
    body_id: int
    authoritative: bool
    kind: ResolutionKind
    outcome: Outcome
    session_date: date


@dataclass(frozen=True)
class Decision:
    """A partner's decision status.

    session_date is the date of the deciding session, or of the next scheduled one (or of the
    repeal, see `repealed`); result_missing says that this scheduled session has passed without
    a recorded result; next_session_date is a session still to come after a decision or
    rejection; repealed says that the council lifted its decision (status none).
    """

    status: DecisionStatus
    session_date: date | None = None
    resolution_id: int | None = None
    result_missing: bool = False
    next_session_date: date | None = None
    repealed: bool = False


def result_missing(outcome: Outcome, session_date: date, today: date) -> bool:
    """A session still marked scheduled although its day has passed: its result is missing."""
    return outcome == Outcome.SCHEDULED and session_date < today


def decides(kind: ResolutionKind) -> bool:
    """A paper of this kind can decide whether the council takes part (a status report or a
    Prüfauftrag cannot)."""
    return kind not in NOT_DECIDING_KINDS


def _counts(r: ResolutionFacts) -> bool:
    return r.authoritative and decides(r.kind)


def _order(r: ResolutionFacts):
    # Two results on the same day: the one recorded later wins.
    return (r.session_date, r.id)


def decision_status(resolutions: Iterable[ResolutionFacts], today: date) -> Decision:
    """The decision status of one body from its resolutions on one initiative."""
    relevant = [r for r in resolutions if _counts(r)]
    scheduled = [r for r in relevant if r.outcome == Outcome.SCHEDULED]
    results = [r for r in relevant if r.outcome != Outcome.SCHEDULED]
    deciding = max((r for r in results if r.outcome in DECIDING_OUTCOMES), key=_order, default=None)
    if deciding is not None and deciding.outcome != Outcome.REPEALED:
        upcoming = [
            r
            for r in scheduled
            if r.session_date > deciding.session_date and r.session_date >= today
        ]
        return Decision(
            DECIDING_OUTCOMES[deciding.outcome],
            deciding.session_date,
            deciding.id,
            next_session_date=min(upcoming, key=_order).session_date if upcoming else None,
        )
    # No decision in force: the latest result since the repeal (if any) gives the status.
    latest = max(results, key=_order, default=None)
    if (
        latest is not None
        and latest.outcome in INTERIM_OUTCOMES
        and (INTERIM_OUTCOMES[latest.outcome] == DecisionStatus.DEFERRED)
    ):
        decision = Decision(DecisionStatus.DEFERRED, latest.session_date, latest.id)
    elif deciding is not None:  # repealed, perhaps noted since
        decision = Decision(DecisionStatus.NONE, deciding.session_date, deciding.id, repealed=True)
    else:
        decision = Decision(DecisionStatus.NONE)
    # A scheduled session from before the latest result is overtaken by it.
    after = latest.session_date if latest is not None else None
    scheduled = [r for r in scheduled if after is None or r.session_date > after]
    if not scheduled:
        return decision
    upcoming = [r for r in scheduled if r.session_date >= today]
    # The next session to come; if all have passed, the latest of them, whose result is missing.
    chosen = min(upcoming, key=_order) if upcoming else max(scheduled, key=_order)
    return Decision(
        DecisionStatus.SCHEDULED,
        chosen.session_date,
        chosen.id,
        result_missing=result_missing(chosen.outcome, chosen.session_date, today),
    )


@dataclass(frozen=True)
class PartnerDecision:
    body_id: int
    name: str
    decision: Decision


@dataclass(frozen=True)
class DecisionSummary:
    """The line a funding officer wants: how many councils decided and who is still open."""

    partners: list[PartnerDecision]
    decided: int = 0
    total: int = 0
    open: list[PartnerDecision] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every partner has decided."""
        return self.total > 0 and self.decided == self.total


def summarise(
    partners: Iterable[tuple[int, str]],
    resolutions: Iterable[ResolutionFacts],
    today: date,
) -> DecisionSummary:
    """Decision status of each partner (body id, name) and the count of those decided.

    The open partners come in the order given (the caller orders them, e.g. lead first).
    """
    by_body: dict[int, list[ResolutionFacts]] = {}
    for r in resolutions:
        by_body.setdefault(r.body_id, []).append(r)
    rows = [
        PartnerDecision(body_id, name, decision_status(by_body.get(body_id, ()), today))
        for body_id, name in partners
    ]
    decided = sum(1 for row in rows if row.decision.status == DecisionStatus.DECIDED)
    return DecisionSummary(
        partners=rows,
        decided=decided,
        total=len(rows),
        open=[row for row in rows if row.decision.status != DecisionStatus.DECIDED],
    )
