"""The recycle bin ("Papierkorb"): a delete keeps the record whole for 30 days, so that one wrong
click loses nothing.

A delete still removes the rows (so nothing deleted shows anywhere: lists, search, exports, and
OParl answers tombstones through its marks), but first `keep()` copies every row that goes with
the record into one `TrashItem`:

- the rows the ORM deletes with it (its relationships' delete cascade: an initiative's
  resolutions, grants, scenarios, their documents),
- and the rows the database deletes with those (`ON DELETE CASCADE`: its activities, follows),
  found through the foreign keys until nothing new turns up;
- the references of other rows that the delete empties (`ON DELETE SET NULL`: a proposal's
  resolution), to be set again.

Rows that are derived (the districts an initiative touches, the search index, caches) are not
kept; they are rebuilt when the record comes back. `restore()` inserts the rows again with
their ids through the ORM, so the audit trail records each as restored and every hook of a
write runs; the version of each record moves on by one, so that a form or API client holding
the version from before the delete cannot overwrite it. A restore is refused, with the reason,
while a record it refers to is gone or another record has taken its unique name.

After 30 days `purge_expired()` (a job of the housekeeping) removes the items for good; the
audit trail records the delete, the restore and the purge.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import (
    Date,
    DateTime,
    Float,
    Index,
    LargeBinary,
    Numeric,
    Table,
    UniqueConstraint,
    and_,
    delete,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy import Enum as SaEnum
from sqlalchemy.types import TypeDecorator

from . import audit
from .core.enums import AuditAction
from .errors import ConflictError
from .extensions import db
from .labels import AUDIT_FIELD_LABELS
from .models import AuditEntry, InitiativeDistrict, Participant, TrashItem
from .models.base import VersionedMixin, utcnow

KEEP_DAYS = 30

# Derived or kept copies: rebuilt after a restore (or read again), never kept in the bin.
NOT_KEPT = frozenset(
    {
        "audit_entries",
        "cached_results",
        "initiative_districts",
        "search_entries",
        "oparl_published_marks",
        "oparl_objects",
        "oparl_syncs",
        "import_jobs",
    }
)

# What a person reads of the rows that go with a record ("3 resolutions, 1 grant").
COUNTED = {
    "resolutions": lambda n: ngettext("%(num)d resolution", "%(num)d resolutions", n),
    "grants": lambda n: ngettext("%(num)d grant", "%(num)d grants", n),
    "cost_models": lambda n: ngettext("%(num)d savings scenario", "%(num)d savings scenarios", n),
    "documents": lambda n: ngettext("%(num)d document", "%(num)d documents", n),
    "resolution_tasks": lambda n: ngettext("%(num)d task", "%(num)d tasks", n),
    "proposals": lambda n: ngettext("%(num)d proposal", "%(num)d proposals", n),
    "milestones": lambda n: ngettext("%(num)d milestone", "%(num)d milestones", n),
    "initiative_participants": lambda n: ngettext("%(num)d partner", "%(num)d partners", n),
    "grant_tranches": lambda n: ngettext("%(num)d tranche", "%(num)d tranches", n),
}


def _tables() -> dict[str, Table]:
    return {t.name: t for t in db.metadata.sorted_tables}


def _pk(table: Table):
    (column,) = table.primary_key.columns
    return column


def _mapper(*, table: str | None = None, model: str | None = None):
    """The mapped class of a table (by its name) or of a model (by its class name)."""
    for mapper in db.Model.registry.mappers:
        if mapper.local_table.name == table or mapper.class_.__name__ == model:
            return mapper
    raise LookupError(table or model)


def _mapper_of(table: Table):
    return _mapper(table=table.name)


def _collect(obj) -> dict[Table, set[int]]:
    """The ids of every row that a delete of `obj` removes, table by table."""
    session = db.session
    state = inspect(obj)
    found: dict[Table, set[int]] = defaultdict(set)
    found[state.mapper.local_table].add(state.identity[0])
    for _o, mapper, other, _d in state.mapper.cascade_iterator("delete", state):
        if other.identity is not None:
            found[mapper.local_table].add(other.identity[0])
    tables = [t for t in db.metadata.sorted_tables if t.name not in NOT_KEPT]
    new = {t: set(ids) for t, ids in found.items()}
    while new:
        step: dict[Table, set[int]] = defaultdict(set)
        for table in tables:
            for fk in table.foreign_keys:
                ids = new.get(fk.column.table)
                if not ids or fk.ondelete != "CASCADE":
                    continue
                pk = _pk(table)
                rows = session.scalars(select(pk).where(fk.parent.in_(ids))).all()
                step[table].update(set(rows) - found[table])
        new = {t: ids for t, ids in step.items() if ids}
        for table, ids in new.items():
            found[table] |= ids
    return {t: ids for t, ids in found.items() if ids and t.name not in NOT_KEPT}


def _plain(column, value):
    """A column's value as JSON."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return audit.plain(value)


def _typed(column, value):
    """A column's value from its JSON (the reverse of `_plain`)."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value)
    if isinstance(kind, SaEnum) and kind.enum_class is not None:
        return kind.enum_class(value)
    if isinstance(kind, Numeric) and not isinstance(kind, Float):
        return Decimal(value)
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    return value


def what_goes_with(obj) -> list[str]:
    """What a delete of `obj` takes with it, in words ("3 resolutions", "1 grant")."""
    found = _collect(obj)
    counts = {t.name: len(ids) for t, ids in found.items()}
    return _phrases(counts, inspect(obj).mapper.local_table.name)


def _phrases(counts: dict[str, int], own: str) -> list[str]:
    out = []
    for name, phrase in COUNTED.items():
        num = counts.get(name, 0) - (1 if name == own else 0)
        if num > 0:
            out.append(phrase(num))
    return out


def keep(obj, *, label: str, context: str | None = None, district_id: int | None = None):
    """Put `obj` and everything that goes with it into the bin; call just before the delete
    (in the same transaction). Returns the `TrashItem`."""
    session = db.session
    session.flush()
    found = _collect(obj)
    rows, links = [], []
    for table in db.metadata.sorted_tables:
        ids = found.get(table)
        if not ids:
            continue
        pk = _pk(table)
        for row in session.execute(select(table).where(pk.in_(ids)).order_by(pk)).mappings():
            rows.append([table.name, {c.name: _plain(c, row[c.name]) for c in table.columns}])
    for table in db.metadata.sorted_tables:
        if table.name in NOT_KEPT:
            continue
        for fk in table.foreign_keys:
            ids = found.get(fk.column.table)
            if not ids or fk.ondelete != "SET NULL":
                continue
            pk = _pk(table)
            stmt = select(pk, fk.parent).where(fk.parent.in_(ids))
            own = found.get(table, set())
            for ref, value in session.execute(stmt).all():
                if ref not in own:
                    links.append([table.name, ref, fk.parent.name, value])
    actor_id, actor_label = audit.current_actor()
    now = utcnow()
    state = inspect(obj)
    item = TrashItem(
        entity_type=state.mapper.class_.__name__,
        entity_id=state.identity[0],
        label=label[:300],
        context=context[:400] if context else None,
        district_id=district_id,
        deleted_at=now,
        expires_at=now + timedelta(days=KEEP_DAYS),
        deleted_by_id=actor_id,
        deleted_by_label=actor_label[:254],
        counts={t.name: len(ids) for t, ids in found.items()},
        rows=rows,
        links=links,
    )
    session.add(item)
    return item


def goes_with(item: TrashItem) -> list[str]:
    """What came into the bin with the record, in words."""
    return _phrases(item.counts or {}, _own_table(item))


def _own_table(item: TrashItem) -> str:
    return _mapper(model=item.entity_type).local_table.name


def _in_bin(table: str, ref: int) -> TrashItem | None:
    """The newest bin item that holds this row as its own record."""
    try:
        model = _mapper(table=table).class_.__name__
    except LookupError:
        return None
    return db.session.scalar(
        select(TrashItem)
        .where(TrashItem.entity_type == model, TrashItem.entity_id == ref)
        .order_by(TrashItem.id.desc())
        .limit(1)
    )


def restore(item: TrashItem):
    """Bring the record back whole, as it was deleted; returns it. Refused (ConflictError,
    nothing changed) while a record it refers to is gone or its unique values are taken."""
    session = db.session
    tables = _tables()
    rows = [
        (tables[name], {c.name: _typed(c, v[c.name]) for c in tables[name].columns})
        for name, v in item.rows
    ]
    kept = defaultdict(set)
    for table, values in rows:
        kept[table].add(values[_pk(table).name])
    for table, values in rows:
        _check_references(item, table, values, kept)
        _check_unique(item, table, values)
    objects, versions = [], []
    for table, values in rows:
        mapper = _mapper_of(table)
        obj = mapper.class_manager.new_instance()
        for column in table.columns:
            setattr(obj, mapper.get_property_by_column(column).key, values[column.name])
        objects.append(obj)
        if issubclass(mapper.class_, VersionedMixin):
            versions.append((table, values[_pk(table).name], (values.get("version") or 1) + 1))
    with audit.restoring():
        session.add_all(objects)
        session.flush()
    for table, ref, version in versions:
        session.execute(update(table).where(_pk(table) == ref).values(version=version))
    for name, ref, column, value in item.links:
        table = tables.get(name)
        if table is None:
            continue
        col = table.c[column]
        session.execute(
            update(table).where(and_(_pk(table) == ref, col.is_(None))).values({column: value})
        )
    initiative_ids = {o.id for o in objects if type(o).__name__ == "Initiative"}
    initiative_ids |= {o.initiative_id for o in objects if isinstance(o, Participant)}
    if initiative_ids:
        InitiativeDistrict.refresh(session, initiative_ids)
    for obj in objects:
        session.expire(obj)
    root = next(
        o for o in objects if type(o).__name__ == item.entity_type and o.id == item.entity_id
    )
    session.delete(item)
    session.flush()
    return root


def _check_references(item, table: Table, values: dict, kept) -> None:
    for fk in table.foreign_keys:
        value = values.get(fk.parent.name)
        target = fk.column.table
        if value is None or value in kept.get(target, ()):
            continue
        exists = db.session.scalar(select(func.count()).where(_pk(target) == value))
        if exists:
            continue
        if fk.ondelete == "SET NULL" and fk.parent.nullable:
            values[fk.parent.name] = None
            continue
        holder = _in_bin(target.name, value)
        if holder is not None:
            message = _l(
                "“%(label)s” belongs to “%(other)s”, which is in the recycle bin too: "
                "restore that first.",
                label=item.label,
                other=holder.label,
            )
        else:
            message = _l(
                "“%(label)s” cannot be restored: a record it belongs to no longer exists.",
                label=item.label,
            )
        raise ConflictError(str(message))


def _check_unique(item, table: Table, values: dict) -> None:
    groups = [[c] for c in table.columns if c.unique]
    groups += [list(c.columns) for c in table.constraints if isinstance(c, UniqueConstraint)]
    groups += [list(i.columns) for i in table.indexes if isinstance(i, Index) and i.unique]
    for columns in groups:
        if any(values.get(c.name) is None for c in columns):
            continue
        taken = db.session.scalar(
            select(func.count()).select_from(table).where(*(c == values[c.name] for c in columns))
        )
        if taken:
            raise ConflictError(
                str(
                    _l(
                        "“%(label)s” cannot be restored: another record now has the same "
                        "%(fields)s. Change or delete that one first.",
                        label=item.label,
                        fields=", ".join(_field_words(table, c.name) for c in columns),
                    )
                )
            )


def _field_words(table: Table, column: str) -> str:
    return str(AUDIT_FIELD_LABELS.get(column, column))


def purge_expired(now: datetime | None = None) -> int:
    """Remove the items whose 30 days are over, each recorded in the audit trail."""
    now = now or utcnow()
    session = db.session
    items = session.execute(
        select(TrashItem.id, TrashItem.entity_type, TrashItem.entity_id, TrashItem.label).where(
            TrashItem.expires_at <= now
        )
    ).all()
    if not items:
        return 0
    actor_id, actor_label = audit.current_actor()
    session.execute(
        insert(AuditEntry),
        [
            {
                "at": now,
                "actor_id": actor_id,
                "actor_label": actor_label[:254],
                "action": AuditAction.PURGE,
                "entity_type": entity_type,
                "entity_id": entity_id,
                "entity_label": label,
                "changes": {},
            }
            for _id, entity_type, entity_id, label in items
        ],
    )
    session.execute(delete(TrashItem).where(TrashItem.id.in_([i[0] for i in items])))
    return len(items)


def district_of(initiative) -> int | None:
    """The district whose coordinators may restore what was deleted from an initiative."""
    lead = initiative.lead_body
    return lead.district_id if lead is not None else None


def items_for(scope) -> list[TrashItem]:
    """The bin as a person sees it, newest first: all (`scope` None), else what they deleted
    and what was deleted in their district (`scope`: their user id, their district id)."""
    stmt = select(TrashItem).order_by(TrashItem.deleted_at.desc(), TrashItem.id.desc())
    if scope is not None:
        user_id, district_id = scope
        mine = TrashItem.deleted_by_id == user_id
        stmt = stmt.where(
            mine | (TrashItem.district_id == district_id) if district_id is not None else mine
        )
    return db.session.scalars(stmt.limit(500)).all()
