"""Does a grant meet its programme's conditions? One pure function over plain data.

Each condition answers met, not_met, unknown (data missing) or not_applicable (the programme sets
no such limit), with a sentence that says why. The grant is eligible when no condition is not_met
or unknown. Partners are the participants with role lead or partner; their decision status comes
from the rule in `coop.core.decisions`.

Decisions taken here (see README, "Funding check"):
- The ceiling by funding rate is rounded *down* to the cent, so that rounding never lets a grant
  exceed the rate.
- A duration counts the end date as the last day: 01.01.2022 to 31.12.2026 is five years.
- A proof of use submitted after its due date is met (it is there), and the sentence says it
  came late.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .decisions import PartnerDecision
from .enums import ConditionStatus, DecisionStatus
from .money import cap_to_cents
from .text import Joined, Rate, Text

MET = ConditionStatus.MET
NOT_MET = ConditionStatus.NOT_MET
UNKNOWN = ConditionStatus.UNKNOWN
NOT_APPLICABLE = ConditionStatus.NOT_APPLICABLE

CONDITION_CODES = (
    "ceiling",
    "min_partners",
    "council_resolutions",
    "duration",
    "savings_rate",
    "application_window",
    "proof_of_use",
)


@dataclass(frozen=True)
class ProgramTerms:
    """The limits of a programme; None means the programme sets no such limit."""

    base_amount: Decimal | None = None
    base_partners: int | None = None
    amount_per_additional_partner: Decimal | None = None
    max_funding_rate: Decimal | None = None
    min_partners: int | None = None
    min_duration_years: int | None = None
    min_savings_rate: Decimal | None = None
    requires_all_council_resolutions: bool = False
    application_from: date | None = None
    application_until: date | None = None


@dataclass(frozen=True)
class GrantFacts:
    application_date: date | None = None
    eligible_costs: Decimal | None = None
    amount_requested: Decimal | None = None
    proof_of_use_due: date | None = None
    proof_of_use_submitted: date | None = None


@dataclass(frozen=True)
class InitiativeFacts:
    """partners: each deciding participant with its decision status, in display order."""

    partners: Sequence[PartnerDecision] = ()
    start_date: date | None = None
    end_date: date | None = None
    savings_rate: Decimal | None = None


@dataclass(frozen=True)
class MissingResolution:
    body_id: int
    name: str
    status: DecisionStatus
    next_session: date | None = None
    # Decided, but in a session after the application date.
    decided_on: date | None = None


@dataclass(frozen=True)
class Condition:
    code: str
    status: ConditionStatus
    text: Text


@dataclass(frozen=True)
class CheckResult:
    ceiling: Decimal | None
    conditions: list[Condition]
    missing_resolutions: list[MissingResolution]

    @property
    def eligible(self) -> bool:
        """No condition is not met or unknown."""
        return all(c.status in (MET, NOT_APPLICABLE) for c in self.conditions)

    def condition(self, code: str) -> Condition:
        """The condition of this code."""
        return next(c for c in self.conditions if c.code == code)

    @property
    def open_conditions(self) -> list[Condition]:
        """The conditions still not met or not known, in check order."""
        return [c for c in self.conditions if c.status in (NOT_MET, UNKNOWN)]


# --- the amount --------------------------------------------------------------------------


def ceiling_by_partners(terms: ProgramTerms, partners: int) -> Decimal | None:
    """base_amount + amount_per_additional_partner × max(0, partners − base_partners)."""
    if terms.base_amount is None:
        return None
    per = terms.amount_per_additional_partner or Decimal("0")
    extra = max(0, partners - (terms.base_partners or 0))
    return terms.base_amount + per * extra


def ceiling_by_rate(terms: ProgramTerms, eligible_costs: Decimal | None) -> Decimal | None:
    """The funding rate times the eligible costs, rounded down to the cent; None without either."""
    if terms.max_funding_rate is None or eligible_costs is None:
        return None
    return cap_to_cents(terms.max_funding_rate * eligible_costs)


def ceiling(terms: ProgramTerms, partners: int, eligible_costs: Decimal | None) -> Decimal | None:
    """The most the programme pays: the partner formula, capped by the rate of eligible costs.

    None when the programme sets neither, or only a rate and the eligible costs are unknown.
    """
    amounts = [
        a
        for a in (ceiling_by_partners(terms, partners), ceiling_by_rate(terms, eligible_costs))
        if a is not None
    ]
    return min(amounts) if amounts else None


def _check_ceiling(terms: ProgramTerms, grant: GrantFacts, partners: int) -> Condition:
    by_partners = ceiling_by_partners(terms, partners)
    by_rate = ceiling_by_rate(terms, grant.eligible_costs)
    if by_partners is None and terms.max_funding_rate is None:
        return Condition("ceiling", NOT_APPLICABLE, Text("ceiling.none"))
    # The rate caps the partner formula when eligible costs are known; alone it needs them.
    if by_partners is None and grant.eligible_costs is None:
        return Condition(
            "ceiling",
            UNKNOWN,
            Text("ceiling.rate_unknown", {"rate": Rate(terms.max_funding_rate)}),
        )
    limit = ceiling(terms, partners, grant.eligible_costs)
    how: list[Text] = []
    if by_partners is not None:
        how.append(
            Text(
                "ceiling.formula",
                {
                    "partners": partners,
                    "base": terms.base_amount,
                    "base_partners": terms.base_partners or 0,
                    "extra": max(0, partners - (terms.base_partners or 0)),
                    "per": terms.amount_per_additional_partner or Decimal("0"),
                    "by_partners": by_partners,
                },
            )
        )
    if by_rate is not None:
        how.append(
            Text(
                "ceiling.rate",
                {
                    "rate": Rate(terms.max_funding_rate),
                    "eligible": grant.eligible_costs,
                    "by_rate": by_rate,
                },
            )
        )
    if grant.amount_requested is None:
        return Condition("ceiling", UNKNOWN, Text("ceiling.requested_unknown", {"ceiling": limit}))
    params = {"requested": grant.amount_requested, "ceiling": limit, "how": Joined(how)}
    if grant.amount_requested <= limit:
        return Condition("ceiling", MET, Text("ceiling.met", params))
    params["excess"] = grant.amount_requested - limit
    return Condition("ceiling", NOT_MET, Text("ceiling.not_met", params))


# --- partners and their councils ---------------------------------------------------------


def _check_min_partners(terms: ProgramTerms, partners: int) -> Condition:
    if terms.min_partners is None:
        return Condition("min_partners", NOT_APPLICABLE, Text("min_partners.none"))
    params = {"partners": partners, "minimum": terms.min_partners}
    status = MET if partners >= terms.min_partners else NOT_MET
    return Condition("min_partners", status, Text(f"min_partners.{status}", params))


def missing_resolutions(
    partners: Sequence[PartnerDecision], application_date: date | None
) -> list[MissingResolution]:
    """Partners whose council has not decided (by the application date, when one is set)."""
    missing = []
    for p in partners:
        d = p.decision
        if d.status == DecisionStatus.DECIDED:
            if (
                application_date is not None
                and d.session_date
                and d.session_date > application_date
            ):
                missing.append(MissingResolution(p.body_id, p.name, d.status, None, d.session_date))
            continue
        next_session = d.session_date if d.status == DecisionStatus.SCHEDULED else None
        missing.append(MissingResolution(p.body_id, p.name, d.status, next_session))
    return missing


def _missing_text(m: MissingResolution, partners: dict[int, PartnerDecision]) -> Text:
    if m.decided_on is not None:
        return Text("missing.late", {"name": m.name, "date": m.decided_on})
    decision = partners[m.body_id].decision
    key = "missing.result_missing" if decision.result_missing else f"missing.{m.status}"
    return Text(key, {"name": m.name, "date": decision.session_date})


def _check_councils(
    terms: ProgramTerms, partners: Sequence[PartnerDecision], grant: GrantFacts
) -> tuple[Condition, list[MissingResolution]]:
    missing = missing_resolutions(partners, grant.application_date)
    if not terms.requires_all_council_resolutions:
        return Condition(
            "council_resolutions", NOT_APPLICABLE, Text("council_resolutions.none")
        ), missing
    if not partners:
        return (
            Condition("council_resolutions", UNKNOWN, Text("council_resolutions.no_partners")),
            missing,
        )
    by = (
        Text("council_resolutions.by", {"application_date": grant.application_date})
        if grant.application_date
        else ""
    )
    params = {"total": len(partners), "decided": len(partners) - len(missing), "by": by}
    if not missing:
        return Condition(
            "council_resolutions", MET, Text("council_resolutions.met", params)
        ), missing
    by_id = {p.body_id: p for p in partners}
    params["missing"] = Joined([_missing_text(m, by_id) for m in missing], ", ")
    return (
        Condition("council_resolutions", NOT_MET, Text("council_resolutions.not_met", params)),
        missing,
    )


# --- time --------------------------------------------------------------------------------


def add_years(d: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def full_years(start: date, end: date) -> int:
    """Whole years from start to end, counting the end date as the last day."""
    after_end = end + timedelta(days=1)
    years = after_end.year - start.year
    if add_years(start, years) > after_end:
        years -= 1
    return max(0, years)


def _check_duration(terms: ProgramTerms, initiative: InitiativeFacts) -> Condition:
    minimum = terms.min_duration_years
    if minimum is None:
        return Condition("duration", NOT_APPLICABLE, Text("duration.none"))
    if initiative.start_date is None:
        return Condition("duration", UNKNOWN, Text("duration.start_unknown", {"minimum": minimum}))
    if initiative.end_date is None:
        return Condition(
            "duration",
            MET,
            Text("duration.open_ended", {"start": initiative.start_date, "minimum": minimum}),
        )
    years = full_years(initiative.start_date, initiative.end_date)
    params = {
        "start": initiative.start_date,
        "end": initiative.end_date,
        "years": years,
        "minimum": minimum,
    }
    status = MET if years >= minimum else NOT_MET
    return Condition("duration", status, Text(f"duration.{status}", params))


def _check_savings(terms: ProgramTerms, initiative: InitiativeFacts) -> Condition:
    if terms.min_savings_rate is None:
        return Condition("savings_rate", NOT_APPLICABLE, Text("savings_rate.none"))
    minimum = Rate(terms.min_savings_rate)
    if initiative.savings_rate is None:
        return Condition(
            "savings_rate", UNKNOWN, Text("savings_rate.unknown", {"minimum": minimum})
        )
    params = {"rate": Rate(initiative.savings_rate), "minimum": minimum}
    status = MET if initiative.savings_rate >= terms.min_savings_rate else NOT_MET
    return Condition("savings_rate", status, Text(f"savings_rate.{status}", params))


def _window(terms: ProgramTerms) -> Text:
    if terms.application_from and terms.application_until:
        return Text(
            "window.both", {"start": terms.application_from, "end": terms.application_until}
        )
    if terms.application_from:
        return Text("window.from", {"start": terms.application_from})
    return Text("window.until", {"end": terms.application_until})


def _check_window(terms: ProgramTerms, grant: GrantFacts) -> Condition:
    if terms.application_from is None and terms.application_until is None:
        return Condition("application_window", NOT_APPLICABLE, Text("application_window.none"))
    window = _window(terms)
    applied = grant.application_date
    if applied is None:
        return Condition(
            "application_window", UNKNOWN, Text("application_window.unknown", {"window": window})
        )
    params = {"application_date": applied, "window": window}
    if terms.application_from and applied < terms.application_from:
        return Condition("application_window", NOT_MET, Text("application_window.early", params))
    if terms.application_until and applied > terms.application_until:
        return Condition("application_window", NOT_MET, Text("application_window.late", params))
    return Condition("application_window", MET, Text("application_window.met", params))


def _check_proof_of_use(grant: GrantFacts, today: date) -> Condition:
    due, submitted = grant.proof_of_use_due, grant.proof_of_use_submitted
    if due is None:
        return Condition("proof_of_use", NOT_APPLICABLE, Text("proof_of_use.none"))
    if submitted is not None:
        if submitted > due:
            params = {"submitted": submitted, "due": due, "days": (submitted - due).days}
            return Condition("proof_of_use", MET, Text("proof_of_use.submitted_late", params))
        return Condition(
            "proof_of_use",
            MET,
            Text("proof_of_use.submitted", {"submitted": submitted, "due": due}),
        )
    if due < today:
        params = {"due": due, "days": (today - due).days}
        return Condition("proof_of_use", NOT_MET, Text("proof_of_use.overdue", params))
    return Condition(
        "proof_of_use", MET, Text("proof_of_use.due", {"due": due, "days": (due - today).days})
    )


# --- the whole check ---------------------------------------------------------------------


def check(
    terms: ProgramTerms, grant: GrantFacts, initiative: InitiativeFacts, today: date
) -> CheckResult:
    """Every condition of the programme against the grant and its initiative, as of `today`."""
    partners = len(initiative.partners)
    councils, missing = _check_councils(terms, initiative.partners, grant)
    conditions = [
        _check_ceiling(terms, grant, partners),
        _check_min_partners(terms, partners),
        councils,
        _check_duration(terms, initiative),
        _check_savings(terms, initiative),
        _check_window(terms, grant),
        _check_proof_of_use(grant, today),
    ]
    return CheckResult(
        ceiling=ceiling(terms, partners, grant.eligible_costs),
        conditions=conditions,
        missing_resolutions=missing,
    )
