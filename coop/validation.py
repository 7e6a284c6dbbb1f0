"""Reading raw text: control characters removed, lines kept or joined, German numbers and
dates. The command models (`coop.commands`) build their field types on these; a few readers
of files (an import's cells, a cost-rate table's lines) use them directly."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

GERMAN_DATE_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
MAX_AMOUNT = Decimal("999999999999.99")
# "490.000,50" (German groups), "490000,50", "490000.50", "490,000.50" (English groups).
GERMAN_GROUPED_RE = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")
GERMAN_PLAIN_RE = re.compile(r"^\d+(,\d+)?$")
POINT_PLAIN_RE = re.compile(r"^\d+(\.\d+)?$")
ENGLISH_GROUPED_RE = re.compile(r"^\d{1,3}(,\d{3})+\.\d+$")


# Characters no person types: C0 and C1 controls (NUL included; tab and line feed are kept
# where a text has lines), lone surrogates and the non-characters U+FFFE/U+FFFF. PostgreSQL
# refuses NUL, XLSX most of them, and a line break in a name would reach an e-mail header.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_LINE_SPACE = re.compile("[\n\t]+")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def clean(value: str, *, multiline: bool = True) -> str:
    """A text without control characters: line breaks of every kind become a line feed (or,
    in a one-line text, a space, as do tabs); the other controls are removed."""
    value = _CONTROL.sub("", _BREAKS.sub("\n", value))
    return value if multiline else _LINE_SPACE.sub(" ", value)


def has_nul(value: str) -> bool:
    """Whether a text holds NUL or a lone surrogate (which no database takes)."""
    return _UNSTORABLE.search(value) is not None


def text(value: Any, *, multiline: bool = True) -> str | None:
    """Stripped text without control characters, None when empty."""
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    value = clean(value, multiline=multiline).strip()
    return value or None


def line(value: Any) -> str | None:
    """A one-line text (a name, a title): stripped, line breaks and tabs as spaces."""
    return text(value, multiline=False)


def limited_text(
    errors: dict, key: str, value: Any, limit: int, *, required: bool = False
) -> str | None:
    """Trimmed text of at most `limit` characters; empty is None, or an error when required."""
    out = text(value)
    if out is None and required:
        errors[key] = _("This field is required.")
    elif out is not None and len(out) > limit:
        errors[key] = _("At most %(n)d characters.", n=limit)
    return out


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
    day = date_from_text(raw)
    if day is None:
        errors[key] = _("Please enter a valid date, e.g. 23.02.2022.")
    return day


def date_from_text(raw: str) -> date | None:
    """A day typed in German (23.02.2022) or ISO (2022-02-23) notation; None if it is none."""
    raw = raw.strip()
    try:
        match = GERMAN_DATE_RE.match(raw)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            return date.fromisoformat(raw)
    except ValueError:
        pass
    return None


def decimal_from_text(raw: str) -> Decimal | None:
    """A non-negative number typed in German or plain notation; None if it is not one.

    A form is German first: "1.500" is fifteen hundred and "1,5" is one and a half.
    """
    raw = raw.replace("€", "").replace("%", "").replace("\xa0", "").replace(" ", "").strip()
    negative = raw.startswith("-")
    raw = raw.removeprefix("-")
    if GERMAN_GROUPED_RE.match(raw):
        raw = raw.replace(".", "").replace(",", ".")
    elif GERMAN_PLAIN_RE.match(raw):
        raw = raw.replace(",", ".")
    elif ENGLISH_GROUPED_RE.match(raw):
        raw = raw.replace(",", "")
    elif not POINT_PLAIN_RE.match(raw):
        return None
    value = Decimal(raw)
    return -value if negative else value


def decimal_number(errors: dict, key: str, value: Any) -> Decimal | None:
    """A Decimal from a Decimal, an int, or text; floats are refused (money is never float)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or isinstance(value, float):
        errors[key] = _("Please enter an amount, e.g. 490.000,00.")
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            errors[key] = _("Please enter an amount, e.g. 490.000,00.")
            return None
        return value
    try:
        out = decimal_from_text(str(value))
    except InvalidOperation:
        out = None
    if out is None:
        errors[key] = _("Please enter an amount, e.g. 490.000,00.")
    return out
