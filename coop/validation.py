"""Coercion of raw input (form strings or JSON values) into typed values, shared by the
services. Each helper notes a German message under the field's key instead of raising, so a
service reports every wrong field at once."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
GERMAN_DATE_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
MAX_INT = 2**31 - 1


def text(value: Any) -> str | None:
    """Stripped text, None when empty."""
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    value = value.strip()
    return value or None


def limited_text(
    errors: dict, key: str, value: Any, limit: int, *, required: bool = False
) -> str | None:
    out = text(value)
    if out is None and required:
        errors[key] = _("This field is required.")
    elif out is not None and len(out) > limit:
        errors[key] = _("At most %(n)d characters.", n=limit)
    return out


def integer(errors: dict, key: str, value: Any, *, minimum: int | None = None) -> int | None:
    """A whole number or None; strings of digits are accepted, booleans and floats are not."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        errors[key] = _("Please enter a whole number.")
        return None
    if isinstance(value, str):
        if not re.fullmatch(r"-?\d{1,10}", value.strip()):
            errors[key] = _("Please enter a whole number.")
            return None
        value = int(value.strip())
    if abs(value) > MAX_INT:
        errors[key] = _("That number is too large.")
        return None
    if minimum is not None and value < minimum:
        errors[key] = (
            _("The number cannot be negative.") if minimum == 0 else _("At least %(n)d.", n=minimum)
        )
        return None
    return value


def parse_date(errors: dict, key: str, value: Any, *, required: bool = False) -> date | None:
    """A date from a date, an ISO string (2022-02-23) or a German one (23.02.2022)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    if raw is None:
        if required:
            errors[key] = _("Please enter a date.")
        return None
    try:
        match = GERMAN_DATE_RE.match(raw)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            return date.fromisoformat(raw)
    except ValueError:
        pass
    errors[key] = _("Please enter a valid date, e.g. 23.02.2022.")
    return None


def boolean(errors: dict, key: str, value: Any, default: bool = False) -> bool:
    """True/False from a bool, or the strings a form or query sends."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "y", "yes", "on"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("0", "false", "n", "no", "off"):
        return False
    errors[key] = _("Please enter true or false.")
    return default


def choice(errors: dict, key: str, value: Any, enum_cls, *, required: bool = True):
    """A member of `enum_cls` by its code."""
    raw = text(value.value if hasattr(value, "value") else value)
    if raw is None:
        if required:
            errors[key] = _("Please choose a value from the list.")
        return None
    try:
        return enum_cls(raw)
    except ValueError:
        errors[key] = _(
            "Unknown value; allowed: %(values)s.", values=", ".join(m.value for m in enum_cls)
        )
        return None


def url(errors: dict, key: str, value: Any, limit: int = 500) -> str | None:
    out = limited_text(errors, key, value, limit)
    if out and key not in errors and not URL_RE.match(out):
        errors[key] = _("Please enter a web address starting with https:// or http://.")
    return out
