"""Initiative: a shared service that bodies set up together, with its participants, milestones
and the dated history of its phases."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    delete,
    event,
    insert,
    select,
    union,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.enums import LegalForm, ParticipantRole, Phase, ServiceArea
from ..extensions import db
from .base import (
    AuditedMixin,
    ExternalIdMixin,
    TimestampMixin,
    UtcDateTime,
    VersionedMixin,
    utcnow,
)
from .body import Body, enum_column

if TYPE_CHECKING:
    from .activity import Follow
    from .funding import Grant
    from .oparl import Proposal
    from .resolution import Resolution
    from .savings import CostModel
    from .search import SavedSearch

# Roles whose council has to decide (the others are interested or have left).
DECIDING_ROLES = (ParticipantRole.LEAD, ParticipantRole.PARTNER)


class Initiative(AuditedMixin, ExternalIdMixin, TimestampMixin, VersionedMixin, db.Model):
    """A shared service that bodies set up together.

    Deleting an initiative (coop.initiatives.services.delete_initiative), one rule on SQLite
    and PostgreSQL alike:

    ==============================  ================================================================
    goes with it, each audited      participants, milestones, phase changes, nudges, follows,
                                    proposals from council information systems, savings estimates
                                    (with all their parts), resolutions (with their tasks and
                                    papers; see Resolution), grants still planned or rejected
                                    (with tranches, papers and follows; see Grant)
    goes with it, derived           the districts it touches, its activities, its search entry
    is unlinked, kept               saved searches naming it (they stay their owners')
    refuses while                   a grant of it has been applied for or granted (`ON_FILE`
                                    in funding.py): that file is kept; delete the grant on its
                                    own page first if it was entered by mistake
    ==============================  ================================================================

    The relationships below carry the rule (`cascade`), so that the audit trail sees every
    record that goes; the derived rows go in `_derived_rows_go_too`.
    """

    __tablename__ = "initiatives"
    __table_args__ = (
        CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
            name="end_after_start",
        ),
        # the OParl lists' Last-Modified reads the latest change (coop/oparl/server.py)
        Index("ix_initiatives_modified_at", "modified_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    service_area: Mapped[ServiceArea] = mapped_column(enum_column(ServiceArea), index=True)
    phase: Mapped[Phase] = mapped_column(enum_column(Phase), index=True)
    legal_form: Mapped[LegalForm] = mapped_column(
        enum_column(LegalForm), default=LegalForm.UNDECIDED
    )
    lead_body_id: Mapped[int | None] = mapped_column(
        ForeignKey("bodies.id", ondelete="RESTRICT"), index=True
    )
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)  # None: open-ended
    public: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # Words that find the initiative's papers in the partners' council information systems.
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)

    lead_body: Mapped[Body | None] = relationship(foreign_keys=[lead_body_id])
    participants: Mapped[list[Participant]] = relationship(
        back_populates="initiative", cascade="all, delete-orphan", order_by="Participant.id"
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="initiative",
        cascade="all, delete-orphan",
        order_by="(Milestone.due_on, Milestone.id)",
    )
    phase_changes: Mapped[list[PhaseChange]] = relationship(
        back_populates="initiative",
        cascade="all, delete-orphan",
        order_by="(PhaseChange.changed_on, PhaseChange.id)",
    )
    # The rest of what goes with the initiative (or is unlinked from it) when it is deleted;
    # read only then: the pages load these records through their own queries.
    resolutions: Mapped[list[Resolution]] = relationship(
        back_populates="initiative", cascade="all", order_by="Resolution.id"
    )
    grants: Mapped[list[Grant]] = relationship(
        back_populates="initiative", cascade="all", order_by="Grant.id"
    )
    cost_models: Mapped[list[CostModel]] = relationship(
        back_populates="initiative", cascade="all", order_by="CostModel.id"
    )
    nudges: Mapped[list[Nudge]] = relationship(cascade="all", order_by="Nudge.id")
    proposals: Mapped[list[Proposal]] = relationship(
        back_populates="initiative", cascade="all", order_by="Proposal.id"
    )
    follows: Mapped[list[Follow]] = relationship(
        back_populates="initiative", cascade="all", order_by="Follow.id"
    )
    # no delete cascade: the ORM empties `initiative_id` of each (audited)
    saved_searches: Mapped[list[SavedSearch]] = relationship(
        back_populates="initiative", order_by="SavedSearch.id"
    )

    def __repr__(self) -> str:
        return f"<Initiative {self.id} {self.title!r}>"

    def audit_label(self) -> str:
        """What the change history calls an initiative: its title."""
        return self.title

    @property
    def deciding_participants(self) -> list[Participant]:
        """The participants whose councils decide (lead and partners), not the observers."""
        return [p for p in self.participants if p.role in DECIDING_ROLES]


class Participant(AuditedMixin, db.Model):
    """A body's part in an initiative; one row per body (re-joining changes role and dates)."""

    __tablename__ = "initiative_participants"
    __audit_context__ = ("Initiative", "initiative_id")
    __table_args__ = (
        UniqueConstraint("initiative_id", "body_id", name="one_row_per_body"),
        CheckConstraint(
            "left_on IS NULL OR joined_on IS NULL OR left_on >= joined_on", name="left_after_joined"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="RESTRICT"), index=True)
    role: Mapped[ParticipantRole] = mapped_column(enum_column(ParticipantRole))
    joined_on: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)

    initiative: Mapped[Initiative] = relationship(back_populates="participants")
    body: Mapped[Body] = relationship()

    def audit_label(self) -> str:
        """What the change history calls a participation: the body's name."""
        return self.body.name if self.body else str(self.body_id)


class Milestone(AuditedMixin, db.Model):
    __tablename__ = "milestones"
    __audit_context__ = ("Initiative", "initiative_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)

    initiative: Mapped[Initiative] = relationship(back_populates="milestones")

    def audit_label(self) -> str:
        """What the change history calls a milestone: its title."""
        return self.title


class PhaseChange(AuditedMixin, db.Model):
    """The initiative entered `phase` on `changed_on`."""

    __tablename__ = "phase_changes"
    __audit_context__ = ("Initiative", "initiative_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    phase: Mapped[Phase] = mapped_column(enum_column(Phase))
    changed_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))

    initiative: Mapped[Initiative] = relationship(back_populates="phase_changes")

    def audit_label(self) -> str:
        """What the change history calls a phase change: phase and day."""
        return f"{self.phase} {self.changed_on}"


class InitiativeDistrict(db.Model):
    """A district that an initiative touches: its lead's or any participant's district.

    Derived and kept by the initiatives service, so that "initiatives of district X" is one
    indexed lookup instead of a search through every participant."""

    __tablename__ = "initiative_districts"

    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    district_id: Mapped[int] = mapped_column(
        ForeignKey("bodies.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    @staticmethod
    def refresh(session, initiative_ids) -> None:
        """Recompute the rows of these initiatives: two statements per 1,000 initiatives."""
        ids = list(initiative_ids)
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            session.execute(
                delete(InitiativeDistrict).where(InitiativeDistrict.initiative_id.in_(chunk))
            )
            via_participants = (
                select(Participant.initiative_id, Body.district_id)
                .join(Body, Body.id == Participant.body_id)
                .where(Participant.initiative_id.in_(chunk), Body.district_id.is_not(None))
            )
            via_lead = (
                select(Initiative.id, Body.district_id)
                .join(Body, Body.id == Initiative.lead_body_id)
                .where(Initiative.id.in_(chunk), Body.district_id.is_not(None))
            )
            session.execute(
                insert(InitiativeDistrict).from_select(
                    ["initiative_id", "district_id"], union(via_participants, via_lead)
                )
            )

    @staticmethod
    def refresh_for_body(session, body_id: int) -> None:
        """After a body moved to another district: the initiatives it takes part in or leads."""
        ids = session.scalars(
            select(Participant.initiative_id)
            .where(Participant.body_id == body_id)
            .union(select(Initiative.id).where(Initiative.lead_body_id == body_id))
        ).all()
        InitiativeDistrict.refresh(session, ids)


@event.listens_for(Initiative, "before_delete")
def _derived_rows_go_too(_mapper, connection, initiative: Initiative) -> None:
    """The districts an initiative touches are derived: they go with it, in the same flush and
    on either database (the foreign key's ON DELETE CASCADE is the database's backstop)."""
    connection.execute(
        delete(InitiativeDistrict).where(InitiativeDistrict.initiative_id == initiative.id)
    )


@event.listens_for(Body, "before_delete")
def _district_rows_go_too(_mapper, connection, body: Body) -> None:
    """Rows naming a deleted body as an initiative's district go with it (derived)."""
    connection.execute(delete(InitiativeDistrict).where(InitiativeDistrict.district_id == body.id))


__all__ = [
    "DECIDING_ROLES",
    "Initiative",
    "InitiativeDistrict",
    "Milestone",
    "Participant",
    "PhaseChange",
]


class Nudge(AuditedMixin, db.Model):
    """A partner reminded, now and by hand, to decide on an initiative: who sent what to whom.

    One per initiative, body and day (the database's rule, for every app instance), so that
    nobody is nudged twice a day however many coordinators click. Goes with its initiative or
    its body (Initiative.nudges, Body.nudges)."""

    __tablename__ = "nudges"
    __audit_context__ = ("Initiative", "initiative_id")
    __audit_exclude__ = (*AuditedMixin.__audit_exclude__, "message")
    __table_args__ = (
        UniqueConstraint("initiative_id", "body_id", "sent_on", name="one_nudge_a_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"))
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sender_name: Mapped[str] = mapped_column(String(254))
    sent_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(String(300))
    message: Mapped[str] = mapped_column(Text)

    body: Mapped[Body] = relationship(back_populates="nudges")

    def audit_label(self) -> str:
        """The change history names a nudge by its body."""
        return self.body.name if self.body is not None else str(self.body_id)
