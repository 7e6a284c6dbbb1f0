"""/api/v1/initiatives and their partners' decision status. Same services as the UI."""

from flask import g
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..auth import permissions
from ..extensions import db
from ..initiatives import services
from ..models import Initiative
from . import bp
from .auth import ApiAbort, expected_version, found, page_of, parse_json, parse_query
from .schemas import (
    DecisionsOut,
    InitiativeCreate,
    InitiativeList,
    InitiativeOut,
    InitiativeQuery,
    InitiativeUpdate,
    initiative_out,
)
from .spec import changing, creating, deleting, listing, reading


def _get(initiative_id: int) -> Initiative:
    return found(
        services.load_initiative(initiative_id),
        _("There is no initiative with id %(id)d.", id=initiative_id),
    )


@bp.get("/initiatives")
@listing(
    "listInitiatives", "List initiatives", InitiativeList, "initiatives", query=InitiativeQuery
)
def list_initiatives():
    """List initiatives; filters service_area, phase, district_id, body_id, q, public; sort."""
    args = parse_query(InitiativeQuery)
    stmt = services.initiative_query(
        q=args.q,
        service_area=args.service_area,
        phase=args.phase,
        district_id=args.district_id,
        body_id=args.body_id,
        public_only=args.public in ("1", "true"),
        sort=args.sort,
    ).options(selectinload(Initiative.milestones), selectinload(Initiative.phase_changes))
    return page_of(stmt, initiative_out)


@bp.post("/initiatives")
@creating("createInitiative", "Create an initiative", InitiativeCreate, InitiativeOut)
def create_initiative():
    """Create an initiative with its participants and milestones."""
    payload = parse_json(InitiativeCreate)
    if not permissions.can_create_initiative(g.api_user):
        raise ApiAbort(403, _("Your role does not allow this."))
    initiative = services.create_initiative(payload, actor=g.api_user)
    db.session.commit()
    initiative = _get(initiative.id)
    return initiative_out(initiative), 201, {"Location": f"/api/v1/initiatives/{initiative.id}"}


@bp.get("/initiatives/<int:initiative_id>")
@reading("getInitiative", "One initiative", InitiativeOut, "The initiative")
def get_initiative(initiative_id: int):
    """One initiative."""
    return initiative_out(_get(initiative_id))


@bp.patch("/initiatives/<int:initiative_id>")
@changing("updateInitiative", "Change fields of an initiative", InitiativeUpdate, InitiativeOut)
def update_initiative(initiative_id: int):
    """Change the given fields; `participants` and `milestones` replace the lists when given."""
    initiative = _get(initiative_id)
    payload = parse_json(InitiativeUpdate)
    if not permissions.can_edit_initiative(g.api_user, initiative):
        raise ApiAbort(403, _("Your role does not allow this."))
    version = expected_version(payload.version)
    services.update_initiative(initiative, payload, actor=g.api_user, expected_version=version)
    db.session.commit()
    db.session.expire_all()
    return initiative_out(_get(initiative_id))


@bp.delete("/initiatives/<int:initiative_id>")
@deleting("deleteInitiative", "Delete an initiative")
def delete_initiative(initiative_id: int):
    """Delete an initiative with everything recorded on it (the rule: coop.models.Initiative);
    409 while a grant of it has been applied for or granted."""
    initiative = _get(initiative_id)
    if not permissions.can_delete_initiative(g.api_user, initiative):
        raise ApiAbort(403, _("Your role does not allow this."))
    services.delete_initiative(initiative, expected_version=expected_version(None))
    db.session.commit()
    return "", 204


@bp.get("/initiatives/<int:initiative_id>/decisions")
@reading(
    "getInitiativeDecisions",
    "Decision status of each partner (lead or partner)",
    DecisionsOut,
    "Decided count and each partner",
)
def initiative_decisions(initiative_id: int):
    """Decision status of every partner (role lead or partner), lead first."""
    initiative = _get(initiative_id)
    summary = services.decision_summaries([initiative])[initiative.id]
    return {
        "initiative_id": initiative.id,
        "decided": summary.decided,
        "total": summary.total,
        "partners": [
            {
                "body_id": p.body_id,
                "name": p.name,
                "status": p.decision.status.value,
                "session_date": p.decision.session_date.isoformat()
                if p.decision.session_date
                else None,
                "resolution_id": p.decision.resolution_id,
                "result_missing": p.decision.result_missing,
                "next_session_date": p.decision.next_session_date.isoformat()
                if p.decision.next_session_date
                else None,
                "repealed": p.decision.repealed,
            }
            for p in summary.partners
        ],
    }
