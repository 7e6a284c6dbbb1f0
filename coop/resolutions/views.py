"""Pages of resolutions: record, read with its Beratungsfolge, change, delete; the paper."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..audit import audit_entries
from ..auth import permissions
from ..commands import bind
from ..errors import ServiceError, ValidationError
from ..extensions import db
from ..forms import apply_errors, ask_then_delete, form_version, submit
from ..initiatives import services as initiatives
from ..initiatives.access import get_initiative
from ..models import Body
from ..pagecache import cacheable
from . import documents, services, tasks
from .forms import ResolutionForm, TaskForm
from .schemas import ResolutionRecord, ResolutionUpdate, TaskIn

bp = Blueprint("resolutions", __name__)

# The form may carry a paper of 20 MB plus its other fields.
UPLOAD_LIMIT = documents.MAX_PDF_BYTES + 1024 * 1024


def get_resolution(resolution_id: int, *, for_edit: bool = False):
    """Load a resolution or 404 (also when the person may not see it); 403 when they may not
    edit."""
    resolution = services.load_resolution(resolution_id)
    if resolution is None or not permissions.can_view_resolution(current_user, resolution):
        abort(404)
    if for_edit and not permissions.can_edit_resolution(current_user, resolution):
        abort(403)
    return resolution


def _bodies(initiative, allowed: set[int]) -> list[Body]:
    return sorted(
        (p.body for p in initiative.participants if p.body_id in allowed),
        key=lambda b: b.name.lower(),
    )


def _upload(form):
    """The uploaded paper as a stored Document (None when none was sent), and the error of a
    refused upload, which the caller reports together with the other fields' errors."""
    file = form.document.data
    if file is None or not getattr(file, "filename", ""):
        return None, None
    try:
        return documents.store_pdf(file.filename, file.read()), None
    except ValidationError as exc:
        return None, exc


def _save(action, command, upload_error, edge: dict[str, str]):
    """Run the service with the bound command; a refused upload or a value the form's edge
    could not read fails the save too, with every field's error."""
    try:
        result = submit(action, command, edge)
    except ValidationError as exc:
        if upload_error is not None:
            exc.fields.update(upload_error.fields)
        raise
    if upload_error is not None:
        raise upload_error
    return result


def _render(form, initiative, resolution=None, status=200):
    return (
        render_template(
            "resolutions/form.html", form=form, initiative=initiative, resolution=resolution
        ),
        status,
    )


@bp.route("/initiatives/<int:initiative_id>/resolutions/new", methods=["GET", "POST"])
@login_required
def create(initiative_id: int):
    """Record a decision or a scheduled decision of a participant's organ."""
    request.max_content_length = UPLOAD_LIMIT
    initiative = get_initiative(initiative_id)
    allowed = permissions.recordable_body_ids(current_user, initiative)
    if not allowed:
        abort(403)
    bodies = _bodies(initiative, allowed)
    form = ResolutionForm()
    if request.method == "GET":
        chosen = request.args.get("body", type=int)
        body = next((b for b in bodies if b.id == chosen), bodies[0] if len(bodies) == 1 else None)
        if body is not None:
            form.body_id.data = str(body.id)
            form.organ.data = body.council_name or ""
    form.set_choices(bodies)
    if form.validate_on_submit():
        try:
            document, upload_error = _upload(form)
            command, edge = bind(ResolutionRecord, form.values())
            resolution = _save(
                lambda command: services.create_resolution(
                    initiative, command, actor=current_user, document=document
                ),
                command,
                upload_error,
                edge,
            )
            db.session.commit()
            flash(_("The resolution has been recorded."), "success")
            return redirect(url_for(".detail", resolution_id=resolution.id))
        except ServiceError as exc:
            db.session.rollback()
            apply_errors(form, exc)
            return _render(form, initiatives.load_initiative(initiative_id), None, exc.status)
    return _render(form, initiative)


@bp.route("/resolutions/<int:resolution_id>")
@cacheable
def detail(resolution_id: int):
    """One resolution with its Beratungsfolge, its tasks and (for coordinators) its history."""
    return _detail(get_resolution(resolution_id), TaskForm())


def _detail(resolution, task_form: TaskForm, status: int = 200):
    sequence = [
        r
        for r in services.consultation_sequence(resolution)
        if permissions.can_view_resolution(current_user, r)
    ]
    can_edit = permissions.can_edit_resolution(current_user, resolution)
    return render_template(
        "resolutions/detail.html",
        resolution=resolution,
        sequence=sequence,
        can_edit=can_edit,
        tasks=tasks.tasks_of([resolution.id])[resolution.id]
        if current_user.is_authenticated
        else [],
        task_form=task_form,
        can_add_task=can_edit and tasks.may_have_tasks(resolution),
        audit=audit_entries("Resolution", resolution.id)
        if permissions.can_view_audit(current_user)
        else None,
    ), status


def _editable(resolution_id: int):
    resolution = get_resolution(resolution_id)
    if not permissions.can_edit_resolution(current_user, resolution):
        abort(403)
    return resolution


@bp.route("/resolutions/<int:resolution_id>/tasks", methods=["POST"])
@login_required
def add_task(resolution_id: int):
    """Add what an adopted resolution requires to be done (Beschlusskontrolle)."""
    resolution = _editable(resolution_id)
    form = TaskForm()
    if form.validate_on_submit():
        try:
            command, refused = bind(TaskIn, form.data)
            submit(lambda command: tasks.add_task(resolution, command), command, refused)
        except ValidationError as exc:
            db.session.rollback()
            apply_errors(form, exc)
            return _detail(get_resolution(resolution_id), form, 422)
        db.session.commit()
        flash(_("The task has been added."), "success")
        return redirect(url_for(".detail", resolution_id=resolution_id) + "#tasks-heading")
    return _detail(resolution, form, 422)


def _task(resolution_id: int, task_id: int):
    from ..models import ResolutionTask

    resolution = _editable(resolution_id)
    task = db.session.get(ResolutionTask, task_id)
    if task is None or task.resolution_id != resolution.id:
        abort(404)
    return task


@bp.route("/resolutions/<int:resolution_id>/tasks/<int:task_id>/done", methods=["POST"])
@login_required
def task_done(resolution_id: int, task_id: int):
    """Mark a task done (today), or open again."""
    task = _task(resolution_id, task_id)
    tasks.mark_done(task, request.form.get("done") != "0")
    db.session.commit()
    return redirect(url_for(".detail", resolution_id=resolution_id) + "#tasks-heading")


@bp.route("/resolutions/<int:resolution_id>/tasks/<int:task_id>/delete", methods=["POST"])
@login_required
def task_delete(resolution_id: int, task_id: int):
    """Remove a task entered by mistake."""
    task = _task(resolution_id, task_id)
    tasks.delete_task(task)
    db.session.commit()
    flash(_("The task has been removed."), "success")
    return redirect(url_for(".detail", resolution_id=resolution_id) + "#tasks-heading")


@bp.route("/resolutions/<int:resolution_id>/edit", methods=["GET", "POST"])
@login_required
def edit(resolution_id: int):
    """Change a resolution, e.g. enter the result of a scheduled session."""
    request.max_content_length = UPLOAD_LIMIT
    resolution = get_resolution(resolution_id, for_edit=True)
    initiative = initiatives.load_initiative(resolution.initiative_id)
    allowed = permissions.recordable_body_ids(current_user, initiative) | {resolution.body_id}
    if request.method == "GET":
        form = ResolutionForm(
            data={
                **{k: getattr(resolution, k) for k in services.FIELDS},
                "body_id": str(resolution.body_id),
                "kind": resolution.kind.value,
                "outcome": resolution.outcome.value,
                "session_date": resolution.session_date.isoformat(),
                "version": resolution.version,
            }
        )
        for key in ("votes_yes", "votes_no", "votes_abstain"):
            value = getattr(resolution, key)
            form[key].data = "" if value is None else str(value)
    else:
        form = ResolutionForm()
    form.set_choices(_bodies(initiative, allowed))
    if form.validate_on_submit():
        try:
            version = form_version(form)
            document, upload_error = _upload(form)
            command, edge = bind(ResolutionUpdate, form.values())
            _save(
                lambda command: services.update_resolution(
                    resolution,
                    command,
                    actor=current_user,
                    expected_version=version,
                    document=document,
                    remove_document=bool(form.remove_document.data),
                ),
                command,
                upload_error,
                edge,
            )
            db.session.commit()
            flash(_("The changes have been saved."), "success")
            return redirect(url_for(".detail", resolution_id=resolution.id))
        except ServiceError as exc:
            db.session.rollback()
            apply_errors(form, exc)
            resolution = services.load_resolution(resolution_id)
            return _render(form, initiative, resolution, exc.status)
    return _render(form, initiative, resolution)


@bp.route("/resolutions/<int:resolution_id>/delete", methods=["GET", "POST"])
@login_required
def delete(resolution_id: int):
    """Delete a resolution and its paper, after asking."""
    resolution = get_resolution(resolution_id, for_edit=True)
    return ask_then_delete(
        resolution,
        lambda version: services.delete_resolution(resolution, expected_version=version),
        label=f"{resolution.body.name}: {resolution.title or resolution.initiative.title}",
        kind=_("Council resolution"),
        context=resolution.initiative.title,
        back=url_for(".detail", resolution_id=resolution_id),
        then=url_for("main.initiative", initiative_id=resolution.initiative_id),
    )


@bp.route("/resolutions/<int:resolution_id>/document")
def document(resolution_id: int):
    """The paper, only to those who may see the resolution, under its original name."""
    resolution = get_resolution(resolution_id)
    if resolution.document is None:
        abort(404)
    return documents.send_document(resolution.document)


# --- one council session, many items -----------------------------------------------------------


@bp.route("/bodies/<int:body_id>/session", methods=["GET", "POST"])
@login_required
def session_entry(body_id: int):
    """Record a council session once, with the outcome and votes of every initiative on its
    agenda, in one form; nothing is stored unless every chosen row is right."""
    from .forms import SessionForm

    body = db.session.get(Body, body_id)
    if body is None:
        abort(404)
    offered = services.session_initiatives(body, current_user)
    if not offered:
        abort(403)
    titles = {str(i.id): i.title for i, _pending in offered}
    form = SessionForm()
    if request.method == "GET":
        form.organ.data = body.council_name or ""
        for initiative, pending in offered:
            form.items.append_entry({"initiative_id": str(initiative.id), "include": pending})
    form.set_choices()
    if form.validate_on_submit():
        items = [
            {name: row[name].data for name in ("initiative_id", "include", *services.SESSION_ITEM)}
            for row in form.items
        ]
        common = {name: form[name].data for name in services.SESSION_COMMON}
        try:
            created = services.record_session(body, common, items, actor=current_user)
        except ValidationError as exc:
            db.session.rollback()
            apply_errors(form, exc)
        else:
            db.session.commit()
            flash(
                ngettext(
                    "%(num)d resolution of %(name)s recorded.",
                    "%(num)d resolutions of %(name)s recorded.",
                    len(created),
                    name=body.name,
                ),
                "success",
            )
            return redirect(url_for("main.index"))
    status = 422 if request.method == "POST" else 200
    return render_template("resolutions/session.html", form=form, body=body, titles=titles), status
