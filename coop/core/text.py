"""What the core says to people: a message key with its values, never a finished sentence. The
sentences live in the gettext catalogue (`coop.messages` maps each key to its English text), so
one result reads right on a German page, in an English e-mail and in the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Rate:
    """A fraction, shown as a percentage."""

    value: Decimal


@dataclass(frozen=True)
class Text:
    """A sentence by its message key with its values; `coop.messages.render` renders it in the
    reader's language from the gettext catalogue."""

    key: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Joined:
    """Parts of a sentence joined by "; " (or ", " for names)."""

    parts: list[Text]
    separator: str = "; "
