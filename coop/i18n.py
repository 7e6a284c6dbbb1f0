"""Language choice and German-first formatting of dates, numbers and money."""

from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from babel.support import NullTranslations, Translations
from flask import Flask, current_app, request, session
from flask_babel import format_currency, format_date, format_datetime, format_decimal, get_locale


def select_locale() -> str:
    """German unless the person chose English (session), or an API client asks for it."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang") if request else None
    if chosen in languages:
        return chosen
    if request and request.path.startswith("/api/"):
        return request.accept_languages.best_match(languages, default="de")
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def fmt_date(value: date | datetime | None) -> str:
    """23.02.2022 in German, Feb 23, 2022 in English; empty for None."""
    if value is None:
        return ""
    if str(get_locale()) == "de":
        return format_date(value, "dd.MM.yyyy")
    return format_date(value, "medium")


def fmt_datetime(value: datetime | None) -> str:
    """23.02.2022, 14:30 Uhr in German, Feb 23, 2022, 2:30 PM in English (the date as
    `fmt_date` writes it, minutes without seconds); empty for None."""
    if value is None:
        return ""
    if str(get_locale()) == "de":
        return format_datetime(value, "dd.MM.yyyy, HH:mm 'Uhr'")
    return format_datetime(value, "MMM d, yyyy, h:mm a")


def fmt_money(value: Decimal | int | None, currency: str = "EUR") -> str:
    """490.000,00 € in German."""
    if value is None:
        return ""
    return format_currency(Decimal(value), currency)


def fmt_percent(rate: Decimal | None) -> str:
    """A fraction as a percentage in the current language: 0.9 → "90 %" (de), "90%" (en)."""
    from .core.money import percent

    return percent(rate, str(get_locale() or "de")[:2])


def fmt_number(value: int | Decimal | None) -> str:
    """12.345 in German."""
    if value is None:
        return ""
    return format_decimal(value)


TRANSLATIONS = Path(__file__).parent / "translations"


@functools.cache
def catalogue(lang: str) -> NullTranslations:
    """The gettext catalogue of `lang` (the same files Flask-Babel reads); English is the
    catalogue's own language. Needs no app context: jobs and PDFs render in any language."""
    if lang == "en":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [lang])


def init_i18n(app: Flask) -> None:
    """The formatting filters of the templates (date, datetime, money, number, percent)."""
    app.jinja_env.filters.update(
        date=fmt_date,
        datetime=fmt_datetime,
        money=fmt_money,
        number=fmt_number,
        percent=fmt_percent,
    )
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
