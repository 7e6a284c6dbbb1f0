"""German (translatable) labels of the enumeration codes."""

from flask_babel import lazy_gettext as _l

from .models import AuditAction, BodyKind, Role

BODY_KIND_LABELS = {
    BodyKind.DISTRICT: _l("District"),
    BodyKind.CITY: _l("Town"),
    BodyKind.MUNICIPALITY: _l("Municipality"),
    BodyKind.COLLECTIVE_MUNICIPALITY: _l("Collective municipality"),
    BodyKind.ASSOCIATION: _l("Association or public enterprise"),
}

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.PARTNER_EDITOR: _l("Partner editor"),
    Role.FUNDING_OFFICER: _l("Funding officer"),
    Role.VIEWER: _l("Viewer"),
}

AUDIT_ACTION_LABELS = {
    AuditAction.CREATE: _l("created"),
    AuditAction.UPDATE: _l("changed"),
    AuditAction.DELETE: _l("deleted"),
}

BODY_FIELD_LABELS = {
    "name": _l("Name"),
    "kind": _l("Kind"),
    "kind_detail": _l("Official designation"),
    "ags": _l("AGS (official municipality key)"),
    "ars": _l("ARS (regional key)"),
    "population": _l("Population"),
    "parent_id": _l("Belongs to"),
    "state": _l("Federal state"),
    "council_name": _l("Council"),
    "website": _l("Website"),
    "contact": _l("Contact"),
    "external_id": _l("External id"),
    "email": _l("E-mail address"),
    "role": _l("Role"),
    "body_id": _l("Body"),
    "active": _l("Active"),
    "password_hash": _l("Password"),
    "user_id": _l("User"),
    "token_hash": _l("Token"),
    "prefix": _l("Token prefix"),
    "revoked_at": _l("Revoked at"),
}


def label(mapping, code):
    """The label of `code` in `mapping`, or the code itself if unknown."""
    try:
        return mapping[type(next(iter(mapping)))(code)]
    except (ValueError, KeyError, StopIteration):
        return code
