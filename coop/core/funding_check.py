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
    "project_start",
    "justification",
)


@dataclass(frozen=True)
class Tier:
    """From `min_partners` partners on, the programme pays `amount` (the highest tier that
    applies wins)."""

    min_partners: int
    amount: Decimal


@dataclass(frozen=True)
class PartnerFacts:
    """What a programme asks of a partner: its Land (two-digit key), its attributes (such as
    a region with special need, a consolidation programme) and whether it applies for all."""

    state: str | None = None
    attributes: frozenset[str] = frozenset()
    lead: bool = False
    # a member municipality of an administrative union (Gemeindeverwaltungsverband,
    # Verwaltungsgemeinschaft) that the initiative forms
    union_member: bool = False


@dataclass(frozen=True)
class ProgramTerms:
    """The limits of a programme; None means the programme sets no such limit.

    The amount is the first of these that the programme sets: an amount per member
    municipality where the partners form an administrative union (`amount_per_member`), the
    amount for a single partner in the Land (`single_state_partner_amount`, with
    `count_partners_in_state_only`), tiers by
    number of partners (`amount_tiers`), a fixed amount per project (`amount_per_project`,
    `region_amount` where the applicant and most partners have `region_attribute`), or a base
    amount for `base_partners` partners plus an amount for each further one. A rate of the
    eligible costs caps it (`rate_with_attribute` where the applicant has `rate_attribute`);
    below `min_eligible_costs` nothing is paid."""

    base_amount: Decimal | None = None
    base_partners: int | None = None
    amount_per_additional_partner: Decimal | None = None
    max_funding_rate: Decimal | None = None
    amount_tiers: tuple[Tier, ...] = ()
    amount_per_project: Decimal | None = None
    amount_per_member: Decimal | None = None
    state: str | None = None
    count_partners_in_state_only: bool = False
    single_state_partner_amount: Decimal | None = None
    min_eligible_costs: Decimal | None = None
    region_attribute: str | None = None
    region_amount: Decimal | None = None
    rate_attribute: str | None = None
    rate_with_attribute: Decimal | None = None
    # the project may not start before the application
    no_start_before_application: bool = False
    # below this number of partners the application needs a justification (Hessen: two)
    justification_below_partners: int | None = None
    # the minimum savings, or a documented service improvement a person confirmed
    savings_or_improvement: bool = False
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
    justification: str | None = None
    # a service improvement instead of savings, and who confirmed it
    service_improvement: str | None = None
    improvement_confirmed_by: str | None = None


@dataclass(frozen=True)
class InitiativeFacts:
    """partners: each deciding participant with its decision status, in display order."""

    partners: Sequence[PartnerDecision] = ()
    # what the programme asks of each of them (Land, attributes, the applicant), same order
    partner_facts: Sequence[PartnerFacts] = ()
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
    # how the ceiling comes about, one step per part ("11 Partner: …; höchstens 90 % …")
    explanation: Joined | None = None

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


Partners = int | Sequence[PartnerFacts]


def _facts(partners: Partners) -> list[PartnerFacts]:
    if isinstance(partners, int):
        return [PartnerFacts() for _ in range(partners)]
    return list(partners)


def counted_partners(terms: ProgramTerms, partners: Partners) -> int:
    """The partners the programme counts: all, or only those in its Land (a partner whose
    Land is not recorded counts: coop does not take away what it cannot tell)."""
    facts = _facts(partners)
    if terms.count_partners_in_state_only and terms.state:
        return sum(1 for p in facts if p.state in (terms.state, None))
    return len(facts)


def _lead(facts: list[PartnerFacts]) -> PartnerFacts | None:
    return next((p for p in facts if p.lead), facts[0] if facts else None)


def amount(terms: ProgramTerms, partners: Partners) -> tuple[Decimal | None, Text | None]:
    """The amount the programme pays for these partners before any rate, and the sentence
    that says how; (None, None) when it sets no amount."""
    facts = _facts(partners)
    n = counted_partners(terms, facts)
    members = sum(1 for p in facts if p.union_member)
    if terms.amount_per_member is not None and members:
        total = terms.amount_per_member * members
        return total, Text(
            "ceiling.per_member",
            {"members": members, "per": terms.amount_per_member, "amount": total},
        )
    in_state = terms.count_partners_in_state_only and terms.state
    if in_state and n == 1 and terms.single_state_partner_amount:
        return terms.single_state_partner_amount, Text(
            "ceiling.single_state", {"amount": terms.single_state_partner_amount}
        )
    if terms.amount_tiers:
        tiers = sorted(terms.amount_tiers, key=lambda t: t.min_partners)
        tier = next((t for t in reversed(tiers) if n >= t.min_partners), None)
        if tier is None:
            return Decimal("0"), Text(
                "ceiling.below_tiers", {"partners": n, "minimum": tiers[0].min_partners}
            )
        return tier.amount, Text(
            "ceiling.tier", {"partners": n, "minimum": tier.min_partners, "amount": tier.amount}
        )
    if terms.amount_per_project is not None:
        lead = _lead(facts)
        marked = sum(1 for p in facts if terms.region_attribute in p.attributes)
        if (
            terms.region_attribute
            and terms.region_amount is not None
            and lead is not None
            and terms.region_attribute in lead.attributes
            and marked * 2 > len(facts)
        ):
            return terms.region_amount, Text(
                "ceiling.region",
                {"amount": terms.region_amount, "marked": marked, "partners": len(facts)},
            )
        return terms.amount_per_project, Text(
            "ceiling.per_project", {"amount": terms.amount_per_project}
        )
    if terms.base_amount is None:
        return None, None
    base_partners = terms.base_partners or 0
    if n < base_partners:
        return Decimal("0"), Text(
            "ceiling.below_base", {"partners": n, "base_partners": base_partners}
        )
    per = terms.amount_per_additional_partner or Decimal("0")
    extra = n - base_partners
    total = terms.base_amount + per * extra
    return total, Text(
        "ceiling.formula",
        {
            "partners": n,
            "base": terms.base_amount,
            "base_partners": base_partners,
            "extra": extra,
            "per": per,
            "by_partners": total,
        },
    )


def ceiling_by_partners(terms: ProgramTerms, partners: Partners) -> Decimal | None:
    """The programme's amount for these partners (see `amount`), before any rate."""
    return amount(terms, partners)[0]


def funding_rate(terms: ProgramTerms, partners: Partners = ()) -> Decimal | None:
    """The rate of the eligible costs: the higher one where the applicant has the attribute."""
    lead = _lead(_facts(partners))
    if terms.rate_attribute and terms.rate_with_attribute is not None and lead is not None:
        if terms.rate_attribute in lead.attributes:
            return terms.rate_with_attribute
    return terms.max_funding_rate


def ceiling_by_rate(
    terms: ProgramTerms, eligible_costs: Decimal | None, partners: Partners = ()
) -> Decimal | None:
    """The funding rate times the eligible costs, rounded down to the cent; None without either."""
    rate = funding_rate(terms, partners)
    if rate is None or eligible_costs is None:
        return None
    return cap_to_cents(rate * eligible_costs)


def ceiling(
    terms: ProgramTerms, partners: Partners, eligible_costs: Decimal | None
) -> Decimal | None:
    """The most the programme pays: its amount for the partners, capped by the rate of eligible
    costs; nothing below the minimum of eligible costs.

    None when the programme sets neither, or only a rate and the eligible costs are unknown.
    """
    if (
        terms.min_eligible_costs is not None
        and eligible_costs is not None
        and eligible_costs < terms.min_eligible_costs
    ):
        return Decimal("0")
    amounts = [
        a
        for a in (
            ceiling_by_partners(terms, partners),
            ceiling_by_rate(terms, eligible_costs, partners),
        )
        if a is not None
    ]
    return min(amounts) if amounts else None


def explain(terms: ProgramTerms, partners: Partners, eligible_costs: Decimal | None) -> list[Text]:
    """How the ceiling comes about: the amount, the rate, the minimum of eligible costs; one
    sentence each."""
    _amount, how_amount = amount(terms, partners)
    how: list[Text] = [how_amount] if how_amount is not None else []
    by_rate = ceiling_by_rate(terms, eligible_costs, partners)
    if by_rate is not None:
        rate = Rate(funding_rate(terms, partners))
        how.append(
            Text("ceiling.rate", {"rate": rate, "eligible": eligible_costs, "by_rate": by_rate})
        )
    if (
        terms.min_eligible_costs is not None
        and eligible_costs is not None
        and eligible_costs < terms.min_eligible_costs
    ):
        how.append(
            Text(
                "ceiling.below_minimum_costs",
                {"eligible": eligible_costs, "minimum": terms.min_eligible_costs},
            )
        )
    return how


def _check_ceiling(terms: ProgramTerms, grant: GrantFacts, partners: Partners) -> Condition:
    by_partners = ceiling_by_partners(terms, partners)
    rate = funding_rate(terms, partners)
    if by_partners is None and rate is None:
        return Condition("ceiling", NOT_APPLICABLE, Text("ceiling.none"))
    # The rate caps the partner formula when eligible costs are known; alone it needs them.
    if by_partners is None and grant.eligible_costs is None:
        return Condition("ceiling", UNKNOWN, Text("ceiling.rate_unknown", {"rate": Rate(rate)}))
    limit = ceiling(terms, partners, grant.eligible_costs)
    how = explain(terms, partners, grant.eligible_costs)
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
    if decision.result_missing:
        key = "missing.result_missing"
    elif decision.repealed:
        key = "missing.repealed"
    else:
        key = f"missing.{m.status}"
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
    params["n"] = params["decided"]  # the verb agrees with the councils that decided
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


def _check_savings(
    terms: ProgramTerms, initiative: InitiativeFacts, grant: GrantFacts
) -> Condition:
    if terms.min_savings_rate is None:
        return Condition("savings_rate", NOT_APPLICABLE, Text("savings_rate.none"))
    minimum = Rate(terms.min_savings_rate)
    if initiative.savings_rate is not None and initiative.savings_rate >= terms.min_savings_rate:
        params = {"rate": Rate(initiative.savings_rate), "minimum": minimum}
        return Condition("savings_rate", MET, Text("savings_rate.met", params))
    if terms.savings_or_improvement and grant.service_improvement:
        if grant.improvement_confirmed_by:
            return Condition(
                "savings_rate",
                MET,
                Text(
                    "savings_rate.improvement",
                    {"text": grant.service_improvement, "by": grant.improvement_confirmed_by},
                ),
            )
        return Condition(
            "savings_rate",
            UNKNOWN,
            Text("savings_rate.improvement_unconfirmed", {"text": grant.service_improvement}),
        )
    if initiative.savings_rate is None:
        return Condition(
            "savings_rate", UNKNOWN, Text("savings_rate.unknown", {"minimum": minimum})
        )
    params = {"rate": Rate(initiative.savings_rate), "minimum": minimum}
    return Condition("savings_rate", NOT_MET, Text("savings_rate.not_met", params))


def _check_start(terms: ProgramTerms, initiative: InitiativeFacts, grant: GrantFacts) -> Condition:
    if not terms.no_start_before_application:
        return Condition("project_start", NOT_APPLICABLE, Text("project_start.none"))
    if initiative.start_date is None or grant.application_date is None:
        return Condition("project_start", UNKNOWN, Text("project_start.unknown"))
    params = {"start": initiative.start_date, "applied": grant.application_date}
    status = MET if initiative.start_date >= grant.application_date else NOT_MET
    return Condition("project_start", status, Text(f"project_start.{status}", params))


def _check_justification(terms: ProgramTerms, grant: GrantFacts, partners: int) -> Condition:
    below = terms.justification_below_partners
    if below is None or partners >= below:
        return Condition("justification", NOT_APPLICABLE, Text("justification.none"))
    params = {"partners": partners, "below": below}
    if grant.justification:
        return Condition(
            "justification",
            MET,
            Text("justification.met", {**params, "text": grant.justification}),
        )
    return Condition("justification", NOT_MET, Text("justification.not_met", params))


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
    partners: Partners = list(initiative.partner_facts) or len(initiative.partners)
    councils, missing = _check_councils(terms, initiative.partners, grant)
    conditions = [
        _check_ceiling(terms, grant, partners),
        _check_min_partners(terms, len(initiative.partners)),
        councils,
        _check_duration(terms, initiative),
        _check_savings(terms, initiative, grant),
        _check_window(terms, grant),
        _check_proof_of_use(grant, today),
        _check_start(terms, initiative, grant),
        _check_justification(terms, grant, len(initiative.partners)),
    ]
    how = explain(terms, partners, grant.eligible_costs)
    return CheckResult(
        ceiling=ceiling(terms, partners, grant.eligible_costs),
        conditions=conditions,
        missing_resolutions=missing,
        explanation=Joined(how) if how else None,
    )
