"""The period report: who brings the revenue, who comes back, how clients move through the
loyalty stages, and what they say (NPS).

Definitions (also in the README):
- Pareto: clients ranked by what they spent in the period; the top 20% (rounded up) and
  their share of the period's revenue.
- Retention rate: of the clients who bought in the previous period of the same length,
  the share who bought again in this one.
- Repeat-purchase rate: of the clients who bought in the period, the share who have bought
  more than once (counting every purchase up to the end of the period).
- Stage funnel: clients per loyalty stage at the end of the period, and how many moved
  from each stage to another between its start and its end.
Every figure is one SQL aggregate over the purchases; nothing is loaded client by client.

A period that has not ended yet is named "so far" wherever it is shown (a quarter half
gone is not a collapse in retention), and months are written as people read them: "Jan
2026", never "26-01" or "2026-01".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from crmdesk.errors import CrmError
from crmdesk.model.names import display_name
from crmdesk.services import amounts, complaints, nps, retention, settings
from crmdesk.services.retention import STAGES
from crmdesk.store.database import Database

TOP_SHARE = 0.2  # the top 20% of clients by revenue


@dataclass(frozen=True)
class Period:
    start: date  # first day
    end: date  # the day after the last
    label: str  # 2026-Q3, 2026-07, 2026

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def previous(self) -> Period:
        return parse_period(step_period(self.label, -1))

    def describe(self, today: date | None = None) -> str:
        """ "01 Oct 2026 – 31 Dec 2026", or while it runs "01 Oct 2026 – 31 Dec 2026, so far
        up to 02 Dec 2026"."""
        dates = f"{self.start:%d %b %Y} – {self.last_day:%d %b %Y}"
        day = today or date.today()
        if self.unfinished(day) and day >= self.start:
            dates += f", so far up to {day:%d %b %Y}"
        return dates

    def unfinished(self, today: date | None = None) -> bool:
        return (today or date.today()) < self.end

    def name(self, today: date | None = None) -> str:
        """ "Jan 2026", "2026-Q4", "2026-H2", "2026" — with "(so far)" while it runs."""
        return period_name(self.label, today)


def _month_start(year: int, month: int) -> date:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, 1)


def parse_period(text: str) -> Period:
    """ "2026-Q3", "2026-07", "2026-H2" or "2026" → the period; says how to write it if not."""
    t = text.strip().upper()
    if m := re.fullmatch(r"(\d{4})-?Q([1-4])", t):
        year, q = int(m[1]), int(m[2])
        return Period(_month_start(year, 3 * q - 2), _month_start(year, 3 * q + 1), f"{year}-Q{q}")
    if m := re.fullmatch(r"(\d{4})-?H([12])", t):
        year, h = int(m[1]), int(m[2])
        return Period(_month_start(year, 6 * h - 5), _month_start(year, 6 * h + 1), f"{year}-H{h}")
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", t):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            return Period(
                _month_start(year, month), _month_start(year, month + 1), f"{year}-{month:02d}"
            )
    if m := re.fullmatch(r"(\d{4})", t):
        year = int(m[1])
        return Period(date(year, 1, 1), date(year + 1, 1, 1), str(year))
    raise CrmError(f"“{text}” is not a period; write 2026-Q3, 2026-07, 2026-H2 or 2026.")


def period_name(label: str, today: date | None = None, *, so_far: str = " (so far)") -> str:
    """A period's label as people read it: "2026-01" → "Jan 2026" (not 26 January), a
    quarter, half or year as it is; `so_far` is added while the period has not ended."""
    name = label
    if m := re.fullmatch(r"(\d{4})-(\d{2})", label):
        name = f"{date(int(m[1]), int(m[2]), 1):%b %Y}"
    known = re.fullmatch(r"\d{4}(-(Q[1-4]|H[12]|\d{2}))?", label)
    if so_far and known and parse_period(label).unfinished(today):
        name += so_far
    return name


def step_period(label: str, n: int) -> str:
    """The label `n` periods of the same length later (earlier if negative)."""
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", label):
        k = int(m[1]) * 4 + int(m[2]) - 1 + n
        return f"{k // 4}-Q{k % 4 + 1}"
    if m := re.fullmatch(r"(\d{4})-H([12])", label):
        k = int(m[1]) * 2 + int(m[2]) - 1 + n
        return f"{k // 2}-H{k % 2 + 1}"
    if m := re.fullmatch(r"(\d{4})-(\d{2})", label):
        k = int(m[1]) * 12 + int(m[2]) - 1 + n
        return f"{k // 12}-{k % 12 + 1:02d}"
    return str(int(label) + n)


def current_quarter(today: date) -> Period:
    return parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")


# ---------------------------------------------------------------------- revenue


@dataclass(frozen=True)
class Pareto:
    clients: int  # clients who bought in the period
    revenue_cents: int
    top_clients: int  # the top 20%, rounded up
    top_revenue_cents: int
    curve: tuple[float, ...]  # cumulative share of revenue after each client, best first
    leaders: tuple[tuple[str, str, int], ...]  # (client id, name, cents) of the top ten

    @property
    def top_share(self) -> float | None:
        return self.top_revenue_cents / self.revenue_cents if self.revenue_cents else None


def _range(period: Period) -> dict[str, str]:
    return {"start": period.start.isoformat(), "end": period.end.isoformat()}


_BY_CLIENT = """
SELECT p.client_id, sum(p.amount_cents) AS spent FROM purchases AS p
WHERE p.bought_at >= :start AND p.bought_at < :end AND p.deleted_at IS NULL
GROUP BY p.client_id ORDER BY spent DESC, p.client_id
"""


def pareto(db: Database, period: Period) -> Pareto:
    spent = db.query(_BY_CLIENT, _range(period))
    total = sum(cents for _cid, cents in spent)
    top = math.ceil(len(spent) * TOP_SHARE)
    curve, running = [], 0
    for _cid, cents in spent:
        running += cents
        curve.append(running / total if total else 0.0)
    leaders = spent[:10]
    names = {
        cid: display_name(given, family, company)
        for cid, given, family, company in db.query_ids(
            "SELECT id, given_name, family_name, company FROM clients WHERE id IN ({ids})",
            [cid for cid, _cents in leaders],
        )
    }
    return Pareto(
        len(spent),
        total,
        top,
        sum(cents for _cid, cents in spent[:top]),
        tuple(curve),
        tuple((cid, names.get(cid, "?"), cents) for cid, cents in leaders),
    )


# ---------------------------------------------------------------------- coming back


@dataclass(frozen=True)
class Rate:
    label: str
    of: int  # the clients it is a share of
    count: int  # how many of them did it

    @property
    def rate(self) -> float | None:
        return self.count / self.of if self.of else None


_RETENTION = """
SELECT count(*), coalesce(sum(EXISTS (
    SELECT 1 FROM purchases AS q WHERE q.client_id = b.client_id AND q.deleted_at IS NULL
      AND q.bought_at >= :start AND q.bought_at < :end)), 0)
FROM (SELECT DISTINCT client_id FROM purchases
      WHERE bought_at >= :prev AND bought_at < :start AND deleted_at IS NULL) AS b
"""


def retention_rate(db: Database, period: Period) -> Rate:
    """Of the clients who bought in the previous period, how many bought again in this one."""
    previous = period.previous()
    [(bought_before, came_back)] = db.query(
        _RETENTION, {**_range(period), "prev": previous.start.isoformat()}
    )
    return Rate(period.label, int(bought_before), int(came_back))


def retention_trend(db: Database, period: Period, periods: int = 4) -> list[Rate]:
    """The retention rate of this period and the ones before it, oldest first."""
    labels = [step_period(period.label, -k) for k in range(periods - 1, -1, -1)]
    return [retention_rate(db, parse_period(label)) for label in labels]


_REPEAT = """
SELECT count(*), coalesce(sum((SELECT count(*) FROM purchases AS q
    WHERE q.client_id = b.client_id AND q.deleted_at IS NULL AND q.bought_at < :end) >= 2), 0)
FROM (SELECT DISTINCT client_id FROM purchases
      WHERE bought_at >= :start AND bought_at < :end AND deleted_at IS NULL) AS b
"""


def repeat_rate(db: Database, period: Period) -> Rate:
    """Of the clients who bought in the period, how many have bought more than once."""
    [(bought, more_than_once)] = db.query(_REPEAT, _range(period))
    return Rate(period.label, int(bought), int(more_than_once))


# ---------------------------------------------------------------------- stages


# The stage of every live client on a day, by the same rules as retention.stage_of: a stage
# set by hand (on or before the day) wins; then advocate, regular, repeat, first-time.
@dataclass(frozen=True)
class Funnel:
    at_end: dict[str, int]  # stage → clients at the end of the period
    moves: dict[tuple[str, str], int]  # (from, to) → clients who moved in the period
    new: dict[str, int]  # stage → clients added during the period, by where they are now

    def moved_up(self) -> int:
        return sum(n for (a, b), n in self.moves.items() if STAGES.index(b) > STAGES.index(a))


_BEFORE = retention.STAGE_ON.replace(":until", ":before_until").replace(":window", ":before_window")
_MOVES = f"""
WITH before AS ({_BEFORE}),
     after AS ({retention.STAGE_ON})
SELECT coalesce(b.stage, ''), a.stage, count(*) FROM after AS a
LEFT JOIN before AS b ON b.id = a.id
GROUP BY 1, 2
"""


def funnel(db: Database, period: Period) -> Funnel:
    """Clients per stage at the end of the period, and who moved between stages in it."""
    after = retention.stage_params(db, period.last_day)
    before = retention.stage_params(db, period.start - timedelta(days=1))
    params = {**after, "before_until": before["until"], "before_window": before["window"]}
    at_end = dict.fromkeys(STAGES, 0)
    moves: dict[tuple[str, str], int] = {}
    new = dict.fromkeys(STAGES, 0)
    for was, now_, n in db.query(_MOVES, params):
        at_end[now_] = at_end.get(now_, 0) + n
        if not was:
            new[now_] = new.get(now_, 0) + n
        elif was != now_:
            moves[(was, now_)] = n
    return Funnel(at_end, moves, new)


# ---------------------------------------------------------------------- the report


@dataclass(frozen=True)
class Report:
    period: Period
    revenue_cents: int
    purchases: int
    pareto: Pareto
    retention: list[Rate]  # this period last
    repeat: Rate
    funnel: Funnel
    nps_trend: list[nps.PeriodScore]  # by quarter (or month for a month), oldest first
    nps_period: nps.PeriodScore
    complaints_opened: int
    complaints_resolved: complaints.ResolutionTimes
    new_clients: int
    referred_clients: int
    as_of: date = field(default_factory=date.today)  # the day the figures were taken
    currency: str = ""  # the shop's (settings.currency), "" if none is known
    locale: str = "en_GB"  # the shop's, for amounts

    def money(self, minor: int) -> str:
        """An amount of the report in the shop's currency and locale: "£1,234.50",
        "1.234,50 €", "￥1,234"."""
        return amounts.show(minor, self.currency, self.locale)

    @property
    def average_cents(self) -> int:
        return round(self.revenue_cents / self.purchases) if self.purchases else 0


_COUNTS = """
SELECT
  (SELECT coalesce(sum(amount_cents), 0) FROM purchases
   WHERE bought_at >= :start AND bought_at < :end AND deleted_at IS NULL),
  (SELECT count(*) FROM purchases
   WHERE bought_at >= :start AND bought_at < :end AND deleted_at IS NULL),
  (SELECT count(*) FROM complaints
   WHERE opened_at >= :start AND opened_at < :end AND deleted_at IS NULL),
  (SELECT count(*) FROM clients
   WHERE created_at >= :start AND created_at < :end AND deleted_at IS NULL),
  (SELECT count(*) FROM clients WHERE referred_by_id IS NOT NULL
   AND created_at >= :start AND created_at < :end AND deleted_at IS NULL),
  (SELECT coalesce(sum(score >= 9), 0) FROM survey_answers
   WHERE answered_at >= :start AND answered_at < :end AND deleted_at IS NULL),
  (SELECT coalesce(sum(score BETWEEN 7 AND 8), 0) FROM survey_answers
   WHERE answered_at >= :start AND answered_at < :end AND deleted_at IS NULL),
  (SELECT coalesce(sum(score <= 6), 0) FROM survey_answers
   WHERE answered_at >= :start AND answered_at < :end AND deleted_at IS NULL)
"""


def report(db: Database, period: Period, today: date | None = None) -> Report:
    """Every figure of the period report (as of `today`: a period not over yet is so far)."""
    from datetime import datetime

    revenue, bought, opened, added, referred, pro, pas, det = db.query(_COUNTS, _range(period))[0]
    values = settings.read_all(db)
    by = "month" if re.fullmatch(r"\d{4}-\d{2}", period.label) else "quarter"
    trend = [
        p
        for p in nps.by_period(db, by)
        if p.period <= (period.label if by == "month" else _quarter_of(period.last_day))
    ][-8:]
    return Report(
        period,
        int(revenue),
        int(bought),
        pareto(db, period),
        retention_trend(db, period),
        repeat_rate(db, period),
        funnel(db, period),
        trend,
        nps.PeriodScore(period.label, int(pro), int(pas), int(det)),
        int(opened),
        complaints.resolution_times(
            db,
            datetime.combine(period.start, datetime.min.time()),
            datetime.combine(period.end, datetime.min.time()),
        ),
        int(added),
        int(referred),
        today or date.today(),
        settings.currency(values),
        settings.shop_locale(values),
    )


def _quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"
