"""Writes the audit trail from SQLAlchemy's flush, so no change to an audited record can
bypass it, whichever code path (form, API, CLI, job) made the change."""

from __future__ import annotations

import contextvars
import enum
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import insert, inspect
from sqlalchemy.orm import Session

from .core.enums import AuditAction
from .models.audit import AuditEntry
from .models.base import AuditedMixin, utcnow

# (user id or None, label) of whoever acts now: set per request, per API call, per CLI command.
_actor: contextvars.ContextVar[tuple[int | None, str]] = contextvars.ContextVar(
    "coop_actor", default=(None, "system")
)


# set while the recycle bin brings records back: their inserts are recorded as restored
_restoring: contextvars.ContextVar[bool] = contextvars.ContextVar("coop_restoring", default=False)


@contextmanager
def restoring():
    """Record the records created in this block as restored (the recycle bin)."""
    token = _restoring.set(True)
    try:
        yield
    finally:
        _restoring.reset(token)


def set_actor(user_id: int | None, label: str) -> contextvars.Token:
    """Name who makes the following changes."""
    return _actor.set((user_id, label))


def current_actor() -> tuple[int | None, str]:
    """Who acts now: (user id or None, label)."""
    return _actor.get()


@contextmanager
def acting_as(user_id: int | None, label: str):
    """Run a block of changes in the name of an actor (CLI commands, jobs, tests)."""
    token = _actor.set((user_id, label))
    try:
        yield
    finally:
        _actor.reset(token)


def plain(value):
    """A JSON-safe rendering of a column value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _audited_columns(obj: AuditedMixin):
    mapper = inspect(obj).mapper
    skip = set(obj.__audit_exclude__)
    return [attr for attr in mapper.column_attrs if attr.key not in skip]


def _changes(obj: AuditedMixin, action: AuditAction) -> dict:
    state = inspect(obj)
    redact = set(obj.__audit_redact__)
    changes = {}
    for attr in _audited_columns(obj):
        key = attr.key
        if action is AuditAction.UPDATE:
            hist = state.attrs[key].history
            if not hist.has_changes():
                continue
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if plain(old) == plain(new):
                continue
        elif action in (AuditAction.CREATE, AuditAction.RESTORE):
            old, new = None, getattr(obj, key)
            if new is None:
                continue
        else:
            old, new = getattr(obj, key), None
            if old is None:
                continue
        if key in redact:
            changes[key] = ["***", "***"]
        else:
            changes[key] = [plain(old), plain(new)]
    return changes


def write_audit_trail(session: Session, flush_context) -> None:
    """After each flush, insert one AuditEntry per created, changed or deleted audited record.

    after_flush still sees the pre-flush new/dirty/deleted sets and attribute history, and
    primary keys of new rows are known by then; the rows go in through the same connection,
    so they commit or roll back with the change itself.
    """
    actor_id, actor_label = _actor.get()
    rows = []
    now = utcnow()
    created = AuditAction.RESTORE if _restoring.get() else AuditAction.CREATE
    groups = (
        (created, session.new),
        (AuditAction.UPDATE, session.dirty),
        (AuditAction.DELETE, _deleted(session, flush_context)),
    )
    for action, objects in groups:
        for obj in objects:
            if not isinstance(obj, AuditedMixin):
                continue
            if action is AuditAction.UPDATE and not session.is_modified(obj):
                continue
            changes = _changes(obj, action)
            if action is AuditAction.UPDATE and not changes:
                continue
            context = obj.__audit_context__
            rows.append(
                {
                    "context_type": context[0] if context else None,
                    "context_id": getattr(obj, context[1]) if context else None,
                    "at": now,
                    "actor_id": actor_id,
                    "actor_label": actor_label[:254],
                    "action": action,
                    "entity_type": type(obj).__name__,
                    "entity_id": inspect(obj).mapper.primary_key_from_instance(obj)[0],
                    "entity_label": obj.audit_label()[:300],
                    "changes": changes,
                }
            )
    if rows:
        session.connection().execute(insert(AuditEntry), rows)


def _deleted(session: Session, flush_context) -> list:
    """Every record this flush deleted: those passed to `session.delete()` (and their cascade)
    and the rows removed from a list that deletes its orphans (a participant, a milestone, a
    tranche, a cost line), which `session.deleted` does not show. The unit of work knows them
    all (`UOWTransaction.states`: state → (is delete, list only))."""
    found = {id(obj): obj for obj in session.deleted}
    for state, (is_delete, list_only) in getattr(flush_context, "states", {}).items():
        obj = state.obj()
        if is_delete and not list_only and obj is not None:
            found.setdefault(id(obj), obj)
    return list(found.values())


def audit_entries(entity_type: str, entity_id: int, limit: int = 100) -> list[AuditEntry]:
    """The newest entries of one record and its parts, newest first (for the record's page)."""
    from sqlalchemy import and_, or_, select

    from .extensions import db

    return db.session.scalars(
        select(AuditEntry)
        .where(
            or_(
                and_(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id),
                and_(AuditEntry.context_type == entity_type, AuditEntry.context_id == entity_id),
            )
        )
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    ).all()
