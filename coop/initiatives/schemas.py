"""Commands on initiatives: create and change, with participant and milestone rows. One model
states each field's type, limits and defaults; the API binds it, the form takes its limits, the
service checks the same rules."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ..commands import Paragraphs
from ..models import LegalForm, ParticipantRole, Phase, ServiceArea


class ParticipantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body_id: StrictInt = Field(ge=1, le=2**31 - 1)
    role: ParticipantRole = ParticipantRole.PARTNER
    joined_on: date | None = None
    left_on: date | None = None


class MilestoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: StrictInt | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        description="A stored milestone's id, to change it in place; without one, a new milestone",
    )
    title: str = Field(max_length=300)
    due_on: date | None = None
    done_on: date | None = None


class InitiativeFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: Paragraphs | None = Field(None, max_length=20000)
    legal_form: LegalForm | None = None
    lead_body_id: StrictInt | None = Field(None, ge=1, le=2**31 - 1)
    start_date: date | None = None
    end_date: date | None = Field(None, description="Open-ended when null")
    public: bool | None = None
    keywords: list[str] | None = Field(
        None, description="Words that find its papers in council information systems", max_length=20
    )
    participants: list[ParticipantIn] | None = Field(
        None, description="Replaces the list when given", max_length=500
    )
    milestones: list[MilestoneIn] | None = Field(
        None, description="Replaces the list when given", max_length=500
    )
    phase_changed_on: date | None = Field(
        None, description="When the phase changed (default today); recorded in the history"
    )


class InitiativeCreate(InitiativeFields):
    title: str = Field(max_length=300)
    service_area: ServiceArea
    phase: Phase = Phase.IDEA


class InitiativeUpdate(InitiativeFields):
    title: str | None = Field(None, max_length=300)
    service_area: ServiceArea | None = None
    phase: Phase | None = None
    version: StrictInt | None = Field(
        None, description="The version you edit; a stale one gives 409. Or send If-Match."
    )
