"""The OpenAPI 3.1 document of the API, generated from the routes: each API view declares its
contract with `coop.api.spec` (body, query and answer models, error codes), and the paths come
from the app's URL map. Built once per process, at the first request for it."""

import re
from functools import cache

from flask import current_app
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from . import bp
from .schemas import Error, Paging
from .spec import ERRORS, Operation, undocumented

REF = "#/components/schemas/{model}"
# Names of the records in the path parameters' descriptions, where the name is not plain.
RECORD_NAMES = {"program": "funding programme"}


def _ref(model) -> dict:
    return {"$ref": REF.format(model=model.__name__)}


def _json(model) -> dict:
    return {"application/json": {"schema": _ref(model)}}


def _errors(*codes: int) -> dict:
    return {str(c): {"description": ERRORS[c], "content": _json(Error)} for c in codes}


def _param(name, schema, description, where="query", required=False):
    return {
        "name": name,
        "in": where,
        "required": required,
        "description": description,
        "schema": schema,
    }


IF_MATCH = _param(
    "If-Match",
    {"type": "string", "pattern": '^"?[0-9]+"?$'},
    "Version being edited (alternative to the `version` field)",
    "header",
)


def _query_parameters(model: type[BaseModel]) -> list[dict]:
    """Each field of a query model as a parameter, its schema inline (null left out: an absent
    parameter is the null)."""
    properties = model.model_json_schema()["properties"]
    out = []
    for attribute, field in model.model_fields.items():
        name = field.alias or attribute  # "from" is a parameter's name, not a Python one
        schema = {k: v for k, v in properties[name].items() if k not in ("title", "default")}
        options = [s for s in schema.pop("anyOf", []) if s.get("type") != "null"]
        if options:
            schema = {**options[0], **schema}
        if "const" in schema:  # a Literal of one value
            schema["enum"] = [schema.pop("const")]
        schema.pop("description", None)
        out.append(_param(name, schema, field.description or name, required=field.is_required()))
    return out


def _path(rule: str) -> tuple[str, list[dict]]:
    """A Flask rule as an OpenAPI path, and its path parameters."""
    params = []

    def name(match: re.Match) -> str:
        converter, variable = match.group(1), match.group(2)
        record = variable.removesuffix("_id")
        described = f"Id of the {RECORD_NAMES.get(record, record.replace('_', ' '))}"
        schema = {"type": "integer"} if converter == "int" else {"type": "string"}
        params.append(_param(variable, schema, described, "path", True))
        return "{" + variable + "}"

    path = re.sub(r"<(?:(\w+):)?(\w+)>", name, rule)
    return path.removeprefix(bp.url_prefix), params


def _operation(op: Operation, path_params: list[dict], method: str) -> dict:
    parameters = [*path_params]
    if op.query is not None:
        parameters += _query_parameters(op.query)
    if op.paged:
        parameters += _query_parameters(Paging)
    if op.if_match:
        parameters.append(IF_MATCH)
    out: dict = {"operationId": op.operation_id, "summary": op.summary}
    if parameters:
        out["parameters"] = parameters
    if op.body is not None or op.body_content is not None:
        out["requestBody"] = {
            "required": op.body_required,
            "content": op.body_content or _json(op.body),
        }
    responses = {}
    for status, answer in op.answers.items():
        responses[str(status)] = {"description": answer.description}
        content = answer.content or (_json(answer.model) if answer.model else None)
        if content:
            responses[str(status)]["content"] = content
    out["responses"] = {**responses, **_errors(*op.errors)}
    return out


def declared_operations() -> list[tuple[str, str, Operation | None]]:
    """(rule, method, declaration) of every route of the API blueprint; None where a route is
    marked undocumented, and an AttributeError where one declares nothing (a test asks)."""
    out = []
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith(f"{bp.name}."):
            continue
        view = current_app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule.rule, method.lower(), view.openapi))
    return out


_DECIMAL = [{"type": "number"}, {"type": "string"}]
_BOUNDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}


def _decimals(node):
    """pydantic writes the limits it checks behind a validator in its own words (ge, le, and
    for a decimal beside an anyOf, decimal_places); the document says them in JSON Schema's:
    a number's bounds, and a decimal string's pattern with its number of decimals."""
    if isinstance(node, list):
        return [_decimals(x) for x in node]
    if not isinstance(node, dict):
        return node
    node = {k: _decimals(x) for k, x in node.items()}
    if node.get("type") in ("integer", "number"):  # bounds behind a validator, in its words
        for ours, theirs in _BOUNDS.items():
            if ours in node:
                node[theirs] = node.pop(ours)
    if node.get("anyOf") == _DECIMAL:
        number = {"type": "number"}
        for ours, theirs in _BOUNDS.items():
            if ours in node:
                number[theirs] = float(node.pop(ours))
        places = node.pop("decimal_places", None)
        fraction = rf"(\.\d{{1,{places}}})?" if places is not None else r"(\.\d+)?"
        sign = "" if number.get("minimum", -1) >= 0 else "-?"
        node["anyOf"] = [number, {"type": "string", "pattern": rf"^{sign}\d+{fraction}$"}]
    return node


@cache
def build_document() -> dict:
    """The whole document; cached, the routes and schemas do not change while the app runs."""
    paths: dict[str, dict] = {}
    models: list[type[BaseModel]] = [Error]
    for rule, method, op in declared_operations():
        if op is None:
            continue
        path, path_params = _path(rule)
        paths.setdefault(path, {})[method] = _operation(op, path_params, method)
        models += [m for m in (op.body, *(a.model for a in op.answers.values())) if m]
    unique = list(dict.fromkeys(models))
    _keys, defs = models_json_schema([(m, "validation") for m in unique], ref_template=REF)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "coop API",
            "version": "1",
            "description": (
                "Inter-municipal cooperation: partner registry, initiatives, resolutions, "
                "proposals from council information systems, funding and savings. "
                "Authenticate with `Authorization: Bearer <token>` (create one on your account "
                "page or with `flask --app wsgi tokens create`). Errors: "
                '`{"error": {"code", "message", "fields"}}`. Money is sent as strings.'
            ),
        },
        "servers": [{"url": bp.url_prefix}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": _decimals(defs["$defs"]),
        },
        "paths": dict(sorted(paths.items())),
    }


def _with_idempotency(document: dict) -> dict:
    """Every POST takes an Idempotency-Key (coop/api/idempotency.py)."""
    from .idempotency import describe

    for operations in document["paths"].values():
        post = operations.get("post")
        names = {p.get("name") for p in (post or {}).get("parameters", [])}
        if post is not None and "Idempotency-Key" not in names:  # the document is cached
            post["parameters"] = [*post.get("parameters", []), describe()]
            # a bad key (400), a key used for another request (422), one carried out (409)
            for code, answer in _errors(400, 409, 422).items():
                post["responses"].setdefault(code, answer)
    return document


@bp.get("/openapi.json")
@undocumented
def openapi_document():
    """The OpenAPI document (public, so clients can read it before they have a token)."""
    return _with_idempotency(build_document())
