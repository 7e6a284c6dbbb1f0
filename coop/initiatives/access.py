"""The one home of "load an initiative for the person signed in": 404 when it does not exist or
they may not see it, 403 when they may see but not edit it. Views of every package use it."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from ..auth import permissions
from . import services


def get_initiative(initiative_id: int, *, for_edit: bool = False):
    """Load an initiative or 404; 404 too when the user may not see it (a private one for the
    public), 403 when editing is not allowed."""
    initiative = services.load_initiative(initiative_id)
    if initiative is None or not permissions.can_view_initiative(current_user, initiative):
        abort(404)
    if for_edit and not permissions.can_edit_initiative(current_user, initiative):
        abort(403)
    return initiative
