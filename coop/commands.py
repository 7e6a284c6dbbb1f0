"""The vocabulary of the command models (`coop/<domain>/schemas.py`): the one place a value's
rule lives. Each command is a pydantic model built from these types; it validates, whether its
values come from a form, the API or an import row:

- a form or an import row sends text as people type it (`bind`, with the context `FORM`):
  German numbers (490.000,00), dates (23.02.2022), the code of a select, keywords separated by
  commas, "ja"/"nein";
- the API sends JSON (`parse`): decimal strings ("490000.00"), ISO dates, true/false.

Types, limits, defaults and units are stated once, in the model; the form reads its input
limits from it (`text_input`), the OpenAPI document is generated from it, and `errors_of` turns
what it refused into the same sentences for the form, the API's field errors and the import's
row errors. The services take the validated command and keep only the rules that need the
database or other records.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, ClassVar, Literal

from flask_babel import gettext as _
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic import ValidationError as PydanticError
from pydantic_core import PydanticCustomError

from . import validation as v
from .models import STATES

# The context of a validation whose values are text as people type it (a form, an import row).
FORM = {"form": True}


def _typed(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get("form"))


class _Multiline:
    """Marks a text whose line breaks are kept (a description, notes, a resolution's text)."""

    def __repr__(self) -> str:
        return "multiline"


MULTILINE = _Multiline()


def _line(value):
    return v.line(value) if isinstance(value, str) else value


def _paragraphs(value):
    return v.text(value) if isinstance(value, str) else value


# A text of one line: trimmed, control characters removed, line breaks and tabs as spaces;
# empty is no value.
Line = Annotated[str, BeforeValidator(_line)]
# A text of several lines (a description, notes): trimmed, its line breaks kept.
Paragraphs = Annotated[str, BeforeValidator(_paragraphs), MULTILINE]


def _integer(value, info: ValidationInfo):
    if isinstance(value, str) and _typed(info):
        raw = value.strip()
        if re.fullmatch(r"-?\d{1,12}", raw):
            return int(raw)
        raise PydanticCustomError("int_parsing", "not a whole number")
    return value


# A whole number: JSON's integer, or digits typed into a form. Never a bool or a float.
Integer = Annotated[int, BeforeValidator(_integer), Strict()]
# The id of a record.
Id = Annotated[Integer, Field(ge=1, le=2**31 - 1)]


def _number(value, info: ValidationInfo):
    if isinstance(value, bool):
        raise PydanticCustomError("decimal_type", "not a number")
    if isinstance(value, float):
        # a JSON number with a fraction: taken as written (0.15, not the binary float's
        # 0.1499999…), so the limits of its decimals apply to what the client wrote
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        raw = value.strip()
        try:
            if _typed(info):
                number = v.decimal_from_text(raw)
            elif re.fullmatch(r"-?\d+(\.\d+)?", raw):
                number = Decimal(raw)
            else:
                number = None
        except InvalidOperation:
            number = None
        if number is None:
            raise PydanticCustomError("decimal_parsing", "not a number")
        return number
    return value


def _places(places: int):
    step = Decimal(1).scaleb(-places)

    def quantize(value: Decimal | None) -> Decimal | None:
        return value.quantize(step) if value is not None else None

    return AfterValidator(quantize)


MAX_AMOUNT = v.MAX_AMOUNT
# A decimal number: a decimal string (or a number, taken as written) in JSON, German or plain
# notation typed into a form ("1.500" is fifteen hundred, "1,5" one and a half).
Number = Annotated[Decimal, BeforeValidator(_number), Field(allow_inf_nan=False)]
# Euros: not negative, at most two decimals. The API takes a decimal string or an integer.
MONEY_PATTERN = r"^\d{1,12}(\.\d{1,2})?$"


def _not_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise PydanticCustomError("money_negative", "a negative amount")
    return value


Money = Annotated[
    Number,
    Field(le=MAX_AMOUNT, decimal_places=2),
    AfterValidator(_not_negative),
    _places(2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": MONEY_PATTERN},
                {"type": "integer", "minimum": 0, "maximum": int(MAX_AMOUNT)},
            ]
        }
    ),
]
# A rate as a fraction between 0 and 1 (0.9 = 90 %), at most four decimals (12.34 %). Forms
# show percentages and convert them at their edge (`coop.forms.percents_to_fractions`).
RATE_PATTERN = r"^(0(\.\d{1,4})?|1(\.0{1,4})?)$"
Rate = Annotated[
    Number,
    Field(ge=0, le=1, decimal_places=4),
    _places(4),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": RATE_PATTERN},
                {"type": "integer", "minimum": 0, "maximum": 1},
            ]
        }
    ),
]


def _day(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        day = v.date_from_text(value)
        if day is None:
            raise PydanticCustomError("date_parsing", "not a date")
        return day
    return value


# A day: ISO (2022-02-23) or German (23.02.2022).
Day = Annotated[date, BeforeValidator(_day), Strict()]

_YES = ("1", "true", "y", "yes", "on", "ja", "j", "x")
_NO = ("0", "false", "n", "no", "off", "nein")


def _flag(value, info: ValidationInfo):
    if isinstance(value, str) and _typed(info):
        raw = value.strip().lower()
        if raw in _YES:
            return True
        if raw in _NO:
            return False
    return value


# Yes or no: JSON's true/false; a checkbox, "ja"/"nein" typed into a form or an import.
Flag = Annotated[bool, BeforeValidator(_flag), Strict()]


def split_words(value):
    """Words from a list or from text separated by commas or new lines, trimmed, each once."""
    if isinstance(value, str):
        value = value.replace("\n", ",").split(",")
    if isinstance(value, list | tuple) and all(isinstance(x, str) for x in value):
        return list(dict.fromkeys(w for w in (_line(x) for x in value) if w))
    return value


# Words (keywords): a list of texts, or text separated by commas or new lines.
Words = Annotated[list[str], BeforeValidator(split_words)]


def pattern(regex: str, message) -> Field:
    """A text's pattern (shown in the OpenAPI document) with the sentence that explains it."""
    _PATTERNS[regex] = message
    # said twice: pydantic leaves a pattern behind a validator out of the JSON schema
    return Field(pattern=regex, json_schema_extra={"pattern": regex})


_PATTERNS: dict[str, typing.Callable[[], str]] = {}
URL_PATTERN = r"^https?://[^\s/$.?#][^\s]*$"
# A web address starting with http:// or https://.
Url = Annotated[
    Line,
    pattern(
        URL_PATTERN, lambda: _("Please enter a web address starting with https:// or http://.")
    ),
]

# The two-digit key of a federal state (05 is Nordrhein-Westfalen).
StateKey = Literal[tuple(STATES)]

MONEY = 'Euros as a decimal string with at most two decimals, e.g. "490000.00"'
RATE = 'A fraction as a decimal string, e.g. "0.90" for 90 %'
FTE = 'Full-time equivalents as a decimal string, e.g. "1.5"'
ID = {"ge": 1, "le": 2**31 - 1}


def rule(message: str) -> PydanticCustomError:
    """A rule of a command broken: raise it from a validator with the sentence to show."""
    return PydanticCustomError("coop_rule", "{text}", {"text": message})


class Command(BaseModel):
    """A command's model: unknown fields are refused, an empty text is no value."""

    model_config = ConfigDict(extra="forbid")

    # A change (PATCH, an edit form) may leave these out but not empty them.
    NOT_EMPTY: ClassVar[tuple[str, ...]] = ()
    # The fields of a row that, all left empty in a form, make it a spare row to leave out
    # (empty: every field without a default).
    BLANK_UNLESS: ClassVar[tuple[str, ...]] = ()
    # Whether the command carries only the fields given (a change: the others stay as they
    # are) or all (a new record, with the defaults of the fields not given).
    PARTIAL: ClassVar[bool] = False

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_none(cls, value):
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _not_emptied(cls, value, info: ValidationInfo):
        if value is None and info.field_name in cls.NOT_EMPTY:
            raise PydanticCustomError("required", "required")
        return value


# --- reading a command's limits ---------------------------------------------------------------


def constraints(model: type[BaseModel], name: str):
    """The constraints of a field: its own and those of its type (`Money | None`)."""
    field = model.model_fields[name]
    yield from field.metadata
    for arg in typing.get_args(field.annotation):
        for inner in typing.get_args(arg)[1:] if typing.get_origin(arg) is Annotated else ():
            yield from getattr(inner, "metadata", None) or (inner,)


def max_length(model: type[BaseModel], name: str) -> int | None:
    """The longest text a command's field takes."""
    for constraint in constraints(model, name):
        limit = getattr(constraint, "max_length", None)
        if limit is not None:
            return limit
    return None


def bounds(model: type[BaseModel], name: str) -> tuple[int | None, int | None]:
    """The least and greatest number a command's field takes."""
    low = high = None
    for constraint in constraints(model, name):
        low = getattr(constraint, "ge", low)
        high = getattr(constraint, "le", high)
    return low, high


class _Limit:
    """A field's longest text, read from its model whenever a page shows the input."""

    def __init__(self, model: type[BaseModel], name: str):
        self.model, self.name = model, name

    def __str__(self) -> str:
        return str(max_length(self.model, self.name))

    __html__ = __str__


def text_input(model: type[BaseModel], name: str, **extra) -> dict:
    """The HTML attributes of a form's text input for the field (its maxlength, as the model
    says when the page is shown)."""
    limit = max_length(model, name)
    return {**({"maxlength": _Limit(model, name)} if limit else {}), **extra}


# --- binding values to a command ----------------------------------------------------------------


def _row_model(annotation) -> type[BaseModel] | None:
    """The model of a list's rows (list[ParticipantIn] | None)."""
    for candidate in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(candidate) is list:
            (item,) = typing.get_args(candidate) or (None,)
            if isinstance(item, type) and issubclass(item, BaseModel):
                return item
    return None


def _blank(row: Mapping, model: type[BaseModel]) -> bool:
    """A row of a form left empty: nothing typed into the fields that make a row (the model's
    `BLANK_UNLESS`; by default every field that has no default)."""
    names = getattr(model, "BLANK_UNLESS", None) or [
        name
        for name, field in model.model_fields.items()
        if field.is_required() or field.default is None
    ]
    return all(row.get(name) in (None, "", []) for name in names)


def _form_values(model: type[BaseModel], raw: Mapping) -> dict:
    """A form's values for the model: its fields only (not the CSRF token, not the buttons),
    the rows left empty (a form shows a few spare ones) left out, an empty field that has a
    default left to it."""
    values = {}
    for name, value in raw.items():
        field = model.model_fields.get(name)
        if field is None:
            continue
        if value in (None, "") and not field.is_required() and field.default is not None:
            continue  # an empty select or field: the command's default
        rows = _row_model(field.annotation)
        if rows is not None and isinstance(value, list):
            value = [
                _form_values(rows, row) if isinstance(row, Mapping) else row
                for row in value
                if not (isinstance(row, Mapping) and _blank(row, rows))
            ]
        values[name] = value
    return values


def bind(
    model: type[BaseModel], raw: Mapping, *, prefix: str = ""
) -> tuple[BaseModel | None, dict]:
    """A form's (or an import row's) values validated by a command model, read the way people
    type them (490.000,00; 23.02.2022; the code of a select; keywords separated by commas).

    Returns the command and no errors; or, when values were refused, every field's error
    (`errors_of`) and the command of what could be read (the refused fields left out, a list
    with a refused row left out whole), so that the service can name what else is wrong and
    the person sees every problem at once (`forms.submit`); None when even that is no command
    (a required field refused)."""
    values = _form_values(model, raw)
    try:
        return model.model_validate(values, context=FORM), {}
    except PydanticError as exc:
        refused = {err["loc"][0] for err in exc.errors() if err["loc"]}
        readable = {k: x for k, x in values.items() if k not in refused}
        try:
            command = model.model_validate(readable, context=FORM)
        except PydanticError:
            command = None
        return command, errors_of(exc, prefix=prefix, form=True)


def parse(model: type[BaseModel], data: Mapping, *, form: bool = False) -> BaseModel:
    """Values from inside coop (a proposal's reading, an import's planned row) validated by a
    command model; what it refuses is a ValidationError with each field's sentence, as a
    service's would be. `form`: the values are text as people type it."""
    from .errors import ValidationError

    try:
        return model.model_validate(data, context=FORM if form else None)
    except PydanticError as exc:
        raise ValidationError(
            _("Please correct the marked fields."), errors_of(exc, form=form)
        ) from None


def values_of(command: BaseModel, *, leave_out: tuple[str, ...] = ()) -> dict:
    """What a command carries, as the services work with it: every field of a new record (with
    its defaults), only the fields given of a change; rows as dicts."""
    data = command.model_dump()  # rows whole, with their defaults
    if getattr(command, "PARTIAL", False):
        data = {k: x for k, x in data.items() if k in command.model_fields_set}
    for name in leave_out:
        data.pop(name, None)
    return data


# --- what a command refused, in words -----------------------------------------------------------


def message_of(err: dict, *, form: bool = False, item: bool = False) -> str:
    """One refused value (an entry of pydantic's errors) in words."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    given = err.get("input")
    if kind in ("missing", "required") or (given is None and kind.endswith("_type")):
        return _("This field is required.")
    if kind == "coop_rule":
        return str(ctx["text"])
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("Please enter a whole number.")
    if kind in ("enum", "literal_error"):
        return _("Please choose a value from the list.")
    if kind == "string_too_long":
        if item:
            return _("Each entry has at most %(n)d characters.", n=ctx["max_length"])
        return _("At most %(n)d characters.", n=ctx["max_length"])
    if kind == "string_too_short":
        if item:
            return _("Each entry has at least %(n)d characters.", n=ctx["min_length"])
        return _("At least %(n)d characters.", n=ctx["min_length"])
    if kind == "too_long":
        return _("At most %(n)d entries.", n=ctx["max_length"])
    if kind == "string_pattern_mismatch":
        explain = _PATTERNS.get(ctx.get("pattern"))
        return explain() if explain else _("Invalid value.")
    if kind == "string_type":
        return _("Please enter a text.")
    if kind in ("list_type",):
        return _("Please give a list.")
    if kind in ("decimal_parsing", "decimal_type", "finite_number"):
        if form:
            return _("Please enter an amount, e.g. 490.000,00.")
        return _('Please enter an amount as a decimal string, e.g. "490000.00".')
    if kind == "decimal_max_places":
        if ctx.get("decimal_places") == 2:
            return _("At most two decimal places (cents).")
        return _("At most two decimal places in percent (e.g. 12.34 %).")
    if kind == "money_negative":
        return _("The amount cannot be negative.")
    if kind == "greater_than":  # a yearly rate of growth or discount
        return _("The rate must be greater than −100 %.")
    if kind == "greater_than_equal":
        bound = ctx.get("ge")
        if bound == 0:
            return _("The number cannot be negative.")
        return _("At least %(n)s.", n=bound)
    if kind in ("less_than_equal", "less_than"):
        bound = ctx.get("le", ctx.get("lt"))
        if isinstance(bound, Decimal) and bound == 1:
            if form:  # the form shows the rate in percent
                return _("Please enter a percentage between 0 and 100.")
            return _("The rate must lie between 0 and 1 (0.9 = 90 %).")
        if isinstance(bound, Decimal) and bound == MAX_AMOUNT:
            return _("That amount is too large.")
        return _("At most %(n)s.", n=bound)
    if kind.startswith("date") or kind.startswith("datetime"):
        if form:
            return _("Please enter a valid date, e.g. 23.02.2022.")
        return _("Please enter a date as YYYY-MM-DD.")
    if kind.startswith("bool"):
        return _("Please enter true or false.")
    return _("Invalid value.")


def errors_of(exc: PydanticError, *, prefix: str = "", form: bool = False) -> dict[str, str]:
    """What a command refused, one sentence per field (`participants.2.body_id`): the same
    words for the form, the API's field errors and the import's row errors. `form`: the values
    were typed (the examples show German notation)."""
    fields: dict[str, str] = {}
    for err in exc.errors():
        loc = list(err["loc"])
        item = bool(loc) and isinstance(loc[-1], int)
        while loc and isinstance(loc[-1], int):
            loc.pop()  # an entry of a list of words: the list's field
        name = prefix + ".".join(str(p) for p in loc) if loc else (prefix.rstrip(".") or "body")
        fields.setdefault(name, message_of(err, form=form, item=item))
    return fields
