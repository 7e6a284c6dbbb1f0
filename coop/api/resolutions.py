"""/api/v1/resolutions: council decisions on initiatives, and their papers (PDF)."""

from flask import g, request
from flask_babel import gettext as _

from ..auth import permissions
from ..extensions import db
from ..initiatives import services as initiatives
from ..models import Resolution
from ..resolutions import documents, services
from . import bp
from .auth import (
    ApiAbort,
    expected_version,
    found,
    page_of,
    parse_json,
    parse_query,
)
from .schemas import (
    DocumentQuery,
    ResolutionCreate,
    ResolutionList,
    ResolutionOut,
    ResolutionQuery,
    ResolutionUpdate,
    resolution_out,
)
from .spec import PDF, Answer, changing, creating, deleting, listing, operation, reading


def _get(resolution_id: int) -> Resolution:
    return found(
        services.load_resolution(resolution_id),
        _("There is no resolution with id %(id)d.", id=resolution_id),
    )


@bp.get("/resolutions")
@listing(
    "listResolutions", "List resolutions", ResolutionList, "resolutions", query=ResolutionQuery
)
def list_resolutions():
    """List resolutions by session date; filters initiative_id, body_id."""
    args = parse_query(ResolutionQuery)
    stmt = services.resolution_query(initiative_id=args.initiative_id, body_id=args.body_id)
    return page_of(stmt, resolution_out)


@bp.post("/resolutions")
@creating("createResolution", "Create a resolution", ResolutionCreate, ResolutionOut)
def create_resolution():
    """Record a resolution of a participant's organ."""
    payload = parse_json(ResolutionCreate)
    initiative = initiatives.load_initiative(payload.initiative_id)
    if initiative is None:
        raise ApiAbort(
            422,
            _("Please correct the marked fields."),
            {"initiative_id": _("There is no initiative with this id.")},
        )
    if not permissions.can_record_resolution(g.api_user, initiative):
        raise ApiAbort(403, _("Your role does not allow this."))
    resolution = services.create_resolution(initiative, payload, actor=g.api_user)
    db.session.commit()
    return resolution_out(resolution), 201, {"Location": f"/api/v1/resolutions/{resolution.id}"}


@bp.get("/resolutions/<int:resolution_id>")
@reading("getResolution", "One resolution", ResolutionOut, "The resolution")
def get_resolution(resolution_id: int):
    """One resolution."""
    return resolution_out(_get(resolution_id))


@bp.patch("/resolutions/<int:resolution_id>")
@changing("updateResolution", "Change fields of a resolution", ResolutionUpdate, ResolutionOut)
def update_resolution(resolution_id: int):
    """Change the given fields of a resolution."""
    resolution = _get(resolution_id)
    payload = parse_json(ResolutionUpdate)
    if not permissions.can_edit_resolution(g.api_user, resolution):
        raise ApiAbort(403, _("Your role does not allow this."))
    version = expected_version(payload.version)
    services.update_resolution(resolution, payload, actor=g.api_user, expected_version=version)
    db.session.commit()
    return resolution_out(resolution)


@bp.delete("/resolutions/<int:resolution_id>")
@deleting("deleteResolution", "Delete a resolution")
def delete_resolution(resolution_id: int):
    """Delete a resolution with its paper and tasks; a proposal confirmed into it is unlinked."""
    resolution = _get(resolution_id)
    if not permissions.can_edit_resolution(g.api_user, resolution):
        raise ApiAbort(403, _("Your role does not allow this."))
    services.delete_resolution(resolution, expected_version=expected_version(None))
    db.session.commit()
    return "", 204


@bp.get("/resolutions/<int:resolution_id>/document")
@operation(
    "getResolutionDocument",
    "The paper (PDF) under its original name",
    answers={200: Answer("The PDF", content=PDF)},
    errors=(401, 404),
)
def get_document(resolution_id: int):
    """The paper as PDF under its original name."""
    resolution = _get(resolution_id)
    if resolution.document is None:
        raise ApiAbort(404, _("No paper has been uploaded for this resolution."))
    return documents.send_document(resolution.document)


@bp.put("/resolutions/<int:resolution_id>/document")
@operation(
    "putResolutionDocument",
    "Upload or replace the paper (PDF, at most 20 MB)",
    answers={200: Answer("The resolution with its document", ResolutionOut)},
    errors=(401, 403, 404, 413, 415, 422),
    body_content=PDF,
    query=DocumentQuery,
)
def put_document(resolution_id: int):
    """Upload or replace the paper: the PDF as the body (Content-Type: application/pdf),
    its name in the `filename` query parameter."""
    resolution = _get(resolution_id)
    if not permissions.can_edit_resolution(g.api_user, resolution):
        raise ApiAbort(403, _("Your role does not allow this."))
    if request.mimetype != documents.PDF_MEDIA_TYPE:
        raise ApiAbort(415, _("Send the paper as application/pdf."))
    document = documents.store_pdf(parse_query(DocumentQuery).filename, request.get_data())
    services.update_resolution(resolution, ResolutionUpdate(), actor=g.api_user, document=document)
    db.session.commit()
    return resolution_out(resolution)
