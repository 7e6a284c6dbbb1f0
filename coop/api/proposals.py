"""/api/v1/proposals: resolutions found in the partners' council information systems."""

from flask import g, request
from flask_babel import gettext as _

from ..extensions import db
from ..models import ProposalState
from ..oparl import proposals as service
from . import bp
from .auth import ApiAbort, expected_version, found, page_of, parse_json, parse_query
from .schemas import (
    ProposalConfirm,
    ProposalList,
    ProposalOut,
    ProposalQuery,
    ResolutionOut,
    proposal_out,
    resolution_out,
)
from .spec import Answer, listing, operation, reading


def _get(proposal_id: int):
    return found(
        service.load(proposal_id), _("There is no proposal with id %(id)d.", id=proposal_id)
    )


@bp.get("/proposals")
@listing(
    "listProposals",
    "Resolutions proposed from the partners' council information systems",
    ProposalList,
    "proposals",
    query=ProposalQuery,
)
def list_proposals():
    """Proposals; filters initiative_id, body_id, state (open, confirmed, dismissed)."""
    args = parse_query(ProposalQuery)
    stmt = service.proposal_query(
        initiative_id=args.initiative_id,
        body_id=args.body_id,
        state=ProposalState(args.state) if args.state else None,
    )
    return page_of(stmt, proposal_out)


@bp.get("/proposals/<int:proposal_id>")
@reading("getProposal", "One proposal", ProposalOut, "The proposal")
def get_proposal(proposal_id: int):
    """One proposal."""
    return proposal_out(_get(proposal_id))


@bp.post("/proposals/<int:proposal_id>/confirm")
@operation(
    "confirmProposal",
    "Record the proposal as a resolution (with optional changes)",
    answers={201: Answer("The resolution", ResolutionOut)},
    errors=(400, 401, 403, 404, 409, 413, 415, 422),
    body=ProposalConfirm,
    body_required=False,
)
def confirm_proposal(proposal_id: int):
    """Record the proposal as a resolution, with the changes sent (JSON body optional)."""
    proposal = _get(proposal_id)
    changes = parse_json(ProposalConfirm) if request.content_length else ProposalConfirm()
    if not service.can_decide(g.api_user, proposal):
        raise ApiAbort(403, _("Your role does not allow this."))
    version = expected_version(changes.version)
    resolution = service.confirm(proposal, changes, actor=g.api_user, expected_version=version)
    db.session.commit()
    return resolution_out(resolution), 201, {"Location": f"/api/v1/resolutions/{resolution.id}"}


@bp.post("/proposals/<int:proposal_id>/dismiss")
@operation(
    "dismissProposal",
    "Dismiss the proposal",
    answers={200: Answer("The proposal", ProposalOut)},
    errors=(400, 401, 403, 404, 409, 422),
)
def dismiss_proposal(proposal_id: int):
    """Dismiss a proposal: it stays listed as dismissed and is not proposed again."""
    proposal = _get(proposal_id)
    if not service.can_decide(g.api_user, proposal):
        raise ApiAbort(403, _("Your role does not allow this."))
    service.dismiss(proposal, actor=g.api_user, expected_version=expected_version(None))
    db.session.commit()
    return proposal_out(proposal)
