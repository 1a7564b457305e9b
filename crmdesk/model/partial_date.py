"""A day of a year, or a day of every year when the year is not known: a birthday.

A birthday is often known without its year ("15 April": a phone's contact saved as
`--0415`, Apple's X-APPLE-OMIT-YEAR, a client who would rather not say). Such a birthday is
kept without a year: a year is never invented, so no age is ever worked out from one.

In the file, `clients.birthday` stays one column (declared DATE, as before) holding text:
"1980-04-15" when the year is known (what every file already holds), and "XXXX-04-15"
when it is not: ISO 8601-2's (EDTF) way of writing a date whose year is unspecified.
Why one column and this form (migration 0011 says the same):

- the month and day sit at characters 6-10 either way, so the month-day index
  (`substr(birthday, 6, 5)`) and every query that finds the birthdays of a day or a month
  work unchanged for both kinds;
- SQLite's date functions read "XXXX-04-15" as no date (NULL), so nothing in SQL can work
  out an age or a weekday from a year that is not there;
- a merge of two copies decides field by field: one column means a birthday and whether
  its year is known always travel together (month, day and a year-known flag in separate
  columns could be merged into a birthday neither copy had, like a 29 February in 2023);
- existing rows keep their dates exactly; nothing is rewritten.

This module does not load SQLAlchemy (the list and the client page read birthdays before
any write); the column type is in model.partial_date_type.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

UNKNOWN_YEAR = "XXXX"  # ISO 8601-2: the year is not specified
_STORED = re.compile(r"(\d{4}|XXXX)-(\d\d)-(\d\d)")
# "--0415", "--04-15" (vCard 4, ISO 8601:2000's truncated form), "XXXX-04-15", "1980-04-15",
# "19800415"
_WRITTEN = re.compile(r"(?:--|XXXX-?|(?P<year>\d{4})-?)(?P<month>\d\d)-?(?P<day>\d\d)")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A day of a year, or a day of every year when the year is not known ("15 April").
    A file that gives no year gives none here: a year is never invented."""

    month: int
    day: int
    year: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"there is no month {self.month}")
        last = _days_in(self.year, self.month)  # without a year: 29 February too
        if not 1 <= self.day <= last:
            raise ValueError(f"{calendar.month_name[self.month]} has no day {self.day}")
        if self.year is not None and not 1 <= self.year <= 9999:
            raise ValueError(f"the year {self.year} is not a year of our calendar")

    @classmethod
    def of(cls, day: date) -> PartialDate:
        return cls(day.month, day.day, day.year)

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """ "1980-04-15", "19800415", "XXXX-04-15", "--0415" or "--04-15". Raises ValueError."""
        found = _WRITTEN.fullmatch(text.strip())
        if found is None:
            raise ValueError(f"“{text}” is not a date like 1980-04-15 or --04-15")
        year = found["year"]
        return cls(int(found["month"]), int(found["day"]), int(year) if year else None)

    @classmethod
    def from_stored(cls, value: str | None) -> PartialDate | None:
        """The value of a birthday column as a raw SQL read returns it."""
        if not value:
            return None
        found = _STORED.fullmatch(value)
        if found is None:
            raise ValueError(f"“{value}” is not a stored birthday")
        year = None if found[1] == UNKNOWN_YEAR else int(found[1])
        return cls(int(found[2]), int(found[3]), year)

    @property
    def year_known(self) -> bool:
        return self.year is not None

    def stored(self) -> str:
        """How the file holds it: "1980-04-15", or "XXXX-04-15" when the year is not known."""
        year = UNKNOWN_YEAR if self.year is None else f"{self.year:04d}"
        return f"{year}-{self.month:02d}-{self.day:02d}"

    def to_date(self) -> date | None:
        """The full date, or None when the year is not known."""
        return None if self.year is None else date(self.year, self.month, self.day)

    def iso(self) -> str:
        """ "1980-03-22", or vCard's "--0322" when the year is not known."""
        if self.year is None:
            return f"--{self.month:02d}{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def in_year(self, year: int) -> date:
        """The day it falls on in `year`: 29 February is kept on the 28th in other years."""
        return date(year, self.month, min(self.day, _days_in(year, self.month)))

    def next_on_or_after(self, day: date) -> date:
        """The first day on or after `day` that it falls on (this year's, or next year's)."""
        this_year = self.in_year(day.year)
        return this_year if this_year >= day else self.in_year(day.year + 1)

    def age_on(self, day: date) -> int | None:
        """How old someone born on it is on `day`; None when the year is not known (or
        `day` is before it)."""
        if self.year is None:
            return None
        had_birthday = (day.month, day.day) >= (self.month, self.day)
        age = day.year - self.year - (0 if had_birthday else 1)
        return age if age >= 0 else None

    def __str__(self) -> str:
        text = f"{self.day} {calendar.month_name[self.month]}"
        return text if self.year is None else f"{text} {self.year}"


_LONGEST = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # the most days a month can have


def most_days(month: int) -> int:
    """The most days `month` has in any year (29 for February)."""
    return _LONGEST[month - 1]


def _days_in(year: int | None, month: int) -> int:
    return most_days(month) if year is None else calendar.monthrange(year, month)[1]
