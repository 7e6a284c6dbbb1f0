"""The recycle bin's pages: what was deleted in the last 30 days, and bringing it back; the
page that asks before a delete (coop/trash.py keeps what a delete takes)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import trash
from ..auth import permissions
from ..errors import ServiceError
from ..extensions import db
from ..labels import ENTITY_TYPE_LABELS
from ..models import TrashItem

bp = Blueprint("bin", __name__, url_prefix="/trash")

# Where a restored record is shown.
PAGES = {
    "Initiative": lambda r: url_for("main.initiative", initiative_id=r.id),
    "Resolution": lambda r: url_for("resolutions.detail", resolution_id=r.id),
    "Grant": lambda r: url_for("funding.grant_detail", grant_id=r.id),
    "FundingProgram": lambda r: url_for("funding.program_detail", program_id=r.id),
    "Body": lambda r: url_for("bodies.detail", body_id=r.id),
    "CostModel": lambda r: url_for("savings.initiative", initiative_id=r.initiative_id, model=r.id),
}


@bp.route("/")
@login_required
def index():
    """What was deleted in the last 30 days that this person may bring back."""
    items = trash.items_for(permissions.bin_scope(current_user))
    return render_template(
        "bin/index.html",
        items=[(i, trash.goes_with(i)) for i in items],
        kinds=ENTITY_TYPE_LABELS,
        days=trash.KEEP_DAYS,
    )


@bp.route("/<int:item_id>/restore", methods=["POST"])
@login_required
def restore(item_id: int):
    """Bring a deleted record back whole."""
    item = db.session.get(TrashItem, item_id)
    if item is None:
        abort(404)
    if not permissions.can_restore(current_user, item):
        abort(403)
    label, kind = item.label, item.entity_type
    try:
        restored = trash.restore(item)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for(".index"))
    flash(_("“%(label)s” has been restored.", label=label), "success")
    page = PAGES.get(kind)
    return redirect(page(restored) if page else url_for(".index"))
