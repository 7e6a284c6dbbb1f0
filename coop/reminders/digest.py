"""The e-mail digest of a person's notifications (text and HTML), daily or on Mondays, for
those who chose it; what it told of is kept (`User.digest_activity_id`), so nothing comes
twice."""

from __future__ import annotations

from datetime import date

from flask import current_app, render_template, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import links
from ..extensions import db
from ..i18n import fmt_datetime
from ..models import Activity, User
from . import notifications
from .services import language

FOOTER = _l(
    "You receive this digest because you follow these initiatives and grants. Change or end "
    "it under “Notifications”:"
)
ITEMS = 100  # notifications in one digest at most (the rest: "and n more" in coop)


def recipients(today: date) -> list[User]:
    """Who gets a digest today: daily ones every day, weekly ones on Mondays."""
    choices = ["daily"] + (["weekly"] if today.weekday() == 0 else [])
    return list(
        db.session.scalars(
            select(User)
            .where(User.active.is_(True), User.erased_at.is_(None), User.digest.in_(choices))
            .order_by(User.id)
        )
    )


def _link(a: Activity) -> str:
    if a.grant_id is not None:
        return url_for("funding.grant_detail", grant_id=a.grant_id, _external=True)
    return url_for("main.initiative", initiative_id=a.initiative_id, _external=True)


def compose(user: User, items: list[Activity]) -> tuple[str, str, str]:
    """Subject, text and HTML of one person's digest, in their language."""
    base = links.base()
    with force_locale(language(user)), current_app.test_request_context(base_url=base):
        subject = "coop: " + ngettext(
            "%(num)d new notification", "%(num)d new notifications", len(items)
        )
        entries = [
            {
                "subject": notifications.subject(a),
                "text": notifications.describe(a),
                "at": fmt_datetime(a.at),
                "url": _link(a),
            }
            for a in items
        ]
        settings = url_for("reminders.notifications_page", _external=True)
        lines = [_("Dear %(name)s,", name=user.name or user.email), "", _("New in coop:"), ""]
        for e in entries:
            lines += [f"• {e['subject']}", f"  {e['text']} ({e['at']})", f"  {e['url']}", ""]
        lines += ["--", str(FOOTER), settings]
        html = render_template(
            "reminders/digest_email.html",
            user=user,
            entries=entries,
            subject=subject,
            settings=settings,
            footer=str(FOOTER),
        )
    return subject, "\n".join(lines), html
