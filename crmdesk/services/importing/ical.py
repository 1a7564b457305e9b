"""Birthday calendars (.ics) from Google, Apple, Thunderbird and Outlook: each yearly event
that is a birthday or an anniversary becomes a contact with that date.

An event is a birthday or an anniversary by its categories, its summary ("Anna's birthday",
"Geburtstag von Anna", "Hochzeitstag Anna und Tom") or the calendar's name ("Birthdays");
an anniversary is never taken for a birthday. A year is kept only when the file gives one:
Apple's 1604 and any year before 1800 mean "not known", and so does a year no earlier than
the one the event was made in (calendar apps start a birthday of unknown year at the year
it was typed). Other events are listed as problems, not imported.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from typing import IO, Any

import icalendar

from crmdesk.services.importing.detect import physical_lines
from crmdesk.services.importing.records import (
    ContactDraft,
    ImportedContact,
    Origin,
    PartialDate,
    Problem,
    RememberedDate,
)

_BIRTHDAY = (
    "birthday", "bday", "b-day", "geburtstag", "cumpleaños", "cumpleanos", "verjaardag",
    "compleanno", "aniversário", "urodziny", "födelsedag", "fødselsdag", "syntymäpäivä",
    "день рождения", "生日", "誕生日", "🎂", "anniversaire",
)  # fmt: skip
_ANNIVERSARY = (
    "anniversary", "jahrestag", "hochzeitstag", "anniversaire de mariage", "aniversario",
    "anniversario", "jubileum", "trouwdag", "huwelijksdag", "bröllopsdag", "bryllupsdag",
)  # fmt: skip
_CALENDAR_NAME = re.compile(r"^X-WR-CALNAME[^:]*:(.*)$", re.IGNORECASE)
_FILLER = re.compile(
    r"^(?:of|von|de|du|d'|van|di|del|della|for|für|fur|:|-|–)\s+|(?:'s|’s|'|’)$|"
    r"\s*\((?:\d+|[^)]*(?:birthday|geburtstag|anniversary)[^)]*)\)\s*|\s+\d+(?:st|nd|rd|th|\.)?$",
    re.IGNORECASE,
)
_NO_YEAR_BEFORE = 1800


def _kind(summary: str, categories: list[str], calendar_name: str, yearly: bool) -> str:
    """ "anniversary", "birthday" or "" (any other event). The calendar's name counts only
    for a yearly event: a one-off appointment in "Birthdays" is no one's birthday."""
    words = " ".join([summary, *categories]).casefold()
    if any(w in words for w in _ANNIVERSARY):
        return "anniversary"
    if any(w in words for w in _BIRTHDAY):
        return "birthday"
    name = calendar_name.casefold() if yearly else ""
    if any(w in name for w in _ANNIVERSARY):
        return "anniversary"
    if any(w in name for w in _BIRTHDAY):
        return "birthday"
    return ""


def person_from_summary(summary: str) -> str:
    """ "Anna Schmidt" from "Anna Schmidt's birthday", "Geburtstag von Anna Schmidt",
    "🎂 Anna Schmidt (45)", "Birthday: Anna Schmidt"."""
    text = summary
    for word in sorted(_ANNIVERSARY + _BIRTHDAY, key=len, reverse=True):
        text = re.sub(re.escape(word), " ", text, flags=re.IGNORECASE)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "So")  # emoji
    text = " ".join(text.split())
    for _ in range(3):
        text = _FILLER.sub("", text.strip(" :-–,")).strip()
    return text


def _categories(event: icalendar.cal.Component) -> list[str]:
    found = event.get("CATEGORIES")
    found = found if isinstance(found, list) else [found] if found is not None else []
    return [str(c) for cats in found for c in getattr(cats, "cats", [cats])]


def _made_in(event: icalendar.cal.Component) -> int | None:
    for key in ("CREATED", "DTSTAMP", "LAST-MODIFIED"):
        value = event.get(key)
        if value is not None and isinstance(value.dt, date):
            return value.dt.year
    return None


def _when(event: icalendar.cal.Component, draft: ContactDraft, line: int) -> PartialDate | None:
    start = event.get("DTSTART")
    day: Any = start.dt if start is not None else None
    if isinstance(day, datetime):
        day = day.date()
    if not isinstance(day, date):
        draft.problem("the event has no date", line)
        return None
    year: int | None = day.year
    omit = str(event.get("X-APPLE-OMIT-YEAR", ""))
    made = _made_in(event)
    if (omit.isdigit() and int(omit) == day.year) or day.year < _NO_YEAR_BEFORE:
        year = None
    elif made is not None and day.year >= made:
        draft.problem(
            f"the year {day.year} is the year the reminder was made, not a year of birth;"
            " taken as not known",
            line,
        )
        year = None
    return PartialDate(day.month, day.day, year)


def read_calendar(
    stream: IO[str], file: str, *, problems: list[Problem] | None = None
) -> Iterator[ImportedContact]:
    """The birthdays and anniversaries in an iCalendar file, one contact per event, as the
    file is read. Events that are neither are listed in `problems`."""
    skipped: list[Problem] = problems if problems is not None else []
    calendar_name = ""
    lines: list[str] = []
    start = depth = count = 0
    for number, text in physical_lines(stream):
        upper = text.strip().upper()
        if not depth:
            found = _CALENDAR_NAME.match(text.strip())
            if found:
                calendar_name = found[1]
        if upper == "BEGIN:VEVENT":
            depth, start, lines = 1, number, []
        elif depth and upper.startswith("BEGIN:"):
            depth += 1
        elif depth and upper.startswith("END:"):
            depth -= 1
        if depth or upper == "END:VEVENT":
            lines.append(text)
        if upper == "END:VEVENT" and not depth:
            count += 1
            contact = _event(lines, Origin(file, start, count), calendar_name, skipped)
            if contact is not None:
                yield contact


def _event(
    lines: list[str], origin: Origin, calendar_name: str, skipped: list[Problem]
) -> ImportedContact | None:
    try:
        event = icalendar.Event.from_ical("\r\n".join(lines) + "\r\n")
    except ValueError as error:
        skipped.append(Problem(f"the event could not be read ({error})", origin.file, origin.line))
        return None
    summary = str(event.get("SUMMARY", "")).strip()
    rule = event.get("RRULE")
    yearly = rule is not None and "YEARLY" in [str(f).upper() for f in rule.get("FREQ", [])]
    kind = _kind(summary, _categories(event), calendar_name, yearly)
    if not kind:
        skipped.append(
            Problem(
                f"“{summary}” is not a birthday or an anniversary; not imported",
                origin.file,
                origin.line,
            )
        )
        return None
    draft = ContactDraft(origin)
    draft.display_name = person_from_summary(summary) or summary
    when = _when(event, draft, origin.line)
    if when is None:
        return draft.freeze()
    if kind == "birthday":
        draft.birthday = when
    else:
        draft.dates.append(RememberedDate("anniversary", when))
    description = str(event.get("DESCRIPTION", "")).strip()
    if description:
        draft.notes.append(description)
    return draft.freeze()
