"""Shapes of the API's requests and answers (pydantic); also the source of the OpenAPI schemas."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .. import messages as check_messages
from ..bodies import services as body_services
from ..bodies.schemas import (  # noqa: F401  (the API binds the commands)
    BodyCreate,
    BodyFields,
    BodyUpdate,
)
from ..commands import FTE, ID, MONEY, RATE  # noqa: F401
from ..core.savings_model import to_cents
from ..funding.schemas import (  # noqa: F401  (the API binds the commands)
    AmountTier,
    FundingProgramCreate,
    FundingProgramFields,
    FundingProgramUpdate,
    GrantCreate,
    GrantFields,
    GrantUpdate,
    TrancheIn,
)
from ..initiatives import services as initiative_services
from ..initiatives.schemas import (  # noqa: F401  (the API binds the commands)
    InitiativeCreate,
    InitiativeFields,
    InitiativeUpdate,
    MilestoneIn,
    ParticipantIn,
)
from ..models import (
    STATES,
    AllocationKey,
    BodyKind,
    ConditionStatus,
    DecisionStatus,
    DiscountTiming,
    GrantStatus,
    LegalForm,
    Outcome,
    ParticipantRole,
    Phase,
    ProposalState,
    ResolutionKind,
    ServiceArea,
    TrancheState,
)
from ..oparl.schemas import (  # noqa: F401  (the API binds the commands)
    ProposalConfirm,
)
from ..resolutions.schemas import (  # noqa: F401  (the API binds the commands)
    ResolutionCreate,
    ResolutionFields,
    ResolutionUpdate,
)
from ..savings.schemas import (  # noqa: F401  (the API binds the commands)
    CostModelIn,
    CostPartnerIn,
    FundingIn,
    OneOffIn,
    PartnerLineIn,
    PaymentIn,
    RevenueLineIn,
    SharedLineIn,
    YearValuesIn,
)

# --- query parameters: each list's filters, bound by `parse_query` and listed in the document ---


def one_of(values) -> object:
    """A query value from a fixed list (shown inline in the document as an enum)."""
    return Literal[tuple(str(v) for v in values)]


POSITIVE_ID = {"ge": 1, "le": 2**31 - 1}


class Query(BaseModel):
    """Unknown parameters are ignored (a client may send its own); known ones are checked."""

    model_config = ConfigDict(extra="ignore")


class BodyQuery(Query):
    q: str | None = Field(None, description="Text in name, council or AGS prefix")
    kind: one_of(BodyKind) | None = Field(None, description="Kind of body")
    parent_id: int | None = Field(None, description="Parent body", **POSITIVE_ID)
    district_id: int | None = Field(None, description="District", **POSITIVE_ID)
    state: one_of(STATES) | None = Field(None, description="Federal state key")
    sort: one_of(body_services.SORTS) | None = Field(None, description="Sort order")


class InitiativeQuery(Query):
    q: str | None = Field(None, description="Text in title or description")
    service_area: one_of(ServiceArea) | None = Field(None, description="Area")
    phase: one_of(Phase) | None = Field(None, description="Phase")
    district_id: int | None = Field(
        None, description="A body of this district takes part", **POSITIVE_ID
    )
    body_id: int | None = Field(None, description="This body takes part", **POSITIVE_ID)
    public: one_of(("true", "false", "1", "0")) | None = Field(None, description="Only public ones")
    sort: one_of(initiative_services.SORTS) | None = Field(None, description="Sort order")


class ResolutionQuery(Query):
    initiative_id: int | None = Field(None, description="Initiative", **POSITIVE_ID)
    body_id: int | None = Field(None, description="Body whose organ decided", **POSITIVE_ID)


class GrantQuery(Query):
    status: one_of(GrantStatus) | None = Field(None, description="Status")
    program_id: int | None = Field(None, description="Programme", **POSITIVE_ID)
    initiative_id: int | None = Field(None, description="Initiative", **POSITIVE_ID)


class ProposalQuery(Query):
    initiative_id: int | None = Field(None, description="Initiative", **POSITIVE_ID)
    body_id: int | None = Field(None, description="Body", **POSITIVE_ID)
    state: one_of(ProposalState) | None = Field(None, description="State")


class DocumentQuery(Query):
    filename: str | None = Field(None, description="Original file name", max_length=255)


class Paging(Query):
    page: int | None = Field(None, description="Page, from 1", ge=1, le=1_000_000)
    per_page: int | None = Field(None, description="Items per page", ge=1, le=200)


class PageOf(BaseModel):
    """A page of a list: the items, which page, its size and how many there are in all."""

    page: int
    per_page: int
    total: int


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: dict[str, str] = Field(default_factory=dict)


class Error(BaseModel):
    error: ErrorDetail


class BodyOut(BaseModel):
    id: int
    name: str
    kind: BodyKind
    kind_detail: str | None
    ags: str | None
    ars: str | None
    population: int | None
    parent_id: int | None
    district_id: int | None
    state: str | None
    council_name: str | None
    website: str | None
    contact: str | None
    oparl_url: str | None
    attributes: list[str]
    version: int
    created_at: datetime
    modified_at: datetime


class BodyList(PageOf):
    items: list[BodyOut]


def body_out(body) -> dict:
    """A body as the API shows it."""
    return BodyOut.model_validate(body, from_attributes=True).model_dump(mode="json")


# --- initiatives --------------------------------------------------------------------------


class ParticipantOut(BaseModel):
    body_id: int
    role: ParticipantRole
    joined_on: date | None
    left_on: date | None


class MilestoneOut(BaseModel):
    title: str
    due_on: date | None
    done_on: date | None


class PhaseChangeOut(BaseModel):
    phase: Phase
    changed_on: date


class InitiativeOut(BaseModel):
    id: int
    title: str
    description: str | None
    service_area: ServiceArea
    phase: Phase
    legal_form: LegalForm
    lead_body_id: int | None
    start_date: date | None
    end_date: date | None
    public: bool
    keywords: list[str]
    participants: list[ParticipantOut]
    milestones: list[MilestoneOut]
    phase_history: list[PhaseChangeOut]
    version: int
    created_at: datetime
    modified_at: datetime


class InitiativeList(PageOf):
    items: list[InitiativeOut]


def initiative_out(initiative) -> dict:
    """An initiative as the API shows it."""
    data = {
        **{k: getattr(initiative, k) for k in InitiativeOut.model_fields if hasattr(initiative, k)},
        "phase_history": initiative.phase_changes,
    }
    return InitiativeOut.model_validate(data, from_attributes=True).model_dump(mode="json")


class PartnerDecisionOut(BaseModel):
    body_id: int
    name: str
    status: DecisionStatus
    session_date: date | None = Field(description="The deciding, or next scheduled, session")
    resolution_id: int | None
    result_missing: bool = Field(description="A scheduled session has passed without a result")
    next_session_date: date | None = Field(
        None, description="A session still to come after the decision or rejection"
    )
    repealed: bool = Field(
        False, description="The council repealed its decision: none is in force (status none)"
    )


class DecisionsOut(BaseModel):
    initiative_id: int
    decided: int
    total: int
    partners: list[PartnerDecisionOut]


# --- resolutions --------------------------------------------------------------------------


class ResolutionOut(BaseModel):
    id: int
    initiative_id: int
    body_id: int
    organ: str
    authoritative: bool
    reference: str | None
    title: str | None
    kind: ResolutionKind
    session_date: date
    public: bool
    outcome: Outcome
    votes_yes: int | None
    votes_no: int | None
    votes_abstain: int | None
    result_text: str | None
    resolution_text: str | None
    source_url: str | None
    document_url: str | None = Field(description="The paper (PDF), if uploaded")
    version: int
    created_at: datetime
    modified_at: datetime


class ResolutionList(PageOf):
    items: list[ResolutionOut]


def resolution_out(resolution) -> dict:
    """A resolution as the API answers it, with the link to its paper."""
    data = {k: getattr(resolution, k) for k in ResolutionOut.model_fields if k != "document_url"}
    data["document_url"] = (
        f"/api/v1/resolutions/{resolution.id}/document" if resolution.document_id else None
    )
    return ResolutionOut.model_validate(data).model_dump(mode="json")


# --- funding ------------------------------------------------------------------------------


class FundingProgramOut(BaseModel):
    id: int
    name: str
    provider: str | None
    state: str | None
    legal_basis: str | None
    legal_basis_url: str | None
    base_amount: Decimal | None
    base_partners: int | None
    amount_per_additional_partner: Decimal | None
    max_funding_rate: Decimal | None
    min_partners: int | None
    min_duration_years: int | None
    min_savings_rate: Decimal | None
    requires_all_council_resolutions: bool
    application_from: date | None
    application_until: date | None
    notes: str | None
    amount_tiers: list[AmountTier]
    amount_per_project: Decimal | None
    amount_per_member: Decimal | None
    count_partners_in_state_only: bool
    single_state_partner_amount: Decimal | None
    min_eligible_costs: Decimal | None
    region_attribute: str | None
    region_amount: Decimal | None
    rate_attribute: str | None
    rate_with_attribute: Decimal | None
    no_start_before_application: bool
    justification_below_partners: int | None
    savings_or_improvement: bool
    version: int
    created_at: datetime
    modified_at: datetime


class FundingProgramList(PageOf):
    items: list[FundingProgramOut]


def program_out(program) -> dict:
    """A funding programme as the API answers it."""
    return FundingProgramOut.model_validate(program, from_attributes=True).model_dump(mode="json")


class TrancheOut(BaseModel):
    date: date
    amount: Decimal
    state: TrancheState


class GrantDocumentOut(BaseModel):
    id: int
    title: str
    file_name: str
    size: int


class GrantOut(BaseModel):
    id: int
    initiative_id: int
    program_id: int
    status: GrantStatus
    reference: str | None
    application_date: date | None
    eligible_costs: Decimal | None
    amount_requested: Decimal | None
    amount_granted: Decimal | None
    grant_letter_date: date | None
    period_start: date | None
    period_end: date | None
    proof_of_use_due: date | None
    proof_of_use_submitted: date | None
    notes: str | None
    justification: str | None
    service_improvement: str | None
    improvement_confirmed_by: str | None
    improvement_confirmed_at: datetime | None
    tranches: list[TrancheOut]
    documents: list[GrantDocumentOut]
    version: int
    created_at: datetime
    modified_at: datetime


class GrantList(PageOf):
    items: list[GrantOut]


def grant_out(grant) -> dict:
    """A grant as the API answers it, with its tranches and documents."""
    data = {
        k: getattr(grant, k) for k in GrantOut.model_fields if k not in ("tranches", "documents")
    }
    data["tranches"] = [
        {"date": t.due_on, "amount": t.amount, "state": t.state} for t in grant.tranches
    ]
    data["documents"] = [
        {"id": d.id, "title": d.title, "file_name": d.document.file_name, "size": d.document.size}
        for d in grant.documents
    ]
    return GrantOut.model_validate(data).model_dump(mode="json")


class ConditionOut(BaseModel):
    code: str
    status: ConditionStatus
    message: str = Field(description="Why, in German")


class MissingResolutionOut(BaseModel):
    body_id: int
    name: str
    status: DecisionStatus
    next_session: date | None = Field(description="Next scheduled session of its council")


class GrantCheckOut(BaseModel):
    eligible: bool
    ceiling: Decimal | None = Field(description=MONEY + "; null when the programme sets none")
    explanation: str | None = Field(
        description="How the ceiling comes about, in one line; null without one"
    )
    conditions: list[ConditionOut]
    missing_resolutions: list[MissingResolutionOut]


def check_out(result) -> dict:
    """A funding check as the API answers it: each condition with its sentence, and who is
    missing."""
    return GrantCheckOut.model_validate(
        {
            "eligible": result.eligible,
            "ceiling": result.ceiling.quantize(Decimal("0.01"))
            if result.ceiling is not None
            else None,
            "explanation": "; ".join(check_messages.render(t) for t in result.explanation.parts)
            if result.explanation is not None
            else None,
            "conditions": [
                {"code": c.code, "status": c.status, "message": check_messages.message(c)}
                for c in result.conditions
            ],
            "missing_resolutions": [
                {
                    "body_id": m.body_id,
                    "name": m.name,
                    "status": m.status,
                    "next_session": m.next_session,
                }
                for m in result.missing_resolutions
            ],
        }
    ).model_dump(mode="json")


# --- savings ------------------------------------------------------------------------------


class CostModelOut(BaseModel):
    id: int
    initiative_id: int
    name: str
    first_year: int
    horizon_years: int
    discount_rate: Decimal
    cost_growth_rate: Decimal
    cost_rate_table: str
    allocation_key: AllocationKey
    base_share: Decimal | None
    discount_timing: DiscountTiming
    partners: list[CostPartnerIn]
    baseline: list[PartnerLineIn]
    shared: list[SharedLineIn]
    remaining: list[PartnerLineIn]
    one_off: list[OneOffIn]
    revenue: list[RevenueLineIn]
    one_off_revenue: list[OneOffIn]
    yearly_values: list[YearValuesIn]
    funding: list[FundingIn]
    payments: list[PaymentIn]
    version: int


def cost_model_out(model) -> dict:
    """A cost model's inputs as the API answers them (the shape the PUT takes)."""

    def lines(section, with_body):
        return [
            {
                **({"body_id": ln.body_id} if with_body else {}),
                "category": ln.category,
                "pay_grade": ln.pay_grade,
                "fte": ln.fte,
                "amount": ln.amount,
                "description": ln.description,
            }
            for ln in model.lines
            if ln.section == section
        ]

    return CostModelOut.model_validate(
        {
            **{
                k: getattr(model, k)
                for k in (
                    "id",
                    "initiative_id",
                    "name",
                    "first_year",
                    "horizon_years",
                    "discount_rate",
                    "cost_growth_rate",
                    "allocation_key",
                    "base_share",
                    "discount_timing",
                    "version",
                )
            },
            "cost_rate_table": model.cost_rate_table.name,
            "partners": [
                {
                    "body_id": p.body_id,
                    "workstations": p.workstations,
                    "cases": p.cases,
                    "fixed_share": p.fixed_share,
                }
                for p in model.partners
            ],
            "baseline": lines("baseline", True),
            "shared": lines("shared", False),
            "remaining": lines("remaining", True),
            "one_off": [
                {"year": e.year, "amount": e.amount, "description": e.description}
                for e in model.events
                if e.kind == "one_off"
            ],
            "revenue": [
                {
                    "body_id": ln.body_id,
                    "category": ln.category,
                    "amount": ln.amount,
                    "description": ln.description,
                }
                for ln in model.lines
                if ln.section == "revenue"
            ],
            "one_off_revenue": [
                {"year": e.year, "amount": e.amount, "description": e.description}
                for e in model.events
                if e.kind == "one_off_revenue"
            ],
            "yearly_values": [
                {
                    "body_id": y.body_id,
                    "year": y.year,
                    "population": y.population,
                    "workstations": y.workstations,
                    "cases": y.cases,
                }
                for y in model.yearly_values
            ],
            "funding": [
                {"year": e.year, "amount": e.amount} for e in model.events if e.kind == "funding"
            ],
            "payments": [
                {
                    "payer_id": p.payer_id,
                    "payee_id": p.payee_id,
                    "amount": p.amount,
                    "first_year": p.first_year,
                    "last_year": p.last_year,
                    "fixed": bool(p.fixed),
                    "description": p.description,
                }
                for p in model.payments
            ],
        }  # fmt: skip
    ).model_dump(mode="json")


class SavingsYearOut(BaseModel):
    year: int
    baseline: Decimal
    cooperation: Decimal
    savings: Decimal
    cumulative: Decimal


class SavingsPartnerOut(BaseModel):
    body_id: int
    share: Decimal = Field(description='Fraction of the joint cost, e.g. "0.1367"')
    baseline: Decimal = Field(description="Summed over the horizon")
    cooperation: Decimal
    savings: Decimal
    savings_rate: Decimal | None


class SavingsOut(BaseModel):
    years: list[SavingsYearOut]
    npv: Decimal
    break_even_year: int | None
    savings_rate: Decimal | None
    partners: list[SavingsPartnerOut]


def savings_out(result) -> dict:
    """Money to the cent, rates and shares to four places, as decimal strings."""
    four = Decimal("0.0001")

    def rate(x):
        return None if x is None else x.quantize(four)

    return SavingsOut.model_validate(
        {
            "years": [
                {
                    "year": y.year,
                    "baseline": to_cents(y.baseline),
                    "cooperation": to_cents(y.cooperation),
                    "savings": to_cents(y.savings),
                    "cumulative": to_cents(y.cumulative),
                }
                for y in result.years
            ],
            "npv": to_cents(result.npv),
            "break_even_year": result.break_even_year,
            "savings_rate": rate(result.savings_rate),
            "partners": [
                {
                    "body_id": p.body_id,
                    "share": rate(p.share),
                    "baseline": to_cents(p.baseline_total),
                    "cooperation": to_cents(p.cooperation_total),
                    "savings": to_cents(p.savings_total),
                    "savings_rate": rate(p.savings_rate),
                }
                for p in result.partners
            ],
        }  # fmt: skip
    ).model_dump(mode="json")


# --- proposals from council information systems -------------------------------------------


class ProposalOut(BaseModel):
    id: int
    initiative_id: int
    body_id: int
    organ: str
    authoritative: bool
    reference: str | None
    title: str | None
    session_date: date | None
    outcome: Outcome | None
    votes_yes: int | None
    votes_no: int | None
    votes_abstain: int | None
    result_text: str | None
    source_url: str | None
    state: ProposalState
    matched_by: str | None
    resolution_id: int | None
    version: int


class ProposalList(PageOf):
    items: list[ProposalOut]


def proposal_out(proposal) -> dict:
    """A proposal as the API answers it."""
    return ProposalOut.model_validate(proposal, from_attributes=True).model_dump(mode="json")


class SearchQuery(Query):
    q: str | None = Field(None, description="Words; every one must occur", max_length=500)
    body_id: int | None = Field(None, description="Body", **POSITIVE_ID)
    kind: one_of(("paper", "initiative", "resolution")) | None = Field(
        None,
        description="paper (of a partner's council information system), initiative or resolution",
    )
    organ: str | None = Field(None, description="Part of the organ's name", max_length=200)
    day_from: date | None = Field(None, alias="from", description="From this day")
    day_to: date | None = Field(None, alias="to", description="Until this day")


class SearchHit(BaseModel):
    kind: str = Field(description="paper, initiative or resolution")
    id: int = Field(description="The record's id (a paper: the stored OParl object)")
    title: str
    reference: str | None
    body_id: int | None
    organ: str | None
    day: date | None
    url: str | None = Field(description="Where it is: a paper at its source, our records here")


class SearchList(PageOf):
    items: list[SearchHit]


class SavedSearchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Name of the search", min_length=1, max_length=200)
    q: str = Field(description="Words", min_length=1, max_length=500)
    body_id: int | None = Field(None, description="Only this body", **POSITIVE_ID)
    kind: one_of(("paper", "initiative", "resolution")) | None = Field(None, description="Kind")
    initiative_id: int | None = Field(
        None, description="New papers are proposed to this initiative", **POSITIVE_ID
    )


class SavedSearchOut(BaseModel):
    id: int
    name: str
    q: str
    body_id: int | None
    kind: str | None
    initiative_id: int | None


class SavedSearchList(BaseModel):
    items: list[SavedSearchOut]


# --- imports --------------------------------------------------------------------------------


class ImportQuery(Query):
    district_id: int = Field(
        ..., description="The district whose decision matrix this is", **POSITIVE_ID
    )
    dry_run: bool = Field(False, description="Only check the file and say what would be stored")
    filename: str | None = Field(
        None, description="The file's name (its ending tells CSV from XLSX)", max_length=255
    )


class ImportProblem(BaseModel):
    row: int = Field(description="Row of the file; the heading is row 1")
    column: str = Field(description="The column's heading; empty for the whole row")
    message: str


class ImportChange(BaseModel):
    row: int
    change: str = Field(description="What is (or was) stored, in words")


class ImportOut(BaseModel):
    id: int
    kind: Literal["resolutions", "initiatives"]
    state: Literal["checking", "checked", "storing", "stored", "failed"]
    dry_run: bool
    total: int = Field(description="Data rows of the file")
    done: int = Field(description="Rows worked through so far")
    valid_rows: int | None = Field(None, description="Rows that can be stored")
    unchanged: int | None = Field(None, description="Rows that ask for nothing new")
    stored_rows: int | None = Field(None, description="Rows stored")
    problems: list[ImportProblem] = Field(default_factory=list)
    changes: list[ImportChange] = Field(default_factory=list)


def import_out(job) -> dict:
    """An import job as the API shows it."""
    r = job.result or {}
    return ImportOut(
        id=job.id,
        kind=job.kind,
        state=job.state,
        dry_run=bool(r.get("dry_run")),
        total=job.total,
        done=job.done,
        valid_rows=r.get("valid_rows"),
        unchanged=r.get("unchanged"),
        stored_rows=r.get("stored_rows"),
        problems=[*r.get("problems", []), *r.get("store_problems", [])],
        changes=[{"row": a["row"], "change": a["what"]} for a in r.get("actions", [])],
    ).model_dump()
