"""Workflows of resolutions. Plain arguments in; flushes, never commits."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload, selectinload

from .. import activity, trash
from ..auth import permissions
from ..commands import bind, values_of
from ..core import clock
from ..core.decisions import DECIDING_OUTCOMES
from ..errors import PermissionDenied, ServiceError, ValidationError, check_version
from ..extensions import db
from ..models import (
    DECIDING_ROLES,
    Body,
    Document,
    Initiative,
    InitiativeDistrict,
    Outcome,
    Participant,
    Phase,
    Resolution,
    ResolutionKind,
    Role,
    User,
)
from .schemas import ResolutionRecord, ResolutionUpdate

FIELDS = (
    "body_id",
    "organ",
    "authoritative",
    "reference",
    "title",
    "kind",
    "session_date",
    "public",
    "outcome",
    "votes_yes",
    "votes_no",
    "votes_abstain",
    "result_text",
    "resolution_text",
    "source_url",
)


def _values(data: Mapping[str, Any], current: Resolution | None, errors: dict) -> dict:
    """The resolution's fields merged over the stored ones, checked against the rules that need
    them together (each value on its own is the command's)."""
    merged = {k: getattr(current, k) for k in FIELDS} if current else {}
    merged.update({k: data[k] for k in FIELDS if k in data})
    if merged.get("outcome") == Outcome.SCHEDULED:
        for key in ("votes_yes", "votes_no", "votes_abstain"):
            if merged.get(key) is not None:
                errors[key] = _("A scheduled session has no votes yet.")
    _plausible(merged, errors)
    return merged


UNANIMOUS = re.compile(r"\b(einstimmig|unanimous(ly)?)\b", re.IGNORECASE)


def _plausible(values: dict, errors: dict) -> None:
    """What cannot be true: a result of a session still to come, a status report decided
    (adopted, rejected, repealed), or "einstimmig" with votes against. A scheduled session in
    the past stays allowed (its result is then missing)."""

    outcome, day = values.get("outcome"), values.get("session_date")
    if outcome and outcome != Outcome.SCHEDULED and day and day > clock.today():
        if "session_date" not in errors and "outcome" not in errors:
            errors["outcome"] = _(
                "The session on this date has not taken place yet: record it as scheduled "
                "and enter the result after the session."
            )
    if values.get("kind") == ResolutionKind.STATUS_REPORT and outcome in DECIDING_OUTCOMES:
        if "outcome" not in errors and "kind" not in errors:
            # refused, not quietly stored as noted: the paper may really be a decision paper
            # recorded under the wrong kind, and only the person can tell
            errors["outcome"] = _(
                "A status report is taken note of, not decided: choose “taken note of” "
                "(or deferred, referred, withdrawn), or the kind of paper that was decided."
            )
    if (values.get("votes_no") or 0) > 0 and UNANIMOUS.search(values.get("result_text") or ""):
        if "result_text" not in errors and "votes_no" not in errors:
            errors["result_text"] = _(
                "The result says unanimous (einstimmig), but there are votes against."
            )


def _check_body(initiative: Initiative, values: dict, actor: User | None, errors: dict) -> None:
    body_id = values.get("body_id")
    if body_id is None or "body_id" in errors:
        return
    participant = next((p for p in initiative.participants if p.body_id == body_id), None)
    if participant is None:
        errors["body_id"] = _(
            "This body does not take part in the initiative; add it as a participant first."
        )
    elif actor is not None and not permissions.can_record_resolution(actor, initiative, body_id):
        raise PermissionDenied(
            _("You may only record resolutions of your own body."),
            {"body_id": _("You may only record resolutions of your own body.")},
        )


def check_resolution(
    initiative: Initiative, command: ResolutionRecord, *, actor: User | None
) -> dict[str, str]:
    """The errors `create_resolution` would raise for these values, by field; nothing is
    added (an import's preview checks thousands of rows this way)."""
    errors: dict[str, str] = {}
    if actor is not None and not permissions.can_record_resolution(actor, initiative):
        return {"body_id": _("You may only record resolutions of your own body.")}
    values = _values(values_of(command), None, errors)
    try:
        _check_body(initiative, values, actor, errors)
    except PermissionDenied as exc:
        errors.update(exc.fields or {"body_id": exc.message})
    return errors


def _tell_followers(resolution: Resolution) -> None:
    """A decision recorded (or its result entered): news for whoever follows the initiative."""
    body = resolution.body or db.session.get(Body, resolution.body_id)
    activity.record(
        "resolution",
        initiative_id=resolution.initiative_id,
        body=body.name if body else None,
        organ=resolution.organ,
        outcome=resolution.outcome.value,
        session_date=resolution.session_date.isoformat(),
    )


def create_resolution(
    initiative: Initiative,
    command: ResolutionRecord,
    *,
    actor: User | None,
    document: Document | None = None,
) -> Resolution:
    """Validate and add a resolution of a participant on the initiative."""
    if actor is not None and not permissions.can_record_resolution(actor, initiative):
        raise PermissionDenied(_("Your role does not allow this."))
    errors: dict[str, str] = {}
    values = _values(values_of(command, leave_out=("initiative_id",)), None, errors)
    _check_body(initiative, values, actor, errors)
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    resolution = Resolution(initiative=initiative, document=document, **values)
    db.session.add(resolution)
    db.session.flush()
    _tell_followers(resolution)
    return resolution


def update_resolution(
    resolution: Resolution,
    command: ResolutionUpdate,
    *,
    actor: User | None,
    expected_version: int | None = None,
    document: Document | None = None,
    remove_document: bool = False,
) -> Resolution:
    """Apply the given fields; a new document replaces the old one."""
    check_version(resolution, expected_version)
    if actor is not None and not permissions.can_edit_resolution(actor, resolution):
        raise PermissionDenied(_("Your role does not allow this."))
    errors: dict[str, str] = {}
    values = _values(values_of(command, leave_out=("version",)), resolution, errors)
    if values.get("body_id") != resolution.body_id:
        _check_body(resolution.initiative, values, actor, errors)
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    outcome_before = resolution.outcome
    for key, value in values.items():
        if getattr(resolution, key) != value:
            setattr(resolution, key, value)
    if resolution.outcome != outcome_before:
        _tell_followers(resolution)
    old = resolution.document
    if document is not None or remove_document:
        resolution.document = document
        if old is not None and old is not document:
            db.session.delete(old)
    db.session.flush()
    return resolution


def delete_resolution(resolution: Resolution, *, expected_version: int | None = None) -> None:
    """Delete a resolution with its stored paper and its tasks; a proposal confirmed into it
    is unlinked (the rule is the model's: see Resolution). The version guards against a stale
    page."""
    check_version(resolution, expected_version, detailed=False)
    initiative = resolution.initiative
    trash.keep(
        resolution,
        label=f"{resolution.body.name}: {resolution.title or initiative.title}",
        context=initiative.title,
        district_id=trash.district_of(initiative),
    )
    db.session.delete(resolution)
    db.session.flush()


def load_resolution(resolution_id: int) -> Resolution | None:
    """A resolution with its initiative, body and paper, or None."""
    return db.session.scalar(
        select(Resolution)
        .where(Resolution.id == resolution_id)
        .options(
            joinedload(Resolution.body),
            # the permission check looks at every participant's district
            joinedload(Resolution.initiative)
            .selectinload(Initiative.participants)
            .joinedload(Participant.body),
            joinedload(Resolution.document),
        )
    )


def resolution_query(
    *, initiative_id: int | None = None, body_id: int | None = None, public_only: bool = False
):
    """Resolutions by session date, newest last, with body and initiative loaded."""
    stmt = select(Resolution).options(
        joinedload(Resolution.body),
        joinedload(Resolution.initiative),
        joinedload(Resolution.document),
    )
    if initiative_id:
        stmt = stmt.where(Resolution.initiative_id == initiative_id)
    if body_id:
        stmt = stmt.where(Resolution.body_id == body_id)
    if public_only:
        stmt = stmt.join(Resolution.initiative).where(
            Resolution.public.is_(True), Initiative.public.is_(True)
        )
    return stmt.order_by(Resolution.session_date, Resolution.id)


def consultation_sequence(resolution: Resolution) -> list[Resolution]:
    """The Beratungsfolge: the body's resolutions with the same reference, in date order."""
    if not resolution.reference:
        return [resolution]
    return list(
        db.session.scalars(
            select(Resolution)
            .where(
                Resolution.body_id == resolution.body_id,
                Resolution.reference == resolution.reference,
            )
            .order_by(Resolution.session_date, Resolution.id)
        )
    )


def group_sequences(resolutions: list[Resolution]) -> list[list[Resolution]]:
    """Group resolutions (in date order) into consultation sequences by body and reference;
    those without a reference stand alone. Sequences keep the order of their first session."""
    groups: dict[tuple, list[Resolution]] = {}
    for r in resolutions:
        key = (r.body_id, r.reference) if r.reference else ("single", r.id)
        groups.setdefault(key, []).append(r)
    return list(groups.values())


def scheduled_sessions(initiative_ids: list[int], since) -> list[Resolution]:
    """The sessions still to come (from `since`) at which a council deliberates on one of the
    initiatives, with their bodies (the calendar's and the report's next dates)."""
    if not initiative_ids:
        return []
    return list(
        db.session.scalars(
            select(Resolution)
            .where(
                Resolution.initiative_id.in_(initiative_ids),
                Resolution.outcome == Outcome.SCHEDULED,
                Resolution.session_date >= since,
            )
            .options(joinedload(Resolution.body))
        )
    )


SESSION_COMMON = ("organ", "authoritative", "session_date", "kind", "public")
SESSION_ITEM = (
    "kind",
    "outcome",
    "votes_yes",
    "votes_no",
    "votes_abstain",
    "reference",
    "result_text",
)


def record_session(
    body: Body, common: Mapping[str, Any], items: list[Mapping[str, Any]], *, actor: User | None
) -> list[Resolution]:
    """One council session, many agenda items: the organ, date, kind and publicity once, the
    outcome, votes and (where it differs from the session's) kind for each chosen initiative;
    a status report's outcome left empty is taken note of. All or nothing: an error in any
    row leaves everything unrecorded (the caller rolls back); errors are keyed
    `items.N.field`."""
    from ..initiatives.services import load_initiative

    errors: dict[str, str] = {}
    created: list[Resolution] = []
    chosen = [(i, item) for i, item in enumerate(items) if item.get("include")]
    if not chosen:
        errors["items"] = _("Choose at least one initiative on the agenda.")
    for i, item in chosen:
        initiative = load_initiative(int(item.get("initiative_id") or 0))
        if initiative is None:
            errors[f"items.{i}.include"] = _("This initiative does not exist any more.")
            continue
        data = {k: common.get(k) for k in SESSION_COMMON}
        data.update({k: item.get(k) for k in SESSION_ITEM})
        # an item's own kind, or the session's (a status report among decisions, say)
        own_kind = bool(item.get("kind"))
        data["kind"] = item.get("kind") or common.get("kind")
        data["body_id"] = body.id
        try:
            command, refused = bind(ResolutionRecord, data)  # the item as typed
            if refused:
                raise ValidationError(_("Please correct the marked fields."), refused)
            created.append(create_resolution(initiative, command, actor=actor))
        except ServiceError as exc:
            for key, message in (exc.fields or {"include": exc.message}).items():
                common_key = key in SESSION_COMMON and not (key == "kind" and own_kind)
                errors[key if common_key else f"items.{i}.{key}"] = message
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    return created


SESSION_CANDIDATES = 40  # initiatives read (with their partners) to choose the agenda from
SESSION_ROWS = 25  # agenda rows offered at once: the undecided first


def _recordable_scope(actor: User) -> list:
    """Conditions in the query for the initiatives `actor` may record on at all, so that the
    limit counts only those (the exact check follows per initiative)."""
    if permissions.is_admin(actor):
        return []
    district_id = (
        permissions.coordinator_district_id(actor) if actor.role == Role.COORDINATOR else None
    )
    if district_id is not None:
        return [
            exists().where(
                InitiativeDistrict.initiative_id == Initiative.id,
                InitiativeDistrict.district_id == district_id,
            )
        ]
    return []


def session_initiatives(body: Body, actor: User) -> list[tuple[Initiative, bool]]:
    """The active initiatives on which `body` decides and `actor` may record its resolutions,
    as (initiative, still undecided) pairs: the undecided first, then by title; at most
    SESSION_ROWS (a council's agenda holds a few IKZ items, not every initiative)."""
    from ..initiatives.services import decision_summaries

    rows = db.session.scalars(
        select(Initiative)
        .join(Participant, Participant.initiative_id == Initiative.id)
        .where(
            Participant.body_id == body.id,
            Participant.role.in_(DECIDING_ROLES),
            Initiative.phase.notin_((Phase.CLOSED, Phase.CANCELLED)),
        )
        .where(*_recordable_scope(actor))
        .options(selectinload(Initiative.participants).joinedload(Participant.body))
        .order_by(Initiative.modified_at.desc(), Initiative.id)
        .limit(SESSION_CANDIDATES)
    ).unique()
    offered = [
        i
        for i in rows
        if body.id in {p.body_id for p in i.deciding_participants}
        and permissions.can_record_resolution(actor, i, body.id)
    ]
    summaries = decision_summaries(offered)
    pending = {
        i.id: any(
            p.body_id == body.id and p.decision.status.value != "decided"
            for p in summaries[i.id].partners
        )
        for i in offered
    }
    offered.sort(key=lambda i: (not pending[i.id], i.title.lower()))
    return [(i, pending[i.id]) for i in offered[:SESSION_ROWS]]
