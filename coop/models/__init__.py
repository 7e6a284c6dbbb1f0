"""The data model, one module per aggregate."""

from .audit import AuditEntry
from .body import Body
from .enums import (
    STATES,
    AuditAction,
    BodyKind,
    ConditionStatus,
    DecisionStatus,
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
from .funding import (
    FundingProgram,
    Grant,
    GrantDocument,
    ReminderSent,
    SchedulerRun,
    Tranche,
)
from .initiative import DECIDING_ROLES, Initiative, Milestone, Participant, PhaseChange
from .resolution import Document, Resolution
from .user import ApiToken, User, hash_token

__all__ = [
    "ConditionStatus",
    "FundingProgram",
    "Grant",
    "GrantDocument",
    "GrantStatus",
    "ReminderSent",
    "SchedulerRun",
    "Tranche",
    "TrancheState",
    "DECIDING_ROLES",
    "STATES",
    "DecisionStatus",
    "Document",
    "Initiative",
    "LegalForm",
    "Milestone",
    "Outcome",
    "Participant",
    "ParticipantRole",
    "Phase",
    "PhaseChange",
    "Resolution",
    "ResolutionKind",
    "ServiceArea",
    "ApiToken",
    "AuditAction",
    "AuditEntry",
    "Body",
    "BodyKind",
    "Role",
    "User",
    "hash_token",
]
