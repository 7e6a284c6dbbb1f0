"""The recycle bin ("Papierkorb"): what was deleted, kept whole for 30 days so that it can be
restored. See coop/trash.py."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..extensions import db
from .base import UtcDateTime, utcnow


class TrashItem(db.Model):
    """One deleted record with everything that went with it: its rows, table by table, as they
    were stored (`rows`), the references of other records that the delete emptied (`links`),
    and what a person reads about it (`label`, `context`, `counts`)."""

    __tablename__ = "trash_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    # the deleted record: its model's name and id
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(300))
    # what it belonged to, in words ("Vorhaben: E-Rechnung"), if anything
    context: Mapped[str | None] = mapped_column(String(400))
    # the district whose coordinators may restore it (None: only admins and who deleted it)
    district_id: Mapped[int | None] = mapped_column(Integer, index=True)
    deleted_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    deleted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    deleted_by_label: Mapped[str] = mapped_column(String(254))
    # {table name: number of rows} of what went with it
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    rows: Mapped[list] = deferred(mapped_column(JSON, default=list))
    links: Mapped[list] = deferred(mapped_column(JSON, default=list))

    deleted_by = relationship("User", foreign_keys=[deleted_by_id])


__all__ = ["TrashItem"]
