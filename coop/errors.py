"""Errors that services raise and both the HTML UI and the JSON API translate."""


class ServiceError(Exception):
    """Base of the errors a service raises for the caller to present."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationError(ServiceError):
    """The input breaks a rule; `fields` maps each field to what is wrong with it."""

    status = 422
    code = "validation_error"


class ConflictError(ServiceError):
    """The record changed since the caller read it (stale version), or a rule of integrity holds."""

    status = 409
    code = "conflict"


class PermissionDenied(ServiceError):
    status = 403
    code = "forbidden"


def check_version(record, expected: int | None, *, detailed: bool = True) -> None:
    """Refuse a change based on a stale version of `record` (optimistic locking).

    `expected` None means the caller did not say which version it edited: no check. The detailed
    message names both versions (for edits); the short one suits deletes.
    """
    from flask_babel import gettext as _

    if expected is None or expected == record.version:
        return
    if detailed:
        message = _(
            "Someone else changed this record in the meantime (version %(theirs)d, you edited "
            "version %(yours)d). Reload it and make your change again.",
            theirs=record.version,
            yours=expected,
        )
    else:
        message = _("Someone else changed this record in the meantime. Reload it first.")
    raise ConflictError(message, {"version": _("The record has changed since you loaded it.")})
