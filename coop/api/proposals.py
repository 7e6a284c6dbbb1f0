"""/api/v1/proposals: resolutions found in the partners' council information systems."""

from flask import g, request
from flask_babel import gettext as _

from ..extensions import db
from ..models import ProposalState
from ..oparl import proposals as service
from . import bp
from .auth import ApiAbort, expected_version, page_of, parse_json, query_int
from .schemas import ProposalConfirm, proposal_out, resolution_out


def _get(proposal_id: int):
    proposal = service.load(proposal_id)
    if proposal is None:
        raise ApiAbort(404, _("There is no proposal with id %(id)d.", id=proposal_id))
    return proposal


@bp.get("/proposals")
def list_proposals():
    """Proposals; filters initiative_id, body_id, state (open, confirmed, dismissed)."""
    state = request.args.get("state") or None
    if state is not None and state not in set(ProposalState):
        raise ApiAbort(
            400,
            _("Please correct the marked fields."),
            {"state": _("Unknown value; allowed: %(values)s.", values=", ".join(ProposalState))},
        )
    stmt = service.proposal_query(
        initiative_id=query_int("initiative_id"),
        body_id=query_int("body_id"),
        state=ProposalState(state) if state else None,
    )
    return page_of(stmt, proposal_out)


@bp.get("/proposals/<int:proposal_id>")
def get_proposal(proposal_id: int):
    return proposal_out(_get(proposal_id))


@bp.post("/proposals/<int:proposal_id>/confirm")
def confirm_proposal(proposal_id: int):
    """Record the proposal as a resolution, with the changes sent (JSON body optional)."""
    proposal = _get(proposal_id)
    changes = {}
    if request.content_length:
        changes = parse_json(ProposalConfirm).model_dump(exclude_unset=True, mode="json")
    if not service.can_decide(g.api_user, proposal):
        raise ApiAbort(403, _("Your role does not allow this."))
    version = expected_version(changes.pop("version", None))
    resolution = service.confirm(proposal, changes, actor=g.api_user, expected_version=version)
    db.session.commit()
    return resolution_out(resolution), 201, {"Location": f"/api/v1/resolutions/{resolution.id}"}


@bp.post("/proposals/<int:proposal_id>/dismiss")
def dismiss_proposal(proposal_id: int):
    proposal = _get(proposal_id)
    if not service.can_decide(g.api_user, proposal):
        raise ApiAbort(403, _("Your role does not allow this."))
    service.dismiss(proposal, actor=g.api_user, expected_version=expected_version(None))
    db.session.commit()
    return proposal_out(proposal)
