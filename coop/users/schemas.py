"""The commands that create or change an account (administrators and coordinators). The form
binds to them and the service takes them; there is no API for accounts."""

from __future__ import annotations

from typing import Annotated, ClassVar

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from pydantic import AfterValidator, Field, ValidationInfo, field_validator

from ..auth.services import password_problem
from ..commands import Command, Flag, Id, Line, rule
from ..models import Role


def _address(value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise rule(_("Please enter a valid e-mail address.")) from None


# An e-mail address, as the mail server will see it (normalised, lower case).
Email = Annotated[Line, AfterValidator(_address)]


class UserChange(Command):
    """A change to an account: the fields given (an empty password keeps the old one)."""

    PARTIAL: ClassVar[bool] = True
    NOT_EMPTY: ClassVar[tuple[str, ...]] = ("email", "role")

    email: Email | None = Field(None, max_length=254)
    name: Line | None = Field(None, max_length=200)
    role: Role | None = None
    body_id: Id | None = None
    password: str | None = None  # taken as typed: never trimmed
    active: Flag | None = None

    @field_validator("password")
    @classmethod
    def _strong(cls, password: str | None, info: ValidationInfo) -> str | None:
        """At least 12 characters, not built from the address or the name, hard to guess."""
        if password is not None:
            problem = password_problem(password, info.data.get("email"), info.data.get("name"))
            if problem:
                raise rule(problem)
        return password


class UserCreate(UserChange):
    """A new account; without a password the person is invited to set their own."""

    PARTIAL: ClassVar[bool] = False

    email: Email = Field(max_length=254)
    role: Role
    active: Flag = True
    password: str | None = None
