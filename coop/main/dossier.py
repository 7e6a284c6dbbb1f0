"""The whole story of one initiative on one page: what, who, where each council stands, its
resolutions, grants, savings, milestones and history. It draws on every domain package, so it
lives here, above them (the domain packages depend on each other in one direction only)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from ..audit import audit_entries
from ..auth import permissions
from ..core import clock
from ..extensions import db
from ..funding import services as funding
from ..initiatives import services as initiatives
from ..initiatives.access import get_initiative
from ..pagecache import cacheable
from ..reminders import nudges
from ..resolutions import services as resolutions
from ..resolutions import tasks
from ..savings import services as savings
from .views import bp


@bp.route("/initiatives/<int:initiative_id>")
@cacheable
def initiative(initiative_id: int):
    """The whole story: what, who, where each council stands, milestones, phases, decisions."""
    initiative = get_initiative(initiative_id)
    summary = initiatives.decision_summaries([initiative])[initiative.id]
    public_only = not current_user.is_authenticated
    items = db.session.scalars(
        resolutions.resolution_query(initiative_id=initiative.id, public_only=public_only)
    ).all()
    recordable = permissions.recordable_body_ids(current_user, initiative)
    grants = None
    if permissions.can_view_funding(current_user):
        grants = db.session.scalars(funding.grant_query(initiative_id=initiative.id)).unique().all()
    primary = savings.primary_models([initiative.id]).get(initiative.id)
    may_nudge = permissions.can_nudge(current_user, initiative)
    return render_template(
        "initiatives/detail.html",
        savings=savings.results([primary])[primary.id] if primary else None,
        grants=grants,
        can_add_grant=permissions.can_create_grant(current_user, initiative),
        initiative=initiative,
        summary=summary,
        today=clock.today(),
        sequences=resolutions.group_sequences(list(items)),
        progress=initiatives.milestone_progress(initiative.milestones),
        can_edit=permissions.can_edit_initiative(current_user, initiative),
        can_record=bool(recordable),
        recordable=recordable,
        may_nudge=may_nudge,
        open_tasks=tasks.open_tasks(initiative.id) if current_user.is_authenticated else [],
        nudge_log=nudges.log(initiative.id) if may_nudge else [],
        audit=audit_entries("Initiative", initiative.id)
        if permissions.can_view_audit(current_user)
        else None,
    )
