"""Commands on resolutions: record and change a council's decision. One model states each
field's type, limits and defaults; the API binds it, the form takes its limits."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ..commands import Paragraphs
from ..models import Outcome, ResolutionKind


class ResolutionFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    authoritative: bool | None = Field(None, description="This organ decides (default true)")
    reference: str | None = Field(None, max_length=50, description="Drucksache-Nr., e.g. 560/2022")
    title: str | None = Field(None, max_length=300)
    public: bool | None = None
    votes_yes: StrictInt | None = Field(None, ge=0, le=100000)
    votes_no: StrictInt | None = Field(None, ge=0, le=100000)
    votes_abstain: StrictInt | None = Field(None, ge=0, le=100000)
    result_text: str | None = Field(None, max_length=500, description='e.g. "einstimmig"')
    resolution_text: Paragraphs | None = Field(None, max_length=50000)
    source_url: str | None = Field(None, max_length=500)


class ResolutionCreate(ResolutionFields):
    initiative_id: StrictInt = Field(ge=1, le=2**31 - 1)
    body_id: StrictInt = Field(ge=1, le=2**31 - 1)
    organ: str = Field(max_length=200)
    kind: ResolutionKind
    session_date: date
    outcome: Outcome | None = Field(
        None, description="Required, except for a status report (then: taken note of)"
    )


class ResolutionUpdate(ResolutionFields):
    body_id: StrictInt | None = Field(None, ge=1, le=2**31 - 1)
    organ: str | None = Field(None, max_length=200)
    kind: ResolutionKind | None = None
    session_date: date | None = None
    outcome: Outcome | None = None
    version: StrictInt | None = Field(
        None, description="The version you edit; a stale one gives 409. Or send If-Match."
    )
