"""German (translatable) labels of the enumeration codes."""

from flask_babel import lazy_gettext as _l

from .models import (
    AuditAction,
    BodyKind,
    DecisionStatus,
    LegalForm,
    Outcome,
    ParticipantRole,
    Phase,
    ResolutionKind,
    Role,
    ServiceArea,
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

AUDIT_ACTION_LABELS = {
    AuditAction.CREATE: _l("created"),
    AuditAction.UPDATE: _l("changed"),
    AuditAction.DELETE: _l("deleted"),
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
    ResolutionKind.OTHER: _l("Other"),
}

OUTCOME_LABELS = {
    Outcome.SCHEDULED: _l("scheduled"),
    Outcome.ADOPTED: _l("adopted"),
    Outcome.ADOPTED_AMENDED: _l("adopted with amendments"),
    Outcome.REJECTED: _l("rejected"),
    Outcome.DEFERRED: _l("deferred"),
    Outcome.WITHDRAWN: _l("withdrawn"),
    Outcome.NOTED: _l("taken note of"),
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
    "Participant": _l("Participation"),
    "Milestone": _l("Milestone"),
    "PhaseChange": _l("Phase change"),
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
