"""Funding: programmes (their rules as data), grants with tranches and documents, and the record
of reminders sent and scheduler runs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.enums import GrantStatus, TrancheState
from ..core.money import day, money
from ..extensions import db
from .base import AuditedMixin, TimestampMixin, UtcDateTime, VersionedMixin, utcnow
from .body import enum_column
from .initiative import Initiative
from .resolution import Document

if TYPE_CHECKING:
    from .activity import Follow

# Euro amounts to the cent, up to 999 billion; rates as fractions with four places (0.9000).
Money = Numeric(14, 2, asdecimal=True)
Rate = Numeric(5, 4, asdecimal=True)


def _not_negative(*columns: str) -> tuple[CheckConstraint, ...]:
    return tuple(
        CheckConstraint(f"{c} IS NULL OR {c} >= 0", name=f"{c}_not_negative") for c in columns
    )


class FundingProgram(AuditedMixin, TimestampMixin, VersionedMixin, db.Model):
    """A funding programme. Every limit is optional: one left empty is no condition.

    Deleting a programme (coop.funding.services.delete_program) refuses while any grant uses
    it (the grants' figures are checked against its rules); nothing else hangs on it."""

    __tablename__ = "funding_programs"
    __table_args__ = (
        *_not_negative(
            "base_amount",
            "amount_per_additional_partner",
            "min_duration_years",
            "min_savings_rate",
            "amount_per_project",
            "single_state_partner_amount",
            "amount_per_member",
            "min_eligible_costs",
            "region_amount",
        ),
        CheckConstraint(
            "rate_with_attribute IS NULL "
            "OR (rate_with_attribute >= 0 AND rate_with_attribute <= 1)",
            name="rate_with_attribute_fraction",
        ),
        CheckConstraint(
            "max_funding_rate IS NULL OR (max_funding_rate >= 0 AND max_funding_rate <= 1)",
            name="funding_rate_fraction",
        ),
        CheckConstraint(
            "min_savings_rate IS NULL OR min_savings_rate <= 1", name="savings_rate_fraction"
        ),
        CheckConstraint("base_partners IS NULL OR base_partners >= 1", name="base_partners_min"),
        CheckConstraint("min_partners IS NULL OR min_partners >= 1", name="min_partners_min"),
        CheckConstraint(
            "justification_below_partners IS NULL OR justification_below_partners >= 1",
            name="justification_below_partners_min",
        ),
        CheckConstraint(
            "application_until IS NULL OR application_from IS NULL "
            "OR application_until >= application_from",
            name="window_in_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    provider: Mapped[str | None] = mapped_column(String(300))
    state: Mapped[str | None] = mapped_column(String(2))  # federal state key; None: federal/EU
    legal_basis: Mapped[str | None] = mapped_column(String(500))
    legal_basis_url: Mapped[str | None] = mapped_column(String(500))
    base_amount: Mapped[Decimal | None] = mapped_column(Money)
    base_partners: Mapped[int | None] = mapped_column(Integer)
    amount_per_additional_partner: Mapped[Decimal | None] = mapped_column(Money)
    max_funding_rate: Mapped[Decimal | None] = mapped_column(Rate)
    min_partners: Mapped[int | None] = mapped_column(Integer)
    min_duration_years: Mapped[int | None] = mapped_column(Integer)
    min_savings_rate: Mapped[Decimal | None] = mapped_column(Rate)
    requires_all_council_resolutions: Mapped[bool] = mapped_column(Boolean, default=False)
    application_from: Mapped[date | None] = mapped_column(Date)
    application_until: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    # rules beyond the base formula (issue 14); see coop.core.funding_check.ProgramTerms
    amount_tiers: Mapped[list] = mapped_column(JSON, default=list)  # [{min_partners, amount}]
    amount_per_project: Mapped[Decimal | None] = mapped_column(Money)
    # per member municipality where the partners form an administrative union (Hessen)
    amount_per_member: Mapped[Decimal | None] = mapped_column(Money)
    count_partners_in_state_only: Mapped[bool] = mapped_column(Boolean, default=False)
    single_state_partner_amount: Mapped[Decimal | None] = mapped_column(Money)
    min_eligible_costs: Mapped[Decimal | None] = mapped_column(Money)
    region_attribute: Mapped[str | None] = mapped_column(String(50))
    region_amount: Mapped[Decimal | None] = mapped_column(Money)
    rate_attribute: Mapped[str | None] = mapped_column(String(50))
    rate_with_attribute: Mapped[Decimal | None] = mapped_column(Rate)
    no_start_before_application: Mapped[bool] = mapped_column(Boolean, default=False)
    justification_below_partners: Mapped[int | None] = mapped_column(Integer)
    savings_or_improvement: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def tiers(self) -> list[tuple[int, Decimal]]:
        """The amount tiers as (from partners, amount), ascending."""
        rows = self.amount_tiers or []
        return [(int(t["min_partners"]), Decimal(str(t["amount"]))) for t in rows]

    def __repr__(self) -> str:
        return f"<FundingProgram {self.id} {self.name!r}>"

    def audit_label(self) -> str:
        """What the change history calls a programme: its name."""
        return self.name


# A grant in these states is on file with the funding body (applied for) or has money granted:
# it does not go with its initiative (see Initiative).
ON_FILE = (GrantStatus.APPLIED, GrantStatus.APPROVED, GrantStatus.DISBURSING, GrantStatus.CLOSED)


class Grant(AuditedMixin, TimestampMixin, VersionedMixin, db.Model):
    """One application for, and grant of, a programme's money to an initiative.

    Deleting a grant (coop.funding.services.delete_grant, or with its initiative while it is
    planned or rejected, not `ON_FILE`): its tranches, its papers (with their stored files) and
    the follows of it go with it, each audited, and its activities (derived). Nothing refuses
    it.
    """

    __tablename__ = "grants"
    __audit_exclude__ = (
        *AuditedMixin.__audit_exclude__,
        "open_conditions",
        "checked_on",
        "check_generation",
    )
    __table_args__ = (
        *_not_negative("eligible_costs", "amount_requested", "amount_granted"),
        CheckConstraint(
            "period_end IS NULL OR period_start IS NULL OR period_end >= period_start",
            name="period_in_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="RESTRICT"), index=True
    )
    program_id: Mapped[int] = mapped_column(
        ForeignKey("funding_programs.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[GrantStatus] = mapped_column(enum_column(GrantStatus), index=True)
    reference: Mapped[str | None] = mapped_column(String(100))  # file number (Aktenzeichen)
    application_date: Mapped[date | None] = mapped_column(Date, index=True)
    eligible_costs: Mapped[Decimal | None] = mapped_column(Money)
    amount_requested: Mapped[Decimal | None] = mapped_column(Money)
    amount_granted: Mapped[Decimal | None] = mapped_column(Money)
    grant_letter_date: Mapped[date | None] = mapped_column(Date)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    proof_of_use_due: Mapped[date | None] = mapped_column(Date, index=True)
    proof_of_use_submitted: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    # why fewer partners than the programme's usual number (Hessen: two municipalities)
    justification: Mapped[str | None] = mapped_column(Text)
    # a service improvement instead of the savings, and the person who confirmed it
    service_improvement: Mapped[str | None] = mapped_column(Text)
    improvement_confirmed_by: Mapped[str | None] = mapped_column(String(200))
    improvement_confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The funding check as last computed, for filtering and counting thousands of grants:
    # the number of open conditions, on which day, and the generation of its inputs. Any change
    # to an input (the grant, its programme, the initiative's partners, resolutions or savings
    # estimate) clears `checked_on` and bumps `check_generation` in the same transaction, in the
    # database, so every app instance sees it; the check is then computed again.
    open_conditions: Mapped[int | None] = mapped_column(Integer)
    checked_on: Mapped[date | None] = mapped_column(Date, index=True)
    check_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    initiative: Mapped[Initiative] = relationship(back_populates="grants")
    program: Mapped[FundingProgram] = relationship()
    tranches: Mapped[list[Tranche]] = relationship(
        back_populates="grant",
        cascade="all, delete-orphan",
        order_by="(Tranche.due_on, Tranche.id)",
    )
    documents: Mapped[list[GrantDocument]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="GrantDocument.id"
    )
    follows: Mapped[list[Follow]] = relationship(
        back_populates="grant", cascade="all", order_by="Follow.id"
    )

    def __repr__(self) -> str:
        return f"<Grant {self.id} {self.status}>"

    def audit_label(self) -> str:
        """What the change history calls a grant: programme and initiative."""
        program = self.program.name if self.program else self.program_id
        initiative = self.initiative.title if self.initiative else self.initiative_id
        return f"{program} · {initiative}"


class Tranche(AuditedMixin, db.Model):
    """One call of funds (Mittelabruf)."""

    __tablename__ = "grant_tranches"
    __audit_context__ = ("Grant", "grant_id")
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    state: Mapped[TrancheState] = mapped_column(enum_column(TrancheState))

    grant: Mapped[Grant] = relationship(back_populates="tranches")

    def audit_label(self) -> str:
        """What the change history calls a tranche: its date and amount."""
        return f"{day(self.due_on)}, {money(self.amount)}"


class GrantDocument(AuditedMixin, db.Model):
    """A paper of the grant file: application, grant letter, proof of use."""

    __tablename__ = "grant_documents"
    __audit_context__ = ("Grant", "grant_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))

    grant: Mapped[Grant] = relationship(back_populates="documents")
    # the stored file goes with its place in the grant file (it belongs to it alone)
    document: Mapped[Document] = relationship(cascade="save-update, merge, delete")

    def audit_label(self) -> str:
        """What the change history calls a grant's paper: its title."""
        return self.title


class ReminderSent(db.Model):
    """A reminder that went out; the key makes each reminder go to each person once."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("key", "user_id", name="once_per_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class SchedulerRun(db.Model):
    """One run of a scheduled job: which process ran it, when, and what it did."""

    __tablename__ = "scheduler_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(100), index=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    summary: Mapped[str | None] = mapped_column(String(1000))


__all__ = [
    "ON_FILE",
    "FundingProgram",
    "Grant",
    "GrantDocument",
    "ReminderSent",
    "SchedulerRun",
    "Tranche",
]
