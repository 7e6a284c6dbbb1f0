"""Pages of proposals: what the sync found, to confirm, change or dismiss."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth import permissions
from ..auth.services import safe_next
from ..commands import bind
from ..core.text import Text
from ..errors import ServiceError
from ..extensions import db
from ..forms import apply_errors, form_version, one_button_change, submit
from ..messages import here
from ..models import Body, Initiative, ProposalState
from ..pagecache import cacheable
from . import proposals as service
from .forms import ProposalForm
from .results import parse_result
from .schemas import ProposalConfirm

bp = Blueprint("proposals", __name__, url_prefix="/proposals")


@bp.before_request
@login_required
def _signed_in():
    if not permissions.can_view_registry(current_user):
        abort(403)


def _proposal(proposal_id: int, *, for_edit: bool = False):
    proposal = service.load(proposal_id)
    if proposal is None:
        abort(404)
    if for_edit and not service.can_decide(current_user, proposal):
        abort(403)
    return proposal


@bp.route("/")
@cacheable
def index():
    """Proposals from the partners' council information systems, by state, initiative and body."""
    state = request.args.get("state", "open")
    state = state if state in {s.value for s in ProposalState} else "open"
    initiative_id = request.args.get("initiative_id", type=int)
    body_id = request.args.get("body_id", type=int)
    items = list(
        db.session.scalars(
            service.proposal_query(
                initiative_id=initiative_id, body_id=body_id, state=ProposalState(state)
            ).limit(500)
        )
    )
    ids = {p.initiative_id for p in items}
    bodies = {p.body_id for p in items}
    return render_template(
        "proposals/index.html",
        items=items,
        state=state,
        initiative_id=str(initiative_id) if initiative_id else None,
        body_id=str(body_id) if body_id else None,
        initiative_options=[
            (str(i.id), i.title)
            for i in db.session.scalars(
                select(Initiative).where(Initiative.id.in_(ids)).order_by(Initiative.title)
            )
        ],
        bodies=db.session.scalars(
            select(Body).where(Body.id.in_(bodies)).order_by(Body.name)
        ).all(),
        can_decide={p.id: service.can_decide(current_user, p) for p in items},
    )


@bp.route("/<int:proposal_id>", methods=["GET", "POST"])
@cacheable
def detail(proposal_id: int):
    """Check a proposal against the council's paper, change what the parser got wrong,
    confirm or dismiss it."""
    proposal = _proposal(proposal_id)
    form = ProposalForm()
    form.set_choices()
    if request.method == "GET":
        form.fill(proposal)
    elif form.validate_on_submit():
        if not service.can_decide(current_user, proposal):
            abort(403)
        try:
            version = form_version(form)
            if "dismiss" in request.form:
                service.dismiss(proposal, actor=current_user, expected_version=version)
                db.session.commit()
                flash(_("The proposal has been dismissed."), "success")
                return redirect(url_for(".index"))
            command, edge = bind(ProposalConfirm, form.values())
            resolution = submit(
                lambda command: service.confirm(
                    proposal, command, actor=current_user, expected_version=version
                ),
                command,
                edge,
            )
            db.session.commit()
            flash(_("The resolution has been recorded."), "success")
            return redirect(url_for("resolutions.detail", resolution_id=resolution.id))
        except ServiceError as exc:
            db.session.rollback()
            apply_errors(form, exc)
            proposal = _proposal(proposal_id)
            return render_template(
                "proposals/detail.html",
                proposal=proposal,
                form=form,
                can_decide=True,
                reading=_reading(proposal),
            ), exc.status
    return render_template(
        "proposals/detail.html",
        proposal=proposal,
        form=form,
        reading=_reading(proposal),
        can_decide=service.can_decide(current_user, proposal)
        and proposal.state == ProposalState.OPEN,
    )


def _reading(proposal) -> str | None:
    """What the parser read in the result text, or why it could not: the words that decided
    the proposed outcome, or the reason it proposes none (a person's remembered reading of the
    same text, which the proposal may carry instead, is not the parser's: nothing is said)."""
    if not proposal.result_text:
        return None
    parsed = parse_result(proposal.result_text)
    outcome = proposal.outcome.value if proposal.outcome else None
    if parsed.reason and outcome in (None, "scheduled"):
        return here(Text(parsed.reason, {"words": parsed.evidence}))
    if parsed.outcome and parsed.outcome == outcome and parsed.evidence:
        return here(Text("result.read_from", {"words": parsed.evidence}))
    return None


@bp.route("/<int:proposal_id>/confirm", methods=["POST"])
def confirm(proposal_id: int):
    """Confirm as proposed, with one click."""
    proposal = _proposal(proposal_id, for_edit=True)
    try:
        resolution = service.confirm(
            proposal, actor=current_user, expected_version=request.form.get("version", type=int)
        )
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        flash(" ".join([exc.message, *exc.fields.values()]), "danger")
        return redirect(url_for(".detail", proposal_id=proposal_id))
    flash(_("The resolution of %(body)s has been recorded.", body=proposal.body.name), "success")
    back = safe_next(request.form.get("next"))
    return redirect(back or url_for("resolutions.detail", resolution_id=resolution.id))


@bp.route("/<int:proposal_id>/dismiss", methods=["POST"])
def dismiss(proposal_id: int):
    """Dismiss a proposal: it stays in the list of dismissed ones and is not proposed again."""
    proposal = _proposal(proposal_id, for_edit=True)
    return one_button_change(
        lambda: service.dismiss(
            proposal, actor=current_user, expected_version=request.form.get("version", type=int)
        ),
        done=_("The proposal has been dismissed."),
        then=url_for(".index"),
        otherwise=url_for(".index"),
    )
