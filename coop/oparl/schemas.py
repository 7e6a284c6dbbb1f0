"""The command that confirms a proposal as a resolution (every change optional)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..commands import Command, Day, Flag, Integer, Line
from ..models import Outcome, ResolutionKind
from ..resolutions.schemas import VOTES


class ProposalConfirm(Command):
    """Changes to make while confirming (all optional): what coop read, as the person
    corrected it."""

    PARTIAL: ClassVar[bool] = True

    organ: Line | None = Field(None, max_length=200)
    authoritative: Flag | None = None
    reference: Line | None = Field(None, max_length=50)
    title: Line | None = Field(None, max_length=300)
    kind: ResolutionKind | None = None
    session_date: Day | None = None
    outcome: Outcome | None = None
    votes_yes: Integer | None = Field(None, **VOTES)
    votes_no: Integer | None = Field(None, **VOTES)
    votes_abstain: Integer | None = Field(None, **VOTES)
    result_text: Line | None = Field(None, max_length=500)
    version: Integer | None = None
