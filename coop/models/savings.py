"""Savings estimates: cost-rate tables (KGSt), and per initiative one or more cost models
(scenarios) with partners, cost lines, one-off costs and funding."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.enums import (
    AllocationKey,
    CostCategory,
    CostEventKind,
    CostSection,
    DiscountTiming,
    EmploymentKind,
)
from ..core.money import money
from ..extensions import db
from .base import AuditedMixin, TimestampMixin, VersionedMixin
from .body import Body, enum_column
from .funding import Money
from .initiative import Initiative

Fraction = Numeric(9, 6, asdecimal=True)


class CostRateTable(AuditedMixin, TimestampMixin, VersionedMixin, db.Model):
    """Full costs of a workplace by pay grade, with the hours of a working year: the annual
    figure as published (the source), the hourly rate derived from it, or, for a table that
    publishes hourly rates only, the hourly rate.

    Tables are not deleted (no page or endpoint does); the database refuses while an estimate
    uses one (RESTRICT), and its rates would go with it."""

    __tablename__ = "cost_rate_tables"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)  # "KGSt 2025/26"
    year: Mapped[str] = mapped_column(String(20))  # "2025/26"
    source: Mapped[str] = mapped_column(String(500))
    hours_employee: Mapped[int] = mapped_column(Integer)  # 1.561
    hours_civil_servant: Mapped[int] = mapped_column(Integer)  # 1.602
    notes: Mapped[str | None] = mapped_column(Text)

    rates: Mapped[list[CostRate]] = relationship(
        back_populates="table", cascade="all, delete-orphan", order_by="CostRate.pay_grade"
    )

    @property
    def rates_in_order(self) -> list[CostRate]:
        """The rates as the published tables list them: employees (E) before civil servants
        (A), each by grade number (E9a, E9b … E15; A6 … A16)."""

        def key(rate: CostRate):
            grade = "".join(rate.pay_grade.split()).upper()  # "E 9a" as "E9A"
            digits = "".join(ch for ch in grade[1:] if ch.isdigit())
            return (0 if grade.startswith("E") else 1, grade[:1], int(digits or 0), grade)

        return sorted(self.rates, key=key)

    def audit_label(self) -> str:
        """What the change history calls a cost-rate table: its name."""
        return self.name


class CostRate(AuditedMixin, db.Model):
    __tablename__ = "cost_rates"
    __audit_context__ = ("CostRateTable", "table_id")
    __table_args__ = (
        UniqueConstraint("table_id", "pay_grade", name="one_rate_per_grade"),
        CheckConstraint("hourly_rate > 0", name="hourly_rate_positive"),
        CheckConstraint("annual_cost IS NULL OR annual_cost > 0", name="annual_cost_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("cost_rate_tables.id", ondelete="CASCADE"), index=True
    )
    pay_grade: Mapped[str] = mapped_column(String(20))  # E9a, A11
    kind: Mapped[EmploymentKind] = mapped_column(enum_column(EmploymentKind))
    hourly_rate: Mapped[Decimal] = mapped_column(Numeric(8, 2, asdecimal=True))
    # the published annual full cost; None where the table publishes hourly rates only
    annual_cost: Mapped[Decimal | None] = mapped_column(Money)

    table: Mapped[CostRateTable] = relationship(back_populates="rates")

    def audit_label(self) -> str:
        """What the change history calls a cost rate: its pay grade."""
        return self.pay_grade


class CostModel(AuditedMixin, TimestampMixin, VersionedMixin, db.Model):
    """One savings estimate (scenario) of an initiative; the primary one counts for funding.

    Deleting an estimate (coop.savings.services.delete_model, or with its initiative): its
    partners, cost lines, one-off costs, payments and yearly values go with it, each audited;
    the next estimate becomes the primary one. Nothing refuses it."""

    __tablename__ = "cost_models"
    __audit_exclude__ = (*AuditedMixin.__audit_exclude__, "savings_rate", "rate_computed")
    __table_args__ = (
        CheckConstraint("horizon_years BETWEEN 1 AND 50", name="horizon_range"),
        CheckConstraint("discount_rate > -1", name="discount_above_minus_one"),
        CheckConstraint("cost_growth_rate > -1", name="growth_above_minus_one"),
        CheckConstraint(
            "base_share IS NULL OR (base_share >= 0 AND base_share <= 1)", name="base_share_range"
        ),
        UniqueConstraint("initiative_id", "name", name="one_name_per_initiative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    first_year: Mapped[int] = mapped_column(Integer)
    # defaults of a new model: coop/savings/schemas.py
    horizon_years: Mapped[int] = mapped_column(Integer)
    discount_rate: Mapped[Decimal] = mapped_column(Numeric(7, 5, asdecimal=True))
    cost_growth_rate: Mapped[Decimal] = mapped_column(Numeric(7, 5, asdecimal=True))
    cost_rate_table_id: Mapped[int] = mapped_column(
        ForeignKey("cost_rate_tables.id", ondelete="RESTRICT"), index=True
    )
    allocation_key: Mapped[AllocationKey] = mapped_column(enum_column(AllocationKey))
    discount_timing: Mapped[DiscountTiming] = mapped_column(
        enum_column(DiscountTiming, length=10), default=DiscountTiming.END, server_default="end"
    )
    base_share: Mapped[Decimal | None] = mapped_column(Fraction)
    notes: Mapped[str | None] = mapped_column(Text)
    # The structural savings rate as computed when the estimate was last saved (the funding
    # check reads it for thousands of grants); `rate_computed` false: compute it when next read.
    savings_rate: Mapped[Decimal | None] = mapped_column(Numeric(12, 8, asdecimal=True))
    rate_computed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    initiative: Mapped[Initiative] = relationship(back_populates="cost_models")
    cost_rate_table: Mapped[CostRateTable] = relationship()
    payments: Mapped[list[CostPayment]] = relationship(
        back_populates="model", cascade="all, delete-orphan", order_by="CostPayment.id"
    )
    partners: Mapped[list[CostModelPartner]] = relationship(
        back_populates="model", cascade="all, delete-orphan", order_by="CostModelPartner.id"
    )
    yearly_values: Mapped[list[CostPartnerYear]] = relationship(
        back_populates="model",
        cascade="all, delete-orphan",
        order_by="(CostPartnerYear.year, CostPartnerYear.id)",
    )
    lines: Mapped[list[CostLine]] = relationship(
        back_populates="model", cascade="all, delete-orphan", order_by="CostLine.id"
    )
    events: Mapped[list[CostEvent]] = relationship(
        back_populates="model",
        cascade="all, delete-orphan",
        order_by="(CostEvent.year, CostEvent.id)",
    )

    @property
    def splits_by_population(self) -> bool:
        """Whether the key splits by population (alone or beside a base share): the key whose
        legal caveat the page shows."""
        return self.allocation_key in (AllocationKey.POPULATION, AllocationKey.BASE_PLUS_VARIABLE)

    def audit_label(self) -> str:
        """What the change history calls a cost model: its scenario name."""
        return self.name


class CostModelPartner(AuditedMixin, db.Model):
    """A partner's values for the allocation key."""

    __tablename__ = "cost_model_partners"
    __audit_context__ = ("CostModel", "model_id")
    __table_args__ = (
        UniqueConstraint("model_id", "body_id", name="one_row_per_partner"),
        CheckConstraint("workstations IS NULL OR workstations >= 0", name="workstations_min"),
        CheckConstraint("cases IS NULL OR cases >= 0", name="cases_min"),
        CheckConstraint(
            "fixed_share IS NULL OR (fixed_share >= 0 AND fixed_share <= 1)",
            name="fixed_share_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(
        ForeignKey("cost_models.id", ondelete="CASCADE"), index=True
    )
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="RESTRICT"), index=True)
    workstations: Mapped[Decimal | None] = mapped_column(Numeric(12, 2, asdecimal=True))
    cases: Mapped[Decimal | None] = mapped_column(Numeric(14, 2, asdecimal=True))
    fixed_share: Mapped[Decimal | None] = mapped_column(Fraction)

    model: Mapped[CostModel] = relationship(back_populates="partners")
    body: Mapped[Body] = relationship()

    def audit_label(self) -> str:
        """What the change history calls a model's partner: the body's name."""
        return self.body.name if self.body else str(self.body_id)


class CostLine(AuditedMixin, db.Model):
    """A yearly cost: staff (pay grade and FTE) or an amount."""

    __tablename__ = "cost_lines"
    __audit_context__ = ("CostModel", "model_id")
    __table_args__ = (
        CheckConstraint("fte IS NULL OR fte >= 0", name="fte_not_negative"),
        CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
        CheckConstraint(
            "(pay_grade IS NOT NULL AND fte IS NOT NULL AND amount IS NULL) "
            "OR (pay_grade IS NULL AND fte IS NULL AND amount IS NOT NULL)",
            name="staff_or_amount",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(
        ForeignKey("cost_models.id", ondelete="CASCADE"), index=True
    )
    section: Mapped[CostSection] = mapped_column(enum_column(CostSection))
    body_id: Mapped[int | None] = mapped_column(
        ForeignKey("bodies.id", ondelete="RESTRICT"), index=True
    )
    category: Mapped[CostCategory] = mapped_column(enum_column(CostCategory))
    pay_grade: Mapped[str | None] = mapped_column(String(20))
    fte: Mapped[Decimal | None] = mapped_column(Numeric(8, 3, asdecimal=True))
    amount: Mapped[Decimal | None] = mapped_column(Money)
    description: Mapped[str | None] = mapped_column(String(300))

    model: Mapped[CostModel] = relationship(back_populates="lines")
    body: Mapped[Body | None] = relationship()

    def audit_label(self) -> str:
        """What the change history calls a cost line: FTE and pay grade, or its amount."""
        if self.pay_grade:
            return f"{self.fte:n} × {self.pay_grade}".replace(".", ",")
        return money(self.amount)


class CostEvent(AuditedMixin, db.Model):
    """A one-off cost or a funding income in a calendar year."""

    __tablename__ = "cost_events"
    __audit_context__ = ("CostModel", "model_id")
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(
        ForeignKey("cost_models.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[CostEventKind] = mapped_column(enum_column(CostEventKind))
    year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money)
    description: Mapped[str | None] = mapped_column(String(300))

    model: Mapped[CostModel] = relationship(back_populates="events")

    def audit_label(self) -> str:
        """What the change history calls a one-off cost or funding: year and amount."""
        return f"{self.year}: {money(self.amount)}"


__all__ = [
    "CostEvent",
    "CostLine",
    "CostModel",
    "CostModelPartner",
    "CostPartnerYear",
    "CostPayment",
    "CostRate",
    "CostRateTable",
]


class CostPayment(AuditedMixin, db.Model):
    """One partner pays another each year for a service it performs (see
    coop.core.savings_model.Payment)."""

    __tablename__ = "cost_payments"
    __audit_context__ = ("CostModel", "model_id")
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("payer_id <> payee_id", name="payer_is_not_payee"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(
        ForeignKey("cost_models.id", ondelete="CASCADE"), index=True
    )
    payer_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="RESTRICT"))
    payee_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="RESTRICT"))
    amount: Mapped[Decimal] = mapped_column(Money)
    first_year: Mapped[int | None] = mapped_column(Integer)
    last_year: Mapped[int | None] = mapped_column(Integer)
    fixed: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str | None] = mapped_column(String(300))

    model: Mapped[CostModel] = relationship(back_populates="payments")

    def audit_label(self) -> str:
        """What the change history calls a payment: its yearly amount."""
        return money(self.amount)


class CostPartnerYear(AuditedMixin, db.Model):
    """A partner's values for the allocation key from a year on: the population at that
    year's reference date, workstations, cases (see coop.core.savings_model.YearValues)."""

    __tablename__ = "cost_partner_years"
    __audit_context__ = ("CostModel", "model_id")
    __table_args__ = (
        UniqueConstraint("model_id", "body_id", "year", name="one_row_per_partner_and_year"),
        CheckConstraint("population IS NULL OR population >= 0", name="population_min"),
        CheckConstraint("workstations IS NULL OR workstations >= 0", name="workstations_min"),
        CheckConstraint("cases IS NULL OR cases >= 0", name="cases_min"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(
        ForeignKey("cost_models.id", ondelete="CASCADE"), index=True
    )
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    population: Mapped[int | None] = mapped_column(Integer)
    workstations: Mapped[Decimal | None] = mapped_column(Numeric(12, 2, asdecimal=True))
    cases: Mapped[Decimal | None] = mapped_column(Numeric(14, 2, asdecimal=True))

    model: Mapped[CostModel] = relationship(back_populates="yearly_values")
    body: Mapped[Body] = relationship()

    def audit_label(self) -> str:
        """What the change history calls a year's allocation values: partner and year."""
        return f"{self.body.name if self.body else self.body_id}, {self.year}"
