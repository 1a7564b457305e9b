"""Complaints, referrals, clients at risk and the Today list, on a real database file."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from crmdesk.errors import ValidationError
from crmdesk.services import at_risk, complaints, history, referrals, retention, surveys, today
from crmdesk.services.complaints import ComplaintForm
from crmdesk.services.history import ContactForm
from crmdesk.services.surveys import AnswerForm
from crmdesk.store.database import Database
from tests.retention_helpers import add_client

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 12, 0)


def test_a_complaint_from_open_to_resolved(db: Database) -> None:
    anna = add_client(db, "Anna")
    opened = complaints.open_complaint(
        db,
        anna,
        ComplaintForm(
            "Bouquet wilted the next day",
            channel="phone",
            category="product",
            severity="high",
            opened_at=datetime(2026, 11, 20, 9),
        ),
    )
    case = complaints.get_complaint(db, str(opened.created_id))
    assert case.status == "open" and case.stands_out(NOW)  # 75 hours: over 48
    assert complaints.describe_age(case.age(NOW)) == "3 days 3 h"
    assert complaints.open_cases(db)[1] == 1
    # a call about it is linked to the case
    history.log_contact(
        db,
        anna,
        ContactForm(
            subject="Called about the bouquet",
            occurred_at=datetime(2026, 11, 21, 10),
            complaint_id=case.id,
        ),
    )
    assert [e.subject for e in history.entries_about(db, case.id)] == ["Called about the bouquet"]
    form = case.to_form()
    form.status = "resolved"
    with pytest.raises(ValidationError) as refused:  # resolved says how
        complaints.update_complaint(db, case.id, form)
    assert "resolution" in refused.value.problems
    form.resolution, form.resolved_at = "New bouquet delivered", datetime(2026, 11, 21, 15)
    assert complaints.update_complaint(db, case.id, form).label == "Resolve complaint"
    assert complaints.open_cases(db) == ([], 0)
    times = complaints.resolution_times(db)
    assert (times.resolved, times.median_hours, times.within_48h) == (1, pytest.approx(30.0), 1)


def test_referral_rewards_and_the_best_referrers(db: Database) -> None:
    anna, bert = add_client(db, "Anna"), add_client(db, "Bert")
    cleo = add_client(db, "Cleo", referred_by=anna)
    dan = add_client(db, "Dan", referred_by=anna)
    add_client(db, "Eve", referred_by=bert)
    assert referrals.rewards_owed(db) == []  # nobody referred has bought yet
    retention.record_purchase(db, cleo, "40", "", datetime(2026, 10, 1, 10))
    retention.record_purchase(db, dan, "25", "", datetime(2026, 10, 2, 10))
    owed = referrals.rewards_owed(db)
    assert sorted(r.referred_name for r in owed) == ["Cleo Test", "Dan Test"]
    assert {r.referrer_name for r in owed} == {"Anna Test"}
    referrals.set_default_reward(db, "£10 voucher")
    referrals.give_reward(db, cleo, on=date(2026, 10, 5))
    given = {r.referred_name: r for r in referrals.referrals(db, anna)}
    assert (given["Cleo Test"].reward, given["Cleo Test"].reward_given_on) == (
        "£10 voucher",
        date(2026, 10, 5),
    )
    assert [r.referred_name for r in referrals.rewards_owed(db)] == ["Dan Test"]
    best = referrals.best_referrers(db)
    assert [(b.name, b.referred, b.bought, b.revenue_cents, b.rewards_owed) for b in best] == [
        ("Anna Test", 2, 2, 6500, 1),
        ("Bert Test", 1, 0, 0, 0),
    ]


def test_at_risk_reasons(db: Database) -> None:
    grumpy = add_client(db, "Grumpy")  # a complaint and a low score this year: two
    complaints.open_complaint(
        db,
        grumpy,
        ComplaintForm("Rude on the phone", category="staff", opened_at=datetime(2026, 3, 1, 9)),
    )
    surveys.record_answer(
        db, AnswerForm(score=4, reason="slow", answered_at=datetime(2026, 4, 1)), client_id=grumpy
    )
    history.log_contact(
        db, grumpy, ContactForm(subject="Sorry call", occurred_at=datetime(2026, 4, 2, 9))
    )
    old = add_client(db, "Olga")  # two bad experiences, but one was 13 months ago
    complaints.open_complaint(db, old, ComplaintForm("Late", opened_at=datetime(2025, 10, 1, 9)))
    complaints.open_complaint(db, old, ComplaintForm("Late again", opened_at=datetime(2026, 6, 1)))
    uncalled = add_client(db, "Uma")  # a detractor nobody called
    surveys.record_answer(
        db, AnswerForm(score=2, answered_at=datetime(2026, 11, 20)), client_id=uncalled
    )
    regular = add_client(db, "Rita")  # every 14 days, last 30 days ago: 30 > 1.5 × 14
    for n in range(6):
        retention.record_purchase(
            db, regular, "10", "", datetime(2026, 8, 15, 10) + timedelta(days=14 * n)
        )
    steady = add_client(db, "Sam")  # every 14 days, last 14 days ago: fine
    for n in range(6):
        retention.record_purchase(
            db, steady, "10", "", datetime(2026, 8, 31, 10) + timedelta(days=14 * n)
        )
    found = {r.name: r for r in at_risk.at_risk(db, TODAY)}
    assert set(found) == {"Grumpy Test", "Uma Test", "Rita Test"}
    assert found["Grumpy Test"].reasons == [
        "2 bad experiences in 12 months (1 complaint, 1 low survey score)"
    ]
    assert found["Uma Test"].reasons == ["gave 2/10 on 20 Nov, not called back yet"]
    assert found["Rita Test"].reasons == [
        "a regular who usually comes every 14 days: last came 30 days ago"
    ]


def test_today_lists_each_thing_to_do_with_its_letter(db: Database) -> None:
    anna = add_client(db, "Anna")
    history.log_contact(
        db,
        anna,
        ContactForm(
            subject="Quote", occurred_at=datetime(2026, 11, 16, 9), follow_up_on=date(2026, 11, 23)
        ),
    )
    complaints.open_complaint(
        db, anna, ComplaintForm("Wrong size", opened_at=NOW - timedelta(hours=5))
    )
    promoter = add_client(db, "Pia")
    surveys.record_answer(
        db, AnswerForm(score=10, reason="lovely", answered_at=NOW), client_id=promoter
    )
    sections = {s.key: s for s in today.today(db, TODAY, NOW)}
    assert [(r.name, r.text, r.when) for r in sections["follow_ups"].rows] == [
        ("Anna Test", "Follow up: Quote", "today")
    ]
    [case] = sections["complaints"].rows
    assert (case.when, case.urgent, case.letter) == ("5 h", False, "Apology after a complaint")
    [ask] = sections["promoters"].rows
    assert ask.name == "Pia Test" and ask.letter == "Referral request"
    assert sections["detractors"].total == 0 and sections["at_risk"].total == 0
