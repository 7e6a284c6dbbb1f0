"""The OpenAPI 3.1 document of the API, built from the pydantic schemas at first request."""

from functools import cache

from pydantic.json_schema import models_json_schema

from ..models import GrantStatus, Phase, ServiceArea
from . import bp
from .schemas import (
    BodyCreate,
    BodyList,
    BodyOut,
    BodyUpdate,
    CostModelIn,
    CostModelOut,
    DecisionsOut,
    Error,
    FundingProgramCreate,
    FundingProgramList,
    FundingProgramOut,
    FundingProgramUpdate,
    GrantCheckOut,
    GrantCreate,
    GrantList,
    GrantOut,
    GrantUpdate,
    InitiativeCreate,
    InitiativeList,
    InitiativeOut,
    InitiativeUpdate,
    ProposalConfirm,
    ProposalList,
    ProposalOut,
    ResolutionCreate,
    ResolutionList,
    ResolutionOut,
    ResolutionUpdate,
    SavingsOut,
)

SCHEMAS = (
    Error,
    BodyCreate,
    BodyUpdate,
    BodyOut,
    BodyList,
    InitiativeCreate,
    InitiativeUpdate,
    InitiativeOut,
    InitiativeList,
    DecisionsOut,
    ResolutionCreate,
    ResolutionUpdate,
    ResolutionOut,
    ResolutionList,
    FundingProgramCreate,
    FundingProgramUpdate,
    FundingProgramOut,
    FundingProgramList,
    GrantCreate,
    GrantUpdate,
    GrantOut,
    GrantList,
    GrantCheckOut,
    CostModelIn,
    CostModelOut,
    SavingsOut,
    ProposalOut,
    ProposalList,
    ProposalConfirm,
)
REF = "#/components/schemas/{model}"


def _ref(model) -> dict:
    return {"$ref": REF.format(model=model.__name__)}


def _json(model) -> dict:
    return {"application/json": {"schema": _ref(model)}}


def _errors(*codes: int) -> dict:
    text = {
        400: "Malformed request or query parameter",
        401: "Missing or invalid token",
        403: "The token's role does not allow this",
        404: "No such record",
        409: "Stale version, or the record is still in use",
        413: "Body too large",
        415: "Body is not JSON",
        422: "Invalid fields",
    }
    return {str(c): {"description": text[c], "content": _json(Error)} for c in codes}


def _param(name, schema, description, where="query", required=False):
    return {
        "name": name,
        "in": where,
        "required": required,
        "description": description,
        "schema": schema,
    }


ID = _param("body_id", {"type": "integer"}, "Id of the body", "path", True)
IF_MATCH = _param(
    "If-Match",
    {"type": "string", "pattern": '^"?[0-9]+"?$'},
    "Version being edited (alternative to the `version` field)",
    "header",
)


PAGING = [
    _param("page", {"type": "integer", "minimum": 1, "maximum": 1000000}, "Page, from 1"),
    _param("per_page", {"type": "integer", "minimum": 1, "maximum": 200}, "Items per page"),
]


def _crud(
    name: str, plural: str, models: tuple, filters: list, id_name: str, title: str | None = None
) -> dict:
    """List/create and get/patch/delete paths of one resource."""
    create, update, out, listing = models
    ident = _param(id_name, {"type": "integer"}, f"Id of the {name}", "path", True)
    title = title or name.capitalize()
    return {
        f"/{plural}": {
            "get": {
                "operationId": f"list{title}s",
                "summary": f"List {plural}",
                "parameters": [*filters, *PAGING],
                "responses": {
                    "200": {"description": f"A page of {plural}", "content": _json(listing)},
                    **_errors(400, 401),
                },
            },
            "post": {
                "operationId": f"create{title}",
                "summary": f"Create a {name}",
                "requestBody": {"required": True, "content": _json(create)},
                "responses": {
                    "201": {"description": "Created", "content": _json(out)},
                    **_errors(400, 401, 403, 413, 415, 422),
                },
            },
        },
        f"/{plural}/{{{id_name}}}": {
            "parameters": [ident],
            "get": {
                "operationId": f"get{title}",
                "summary": f"One {name}",
                "responses": {
                    "200": {"description": f"The {name}", "content": _json(out)},
                    **_errors(401, 404),
                },
            },
            "patch": {
                "operationId": f"update{title}",
                "summary": f"Change fields of a {name}",
                "parameters": [IF_MATCH],
                "requestBody": {"required": True, "content": _json(update)},
                "responses": {
                    "200": {"description": "Changed", "content": _json(out)},
                    **_errors(400, 401, 403, 404, 409, 413, 415, 422),
                },
            },
            "delete": {
                "operationId": f"delete{title}",
                "summary": f"Delete a {name}",
                "parameters": [IF_MATCH],
                "responses": {
                    "204": {"description": "Deleted"},
                    **_errors(400, 401, 403, 404, 409),
                },
            },
        },
    }


def _more_paths() -> dict:
    initiative_filters = [
        _param("q", {"type": "string"}, "Text in title or description"),
        _param("service_area", {"type": "string", "enum": [a.value for a in ServiceArea]}, "Area"),
        _param("phase", {"type": "string", "enum": [p.value for p in Phase]}, "Phase"),
        _param(
            "district_id", {"type": "integer", "minimum": 1}, "A body of this district takes part"
        ),
        _param("body_id", {"type": "integer", "minimum": 1}, "This body takes part"),
        _param("public", {"type": "string", "enum": ["true", "false"]}, "Only public ones"),
        _param(
            "sort",
            {
                "type": "string",
                "enum": [
                    "title",
                    "-title",
                    "phase",
                    "-phase",
                    "service_area",
                    "-service_area",
                    "start",
                    "-start",
                    "modified",
                    "-modified",
                ],
            },
            "Sort order",
        ),
    ]
    resolution_filters = [
        _param("initiative_id", {"type": "integer", "minimum": 1}, "Initiative"),
        _param("body_id", {"type": "integer", "minimum": 1}, "Body whose organ decided"),
    ]
    paths = {
        **_crud(
            "initiative",
            "initiatives",
            (InitiativeCreate, InitiativeUpdate, InitiativeOut, InitiativeList),
            initiative_filters,
            "initiative_id",
        ),
        **_crud(
            "resolution",
            "resolutions",
            (ResolutionCreate, ResolutionUpdate, ResolutionOut, ResolutionList),
            resolution_filters,
            "resolution_id",
        ),
    }
    paths |= _crud(
        "funding programme",
        "funding-programs",
        (FundingProgramCreate, FundingProgramUpdate, FundingProgramOut, FundingProgramList),
        [],
        "program_id",
        "FundingProgram",
    )
    paths |= _crud(
        "grant",
        "grants",
        (GrantCreate, GrantUpdate, GrantOut, GrantList),
        [
            _param("status", {"type": "string", "enum": [s.value for s in GrantStatus]}, "Status"),
            _param("program_id", {"type": "integer", "minimum": 1}, "Programme"),
            _param("initiative_id", {"type": "integer", "minimum": 1}, "Initiative"),
        ],
        "grant_id",
    )
    paths["/grants/{grant_id}/check"] = {
        "parameters": [_param("grant_id", {"type": "integer"}, "Id", "path", True)],
        "get": {
            "operationId": "checkGrant",
            "summary": "Every condition of the programme checked against today's data",
            "responses": {
                "200": {"description": "The check", "content": _json(GrantCheckOut)},
                **_errors(401, 404),
            },
        },
    }
    initiative_id = _param("initiative_id", {"type": "integer"}, "Id", "path", True)
    paths["/initiatives/{initiative_id}/cost-model"] = {
        "parameters": [initiative_id],
        "get": {
            "operationId": "getCostModel",
            "summary": "Inputs of the primary savings estimate",
            "responses": {
                "200": {"description": "The model", "content": _json(CostModelOut)},
                **_errors(401, 404),
            },
        },
        "put": {
            "operationId": "putCostModel",
            "summary": "Create or replace the primary savings estimate",
            "parameters": [IF_MATCH],
            "requestBody": {"required": True, "content": _json(CostModelIn)},
            "responses": {
                "200": {"description": "Replaced", "content": _json(CostModelOut)},
                "201": {"description": "Created", "content": _json(CostModelOut)},
                **_errors(400, 401, 403, 404, 409, 413, 415, 422),
            },
        },
    }
    paths["/initiatives/{initiative_id}/savings"] = {
        "parameters": [initiative_id],
        "get": {
            "operationId": "getSavings",
            "summary": "Savings by year, npv, break-even year, savings rate, per partner",
            "responses": {
                "200": {"description": "The results", "content": _json(SavingsOut)},
                **_errors(401, 404, 422),
            },
        },
    }
    proposal_id = _param("proposal_id", {"type": "integer"}, "Id", "path", True)
    paths["/proposals"] = {
        "get": {
            "operationId": "listProposals",
            "summary": "Resolutions proposed from the partners' council information systems",
            "parameters": [
                _param("initiative_id", {"type": "integer", "minimum": 1}, "Initiative"),
                _param("body_id", {"type": "integer", "minimum": 1}, "Body"),
                _param(
                    "state",
                    {"type": "string", "enum": ["open", "confirmed", "dismissed"]},
                    "State",
                ),
                *PAGING,
            ],
            "responses": {
                "200": {"description": "A page of proposals", "content": _json(ProposalList)},
                **_errors(400, 401),
            },
        }
    }
    paths["/proposals/{proposal_id}"] = {
        "parameters": [proposal_id],
        "get": {
            "operationId": "getProposal",
            "summary": "One proposal",
            "responses": {
                "200": {"description": "The proposal", "content": _json(ProposalOut)},
                **_errors(401, 404),
            },
        },
    }
    paths["/proposals/{proposal_id}/confirm"] = {
        "parameters": [proposal_id],
        "post": {
            "operationId": "confirmProposal",
            "summary": "Record the proposal as a resolution (with optional changes)",
            "requestBody": {"required": False, "content": _json(ProposalConfirm)},
            "responses": {
                "201": {"description": "The resolution", "content": _json(ResolutionOut)},
                **_errors(400, 401, 403, 404, 409, 413, 415, 422),
            },
        },
    }
    paths["/proposals/{proposal_id}/dismiss"] = {
        "parameters": [proposal_id],
        "post": {
            "operationId": "dismissProposal",
            "summary": "Dismiss the proposal",
            "responses": {
                "200": {"description": "The proposal", "content": _json(ProposalOut)},
                **_errors(401, 403, 404, 409),
            },
        },
    }
    paths["/initiatives/{initiative_id}/decisions"] = {
        "parameters": [_param("initiative_id", {"type": "integer"}, "Id", "path", True)],
        "get": {
            "operationId": "getInitiativeDecisions",
            "summary": "Decision status of each partner (lead or partner)",
            "responses": {
                "200": {
                    "description": "Decided count and each partner",
                    "content": _json(DecisionsOut),
                },
                **_errors(401, 404),
            },
        },
    }
    paths["/resolutions/{resolution_id}/document"] = {
        "parameters": [_param("resolution_id", {"type": "integer"}, "Id", "path", True)],
        "get": {
            "operationId": "getResolutionDocument",
            "summary": "The paper (PDF) under its original name",
            "responses": {
                "200": {
                    "description": "The PDF",
                    "content": {
                        "application/pdf": {"schema": {"type": "string", "format": "binary"}}
                    },
                },
                **_errors(401, 404),
            },
        },
        "put": {
            "operationId": "putResolutionDocument",
            "summary": "Upload or replace the paper (PDF, at most 20 MB)",
            "parameters": [
                _param("filename", {"type": "string", "maxLength": 255}, "Original file name")
            ],
            "requestBody": {
                "required": True,
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            },
            "responses": {
                "200": {
                    "description": "The resolution with its document",
                    "content": _json(ResolutionOut),
                },
                **_errors(401, 403, 404, 413, 415, 422),
            },
        },
    }
    return paths


@cache
def build_document() -> dict:
    """The whole document; cached, the schemas do not change while the app runs."""
    _keys, defs = models_json_schema([(m, "validation") for m in SCHEMAS], ref_template=REF)
    kinds = [k for k in BodyCreate.model_fields["kind"].annotation]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "coop API",
            "version": "1",
            "description": (
                "Inter-municipal cooperation: partner registry and, in later versions, "
                "initiatives, resolutions, funding and savings. Authenticate with "
                "`Authorization: Bearer <token>` (create one on your account page or with "
                "`flask --app wsgi tokens create`). Errors: "
                '`{"error": {"code", "message", "fields"}}`. Money is sent as strings.'
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": defs["$defs"],
        },
        "paths": {
            **_more_paths(),
            "/bodies": {
                "get": {
                    "operationId": "listBodies",
                    "summary": "List bodies",
                    "parameters": [
                        _param("q", {"type": "string"}, "Text in name, council or AGS prefix"),
                        _param(
                            "kind",
                            {"type": "string", "enum": [k.value for k in kinds]},
                            "Kind of body",
                        ),
                        _param("parent_id", {"type": "integer", "minimum": 1}, "Parent body"),
                        _param("district_id", {"type": "integer", "minimum": 1}, "District"),
                        _param(
                            "state",
                            {"type": "string", "pattern": "^[0-9]{2}$"},
                            "Federal state key",
                        ),
                        _param(
                            "sort",
                            {
                                "type": "string",
                                "enum": [
                                    "name",
                                    "-name",
                                    "ags",
                                    "-ags",
                                    "population",
                                    "-population",
                                    "kind",
                                    "-kind",
                                ],
                            },
                            "Sort order",
                        ),
                        _param(
                            "page",
                            {"type": "integer", "minimum": 1, "maximum": 1000000},
                            "Page, from 1",
                        ),
                        _param(
                            "per_page",
                            {"type": "integer", "minimum": 1, "maximum": 200},
                            "Items per page",
                        ),
                    ],
                    "responses": {
                        "200": {"description": "A page of bodies", "content": _json(BodyList)},
                        **_errors(400, 401),
                    },
                },
                "post": {
                    "operationId": "createBody",
                    "summary": "Create a body",
                    "requestBody": {"required": True, "content": _json(BodyCreate)},
                    "responses": {
                        "201": {"description": "Created", "content": _json(BodyOut)},
                        **_errors(400, 401, 403, 413, 415, 422),
                    },
                },
            },
            "/bodies/{body_id}": {
                "parameters": [ID],
                "get": {
                    "operationId": "getBody",
                    "summary": "One body",
                    "responses": {
                        "200": {"description": "The body", "content": _json(BodyOut)},
                        **_errors(401, 404),
                    },
                },
                "patch": {
                    "operationId": "updateBody",
                    "summary": "Change fields of a body",
                    "parameters": [IF_MATCH],
                    "requestBody": {"required": True, "content": _json(BodyUpdate)},
                    "responses": {
                        "200": {"description": "Changed", "content": _json(BodyOut)},
                        **_errors(400, 401, 403, 404, 409, 413, 415, 422),
                    },
                },
                "delete": {
                    "operationId": "deleteBody",
                    "summary": "Delete a body without members or accounts",
                    "parameters": [IF_MATCH],
                    "responses": {
                        "204": {"description": "Deleted"},
                        **_errors(400, 401, 403, 404, 409),
                    },
                },
            },
        },
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
def openapi_document():
    """The OpenAPI document (public, so clients can read it before they have a token)."""
    return _with_idempotency(build_document())
