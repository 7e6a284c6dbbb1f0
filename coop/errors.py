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
