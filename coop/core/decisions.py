"""Where each partner's council stands on an initiative: one pure function over plain data.

The rule (issue 3): among a body's authoritative resolutions on the initiative whose kind is not
an assessment mandate (Prüfauftrag) and whose outcome is not `scheduled`, the latest by session
date decides: adopted or adopted with amendments gives *decided*, rejected *rejected*, deferred
*deferred*; withdrawn, noted or nothing of the kind gives *none*. Where that is none or
deferred and an authoritative decision is scheduled after it, the status is *scheduled* with
the date of the next such session. A committee's recommendation (not authoritative) and an
adopted Prüfauftrag never count as the decision.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from .enums import DecisionStatus, Outcome, ResolutionKind

DECIDING_OUTCOMES = {
    Outcome.ADOPTED: DecisionStatus.DECIDED,
    Outcome.ADOPTED_AMENDED: DecisionStatus.DECIDED,
    Outcome.REJECTED: DecisionStatus.REJECTED,
    Outcome.DEFERRED: DecisionStatus.DEFERRED,
    # another organ deliberates first; this council has not decided yet
    Outcome.REFERRED: DecisionStatus.DEFERRED,
    Outcome.WITHDRAWN: DecisionStatus.NONE,
    Outcome.NOTED: DecisionStatus.NONE,
}


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

    session_date is the date of the deciding session, or of the next scheduled one;
    result_missing says that this scheduled session has passed without a recorded result.
    """

    status: DecisionStatus
    session_date: date | None = None
    resolution_id: int | None = None
    result_missing: bool = False


def result_missing(outcome: Outcome, session_date: date, today: date) -> bool:
    """A session still marked scheduled although its day has passed: its result is missing."""
    return outcome == Outcome.SCHEDULED and session_date < today


def _counts(r: ResolutionFacts) -> bool:
    return r.authoritative and r.kind != ResolutionKind.ASSESSMENT_MANDATE


def _order(r: ResolutionFacts):
    # Two results on the same day: the one recorded later wins.
    return (r.session_date, r.id)


def decision_status(resolutions: Iterable[ResolutionFacts], today: date) -> Decision:
    """The decision status of one body from its resolutions on one initiative."""
    relevant = [r for r in resolutions if _counts(r)]
    results = [r for r in relevant if r.outcome != Outcome.SCHEDULED]
    latest = max(results, key=_order, default=None)
    decision = (
        Decision(DECIDING_OUTCOMES[latest.outcome], latest.session_date, latest.id)
        if latest is not None and DECIDING_OUTCOMES[latest.outcome] != DecisionStatus.NONE
        else Decision(DecisionStatus.NONE)
    )
    if decision.status not in (DecisionStatus.NONE, DecisionStatus.DEFERRED):
        return decision
    # A scheduled session from before the latest result is overtaken by it.
    after = latest.session_date if latest is not None else None
    scheduled = [
        r
        for r in relevant
        if r.outcome == Outcome.SCHEDULED and (after is None or r.session_date > after)
    ]
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
