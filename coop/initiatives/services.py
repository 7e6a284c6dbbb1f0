"""Workflows of initiatives: create, change (with participants and milestones in one go),
delete, list, and the decision status of their partners. Plain arguments in; flushes, never
commits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from .. import activity, trash
from ..auth import permissions
from ..commands import values_of
from ..core import clock
from ..core.decisions import DecisionSummary, ResolutionFacts, result_missing, summarise
from ..errors import ConflictError, PermissionDenied, ValidationError, check_version
from ..extensions import db
from ..labels import GRANT_STATUS_LABELS
from ..models import (
    Body,
    Grant,
    Initiative,
    InitiativeDistrict,
    Milestone,
    Participant,
    ParticipantRole,
    PhaseChange,
    Resolution,
    User,
)
from ..models.funding import ON_FILE
from .schemas import InitiativeCreate, InitiativeUpdate

SCALAR_FIELDS = (
    "title",
    "description",
    "service_area",
    "phase",
    "legal_form",
    "lead_body_id",
    "start_date",
    "end_date",
    "public",
    "keywords",
)


def _scalars(data: Mapping[str, Any], current: Initiative | None, errors: dict) -> dict:
    """The initiative's own fields, merged over the current values, checked against the rules
    that need the stored record or other records (each value on its own is the command's)."""
    merged = {k: getattr(current, k) for k in SCALAR_FIELDS} if current else {}
    merged.update({k: data[k] for k in SCALAR_FIELDS if k in data})
    if merged.get("keywords") is None:
        merged["keywords"] = []  # a form's empty field, JSON's null: no keywords
    start, end = merged.get("start_date"), merged.get("end_date")
    if start and end and end < start:
        errors["end_date"] = _("The end cannot lie before the start.")
    lead_id = merged.get("lead_body_id")
    if lead_id is not None and db.session.get(Body, lead_id) is None:
        errors["lead_body_id"] = _("There is no body with id %(id)d.", id=lead_id)
    return merged


def _participants(rows: Iterable[Mapping], errors: dict) -> list[dict]:
    """Participant rows with their bodies: each body exists and takes part once."""
    out: list[dict] = []
    seen: dict[int, int] = {}
    for i, row in enumerate(rows):
        key = f"participants.{i}"
        body_id = row["body_id"]
        body = db.session.get(Body, body_id)
        if body is None:
            errors[f"{key}.body_id"] = _("There is no body with id %(id)d.", id=body_id)
            continue
        if body_id in seen:
            errors[f"{key}.body_id"] = _(
                "%(name)s is already a participant (row %(row)d).",
                name=body.name,
                row=seen[body_id] + 1,
            )
            continue
        seen[body_id] = i
        out.append({**row, "body": body, "row": i})
    return out


def _check_lead(merged: dict, participants: list[dict] | None, errors: dict) -> None:
    """One lead at most, and it is the lead body; the lead body takes part as lead."""
    if participants is None:
        return
    leads = [p for p in participants if p["role"] == ParticipantRole.LEAD]
    if len(leads) > 1:
        errors[f"participants.{leads[1]['row']}.role"] = _("Only one participant can lead.")
        return
    lead_id = merged.get("lead_body_id")
    if leads and lead_id is None:
        merged["lead_body_id"] = leads[0]["body"].id
    elif leads and leads[0]["body"].id != lead_id:
        errors[f"participants.{leads[0]['row']}.role"] = _(
            "The lead is %(name)s, as set above.",
            name=db.session.get(Body, lead_id).name if lead_id else "–",
        )
    elif lead_id is not None:
        for p in participants:
            if p["body"].id == lead_id:
                p["role"] = ParticipantRole.LEAD
                break
        else:
            participants.append(
                {
                    "body": db.session.get(Body, lead_id),
                    "role": ParticipantRole.LEAD,
                    "joined_on": None,
                    "left_on": None,
                    "row": len(participants),
                }
            )


def _apply_participants(initiative: Initiative, rows: list[dict], errors: dict) -> None:
    existing = {p.body_id: p for p in initiative.participants}
    wanted = {row["body"].id for row in rows}
    removed = [p for body_id, p in existing.items() if body_id not in wanted]
    if removed and initiative.id is not None:
        with_resolutions = set(
            db.session.scalars(
                select(Resolution.body_id).where(
                    Resolution.initiative_id == initiative.id,
                    Resolution.body_id.in_([p.body_id for p in removed]),
                )
            )
        )
        for p in removed:
            if p.body_id in with_resolutions:
                errors["participants"] = _(
                    "%(name)s has resolutions on this initiative and cannot be removed; set its "
                    "role to withdrawn instead.",
                    name=p.body.name,
                )
    if errors:
        return
    for p in removed:
        initiative.participants.remove(p)
        db.session.delete(p)  # explicitly: an orphan's delete would not reach the audit trail
    for row in rows:
        p = existing.get(row["body"].id)
        if p is None:
            p = Participant(body=row["body"], body_id=row["body"].id)
            initiative.participants.append(p)
        p.role, p.joined_on, p.left_on = row["role"], row["joined_on"], row["left_on"]


def _apply_milestones(initiative: Initiative, rows: list[dict], errors: dict) -> None:
    existing = {m.id: m for m in initiative.milestones if m.id is not None}
    kept = set()
    for i, row in enumerate(rows):
        if row["id"] is not None and row["id"] not in existing:
            errors[f"milestones.{i}.id"] = _("This milestone does not belong to the initiative.")
    if errors:
        return
    for row in rows:
        m = existing.get(row["id"]) if row["id"] else None
        if m is None:
            m = Milestone()
            initiative.milestones.append(m)
        else:
            kept.add(m.id)
        m.title, m.due_on, m.done_on = row["title"], row["due_on"], row["done_on"]
    for ident, m in existing.items():
        if ident not in kept:
            initiative.milestones.remove(m)
            db.session.delete(m)


def _check_scope(actor: User | None, initiative: Initiative) -> None:
    """A coordinator keeps an initiative within their remit: one of their bodies takes part."""
    if actor is None or permissions.can_edit_initiative(actor, initiative):
        return
    raise PermissionDenied(
        _("You can only manage initiatives in which a body of your district takes part."),
        {"lead_body_id": _("Choose a body of your district as lead or participant.")},
    )


def _save(
    initiative: Initiative,
    data: Mapping[str, Any],
    actor: User | None,
    *,
    is_new: bool,
) -> Initiative:
    errors: dict[str, str] = {}
    merged = _scalars(data, None if is_new else initiative, errors)
    given = data.get("participants")
    participants = _participants(given, errors) if given is not None else None
    if participants is None and (is_new or "participants" in data):
        participants = []
    milestones = data.get("milestones")
    if milestones is None and "milestones" in data:
        milestones = []
    phase_since = data.get("phase_changed_on")
    if participants is None and "lead_body_id" in data and merged.get("lead_body_id"):
        # the lead changed without a participant list: keep the rows, make the lead take part
        participants = [
            {
                "body": p.body,
                "role": p.role if p.role != ParticipantRole.LEAD else ParticipantRole.PARTNER,
                "joined_on": p.joined_on,
                "left_on": p.left_on,
                "row": i,
            }
            for i, p in enumerate(initiative.participants)
        ]
    if not errors:
        _check_lead(merged, participants, errors)
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    old_phase = None if is_new else initiative.phase
    if is_new:
        db.session.add(initiative)
    for key in SCALAR_FIELDS:
        if key in merged and getattr(initiative, key) != merged[key]:
            setattr(initiative, key, merged[key])
    if participants is not None:
        _apply_participants(initiative, participants, errors)
    if milestones is not None:
        _apply_milestones(initiative, milestones, errors)
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    if initiative.lead_body_id is not None:
        initiative.lead_body = db.session.get(Body, initiative.lead_body_id)
    _check_scope(actor, initiative)
    if is_new or initiative.phase != old_phase:
        initiative.phase_changes.append(
            PhaseChange(phase=initiative.phase, changed_on=phase_since or clock.today())
        )
    db.session.flush()
    if not is_new and initiative.phase != old_phase:
        activity.record("phase", initiative_id=initiative.id, phase=initiative.phase.value)
    refresh_districts([initiative.id])
    return initiative


def refresh_districts(initiative_ids: list[int]) -> None:
    """Store which districts each initiative touches (see `InitiativeDistrict`)."""
    InitiativeDistrict.refresh(db.session, initiative_ids)


def create_initiative(command: InitiativeCreate, *, actor: User | None) -> Initiative:
    """Validate and add an initiative with its participants and milestones."""
    if actor is not None and not permissions.can_create_initiative(actor):
        raise PermissionDenied(_("Your role does not allow this."))
    initiative = _save(Initiative(), values_of(command), actor, is_new=True)
    if actor is not None:  # who creates an initiative hears of what happens on it
        activity.follow(actor, initiative=initiative)
    return initiative


def update_initiative(
    initiative: Initiative,
    command: InitiativeUpdate,
    *,
    actor: User | None,
    expected_version: int | None = None,
) -> Initiative:
    """Apply the given fields; `participants` and `milestones`, when given, replace the lists."""
    check_version(initiative, expected_version)
    if actor is not None and not permissions.can_edit_initiative(actor, initiative):
        raise PermissionDenied(_("Your role does not allow this."))
    return _save(initiative, values_of(command, leave_out=("version",)), actor, is_new=False)


def delete_initiative(initiative: Initiative, *, expected_version: int | None = None) -> None:
    """Delete an initiative with everything recorded on it, each record audited (the rule is
    the model's: see Initiative); refused while a grant of it is on file with the funding body."""
    check_version(initiative, expected_version, detailed=False)
    on_file = db.session.scalars(
        select(Grant)
        .where(Grant.initiative_id == initiative.id, Grant.status.in_(ON_FILE))
        .options(joinedload(Grant.program))
        .order_by(Grant.id)
    ).all()
    if on_file:
        grants = ", ".join(f"{g.program.name} ({GRANT_STATUS_LABELS[g.status]})" for g in on_file)
        message = ngettext(
            "%(title)s cannot be deleted: %(num)d grant has been applied for or granted "
            "(%(grants)s). If it was entered by mistake, delete it on its own page first.",
            "%(title)s cannot be deleted: %(num)d grants have been applied for or granted "
            "(%(grants)s). If they were entered by mistake, delete them on their own pages first.",
            len(on_file),
            title=initiative.title,
            grants=grants,
        )
        raise ConflictError(message, {"grants": message})
    trash.keep(initiative, label=initiative.title, district_id=trash.district_of(initiative))
    db.session.delete(initiative)
    db.session.flush()


# --- reading ----------------------------------------------------------------------------------

SORTS = {
    "title": Initiative.title.asc(),
    "-title": Initiative.title.desc(),
    "phase": Initiative.phase.asc(),
    "-phase": Initiative.phase.desc(),
    "service_area": Initiative.service_area.asc(),
    "-service_area": Initiative.service_area.desc(),
    "start": Initiative.start_date.asc().nulls_last(),
    "-start": Initiative.start_date.desc().nulls_last(),
    "modified": Initiative.modified_at.asc(),
    "-modified": Initiative.modified_at.desc(),
}


def initiative_query(
    *,
    q: str | None = None,
    service_area: str | None = None,
    phase: str | None = None,
    district_id: int | None = None,
    body_id: int | None = None,
    public_only: bool = False,
    sort: str | None = None,
):
    """A filtered, sorted select of initiatives with lead and participants loaded."""
    stmt = select(Initiative).options(
        joinedload(Initiative.lead_body),
        selectinload(Initiative.participants).joinedload(Participant.body),
    )
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(Initiative.title).like(like),
                func.lower(Initiative.description).like(like),
            )
        )
    if service_area:
        stmt = stmt.where(Initiative.service_area == service_area)
    if phase:
        stmt = stmt.where(Initiative.phase == phase)
    if public_only:
        stmt = stmt.where(Initiative.public.is_(True))
    if body_id:
        stmt = stmt.where(
            or_(
                Initiative.lead_body_id == body_id,
                exists().where(
                    Participant.initiative_id == Initiative.id, Participant.body_id == body_id
                ),
            )
        )
    if district_id:
        stmt = stmt.where(
            exists().where(
                InitiativeDistrict.initiative_id == Initiative.id,
                InitiativeDistrict.district_id == district_id,
            )
        )
    order = SORTS.get(sort or "title", SORTS["title"])
    return stmt.order_by(order, Initiative.id)


def load_initiative(initiative_id: int) -> Initiative | None:
    """One initiative with everything its page shows, in a fixed number of queries."""
    return db.session.scalar(
        select(Initiative)
        .where(Initiative.id == initiative_id)
        .options(
            joinedload(Initiative.lead_body),
            selectinload(Initiative.participants).joinedload(Participant.body),
            selectinload(Initiative.milestones),
            selectinload(Initiative.phase_changes),
        )
    )


def ordered_partners(initiative: Initiative) -> list[Participant]:
    """Lead first, then partners by name: the order of every partner list."""
    return sorted(
        initiative.deciding_participants,
        key=lambda p: (p.role != ParticipantRole.LEAD, p.body.name.lower()),
    )


def resolution_facts(initiative_ids: list[int]) -> dict[int, list[ResolutionFacts]]:
    """The rule's view of all resolutions of these initiatives, in one query."""
    out: dict[int, list[ResolutionFacts]] = {i: [] for i in initiative_ids}
    if not initiative_ids:
        return out
    rows = db.session.execute(
        select(
            Resolution.initiative_id,
            Resolution.id,
            Resolution.body_id,
            Resolution.authoritative,
            Resolution.kind,
            Resolution.outcome,
            Resolution.session_date,
        ).where(Resolution.initiative_id.in_(initiative_ids))
    )
    for ini_id, *facts in rows:
        out[ini_id].append(ResolutionFacts(*facts))
    return out


def decision_summaries(
    initiatives: list[Initiative], on: date | None = None
) -> dict[int, DecisionSummary]:
    """Decision status of every partner of every initiative (participants must be loaded)."""
    facts = resolution_facts([i.id for i in initiatives])
    return {
        i.id: summarise(
            [(p.body_id, p.body.name) for p in ordered_partners(i)],
            facts[i.id],
            on or clock.today(),
        )
        for i in initiatives
    }


def milestone_overdue(milestone: Milestone, on: date | None = None) -> bool:
    """Not done and its due date has passed."""
    return (
        milestone.done_on is None
        and milestone.due_on is not None
        and milestone.due_on < (on or clock.today())
    )


def resolution_result_missing(resolution: Resolution, on: date | None = None) -> bool:
    """The resolution's session has passed and it is still marked scheduled."""
    return result_missing(resolution.outcome, resolution.session_date, on or clock.today())


def milestone_progress(milestones: list[Milestone]) -> tuple[int, int]:
    """(done, total)."""
    return sum(1 for m in milestones if m.done_on), len(milestones)
