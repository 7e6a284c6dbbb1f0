"""The page where a district maps the bodies of one council information system to its
partners."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth import permissions
from ..errors import ServiceError
from ..extensions import db
from ..models import Body
from . import systems
from .client import Fetcher, FetchError

bp = Blueprint("oparl_systems", __name__, url_prefix="/bodies")


def _district(body_id: int) -> Body:
    body = db.session.get(Body, body_id)
    if body is None:
        abort(404)
    if not permissions.can_map_system(current_user, body):
        abort(403)
    return body


@bp.route("/<int:body_id>/oparl-system", methods=["GET", "POST"])
@login_required
def system(body_id: int):
    """List the bodies of an OParl system, suggest the partner each is (by AGS, else by name)
    and, once a person confirms, let each partner read its own body of the system.

    Only a POST reads the system (CSRFProtect has checked its token): a link or an image
    cannot make coop fetch an address. The GET shows the form, filled with the district's
    address or `?url=`; "read" lists the bodies, "save" reads them again and saves the mapping.
    """
    district = _district(body_id)
    url = (request.values.get("url") or district.oparl_url or "").strip()[:500]
    remote, error, errors = [], None, {}
    choice: dict[str, int | None] = {}
    if request.method == "POST":
        if not url:
            error = _("Please enter a web address starting with https:// or http://.")
        else:
            try:
                remote = systems.remote_bodies(url, _fetcher())
            except FetchError as exc:
                error = str(exc)
    bodies = systems.candidates(district)
    if request.method == "POST" and remote and request.form.get("action") != "read":
        for i, r in enumerate(remote):
            raw = request.form.get(f"map-{i}", "")
            choice[r.url] = int(raw) if raw.isdigit() else None
        try:
            mapped = systems.apply_mapping(district, choice)
            db.session.commit()
        except ServiceError as exc:
            db.session.rollback()
            errors = exc.fields
        else:
            flash(
                _(
                    "%(num)d partners now read their body of the system; the daily sync reads "
                    "them all.",
                    num=mapped,
                ),
                "success",
            )
            return redirect(url_for("bodies.detail", body_id=district.id))
    elif remote:
        choice = systems.suggest(remote, bodies)
    current = {b.oparl_url: b.id for b in bodies if b.oparl_url}
    return render_template(
        "bodies/oparl_system.html",
        district=district,
        url=url,
        remote=remote,
        bodies=bodies,
        choice={r.url: choice.get(r.url) or current.get(r.url) for r in remote},
        error=error,
        errors=errors,
    ), (422 if errors or error else 200)


def _fetcher() -> Fetcher:
    """A person waits for this page: one retry, and all requests together within one
    request's deadline (OUTGOING_TIMEOUT), well before the web worker's time-out."""
    return Fetcher(retries=1, budget=current_app.config.get("OUTGOING_TIMEOUT", 30))
