"""Today refreshed for the clients a change touched is Today worked out in full: random
edits of the kinds made at the counter, each followed by both, on a real database file."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest

from crmdesk.errors import CrmError
from crmdesk.model.partial_date import PartialDate
from crmdesk.services import (
    clients,
    complaints,
    facts,
    history,
    referrals,
    reminders,
    retention,
    surveys,
    today,
    undo,
)
from crmdesk.services.changes import Changes
from crmdesk.services.complaints import ComplaintForm
from crmdesk.services.history import ContactForm
from crmdesk.services.surveys import AnswerForm
from crmdesk.store.database import Database
from tests.retention_helpers import add_client, backdate

DAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 12, 0)
LIMIT = 2  # small sections and one spare row: rows leave full sections and come in


class Counter:
    def __init__(self, rng: random.Random, db: Database, people: list[str]) -> None:
        self.rng, self.db, self.people = rng, db, people

    def someone(self) -> str:
        return self.rng.choice(self.people)

    def moment(self, days: int) -> datetime:
        """A time in the last `days` days (to the minute, as the forms record it)."""
        return NOW - timedelta(minutes=self.rng.randrange(1, days * 24 * 60))

    def contact(self) -> Changes:
        when = self.moment(self.rng.choice([15, 40]))
        follow = self.rng.choice(
            [None, *[when.date() + timedelta(days=self.rng.randint(0, 4))] * 3]
        )
        form = ContactForm(subject=f"Call {self.rng.random():.3f}", occurred_at=when,
                           follow_up_on=follow)  # fmt: skip
        return history.log_contact(self.db, self.someone(), form)

    def follow_up_done(self) -> Changes:
        form = ContactForm(subject="Done", occurred_at=NOW - timedelta(minutes=1))
        return history.log_contact(self.db, self.someone(), form)

    def contact_deleted(self) -> Changes:
        entries = self.db.query("SELECT id FROM history WHERE deleted_at IS NULL ORDER BY id")
        return history.delete_entry(self.db, self.rng.choice(entries)[0])

    def complaint(self) -> Changes:
        form = ComplaintForm("Late", opened_at=self.moment(20))
        return complaints.open_complaint(self.db, self.someone(), form)

    def complaint_closed(self) -> Changes:
        cases, _ = complaints.open_cases(self.db)
        form = self.rng.choice(cases).to_form()
        form.status, form.resolution = "resolved", "Sorted"
        form.resolved_at = NOW - timedelta(minutes=5)
        return complaints.update_complaint(self.db, self.rng.choice(cases).id, form)

    def answer(self) -> Changes:
        form = AnswerForm(score=self.rng.randint(0, 10), reason=self.rng.choice(["", "slow"]),
                          answered_at=self.moment(self.rng.choice([2, 30])))  # fmt: skip
        return surveys.record_answer(self.db, form, client_id=self.someone())

    def birthday(self) -> Changes:
        cid = self.someone()
        form = clients.get_client(self.db, cid).to_form()
        form.birthday = PartialDate(11, self.rng.randint(20, 30), 1980 + self.rng.randrange(30))
        return clients.update_client(self.db, cid, form)

    def renamed(self) -> Changes:
        cid = self.someone()
        form = clients.get_client(self.db, cid).to_form()
        form.given_name = self.rng.choice(["Ada", "Zoe", "Mia", "Bo"]) + form.given_name[:2]
        return clients.update_client(self.db, cid, form)

    def date_to_remember(self) -> Changes:
        on = date(2020 + self.rng.randrange(6), 11, self.rng.randint(20, 30))
        return facts.add_fact(self.db, self.someone(), "Wedding", "anniversary", on)

    def purchase(self) -> Changes:
        when = self.moment(self.rng.choice([20, 200]))
        return retention.record_purchase(self.db, self.someone(), "12", "", when, confirmed=True)

    def keeping(self) -> Changes:
        days = self.rng.choice([None, 7, 30, 90])
        return retention.set_keeping(self.db, self.someone(), None, days)

    def deleted(self) -> Changes:
        return clients.delete_client(self.db, self.someone())

    def restored(self) -> Changes:
        gone = self.db.query("SELECT id FROM clients WHERE deleted_at IS NOT NULL ORDER BY id")
        return clients.restore_client(self.db, self.rng.choice(gone)[0])

    def reward(self) -> Changes:
        owed = referrals.rewards_owed(self.db)
        return referrals.give_reward(self.db, self.rng.choice(owed).referred_id, on=DAY)


def _shop(db: Database, rng: random.Random) -> list[str]:
    """Sixteen clients, some brought by others, some regulars, some tagged to keep in touch
    with, and a few weeks of what happened."""
    reminders.set_touch_rules(db, {"vip": 20})
    people: list[str] = []
    for n in range(16):
        referrer = rng.choice(people) if people and rng.random() < 0.4 else None
        tags = ["vip"] if rng.random() < 0.3 else []
        people.append(add_client(db, f"P{n:02}", referred_by=referrer, tags=tags))
        backdate(db, people[-1], datetime(2025, 6, 1, 9))
        if referrer and rng.random() < 0.7:  # the referrer is owed a reward
            retention.record_purchase(db, people[-1], "30", "", NOW - timedelta(days=3))
    for cid in people[:5]:  # regulars, some of whom stopped coming
        last = NOW - timedelta(days=rng.choice([10, 60]))
        for k in range(5):
            when = last - timedelta(days=14 * k)
            retention.record_purchase(db, cid, "20", "", when, confirmed=True)
    counter = Counter(rng, db, people)
    for _ in range(30):
        with contextlib.suppress(CrmError):
            rng.choice([counter.contact, counter.answer, counter.complaint, counter.purchase,
                        counter.birthday, counter.keeping])()  # fmt: skip
    return people


@pytest.mark.parametrize("seed", range(4))
def test_today_refreshed_for_the_touched_clients_is_today_worked_out_again(
    db: Database, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(today, "SPARE", 1)
    rng = random.Random(seed)
    counter = Counter(rng, db, _shop(db, rng))
    edits: list[Callable[[], Changes]] = [
        counter.contact, counter.contact, counter.follow_up_done, counter.contact_deleted,
        counter.complaint, counter.complaint_closed, counter.answer, counter.answer,
        counter.birthday, counter.renamed, counter.date_to_remember, counter.purchase,
        counter.purchase, counter.keeping, counter.deleted, counter.restored, counter.reward,
    ]  # fmt: skip
    work_out = today.work_out
    full_again: list[int] = []

    def counted(*args: object, **kwargs: object) -> today.Worked:
        full_again.append(1)
        return work_out(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(today, "work_out", counted)
    worked = work_out(db, DAY, NOW, LIMIT)
    made: list[Changes] = []
    peak: dict[str, int] = {}  # the most rows each section had
    steps = 0
    while steps < 80:
        try:
            if made and rng.random() < 0.1 and (step := made.pop().undo) is not None:
                changes = undo.apply(db, step)  # undo the last change
            else:
                changes = rng.choice(edits)()
        except (CrmError, IndexError):  # nothing to close, restore or reward; a deleted client
            continue
        made.append(changes)
        steps += 1
        touched = today.clients_touched(changes)
        assert touched is not None, changes.label  # one client each: never worked out in full
        worked = today.refresh(db, worked, touched)
        assert worked.sections == work_out(db, DAY, NOW, LIMIT).sections, changes.label
        for section in worked.sections:
            peak[section.key] = max(peak.get(section.key, 0), section.total)
    assert len(full_again) < 8  # nearly all refreshed, not worked out again
    # the cut-off was crossed in several sections (how many depends on the clients' random
    # ids, which order rows of equal rank: 4 to 6 of the 8 in practice)
    assert sum(n > LIMIT + today.SPARE for n in peak.values()) >= 3


def test_a_setting_a_template_or_many_clients_work_today_out_in_full(db: Database) -> None:
    anna = add_client(db, "Anna")
    assert today.clients_touched(history.log_contact(db, anna, ContactForm(subject="Hi"))) == {anna}
    assert today.clients_touched(reminders.set_touch_rules(db, {"vip": 20})) is None
    many = frozenset(f"c{n}" for n in range(today.FULL_AFTER + 1))
    assert today.clients_touched(Changes("Letters", frozenset({"history"}), many, None)) is None
    assert today.clients_touched(Changes("Template", frozenset({"letter_templates"}),
                                         frozenset({"t1"}), None)) is None  # fmt: skip


def test_worked_out_today_holds_for_a_few_minutes_of_the_same_day(db: Database) -> None:
    worked = today.work_out(db, DAY, NOW)
    assert worked.current(NOW + timedelta(minutes=4))
    assert not worked.current(NOW + timedelta(minutes=6))  # "3 h" would be "3 h" too long
    assert not worked.current(datetime(2026, 11, 24, 0, 1))  # a new day: new dates due
