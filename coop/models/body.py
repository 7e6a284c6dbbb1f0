"""Body (Gebietskörperschaft): a district, town, municipality, collective municipality or
association that can take part in a cooperation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.enums import BodyKind
from ..extensions import db
from .base import AuditedMixin, ExternalIdMixin, TimestampMixin, VersionedMixin

if TYPE_CHECKING:
    from .initiative import Nudge
    from .oparl import Proposal
    from .search import SavedSearch


def enum_column(enum_cls, length: int = 40) -> Enum:
    """Store an enum by its code as VARCHAR with a CHECK, the same on SQLite and PostgreSQL."""
    return Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
        create_constraint=True,
        name=enum_cls.__name__.lower(),
    )


class Body(AuditedMixin, ExternalIdMixin, TimestampMixin, VersionedMixin, db.Model):
    """A public body that can take part in a cooperation.

    Deleting a body (coop.bodies.services.delete_body), one rule on SQLite and PostgreSQL:

    ==========================  ====================================================================
    refuses while               it has member bodies; user accounts belong to it; anything else
                                refers to it without a cascade (it leads or takes part in an
                                initiative, a council resolution of it is recorded, an estimate
                                names it): found from the foreign keys (services.usages)
    goes with it, audited       nudges sent to it, proposals from its council information system,
                                saved searches limited to it
    goes with it, derived       its synced OParl objects and sync runs, the search entries of its
                                papers, import jobs for it as a district, the districts rows
                                naming it; bodies that named it as their district name none
    ==========================  ====================================================================
    """

    __tablename__ = "bodies"
    __audit_exclude__ = (*AuditedMixin.__audit_exclude__, "district_id")
    __table_args__ = (
        CheckConstraint("population IS NULL OR population >= 0", name="population_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[BodyKind] = mapped_column(enum_column(BodyKind))
    # Official designation from the directory, e.g. "Samtgemeinde", "Kreis", "Stadt".
    kind_detail: Mapped[str | None] = mapped_column(String(60))
    ags: Mapped[str | None] = mapped_column(String(8), unique=True)
    ars: Mapped[str | None] = mapped_column(String(12), index=True)
    population: Mapped[int | None] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("bodies.id", ondelete="RESTRICT"), index=True
    )
    # Derived: the district the body belongs to (itself for a district or kreisfreie Stadt).
    # Kept by the service so that lists filter and scope by district in one query.
    district_id: Mapped[int | None] = mapped_column(
        ForeignKey("bodies.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[str | None] = mapped_column(String(2), index=True)
    council_name: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(300))
    contact: Mapped[str | None] = mapped_column(Text)
    # The body's OParl System or Body URL (its council information system), if it has one.
    oparl_url: Mapped[str | None] = mapped_column(String(500))
    # what funding programmes ask about (coop.core.attributes), e.g. ["lep_rbh"]
    attributes: Mapped[list[str]] = mapped_column(JSON, default=list)

    parent: Mapped[Body | None] = relationship(
        remote_side=[id], foreign_keys=[parent_id], back_populates="members"
    )
    members: Mapped[list[Body]] = relationship(
        foreign_keys=[parent_id], back_populates="parent", order_by="Body.name"
    )
    district: Mapped[Body | None] = relationship(remote_side=[id], foreign_keys=[district_id])
    # What goes with the body when it is deleted; read only then.
    nudges: Mapped[list[Nudge]] = relationship(
        back_populates="body", cascade="all", order_by="Nudge.id"
    )
    proposals: Mapped[list[Proposal]] = relationship(
        back_populates="body", cascade="all", order_by="Proposal.id"
    )
    saved_searches: Mapped[list[SavedSearch]] = relationship(
        cascade="all", order_by="SavedSearch.id"
    )

    def __repr__(self) -> str:
        return f"<Body {self.id} {self.name!r} {self.kind}>"

    @property
    def district_key(self) -> str | None:
        """The 5-digit key of the district this body is (or belongs to), from its AGS or ARS."""
        if self.ags:
            return self.ags[:5]
        if self.ars:
            return self.ars[:5]
        return None
