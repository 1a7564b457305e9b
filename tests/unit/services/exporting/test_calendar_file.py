"""The calendar of birthdays and remembered dates, parsed by icalendar."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import icalendar

from crmdesk.model.partial_date import PartialDate
from crmdesk.services import exporting
from crmdesk.services.exporting import ExportFormat
from crmdesk.services.importing import open_import
from crmdesk.store.database import Database

TODAY = date(2027, 6, 1)  # not a leap year


def _events(path: Path) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}


def test_birthdays_and_dates_are_yearly_events(
    db: Database, people: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "birthdays.ics"
    exporting.export_clients(db, people, out, ExportFormat.ICS, today=TODAY)
    events = _events(out)
    assert len(events) == 8  # seven birthdays and one anniversary
    known = events["Thị Hoa Nguyễn's birthday"]
    assert known["DTSTART"].dt == date(1980, 3, 22)  # from the day of birth
    assert known["RRULE"]["FREQ"] == ["YEARLY"]
    assert known["DTEND"].dt == date(1980, 3, 23)
    yearless = events["Łukasz Wróbel's birthday"]
    assert yearless["DTSTART"].dt == date(2027, 4, 15)  # this year: no year of birth claimed
    assert "not known" in str(yearless["DESCRIPTION"])
    assert yearless["RRULE"]["FREQ"] == ["YEARLY"]
    leap = events["Σοφία Παπαδοπούλου's birthday"]  # 29 February, year not known
    assert leap["DTSTART"].dt == date(2027, 2, 28)
    assert leap["RRULE"]["BYMONTHDAY"] == [-1] and leap["RRULE"]["BYMONTH"] == [2]
    olga = events["Ольга Смирнова's birthday"]  # born on 29 February 1988
    assert olga["DTSTART"].dt == date(1988, 2, 29) and olga["RRULE"]["BYMONTHDAY"] == [-1]
    wedding = events["Wedding anniversary: Łukasz Wróbel"]
    assert wedding["DTSTART"].dt == date(2019, 11, 29) and str(wedding["DESCRIPTION"]) == "with Tom"
    assert len({str(e["UID"]) for e in events.values()}) == 8
    # and crmdesk's own import of a birthday calendar reads the same birthdays back
    read = {c.display_name: c.birthday for c in open_import(out).contacts() if c.birthday}
    assert read["Łukasz Wróbel"] == PartialDate(4, 15)
    assert read["Thị Hoa Nguyễn"] == PartialDate(3, 22, 1980)
    assert read["देव शर्मा"] == PartialDate(8, 15, 1947)
