"""Pages of reminders (what is due, what went out, the scheduler's runs) and the calendar feed."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
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
from sqlalchemy import select

from ..auth import permissions
from ..auth.forms import ChangePasswordForm
from ..cache import render_cached, request_key
from ..core import clock
from ..extensions import db
from ..models import SchedulerRun
from ..pagecache import cacheable
from . import calendar, services

bp = Blueprint("reminders", __name__)


@bp.route("/reminders/")
@login_required
@cacheable
def index():
    """Today's reminders before they go out, the ones sent, and the scheduler's last runs."""
    if not permissions.can_view_reminders(current_user):
        abort(403)
    all_people = permissions.sees_all_reminders(current_user)
    today = clock.today()
    user = current_user._get_current_object()

    def context() -> dict:
        # every reminder due in the whole Land for a funding officer: computed once per change
        # of the data (sending one is a change) and day, not per view
        return {
            "deliveries": services.plan(
                today, only_user=None if all_people else user, include_sent=True
            ),
            "sent": services.sent_log(None if all_people else user),
            "runs": db.session.scalars(
                select(SchedulerRun).order_by(SchedulerRun.started_at.desc()).limit(10)
            ).all(),
            "today": today,
            "all_people": all_people,
            "mail_configured": bool(current_app.config.get("MAIL_SERVER")),
        }

    key = request_key("all" if all_people else user.id)
    return render_cached(key, "reminders/index.html", context)


def _account(new_calendar_url=None, status=200):
    return (
        render_template(
            "auth/account.html",
            password_form=ChangePasswordForm(),
            new_secret=None,
            new_calendar_url=new_calendar_url,
        ),
        status,
    )


@bp.route("/account/calendar", methods=["POST"])
@login_required
def calendar_create():
    """A new secret feed address, shown once; an older one stops working (CSRF-checked by
    the app's CSRFProtect, as every form)."""
    secret = calendar.issue_token(current_user)
    db.session.commit()
    url = request.url_root.rstrip("/") + f"/calendar/{secret}.ics"
    return _account(url)


@bp.route("/account/calendar/revoke", methods=["POST"])
@login_required
def calendar_revoke():
    """Switch off the person's calendar address."""
    calendar.revoke_token(current_user)
    db.session.commit()
    flash(_("The calendar address no longer works."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/calendar/<secret>.ics")
def feed(secret: str):
    """The person's calendar; the secret in the address is the only key (no login)."""
    user = calendar.user_for_token(secret)
    if user is None:
        abort(404)
    body = calendar.build_feed(user, clock.today(), request.host.split(":")[0])
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": 'inline; filename="coop.ics"',
            "Cache-Control": "private, max-age=900",
        },
    )
