"""The data model, one module per aggregate."""

from .audit import AuditEntry
from .body import Body
from .enums import STATES, AuditAction, BodyKind, Role
from .user import ApiToken, User, hash_token

__all__ = [
    "STATES",
    "ApiToken",
    "AuditAction",
    "AuditEntry",
    "Body",
    "BodyKind",
    "Role",
    "User",
    "hash_token",
]
