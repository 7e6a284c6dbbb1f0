"""The command that confirms a proposal as a resolution (every change optional)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ..models import Outcome, ResolutionKind


class ProposalConfirm(BaseModel):
    """Changes to make while confirming (all optional)."""

    model_config = ConfigDict(extra="forbid")

    organ: str | None = Field(None, max_length=200)
    authoritative: bool | None = None
    reference: str | None = Field(None, max_length=50)
    title: str | None = Field(None, max_length=300)
    kind: ResolutionKind | None = None
    session_date: date | None = None
    outcome: Outcome | None = None
    votes_yes: StrictInt | None = Field(None, ge=0, le=100000)
    votes_no: StrictInt | None = Field(None, ge=0, le=100000)
    votes_abstain: StrictInt | None = Field(None, ge=0, le=100000)
    result_text: str | None = Field(None, max_length=500)
    version: StrictInt | None = None
