"""Names every template can use: labels of codes and the permission questions."""

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup

from .. import messages as check_messages
from ..auth import permissions
from ..core import clock
from ..forms import is_row_list, row_errors
from ..funding.services import tranche_overdue
from ..i18n import fmt_date, fmt_datetime, fmt_money, fmt_number, fmt_percent
from ..initiatives.matrix import summary_line
from ..initiatives.services import milestone_overdue, resolution_result_missing
from ..labels import (
    ALLOCATION_KEY_LABELS,
    AUDIT_ACTION_LABELS,
    AUDIT_ENUM_LABELS,
    AUDIT_FIELD_LABELS,
    AUDIT_FTE_FIELDS,
    AUDIT_MONEY_FIELDS,
    AUDIT_RATE_FIELDS,
    AUTH_SOURCE_LABELS,
    BODY_FIELD_LABELS,
    BODY_KIND_LABELS,
    CONDITION_LABELS,
    CONDITION_STATUS_LABELS,
    CONDITION_STATUS_SYMBOLS,
    COST_CATEGORY_LABELS,
    COST_EVENT_LABELS,
    COST_SECTION_LABELS,
    DECISION_STATUS_LABELS,
    DECISION_STATUS_SYMBOLS,
    ENTITY_TYPE_LABELS,
    GRANT_FIELD_LABELS,
    GRANT_STATUS_LABELS,
    INITIATIVE_FIELD_LABELS,
    LEGAL_FORM_LABELS,
    OUTCOME_LABELS,
    PARTICIPANT_ROLE_LABELS,
    PHASE_LABELS,
    PROGRAM_FIELD_LABELS,
    RESOLUTION_KIND_LABELS,
    ROLE_LABELS,
    SERVICE_AREA_LABELS,
    TRANCHE_STATE_LABELS,
    grant_amount,
    label,
)
from ..models import STATES

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


# An address in text people wrote: http(s):// up to a space or an angle bracket, without the
# punctuation that ends a sentence.
_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")


def linkify(text) -> Markup:
    """Text people wrote, escaped, with its web addresses as links (the rest stays text)."""
    if text is None:
        return Markup("")
    text = str(text)
    out, last = [], 0
    for found in _URL.finditer(text):
        out.append(Markup.escape(text[last : found.start()]))
        url = found.group(0)
        out.append(
            Markup(
                '<a class="kern-link" href="{0}" rel="noopener noreferrer nofollow">{0}</a>'
            ).format(url)
        )
        last = found.end()
    out.append(Markup.escape(text[last:]))
    return Markup("").join(out)


def audit_value(entity_type: str, field: str, value) -> str:
    """A value from the audit trail as people read it: labels, German money, dates, yes/no."""
    if value is None or value == "":
        return "–"
    key = (entity_type, field)
    if key in AUDIT_ENUM_LABELS:
        return str(label(AUDIT_ENUM_LABELS[key], value))
    try:
        if key in AUDIT_MONEY_FIELDS:
            return fmt_money(Decimal(str(value)))
        if key in AUDIT_RATE_FIELDS:
            return fmt_percent(Decimal(str(value)))
    except ArithmeticError:
        return str(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        shown = [audit_value(entity_type, field, v) for v in value if v not in (None, "")]
        return ", ".join(shown) if shown else "–"
    if isinstance(value, dict):
        shown = [f"{k}: {audit_value(entity_type, field, v)}" for k, v in value.items()]
        return "; ".join(shown) if shown else "–"
    if field == "state" and isinstance(value, str) and value in STATES:
        return STATES[value]
    if isinstance(value, int | float | Decimal) and "year" not in field:
        return fmt_number(Decimal(str(value)))
    if isinstance(value, str) and ISO_DATE.match(value):
        return fmt_date(date.fromisoformat(value))
    if isinstance(value, str) and ISO_DATETIME.match(value):
        return fmt_datetime(datetime.fromisoformat(value))
    return str(value)


# Who made a change when no person did: the labels the code acts under, in words.
SYSTEM_ACTORS = {
    "system": _l("coop (automatic)"),
    "anonymous": _l("someone not signed in"),
    "CLI": _l("an administrator on the command line"),
    "demo loader": _l("the demo data"),
    "bench seed": _l("the benchmark data"),
    "OParl sync (CLI)": _l("the council systems' sync"),
    "import GV100AD (CLI)": _l("the import of the official municipality list"),
    "reminders (CLI)": _l("the reminders"),
}


def actor_words(actor_label: str) -> str:
    """Who made a change, as people read it: a person's address, else what acted in words."""
    known = SYSTEM_ACTORS.get(actor_label)
    if known is not None:
        return str(known)
    if actor_label.endswith(" (API)"):
        return _("%(who)s (through the API)", who=actor_label[: -len(" (API)")])
    if actor_label.endswith(" (Import)"):
        who = actor_label[: -len(" (Import)")]
        who = str(SYSTEM_ACTORS["system"]) if who == "system" else who
        return _("%(who)s (import)", who=who)
    return actor_label


def _references() -> dict:
    """Fields that hold a record's id → (its table, how people name it)."""
    from sqlalchemy import func, select

    from ..models import (
        Body,
        CostModel,
        CostRateTable,
        Document,
        FundingProgram,
        Grant,
        Initiative,
        Resolution,
        User,
    )

    program_of_grant = (
        select(FundingProgram.name).where(FundingProgram.id == Grant.program_id).scalar_subquery()
    )
    named = {
        "Body": (Body, Body.name),
        "Initiative": (Initiative, Initiative.title),
        "FundingProgram": (FundingProgram, FundingProgram.name),
        "CostRateTable": (CostRateTable, CostRateTable.name),
        "User": (User, func.coalesce(func.nullif(User.name, ""), User.email)),
        "CostModel": (CostModel, CostModel.name),
        "Grant": (Grant, program_of_grant),
        "Resolution": (Resolution, Resolution.organ),
        "Document": (Document, Document.file_name),
    }
    fields = {
        "body_id": "Body",
        "lead_body_id": "Body",
        "parent_id": "Body",
        "district_id": "Body",
        "initiative_id": "Initiative",
        "program_id": "FundingProgram",
        "cost_rate_table_id": "CostRateTable",
        "table_id": "CostRateTable",
        "user_id": "User",
        "model_id": "CostModel",
        "grant_id": "Grant",
        "resolution_id": "Resolution",
        "document_id": "Document",
    }
    return {field: (kind, *named[kind]) for field, kind in fields.items()}


def _names(wanted: dict[str, set[int]], references: dict) -> dict[tuple[str, int], str]:
    """The names of the referenced records, in one query whatever the mix of kinds."""
    from sqlalchemy import literal, select, union_all

    from ..extensions import db

    by_kind = {kind: (model, name) for kind, model, name in references.values()}
    parts = [
        select(literal(kind).label("kind"), model.id.label("id"), name.label("name")).where(
            model.id.in_(sorted(ids))
        )
        for kind, ids in sorted(wanted.items())
        for model, name in [by_kind[kind]]
    ]
    if not parts:
        return {}
    rows = db.session.execute(union_all(*parts) if len(parts) > 1 else parts[0])
    return {(row.kind, row.id): row.name or "" for row in rows}


@dataclass
class AuditRow:
    at: object
    who: str
    what: str
    changes: list[tuple[str, str]]


def audit_rows(entries, field_labels: dict | None = None) -> list[AuditRow]:
    """The change history as people read it: labels instead of field names, names instead of
    record ids (one query for all entries), units, dates and money in the language."""
    references = _references()
    wanted: dict[str, set[int]] = {}
    for e in entries:
        if e.entity_type == "Participant" and e.entity_label.isdigit():
            wanted.setdefault("Body", set()).add(int(e.entity_label))
        for field, change in (e.changes or {}).items():
            if field in references:
                ids = {v for v in change if isinstance(v, int)}
                wanted.setdefault(references[field][0], set()).update(ids)
    names = _names(wanted, references)
    labels = {**AUDIT_FIELD_LABELS, **(field_labels or {})}

    def show(entity_type: str, field: str, value) -> str:
        if field in references and isinstance(value, int):
            return names.get((references[field][0], value)) or _("(deleted)")
        if (entity_type, field) in AUDIT_FTE_FIELDS and value not in (None, ""):
            return _("%(fte)s FTE", fte=fmt_number(Decimal(str(value))))
        return audit_value(entity_type, field, value)

    rows = []
    for e in entries:
        changes = []
        for field, (old, new) in (e.changes or {}).items():
            name = str(labels.get(field, field.replace("_", " ").capitalize()))
            if e.action == "update":
                text = f"{show(e.entity_type, field, old)} → {show(e.entity_type, field, new)}"
            elif e.action in ("create", "restore"):
                text = show(e.entity_type, field, new)
            else:
                text = show(e.entity_type, field, old)
            changes.append((name, text))
        what = str(label(AUDIT_ACTION_LABELS, e.action))
        if e.context_type:
            entity = ENTITY_TYPE_LABELS.get(e.entity_type, e.entity_type)
            what = f"{entity} „{_entity_label(e, names)}“ {what}"
        rows.append(AuditRow(e.at, actor_words(e.actor_label), what, changes))
    return rows


def _entity_label(entry, names: dict) -> str:
    """The record's name as stored, except where it was built from codes (a phase change) or
    stored as an id (a participation written before its body was loaded)."""
    if entry.entity_type == "Participant" and entry.entity_label.isdigit():
        return names.get(("Body", int(entry.entity_label))) or _("(deleted)")
    if entry.entity_type == "PhaseChange":
        values = {k: (v[1] if v[1] is not None else v[0]) for k, v in (entry.changes or {}).items()}
        phase = label(PHASE_LABELS, values.get("phase") or "")
        day = values.get("changed_on")
        day = (
            fmt_date(date.fromisoformat(day))
            if isinstance(day, str) and ISO_DATE.match(day)
            else ""
        )
        return " ".join(str(part) for part in (phase, day) if part)
    return entry.entity_label


def votes_text(yes: int | None, no: int | None, abstain: int | None) -> str:
    """ "12 Ja-Stimmen, 1 Nein-Stimme, 2 Enthaltungen": the counts that were recorded."""
    parts = []
    if yes is not None:
        parts.append(ngettext("%(num)d vote in favour", "%(num)d votes in favour", yes))
    if no is not None:
        parts.append(ngettext("%(num)d vote against", "%(num)d votes against", no))
    if abstain is not None:
        parts.append(ngettext("%(num)d abstention", "%(num)d abstentions", abstain))
    return ", ".join(parts)


def session_text(day) -> str:
    """A partner's next session; one that has passed without a result says so."""
    if day is None:
        return "–"
    if day < clock.today():
        return _("%(date)s, result missing", date=fmt_date(day))
    return fmt_date(day)


def chart_value(value) -> str:
    """A cell of a chart's table: money in euros, other values as they are."""
    if isinstance(value, Decimal):
        return fmt_money(value)
    return str(value)


@functools.cache
def _static_text(root: str, name: str) -> Markup:
    return Markup((Path(root) / name).read_text("utf-8"))


def _unread() -> int:
    """The signed-in person's unseen notifications, for the header (one query)."""
    from flask_login import current_user

    from ..reminders import notifications

    if not current_user.is_authenticated:
        return 0
    return notifications.unread_count(current_user)


def _following(*, initiative_id: int | None = None, grant_id: int | None = None) -> bool:
    """Whether the signed-in person follows this initiative or grant (one query)."""
    from flask_login import current_user

    from ..reminders import notifications

    if not current_user.is_authenticated:
        return False
    return notifications.is_following(current_user, initiative_id=initiative_id, grant_id=grant_id)


def init_template_context(app: Flask) -> None:
    """What every template may use: labels, permission questions, formatting helpers."""
    # a stylesheet's text, for a PDF (WeasyPrint fetches nothing) from the file the page links
    app.jinja_env.globals["static_text"] = lambda name: _static_text(app.static_folder, name)
    app.jinja_env.filters["linkify"] = linkify
    app.jinja_env.globals.update(
        body_kind_label=lambda code: label(BODY_KIND_LABELS, code),
        role_label=lambda code: label(ROLE_LABELS, code),
        auth_source_label=lambda code: label(AUTH_SOURCE_LABELS, code),
        audit_action_label=lambda code: label(AUDIT_ACTION_LABELS, code),
        field_labels={**BODY_FIELD_LABELS, **INITIATIVE_FIELD_LABELS},
        service_area_label=lambda code: label(SERVICE_AREA_LABELS, code),
        phase_label=lambda code: label(PHASE_LABELS, code),
        legal_form_label=lambda code: label(LEGAL_FORM_LABELS, code),
        participant_role_label=lambda code: label(PARTICIPANT_ROLE_LABELS, code),
        resolution_kind_label=lambda code: label(RESOLUTION_KIND_LABELS, code),
        outcome_label=lambda code: label(OUTCOME_LABELS, code),
        decision_label=lambda code: label(DECISION_STATUS_LABELS, code),
        decision_symbol=lambda code: DECISION_STATUS_SYMBOLS.get(code, ""),
        service_areas=SERVICE_AREA_LABELS,
        body_kinds=BODY_KIND_LABELS,
        entity_type_label=lambda name: ENTITY_TYPE_LABELS.get(name, name),
        summary_line=summary_line,
        result_missing=resolution_result_missing,
        milestone_overdue=milestone_overdue,
        row_errors=row_errors,
        is_row_list=is_row_list,
        audit_value=audit_value,
        audit_rows=audit_rows,
        actor_words=actor_words,
        grant_amount=grant_amount,
        votes_text=votes_text,
        session_text=session_text,
        chart_value=chart_value,
        tranche_overdue=tranche_overdue,
        today_date=clock.today,
        allocation_key_label=lambda code: label(ALLOCATION_KEY_LABELS, code),
        cost_category_label=lambda code: label(COST_CATEGORY_LABELS, code),
        cost_section_label=lambda code: label(COST_SECTION_LABELS, code),
        cost_event_label=lambda code: label(COST_EVENT_LABELS, code),
        condition_label=lambda code: CONDITION_LABELS.get(code, code),
        condition_message=check_messages.message,
        condition_status_label=lambda code: label(CONDITION_STATUS_LABELS, code),
        condition_symbol=lambda code: CONDITION_STATUS_SYMBOLS.get(code, ""),
        grant_status_label=lambda code: label(GRANT_STATUS_LABELS, code),
        tranche_state_label=lambda code: label(TRANCHE_STATE_LABELS, code),
        grant_field_labels=GRANT_FIELD_LABELS,
        program_field_labels=PROGRAM_FIELD_LABELS,
        can_view_funding=permissions.can_view_funding,
        phases=PHASE_LABELS,
        state_name=lambda code: STATES.get(code or "", ""),
        states=STATES,
        can_manage_users=permissions.can_manage_users,
        can_nudge=permissions.can_nudge,
        can_record_session=permissions.can_record_session,
        can_import=permissions.can_import,
        unread_notifications=_unread,
        is_following=_following,
        is_admin=permissions.is_admin,
        recordable_body_ids=permissions.recordable_body_ids,
        can_view_audit=permissions.can_view_audit,
    )

    # a message of the core (key and values) in the page's language
    app.jinja_env.filters["sentence"] = check_messages.here
