"""What happened on an initiative or a grant, for those who follow it: one row per event,
added in the same transaction as the change (so an activity exists exactly when its change was
stored). The services call `record`; coop/reminders/notifications.py reads and words them."""

from __future__ import annotations

from .audit import current_actor
from .extensions import db
from .models import Activity


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
