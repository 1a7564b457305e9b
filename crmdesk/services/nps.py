"""Net Promoter Score: % promoters (9–10) − % detractors (0–6), a whole number from −100
to 100, overall and by month, quarter or year.

Halves round away from zero (12.5 → 13, −12.5 → −13), computed exactly (fractions), so
the same answers always give the same score.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from crmdesk.errors import ValidationError
from crmdesk.model.names import display_name
from crmdesk.services.survey_questions import describe
from crmdesk.store.database import Database

MIN_ANSWERS = 30  # fewer than this in a period: the score is shown with a warning

PERIODS = {
    "month": "strftime('%Y-%m', a.answered_at)",
    "quarter": "strftime('%Y', a.answered_at) || '-Q' ||"
    " ((CAST(strftime('%m', a.answered_at) AS INTEGER) + 2) / 3)",
    "year": "strftime('%Y', a.answered_at)",
}


def score(promoters: int, passives: int, detractors: int) -> int | None:
    """The NPS of these counts; None when there are no answers."""
    total = promoters + passives + detractors
    if total == 0:
        return None
    exact = Fraction(100 * (promoters - detractors), total)
    whole = int(abs(exact) + Fraction(1, 2))  # half away from zero
    return whole if exact >= 0 else -whole


def shown(value: int | None) -> str:
    """A score as people read it: +15, 0, −20, or — when there are no answers."""
    if value is None:
        return "—"
    return f"{value:+d}".replace("-", "−") if value else "0"


@dataclass(frozen=True)
class PeriodScore:
    period: str  # 2026-11, 2026-Q4, 2026 (or "all")
    promoters: int
    passives: int
    detractors: int

    @property
    def answers(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def nps(self) -> int | None:
        return score(self.promoters, self.passives, self.detractors)

    @property
    def few(self) -> bool:
        """Too few answers for the score to mean much."""
        return self.answers < MIN_ANSWERS


def _filter(db: Database, tag: str | None, stage: str | None = None) -> tuple[str, list[object]]:
    """Only clients with this tag, or (`stage`) at this loyalty stage today."""
    if stage:
        from datetime import date

        from crmdesk.services.retention import STAGES, stage_sql

        if stage not in STAGES:
            raise ValidationError({"stage": f"Choose one of: {', '.join(STAGES)}."})
        return (
            " AND a.client_id IN (SELECT s.id FROM"
            f" ({stage_sql(db, date.today())}) AS s WHERE s.stage = ?)",
            [stage],
        )
    if not tag:
        return "", []
    return (
        " AND a.client_id IN (SELECT c.id FROM clients AS c, json_each(c.tags) AS t"
        " WHERE c.deleted_at IS NULL AND t.value = ? COLLATE NOCASE)",
        [tag],
    )


def by_period(
    db: Database, by: str = "month", tag: str | None = None, stage: str | None = None
) -> list[PeriodScore]:
    """One row per period that has answers, oldest first (one SQL aggregate)."""
    if by not in PERIODS:
        raise ValidationError({"by": f"Group by month, quarter or year, not “{by}”."})
    where, params = _filter(db, tag, stage)
    rows = db.query(
        f"SELECT {PERIODS[by]} AS period, sum(a.score >= 9), sum(a.score BETWEEN 7 AND 8),"
        f" sum(a.score <= 6) FROM survey_answers AS a"
        f" WHERE a.deleted_at IS NULL{where} GROUP BY period ORDER BY period",
        params,
    )
    return [
        PeriodScore(period, promoters, passives, detractors)
        for period, promoters, passives, detractors in rows
    ]


def overall(db: Database, tag: str | None = None, stage: str | None = None) -> PeriodScore:
    where, params = _filter(db, tag, stage)
    [(promoters, passives, detractors)] = db.query(
        "SELECT coalesce(sum(a.score >= 9), 0), coalesce(sum(a.score BETWEEN 7 AND 8), 0),"
        f" coalesce(sum(a.score <= 6), 0) FROM survey_answers AS a"
        f" WHERE a.deleted_at IS NULL{where}",
        params,
    )
    return PeriodScore("all", promoters, passives, detractors)


def distribution(db: Database, tag: str | None = None, stage: str | None = None) -> list[int]:
    """How many answers gave each score, 0 to 10."""
    where, params = _filter(db, tag, stage)
    counts = [0] * 11
    for value, n in db.query(
        f"SELECT a.score, count(*) FROM survey_answers AS a WHERE a.deleted_at IS NULL{where}"
        " GROUP BY a.score",
        params,
    ):
        counts[value] = n
    return counts


@dataclass(frozen=True)
class AnswerRow:
    answer_id: str
    answered_at: datetime
    client_id: str | None
    client_name: str  # "" when anonymous
    score: int
    reason: str
    other: tuple[str, ...] = ()  # the other answers on the form, a line each


def answers_in(
    db: Database,
    by: str,
    period: str,
    group: str | None = None,
    tag: str | None = None,
    stage: str | None = None,
) -> list[AnswerRow]:
    """The answers behind one period's score (optionally only promoters, passives or
    detractors), newest first, each with everything else the client answered."""
    where, params = _filter(db, tag, stage)
    groups = {"promoter": " AND a.score >= 9", "passive": " AND a.score BETWEEN 7 AND 8",
              "detractor": " AND a.score <= 6"}  # fmt: skip
    if by not in PERIODS or (group and group not in groups):
        raise ValidationError({"by": "Unknown period or group."})
    rows = db.query(
        "SELECT a.id, a.answered_at, a.client_id, c.given_name, c.family_name, c.company,"
        " a.score, a.reason, a.extra, a.consent_contact, a.consent_quote, a.referral_name,"
        " a.referral_phone FROM survey_answers AS a LEFT JOIN clients AS c ON c.id = a.client_id"
        f" WHERE a.deleted_at IS NULL AND {PERIODS[by]} = ?{groups.get(group or '', '')}{where}"
        " ORDER BY a.answered_at DESC",
        [period, *params],
    )
    return [
        AnswerRow(
            answer_id,
            datetime.fromisoformat(answered),
            client_id,
            display_name(given, family, company) if client_id else "",
            score,
            reason,
            tuple(describe(extra, bool(contact), bool(quote), referral_name, referral_phone)),
        )
        for (answer_id, answered, client_id, given, family, company, score, reason, extra,
             contact, quote, referral_name, referral_phone) in rows
    ]  # fmt: skip
