"""Workflows of the partner registry. Plain arguments in; flushes, never commits."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from .. import trash
from ..auth import permissions
from ..commands import values_of
from ..errors import ConflictError, PermissionDenied, ValidationError, check_version
from ..extensions import db
from ..models import STATES, Body, BodyKind, InitiativeDistrict, User
from .schemas import BodyCreate, BodyUpdate

# Kinds a body may hang under: its district, or the collective municipality it belongs to.
PARENT_KINDS = (BodyKind.DISTRICT, BodyKind.COLLECTIVE_MUNICIPALITY)
MAX_DEPTH = 10


def _ancestors(session: Session, parent_id: int | None):
    """Yield the parent chain from `parent_id` upwards (bounded, so a bad row cannot loop)."""
    seen = set()
    while parent_id is not None and len(seen) < MAX_DEPTH:
        if parent_id in seen:
            return
        seen.add(parent_id)
        parent = session.get(Body, parent_id)
        if parent is None:
            return
        yield parent
        parent_id = parent.parent_id


def validate(session: Session, body: Body | None, values: dict[str, Any]) -> dict[str, str]:
    """Check the merged values of a body against the registry's rules that need other records
    or the stored body (each value on its own is the command's); return field errors."""
    errors: dict[str, str] = {}
    kind = values.get("kind")
    ags = values.get("ags")
    if ags is not None:
        clash = session.scalar(
            select(Body).where(Body.ags == ags, Body.id != (body.id if body else -1))
        )
        if clash:
            errors["ags"] = _(
                "The AGS %(ags)s is already used by %(name)s.", ags=ags, name=clash.name
            )
    ars = values.get("ars")
    if ars and ags and "ags" not in errors and (ars[:5] != ags[:5] or ars[9:] != ags[5:]):
        errors["ars"] = _(
            "The ARS does not match the AGS: it starts with %(district)s and ends with %(tail)s.",
            district=ags[:5],
            tail=ags[5:],
        )

    state = values.get("state")
    if state and ags and "ags" not in errors and ags[:2] != state:
        errors["state"] = _(
            "The AGS %(ags)s belongs to %(state)s.", ags=ags, state=STATES.get(ags[:2], ags[:2])
        )

    parent_id = values.get("parent_id")
    if parent_id is not None:
        parent = session.get(Body, parent_id)
        if parent is None:
            errors["parent_id"] = _("The parent body does not exist.")
        elif body is not None and parent_id == body.id:
            errors["parent_id"] = _("A body cannot be its own parent.")
        elif body is not None and any(a.id == body.id for a in _ancestors(session, parent_id)):
            errors["parent_id"] = _(
                "%(parent)s belongs to %(name)s: that would make a cycle.",
                parent=parent.name,
                name=body.name,
            )
        elif parent.kind not in PARENT_KINDS:
            errors["parent_id"] = _(
                "A body can only belong to a district or a collective municipality."
            )
        elif kind == BodyKind.DISTRICT:
            errors["parent_id"] = _("A district does not belong to another body.")
        elif kind == BodyKind.COLLECTIVE_MUNICIPALITY and parent.kind != BodyKind.DISTRICT:
            errors["parent_id"] = _("A collective municipality belongs to a district.")
        else:
            district = next(
                (a for a in _ancestors(session, parent_id) if a.kind == BodyKind.DISTRICT), None
            )
            key = district.district_key if district else None
            if key and ags and "ags" not in errors and not ags.startswith(key):
                errors["ags"] = _(
                    "A member of %(district)s has an AGS starting with %(key)s.",
                    district=district.name,
                    key=key,
                )
            if key and ars and "ars" not in errors and not ars.startswith(key):
                errors["ars"] = _(
                    "A member of %(district)s has an ARS starting with %(key)s.",
                    district=district.name,
                    key=key,
                )
    return errors


def _district_id_for(session: Session, body: Body) -> int | None:
    # by parent_id, not body.parent: the relationship is stale right after parent_id changed
    parent = session.get(Body, body.parent_id) if body.parent_id else None
    if body.kind == BodyKind.DISTRICT or (body.kind == BodyKind.CITY and parent is None):
        return body.id
    if parent is None:
        return None
    if parent.kind == BodyKind.DISTRICT:
        return parent.id
    return parent.district_id


def _refresh_district(session: Session, body: Body) -> None:
    """Recompute the derived district of `body` and, if it moved, of its members."""
    session.flush()
    new = _district_id_for(session, body)
    if body.district_id != new:
        body.district_id = new
        if body.id is not None:
            session.flush()
            InitiativeDistrict.refresh_for_body(session, body.id)
        # query, not body.members: that collection may have been loaded before members
        # were added by parent_id
        for member in session.scalars(select(Body).where(Body.parent_id == body.id)).all():
            _refresh_district(session, member)


def _check_fields(actor: User | None, body: Body | None, keys) -> None:
    if actor is None:  # system (CLI import, demo loader)
        return
    allowed = permissions.editable_body_fields(actor, body)
    forbidden = sorted(set(keys) - allowed)
    if forbidden:
        fields = {key: _("You may not change this field.") for key in forbidden}
        if "oparl_url" in fields:  # coop's server reads it: see permissions.can_set_oparl_url
            fields["oparl_url"] = _(
                "Only the coordinating district or an administrator can set the council "
                "information system address."
            )
        raise PermissionDenied(_("You may not change these fields."), fields)


def create_body(command: BodyCreate, *, actor: User | None) -> Body:
    """Add a new body. Raises ValidationError or PermissionDenied."""
    given = values_of(command).items()
    values = {k: v for k, v in given if k in permissions.ALL_BODY_FIELDS and v is not None}
    _check_fields(actor, None, values.keys())
    errors = validate(db.session, None, values)
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    if values.get("ags") and not values.get("state"):
        values["state"] = values["ags"][:2]
    parent = db.session.get(Body, values["parent_id"]) if values.get("parent_id") else None
    if actor is not None and not permissions.can_create_body(actor, values["kind"], parent):
        raise PermissionDenied(
            _("You may only add bodies within your own district."),
            {"parent_id": _("You may only add bodies within your own district.")},
        )
    body = Body(**values)
    db.session.add(body)
    _refresh_district(db.session, body)
    return body


def update_body(
    body: Body,
    command: BodyUpdate,
    *,
    actor: User | None,
    expected_version: int | None = None,
) -> Body:
    """Apply the fields the command carries to `body`. A stale `expected_version` gives 409."""
    check_version(body, expected_version)
    changes = {k: v for k, v in values_of(command).items() if k in permissions.ALL_BODY_FIELDS}
    # Fields the actor did not change are fine even if they are outside their remit
    # (a form posts every field it shows).
    changed = {k for k, v in changes.items() if getattr(body, k) != v}
    _check_fields(actor, body, changed)
    merged = {key: getattr(body, key) for key in permissions.ALL_BODY_FIELDS}
    merged.update(changes)
    errors = validate(db.session, body, merged)
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    if actor is not None and "parent_id" in changed and merged["parent_id"] is not None:
        parent = db.session.get(Body, merged["parent_id"])
        if not permissions.can_create_body(actor, merged["kind"], parent):
            raise PermissionDenied(
                _("You may only move bodies within your own district."),
                {"parent_id": _("You may only move bodies within your own district.")},
            )
    for key in changed:
        setattr(body, key, changes[key])
    if merged.get("ags") and not merged.get("state"):
        body.state = merged["ags"][:2]
    _refresh_district(db.session, body)
    return body


def delete_body(body: Body, *, expected_version: int | None = None) -> None:
    """Delete a body that nothing depends on any more, with what goes with it (the rule is
    the model's: see Body); refused while it has members, accounts or other uses."""
    check_version(body, expected_version, detailed=False)
    members = db.session.scalar(select(func.count()).where(Body.parent_id == body.id))
    if members:
        raise ConflictError(
            ngettext(
                "%(name)s still has %(num)d member body; move or delete it first.",
                "%(name)s still has %(num)d member bodies; move or delete them first.",
                members,
                name=body.name,
            )
        )
    users = db.session.scalar(select(func.count()).where(User.body_id == body.id))
    if users:
        raise ConflictError(
            ngettext(
                "%(num)d user account is bound to %(name)s; change it first.",
                "%(num)d user accounts are bound to %(name)s; change them first.",
                users,
                name=body.name,
            )
        )
    uses = usages(body)
    if uses:
        raise ConflictError(
            _(
                "%(name)s is still used and cannot be deleted: %(uses)s.",
                name=body.name,
                uses=", ".join(f"{what} ({n})" for what, n in uses),
            )
        )
    trash.keep(body, label=body.name, district_id=body.district_id)
    db.session.execute(
        Body.__table__.update().where(Body.district_id == body.id).values(district_id=None)
    )
    db.session.delete(body)
    db.session.flush()


# Empty values last in both directions, the same on SQLite and PostgreSQL.
SORTS = {
    "name": Body.name.asc(),
    "-name": Body.name.desc(),
    "ags": Body.ags.asc().nulls_last(),
    "-ags": Body.ags.desc().nulls_last(),
    "population": Body.population.asc().nulls_last(),
    "-population": Body.population.desc().nulls_last(),
    "kind": Body.kind.asc(),
    "-kind": Body.kind.desc(),
}


def named(q: str):
    """A filter on bodies whose name holds `q` or whose AGS begins with it (any case; % and _
    are literal): the registry's search, the public list of towns and the header search."""
    q = q.strip()
    return or_(
        func.lower(Body.name).contains(q.lower(), autoescape=True),
        Body.ags.startswith(q, autoescape=True),
    )


def body_query(
    *,
    q: str | None = None,
    kind: str | None = None,
    district_id: int | None = None,
    parent_id: int | None = None,
    state: str | None = None,
    sort: str | None = None,
):
    """The select statement for a filtered, sorted list of bodies (parent and district eager)."""
    stmt = select(Body).options(joinedload(Body.parent), joinedload(Body.district))
    if q:
        stmt = stmt.where(
            or_(
                named(q),
                func.lower(Body.council_name).contains(q.strip().lower(), autoescape=True),
            )
        )
    if kind:
        stmt = stmt.where(Body.kind == kind)
    if district_id:
        stmt = stmt.where(Body.district_id == district_id)
    if parent_id:
        stmt = stmt.where(Body.parent_id == parent_id)
    if state:
        stmt = stmt.where(Body.state == state)
    order = SORTS.get(sort or "name", SORTS["name"])
    return stmt.order_by(order, Body.id)


def districts():
    """All districts and kreisfreie cities (for filters and choices), by name: id and name
    only (about 400 in Germany; whole records would cost every page that shows the filter)."""
    return db.session.execute(
        select(Body.id, Body.name).where(Body.district_id == Body.id).order_by(Body.name)
    ).all()


def usages(body: Body) -> list[tuple[str, int]]:
    """What still refers to `body` and keeps it from being deleted, as (what, how many): every
    foreign key to bodies that neither cascades nor empties itself, found in the models, so a
    new one is covered without code here (members and accounts are checked before)."""
    from ..labels import ENTITY_TYPE_LABELS

    found: dict[str, int] = {}
    for mapper in db.Model.registry.mappers:
        table = mapper.local_table
        if table.name in ("bodies", "users"):
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name != "bodies" or (fk.ondelete or "").upper() in (
                "CASCADE",
                "SET NULL",
            ):
                continue
            n = db.session.scalar(
                select(func.count()).select_from(table).where(fk.parent == body.id)
            )
            if n:
                what = str(ENTITY_TYPE_LABELS.get(mapper.class_.__name__, mapper.class_.__name__))
                found[what] = found.get(what, 0) + n
    return sorted(found.items())
