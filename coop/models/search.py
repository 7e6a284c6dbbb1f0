"""The search index over the partners' synced papers and our own initiatives and resolutions,
and the searches people keep."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import AuditedMixin, TimestampMixin, UtcDateTime, utcnow
from .body import Body
from .initiative import Initiative
from .user import User


class SearchEntry(db.Model):
    """One searchable thing: a synced paper (with its consultations and results), an
    initiative or a resolution. `document` is the text searched (PostgreSQL: a GIN index on
    its German tsvector; SQLite: the FTS5 table search_fts, kept by triggers)."""

    __tablename__ = "search_entries"
    __table_args__ = (
        UniqueConstraint("kind", "ref_id", name="uq_search_entries_kind_ref"),
        Index("ix_search_entries_body_day", "body_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # paper, initiative, resolution
    ref_id: Mapped[int] = mapped_column(Integer)  # oparl_objects, initiatives or resolutions id
    body_id: Mapped[int | None] = mapped_column(Integer)
    organ: Mapped[str | None] = mapped_column(String(500))
    paper_type: Mapped[str | None] = mapped_column(String(200))
    day: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(500))
    reference: Mapped[str | None] = mapped_column(String(100))
    url: Mapped[str | None] = mapped_column(String(1000))  # the paper at its source
    document: Mapped[str] = mapped_column(Text)
    indexed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)


class SavedSearch(AuditedMixin, TimestampMixin, db.Model):
    """A search a person keeps: they hear of each new paper that matches, and, when it names
    an initiative, the new papers are proposed to it.

    Goes with the body it is limited to (Body.saved_searches) and with an anonymised account;
    a deleted initiative it names is unlinked (Initiative.saved_searches), the search stays."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    query: Mapped[str] = mapped_column(String(500))
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"))
    kind: Mapped[str | None] = mapped_column(String(20))
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="SET NULL")
    )
    # what the owner has heard of: entries indexed after this are new
    notified_until: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    __audit_exclude__ = ("id", "created_at", "modified_at", "notified_until")

    user: Mapped[User] = relationship()
    initiative: Mapped[Initiative | None] = relationship(back_populates="saved_searches")


@event.listens_for(Body, "before_delete")
def _paper_entries_go_too(_mapper, connection, body: Body) -> None:
    """The index entries of a deleted body's synced papers go with it (the papers go too,
    coop.models.oparl); entries of our own records go with those (coop.search.services)."""
    connection.execute(
        delete(SearchEntry).where(SearchEntry.kind == "paper", SearchEntry.body_id == body.id)
    )
