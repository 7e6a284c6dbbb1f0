"""The vocabulary of the command models (`coop/<domain>/schemas.py`): how money, rates and ids
travel, and the helpers that read a command's limits, so that a form, the API and a service
state a field's limit once (in the model) and read it from there."""

from __future__ import annotations

from pydantic import BaseModel

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
