"""Start page, the public entry to the towns, and the language switch."""

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import exists, func, or_, select

from ..auth.services import safe_next
from ..bodies import services as bodies
from ..extensions import csrf, db
from ..funding import services as funding
from ..models import Body, Initiative, Participant
from ..pagecache import cacheable
from ..pagination import paginate
from . import worklist

bp = Blueprint("main", __name__)


@bp.route("/")
@cacheable
def index():
    """Start page: for the public, what coop is and the way to a town's initiatives and
    savings; signed in, what is the person's to do, by role."""
    sections = []
    if current_user.is_authenticated:
        # as the funding page does: stored checks whose inputs changed are computed first
        if funding.refresh_checks():
            db.session.commit()
        sections = worklist.for_user(current_user)
    return render_template("main/index.html", sections=sections)


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


@bp.route("/kommunen")
@cacheable
def towns():
    """For council members and citizens, without signing in: the bodies that take part in a
    public initiative, found by name or AGS, each leading to its initiatives and its savings."""
    q = (request.args.get("q") or "").strip()[:100]
    page = paginate(
        public_towns_query(q),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
    )
    return render_template("main/towns.html", page=page, q=q)


def public_towns_query(q: str = ""):
    """Bodies that lead or take part in at least one public initiative, by name; `q` narrows
    by a part of the name or the beginning of the AGS."""
    public = select(Initiative.id).where(Initiative.public.is_(True))
    stmt = select(Body).where(
        or_(
            exists().where(Participant.body_id == Body.id, Participant.initiative_id.in_(public)),
            exists().where(Initiative.lead_body_id == Body.id, Initiative.public.is_(True)),
        )
    )
    if q:
        stmt = stmt.where(bodies.named(q))
    return stmt.order_by(func.lower(Body.name), Body.id)
