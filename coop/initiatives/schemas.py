"""Commands on initiatives: create and change, with participant and milestone rows. One model
states each field's type, limits and defaults; the form, the API and the import bind it, the
service keeps the rules that need other records (the lead takes part, bodies exist, a partner
with resolutions stays)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar

from flask_babel import gettext as _
from pydantic import BeforeValidator, Field, StringConstraints, ValidationInfo, field_validator

from ..commands import Command, Day, Flag, Id, Integer, Line, Paragraphs, rule, split_words
from ..models import LegalForm, ParticipantRole, Phase, ServiceArea

# Words that find the initiative's papers in council information systems.
Keywords = Annotated[
    list[Annotated[str, StringConstraints(min_length=3, max_length=100)]],
    BeforeValidator(split_words),
    Field(max_length=20),
]


class ParticipantIn(Command):
    body_id: Id
    role: ParticipantRole = ParticipantRole.PARTNER
    joined_on: Day | None = None
    left_on: Day | None = None

    @field_validator("left_on")
    @classmethod
    def _after_joining(cls, left: date | None, info: ValidationInfo) -> date | None:
        joined = info.data.get("joined_on")
        if left and joined and left < joined:
            raise rule(_("Cannot leave before joining."))
        return left


class MilestoneIn(Command):
    id: Id | None = Field(
        None,
        description="A stored milestone's id, to change it in place; without one, a new milestone",
    )
    title: Line = Field(max_length=300)
    due_on: Day | None = None
    done_on: Day | None = None


class InitiativeFields(Command):
    description: Paragraphs | None = Field(None, max_length=20000)
    lead_body_id: Id | None = None
    start_date: Day | None = None
    end_date: Day | None = Field(None, description="Open-ended when null")
    keywords: Keywords | None = Field(
        None, description="Words that find its papers in council information systems"
    )
    participants: list[ParticipantIn] | None = Field(
        None, description="Replaces the list when given", max_length=500
    )
    milestones: list[MilestoneIn] | None = Field(
        None, description="Replaces the list when given", max_length=500
    )
    phase_changed_on: Day | None = Field(
        None, description="When the phase changed (default today); recorded in the history"
    )


class InitiativeCreate(InitiativeFields):
    title: Line = Field(max_length=300)
    service_area: ServiceArea
    phase: Phase = Phase.IDEA
    legal_form: LegalForm = LegalForm.UNDECIDED
    public: Flag = False


class InitiativeUpdate(InitiativeFields):
    PARTIAL: ClassVar[bool] = True
    NOT_EMPTY: ClassVar[tuple[str, ...]] = (
        "title",
        "service_area",
        "phase",
        "legal_form",
        "public",
    )

    title: Line | None = Field(None, max_length=300)
    service_area: ServiceArea | None = None
    phase: Phase | None = None
    legal_form: LegalForm | None = None
    public: Flag | None = None
    version: Integer | None = Field(
        None, description="The version you edit; a stale one gives 409. Or send If-Match."
    )
