"""Birthday calendars: birthdays with their year when the file knows it, without when it
does not; an anniversary is not a birthday; other events are listed, not imported."""

from __future__ import annotations

from crmdesk.services.importing import FileKind, PartialDate
from crmdesk.services.importing.ical import person_from_summary
from tests.import_helpers import by_name, problems, read


def test_birthdays_and_anniversaries_from_a_birthday_calendar() -> None:
    contacts, source = read("generated/birthdays.ics")
    assert source.kind is FileKind.ICALENDAR
    people = by_name(contacts)
    assert set(people) == {"Anna Schmidt", "Jürgen Weiß", "Lan Ng", "Tom und Eva Becker"}
    assert people["Anna Schmidt"].birthday == PartialDate(3, 22, 1980)
    assert people["Anna Schmidt"].origin.line == 5
    # Apple's 1604 with X-APPLE-OMIT-YEAR: no year
    assert people["Lan Ng"].birthday == PartialDate(7, 7, None)
    # a birthday starting in the year the event was made: that year is not a year of birth
    jurgen = people["Jürgen Weiß"]
    assert jurgen.birthday == PartialDate(4, 15, None)
    assert problems(jurgen) == [
        (
            12,
            "the year 2024 is the year the reminder was made, not a year of birth; "
            "taken as not known",
        )
    ]
    # the anniversary stays an anniversary
    couple = people["Tom und Eva Becker"]
    assert couple.birthday is None
    assert [(d.label, d.when) for d in couple.dates] == [("anniversary", PartialDate(6, 1, 2001))]
    # a one-off appointment in the calendar is listed, with its line, not imported
    assert [(p.line, p.text) for p in source.problems] == [
        (40, "“Dentist” is not a birthday or an anniversary; not imported")
    ]


def test_names_are_taken_out_of_the_summaries() -> None:
    assert person_from_summary("Anna Schmidt's birthday") == "Anna Schmidt"
    assert person_from_summary("Geburtstag von Jürgen Weiß") == "Jürgen Weiß"
    assert person_from_summary("🎂 Lan Ng (45)") == "Lan Ng"
    assert person_from_summary("Birthday: Marta Kowalska") == "Marta Kowalska"
    assert person_from_summary("Cumpleaños de José") == "José"
    assert person_from_summary("Anna’s 40th Birthday") == "Anna"
    assert person_from_summary("O'Brien") == "O'Brien"
