"""Net Promoter Score arithmetic against hand-worked cases, and grouping by period."""

from __future__ import annotations

from datetime import datetime

import pytest

from crmdesk.services import nps, surveys
from crmdesk.services.surveys import AnswerForm
from crmdesk.store.database import Database


@pytest.mark.parametrize(
    ("promoters", "passives", "detractors", "expected"),
    [
        (0, 0, 0, None),  # no answers: no score (not 0)
        (0, 7, 0, 0),  # all passives
        (1, 0, 0, 100),  # one answer
        (0, 0, 1, -100),
        (5, 3, 2, 30),  # 50% − 20%
        (1, 7, 0, 13),  # 12.5 rounds away from zero
        (0, 7, 1, -13),  # −12.5 too
        (3, 2, 3, 0),
        (2, 1, 0, 67),  # 66.67
        (1, 1, 1, 0),
        (1, 2, 0, 33),  # 33.33
    ],
)
def test_score_by_hand(
    promoters: int, passives: int, detractors: int, expected: int | None
) -> None:
    assert nps.score(promoters, passives, detractors) == expected


def _answer(db: Database, score: int, when: str) -> None:
    surveys.record_answer(
        db, AnswerForm(score=score, channel="phone", answered_at=datetime.fromisoformat(when))
    )


def test_periods_group_answers_by_month_quarter_and_year(db: Database) -> None:
    for score, when in [(10, "2026-01-05"), (9, "2026-01-20"), (3, "2026-02-02"),
                        (8, "2026-04-11"), (0, "2025-12-31 23:59")]:  # fmt: skip
        _answer(db, score, when)
    months = nps.by_period(db, "month")
    assert [(p.period, p.promoters, p.passives, p.detractors, p.nps) for p in months] == [
        ("2025-12", 0, 0, 1, -100),
        ("2026-01", 2, 0, 0, 100),
        ("2026-02", 0, 0, 1, -100),
        ("2026-04", 0, 1, 0, 0),
    ]
    quarters = nps.by_period(db, "quarter")
    assert [(p.period, p.answers, p.nps) for p in quarters] == [
        ("2025-Q4", 1, -100),
        ("2026-Q1", 3, 33),
        ("2026-Q2", 1, 0),
    ]
    assert [(p.period, p.nps) for p in nps.by_period(db, "year")] == [("2025", -100), ("2026", 25)]
    assert all(p.few for p in quarters)  # fewer than 30 answers: shown with a warning
    assert nps.overall(db).nps == 0  # 2 promoters, 1 passive, 2 detractors
    assert nps.distribution(db) == [1, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1]
    assert [a.score for a in nps.answers_in(db, "quarter", "2026-Q1")] == [3, 9, 10]
    assert [a.score for a in nps.answers_in(db, "quarter", "2026-Q1", "promoter")] == [9, 10]


def test_scores_read_as_people_write_them() -> None:
    assert [nps.shown(v) for v in (15, 0, -20, None)] == ["+15", "0", "−20", "—"]
