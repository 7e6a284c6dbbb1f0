"""Limits on how often an action may be used (the accessibility feedback form, which sends an
e-mail to the operator and can be used without signing in). Counted in the database, so that
every instance shares the count; the statement bypasses the ORM and so neither the audit
trail nor the page cache's data generation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete

from .extensions import db
from .models.base import utcnow
from .models.ratelimit import RateLimit


def window_start(now: datetime, window: timedelta) -> datetime:
    """The start of the fixed window `now` falls in."""
    seconds = int(window.total_seconds())
    stamp = int(now.timestamp()) // seconds * seconds
    return datetime.fromtimestamp(stamp, UTC)


def hit(key: str, limit: int, window: timedelta) -> bool:
    """Count one use of `key` in the current window; False when it goes beyond `limit` (the
    use is counted all the same). The caller commits."""
    table = RateLimit.__table__
    start = window_start(utcnow(), window)
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table).values(key=key[:200], window_start=start, count=1)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.key, table.c.window_start],
        set_={"count": table.c.count + 1},
    ).returning(table.c.count)
    return db.session.execute(statement).scalar_one() <= limit


def forget_old(days: int = 1) -> int:
    """Remove the counts of windows that started more than `days` ago."""
    result = db.session.execute(
        delete(RateLimit.__table__).where(
            RateLimit.__table__.c.window_start < utcnow() - timedelta(days=days)
        )
    )
    return result.rowcount or 0
