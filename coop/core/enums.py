"""Enumerations with stable English codes; people see the German labels from `labels.py`."""

import enum


class BodyKind(enum.StrEnum):
    DISTRICT = "district"
    CITY = "city"
    MUNICIPALITY = "municipality"
    COLLECTIVE_MUNICIPALITY = "collective_municipality"
    ASSOCIATION = "association"


class Role(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    PARTNER_EDITOR = "partner_editor"
    FUNDING_OFFICER = "funding_officer"
    VIEWER = "viewer"


class AuthSource(enum.StrEnum):
    """Where an account signs in: its own password, the identity provider, the directory."""

    LOCAL = "local"
    OIDC = "oidc"
    LDAP = "ldap"


class AuditAction(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    RESTORE = "restore"  # brought back from the recycle bin
    PURGE = "purge"  # removed from the recycle bin for good


# The 16 federal states by their two-digit key (first two digits of the AGS).
STATES: dict[str, str] = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}


class ServiceArea(enum.StrEnum):
    IT = "it"
    PAYROLL = "payroll"
    PROCUREMENT = "procurement"
    AUDIT = "audit"
    WLAN = "wlan"
    E_INVOICING = "e_invoicing"
    E_RECORDS = "e_records"
    ONLINE_SERVICES = "online_services"
    COUNCIL_INFO = "council_info"
    SCHOOL_PLANNING = "school_planning"
    SOCIAL = "social"
    SMART_REGION = "smart_region"
    OTHER = "other"


class Phase(enum.StrEnum):
    IDEA = "idea"
    ASSESSMENT = "assessment"
    CONCEPT = "concept"
    DECISION = "decision"
    IMPLEMENTATION = "implementation"
    OPERATION = "operation"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class LegalForm(enum.StrEnum):
    WORKING_GROUP = "working_group"
    AGREEMENT_MANDATE = "agreement_mandate"
    AGREEMENT_DELEGATION = "agreement_delegation"
    SPECIAL_PURPOSE_ASSOCIATION = "special_purpose_association"
    # Gemeindeverwaltungsverband, Verwaltungsgemeinschaft: member municipalities share their
    # administration (Hessen pays per member)
    ADMINISTRATIVE_UNION = "administrative_union"
    JOINT_ENTERPRISE = "joint_enterprise"
    COMPANY = "company"
    OUTSOURCING = "outsourcing"
    UNDECIDED = "undecided"


class ParticipantRole(enum.StrEnum):
    LEAD = "lead"
    PARTNER = "partner"
    PROSPECTIVE = "prospective"
    WITHDRAWN = "withdrawn"


class ResolutionKind(enum.StrEnum):
    ASSESSMENT_MANDATE = "assessment_mandate"
    BASIC_DECISION = "basic_decision"
    ACCESSION = "accession"
    FINANCING = "financing"
    OTHER = "other"
    # Sachstandsbericht: the council takes note of how things stand; it never decides the question
    STATUS_REPORT = "status_report"


class Outcome(enum.StrEnum):
    SCHEDULED = "scheduled"
    ADOPTED = "adopted"
    ADOPTED_AMENDED = "adopted_amended"
    REJECTED = "rejected"
    DEFERRED = "deferred"
    WITHDRAWN = "withdrawn"
    NOTED = "noted"
    # sent on to another organ to deliberate ("Weiterbehandlung im Planungsausschuss")
    REFERRED = "referred"
    # the council lifts its own earlier decision (aufgehoben): no decision of it is in force
    REPEALED = "repealed"


class DecisionStatus(enum.StrEnum):
    DECIDED = "decided"
    REJECTED = "rejected"
    DEFERRED = "deferred"
    SCHEDULED = "scheduled"
    NONE = "none"


class GrantStatus(enum.StrEnum):
    PLANNED = "planned"
    APPLIED = "applied"
    APPROVED = "approved"
    REJECTED = "rejected"
    DISBURSING = "disbursing"
    CLOSED = "closed"


class TrancheState(enum.StrEnum):
    PLANNED = "planned"
    REQUESTED = "requested"
    RECEIVED = "received"


class ConditionStatus(enum.StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


class CostCategory(enum.StrEnum):
    STAFF = "staff"
    MATERIAL = "material"
    LICENCES = "licences"
    HARDWARE = "hardware"
    SERVICES = "services"
    FEES = "fees"  # revenue: fees and charges
    OTHER = "other"


class CostSection(enum.StrEnum):
    BASELINE = "baseline"  # what each partner spends today
    SHARED = "shared"  # the joint service
    REMAINING = "remaining"  # what stays with each partner
    REVENUE = "revenue"  # what the cooperation earns beyond today (fees, charges)


class AllocationKey(enum.StrEnum):
    EQUAL = "equal"
    POPULATION = "population"
    WORKSTATIONS = "workstations"
    CASES = "cases"
    FIXED = "fixed"
    BASE_PLUS_VARIABLE = "base_plus_variable"


class EmploymentKind(enum.StrEnum):
    EMPLOYEE = "employee"  # Tarifbeschäftigte (E grades)
    CIVIL_SERVANT = "civil_servant"  # Beamtinnen und Beamte (A grades)


class CostEventKind(enum.StrEnum):
    ONE_OFF = "one_off"
    FUNDING = "funding"
    ONE_OFF_REVENUE = "one_off_revenue"


class DiscountTiming(enum.StrEnum):
    """When in the year a year's savings count for the present value."""

    END = "end"  # WiBe 5.0: payments at the end of each year
    START = "start"


class ProposalState(enum.StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"
