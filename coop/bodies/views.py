"""Pages of the partner registry."""

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..audit import audit_entries
from ..auth import permissions
from ..core.attributes import BODY_ATTRIBUTES
from ..extensions import db
from ..forms import ask_then_delete, form_version, save_form
from ..models import STATES, Body, BodyKind, Participant, User
from ..pagecache import cacheable
from ..pagination import paginate
from . import services
from .forms import BodyForm
from .schemas import BodyCreate, BodyUpdate

bp = Blueprint("bodies", __name__, url_prefix="/bodies")


def get_body(body_id: int, *, for_edit: bool = False) -> Body:
    """Load a body or 404; with for_edit, 403 unless the current user may change it."""
    body = db.session.get(Body, body_id)
    if body is None:
        abort(404)
    if for_edit and not permissions.can_edit_body(current_user, body):
        abort(403)
    return body


def _parent_candidates():
    return db.session.scalars(
        select(Body).where(Body.kind.in_(services.PARENT_KINDS)).order_by(Body.kind, Body.name)
    ).all()


@bp.route("/")
@login_required
@cacheable
def index():
    """The registry: search, filter by district, kind and state, sort, page through."""
    args = request.args
    district_id = args.get("district", type=int)
    stmt = services.body_query(
        q=args.get("q"),
        kind=args.get("kind") if args.get("kind") in set(BodyKind) else None,
        district_id=district_id,
        state=args.get("state") if args.get("state") in STATES else None,
        sort=args.get("sort"),
    )
    page = paginate(stmt, page=args.get("page", 1, type=int), per_page=25)
    return render_template(
        "bodies/index.html",
        page=page,
        districts=services.districts(),
        args=args,
        can_create=permissions.can_create_body(current_user),
    )


@bp.route("/<int:body_id>")
@login_required
@cacheable
def detail(body_id: int):
    """One body: its data, parent, members, accounts and (for coordinators) the audit trail."""
    body = db.session.scalar(
        select(Body)
        .where(Body.id == body_id)
        .options(selectinload(Body.members), joinedload(Body.parent))
    )
    if body is None:
        abort(404)
    users = []
    if permissions.can_manage_users(current_user):
        users = db.session.scalars(
            select(User).where(User.body_id == body.id).order_by(User.email)
        ).all()
    initiatives = db.session.scalars(
        select(Participant)
        .where(Participant.body_id == body.id)
        .options(joinedload(Participant.initiative))
        .order_by(Participant.id)
    ).all()
    return render_template(
        "bodies/detail.html",
        body=body,
        initiatives=sorted(initiatives, key=lambda p: p.initiative.title.lower()),
        users=users,
        can_edit=permissions.can_edit_body(current_user, body),
        can_map_system=permissions.can_map_system(current_user, body),
        body_attributes=BODY_ATTRIBUTES,
        can_delete=permissions.can_delete_body(current_user, body),
        audit=audit_entries("Body", body.id) if permissions.can_view_audit(current_user) else None,
    )


def _render_form(form, body, allowed, status=200):
    return render_template(
        "bodies/form.html",
        form=form,
        body=body,
        allowed=allowed,
        body_attributes=BODY_ATTRIBUTES,
    ), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """Add a body."""
    if not permissions.can_create_body(current_user):
        abort(403)
    allowed = permissions.editable_body_fields(current_user, None)
    form = BodyForm(parent_id=request.args.get("parent", ""))
    form.set_choices(_parent_candidates())
    if form.validate_on_submit():
        saved, status = save_form(
            form,
            BodyCreate,
            form.values(allowed),
            lambda command: services.create_body(command, actor=current_user),
            done=lambda body: _("%(name)s has been added.", name=body.name),
            then=lambda body: url_for(".detail", body_id=body.id),
        )
        return saved or _render_form(form, None, allowed, status)
    return _render_form(form, None, allowed)


@bp.route("/<int:body_id>/edit", methods=["GET", "POST"])
@login_required
def edit(body_id: int):
    """Change a body; an edit based on an outdated version is refused, not merged."""
    body = get_body(body_id, for_edit=True)
    allowed = permissions.editable_body_fields(current_user, body)
    if request.method == "GET":
        form = BodyForm(
            obj=body,
            kind=body.kind.value,
            parent_id=str(body.parent_id or ""),
            state=body.state or "",
        )
        form.population.data = "" if body.population is None else str(body.population)
    else:
        form = BodyForm()
    form.set_choices([p for p in _parent_candidates() if p.id != body.id])
    if "oparl_url" not in allowed:  # shown, disabled: say who sets it
        form.oparl_url.description = _(
            "Only the coordinating district or an administrator can set the council "
            "information system address."
        )
    if form.validate_on_submit():
        saved, status = save_form(
            form,
            BodyUpdate,
            form.values(allowed),
            lambda command: services.update_body(
                body, command, actor=current_user, expected_version=form_version(form)
            ),
            done=lambda changed: _("The changes to %(name)s have been saved.", name=changed.name),
            then=lambda changed: url_for(".detail", body_id=changed.id),
        )
        return saved or _render_form(form, db.session.get(Body, body_id), allowed, status)
    return _render_form(form, body, allowed)


@bp.route("/<int:body_id>/delete", methods=["GET", "POST"])
@login_required
def delete(body_id: int):
    """Delete a body nothing depends on, after asking."""
    body = get_body(body_id)
    if not permissions.can_delete_body(current_user, body):
        abort(403)
    return ask_then_delete(
        body,
        lambda version: services.delete_body(body, expected_version=version),
        label=body.name,
        kind=_("Body"),
        back=url_for(".detail", body_id=body_id),
        then=url_for(".index"),
    )
