"""The JSON API under /api/v1: bearer tokens, one error shape, generated OpenAPI document."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import (  # noqa: E402,F401  (routes)
    auth,
    bodies,
    funding,
    imports,
    initiatives,
    openapi,
    proposals,
    resolutions,
    savings,
    search,
    trash,
)
