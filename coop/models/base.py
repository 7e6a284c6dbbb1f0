"""Shared columns of civic records: timestamps, optimistic-locking version, external id."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current time in UTC (a callable default, evaluated per row)."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator):
    """A point in time, always with its zone. PostgreSQL keeps the zone; SQLite returns the
    stored UTC value without one, which this gives back (so every reader gets aware times)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value, dialect):
        """A stored time read back as UTC (SQLite keeps no time zone)."""
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class TimestampMixin:
    """created_at / modified_at in UTC."""

    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class VersionedMixin:
    """A version counter; SQLAlchemy refuses an UPDATE whose version no longer matches."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):  # noqa: N805 - declared_attr receives the class
        return {"version_id_col": cls.version}


class AuditedMixin:
    """Marks a model whose creates, updates and deletes go into the audit trail.

    `__audit_exclude__` names columns that are derived or secret; a secret column listed in
    `__audit_redact__` is recorded as changed without its values.
    """

    __audit_exclude__: tuple[str, ...] = ("id", "created_at", "modified_at", "version")
    __audit_redact__: tuple[str, ...] = ()
    # (entity type, foreign-key attribute) of the record this one is part of, if any.
    __audit_context__: tuple[str, str] | None = None

    def audit_label(self) -> str:
        """What the change history calls this record: its name, else its id."""
        return str(getattr(self, "name", None) or getattr(self, "id", ""))


class ExternalIdMixin:
    """The id of the record in an outside system (OParl URL), where it came from there."""

    external_id: Mapped[str | None] = mapped_column(String(500), index=True)
