"""Each API route declares what it takes and answers, next to its code; the OpenAPI document is
generated from these declarations and the app's URL map (`coop.api.openapi`), so a route cannot
exist without its description, nor a description without its route.

A declaration is a small decorator over pydantic models: the request body model, the query
model (its fields become query parameters), the success answer and the error codes. The helpers
below (`listing`, `creating`, `reading`, `changing`, `deleting`) give the usual shapes of a
resource their usual answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import BaseModel

ERRORS = {
    400: "Malformed request or query parameter",
    401: "Missing or invalid token",
    403: "The token's role does not allow this",
    404: "No such record",
    409: "Stale version, or the record is still in use",
    413: "Body too large",
    415: "Body is not JSON",
    422: "Invalid fields",
}
PDF = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}


@dataclass(frozen=True)
class Answer:
    """A success answer: its description and what it carries (a model, raw content or none)."""

    description: str
    model: type[BaseModel] | None = None
    content: dict | None = None


@dataclass(frozen=True)
class Operation:
    """What one route takes and answers."""

    operation_id: str
    summary: str
    answers: dict[int, Answer]
    errors: tuple[int, ...] = ()
    body: type[BaseModel] | None = None
    body_required: bool = True
    body_content: dict | None = None
    query: type[BaseModel] | None = None
    paged: bool = False
    if_match: bool = False
    path_names: dict[str, str] = field(default_factory=dict)
    parameters: tuple[dict, ...] = ()


def operation(operation_id: str, summary: str, **kw) -> Callable:
    """Declare a route's contract; the decorated view is unchanged."""
    declared = Operation(operation_id, summary, **kw)

    def attach(view: Callable) -> Callable:
        view.openapi = declared
        return view

    return attach


def listing(operation_id: str, summary: str, page: type[BaseModel], what: str, query=None):
    """GET of a paged list, filtered by the fields of `query`."""
    return operation(
        operation_id,
        summary,
        answers={200: Answer(f"A page of {what}", page)},
        errors=(400, 401),
        query=query,
        paged=True,
    )


def creating(operation_id: str, summary: str, body: type[BaseModel], out: type[BaseModel]):
    """POST that creates a record (201 with the record and its Location)."""
    return operation(
        operation_id,
        summary,
        answers={201: Answer("Created", out)},
        errors=(400, 401, 403, 413, 415, 422),
        body=body,
    )


def reading(operation_id: str, summary: str, out: type[BaseModel] | None, what: str, **kw):
    """GET of one record (or of something computed from it)."""
    return operation(
        operation_id, summary, answers={200: Answer(what, out)}, errors=(401, 404), **kw
    )


def changing(operation_id: str, summary: str, body: type[BaseModel], out: type[BaseModel]):
    """PATCH of the given fields, guarded by the version (field or If-Match)."""
    return operation(
        operation_id,
        summary,
        answers={200: Answer("Changed", out)},
        errors=(400, 401, 403, 404, 409, 413, 415, 422),
        body=body,
        if_match=True,
    )


def deleting(operation_id: str, summary: str):
    """DELETE, guarded by the version (If-Match)."""
    return operation(
        operation_id,
        summary,
        answers={204: Answer("Deleted")},
        errors=(400, 401, 403, 404, 409),
        if_match=True,
    )


def undocumented(view: Callable) -> Callable:
    """A route of the API that is not an operation of the document (the document itself)."""
    view.openapi = None
    return view
