"""/api/v1/bodies: the partner registry as JSON. Same services and permissions as the UI."""

from flask import g
from flask_babel import gettext as _

from ..auth import permissions
from ..bodies import services
from ..extensions import db
from ..models import Body
from . import bp
from .auth import ApiAbort, expected_version, found, page_of, parse_json, parse_query
from .schemas import (
    BodyCreate,
    BodyList,
    BodyOut,
    BodyQuery,
    BodyUpdate,
    body_out,
)
from .spec import changing, creating, deleting, listing, reading


def _get(body_id: int) -> Body:
    return found(db.session.get(Body, body_id), _("There is no body with id %(id)d.", id=body_id))


def _forbidden():
    return ApiAbort(403, _("Your role does not allow this."))


@bp.get("/bodies")
@listing("listBodies", "List bodies", BodyList, "bodies", query=BodyQuery)
def list_bodies():
    """List bodies; filters kind, parent_id, district_id, state, q; page, per_page."""
    args = parse_query(BodyQuery)
    stmt = services.body_query(
        q=args.q,
        kind=args.kind,
        parent_id=args.parent_id,
        district_id=args.district_id,
        state=args.state,
        sort=args.sort,
    )
    return page_of(stmt, body_out)


@bp.post("/bodies")
@creating("createBody", "Create a body", BodyCreate, BodyOut)
def create_body():
    """Create a body."""
    payload = parse_json(BodyCreate)
    if not permissions.can_create_body(g.api_user):
        raise _forbidden()
    body = services.create_body(payload, actor=g.api_user)
    db.session.commit()
    return body_out(body), 201, {"Location": f"/api/v1/bodies/{body.id}"}


@bp.get("/bodies/<int:body_id>")
@reading("getBody", "One body", BodyOut, "The body")
def get_body(body_id: int):
    """One body."""
    return body_out(_get(body_id))


@bp.patch("/bodies/<int:body_id>")
@changing("updateBody", "Change fields of a body", BodyUpdate, BodyOut)
def update_body(body_id: int):
    """Change the given fields of a body; `version` (or If-Match) guards against lost updates."""
    body = _get(body_id)
    payload = parse_json(BodyUpdate)
    if not permissions.can_edit_body(g.api_user, body):
        raise _forbidden()
    version = expected_version(payload.version)
    services.update_body(body, payload, actor=g.api_user, expected_version=version)
    db.session.commit()
    return body_out(body)


@bp.delete("/bodies/<int:body_id>")
@deleting("deleteBody", "Delete a body without members or accounts")
def delete_body(body_id: int):
    """Delete a body that has no members and no accounts."""
    body = _get(body_id)
    if not permissions.can_delete_body(g.api_user, body):
        raise _forbidden()
    services.delete_body(body, expected_version=expected_version(None))
    db.session.commit()
    return "", 204
