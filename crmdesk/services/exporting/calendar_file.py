"""Birthdays and remembered dates as an iCalendar file (RFC 5545) for the owner's calendar
app: one all-day event a year for each (RRULE:FREQ=YEARLY), importable into Google
Calendar, Apple Calendar, Outlook and Thunderbird.

- A birthday whose year is known starts on the day of birth and repeats every year.
- A birthday without its year starts on its day in the year the file is written (the
  current year) and repeats from there: the event claims no year of birth (its description
  says "year of birth not known"; X-APPLE-OMIT-YEAR names that start year as not a year of
  birth, which Apple's apps and crmdesk's own import understand).
- 29 February repeats on the last day of February (BYMONTHDAY=-1): the 29th in leap years,
  the 28th in others — a plain yearly rule would skip three years in four.
- A thing to remember with a date ("Wedding anniversary" → 29 November 2019) repeats yearly
  from that date, its label and the client's name in the title, its value in the text.

Each event's UID comes from the client (and the thing to remember), so importing a newer
export into the same calendar updates the events instead of doubling them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import IO

from crmdesk.model.partial_date import PartialDate
from crmdesk.services.exporting.people import ExportedClient
from crmdesk.services.exporting.vcard_file import escape, fold

PRODID = "-//crmdesk//crmdesk export//EN"
# (written line by line: building icalendar's objects took 0.5 ms an event, a minute at
# 100,000 clients; the tests read the files back with icalendar)


def _day(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _event(
    uid: str,
    summary: str,
    start: date,
    stamp: str,
    *,
    leap_day: bool = False,
    extra: tuple[str, ...] = (),
) -> str:
    rule = "FREQ=YEARLY" + (";BYMONTH=2;BYMONTHDAY=-1" if leap_day else "")  # (29 February:
    lines = (  # the last day of February every year; a plain yearly rule skips 3 years in 4)
        "BEGIN:VEVENT",
        f"UID:{escape(uid)}",
        f"DTSTAMP:{stamp}",
        f"SUMMARY:{escape(summary)}",
        f"DTSTART;VALUE=DATE:{_day(start)}",
        f"DTEND;VALUE=DATE:{_day(start + timedelta(days=1))}",
        f"RRULE:{rule}",
        "TRANSP:TRANSPARENT",  # all day, and not busy
        *extra,
        "END:VEVENT",
    )
    return "".join(fold(line) for line in lines)


def _birthday_event(person: ExportedClient, born: PartialDate, today: date, stamp: str) -> str:
    start = born.to_date() or born.in_year(today.year)  # (29 Feb: on the 28th if need be)
    extra = ["CATEGORIES:Birthday"]
    if born.year is None:
        extra += ["DESCRIPTION:Year of birth not known.", f"X-APPLE-OMIT-YEAR:{start.year}"]
    return _event(
        f"{person.record.id}-birthday@crmdesk",
        f"{person.name}'s birthday",
        start,
        stamp,
        leap_day=(born.month, born.day) == (2, 29),
        extra=tuple(extra),
    )


def calendar_events(people: Iterable[ExportedClient], today: date) -> Iterator[tuple[int, str]]:
    """(clients so far, that client's events as text) for each client."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for n, person in enumerate(people, 1):
        events = []
        if person.record.birthday is not None:
            events.append(_birthday_event(person, person.record.birthday, today, stamp))
        for k, fact in enumerate(person.dates):
            uid = f"{person.record.id}-date-{k}-{fact.on.isoformat()}@crmdesk"
            extra = (f"DESCRIPTION:{escape(fact.value)}",) if fact.value else ()
            events.append(
                _event(
                    uid,
                    f"{fact.label}: {person.name}",
                    fact.on,
                    stamp,
                    leap_day=(fact.on.month, fact.on.day) == (2, 29),
                    extra=extra,
                )
            )
        yield n, "".join(events)


def write_calendar(
    out: IO[str], people: Iterable[ExportedClient], today: date, name: str
) -> Iterator[int]:
    """Write the calendar to `out` (opened with newline=""), an event at a time (memory
    stays flat), yielding after each client."""
    head = ("BEGIN:VCALENDAR", f"PRODID:{PRODID}", "VERSION:2.0", "CALSCALE:GREGORIAN",
            f"X-WR-CALNAME:{escape(name)}")  # fmt: skip
    out.write("".join(fold(line) for line in head))
    for n, events in calendar_events(people, today):
        out.write(events)
        yield n
    out.write(fold("END:VCALENDAR"))
