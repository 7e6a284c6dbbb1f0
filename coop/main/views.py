"""Start page and language switch."""

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import func, select

from ..auth.services import safe_next
from ..extensions import csrf, db
from ..models import Body, BodyKind
from ..pagecache import cacheable

bp = Blueprint("main", __name__)


@bp.route("/")
@cacheable
def index():
    """Start page: what coop is; signed in, the registry at a glance."""
    counts = {}
    district = None
    if current_user.is_authenticated:
        rows = db.session.execute(select(Body.kind, func.count()).group_by(Body.kind)).all()
        counts = {kind: n for kind, n in rows}
        if current_user.body is not None:
            district = current_user.body.district
    return render_template(
        "main/index.html", counts=counts, kinds=list(BodyKind), district=district
    )


@bp.route("/language/<code>", methods=["POST"])
@csrf.exempt
def set_language(code: str):
    """Switch the interface language (de, en) and go back where the person was.

    Without a CSRF token: another site can at most switch someone's language, and a page
    without a token needs no session, so anonymous pages can be answered from the page cache."""
    if code in ("de", "en"):
        session["lang"] = code
        # Kept with the account too, for its e-mails and its next sign-in elsewhere.
        if current_user.is_authenticated and current_user.language != code:
            current_user.language = code
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))
