"""The audit trail: who changed which record when, field by field. Written only by the
flush hook in `coop/audit.py`; nothing in the app edits it."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.enums import AuditAction
from ..extensions import db
from .base import UtcDateTime, utcnow
from .body import enum_column


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_entity", "entity_type", "entity_id"),
        Index("ix_audit_entries_context", "context_type", "context_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # Kept as text too, so the trail still says who it was after the account is gone.
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction, 10))
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int] = mapped_column(Integer)
    entity_label: Mapped[str] = mapped_column(String(300))
    # The record a part belongs to (a participant's initiative), so that the whole's history
    # shows its parts' changes, deleted ones included.
    context_type: Mapped[str | None] = mapped_column(String(50))
    context_id: Mapped[int | None] = mapped_column(Integer)
    # {field: [old, new]}; values as JSON-safe strings/numbers.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    actor = relationship("User", foreign_keys=[actor_id])
