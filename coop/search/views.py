"""Pages of the search: one search box over every partner's papers and our own records, and
the searches people keep."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth import permissions
from ..bodies import services as body_services
from ..errors import ServiceError, ValidationError
from ..extensions import db
from ..forms import apply_errors
from ..models import Body, Initiative, SavedSearch
from ..pagecache import cacheable
from ..pagination import paginate
from . import services
from .forms import SaveSearchForm

bp = Blueprint("search", __name__, url_prefix="/search")


@bp.before_request
@login_required
def _signed_in():
    if not permissions.can_view_registry(current_user):
        abort(403)


def _day(name: str, errors: dict) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = _("Enter a date such as 24.03.2022.")
        return None


def _filters(errors: dict) -> services.Filters:
    args = request.args
    saved = None
    if args.get("saved", type=int):
        saved = db.session.get(SavedSearch, args.get("saved", type=int))
        if saved is None or saved.user_id != current_user.id:
            abort(404)
        return services.saved_filters(saved)
    kind = args.get("kind") or None
    return services.Filters(
        q=args.get("q", "")[:500],
        body_id=args.get("body_id", type=int),
        kind=kind,
        organ=(args.get("organ") or "").strip()[:200] or None,
        day_from=_day("from", errors),
        day_to=_day("to", errors),
    )


def _bodies():
    """The bodies whose council information systems are read (the filter's choices)."""
    return db.session.scalars(
        select(Body).where(Body.oparl_url.is_not(None)).order_by(Body.name).limit(500)
    ).all()


@bp.route("/")
@cacheable
def index():
    """Search every partner's papers (with their consultations and results) and our own
    initiatives and resolutions; filter by body, kind, organ and date."""
    errors: dict = {}
    f = _filters(errors)
    try:
        services.check_filters(f)
    except ValidationError as exc:
        errors.update(exc.fields)
    searching = bool(f.q.strip() or f.body_id or f.kind or f.organ or f.day_from or f.day_to)
    page = None
    if searching and not errors:
        page = paginate(
            services.search_query(f), page=request.args.get("page", 1, type=int), per_page=20
        )
    # from an initiative's page: new papers may be proposed to it (by those who may change it)
    initiative = None
    if request.args.get("initiative_id", type=int):
        initiative = db.session.get(Initiative, request.args.get("initiative_id", type=int))
        if initiative is not None and not permissions.can_edit_initiative(current_user, initiative):
            initiative = None
    form = SaveSearchForm(
        formdata=None,
        q=f.q,
        body_id=f.body_id or "",
        kind=f.kind or "",
        initiative_id=initiative.id if initiative else "",
        propose=bool(initiative),
    )
    return _render(f, page, errors, initiative, form, bodies_found=_bodies_named(f))


def _bodies_named(f) -> list[Body]:
    """Bodies whose name holds the words, or whose AGS begins with them (a few, by name):
    the header's one search box finds partners too."""
    q = f.q.strip()
    if not q or f.kind or f.body_id or len(q) > 100:
        return []
    return list(
        db.session.scalars(
            select(Body).where(body_services.named(q)).order_by(Body.name, Body.id).limit(6)
        )
    )


def _render(
    f, page, errors: dict, initiative, form, status: int = 200, bodies_found: list | None = None
):
    bodies = _bodies()
    shown = {e.body_id for e in page.items if e.body_id} if page is not None else set()
    names = (
        dict(
            db.session.execute(
                select(Body.id, Body.name).where(Body.id.in_(shown)).order_by(Body.id)
            ).all()
        )
        if shown
        else {}
    )
    return render_template(
        "search/index.html",
        bodies_found=bodies_found or [],
        f=f,
        args={k: v for k, v in request.args.items() if k != "page"},
        page=page,
        errors=errors,
        bodies=bodies,
        body_names=names,
        passages=services.snippets(f.q, [e.id for e in page.items]) if page is not None else {},
        initiative=initiative,
        form=form,
        saved=services.saved_searches_of(current_user),
        entry_link=services.entry_link,
        kind_labels={k: _(v) for k, v in services.KIND_LABELS.items()},
    ), status


@bp.route("/saved", methods=["POST"])
def save():
    """Keep the search: its owner hears of new matches (and, with an initiative, new papers
    are proposed to it)."""
    form = SaveSearchForm()
    if not form.validate_on_submit():
        flash(_("The form has expired. Please send it again."), "danger")
        return redirect(url_for(".index", q=form.q.data or ""))
    filters = services.Filters(
        q=form.q.data or "",
        body_id=int(form.body_id.data) if (form.body_id.data or "").isdigit() else None,
        kind=form.kind.data or None,
    )
    initiative_id = (
        int(form.initiative_id.data)
        if form.propose.data and (form.initiative_id.data or "").isdigit()
        else None
    )
    if initiative_id is not None:
        initiative = db.session.get(Initiative, initiative_id)
        if initiative is None or not permissions.can_edit_initiative(current_user, initiative):
            abort(403)
    try:
        services.save_search(current_user, form.name.data or "", filters, initiative_id)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        apply_errors(form, exc)
        initiative = db.session.get(Initiative, initiative_id) if initiative_id else None
        return _render(filters, None, {}, initiative, form, exc.status)
    flash(_("The search has been saved. You will hear of new matches by e-mail."), "success")
    return redirect(url_for(".index", q=filters.q, body_id=filters.body_id, kind=filters.kind))


@bp.route("/saved/<int:saved_id>/delete", methods=["POST"])
def delete(saved_id: int):
    """Forget a saved search (its owner only)."""
    saved = services.own_saved_search(current_user, saved_id)
    if saved is None:
        abort(404)
    services.delete_saved_search(saved)
    db.session.commit()
    flash(_("The saved search has been deleted."), "success")
    return redirect(url_for(".index"))
