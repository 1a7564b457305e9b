"""The period report's figures against examples worked out by hand."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from crmdesk.errors import CrmError
from crmdesk.services import reports, retention, settings
from crmdesk.services.reports import parse_period
from crmdesk.store.database import Database
from tests.retention_helpers import add_client, backdate

Q3 = parse_period("2026-Q3")


def test_periods_as_people_write_them() -> None:
    assert (Q3.start, Q3.end, Q3.previous().label) == (
        date(2026, 7, 1),
        date(2026, 10, 1),
        "2026-Q2",
    )
    assert parse_period("2026q1").previous().label == "2025-Q4"
    assert (
        parse_period("2026-1").label == "2026-01"
        and parse_period("2026-01").previous().label == "2025-12"
    )
    assert parse_period("2026-H2").start == date(2026, 7, 1)
    assert parse_period("2026").describe(date(2027, 1, 5)) == "01 Jan 2026 – 31 Dec 2026"
    assert (
        parse_period("2026").describe(date(2026, 12, 2))
        == "01 Jan 2026 – 31 Dec 2026, so far up to 02 Dec 2026"
    )
    with pytest.raises(CrmError, match="2026-Q3"):
        parse_period("last summer")


def _shop(db: Database) -> dict[str, str]:
    """Five clients, every one added on 1 January:
    A bought in Q2 (100) and Q3 (50); B only in Q2 (20); C once in Q3 (300);
    D twice in Q3 (30 + 20); E in Q1 (10) and Q3 (10)."""
    who = {name: add_client(db, name) for name in "ABCDE"}
    for cid in who.values():
        backdate(db, cid, datetime(2026, 1, 1))
    for name, day, amount in [
        ("A", "2026-05-10", "100"), ("A", "2026-08-01", "50"), ("B", "2026-06-01", "20"),
        ("C", "2026-07-05", "300"), ("D", "2026-07-10", "30"), ("D", "2026-09-30", "20"),
        ("E", "2026-02-01", "10"), ("E", "2026-09-01", "10"),
    ]:  # fmt: skip
        retention.record_purchase(db, who[name], amount, "", datetime.fromisoformat(day + " 11:00"))
    return who


def test_pareto_retention_and_repeat_rates_by_hand(db: Database) -> None:
    _shop(db)
    top = reports.pareto(db, Q3)
    # Q3 buyers: C 300, A 50, D 50, E 10 = 410; the top 20% of 4 is 1 client (C)
    assert (top.clients, top.revenue_cents, top.top_clients) == (4, 41000, 1)
    assert top.top_share == pytest.approx(300 / 410)
    assert top.leaders[0][1] == "C Test"
    assert top.curve[-1] == pytest.approx(1.0)
    retained = reports.retention_rate(db, Q3)  # Q2 buyers A and B; A came back
    assert (retained.of, retained.count, retained.rate) == (2, 1, 0.5)
    repeat = reports.repeat_rate(db, Q3)  # A, D, E have bought twice by 30 Sep; C once
    assert (repeat.of, repeat.count, repeat.rate) == (4, 3, 0.75)


def test_the_funnel_agrees_with_the_stage_rules(db: Database) -> None:
    who = _shop(db)
    funnel = reports.funnel(db, Q3)
    assert funnel.at_end == {
        "prospect": 0,
        "first-time": 2,
        "repeat": 3,
        "regular": 0,
        "advocate": 0,
    }
    assert funnel.moves == {("first-time", "repeat"): 2, ("prospect", "first-time"): 1,
                            ("prospect", "repeat"): 1}  # fmt: skip
    # the SQL and the rules used on the client page say the same, client by client
    for name, cid in who.items():
        assert (
            retention.stages_on(db, Q3.last_day)[cid]
            == retention.client_stage(db, cid, Q3.last_day).stage
        ), name


def test_the_whole_report(db: Database) -> None:
    _shop(db)
    settings.set_phone_region(db, "GB")
    report = reports.report(db, Q3)
    assert (report.revenue_cents, report.purchases, report.average_cents) == (41000, 5, 8200)
    assert [r.label for r in report.retention] == ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    assert report.retention[2].rate == 0.0 and report.retention[2].of == 1  # E in Q1, not Q2
    assert report.money(123456) == "£1,234.56"  # (the shop is in the UK)


def test_the_score_filtered_by_loyalty_stage(db: Database) -> None:
    from crmdesk.services import nps, surveys
    from crmdesk.services.surveys import AnswerForm

    who = _shop(db)  # today: A, D, E repeat; B, C first-time
    for name, score in (("A", 10), ("D", 9), ("B", 2), ("C", 3)):
        surveys.record_answer(db, AnswerForm(score=score, answered_at=datetime(2026, 10, 1)),
                              client_id=who[name])  # fmt: skip
    assert nps.overall(db).nps == 0
    repeat = nps.overall(db, stage="repeat")
    assert (repeat.promoters, repeat.detractors, repeat.nps) == (2, 0, 100)
    assert nps.overall(db, stage="first-time").nps == -100
    shown = nps.answers_in(db, "month", "2026-10", stage="first-time")
    assert sorted(a.score for a in shown) == [2, 3]
