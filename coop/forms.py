"""Helpers shared by the HTML forms."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_wtf import FlaskForm

from .errors import ServiceError

DATE = {"type": "date"}
AMOUNT = {"inputmode": "decimal", "autocomplete": "off"}


def number_text(value: Decimal | None, places: int = 2) -> str:
    """A stored number as the form shows it: 490.000,00 in German, 490,000.00 in English."""
    if value is None:
        return ""
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(value, format=pattern, locale=str(get_locale() or "de"))


def percent_text(rate: Decimal | None) -> str:
    """A stored fraction as the form shows it, in percent: 0.9 -> "90" (the form's edge is the
    only place where rates are percentages)."""
    if rate is None:
        return ""
    return format_decimal((rate * 100).normalize(), locale=str(get_locale() or "de"))


def _field(form, name: str):
    """The form field a service error key names: `title`, or `participants.0.body_id` for a
    row of a FieldList of FormFields."""
    node = form
    for part in name.split("."):
        if part.isdigit():
            entries = getattr(node, "entries", None)
            if entries is None or int(part) >= len(entries):
                return None
            node = entries[int(part)]
        else:
            inner = getattr(node, "form", node)  # a FormField holds its fields in .form
            node = (
                getattr(inner, part, None)
                if not hasattr(inner, "_fields")
                else inner._fields.get(part)
            )
            if node is None:
                return None
    return node if hasattr(node, "errors") else None


def apply_errors(form: FlaskForm, exc: ServiceError) -> None:
    """Put a service's field errors at the matching form fields; the message and errors for
    fields the form does not show go into the summary above the form."""
    form.form_errors.append(exc.message)
    for name, message in exc.fields.items():
        field = _field(form, name)
        if field is not None and not hasattr(field, "entries"):
            if isinstance(field.errors, tuple):
                field.errors = list(field.errors)
            field.errors = [*list(field.errors), message]
        elif message != exc.message:
            form.form_errors.append(message)


def row_errors(form: FlaskForm) -> list[tuple[str, str, str]]:
    """(field id, label, message) of every error inside list rows, for the error summary."""
    out = []
    for list_name in ("participants", "milestones", "tranches"):
        rows = getattr(form, list_name, None)
        if rows is None:
            continue
        for i, entry in enumerate(rows.entries, start=1):
            for sub in entry.form:
                for message in sub.errors:
                    out.append((sub.id, f"{sub.label.text} ({i})", message))
    return out


def form_version(form: FlaskForm) -> int | None:
    """The record version a form was loaded with (its hidden `version` field), if any."""
    raw = (form.version.data or "").strip()
    return int(raw) if raw.isdigit() else None
