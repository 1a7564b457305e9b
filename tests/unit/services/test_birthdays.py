"""Birthdays without a year: kept as the day and month alone, shown as "15 April", used by
reminders, Today and letters, and never given a year (real files)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crmdesk.errors import ValidationError
from crmdesk.model.partial_date import PartialDate
from crmdesk.services import birthdays, clients, letters, reminders, today, undo
from crmdesk.store.database import Database
from tests.letters_helpers import add_people, pdf_pages, set_up_shop


def _stored(db: Database, cid: str) -> str | None:
    value: str | None = db.query("SELECT birthday FROM clients WHERE id = ?", (cid,))[0][0]
    return value


def test_a_birthday_without_its_year_is_kept_without_one(db: Database) -> None:
    [cid, other] = add_people(db)[:2]
    changes = birthdays.set_birthday(db, cid, PartialDate(4, 15))
    assert birthdays.birthday_of(db, cid) == PartialDate(4, 15)
    assert clients.get_client(db, cid).birthday == PartialDate(4, 15)
    assert _stored(db, cid) == "XXXX-04-15"  # no year made up in the file either
    assert db.query("SELECT julianday(birthday) FROM clients WHERE id = ?", (cid,))[0][0] is None
    # edited through the profile form, it stays yearless; a full date keeps its year
    form = clients.get_client(db, cid).to_form()
    form.city = "Kraków"
    clients.update_client(db, cid, form)
    assert birthdays.birthday_of(db, cid) == PartialDate(4, 15)
    birthdays.set_birthday(db, other, PartialDate(4, 15, 1975))
    assert _stored(db, other) == "1975-04-15"
    assert birthdays.birthday_of(db, other) == PartialDate(4, 15, 1975)
    assert changes.undo is not None
    undo.apply(db, changes.undo)
    assert birthdays.birthday_of(db, cid) is None


def test_only_a_full_date_can_be_in_the_future(db: Database) -> None:
    [cid] = add_people(db)[:1]
    tomorrow = date.fromordinal(date.today().toordinal() + 1)
    with pytest.raises(ValidationError) as said:
        birthdays.set_birthday(db, cid, PartialDate.of(tomorrow))
    assert "future" in said.value.problems["birthday"]
    birthdays.set_birthday(db, cid, PartialDate(tomorrow.month, tomorrow.day))  # every year
    assert birthdays.birthday_of(db, cid) == PartialDate(tomorrow.month, tomorrow.day)


def test_reminders_and_today_list_a_yearless_birthday_on_its_day_without_an_age(
    db: Database,
) -> None:
    anna, olga = add_people(db)[:2]
    birthdays.set_birthday(db, anna, PartialDate(11, 25))
    birthdays.set_birthday(db, olga, PartialDate(11, 26, 1986))
    coming = reminders.dates_coming(db, date(2026, 11, 23))
    assert [(c.client_id, c.what, c.on, c.detail) for c in coming] == [
        (anna, "Birthday", date(2026, 11, 25), ""),  # no "turns …": the year is not known
        (olga, "Birthday", date(2026, 11, 26), "turns 40"),
    ]
    assert reminders.dates_coming(db, date(2026, 11, 27)) == []
    sections = today.today(db, date(2026, 11, 25))
    rows = [r for s in sections for r in s.rows if r.client_id == anna]
    assert rows and all("turns" not in r.text for r in rows), rows
    assert any(r.when == "today" for r in rows), rows


def test_29_february_without_a_year(db: Database) -> None:
    [leo] = add_people(db)[:1]
    birthdays.set_birthday(db, leo, PartialDate(2, 29))
    assert birthdays.birthday_of(db, leo) == PartialDate(2, 29)
    # on the 28th in a year without a 29th, on the 29th in a leap year
    assert [c.on for c in reminders.dates_coming(db, date(2027, 2, 25))] == [date(2027, 2, 28)]
    assert [c.on for c in reminders.dates_coming(db, date(2028, 2, 25))] == [date(2028, 2, 29)]
    assert letters.clients_with_birthday_in(db, 2) == [leo]
    with pytest.raises(ValueError, match="February has no day 30"):
        PartialDate(2, 30)
    with pytest.raises(ValueError, match="February has no day 29"):
        PartialDate(2, 29, 2027)


def test_birthdays_of_a_month_include_those_without_a_year(db: Database) -> None:
    a, b, c = add_people(db)[:3]
    birthdays.set_birthday(db, a, PartialDate(5, 20, 1961))
    birthdays.set_birthday(db, b, PartialDate(5, 3))
    birthdays.set_birthday(db, c, PartialDate(6, 3))
    assert letters.clients_with_birthday_in(db, 5) == [b, a]  # by day


def test_a_letter_prints_15_april_and_no_age_when_the_year_is_not_known(
    db: Database, tmp_path: Path
) -> None:
    set_up_shop(db)
    yearless, known = add_people(db)[:2]
    birthdays.set_birthday(db, yearless, PartialDate(4, 15))
    birthdays.set_birthday(db, known, PartialDate(4, 15, 1975))
    body = "{{ client.first_name }}: born {{ client.birthday }}, age [{{ client.age }}]."
    made = letters.save_template(db, None, "Born", body).created_id
    template = next(t for t in letters.list_templates(db) if t.id == made)
    batch = letters.prepare(db, template, [yearless, known])
    letters.produce(db, batch, tmp_path / "born.pdf")
    first, second = pdf_pages(tmp_path / "born.pdf")
    assert "Łukasz: born 15 April, age []." in first
    age = PartialDate(4, 15, 1975).age_on(date.today())
    assert f"Thị Hoa: born 15 April 1975, age [{age}]." in second


def test_partial_dates_are_read_as_files_and_the_file_write_them() -> None:
    for text in ("--0415", "--04-15", "XXXX-04-15"):
        assert PartialDate.parse(text) == PartialDate(4, 15)
    assert PartialDate.parse("19750415") == PartialDate(4, 15, 1975)
    assert PartialDate(4, 15).iso() == "--0415"
    assert PartialDate(4, 15).stored() == "XXXX-04-15"
    assert PartialDate.from_stored("1975-04-15") == PartialDate(4, 15, 1975)
    assert PartialDate(4, 15).age_on(date(2026, 1, 1)) is None
    assert PartialDate(4, 15, 1975).age_on(date(2026, 4, 14)) == 50
    assert PartialDate(4, 15, 1975).age_on(date(2026, 4, 15)) == 51
    assert PartialDate(2, 29).next_on_or_after(date(2027, 3, 1)) == date(2028, 2, 29)
