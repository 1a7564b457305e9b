"""Loyalty stages over constructed histories, including the edges; purchases and spending."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from crmdesk.errors import ValidationError
from crmdesk.services import clients, retention, settings, surveys
from crmdesk.services.clients import ClientForm
from crmdesk.services.retention import StageRules, months_before, stage_of
from crmdesk.services.surveys import AnswerForm
from crmdesk.store.database import Database

TODAY = date(2026, 11, 23)


def d(text: str) -> date:
    return date.fromisoformat(text)


def test_stages_follow_the_purchases() -> None:
    assert stage_of([], TODAY).stage == "prospect"
    assert stage_of([d("2020-01-01")], TODAY).stage == "first-time"
    two = stage_of([d("2026-03-01"), d("2020-01-01")], TODAY)
    assert two.stage == "repeat" and two.reached == {
        "first-time": d("2020-01-01"), "repeat": d("2026-03-01")}  # fmt: skip
    assert stage_of([d("2030-01-01")], TODAY).stage == "prospect"  # not yet happened


def test_regular_counts_the_last_12_months_including_the_boundary_day() -> None:
    recent = [d("2026-02-01"), d("2026-05-01"), d("2026-09-01")]
    on_boundary = stage_of([d("2025-11-23"), *recent], TODAY)
    assert on_boundary.stage == "regular"  # exactly 12 months ago still counts
    assert on_boundary.reached["regular"] == d("2026-09-01")
    day_before = stage_of([d("2025-11-22"), *recent], TODAY)
    assert day_before.stage == "repeat"  # one day older: only three in today's window
    # but on 2026-09-01 the 12 months before held all four: regular was reached then
    assert day_before.reached["regular"] == d("2026-09-01")
    lapsed = stage_of([d("2024-01-01"), d("2024-02-01"), d("2024-03-01"), d("2024-04-01")], TODAY)
    assert lapsed.stage == "repeat" and lapsed.reached["regular"] == d("2024-04-01")
    fewer = stage_of(recent, TODAY, StageRules(regular_purchases=3))
    assert fewer.stage == "regular"


def test_advocate_and_a_stage_set_by_hand() -> None:
    became = stage_of([d("2026-01-01")], TODAY, advocate_since=d("2026-06-01"))
    assert became.stage == "advocate" and became.reached["advocate"] == d("2026-06-01")
    by_hand = stage_of([d("2026-01-01")], TODAY, override="regular", override_on=d("2026-10-10"))
    assert (by_hand.stage, by_hand.by_hand, by_hand.label) == ("regular", True,
                                                              "regular (set by hand)")  # fmt: skip
    assert by_hand.reached["regular"] == d("2026-10-10")


def test_months_before_keeps_the_day_or_the_end_of_a_short_month() -> None:
    assert months_before(d("2026-11-23"), 12) == d("2025-11-23")
    assert months_before(d("2026-03-31"), 1) == d("2026-02-28")
    assert months_before(d("2024-02-29"), 12) == d("2023-02-28")


def _client(db: Database, given: str, referred_by: str | None = None) -> str:
    form = ClientForm(given_name=given, family_name="Test")
    if referred_by:
        form.referred_by_id = referred_by
    return str(clients.create_client(db, form).created_id)


def test_stages_from_the_database(db: Database) -> None:
    settings.set_phone_region(db, "GB")  # amounts in pounds, whatever this machine's locale
    anna = _client(db, "Anna")
    assert retention.client_stage(db, anna, TODAY).stage == "prospect"
    retention.record_purchase(db, anna, "12.50", "Roses", datetime(2026, 1, 5, 10))
    retention.record_purchase(
        db, anna, "£1,234.50", "Wedding", datetime(2026, 6, 5, 10), confirmed=True
    )  # about 100 times her usual: asked, and confirmed
    assert retention.client_stage(db, anna, TODAY).stage == "repeat"
    spent = retention.spending(db, anna)
    assert (spent.count, spent.total_cents, spent.average_cents) == (2, 124700, 62350)
    assert spent.usual_interval_days == 151 and spent.first == d("2026-01-05")
    # advocate: someone Anna referred bought
    ben = _client(db, "Ben", referred_by=anna)
    assert retention.client_stage(db, anna, TODAY).stage == "repeat"
    retention.record_purchase(db, ben, "20", "", datetime(2026, 8, 1, 9))
    advocate = retention.client_stage(db, anna, TODAY)
    assert advocate.stage == "advocate" and advocate.reached["advocate"] == d("2026-08-01")
    # advocate: a promoter who may be quoted
    cleo = _client(db, "Cleo")
    quotable = AnswerForm(score=10, consent_quote=True, answered_at=datetime(2026, 9, 1))
    surveys.record_answer(db, quotable, client_id=cleo)
    assert retention.client_stage(db, cleo, TODAY).stage == "advocate"
    # by hand, and back
    retention.set_stage_by_hand(db, ben, "regular")
    assert retention.client_stage(db, ben, TODAY).label == "regular (set by hand)"
    retention.set_stage_by_hand(db, ben, None)
    assert retention.client_stage(db, ben, TODAY).stage == "first-time"


def test_a_bad_amount_saves_nothing(db: Database) -> None:
    anna = _client(db, "Anna")
    for bad in ("twelve", "", "-5"):
        with pytest.raises(ValidationError):
            retention.record_purchase(db, anna, bad)
    assert retention.purchases_of(db, anna) == []
