"""/api/v1/{resolutions,initiatives}/import: a decision matrix (CSV or XLSX, the columns of the
export) checked and, unless `dry_run`, stored; large files as a job to follow. A file of more
than 8 MB is refused (413), one that cannot be read or is over a reading limit with 422."""

from flask import g, request
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from ..auth import permissions
from ..errors import PermissionDenied
from ..extensions import db
from ..imports import services
from ..imports.reading import UnreadableFile, too_large
from ..models import Body
from ..pagecache import uncached
from . import bp
from .auth import ApiAbort, found, parse_query
from .schemas import ImportOut, ImportQuery, import_out
from .spec import Answer, operation, reading

SPREADSHEET = {
    "text/csv": {"schema": {"type": "string"}},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}
    },
}


def _import(kind: str):
    if not permissions.can_import(g.api_user, kind):
        raise ApiAbort(403, _("Your role does not allow this."))
    args = parse_query(ImportQuery)
    district = db.session.get(Body, args.district_id)
    if district is None or district.id not in {d.id for d in services.districts_for(g.api_user)}:
        raise ApiAbort(
            422,
            _("Please correct the marked fields."),
            {"district_id": _("You cannot import into this district.")},
        )
    try:
        upload = request.files.get("file")
        data = upload.read() if upload else request.get_data()
    except RequestEntityTooLarge as exc:
        raise ApiAbort(413, too_large(explained=True), {"file": too_large()}) from exc
    name = args.filename or (upload.filename if upload else None)
    if not name:
        name = "import.xlsx" if data[:4] == b"PK\x03\x04" else "import.csv"
    try:
        job = services.start(
            kind,
            district,
            g.api_user,
            name,
            data,
            str(get_locale() or "de"),
            store=not args.dry_run,
        )
    except UnreadableFile as exc:
        raise ApiAbort(422, str(exc), {"file": str(exc)}) from exc
    except PermissionDenied as exc:
        raise ApiAbort(403, exc.message) from exc
    if job.state in ("checking", "storing"):
        return _out(job), 202, {"Location": f"/api/v1/imports/{job.id}"}
    return _out(job), 200, {"Location": f"/api/v1/imports/{job.id}"}


def _out(job) -> dict:
    """The job as the API shows it, its problems as kept (at most SHOWN of each phase, then a
    line counting the rest)."""
    out = import_out(job)
    out["problems"] = services.problems(job) + services.problems(job, "store_problems")
    return out


ANSWERS = {
    200: Answer("The file checked (dry run) or stored, with its problems by row", ImportOut),
    202: Answer("A large file: the job runs; follow it at the Location", ImportOut),
}


@bp.post("/resolutions/import")
@operation(
    "importResolutions",
    "Record resolutions from an edited decision matrix (CSV or XLSX)",
    answers=ANSWERS,
    errors=(401, 403, 413, 422),
    body_content=SPREADSHEET,
    query=ImportQuery,
)
def import_resolutions():
    """The matrix as the body (text/csv or XLSX) or as the form field `file`; each body
    column's changed cell ("beschlossen (12.03.2026)") becomes a resolution. Rows with a
    problem are left out; `dry_run=true` stores nothing."""
    return _import("resolutions")


@bp.post("/initiatives/import")
@operation(
    "importInitiatives",
    "Create initiatives from rows of a decision matrix (CSV or XLSX)",
    answers=ANSWERS,
    errors=(401, 403, 413, 422),
    body_content=SPREADSHEET,
    query=ImportQuery,
)
def import_initiatives():
    """New titles become initiatives with the roles of their body columns; for existing ones
    a changed service area or phase is taken over. `dry_run=true` stores nothing."""
    return _import("initiatives")


@bp.get("/imports/<int:job_id>")
@reading("getImport", "An import and how far it is", ImportOut, "The import")
@uncached
def get_import(job_id: int):
    """An import of yours: its state, progress, problems and changes."""
    return _out(
        found(services.load(job_id, g.api_user), _("There is no import with id %(id)d.", id=job_id))
    )
