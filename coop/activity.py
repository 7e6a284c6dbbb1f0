"""What happened on an initiative or a grant, for those who follow it: one row per event,
added in the same transaction as the change (so an activity exists exactly when its change was
stored). The services call `record`; coop/reminders/notifications.py reads and words them.
Who follows what lives here too, so that a service can let the person who creates a record
follow it."""

from __future__ import annotations

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from .audit import current_actor
from .cache import touch
from .extensions import db
from .models import Activity, Follow, Grant, Initiative, User


def record(
    kind: str,
    *,
    initiative_id: int | None = None,
    grant_id: int | None = None,
    by_system: bool = False,
    **params,
) -> None:
    """Note an event of `kind` (see ACTIVITY_KINDS) with what its sentence needs; `by_system`
    for what a computation found (whoever's page ran it did not do it)."""
    actor_id = None if by_system else current_actor()[0]
    db.session.add(
        Activity(
            kind=kind,
            initiative_id=initiative_id,
            grant_id=grant_id,
            actor_id=actor_id,
            params={k: v for k, v in params.items() if v is not None},
        )
    )


# --- following: who hears of what happens on an initiative or grant ---------------------------


def mark_seen(user: User, last_id: int) -> None:
    """Everything up to `last_id` seen. One UPDATE, outside the account's version and history:
    reading is not a change of the account."""
    if last_id > user.seen_activity_id:
        db.session.execute(
            update(User)
            .where(User.id == user.id, User.seen_activity_id < last_id)
            .values(seen_activity_id=last_id)
            .execution_options(synchronize_session=False)
        )
        # the header's count changes: pages kept for this reader must not be sent again
        touch(db.session)
        set_committed_value(user, "seen_activity_id", last_id)


def _latest_id() -> int:
    return db.session.scalar(select(func.max(Activity.id))) or 0


def is_following(user: User, *, initiative_id: int | None = None, grant_id: int | None = None):
    """Whether the person follows this initiative or grant."""
    column, value = (
        (Follow.initiative_id, initiative_id) if initiative_id else (Follow.grant_id, grant_id)
    )
    return bool(
        db.session.scalar(select(exists().where(Follow.user_id == user.id, column == value)))
    )


def follow(user: User, *, initiative: Initiative | None = None, grant: Grant | None = None):
    """Follow from now on (nothing happens if already followed)."""
    if is_following(
        user,
        initiative_id=initiative.id if initiative else None,
        grant_id=grant.id if grant else None,
    ):
        return
    latest = _latest_id()
    if not db.session.scalar(select(exists().where(Follow.user_id == user.id))):
        mark_seen(user, latest)  # the first follow: nothing before it is news
    db.session.add(
        Follow(
            user_id=user.id,
            initiative_id=initiative.id if initiative else None,
            grant_id=grant.id if grant else None,
            initiative=initiative,
            grant=grant,
            since_id=latest,
        )
    )
    db.session.flush()
