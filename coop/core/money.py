"""Money and rates as Decimal: rounding and German display, without an app context."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

CENT = Decimal("0.01")
LOCALES = {"de": "de_DE", "en": "en_GB"}


def to_cents(value: Decimal) -> Decimal:
    """Half up to the cent: what is shown or sent."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def cap_to_cents(value: Decimal) -> Decimal:
    """Down to the cent: a ceiling must not be exceeded by rounding."""
    return value.quantize(CENT, rounding=ROUND_DOWN)


def money(value: Decimal | None, lang: str = "de") -> str:
    """An amount in euros in the language's notation (490.000,00 € / €490,000.00); "–" for None."""
    if value is None:
        return "–"
    return format_currency(to_cents(Decimal(value)), "EUR", locale=LOCALES.get(lang, "de_DE"))


def percent(rate: Decimal | None, lang: str = "de") -> str:
    """A fraction (0.15) as a percentage ("15 %"), up to two decimals."""
    if rate is None:
        return "–"
    number = format_decimal(
        (Decimal(rate) * 100).quantize(CENT, rounding=ROUND_HALF_UP).normalize(),
        locale=LOCALES.get(lang, "de_DE"),
    )
    return f"{number} %" if lang == "de" else f"{number}%"


def day(value: date | None, lang: str = "de") -> str:
    """A date in the language's notation (23.02.2022 / Feb 23, 2022, as the pages write it);
    "–" for None."""
    if value is None:
        return "–"
    if lang == "de":
        return value.strftime("%d.%m.%Y")
    return format_date(value, "MMM d, yyyy", locale=LOCALES.get(lang, "en"))


def apportion(values: list[Decimal]) -> list[Decimal]:
    """The values to the cent such that they add up to their exact sum rounded once (half up):
    each is cut down to the cent, and the cents left over go to the values that lost most by
    the cut (the largest remainder; the earlier on a tie). One rounding rule for a total and its
    parts: a page shows `to_cents(sum(values))` and these, and they agree to the cent."""
    if not values:
        return []
    floors = [v.quantize(CENT, rounding=ROUND_FLOOR) for v in values]
    left = int((to_cents(sum(values, Decimal(0))) - sum(floors, Decimal(0))) / CENT)
    order = sorted(range(len(values)), key=lambda i: (-(values[i] - floors[i]), i))
    out = list(floors)
    for i in order[:left]:
        out[i] += CENT
    return out


def running(values: list[Decimal]) -> list[Decimal]:
    """The running total of values (cumulative figures that agree with their rows)."""
    out, total = [], Decimal(0)
    for v in values:
        total += v
        out.append(total)
    return out
