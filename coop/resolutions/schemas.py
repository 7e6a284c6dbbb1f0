"""Commands on resolutions: record and change a council's decision. One model states each
field's type, limits and defaults; the form, the session form, the API and the import bind it,
the service keeps the rules that need the initiative or the stored resolution (the body takes
part, a result of a session still to come, "einstimmig" with votes against)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from ..commands import Command, Day, Flag, Id, Integer, Line, Paragraphs, Url
from ..models import Outcome, ResolutionKind

VOTES = {"ge": 0, "le": 100_000}


class ResolutionFields(Command):
    reference: Line | None = Field(None, max_length=50, description="Drucksache-Nr., e.g. 560/2022")
    title: Line | None = Field(None, max_length=300)
    votes_yes: Integer | None = Field(None, **VOTES)
    votes_no: Integer | None = Field(None, **VOTES)
    votes_abstain: Integer | None = Field(None, **VOTES)
    result_text: Line | None = Field(None, max_length=500, description='e.g. "einstimmig"')
    resolution_text: Paragraphs | None = Field(None, max_length=50000)
    source_url: Url | None = Field(None, max_length=500)


class ResolutionRecord(ResolutionFields):
    """A resolution recorded on an initiative the caller names (its page, a session, a row)."""

    body_id: Id
    organ: Line = Field(max_length=200)
    authoritative: Flag = Field(True, description="This organ decides")
    kind: ResolutionKind
    session_date: Day
    public: Flag = True
    outcome: Outcome | None = Field(
        None,
        validate_default=True,
        description="Required, except for a status report (then: taken note of)",
    )

    @field_validator("outcome")
    @classmethod
    def _noted_report(cls, outcome: Outcome | None, info: ValidationInfo) -> Outcome | None:
        """A status report is taken note of: its outcome may be left out (issue 27)."""
        if outcome is None:
            if info.data.get("kind") == ResolutionKind.STATUS_REPORT:
                return Outcome.NOTED
            if "kind" in info.data:
                raise PydanticCustomError("required", "required")
        return outcome


class ResolutionCreate(ResolutionRecord):
    """A resolution recorded through the API, which names the initiative in the body."""

    initiative_id: Id


class ResolutionUpdate(ResolutionFields):
    PARTIAL: ClassVar[bool] = True
    NOT_EMPTY: ClassVar[tuple[str, ...]] = (
        "body_id",
        "organ",
        "authoritative",
        "kind",
        "session_date",
        "public",
        "outcome",
    )

    body_id: Id | None = None
    organ: Line | None = Field(None, max_length=200)
    authoritative: Flag | None = Field(None, description="This organ decides")
    kind: ResolutionKind | None = None
    session_date: Day | None = None
    public: Flag | None = None
    outcome: Outcome | None = None
    version: Integer | None = Field(
        None, description="The version you edit; a stale one gives 409. Or send If-Match."
    )


class TaskIn(Command):
    """A task an adopted resolution requires (Beschlusskontrolle)."""

    title: Line = Field(max_length=300, description="What is to be done")
    responsible: Line | None = Field(None, max_length=200, description="An office or a person")
    due_on: Day | None = None
