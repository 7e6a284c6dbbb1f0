"""Account workflows, shared by the admin pages and the CLI. Flushes, never commits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..auth import permissions
from ..auth.services import password_problem
from ..commands import fields_of, max_length
from ..errors import PermissionDenied, ValidationError, check_version
from ..extensions import db
from ..models import Body, BodyKind, Role, User
from .schemas import UserCommand

ROLES_NEEDING_BODY = (Role.COORDINATOR, Role.PARTNER_EDITOR)


def _validate(user: User | None, values: dict[str, Any], *, new_password: str | None) -> dict:
    errors: dict[str, str] = {}
    email = (values.get("email") or "").strip()
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
        values["email"] = email
        clash = db.session.scalar(
            select(User).where(
                func.lower(User.email) == email, User.id != (user.id if user else -1)
            )
        )
        if clash:
            errors["email"] = _("There is already an account with this e-mail address.")
    except EmailNotValidError:
        errors["email"] = _("Please enter a valid e-mail address.")
    try:
        role = Role(values.get("role"))
        values["role"] = role
    except ValueError:
        errors["role"] = _("Unknown role: choose one from the list.")
        role = None
    body = None
    if values.get("body_id"):
        body = db.session.get(Body, int(values["body_id"]))
        if body is None:
            errors["body_id"] = _("The body does not exist.")
    values["body_id"] = body.id if body else None
    if role in ROLES_NEEDING_BODY and body is None and "body_id" not in errors:
        errors["body_id"] = _("This role is bound to a body: please choose one.")
    if role == Role.COORDINATOR and body is not None and body.id != body.district_id:
        errors["body_id"] = _("A coordinator is bound to a district (or a kreisfreie Stadt).")
    limit = max_length(UserCommand, "name")
    if len(values.get("name") or "") > limit:
        errors["name"] = _("At most %(n)d characters.", n=limit)
    if new_password is not None or user is None:
        problem = password_problem(new_password, values.get("email"), values.get("name"))
        if problem:
            errors["password"] = problem
    return errors


def _check_actor(actor: User | None, role, body: Body | None) -> None:
    if actor is not None and not permissions.can_assign(actor, role, body):
        raise PermissionDenied(
            _("You may not give this role for this body."),
            {"role": _("You may not give this role for this body.")},
        )


def create_user(command: UserCommand | Mapping[str, Any], *, actor: User | None) -> User:
    """Add an account: email, name, role, body_id, password, active."""
    data = fields_of(command)
    values = {k: data.get(k) for k in ("email", "name", "role", "body_id")}
    password = data.get("password")
    errors = _validate(None, values, new_password=password)
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    body = db.session.get(Body, values["body_id"]) if values["body_id"] else None
    _check_actor(actor, values["role"], body)
    user = User(
        email=values["email"],
        name=(values.get("name") or "").strip(),
        role=values["role"],
        body_id=values["body_id"],
        active=bool(data.get("active", True)),
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(
    user: User,
    command: UserCommand | Mapping[str, Any],
    *,
    actor: User | None,
    expected_version: int | None = None,
) -> User:
    """Change an account; a non-empty `password` sets a new one."""
    data = fields_of(command)
    check_version(user, expected_version, detailed=False)
    if actor is not None and not permissions.can_edit_user(actor, user):
        raise PermissionDenied(_("You may not change this account."))
    values = {k: data.get(k, getattr(user, k)) for k in ("email", "name", "role", "body_id")}
    password = data.get("password") or None
    errors = _validate(user, values, new_password=password)
    if actor is not None and actor.id == user.id and values.get("role") != user.role:
        errors["role"] = _("You cannot change your own role.")
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    body = db.session.get(Body, values["body_id"]) if values["body_id"] else None
    _check_actor(actor, values["role"], body)
    user.email = values["email"]
    user.name = (values.get("name") or "").strip()
    user.role = values["role"]
    user.body_id = values["body_id"]
    if "active" in data:
        if actor is not None and actor.id == user.id and not data["active"]:
            raise ValidationError(
                _("You cannot deactivate your own account."),
                {"active": _("You cannot deactivate your own account.")},
            )
        user.active = bool(data["active"])
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
