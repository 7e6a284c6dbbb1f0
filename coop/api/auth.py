"""Bearer-token authentication and request helpers of the API."""

from __future__ import annotations

from flask import current_app, g, request
from flask_babel import gettext as _
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from .. import audit, pagecache
from ..auth.services import user_for_token
from ..commands import errors_of, message_of
from ..errors import ServiceError
from ..extensions import db
from ..main.errors import api_error
from ..pagination import paginate
from . import bp, idempotency

PUBLIC_ENDPOINTS = {"api.openapi_document"}


class ApiAbort(Exception):
    """Raised inside an endpoint to answer with an API error."""

    def __init__(self, status: int, message: str, fields: dict | None = None, code=None):
        super().__init__(message)
        self.status, self.message, self.fields, self.code = status, message, fields, code


@bp.before_request
def authenticate():
    """Every endpoint but the OpenAPI document needs `Authorization: Bearer <token>`."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    user = user_for_token(secret.strip()) if scheme.lower() == "bearer" and secret else None
    if user is None:
        response = api_error(401, _("A valid API token is required (Authorization: Bearer …)."))
        response[0].headers["WWW-Authenticate"] = 'Bearer realm="coop"'
        return response
    if db.session.dirty:
        db.session.commit()  # last_used_at
    g.api_user = user
    audit.set_actor(user.id, f"{user.email} (API)")
    return idempotency.begin(user.id) or pagecache.lookup()  # a token whose use was recorded


@bp.after_request
def _keep_idempotent_answer(response):
    return idempotency.remember(response)


@bp.errorhandler(ApiAbort)
def _abort(exc: ApiAbort):
    return api_error(exc.status, exc.message, exc.fields, exc.code)


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    db.session.rollback()
    return api_error(exc.status, exc.message, exc.fields, exc.code)


def parse_json(model: type[BaseModel]) -> BaseModel:
    """The request's JSON body validated against `model`; errors name each field."""
    if not request.is_json:
        raise ApiAbort(415, _("Send the body as JSON (Content-Type: application/json)."))
    data = request.get_json(silent=True)
    if data is None:
        raise ApiAbort(400, _("The body is not valid JSON."), code="malformed_json")
    if not isinstance(data, dict):
        raise ApiAbort(400, _("The body must be a JSON object."), code="malformed_json")
    try:
        return model.model_validate(data)
    except PydanticError as exc:
        raise ApiAbort(422, _("Please correct the marked fields."), errors_of(exc)) from None


def _allowed(model: type[BaseModel], name: str) -> str:
    """The values a Literal query field allows, for the error message."""
    import typing

    annotation = model.model_fields[name].annotation
    for arg in typing.get_args(annotation) or (annotation,):
        if typing.get_origin(arg) is typing.Literal:
            return ", ".join(typing.get_args(arg))
    return ""


def parse_query(model: type[BaseModel]):
    """The query string bound to `model` (the same model lists the parameters in the OpenAPI
    document); an empty value counts as absent, a bad one is a 400 naming the parameter."""
    data = {k: v for k, v in request.args.items() if v != ""}
    try:
        return model.model_validate(data)
    except PydanticError as exc:
        fields = {}
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else "query"
            if err["type"] == "literal_error":
                message = _("Unknown value; allowed: %(values)s.", values=_allowed(model, name))
            elif err["type"] in ("greater_than_equal", "less_than_equal"):
                field = model.model_fields[name]
                lo = next((m.ge for m in field.metadata if getattr(m, "ge", None) is not None), 1)
                hi = next((m.le for m in field.metadata if getattr(m, "le", None) is not None), 0)
                message = _("Must be between %(lo)d and %(hi)d.", lo=lo, hi=hi)
            else:
                message = message_of(err)
            fields.setdefault(name, message)
        raise ApiAbort(400, _("Please correct the marked fields."), fields) from None


def found(record, message: str):
    """`record`, or a 404 that says `message` when there is none."""
    if record is None:
        raise ApiAbort(404, message)
    return record


def query_int(name: str, default: int | None = None, *, minimum: int = 1, maximum=2**31 - 1):
    """An integer query parameter (within the database's integer), or a 400 naming it."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiAbort(
            400, _("Please correct the marked fields."), {name: _("Please enter a whole number.")}
        ) from None
    if value < minimum or (maximum is not None and value > maximum):
        raise ApiAbort(
            400,
            _("Please correct the marked fields."),
            {name: _("Must be between %(lo)d and %(hi)d.", lo=minimum, hi=maximum or 2**31)},
        )
    return value


def expected_version(payload_version: int | None) -> int | None:
    """The version the client edits: the `version` field, or an `If-Match` header."""
    if payload_version is not None:
        return payload_version
    header = (request.headers.get("If-Match") or "").strip().strip('"')
    if header:
        if not header.isdigit():
            raise ApiAbort(
                400,
                _("If-Match must carry the record's version number."),
                {"If-Match": _("Please enter a whole number.")},
            )
        return int(header)
    return None


def page_of(stmt, out) -> dict:
    """A page of `stmt` (query parameters page and per_page) as {items, page, per_page, total}."""
    per_page = query_int("per_page", 50, maximum=current_app.config["API_MAX_PER_PAGE"])
    wanted = query_int("page", 1, maximum=10**6)
    page = paginate(stmt, page=wanted, per_page=per_page)
    if wanted is not None and wanted > page.page:
        raise ApiAbort(
            400,
            _("Please correct the marked fields."),
            {"page": _("There are only %(pages)d pages.", pages=page.pages)},
        )
    return {
        "items": [out(item) for item in page.items],
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
    }
