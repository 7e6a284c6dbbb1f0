"""Pages of funding: the funding officer's overview, programmes, grants with their check (printable
and as PDF), tranches and documents."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..audit import audit_entries
from ..auth import permissions
from ..bodies import services as bodies
from ..core import clock
from ..errors import ServiceError, ValidationError
from ..exports import download
from ..extensions import db
from ..forms import (
    apply_errors,
    ask_then_delete,
    form_version,
    percents_to_fractions,
    save_form,
)
from ..initiatives import services as initiatives
from ..labels import GRANT_STATUS_LABELS
from ..models import FundingProgram, GrantDocument, GrantStatus, Initiative, Participant
from ..pagecache import cacheable
from ..pagination import paginate
from ..resolutions import documents
from . import presets, services
from .forms import DocumentForm, GrantForm, ProgramForm
from .schemas import (
    PROGRAM_RATES,
    FundingProgramCreate,
    FundingProgramUpdate,
    GrantCreate,
    GrantUpdate,
)

bp = Blueprint("funding", __name__, url_prefix="/funding")
UPLOAD_LIMIT = documents.MAX_PDF_BYTES + 1024 * 1024


@bp.before_request
@login_required
def _signed_in():
    """Funding is internal: every page needs a signed-in user."""
    if not permissions.can_view_funding(current_user):
        abort(403)


def _lang() -> str:
    return str(get_locale() or "de")[:2]


# --- overview --------------------------------------------------------------------------------


PER_PAGE = 25
MAX_PER_PAGE = 100


def _listing_args() -> tuple[dict, list[str]]:
    """The overview's filters from the query string, and a message for each value ignored."""
    args = request.args
    notices = []
    filters: dict = {}
    status = args.get("status") or None
    if status and status not in {s.value for s in GrantStatus}:
        notices.append(_("There is no such status; all are shown."))
        status = None
    filters["status"] = GrantStatus(status) if status else None
    for key, name in (("program_id", _("programme")), ("district", _("district"))):
        raw = args.get(key) or None
        value = args.get(key, type=int) if raw else None
        if raw and value is None:
            notices.append(_("The %(name)s filter was not understood; all are shown.", name=name))
        filters["district_id" if key == "district" else key] = value
    filters["conditions_open"] = args.get("open") == "1"
    sort = args.get("sort") or "-applied"
    if sort not in services.GRANT_SORTS:
        notices.append(_("This sort order is unknown; the newest applications come first."))
        sort = "-applied"
    return {"filters": filters, "sort": sort}, notices


@bp.route("/")
@cacheable
def index():
    """Grants, filtered (district, programme, status, conditions open), sorted and paged, with
    counts over everything the filters select and what is missing for the grants shown."""
    # stored checks whose inputs changed (or whose day passed) are computed first
    if services.refresh_checks():
        db.session.commit()
    chosen, notices = _listing_args()
    per_page = max(request.args.get("per_page", PER_PAGE, type=int) or PER_PAGE, 1)
    if per_page > MAX_PER_PAGE:
        notices.append(_("At most %(num)d grants are shown per page.", num=MAX_PER_PAGE))
        per_page = MAX_PER_PAGE
    page = paginate(
        services.grant_query(sort=chosen["sort"], **chosen["filters"]),
        page=request.args.get("page", 1, type=int),
        per_page=per_page,
    )
    grants = page.items
    checks = services.check_grants(grants)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "funding/index.html",
        page=page,
        grants=grants,
        checks=checks,
        counts=services.grant_counts(**chosen["filters"]),
        notices=notices,
        totals={g.id: services.tranche_totals(g) for g in grants},
        missing=services.missing_across(grants, checks),
        programs=db.session.scalars(services.program_query()).all(),
        districts=bodies.districts(),
        filters=chosen["filters"],
        sort=chosen["sort"],
        args=args,
        grant_status_options=[(k.value, v) for k, v in GRANT_STATUS_LABELS.items()],
        open_ids=[g.id for g in grants if checks[g.id].open_conditions],
        can_create=permissions.can_create_grant(current_user),
        can_manage_programs=permissions.can_manage_programs(current_user),
    )


# --- programmes ------------------------------------------------------------------------------


def _program(program_id: int) -> FundingProgram:
    program = db.session.get(FundingProgram, program_id)
    if program is None:
        abort(404)
    return program


@bp.route("/programs/")
@cacheable
def programs():
    """The funding programmes."""
    return render_template(
        "funding/programs.html",
        programs=db.session.scalars(services.program_query()).all(),
        presets=presets.PRESETS.values(),
        can_manage=permissions.can_manage_programs(current_user),
    )


@bp.route("/programs/<int:program_id>")
@cacheable
def program_detail(program_id: int):
    """One programme: its conditions and its grants, paged."""
    program = _program(program_id)
    page = paginate(
        services.grant_query(program_id=program_id),
        page=request.args.get("page", 1, type=int),
        per_page=PER_PAGE,
    )
    grants = page.items
    return render_template(
        "funding/program.html",
        program=program,
        grants=grants,
        page=page,
        can_manage=permissions.can_manage_programs(current_user),
        audit=audit_entries("FundingProgram", program.id)
        if permissions.can_view_audit(current_user)
        else None,
    )


def _program_form(program: FundingProgram | None):
    if not permissions.can_manage_programs(current_user):
        abort(403)
    form = ProgramForm()
    form.set_choices()
    if request.method == "GET":
        if program is not None:
            form.fill(program)
        elif request.args.get("preset") in presets.PRESETS:
            form.fill(
                FundingProgram(
                    **presets.preset_values(presets.PRESETS[request.args["preset"]]), version=1
                )
            )
            form.version.data = ""
    if form.validate_on_submit():
        data, edge = percents_to_fractions(form.values(), shares=PROGRAM_RATES)
        saved, status = save_form(
            form,
            FundingProgramCreate if program is None else FundingProgramUpdate,
            data,
            lambda command: services.save_program(
                program, command, actor=current_user, expected_version=form_version(form)
            ),
            done=lambda _saved: _("The programme has been saved."),
            then=lambda saved: url_for(".program_detail", program_id=saved.id),
            edge=edge,
        )
        return saved or (
            render_template("funding/program_form.html", form=form, program=program),
            status,
        )
    return render_template("funding/program_form.html", form=form, program=program)


@bp.route("/programs/new", methods=["GET", "POST"])
def program_create():
    """Add a programme, empty or from a preset (NRW IKZ …)."""
    return _program_form(None)


@bp.route("/programs/<int:program_id>/edit", methods=["GET", "POST"])
def program_edit(program_id: int):
    """Change a programme."""
    return _program_form(_program(program_id))


@bp.route("/programs/<int:program_id>/delete", methods=["GET", "POST"])
def program_delete(program_id: int):
    """Delete a programme that no grant uses, after asking."""
    program = _program(program_id)
    if not permissions.can_manage_programs(current_user):
        abort(403)
    return ask_then_delete(
        program,
        lambda version: services.delete_program(
            program, actor=current_user, expected_version=version
        ),
        label=program.name,
        kind=_("Funding programme"),
        back=url_for(".program_detail", program_id=program_id),
        then=url_for(".programs"),
    )


# --- grants ----------------------------------------------------------------------------------


def _grant(grant_id: int, *, for_edit: bool = False):
    grant = services.load_grant(grant_id)
    if grant is None:
        abort(404)
    if for_edit and not permissions.can_edit_grant(current_user, grant):
        abort(403)
    return grant


def _initiative_choices():
    stmt = (
        select(Initiative)
        .order_by(Initiative.title)
        .options(
            joinedload(Initiative.lead_body),
            selectinload(Initiative.participants).joinedload(Participant.body),
        )
    )
    rows = db.session.scalars(stmt).unique().all()
    return [i for i in rows if permissions.can_create_grant(current_user, i)]


def _grant_form_page(form, grant, status=200):
    return (
        render_template("funding/grant_form.html", form=form, grant=grant),
        status,
    )


def _form_action(form) -> bool:
    """The button to add tranche rows: re-render with one more row, store nothing."""
    if request.method == "POST" and "add_tranche" in request.form:
        form.add_blank_rows(1)
        return True
    return False


@bp.route("/grants/new", methods=["GET", "POST"])
def grant_create():
    """Add a grant to an initiative."""
    if not permissions.can_create_grant(current_user):
        abort(403)
    form = GrantForm()
    if request.method == "GET":
        form.initiative_id.data = request.args.get("initiative_id", "")
        form.status.data = GrantStatus.PLANNED.value
        form.add_blank_rows(2)
    choose = db.session.scalars(services.program_query()).all()
    if _form_action(form):
        form.set_choices(_initiative_choices(), choose)
        return _grant_form_page(form, None)
    form.set_choices(_initiative_choices(), choose)
    if form.validate_on_submit():
        saved, status = save_form(
            form,
            GrantCreate,
            form.values(),
            lambda command: services.save_grant(None, command, actor=current_user),
            done=lambda _grant: _("The grant has been saved."),
            then=lambda grant: url_for(".grant_detail", grant_id=grant.id),
        )
        return saved or _grant_form_page(form, None, status)
    return _grant_form_page(form, None)


@bp.route("/grants/<int:grant_id>/edit", methods=["GET", "POST"])
def grant_edit(grant_id: int):
    """Change a grant and its tranches."""
    grant = _grant(grant_id, for_edit=True)
    form = GrantForm()
    if request.method == "GET":
        form.fill(grant)
        form.add_blank_rows(1)
    programs = db.session.scalars(services.program_query()).all()
    form.set_choices(_initiative_choices() or [grant.initiative], programs)
    if _form_action(form):
        form.set_choices(_initiative_choices() or [grant.initiative], programs)
        return _grant_form_page(form, grant)
    if form.validate_on_submit():
        saved, status = save_form(
            form,
            GrantUpdate,
            form.values(),
            lambda command: services.save_grant(
                grant, command, actor=current_user, expected_version=form_version(form)
            ),
            done=lambda _grant: _("The changes have been saved."),
            then=lambda _grant: url_for(".grant_detail", grant_id=grant_id),
        )
        return saved or _grant_form_page(form, services.load_grant(grant_id), status)
    return _grant_form_page(form, grant)


@bp.route("/grants/<int:grant_id>/delete", methods=["GET", "POST"])
def grant_delete(grant_id: int):
    """Delete a grant, after asking; back to its initiative."""
    grant = _grant(grant_id, for_edit=True)
    if request.method == "GET" and not permissions.can_delete_grant(current_user, grant):
        abort(403)  # (the service refuses the POST itself)
    return ask_then_delete(
        grant,
        lambda version: services.delete_grant(grant, actor=current_user, expected_version=version),
        label=f"{grant.program.name}: {grant.initiative.title}",
        kind=_("Grant"),
        context=grant.initiative.title,
        back=url_for(".grant_detail", grant_id=grant_id),
        then=url_for("main.initiative", initiative_id=grant.initiative_id),
    )


def _audit(grant):
    return audit_entries("Grant", grant.id) if permissions.can_view_audit(current_user) else None


def _check_context(grant):
    today = clock.today()
    return {
        "grant": grant,
        "result": services.check_grant(grant, today),
        "partners": initiatives.decision_summaries([grant.initiative], today)[
            grant.initiative.id
        ].partners,
        "totals": services.tranche_totals(grant),
        "today": today,
        "lang": _lang(),
    }


@bp.route("/grants/<int:grant_id>")
@cacheable
def grant_detail(grant_id: int):
    """One grant: figures, tranches, papers, the funding check and the change history."""
    grant = _grant(grant_id)
    return render_template(
        "funding/grant.html",
        **_check_context(grant),
        document_form=DocumentForm(),
        can_edit=permissions.can_edit_grant(current_user, grant),
        audit=audit_entries("Grant", grant.id)
        if permissions.can_view_audit(current_user)
        else None,
    )


@bp.route("/grants/<int:grant_id>/check")
@cacheable
def grant_check(grant_id: int):
    """The check alone, laid out for print (A4) and the application file."""
    return render_template("funding/check_print.html", **_check_context(_grant(grant_id)))


@bp.route("/grants/<int:grant_id>/check.pdf")
@cacheable
def grant_check_pdf(grant_id: int):
    """The printable check as PDF (WeasyPrint), with our own fonts and styles only."""
    from .pdf import html_to_pdf

    grant = _grant(grant_id)
    html = render_template("funding/check_print.html", **_check_context(grant), as_pdf=True)
    name = f"foerderpruefung-{grant.id}-{clock.today().isoformat()}.pdf"
    return download(html_to_pdf(html), name)


# --- documents -------------------------------------------------------------------------------


@bp.route("/grants/<int:grant_id>/documents", methods=["POST"])
def document_add(grant_id: int):
    """Upload a paper (PDF) to a grant."""
    request.max_content_length = UPLOAD_LIMIT
    grant = _grant(grant_id, for_edit=True)
    form = DocumentForm()
    if form.validate_on_submit():
        file = form.document.data
        try:
            if file is None or not getattr(file, "filename", ""):
                raise ValidationError(
                    _("Please correct the marked fields."),
                    {"document": _("Please choose a PDF file.")},
                )
            document = documents.store_pdf(file.filename, file.read())
            services.add_document(grant, form.title.data, document, actor=current_user)
            db.session.commit()
            flash(_("The document has been added."), "success")
            return redirect(url_for(".grant_detail", grant_id=grant_id) + "#documents")
        except ServiceError as exc:
            db.session.rollback()
            apply_errors(form, exc)
    grant = _grant(grant_id)
    return (
        render_template(
            "funding/grant.html",
            **_check_context(grant),
            document_form=form,
            can_edit=True,
            audit=_audit(grant),
        ),
        422,
    )


def _grant_document(grant_id: int, item_id: int) -> GrantDocument:
    item = db.session.get(GrantDocument, item_id)
    if item is None or item.grant_id != grant_id:
        abort(404)
    return item


@bp.route("/grants/<int:grant_id>/documents/<int:item_id>")
def document_get(grant_id: int, item_id: int):
    """Download one of a grant's papers."""
    _grant(grant_id)
    return documents.send_document(_grant_document(grant_id, item_id).document)


@bp.route("/grants/<int:grant_id>/documents/<int:item_id>/delete", methods=["POST"])
def document_delete(grant_id: int, item_id: int):
    """Remove one of a grant's papers."""
    _grant(grant_id, for_edit=True)
    item = _grant_document(grant_id, item_id)
    services.remove_document(item, actor=current_user)
    db.session.commit()
    flash(_("The document has been removed."), "success")
    return redirect(url_for(".grant_detail", grant_id=grant_id) + "#documents")
