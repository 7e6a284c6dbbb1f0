"""Commands on bodies: create and change. One model states each field's type, limits and
defaults; the form, the API and the import bind it, the service keeps the registry's rules
that need other records (a unique AGS, the parent, the district's key)."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from flask_babel import gettext as _
from pydantic import AfterValidator, Field

from ..commands import Command, Id, Integer, Line, Paragraphs, StateKey, Url, pattern
from ..core.attributes import BODY_ATTRIBUTES
from ..models import BodyKind

# Amtlicher Gemeindeschlüssel and Regionalschlüssel
Ags = Annotated[
    Line,
    pattern(
        r"^\d{8}$",
        lambda: _("The AGS (official municipality key) has exactly 8 digits, e.g. 05762020."),
    ),
]
Ars = Annotated[
    Line,
    pattern(
        r"^\d{12}$", lambda: _("The ARS (regional key) has exactly 12 digits, e.g. 057620020020.")
    ),
]
# the codes of what funding programmes ask about, each once, in order
Attributes = Annotated[
    list[Literal[tuple(BODY_ATTRIBUTES)]], AfterValidator(lambda c: sorted(set(c)))
]


class BodyFields(Command):
    kind_detail: Line | None = Field(None, max_length=60)
    ags: Ags | None = Field(None, description="Amtlicher Gemeindeschlüssel, 8 digits")
    ars: Ars | None = Field(None, description="Regionalschlüssel, 12 digits")
    population: Integer | None = Field(None, ge=0, le=100_000_000)
    parent_id: Id | None = None
    state: StateKey | None = Field(
        None, description="Two-digit key of the federal state, e.g. 05 (default: from the AGS)"
    )
    council_name: Line | None = Field(None, max_length=200)
    website: Url | None = Field(None, max_length=300)
    contact: Paragraphs | None = Field(None, max_length=2000)
    oparl_url: Url | None = Field(
        None,
        max_length=500,
        description="OParl System or Body URL of its council information system; set by "
        "admins and the coordinators of the district only (coop reads it)",
    )
    attributes: Attributes | None = Field(
        None,
        description="What funding programmes ask about: "
        + ", ".join(f"{code} ({label})" for code, (label, _src) in BODY_ATTRIBUTES.items()),
        max_length=len(BODY_ATTRIBUTES),
    )


class BodyCreate(BodyFields):
    name: Line = Field(max_length=200)
    kind: BodyKind


class BodyUpdate(BodyFields):
    PARTIAL: ClassVar[bool] = True
    NOT_EMPTY: ClassVar[tuple[str, ...]] = ("name", "kind")

    name: Line | None = Field(None, max_length=200)
    kind: BodyKind | None = None
    version: Integer | None = Field(
        None, description="The version you edit; a stale one gives 409. Or send If-Match."
    )
