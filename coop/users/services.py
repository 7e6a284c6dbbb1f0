"""Account workflows, shared by the admin pages and the CLI. Flushes, never commits."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..auth import permissions
from ..auth.invitations import NO_PASSWORD_YET
from ..commands import values_of
from ..errors import PermissionDenied, ValidationError, check_version
from ..extensions import db
from ..models import Body, BodyKind, Role, User
from .schemas import UserChange, UserCreate

ROLES_NEEDING_BODY = (Role.COORDINATOR, Role.PARTNER_EDITOR)


def _validate(user: User | None, values: dict[str, Any]) -> dict:
    """The rules of an account that need other records: a unique address, the body of the
    role."""
    errors: dict[str, str] = {}
    email = values["email"]
    clash = db.session.scalar(
        select(User).where(func.lower(User.email) == email, User.id != (user.id if user else -1))
    )
    if clash:
        errors["email"] = _("There is already an account with this e-mail address.")
    role = values["role"]
    body = None
    if values.get("body_id"):
        body = db.session.get(Body, values["body_id"])
        if body is None:
            errors["body_id"] = _("The body does not exist.")
    values["body_id"] = body.id if body else None
    if role in ROLES_NEEDING_BODY and body is None and "body_id" not in errors:
        errors["body_id"] = _("This role is bound to a body: please choose one.")
    if role == Role.COORDINATOR and body is not None and body.id != body.district_id:
        errors["body_id"] = _("A coordinator is bound to a district (or a kreisfreie Stadt).")
    return errors


def _check_actor(actor: User | None, role, body: Body | None) -> None:
    if actor is not None and not permissions.can_assign(actor, role, body):
        raise PermissionDenied(
            _("You may not give this role for this body."),
            {"role": _("You may not give this role for this body.")},
        )


def create_user(command: UserCreate, *, actor: User | None) -> User:
    """Add an account: email, name, role, body_id, password, active."""
    data = values_of(command)
    values = {k: data.get(k) for k in ("email", "name", "role", "body_id")}
    password = data.get("password")
    errors = _validate(None, values)
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    body = db.session.get(Body, values["body_id"]) if values["body_id"] else None
    _check_actor(actor, values["role"], body)
    user = User(
        email=values["email"],
        name=values.get("name") or "",
        role=values["role"],
        body_id=values["body_id"],
        active=data["active"],
    )
    if password:
        user.set_password(password)
    else:  # invited: the person sets it through the link of their invitation
        user.password_hash = NO_PASSWORD_YET
    db.session.add(user)
    db.session.flush()
    return user


def update_user(
    user: User,
    command: UserChange,
    *,
    actor: User | None,
    expected_version: int | None = None,
) -> User:
    """Change an account; a non-empty `password` sets a new one."""
    data = values_of(command)
    check_version(user, expected_version, detailed=False)
    if actor is not None and not permissions.can_edit_user(actor, user):
        raise PermissionDenied(_("You may not change this account."))
    values = {k: data.get(k, getattr(user, k)) for k in ("email", "name", "role", "body_id")}
    password = data.get("password") or None
    errors = _validate(user, values)
    if actor is not None and actor.id == user.id and values.get("role") != user.role:
        errors["role"] = _("You cannot change your own role.")
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    body = db.session.get(Body, values["body_id"]) if values["body_id"] else None
    _check_actor(actor, values["role"], body)
    user.email = values["email"]
    user.name = values.get("name") or ""
    user.role = values["role"]
    user.body_id = values["body_id"]
    if "active" in data:
        if actor is not None and actor.id == user.id and not data["active"]:
            raise ValidationError(
                _("You cannot deactivate your own account."),
                {"active": _("You cannot deactivate your own account.")},
            )
        user.active = data["active"]
    if password:
        user.set_password(password)
    db.session.flush()
    return user


def managed_users_query(actor: User):
    """Accounts `actor` manages: all for an admin, its district's for a coordinator."""
    stmt = select(User).options(joinedload(User.body)).order_by(User.email)
    if actor.role != Role.ADMIN:
        district_id = permissions.coordinator_district_id(actor)
        stmt = stmt.join(Body, User.body_id == Body.id).where(
            (Body.district_id == district_id) | (Body.id == district_id)
        )
    return stmt


def assignable_bodies(actor: User) -> list[Body]:
    """Bodies `actor` may bind an account to (choices of the account form)."""
    stmt = select(Body).order_by(Body.name)
    if actor.role != Role.ADMIN:
        district_id = permissions.coordinator_district_id(actor)
        stmt = stmt.where(
            (Body.district_id == district_id)
            | ((Body.kind == BodyKind.ASSOCIATION) & Body.parent_id.is_(None))
        )
    return db.session.scalars(stmt).all()
