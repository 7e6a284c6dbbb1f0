"""Import pages: upload, preview (with progress for large files), confirm, result."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from ..auth import permissions
from ..errors import PermissionDenied
from ..extensions import db
from ..labels import IMPORT_STATE_LABELS, RESOLUTION_KIND_LABELS
from ..models import Body
from . import services
from .forms import ImportForm
from .plan import SHOWN
from .reading import UnreadableFile, too_large

bp = Blueprint("imports", __name__, url_prefix="/import")

TITLES = {
    "resolutions": _l("Import decisions"),
    "initiatives": _l("Import initiatives"),
}


@bp.route("/<any(resolutions, initiatives):kind>", methods=["GET", "POST"])
@login_required
def upload(kind: str):
    """Choose the district and the file; the file is checked and the preview follows."""
    if not permissions.can_import(current_user, kind):
        abort(403)
    districts = services.districts_for(current_user)
    if not districts:
        abort(403)
    form = ImportForm()
    form.district_id.choices = [(d.id, d.name) for d in districts]
    if request.method == "GET" and request.args.get("district", type=int):
        form.district_id.data = request.args.get("district", type=int)
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read() if upload else b""
        if not data:
            form.file.errors.append(_("Please choose a file."))
        else:
            district = db.session.get(Body, form.district_id.data)
            try:
                job = services.start(
                    kind,
                    district,
                    current_user,
                    upload.filename or "import",
                    data,
                    str(get_locale() or "de"),
                )
            except UnreadableFile as exc:
                form.file.errors.append(str(exc))
            except PermissionDenied:
                abort(403)
            else:
                return redirect(url_for("imports.job", job_id=job.id))
    return render_template(
        "imports/upload.html",
        form=form,
        kind=kind,
        title=str(TITLES[kind]),
        recent=services.recent(current_user),
        states=IMPORT_STATE_LABELS,
        # the examples in the reader's language: what the export writes, and the file reads
        example_day=date(2026, 3, 12),
        example_later=date(2027, 1, 20),
    )


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc):
    """A file over the import's limit: said with the limit, before anything was read."""
    return render_template(
        "errors/generic.html", title=_("File too large"), message=too_large(explained=True)
    ), 413


def _own(job_id: int):
    job = services.load(job_id, current_user)
    if job is None:
        abort(404)
    return job


@bp.route("/jobs/<int:job_id>")
@login_required
def job(job_id: int):
    """The preview of a checked file, the progress of a running job, or what was stored."""
    job = _own(job_id)
    result = job.result or {}
    return render_template(
        "imports/job.html",
        job=job,
        title=str(TITLES[job.kind]),
        stalled=services.stalled(job),
        problems=services.problems(job),
        actions=result.get("actions", [])[:SHOWN],
        store_problems=services.problems(job, "store_problems"),
        notes=services.problems(job, "notes"),
        file_kinds=[(k.value, RESOLUTION_KIND_LABELS[k]) for k in services.FILE_KINDS],
        shown=SHOWN,
        states=IMPORT_STATE_LABELS,
    )


@bp.route("/jobs/<int:job_id>.json")
@login_required
def progress(job_id: int):
    """How far a running job is, for the preview page to follow."""
    job = _own(job_id)
    return jsonify(state=job.state, done=job.done, total=job.total, stalled=services.stalled(job))


@bp.route("/jobs/<int:job_id>/confirm", methods=["POST"])
@login_required
def confirm(job_id: int):
    """Store the valid rows of the preview (once, however often this is sent)."""
    job = _own(job_id)
    services.confirm(job, current_user, kind=request.form.get("kind"))
    return redirect(url_for("imports.job", job_id=job.id))


@bp.route("/jobs/<int:job_id>/discard", methods=["POST"])
@login_required
def discard(job_id: int):
    """Throw a checked file away without storing anything."""
    job = _own(job_id)
    kind = job.kind
    if services.discard(job):
        db.session.commit()
    return redirect(url_for("imports.upload", kind=kind))
