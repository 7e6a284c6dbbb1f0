"""Resolution: one decision, or scheduled decision, of one organ of one body on one
initiative; and Document, an uploaded paper kept in the database."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..core.enums import Outcome, ResolutionKind
from ..extensions import db
from .base import AuditedMixin, ExternalIdMixin, TimestampMixin, VersionedMixin
from .body import Body, enum_column
from .initiative import Initiative

if TYPE_CHECKING:
    from .oparl import Proposal


class Document(AuditedMixin, TimestampMixin, db.Model):
    """An uploaded file. Kept in the database rather than on a disk, so that every app
    instance sharing the database serves the same files; the bytes load only when asked for."""

    __tablename__ = "documents"
    __audit_exclude__ = (*AuditedMixin.__audit_exclude__, "content")

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))  # the original name, shown and served
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))

    def audit_label(self) -> str:
        """What the change history calls a stored paper: its file name."""
        return self.file_name


class Resolution(AuditedMixin, ExternalIdMixin, TimestampMixin, VersionedMixin, db.Model):
    """One decision, or scheduled decision, of one organ of one body on one initiative.

    Deleting a resolution (coop.resolutions.services.delete_resolution, or with its
    initiative): its tasks and its stored paper go with it, each audited; a proposal that was
    confirmed into it is unlinked and kept; our OParl server marks what it published of it as
    deleted (coop.oparl.marks). Nothing refuses it.
    """

    __tablename__ = "resolutions"
    __table_args__ = (
        *(
            CheckConstraint(f"{c} IS NULL OR {c} >= 0", name=f"{c}_not_negative")
            for c in ("votes_yes", "votes_no", "votes_abstain")
        ),
        # the OParl server pages a body's public resolutions and filters them by modification
        Index("ix_resolutions_body_public_id", "body_id", "public", "id"),
        Index("ix_resolutions_modified_at", "modified_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="RESTRICT"), index=True)
    # The council, or a committee by name (e.g. "Hauptausschuss").
    organ: Mapped[str] = mapped_column(String(200))
    # This organ decides (OParl Consultation.authoritative); a committee's recommendation does not.
    authoritative: Mapped[bool] = mapped_column(Boolean, default=True)
    reference: Mapped[str | None] = mapped_column(String(50), index=True)  # Drucksache-Nr.
    title: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[ResolutionKind] = mapped_column(enum_column(ResolutionKind))
    session_date: Mapped[date] = mapped_column(Date, index=True)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    outcome: Mapped[Outcome] = mapped_column(enum_column(Outcome))
    votes_yes: Mapped[int | None] = mapped_column(Integer)
    votes_no: Mapped[int | None] = mapped_column(Integer)
    votes_abstain: Mapped[int | None] = mapped_column(Integer)
    result_text: Mapped[str | None] = mapped_column(String(500))  # e.g. "einstimmig"
    resolution_text: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(String(500))
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True
    )

    initiative: Mapped[Initiative] = relationship(back_populates="resolutions")
    body: Mapped[Body] = relationship()
    # the paper goes with the resolution (a paper belongs to one resolution only)
    document: Mapped[Document | None] = relationship(cascade="save-update, merge, delete")
    tasks: Mapped[list[ResolutionTask]] = relationship(
        back_populates="resolution", cascade="all", order_by="ResolutionTask.id"
    )
    # no delete cascade: the ORM empties `resolution_id` of each (audited)
    proposals: Mapped[list[Proposal]] = relationship(order_by="Proposal.id")

    def __repr__(self) -> str:
        return f"<Resolution {self.id} {self.reference!r} {self.outcome}>"

    def audit_label(self) -> str:
        """What the change history calls a resolution: organ, paper number and session date."""
        parts = [self.organ, self.reference or "", str(self.session_date or "")]
        return " · ".join(p for p in parts if p)


class ResolutionTask(AuditedMixin, TimestampMixin, db.Model):
    """What a decided resolution requires to be done (Beschlusskontrolle): what, who, by when,
    and when it was done. Goes with its resolution (Resolution.tasks)."""

    __tablename__ = "resolution_tasks"
    __audit_context__ = ("Initiative", "initiative_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    resolution_id: Mapped[int] = mapped_column(
        ForeignKey("resolutions.id", ondelete="CASCADE"), index=True
    )
    # the resolution's initiative, kept here so that an initiative's or a district's open
    # tasks are one indexed lookup
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    # who: an office or a person, as the council's resolution names them
    responsible: Mapped[str | None] = mapped_column(String(200))
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    done_on: Mapped[date | None] = mapped_column(Date)

    resolution: Mapped[Resolution] = relationship(back_populates="tasks")
    initiative: Mapped[Initiative] = relationship()

    def audit_label(self) -> str:
        """The change history names a task by what is to be done."""
        return self.title
