"""Follow-ups, stay-in-touch intervals and dates coming up, on a real database file."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from crmdesk.errors import ValidationError
from crmdesk.model.partial_date import PartialDate
from crmdesk.services import facts, history, reminders, retention
from crmdesk.services.history import ContactForm
from crmdesk.store.database import Database
from tests.retention_helpers import add_client, backdate

TODAY = date(2026, 11, 23)


def test_a_follow_up_is_due_until_a_newer_contact_is_logged(db: Database) -> None:
    anna, ben = add_client(db, "Anna"), add_client(db, "Ben")
    history.log_contact(
        db,
        anna,
        ContactForm(
            subject="Quote for the wedding flowers",
            occurred_at=datetime(2026, 11, 10, 9),
            follow_up_on=date(2026, 11, 20),
        ),
    )
    history.log_contact(
        db,
        ben,
        ContactForm(
            subject="Order", occurred_at=datetime(2026, 11, 20, 9), follow_up_on=date(2026, 11, 30)
        ),
    )
    due, total = reminders.follow_ups_due(db, TODAY)
    assert total == 1 and [(f.name, f.subject, f.overdue(TODAY)) for f in due] == [
        ("Anna Test", "Quote for the wedding flowers", True)
    ]
    assert reminders.follow_ups_due(db, date(2026, 11, 30))[1] == 2  # Ben's is due then
    history.log_contact(
        db,
        anna,
        ContactForm(subject="Called about the quote", occurred_at=datetime(2026, 11, 23, 10)),
    )
    assert reminders.follow_ups_due(db, TODAY) == ([], 0)


def test_stay_in_touch_per_client_and_per_tag(db: Database) -> None:
    anna = add_client(db, "Anna")
    vip = add_client(db, "Vera", tags=["VIP", "wholesale"])
    quiet = add_client(db, "Quinn", tags=["VIP"])
    for who in (anna, vip, quiet):
        backdate(db, who, datetime(2026, 1, 1))
    history.log_contact(
        db, anna, ContactForm(subject="Hello", occurred_at=datetime(2026, 11, 1, 9))
    )
    history.log_contact(db, vip, ContactForm(subject="Hi", occurred_at=datetime(2026, 10, 1, 9)))
    assert reminders.touch_due(db, TODAY) == []  # nothing set yet
    retention.set_keeping(db, anna, None, 14)  # 22 days quiet: due
    reminders.set_touch_rules(db, {"VIP": 60, "wholesale": 30})
    due = {t.name: t for t in reminders.touch_due(db, TODAY)}
    assert set(due) == {"Anna Test", "Vera Test", "Quinn Test"}
    assert (due["Anna Test"].every_days, due["Anna Test"].because) == (14, "set for this client")
    assert (due["Vera Test"].every_days, due["Vera Test"].because) == (30, "tag wholesale")
    assert due["Quinn Test"].since == date(2026, 1, 1)  # never contacted: since added
    retention.set_keeping(db, vip, None, 90)  # her own setting wins over her tags
    assert "Vera Test" not in {t.name for t in reminders.touch_due(db, TODAY)}
    with pytest.raises(ValidationError):
        retention.set_keeping(db, anna, None, 0)


def test_birthdays_and_remembered_dates_this_week(db: Database) -> None:
    from crmdesk.services import clients

    anna = add_client(db, "Anna")
    form = clients.get_client(db, anna).to_form()
    form.birthday = PartialDate(11, 25, 1986)
    clients.update_client(db, anna, form)
    leap = add_client(db, "Leo")
    form = clients.get_client(db, leap).to_form()
    form.birthday = PartialDate(2, 29, 2000)
    clients.update_client(db, leap, form)
    facts.add_fact(db, anna, "Wedding anniversary", "with Tom", date(2019, 11, 29))
    facts.add_fact(db, anna, "Daughter's wedding", "Emma marries", date(2026, 11, 24))
    facts.add_fact(db, anna, "Next fitting", "suit", date(2027, 11, 26))  # not this year
    coming = reminders.dates_coming(db, TODAY)
    assert [(c.what, c.on, c.detail) for c in coming] == [
        ("Daughter's wedding", date(2026, 11, 24), "Emma marries"),
        ("Birthday", date(2026, 11, 25), "turns 40"),
        ("Wedding anniversary", date(2026, 11, 29), "with Tom — 7 years"),
    ]
    # 29 February is remembered on the 28th in a year without it
    feb = reminders.dates_coming(db, date(2027, 2, 25))
    assert [(c.name, c.on) for c in feb] == [("Leo Test", date(2027, 2, 28))]


def test_paper_for_many_does_not_count_as_keeping_in_touch(db: Database, tmp_path: Path) -> None:
    """Survey forms printed for a tag and a letter printed for many leave a follow-up open
    and the clients on "Time to get in touch"; a letter to one client closes both."""
    from crmdesk.services import clients, letters, surveys, today
    from tests.letters_helpers import set_up_shop

    set_up_shop(db)
    vera, vince = add_client(db, "Vera", tags=["VIP"]), add_client(db, "Vince", tags=["VIP"])
    for who in (vera, vince):
        backdate(db, who, datetime(2026, 1, 1))
    history.log_contact(db, vera, ContactForm(subject="Quote", occurred_at=datetime(2026, 6, 1, 9),
                                              follow_up_on=date(2026, 6, 8)))  # fmt: skip
    reminders.set_touch_rules(db, {"VIP": 30})

    def due() -> tuple[set[str], set[str], set[str]]:
        touch = {t.client_id for t in reminders.touch_due(db, date.today())}
        follow = {f.client_id for f in reminders.follow_ups_due(db, date.today())[0]}
        sections = {s.key: s for s in today.today(db, date.today(), datetime.now())}
        listed = {r.client_id for r in sections["touch"].rows}
        return touch, follow, listed

    assert due() == ({vera, vince}, {vera}, {vera, vince})
    survey = surveys.builtin_survey(db)
    tagged = letters.clients_with_tag(db, "VIP")
    surveys.print_forms(db, survey, tmp_path / "forms.pdf", client_ids=tagged)
    event = letters.find_template(db, "Event or new programme")
    batch = letters.prepare(db, event, tagged)
    letters.produce(db, batch, tmp_path / "event.pdf", include_without_address=True)
    assert due() == ({vera, vince}, {vera}, {vera, vince})
    assert clients.get_client(db, vera).last_contact_at == datetime(2026, 6, 1, 9)  # the list
    thanks = letters.prepare(
        db, letters.find_template(db, "Thank you after a first purchase"), [vera]
    )
    letters.produce(db, thanks, tmp_path / "thanks.pdf", include_without_address=True)
    assert due() == ({vince}, set(), {vince})
