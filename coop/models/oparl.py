"""Objects read from the partners' council information systems (OParl), the runs that read
them, and the resolutions proposed from them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
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

from ..core.enums import Outcome, ProposalState, ResolutionKind
from ..extensions import db
from .base import AuditedMixin, TimestampMixin, UtcDateTime, VersionedMixin, utcnow
from .body import Body, enum_column
from .initiative import Initiative


class OParlObject(db.Model):
    """One object as the body's server sent it, kept so that a later run can derive again
    without fetching."""

    __tablename__ = "oparl_objects"
    __table_args__ = (
        UniqueConstraint("body_id", "oparl_id", name="one_per_body_and_id"),
        Index("ix_oparl_objects_body_type", "body_id", "type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"))
    oparl_id: Mapped[str] = mapped_column(String(1000))
    type: Mapped[str] = mapped_column(String(40))  # Paper, Meeting, AgendaItem, …
    raw: Mapped[dict] = mapped_column(JSON)
    modified: Mapped[str | None] = mapped_column(String(40))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    fetched_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class OParlSync(db.Model):
    """One run of the sync of a body."""

    __tablename__ = "oparl_syncs"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    incremental_since: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ok: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    message: Mapped[str | None] = mapped_column(Text)


class Proposal(AuditedMixin, TimestampMixin, VersionedMixin, db.Model):
    """A resolution found in a council information system, waiting to be confirmed.

    Goes with its initiative or its body (audited); when the resolution it was confirmed into is
    deleted, it stays, unlinked (`resolution_id` empty)."""

    __tablename__ = "proposals"
    __table_args__ = (UniqueConstraint("body_id", "consultation_id", name="one_per_consultation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    consultation_id: Mapped[str] = mapped_column(String(1000))  # the OParl Consultation id
    paper_id: Mapped[str | None] = mapped_column(String(1000))
    organ: Mapped[str] = mapped_column(String(200))
    authoritative: Mapped[bool] = mapped_column(Boolean, default=True)
    reference: Mapped[str | None] = mapped_column(String(50))
    title: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[ResolutionKind] = mapped_column(
        enum_column(ResolutionKind), default=ResolutionKind.BASIC_DECISION
    )
    session_date: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome))
    votes_yes: Mapped[int | None] = mapped_column(Integer)
    votes_no: Mapped[int | None] = mapped_column(Integer)
    votes_abstain: Mapped[int | None] = mapped_column(Integer)
    result_text: Mapped[str | None] = mapped_column(String(500))
    source_url: Mapped[str | None] = mapped_column(String(500))
    matched_by: Mapped[str | None] = mapped_column(String(200))  # "Drucksache 560/2022", …
    state: Mapped[ProposalState] = mapped_column(
        enum_column(ProposalState), default=ProposalState.OPEN, index=True
    )
    resolution_id: Mapped[int | None] = mapped_column(
        ForeignKey("resolutions.id", ondelete="SET NULL")
    )

    initiative: Mapped[Initiative] = relationship(back_populates="proposals")
    body: Mapped[Body] = relationship(back_populates="proposals")

    def audit_label(self) -> str:
        """What the change history calls a proposal: organ, paper number and session date."""
        return " · ".join(
            x for x in (self.organ, self.reference or "", str(self.session_date or "")) if x
        )


class ResultReading(AuditedMixin, TimestampMixin, db.Model):
    """How a person read a council's result text when confirming a proposal: the next proposal
    with the same text (after spaces and case) takes this reading instead of the parser's."""

    __tablename__ = "result_readings"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(500), unique=True)
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome))
    votes_yes: Mapped[int | None] = mapped_column(Integer)
    votes_no: Mapped[int | None] = mapped_column(Integer)
    votes_abstain: Mapped[int | None] = mapped_column(Integer)

    def audit_label(self) -> str:
        """What the change history calls a reading: the text it reads."""
        return self.text


__all__ = ["OParlObject", "OParlSync", "Proposal", "ResultReading"]


@event.listens_for(Body, "before_delete")
def _synced_objects_go_too(_mapper, connection, body: Body) -> None:
    """What was read from a deleted body's council information system, and the record of the
    runs that read it, go with the body (kept copies, not audited)."""
    connection.execute(delete(OParlObject).where(OParlObject.body_id == body.id))
    connection.execute(delete(OParlSync).where(OParlSync.body_id == body.id))


class PublishedMark(db.Model):
    """An object our own OParl server published that changed shape or went: a deleted
    resolution's consultation, the meeting or paper it leaves empty, the paper whose
    reference changed. The server answers a gone object with a tombstone and moves the
    `modified` of an object that lost an embedded one (OParl 1.1 soft delete)."""

    __tablename__ = "oparl_published_marks"
    __table_args__ = (
        UniqueConstraint("kind", "key", name="uq_oparl_published_marks_kind_key"),
        Index("ix_oparl_published_marks_body_kind_touched", "body_id", "kind", "touched_at"),
        # the System's and the bodies list's latest removal, over every body
        Index("ix_oparl_published_marks_touched_at", "touched_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # organization, meeting, paper, consultation, …
    key: Mapped[str] = mapped_column(String(120))  # the key in the object's URL
    body_id: Mapped[int] = mapped_column(Integer)
    # the columns the server groups by, so that lists can join the marks in SQL
    organ: Mapped[str | None] = mapped_column(String(200))
    day: Mapped[date | None] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(50))
    ref_id: Mapped[int | None] = mapped_column(Integer)  # resolution or document id
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    touched_at: Mapped[datetime] = mapped_column(UtcDateTime)
