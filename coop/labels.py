"""German (translatable) labels of the enumeration codes."""

from flask_babel import lazy_gettext as _l

from .models import (
    AllocationKey,
    AuditAction,
    AuthSource,
    BodyKind,
    ConditionStatus,
    CostCategory,
    CostEventKind,
    CostSection,
    DecisionStatus,
    DiscountTiming,
    GrantStatus,
    LegalForm,
    Outcome,
    ParticipantRole,
    Phase,
    ResolutionKind,
    Role,
    ServiceArea,
    TrancheState,
)

BODY_KIND_LABELS = {
    BodyKind.DISTRICT: _l("District"),
    BodyKind.CITY: _l("Town"),
    BodyKind.MUNICIPALITY: _l("Municipality"),
    BodyKind.COLLECTIVE_MUNICIPALITY: _l("Collective municipality"),
    BodyKind.ASSOCIATION: _l("Association or public enterprise"),
}

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.PARTNER_EDITOR: _l("Partner editor"),
    Role.FUNDING_OFFICER: _l("Funding officer"),
    Role.VIEWER: _l("Viewer"),
}

AUTH_SOURCE_LABELS = {
    AuthSource.LOCAL: _l("Own password"),
    AuthSource.OIDC: _l("Single sign-on (OpenID Connect)"),
    AuthSource.LDAP: _l("Directory (LDAP / Active Directory)"),
}

AUDIT_ACTION_LABELS = {
    AuditAction.CREATE: _l("created"),
    AuditAction.UPDATE: _l("changed"),
    AuditAction.DELETE: _l("deleted"),
    AuditAction.RESTORE: _l("restored"),
    AuditAction.PURGE: _l("removed from the recycle bin"),
}

BODY_FIELD_LABELS = {
    "name": _l("Name"),
    "kind": _l("Kind"),
    "kind_detail": _l("Official designation"),
    "ags": _l("AGS (official municipality key)"),
    "ars": _l("ARS (regional key)"),
    "population": _l("Population"),
    "parent_id": _l("Belongs to"),
    "state": _l("Federal state"),
    "council_name": _l("Council"),
    "website": _l("Website"),
    "contact": _l("Contact"),
    "oparl_url": _l("OParl address of the council information system"),
    "attributes": _l("What funding programmes ask about"),
    "external_id": _l("External id"),
    "email": _l("E-mail address"),
    "role": _l("Role"),
    "body_id": _l("Body"),
    "active": _l("Active"),
    "password_hash": _l("Password"),
    "user_id": _l("User"),
    "token_hash": _l("Token"),
    "prefix": _l("Token prefix"),
    "revoked_at": _l("Revoked at"),
}


SERVICE_AREA_LABELS = {
    ServiceArea.IT: _l("IT operation"),
    ServiceArea.PAYROLL: _l("Payroll"),
    ServiceArea.PROCUREMENT: _l("Procurement"),
    ServiceArea.AUDIT: _l("Audit (Rechnungsprüfung)"),
    ServiceArea.WLAN: _l("WLAN"),
    ServiceArea.E_INVOICING: _l("E-invoicing"),
    ServiceArea.E_RECORDS: _l("Electronic files"),
    ServiceArea.ONLINE_SERVICES: _l("Online services (OZG)"),
    ServiceArea.COUNCIL_INFO: _l("Council information system"),
    ServiceArea.SCHOOL_PLANNING: _l("School planning"),
    ServiceArea.SOCIAL: _l("Social services"),
    ServiceArea.SMART_REGION: _l("Smart region"),
    ServiceArea.OTHER: _l("Other"),
}

PHASE_LABELS = {
    Phase.IDEA: _l("Idea"),
    Phase.ASSESSMENT: _l("Assessment"),
    Phase.CONCEPT: _l("Concept"),
    Phase.DECISION: _l("Decision"),
    Phase.IMPLEMENTATION: _l("Implementation"),
    Phase.OPERATION: _l("Operation"),
    Phase.CLOSED: _l("Closed"),
    Phase.CANCELLED: _l("Cancelled"),
}

LEGAL_FORM_LABELS = {
    LegalForm.WORKING_GROUP: _l("Working group"),
    LegalForm.AGREEMENT_MANDATE: _l("Public-law agreement (mandate)"),
    LegalForm.AGREEMENT_DELEGATION: _l("Public-law agreement (delegation)"),
    LegalForm.SPECIAL_PURPOSE_ASSOCIATION: _l("Special-purpose association"),
    LegalForm.ADMINISTRATIVE_UNION: _l("Administrative union (Gemeindeverwaltungsverband)"),
    LegalForm.JOINT_ENTERPRISE: _l("Joint municipal enterprise"),
    LegalForm.COMPANY: _l("Company"),
    LegalForm.OUTSOURCING: _l("Outsourcing to a public provider"),
    LegalForm.UNDECIDED: _l("Not decided yet"),
}

PARTICIPANT_ROLE_LABELS = {
    ParticipantRole.LEAD: _l("Lead"),
    ParticipantRole.PARTNER: _l("Partner"),
    ParticipantRole.PROSPECTIVE: _l("Prospective"),
    ParticipantRole.WITHDRAWN: _l("Withdrawn"),
}

RESOLUTION_KIND_LABELS = {
    ResolutionKind.ASSESSMENT_MANDATE: _l("Assessment mandate (Prüfauftrag)"),
    ResolutionKind.BASIC_DECISION: _l("Basic decision"),
    ResolutionKind.ACCESSION: _l("Accession"),
    ResolutionKind.FINANCING: _l("Financing"),
    ResolutionKind.STATUS_REPORT: _l("Status report (Sachstandsbericht)"),
    ResolutionKind.OTHER: _l("Other"),
}

OUTCOME_LABELS = {
    Outcome.SCHEDULED: _l("scheduled"),
    Outcome.ADOPTED: _l("adopted"),
    Outcome.ADOPTED_AMENDED: _l("adopted with amendments"),
    Outcome.REJECTED: _l("rejected"),
    Outcome.DEFERRED: _l("deferred"),
    Outcome.REFERRED: _l("referred to another body"),
    Outcome.WITHDRAWN: _l("withdrawn"),
    Outcome.NOTED: _l("taken note of"),
    Outcome.REPEALED: _l("repealed"),
}

DECISION_STATUS_LABELS = {
    DecisionStatus.DECIDED: _l("decided"),
    DecisionStatus.REJECTED: _l("rejected"),
    DecisionStatus.DEFERRED: _l("deferred"),
    DecisionStatus.SCHEDULED: _l("scheduled"),
    DecisionStatus.NONE: _l("no decision"),
}

# Shown next to the text, never instead of it (colour and symbol are not enough alone).
DECISION_STATUS_SYMBOLS = {
    DecisionStatus.DECIDED: "✔",
    DecisionStatus.REJECTED: "✘",
    DecisionStatus.DEFERRED: "↻",
    DecisionStatus.SCHEDULED: "◷",
    DecisionStatus.NONE: "○",
}

ENTITY_TYPE_LABELS = {
    "Initiative": _l("Initiative"),
    "Body": _l("Body"),
    "Resolution": _l("Council resolution"),
    "User": _l("User account"),
    "Participant": _l("Participation"),
    "Milestone": _l("Milestone"),
    "PhaseChange": _l("Phase change"),
    "FundingProgram": _l("Funding programme"),
    "Grant": _l("Grant"),
    "Tranche": _l("Tranche"),
    "GrantDocument": _l("Document"),
    "CostModel": _l("Savings estimate"),
    "CostModelPartner": _l("Partner values"),
    "CostLine": _l("Cost line"),
    "CostEvent": _l("One-off cost, revenue or funding"),
    "CostPayment": _l("Payment between partners"),
    "CostPartnerYear": _l("Allocation values of a year"),
    "CostRateTable": _l("Cost-rate table"),
    "CostRate": _l("Cost rate"),
}

GRANT_STATUS_LABELS = {
    GrantStatus.PLANNED: _l("planned"),
    GrantStatus.APPLIED: _l("applied for"),
    GrantStatus.APPROVED: _l("approved"),
    GrantStatus.REJECTED: _l("rejected"),
    GrantStatus.DISBURSING: _l("disbursing"),
    GrantStatus.CLOSED: _l("closed"),
}

TRANCHE_STATE_LABELS = {
    TrancheState.PLANNED: _l("planned"),
    TrancheState.REQUESTED: _l("requested"),
    TrancheState.RECEIVED: _l("received"),
}

CONDITION_STATUS_LABELS = {
    ConditionStatus.MET: _l("met"),
    ConditionStatus.NOT_MET: _l("not met"),
    ConditionStatus.UNKNOWN: _l("unknown"),
    ConditionStatus.NOT_APPLICABLE: _l("not applicable"),
}

CONDITION_STATUS_SYMBOLS = {
    ConditionStatus.MET: "✓",
    ConditionStatus.NOT_MET: "✗",
    ConditionStatus.UNKNOWN: "?",
    ConditionStatus.NOT_APPLICABLE: "–",
}

CONDITION_LABELS = {
    "ceiling": _l("Ceiling"),
    "min_partners": _l("Minimum number of partners"),
    "council_resolutions": _l("Council resolutions"),
    "duration": _l("Minimum duration"),
    "savings_rate": _l("Savings rate"),
    "application_window": _l("Application window"),
    "proof_of_use": _l("Proof of use"),
    "project_start": _l("Start after the application"),
    "justification": _l("Justification"),
}

PROGRAM_FIELD_LABELS = {
    "name": _l("Name"),
    "provider": _l("Provider"),
    "state": _l("Federal state"),
    "legal_basis": _l("Legal basis"),
    "legal_basis_url": _l("Link to the legal basis"),
    "base_amount": _l("Base amount (EUR)"),
    "base_partners": _l("Partners covered by the base amount"),
    "amount_per_additional_partner": _l("Amount per further partner (EUR)"),
    "max_funding_rate": _l("Maximum funding rate (percent of eligible costs)"),
    "min_partners": _l("Minimum number of partners"),
    "min_duration_years": _l("Minimum duration (years)"),
    "min_savings_rate": _l("Minimum savings (percent)"),
    "requires_all_council_resolutions": _l("Resolutions of all partners' councils required"),
    "application_from": _l("Applications from"),
    "application_until": _l("Applications until"),
    "notes": _l("Notes"),
    "amount_tiers": _l("Amounts by number of partners"),
    "amount_per_project": _l("Fixed amount per project (EUR)"),
    "amount_per_member": _l("Amount per member municipality of an administrative union (EUR)"),
    "count_partners_in_state_only": _l("Only partners in the programme's Land count"),
    "single_state_partner_amount": _l("Amount when only one partner lies in the Land (EUR)"),
    "min_eligible_costs": _l("Minimum eligible costs (EUR)"),
    "region_attribute": _l("Region bonus for"),
    "region_amount": _l("Amount per project with the region bonus (EUR)"),
    "rate_attribute": _l("Higher rate for"),
    "rate_with_attribute": _l("Higher funding rate (percent)"),
    "no_start_before_application": _l("The project may not start before the application"),
    "justification_below_partners": _l("A justification is needed below this many partners"),
    "savings_or_improvement": _l("A documented service improvement may replace the savings"),
}

GRANT_FIELD_LABELS = {
    "initiative_id": _l("Initiative"),
    "program_id": _l("Funding programme"),
    "status": _l("Status"),
    "reference": _l("File number"),
    "application_date": _l("Application date"),
    "eligible_costs": _l("Eligible costs (EUR)"),
    "amount_requested": _l("Amount requested (EUR)"),
    "amount_granted": _l("Amount granted (EUR)"),
    "grant_letter_date": _l("Date of the grant letter"),
    "period_start": _l("Funding period from"),
    "period_end": _l("Funding period until"),
    "proof_of_use_due": _l("Proof of use due"),
    "proof_of_use_submitted": _l("Proof of use submitted"),
    "notes": _l("Notes"),
    "justification": _l("Justification for fewer partners"),
    "service_improvement": _l("Service improvement instead of savings"),
    "confirm_improvement": _l("I confirm the service improvement (recorded with my name)"),
    "date": _l("Due on"),
    "amount": _l("Amount (EUR)"),
    "state": _l("State"),
}

INITIATIVE_FIELD_LABELS = {
    "title": _l("Title"),
    "description": _l("Description"),
    "service_area": _l("Service area"),
    "phase": _l("Phase"),
    "legal_form": _l("Legal form"),
    "lead_body_id": _l("Lead body"),
    "start_date": _l("Planned start"),
    "end_date": _l("Planned end"),
    "public": _l("Public"),
    "role": _l("Role"),
    "joined_on": _l("Joined on"),
    "left_on": _l("Left on"),
    "due_on": _l("Due on"),
    "done_on": _l("Done on"),
    "changed_on": _l("Changed on"),
    "note": _l("Note"),
    "initiative_id": _l("Initiative"),
    "organ": _l("Organ"),
    "authoritative": _l("Decides (authoritative)"),
    "reference": _l("Paper reference"),
    "kind": _l("Kind"),
    "session_date": _l("Session date"),
    "outcome": _l("Outcome"),
    "votes_yes": _l("Votes yes"),
    "votes_no": _l("Votes no"),
    "votes_abstain": _l("Abstentions"),
    "result_text": _l("Result as written"),
    "resolution_text": _l("Resolution text"),
    "source_url": _l("Link to the council information system"),
    "document_id": _l("Paper (PDF)"),
    "file_name": _l("File name"),
    "media_type": _l("Media type"),
    "size": _l("Size"),
    "sha256": _l("Checksum"),
}


def label(mapping, code):
    """The label of `code` in `mapping`, or the code itself if unknown."""
    try:
        return mapping[type(next(iter(mapping)))(code)]
    except (ValueError, KeyError, StopIteration):
        return code


ALLOCATION_KEY_LABELS = {
    AllocationKey.EQUAL: _l("Equal shares"),
    AllocationKey.POPULATION: _l("By population"),
    AllocationKey.WORKSTATIONS: _l("By workstations"),
    AllocationKey.CASES: _l("By case numbers"),
    AllocationKey.FIXED: _l("Fixed shares"),
    AllocationKey.BASE_PLUS_VARIABLE: _l("Base share plus population"),
}

COST_CATEGORY_LABELS = {
    CostCategory.STAFF: _l("Staff"),
    CostCategory.MATERIAL: _l("Material"),
    CostCategory.LICENCES: _l("Licences"),
    CostCategory.HARDWARE: _l("Hardware"),
    CostCategory.SERVICES: _l("Services"),
    CostCategory.FEES: _l("Fees and charges"),
    CostCategory.OTHER: _l("Other"),
}

COST_SECTION_LABELS = {
    CostSection.BASELINE: _l("Today"),
    CostSection.SHARED: _l("Joint service"),
    CostSection.REMAINING: _l("Stays with the partner"),
    CostSection.REVENUE: _l("Revenue"),
}

DISCOUNT_TIMING_LABELS = {
    DiscountTiming.END: _l("At the end of each year (WiBe 5.0)"),
    DiscountTiming.START: _l("At the start of each year"),
}

COST_EVENT_LABELS = {
    CostEventKind.ONE_OFF: _l("One-off cost"),
    CostEventKind.FUNDING: _l("Funding"),
    CostEventKind.ONE_OFF_REVENUE: _l("One-off revenue"),
}


# How the audit trail shows a stored code: (entity type, field) → labels of its enumeration.
AUDIT_ENUM_LABELS = {
    ("Body", "kind"): BODY_KIND_LABELS,
    ("User", "role"): ROLE_LABELS,
    ("User", "auth_source"): AUTH_SOURCE_LABELS,
    ("Initiative", "service_area"): SERVICE_AREA_LABELS,
    ("Initiative", "phase"): PHASE_LABELS,
    ("Initiative", "legal_form"): LEGAL_FORM_LABELS,
    ("PhaseChange", "phase"): PHASE_LABELS,
    ("Participant", "role"): PARTICIPANT_ROLE_LABELS,
    ("Resolution", "kind"): RESOLUTION_KIND_LABELS,
    ("Resolution", "outcome"): OUTCOME_LABELS,
    ("Grant", "status"): GRANT_STATUS_LABELS,
    ("Tranche", "state"): TRANCHE_STATE_LABELS,
    ("CostModel", "allocation_key"): ALLOCATION_KEY_LABELS,
    ("CostLine", "section"): COST_SECTION_LABELS,
    ("CostLine", "category"): COST_CATEGORY_LABELS,
    ("CostEvent", "kind"): COST_EVENT_LABELS,
    ("CostModel", "discount_timing"): DISCOUNT_TIMING_LABELS,
}
AUDIT_MONEY_FIELDS = {
    ("Grant", "eligible_costs"),
    ("Grant", "amount_requested"),
    ("Grant", "amount_granted"),
    ("Tranche", "amount"),
    ("CostLine", "amount"),
    ("CostEvent", "amount"),
    ("CostPayment", "amount"),
    ("CostRate", "annual_cost"),
    ("FundingProgram", "base_amount"),
    ("FundingProgram", "amount_per_additional_partner"),
}
AUDIT_RATE_FIELDS = {
    ("FundingProgram", "max_funding_rate"),
    ("FundingProgram", "min_savings_rate"),
    ("CostModel", "discount_rate"),
    ("CostModel", "cost_growth_rate"),
    ("CostModel", "base_share"),
    ("CostModelPartner", "fixed_share"),
}

# Fields of the savings estimates, cost-rate tables, proposals and the other records that have
# no form label elsewhere, as the change history names them.
MORE_FIELD_LABELS = {
    "model_id": _l("Savings estimate"),
    "is_primary": _l("Primary scenario"),
    "first_year": _l("First year"),
    "horizon_years": _l("Horizon (years)"),
    "discount_rate": _l("Discount rate"),
    "cost_growth_rate": _l("Cost growth per year"),
    "cost_rate_table_id": _l("Cost-rate table"),
    "allocation_key": _l("Allocation key"),
    "base_share": _l("Base share"),
    "section": _l("Section"),
    "category": _l("Category"),
    "pay_grade": _l("Pay grade"),
    "fte": _l("FTE"),
    "year": _l("Year"),
    "workstations": _l("Workstations"),
    "cases": _l("Cases"),
    "fixed_share": _l("Fixed share"),
    "table_id": _l("Cost-rate table"),
    "hourly_rate": _l("Hourly rate"),
    "annual_cost": _l("Annual full cost"),
    "discount_timing": _l("Discounting"),
    "payer_id": _l("Pays"),
    "payee_id": _l("Receives"),
    "last_year": _l("Until year"),
    "fixed": _l("Fixed"),
    "source": _l("Source"),
    "hours_employee": _l("Annual hours (employees)"),
    "hours_civil_servant": _l("Annual hours (civil servants)"),
    "grant_id": _l("Grant"),
    "keywords": _l("Keywords"),
    "calendar_token_hash": _l("Calendar address"),
    "auth_source": _l("Sign-in"),
    "erased_at": _l("Anonymised on"),
    "language": _l("Language"),
    "consultation_id": _l("Consultation (OParl)"),
    "paper_id": _l("Paper (OParl)"),
    "matched_by": _l("Matched by"),
    "resolution_id": _l("Council resolution"),
    "user_id": _l("User account"),
    "body_id": _l("Body"),
    "program_id": _l("Funding programme"),
}
AUDIT_FIELD_LABELS = {
    **MORE_FIELD_LABELS,
    **BODY_FIELD_LABELS,
    **PROGRAM_FIELD_LABELS,
    **GRANT_FIELD_LABELS,
    **INITIATIVE_FIELD_LABELS,
}
# Numbers with a unit in the change history.
AUDIT_FTE_FIELDS = {("CostLine", "fte")}

# The states of an import job (coop/models/imports.py), as people read them.
IMPORT_STATE_LABELS = {
    "checking": _l("being checked"),
    "checked": _l("checked, nothing stored yet"),
    "storing": _l("being stored"),
    "stored": _l("stored"),
    "failed": _l("failed"),
}


# the job queue's tasks and states (coop.queue), for the admins' overview
QUEUE_TASK_LABELS = {
    "daily-reminders": _l("Daily reminders"),
    "oparl-sync": _l("Reading the council information systems"),
    "oparl-sync-body": _l("Reading one council information system"),
    "funding-checks": _l("Funding checks of the day"),
    "saved-searches": _l("Saved searches"),
    "housekeeping": _l("Housekeeping"),
    "digests": _l("E-mail digests"),
    "import-check": _l("Checking an import"),
    "import-store": _l("Storing an import"),
}
QUEUE_STATE_LABELS = {
    "todo": _l("waiting"),
    "doing": _l("running"),
    "succeeded": _l("done"),
    "failed": _l("failed"),
    "cancelled": _l("cancelled"),
    "aborting": _l("being stopped"),
    "aborted": _l("stopped"),
}


def grant_amount(grant) -> str:
    """A grant's amount as people read it after its status: granted, or what a planned grant
    is for, or what was requested ("" when no amount is known). A planned grant has not been
    applied for, so its amount is never "requested"."""
    from flask_babel import gettext as _

    from .core.enums import GrantStatus
    from .i18n import fmt_money

    if grant.amount_granted is not None:
        return _("granted %(amount)s", amount=fmt_money(grant.amount_granted))
    if grant.amount_requested is None:
        return ""
    if grant.status == GrantStatus.PLANNED:
        return _("for %(amount)s", amount=fmt_money(grant.amount_requested))
    return _("requested %(amount)s", amount=fmt_money(grant.amount_requested))
