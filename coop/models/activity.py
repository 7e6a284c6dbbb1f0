"""Activity and Follow: what happened on an initiative or a grant (a resolution recorded, a new
phase, a proposal from a council information system, conditions met), and who follows it.

One row per event, however many follow it: each person's notifications are the activities of
what they follow after the last one they saw (`User.seen_activity_id`), so nothing is written
per follower and nothing goes stale when an instance is added."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    delete,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import AuditedMixin, UtcDateTime, utcnow
from .funding import Grant
from .initiative import Initiative

ACTIVITY_KINDS = ("resolution", "phase", "proposal", "conditions")


class Activity(db.Model):
    """One event on an initiative or a grant; goes with either when it is deleted (derived,
    not audited: see `_activities_go_too`)."""

    __tablename__ = "activities"
    __table_args__ = (
        Index("ix_activities_initiative_id_id", "initiative_id", "id"),
        Index("ix_activities_grant_id_id", "grant_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE")
    )
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"))
    # who did it (nobody is told of their own changes); None for the system
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # what the sentence needs: names, codes and dates as text (rendered in the reader's language)
    params: Mapped[dict] = mapped_column(JSON, default=dict)

    initiative: Mapped[Initiative | None] = relationship()
    grant: Mapped[Grant | None] = relationship()


class Follow(AuditedMixin, db.Model):
    """A person follows an initiative or a grant, from `since_id` on; the follow goes with what
    it follows (Initiative.follows, Grant.follows) and with an anonymised account."""

    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("user_id", "initiative_id", name="one_follow_per_initiative"),
        UniqueConstraint("user_id", "grant_id", name="one_follow_per_grant"),
        CheckConstraint("(initiative_id IS NULL) <> (grant_id IS NULL)", name="follows_one_thing"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    grant_id: Mapped[int | None] = mapped_column(
        ForeignKey("grants.id", ondelete="CASCADE"), index=True
    )
    # the last activity before following: only later ones are news
    since_id: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    initiative: Mapped[Initiative | None] = relationship(back_populates="follows")
    grant: Mapped[Grant | None] = relationship(back_populates="follows")

    def audit_label(self) -> str:
        """The change history names a follow by what is followed."""
        if self.initiative is not None:
            return self.initiative.title
        if self.grant is not None:
            return self.grant.audit_label()
        return ""


@event.listens_for(Initiative, "before_delete")
@event.listens_for(Grant, "before_delete")
def _activities_go_too(_mapper, connection, target: Initiative | Grant) -> None:
    """What happened on a deleted initiative or grant goes with it, in the same flush and on
    either database (the foreign keys' ON DELETE CASCADE is the database's backstop)."""
    column = Activity.initiative_id if isinstance(target, Initiative) else Activity.grant_id
    connection.execute(delete(Activity).where(column == target.id))
