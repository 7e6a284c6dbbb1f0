"""Commands on bodies: create and change. One model states each field's type, limits and
defaults; the API binds it, the form takes its limits, the service checks the same rules."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ..commands import Paragraphs
from ..core.attributes import BODY_ATTRIBUTES
from ..models import BodyKind


class BodyFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind_detail: str | None = Field(None, max_length=60)
    ags: str | None = Field(None, description="Amtlicher Gemeindeschlüssel, 8 digits")
    ars: str | None = Field(None, description="Regionalschlüssel, 12 digits")
    population: StrictInt | None = Field(None, ge=-(2**31), le=2**31 - 1)
    parent_id: StrictInt | None = Field(None, ge=-(2**31), le=2**31 - 1)
    state: str | None = Field(None, description="Two-digit key of the federal state, e.g. 05")
    council_name: str | None = Field(None, max_length=200)
    website: str | None = Field(None, max_length=300)
    contact: Paragraphs | None = Field(None, max_length=2000)
    oparl_url: str | None = Field(
        None,
        max_length=500,
        description="OParl System or Body URL of its council information system; set by "
        "admins and the coordinators of the district only (coop reads it)",
    )
    attributes: list[str] | None = Field(
        None,
        description="What funding programmes ask about: "
        + ", ".join(f"{code} ({label})" for code, (label, _src) in BODY_ATTRIBUTES.items()),
        max_length=len(BODY_ATTRIBUTES),
    )


class BodyCreate(BodyFields):
    name: str = Field(max_length=200)
    kind: BodyKind


class BodyUpdate(BodyFields):
    name: str | None = Field(None, max_length=200)
    kind: BodyKind | None = None
    version: StrictInt | None = Field(
        None, description="The version you edit; a stale one gives 409. Or send If-Match."
    )
