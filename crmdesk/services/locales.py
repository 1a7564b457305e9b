"""Babel's locales and date patterns, read once per locale name: Babel parses a name given
as text, and looks its patterns up, at every date or amount it formats — a third of the
time filling in 1,000 letters took."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Literal

from babel import Locale
from babel.dates import DateTimePattern, get_date_format


@lru_cache(maxsize=64)
def babel_locale(name: str) -> Locale:
    return Locale.parse(name)


Width = Literal["full", "long", "medium", "short"]


@lru_cache(maxsize=64)
def _date_pattern(name: str, width: Width) -> DateTimePattern:
    return get_date_format(width, locale=babel_locale(name))


def date_in(day: date, width: Width, name: str) -> str:
    """Babel's `format_date(day, width, locale=name)`, its pattern read once."""
    return _date_pattern(name, width).apply(day, babel_locale(name))
