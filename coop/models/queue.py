"""QueuedTask: a job of the queue on SQLite (the embedded default). On PostgreSQL the queue
is procrastinate's own tables; see `coop.queue`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UtcDateTime, utcnow


class QueuedTask(db.Model):
    """One deferred task: todo → doing (a worker, its heartbeat) → succeeded or failed. A job
    in `doing` whose heartbeat is older than QUEUE_STALLED_SECONDS lost its worker and is
    claimed again."""

    __tablename__ = "queued_tasks"
    __table_args__ = (Index("ix_queued_tasks_state_id", "state", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(String(100))
    args: Mapped[dict] = mapped_column(JSON, default=dict)
    lock: Mapped[str | None] = mapped_column(String(100), index=True)
    state: Mapped[str] = mapped_column(String(20), default="todo")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(255))
    heartbeat_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    error: Mapped[str | None] = mapped_column(Text)


__all__ = ["QueuedTask"]
