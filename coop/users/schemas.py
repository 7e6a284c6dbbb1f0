"""The command that creates or changes an account (administrators and coordinators). The form
binds to it and the service takes it; there is no API for accounts."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ..commands import ID
from ..models import Role


class UserCommand(BaseModel):
    """An account's fields; on a change, the fields given (an empty password keeps the old)."""

    model_config = ConfigDict(extra="forbid")

    email: str | None = Field(None, max_length=254)
    name: str | None = Field(None, max_length=200)
    role: Role | None = None
    body_id: StrictInt | None = Field(None, **ID)
    password: str | None = None
    active: bool | None = None
