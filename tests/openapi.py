"""Checking API answers against the schemas of our own OpenAPI document."""

from __future__ import annotations

import jsonschema


def schema_checker(client):
    """The OpenAPI document and a function that validates an answer against a named schema."""
    doc = client.get("/api/v1/openapi.json").json
    schemas = doc["components"]["schemas"]

    def check(instance, name: str) -> None:
        jsonschema.validate(instance, {**schemas[name], "components": {"schemas": schemas}})

    return doc, check
