"""Dates as contact files write them: vCard's 19800322, 1980-03-22 and --0322, Apple's
placeholder year 1604, Outlook's 15.04.1975 and its empty date 0.0.00, Google's --03-22,
and whatever a spreadsheet holds, read in the shop's locale (services.dates)."""

from __future__ import annotations

import re
from datetime import date

from crmdesk.services import dates
from crmdesk.services.importing.records import PartialDate

# Apple writes a birthday without a year as 1604-MM-DD (with X-APPLE-OMIT-YEAR=1604);
# no client of a shop was born before 1800, so such a year means "not known"
_NO_YEAR_BEFORE = 1800
_ISO = re.compile(
    r"(?P<y>\d{4}|-)-?(?P<m>\d{2})-?(?P<d>\d{2})(?:[T ][0-9:.Z+\-]*)?",
)
_NO_YEAR = re.compile(r"--(?P<m>\d{2})-?(?P<d>\d{2})")
_NUMBERS = re.compile(
    r"(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})\.?(?:\s+[0-9:]+(?:\s*[AaPp][Mm])?)?"
)


def _partial(year: int | None, month: int, day: int) -> PartialDate:
    if year is not None and year < _NO_YEAR_BEFORE:
        year = None
    return PartialDate(month, day, year)


def _numbers(found: re.Match[str], locale: str) -> PartialDate:
    """15.04.1975, 4/15/1975, 15/04/1975: a dot or a number above 12 says which is the day;
    otherwise the shop's locale does (Outlook writes the dates of the Windows it ran on)."""
    first, separator, second, year_text = found.groups()
    a, b = int(first), int(second)
    year = int(year_text)
    if len(year_text) == 2:  # Outlook's 15.04.75: a birthday, so never in the future
        year += 1900 if year > date.today().year % 100 else 2000
    if separator == "." or a > 12:
        day, month = a, b
    elif b > 12:
        month, day = a, b
    else:
        day, month = (
            (a, b) if dates.order(locale).index("d") < dates.order(locale).index("m") else (b, a)
        )
    return _partial(year, month, day)


def read_date(
    text: str, locale: str = "en_US", *, omit_year: int | None = None
) -> PartialDate | None:
    """The date `text` means; None when it is empty (or one of the files' ways of writing no
    date: 0.0.00, 00/00/0000). `omit_year`: Apple's X-APPLE-OMIT-YEAR, the year that stands
    for "no year". Raises ValueError, with the text, when it is not a date."""
    typed = text.strip()
    if not typed or not typed.strip("0./-: "):
        return None
    try:
        found = _NO_YEAR.fullmatch(typed)
        if found:
            return PartialDate(int(found["m"]), int(found["d"]))
        found = _ISO.fullmatch(typed)
        if found and found["y"] != "-":
            year = int(found["y"])
            if omit_year is not None and year == omit_year:
                return PartialDate(int(found["m"]), int(found["d"]))
            return _partial(year, int(found["m"]), int(found["d"]))
        found = _NUMBERS.fullmatch(typed)
        if found:
            return _numbers(found, locale)
    except ValueError as error:  # a month 13, a 31 February
        raise ValueError(f"“{typed}” is not a date ({error})") from None
    try:
        day = dates.parse_date(typed, locale, past=False)
    except ValueError:
        raise ValueError(f"“{typed}” is not a date") from None
    if day is None:
        return None
    return _partial(day.year, day.month, day.day)
