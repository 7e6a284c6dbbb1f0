"""Follow and notify: people follow initiatives and grants; what happens on them (a resolution
recorded, a new phase, a proposal from a council information system, conditions met) becomes
their notifications in coop and, as each chooses, a daily or weekly e-mail digest.

Activities are stored once (coop/activity.py); a person's news are those of what they follow,
after they began following, not of their own doing, newer than the last one they saw. Each
read is two indexed queries (what they follow, then its activities), or one for a person who
follows nothing, whatever the number of people or activities."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from ..activity import _latest_id, follow, is_following, mark_seen  # noqa: F401
from ..extensions import db
from ..i18n import fmt_date
from ..labels import OUTCOME_LABELS, PHASE_LABELS
from ..models import Activity, Follow, Grant, Outcome, Phase, User

FEED = 50  # notifications listed at once
CAP = 99  # the header counts up to this ("99+")
DIGEST_CHOICES = ("off", "daily", "weekly")
KEEP_DAYS = 365  # activities older than this are no news any more and are removed


MAX_FOLLOWS = 500  # what one person follows, at most, for their news


def _news(user_id: int, after: int = 0):
    """The select of the person's news after `after`, or None when they follow nothing.

    What they follow is read first (a few rows by the index on user_id); the activities are
    then found through the indexes (initiative_id, id) and (grant_id, id), one range per
    follow, so the cost does not grow with the number of activities."""
    follows = db.session.execute(
        select(Follow.initiative_id, Follow.grant_id, Follow.since_id)
        .where(Follow.user_id == user_id)
        .order_by(Follow.id)
        .limit(MAX_FOLLOWS)
    ).all()
    ranges = [
        and_(
            Activity.initiative_id == ini if ini else Activity.grant_id == grant,
            Activity.id > max(since, after),
        )
        for ini, grant, since in follows
    ]
    if not ranges:
        return None
    return select(Activity).where(
        or_(*ranges), or_(Activity.actor_id.is_(None), Activity.actor_id != user_id)
    )


def unread_count(user: User) -> int:
    """How many notifications the person has not seen (at most CAP + 1)."""
    news = _news(user.id, user.seen_activity_id)
    if news is None:
        return 0
    newer = news.with_only_columns(Activity.id).limit(CAP + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(newer)) or 0


def feed(user: User, *, after: int = 0, limit: int = FEED) -> list[Activity]:
    """The person's latest notifications, newest first (only those after `after`)."""
    news = _news(user.id, after)
    if news is None:
        return []
    return list(
        db.session.scalars(
            news.options(
                joinedload(Activity.initiative),
                joinedload(Activity.grant).joinedload(Grant.program),
                joinedload(Activity.grant).joinedload(Grant.initiative),
            )
            .order_by(Activity.id.desc())
            .limit(limit)
        ).unique()
    )


def unfollow(user: User, *, initiative_id: int | None = None, grant_id: int | None = None):
    """Stop following (nothing happens if not followed)."""
    column, value = (
        (Follow.initiative_id, initiative_id) if initiative_id else (Follow.grant_id, grant_id)
    )
    for row in db.session.scalars(select(Follow).where(Follow.user_id == user.id, column == value)):
        db.session.delete(row)
    db.session.flush()


def following(user: User) -> list[Follow]:
    """What the person follows, initiatives first, by title."""
    rows = db.session.scalars(
        select(Follow)
        .where(Follow.user_id == user.id)
        .options(
            joinedload(Follow.initiative),
            joinedload(Follow.grant).joinedload(Grant.program),
            joinedload(Follow.grant).joinedload(Grant.initiative),
        )
    ).unique()
    return sorted(rows, key=lambda f: (f.initiative is None, subject(f).lower()))


def grant_name(grant: Grant) -> str:
    """A grant as people name it: its programme and its initiative."""
    return f"{grant.program.name}: {grant.initiative.title}"


def subject(thing) -> str:
    """The name of what an activity or a follow is about."""
    if getattr(thing, "grant", None) is not None:
        return grant_name(thing.grant)
    return thing.initiative.title if thing.initiative is not None else ""


def describe(a: Activity) -> str:
    """The notification as a sentence in the page's (or e-mail's) language."""
    p = a.params or {}
    if a.kind == "resolution":
        outcome = OUTCOME_LABELS.get(_member(Outcome, p.get("outcome")), "")
        return _(
            "%(body)s, %(organ)s: %(outcome)s (session of %(date)s)",
            body=p.get("body", ""),
            organ=p.get("organ", ""),
            outcome=outcome,
            date=fmt_date(_day(p.get("session_date"))),
        )
    if a.kind == "phase":
        return _(
            "Now in the phase “%(phase)s”",
            phase=PHASE_LABELS.get(_member(Phase, p.get("phase")), ""),
        )
    if a.kind == "proposal":
        text = _(
            "Proposal from the council information system of %(body)s: %(organ)s",
            body=p.get("body", ""),
            organ=p.get("organ", ""),
        )
        if p.get("outcome"):
            text += ", " + str(OUTCOME_LABELS.get(_member(Outcome, p["outcome"]), ""))
        return text
    if a.kind == "conditions":
        n = int(p.get("open", 0))
        if n == 0:
            return _("All funding conditions are met")
        return ngettext(
            "A funding condition is met; %(num)d is still open",
            "A funding condition is met; %(num)d are still open",
            n,
        )
    return ""


def _member(enum_cls, code):
    try:
        return enum_cls(code)
    except ValueError:
        return None


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def set_preferences(user: User, *, digest: str, reminders_by_mail: bool) -> None:
    """The person's choice of e-mails (a change of the account, in its history)."""
    if digest not in DIGEST_CHOICES:
        raise ValueError(digest)
    user.digest = digest
    user.reminders_by_mail = reminders_by_mail
    db.session.flush()


def forget_old_activities(days: int = KEEP_DAYS) -> int:
    """Remove activities older than `days` (the nightly housekeeping)."""
    from datetime import timedelta

    from sqlalchemy import delete

    from ..models.base import utcnow

    return db.session.execute(
        delete(Activity).where(Activity.at < utcnow() - timedelta(days=days))
    ).rowcount
