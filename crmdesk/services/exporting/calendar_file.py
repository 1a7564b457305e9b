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

import icalendar

from crmdesk.model.partial_date import PartialDate
from crmdesk.services.exporting.people import ExportedClient

PRODID = "-//crmdesk//crmdesk export//EN"


def _event(
    uid: str, summary: str, start: date, stamp: datetime, *, leap_day: bool = False
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("UID", uid)
    event.add("DTSTAMP", stamp)
    event.add("SUMMARY", summary)
    event.add("DTSTART", start)
    event.add("DTEND", start + timedelta(days=1))
    event.add("TRANSP", "TRANSPARENT")  # all day, and not busy
    rule: dict[str, object] = {"FREQ": "YEARLY"}
    if leap_day:  # 29 February: the last day of February, every year
        rule.update(BYMONTH=2, BYMONTHDAY=-1)
    event.add("RRULE", rule)
    return event


def _birthday_event(
    person: ExportedClient, born: PartialDate, today: date, stamp: datetime
) -> icalendar.Event:
    start = born.to_date() or born.in_year(today.year)  # (29 Feb: on the 28th if need be)
    uid, title = f"{person.record.id}-birthday@crmdesk", f"{person.name}'s birthday"
    event = _event(uid, title, start, stamp, leap_day=(born.month, born.day) == (2, 29))
    event.add("CATEGORIES", ["Birthday"])
    if born.year is None:
        event.add("DESCRIPTION", "Year of birth not known.")
        event.add("X-APPLE-OMIT-YEAR", str(start.year))
    return event


def calendar_events(
    people: Iterable[ExportedClient], today: date
) -> Iterator[tuple[int, list[icalendar.Event]]]:
    """(clients so far, that client's events) for each client."""
    stamp = datetime.now(UTC).replace(microsecond=0)
    for n, person in enumerate(people, 1):
        events = []
        if person.record.birthday is not None:
            events.append(_birthday_event(person, person.record.birthday, today, stamp))
        for k, fact in enumerate(person.dates):
            uid = f"{person.record.id}-date-{k}-{fact.on.isoformat()}@crmdesk"
            leap_day = (fact.on.month, fact.on.day) == (2, 29)
            event = _event(uid, f"{fact.label}: {person.name}", fact.on, stamp, leap_day=leap_day)
            if fact.value:
                event.add("DESCRIPTION", fact.value)
            events.append(event)
        yield n, events


def write_calendar(
    out: IO[str], people: Iterable[ExportedClient], today: date, name: str
) -> Iterator[int]:
    """Write the calendar to `out` (opened with newline=""), an event at a time (memory
    stays flat), yielding after each client."""
    cal = icalendar.Calendar()
    cal.add("PRODID", PRODID)
    cal.add("VERSION", "2.0")
    cal.add("CALSCALE", "GREGORIAN")
    cal.add("X-WR-CALNAME", name)
    head = cal.to_ical().decode("utf-8")
    end = "END:VCALENDAR\r\n"
    assert head.endswith(end)
    out.write(head.removesuffix(end))
    for n, events in calendar_events(people, today):
        for event in events:
            out.write(event.to_ical().decode("utf-8"))
        yield n
    out.write(end)
