"""Shapes of the API's requests and answers (pydantic); also the source of the OpenAPI schemas."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ..models import BodyKind


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: dict[str, str] = Field(default_factory=dict)


class Error(BaseModel):
    error: ErrorDetail


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
    contact: str | None = Field(None, max_length=2000)


class BodyCreate(BodyFields):
    name: str = Field(max_length=200)
    kind: BodyKind


class BodyUpdate(BodyFields):
    name: str | None = Field(None, max_length=200)
    kind: BodyKind | None = None
    version: StrictInt | None = Field(
        None, description="The version you edit; a stale one gives 409. Or send If-Match."
    )


class BodyOut(BaseModel):
    id: int
    name: str
    kind: BodyKind
    kind_detail: str | None
    ags: str | None
    ars: str | None
    population: int | None
    parent_id: int | None
    district_id: int | None
    state: str | None
    council_name: str | None
    website: str | None
    contact: str | None
    version: int
    created_at: datetime
    modified_at: datetime


class BodyList(BaseModel):
    items: list[BodyOut]
    page: int
    per_page: int
    total: int


def body_out(body) -> dict:
    """A body as the API shows it."""
    return BodyOut.model_validate(body, from_attributes=True).model_dump(mode="json")
