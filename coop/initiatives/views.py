"""Pages of initiatives: list, the whole story of one, create and edit, and the matrix of
decisions with its CSV and XLSX export."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from ..auth import permissions
from ..bodies import services as bodies
from ..cache import cached, request_key
from ..core import clock
from ..exports import download
from ..extensions import db
from ..forms import ask_then_delete, form_version, save_form
from ..models import Body, BodyKind, Phase, ServiceArea
from ..pagecache import cacheable
from ..pagination import paginate
from . import matrix as matrix_service
from . import services
from .access import get_initiative
from .forms import InitiativeForm
from .schemas import InitiativeCreate, InitiativeUpdate

bp = Blueprint("initiatives", __name__, url_prefix="/initiatives")


def _enum_arg(name, enum_cls):
    value = request.args.get(name)
    return value if value in set(enum_cls) else None


@bp.route("/")
@cacheable
def index():
    """Initiatives with filters (service area, phase, district, partner, text), sorted, paged.
    Without signing in, the public ones."""
    args = request.args
    signed_in = current_user.is_authenticated
    stmt = services.initiative_query(
        q=args.get("q"),
        service_area=_enum_arg("service_area", ServiceArea),
        phase=_enum_arg("phase", Phase),
        district_id=args.get("district", type=int),
        body_id=args.get("body", type=int),
        public_only=not signed_in,
        sort=args.get("sort"),
    )
    page = paginate(stmt, page=args.get("page", 1, type=int), per_page=25)
    summaries = services.decision_summaries(page.items)
    partner = db.session.get(Body, args.get("body", type=int)) if args.get("body") else None
    return render_template(
        "initiatives/index.html",
        page=page,
        summaries=summaries,
        districts=bodies.districts(),
        partner=partner,
        args=args,
        can_create=permissions.can_create_initiative(current_user),
    )


def _scope_district_id(initiative=None) -> int | None:
    """The district whose bodies the form offers."""
    if current_user.role == "coordinator":
        return permissions.coordinator_district_id(current_user)
    lead = initiative.lead_body if initiative is not None else None
    if lead is not None and lead.district_id:
        return lead.district_id
    return request.values.get("district", type=int)


def _candidates(district_id: int | None, initiative=None) -> list[Body]:
    """Bodies that can take part: the district's, associations serving many districts, and
    the current participants; without a district, districts and associations."""
    current = [p.body_id for p in initiative.participants] if initiative else []
    if district_id:
        scope = Body.district_id == district_id
    else:
        scope = Body.district_id == Body.id
    stmt = select(Body).where(
        or_(
            scope,
            (Body.kind == BodyKind.ASSOCIATION) & Body.parent_id.is_(None),
            Body.id.in_(current),
        )
    )
    found = db.session.scalars(stmt).all()
    return sorted(
        found, key=lambda b: (b.id != district_id, b.kind == BodyKind.ASSOCIATION, b.name.lower())
    )


def _district_rows(form: InitiativeForm, district_id: int | None) -> None:
    """Add a row for each body of the district (the district first) not yet in the form."""
    if not district_id:
        return
    present = {row.body_id.data for row in form.participants if row.body_id.data}
    members = db.session.scalars(
        select(Body).where(Body.district_id == district_id).order_by(Body.name)
    ).all()
    members.sort(key=lambda b: b.id != district_id)
    for body in members:
        if body.kind == BodyKind.COLLECTIVE_MUNICIPALITY or str(body.id) in present:
            continue
        if body.parent is not None and body.parent.kind == BodyKind.COLLECTIVE_MUNICIPALITY:
            continue  # the Samtgemeinde's members decide through it
        form.participants.append_entry({"body_id": str(body.id), "role": "partner"})


def _form_action(form, district_id):
    """Handle the buttons that change the form without saving; True if one was pressed."""
    if "add_rows" in request.form:
        form.add_blank_rows(participants=3, milestones=2)
        return True
    if "add_district" in request.form:
        lead = form.lead_body_id.data
        lead_body = db.session.get(Body, int(lead)) if lead and lead.isdigit() else None
        _district_rows(form, (lead_body.district_id if lead_body else None) or district_id)
        form.add_blank_rows(participants=1)
        return True
    return False


def _render_form(form, initiative, district_id, status=200):
    return (
        render_template(
            "initiatives/form.html",
            form=form,
            initiative=initiative,
            district_id=district_id,
            districts=bodies.districts() if current_user.role == "admin" else [],
        ),
        status,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """Register an initiative with its participants and milestones."""
    if not permissions.can_create_initiative(current_user):
        abort(403)
    district_id = _scope_district_id()
    form = InitiativeForm()
    if request.method == "GET":
        form.phase.data = Phase.IDEA.value
        if current_user.body_id:
            form.lead_body_id.data = str(current_user.body_id)
        form.add_blank_rows(participants=3, milestones=3)
    form.set_choices(_candidates(district_id))
    if request.method == "POST" and _form_action(form, district_id):
        form.set_choices(_candidates(district_id))
        return _render_form(form, None, district_id)
    if form.validate_on_submit():
        saved, status = save_form(
            form,
            InitiativeCreate,
            form.values(),
            lambda command: services.create_initiative(command, actor=current_user),
            done=lambda ini: _("%(title)s has been registered.", title=ini.title),
            then=lambda ini: url_for("main.initiative", initiative_id=ini.id),
        )
        if saved:
            return saved
        form.set_choices(_candidates(district_id))
        return _render_form(form, None, district_id, status)
    return _render_form(form, None, district_id)


@bp.route("/<int:initiative_id>/edit", methods=["GET", "POST"])
@login_required
def edit(initiative_id: int):
    """Change an initiative, its participants and milestones in one form."""
    initiative = get_initiative(initiative_id, for_edit=True)
    district_id = _scope_district_id(initiative)
    if request.method == "GET":
        form = InitiativeForm(
            data={
                "title": initiative.title,
                "description": initiative.description,
                "service_area": initiative.service_area.value,
                "phase": initiative.phase.value,
                "legal_form": initiative.legal_form.value,
                "lead_body_id": str(initiative.lead_body_id or ""),
                "start_date": initiative.start_date.isoformat() if initiative.start_date else "",
                "end_date": initiative.end_date.isoformat() if initiative.end_date else "",
                "public": initiative.public,
                "keywords": ", ".join(initiative.keywords or []),
                "version": initiative.version,
                "participants": [
                    {
                        "body_id": str(p.body_id),
                        "role": p.role.value,
                        "joined_on": p.joined_on.isoformat() if p.joined_on else "",
                        "left_on": p.left_on.isoformat() if p.left_on else "",
                    }
                    for p in initiative.participants
                ],
                "milestones": [
                    {
                        "milestone_id": str(m.id),
                        "title": m.title,
                        "due_on": m.due_on.isoformat() if m.due_on else "",
                        "done_on": m.done_on.isoformat() if m.done_on else "",
                    }
                    for m in initiative.milestones
                ],
            }
        )
        form.add_blank_rows(participants=2, milestones=2)
    else:
        form = InitiativeForm()
    form.set_choices(_candidates(district_id, initiative))
    if request.method == "POST" and _form_action(form, district_id):
        form.set_choices(_candidates(district_id, initiative))
        return _render_form(form, initiative, district_id)
    if form.validate_on_submit():
        saved, status = save_form(
            form,
            InitiativeUpdate,
            form.values(),
            lambda command: services.update_initiative(
                initiative, command, actor=current_user, expected_version=form_version(form)
            ),
            done=lambda ini: _("The changes to %(title)s have been saved.", title=ini.title),
            then=lambda ini: url_for("main.initiative", initiative_id=ini.id),
        )
        if saved:
            return saved
        initiative = services.load_initiative(initiative_id)
        form.set_choices(_candidates(district_id, initiative))
        return _render_form(form, initiative, district_id, status)
    return _render_form(form, initiative, district_id)


@bp.route("/<int:initiative_id>/delete", methods=["GET", "POST"])
@login_required
def delete(initiative_id: int):
    """Delete an initiative with everything recorded on it, after asking."""
    initiative = get_initiative(initiative_id)
    if not permissions.can_delete_initiative(current_user, initiative):
        abort(403)
    return ask_then_delete(
        initiative,
        lambda version: services.delete_initiative(initiative, expected_version=version),
        label=initiative.title,
        kind=_("Initiative"),
        back=url_for("main.initiative", initiative_id=initiative_id),
        then=url_for(".index"),
    )


def _matrix_args():
    args = request.args
    district_id = args.get("district", type=int)
    if district_id is None and current_user.is_authenticated and current_user.body is not None:
        district_id = current_user.body.district_id
    return district_id, _enum_arg("service_area", ServiceArea), _enum_arg("phase", Phase)


@bp.route("/matrix")
@login_required
@cacheable
def matrix():
    """Initiatives by partners of a district: who has decided, who is scheduled, who not."""
    district_id, area, phase = _matrix_args()
    district = db.session.get(Body, district_id) if district_id else None
    partner_id = request.args.get("partner", type=int)
    data = transposed = partners = None
    if district:
        partners = matrix_service.partners_of_district(district.id)
        if partner_id not in {p.id for p in partners}:
            partner_id = None
        one = request.args.get("initiative", type=int)
        if one:
            transposed = services.load_initiative(one)
            if transposed is None:
                abort(404)
            summary = services.decision_summaries([transposed])[transposed.id]
            transposed = (transposed, summary)
        else:
            data = matrix_service.build(
                district_id,
                area,
                phase,
                clock.today(),
                partner_id=partner_id,
                page=request.args.get("page", 1, type=int),
            )
    args = {k: v for k, v in request.args.items() if v and k not in ("page", "initiative")}
    return render_template(
        "initiatives/matrix.html",
        matrix=data,
        transposed=transposed,
        district=district,
        districts=bodies.districts(),
        partners=partners,
        partner_id=partner_id,
        args=args,
    )


@bp.route("/matrix.<any(csv, xlsx):fmt>")
@login_required
@cacheable
def matrix_export(fmt: str):
    """The matrix as CSV (semicolons, UTF-8 with BOM, as German spreadsheets expect) or XLSX."""
    district_id, area, phase = _matrix_args()
    district = db.session.get(Body, district_id) if district_id else None
    if district is None:
        abort(404)

    def compute() -> bytes:
        data = matrix_service.build(
            district_id,
            area,
            phase,
            clock.today(),
            partner_id=request.args.get("partner", type=int),
        )
        rows = matrix_service.table(data)
        if fmt == "csv":
            return matrix_service.to_csv(rows)
        return matrix_service.to_xlsx(rows, _("Decisions"))

    body = cached(request_key(), compute)
    name = f"beschluesse-{district.ags or district.id}-{clock.today().isoformat()}"
    return download(body, f"{name}.{fmt}")
