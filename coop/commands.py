"""The vocabulary of the command models (`coop/<domain>/schemas.py`): how money, rates and ids
travel, and the helpers that read a command's limits, so that a form, the API and a service
state a field's limit once (in the model) and read it from there."""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated

from flask_babel import gettext as _
from pydantic import BaseModel

from . import validation as v


class _Multiline:
    """Marks a text whose line breaks are kept (a description, notes, a resolution's text)."""

    def __repr__(self) -> str:
        return "multiline"


MULTILINE = _Multiline()
# A text field of several lines; every other text of a command is one line.
Paragraphs = Annotated[str, MULTILINE]

MONEY = 'Euros as a decimal string with at most two decimals, e.g. "490000.00"'
RATE = 'A fraction as a decimal string, e.g. "0.90" for 90 %'
FTE = 'Full-time equivalents as a decimal string, e.g. "1.5"'
ID = {"ge": 1, "le": 2**31 - 1}


def max_length(model: type[BaseModel], name: str) -> int | None:
    """The longest text a command's field takes."""
    for constraint in model.model_fields[name].metadata:
        limit = getattr(constraint, "max_length", None)
        if limit is not None:
            return limit
    return None


def bounds(model: type[BaseModel], name: str) -> tuple[int | None, int | None]:
    """The least and greatest number a command's field takes."""
    low = high = None
    for constraint in model.model_fields[name].metadata:
        low = getattr(constraint, "ge", low)
        high = getattr(constraint, "le", high)
    return low, high


def text_input(model: type[BaseModel], name: str, **extra) -> dict:
    """The HTML attributes of a form's text input for the field (its maxlength)."""
    limit = max_length(model, name)
    return {**({"maxlength": limit} if limit else {}), **extra}


def _plain(annotation):
    """The type inside Optional[...] and Annotated[...] (StrictInt is Annotated[int, ...])."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            inner = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(inner) != 1:
                return annotation
            annotation = inner[0]
        else:
            return annotation


def _parse(annotation, errors: dict, key: str, value):
    """One value typed the way a form writes it (German numbers and dates, codes of a list)."""
    kind = _plain(annotation)
    if typing.get_origin(kind) is list:
        (item,) = typing.get_args(kind) or (None,)
        if isinstance(item, type) and issubclass(item, BaseModel) and isinstance(value, list):
            rows = []
            for i, row in enumerate(value):
                if isinstance(row, Mapping):
                    bound, row_errors = bind(item, row, prefix=f"{key}.{i}.")
                    errors.update(row_errors)
                    rows.append(bound)
                else:
                    rows.append(row)  # the service says what is wrong with it
            return rows
        return value
    if kind is bool:
        return v.boolean(errors, key, value)
    if kind is int:
        return v.integer(errors, key, value)
    if kind is Decimal:
        return v.decimal_number(errors, key, value)
    if kind is date:
        return v.parse_date(errors, key, value)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        raw = v.text(value.value if isinstance(value, enum.Enum) else value)
        try:
            return kind(raw) if raw is not None else None
        except ValueError:
            # a select sends one of its codes; anything else is not for people to decode
            errors[key] = _("Please choose a value from the list.")
            return None
    return value  # text as sent: the service trims (and a password is never trimmed)


def bind(model: type[BaseModel], raw: Mapping, *, prefix: str = "") -> tuple[BaseModel, dict]:
    """A form's values bound to a command model: each field the form sent, typed by the model
    the way forms write it (490.000,00; 23.02.2022; the code of a select), rows bound to their
    row models. What cannot be read is left out and named in the errors, with the messages of
    `coop.validation`, for the view to show beside the service's (`forms.with_edge_errors`).
    Rules beyond the type (limits, required fields, what other records allow) are the service's.
    """
    errors: dict[str, str] = {}
    values = {}
    for name, value in raw.items():
        field = model.model_fields.get(name)
        if field is None:
            continue  # not part of the command
        key = f"{prefix}{name}"
        parsed = _parse(field.annotation, errors, key, value)
        if key not in errors:
            values[name] = parsed
    return model.model_construct(_fields_set=set(values), **values), errors


def _multiline(annotation) -> bool:
    if annotation is MULTILINE:
        return True
    return any(_multiline(a) for a in typing.get_args(annotation) if a is not str)


def _row_model(annotation) -> type[BaseModel] | None:
    kind = _plain(annotation)
    if typing.get_origin(kind) is list:
        (item,) = typing.get_args(kind) or (None,)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item
    return None


def _cleaned(value, *, multiline: bool, model: type[BaseModel] | None = None):
    """Every text in a value cleaned of control characters (`validation.clean`)."""
    if isinstance(value, str):
        return v.clean(value, multiline=multiline)
    if isinstance(value, Mapping):
        return {k: _cleaned_field(model, k, x, multiline) for k, x in value.items()}
    if isinstance(value, list):
        return [_cleaned(x, multiline=multiline, model=model) for x in value]
    return value


def _cleaned_field(model, name, value, multiline: bool):
    if "password" in name:
        return value  # taken as typed: the sign-in compares it unchanged
    field = model.model_fields.get(name) if model is not None else None
    if field is None:
        return _cleaned(value, multiline=multiline)
    return _cleaned(
        value, multiline=_multiline(field.annotation), model=_row_model(field.annotation)
    )


def fields_of(command: BaseModel | Mapping, *, leave_out: tuple[str, ...] = ()) -> dict:
    """The fields a command carries (only those given), as the services work with them, every
    text cleaned of control characters: one-line texts lose line breaks and tabs too, fields
    typed `Paragraphs` keep them. A mapping of them (the demo, the tests) is taken as it is,
    its texts cleaned but their lines kept."""
    if isinstance(command, BaseModel):
        data = command.model_dump(exclude_unset=True, warnings=False)
        data = {k: _cleaned_field(type(command), k, x, False) for k, x in data.items()}
    else:
        data = {k: _cleaned(x, multiline=True) for k, x in dict(command).items()}
    for name in leave_out:
        data.pop(name, None)
    return data
