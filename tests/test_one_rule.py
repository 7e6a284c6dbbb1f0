"""A field's rule lives once, in its command model: changed there, it holds in the form, the API,
the import and the OpenAPI document; and the document shows every limit the commands enforce."""

from __future__ import annotations

import pytest
from annotated_types import MaxLen

from coop.api.openapi import build_document
from coop.commands import Command, constraints
from coop.initiatives.schemas import InitiativeCreate
from tests.api.test_initiatives_api import h
from tests.conftest import AuthActions
from tests.imports.test_import import _csv, _upload
from tests.initiatives.test_views import form_data


def _flat(schema: dict) -> list[dict]:
    """A property's schema and every alternative of it (anyOf), depth first."""
    out = [schema]
    for alternative in schema.get("anyOf", []):
        out += _flat(alternative)
    return out


def _shown(schema: dict, key: str) -> set:
    return {part[key] for part in _flat(schema) if key in part}


def test_every_limit_the_commands_enforce_is_in_the_openapi_document(app):
    with app.test_request_context():
        schemas = build_document()["components"]["schemas"]
    commands = [s for s in schemas if isinstance(getattr(_models(), s, None), type)]
    assert {"InitiativeCreate", "GrantUpdate", "CostModelIn", "ParticipantIn"} <= set(commands)
    missing = []
    for name in commands:
        model = getattr(_models(), name)
        for field in model.model_fields:
            shown = schemas[name]["properties"][field]
            for constraint in constraints(model, field):
                for attr, keys in (
                    (
                        "max_length",
                        ("maxItems",) if "array" in _shown(shown, "type") else ("maxLength",),
                    ),
                    ("min_length", ("minLength",)),
                    ("ge", ("minimum",)),
                    ("le", ("maximum",)),
                    ("gt", ("exclusiveMinimum",)),
                    ("pattern", ("pattern",)),
                ):
                    limit = getattr(constraint, attr, None)
                    if limit is None:
                        continue
                    if attr in ("ge", "le") and "pattern" in str(shown):
                        # money and rates: the integer's bounds and the string's pattern
                        limit = int(limit)
                    if not any(limit in _shown(shown, key) for key in keys):
                        missing.append(f"{name}.{field} {attr}={limit}")
    assert missing == []


def _models():
    """Every command model, by its name (as the document's components call them)."""
    import coop.bodies.schemas  # noqa: F401  (imported for their models)

    found = {}

    def walk(cls):
        for sub in cls.__subclasses__():
            found[sub.__name__] = sub
            walk(sub)

    walk(Command)
    return type("Models", (), found)


@pytest.fixture
def titles_of_twelve(app):
    """The longest title of a new initiative changed in its model, and only there."""
    field = InitiativeCreate.model_fields["title"]
    before = list(field.metadata)
    field.metadata = [MaxLen(12), *(m for m in before if not isinstance(m, MaxLen))]
    InitiativeCreate.model_rebuild(force=True)
    build_document.cache_clear()
    yield
    field.metadata = before
    InitiativeCreate.model_rebuild(force=True)
    build_document.cache_clear()


def test_a_limit_changed_in_the_model_holds_in_form_api_import_and_openapi(
    client, seed, titles_of_twelve
):
    too_long = "Gemeinsame E-Akte"  # 17 characters
    auth = AuthActions(client)
    auth.login("coordinator@test.example")
    # the form: its input says so, and the server refuses the longer title at the field
    page = client.get("/initiatives/new").get_data(as_text=True)
    assert 'maxlength="12"' in page
    r = auth.post("/initiatives/new", form_data(seed, title=too_long), "/initiatives/new")
    assert r.status_code == 422 and "Höchstens 12 Zeichen." in r.get_data(as_text=True)
    # the API
    r = client.post(
        "/api/v1/initiatives",
        json={"title": too_long, "service_area": "it"},
        headers=h(seed),
    )
    assert r.status_code == 422 and r.json["error"]["fields"]["title"] == "Höchstens 12 Zeichen."
    # the import: the row is refused with the same words
    rows = [
        ["Vorhaben", "Aufgabenbereich", "Phase", "Kreis Höxter", "Brakel"],
        [too_long, "Vergabestelle", "Idee", "Federführung", "Partner"],
    ]
    answer = _upload(client, seed, _csv(rows), kind="initiatives")
    job = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Höchstens 12 Zeichen." in job
    # the OpenAPI document
    schema = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    assert schema["InitiativeCreate"]["properties"]["title"]["maxLength"] == 12
