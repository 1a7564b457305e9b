"""B11: the Today view's queries on the 100,000-client database, against the same SQL run
raw (sqlite3, fetchall) with the same parameters.
B12: the period report's figures, against the same SQL aggregates run raw."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from crmdesk.services import (
    at_risk,
    complaints,
    nps,
    referrals,
    reminders,
    reports,
    retention,
    surveys,
    today,
)
from crmdesk.store.database import Database
from tests.benchmarks.harness import Row, interleaved, median, ratio_row

DAY = date(2026, 11, 23)
AT = datetime(2026, 11, 23, 12, 0)
LIMIT = 50


def _today_sql(db: Database) -> list[tuple[str, Any]]:
    """Every statement Today runs, with its parameters (the services' own SQL text)."""
    day = DAY.isoformat()
    window = list(reminders._month_days(DAY, 7))
    marks = ", ".join("?" * len(window))
    rules = retention.rules(db)
    since = retention.months_before(DAY, 12).isoformat()
    follow = (
        "SELECT h.id, h.client_id, c.given_name, c.family_name, c.company, h.subject,"
        " h.follow_up_on, h.occurred_at" + reminders._FOLLOW_UPS + " ORDER BY h.follow_up_on, h.id"
    )
    open_where = (
        " WHERE k.status IN ('open', 'in progress') AND k.deleted_at IS NULL"
        " AND c.deleted_at IS NULL"
    )
    return [
        ("SELECT count(*)" + reminders._FOLLOW_UPS, [day]),
        (follow + " LIMIT ?", [day, LIMIT]),
        (surveys._OPEN, []),
        ("SELECT count(*) FROM complaints AS k JOIN clients AS c ON c.id = k.client_id"
         + open_where, []),
        (complaints._COLUMNS + open_where + " ORDER BY k.opened_at LIMIT ?", [LIMIT]),
        ("SELECT id, given_name, family_name, company, birthday FROM clients"
         f" WHERE substr(birthday, 6, 5) IN ({marks})"
         " AND birthday IS NOT NULL AND deleted_at IS NULL", window),
        ("SELECT c.id, c.given_name, c.family_name, c.company, f.label, f.value, f.on_date"
         " FROM facts AS f JOIN clients AS c ON c.id = f.client_id"
         f" WHERE substr(f.on_date, 6, 5) IN ({marks})"
         " AND f.on_date IS NOT NULL AND f.deleted_at IS NULL AND c.deleted_at IS NULL", window),
        (at_risk._BAD, {"since": since, "least": at_risk.BAD_EXPERIENCES}),
        (at_risk._REGULARS, {"since": since, "least": rules.regular_purchases}),
        (reminders._TOUCH_OWN, {"today": day}),
        (reminders._TOUCH_BY_TAG, {"today": day, "rules": json.dumps(reminders.touch_rules(db))}),
        (referrals._REFERRALS + referrals._OWED + " ORDER BY r.created_at DESC", []),
    ]  # fmt: skip


def _raw(conn: sqlite3.Connection, statements: list[tuple[str, Any]]) -> int:
    return sum(len(conn.execute(sql, params).fetchall()) for sql, params in statements)


def b11(big: Path, repeat: int) -> list[Row]:
    with Database.open(big) as db:
        statements = _today_sql(db)
        sections = today.today(db, DAY, AT, LIMIT)
        conn = sqlite3.connect(f"file:{big}?mode=ro", uri=True)
        try:
            found = {s.key: s.total for s in sections}
            assert found["follow_ups"] == conn.execute(*statements[0]).fetchone()[0]
            assert found["follow_ups"] > 0 and found["at_risk"] > 0 and found["touch"] > 0
            a, b = interleaved(
                lambda: today.today(db, DAY, AT, LIMIT), lambda: _raw(conn, statements), repeat
            )
        finally:
            conn.close()
    shown = ", ".join(f"{k} {v:,}" for k, v in found.items() if v)
    return [
        ratio_row(
            "B11", "Today on 100,000 clients", median(a), median(b), 2.0,
            note=f"baseline: the same SQL, raw ({shown})",
        )
    ]  # fmt: skip


def _report_sql(db: Database, period: reports.Period) -> list[tuple[str, Any]]:
    span = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    after = retention.stage_params(db, period.last_day)
    before = retention.stage_params(db, period.start - timedelta(days=1))
    moves = {**after, "before_until": before["until"], "before_window": before["window"]}
    retained = []
    for k in range(3, -1, -1):
        p = reports.parse_period(reports.step_period(period.label, -k))
        retained.append(
            (
                reports._RETENTION,
                {
                    "start": p.start.isoformat(),
                    "end": p.end.isoformat(),
                    "prev": p.previous().start.isoformat(),
                },
            )
        )
    return [
        (reports._COUNTS, span),
        (reports._BY_CLIENT, span),
        *retained,
        (reports._REPEAT, span),
        (reports._MOVES, moves),
        (f"SELECT {nps.PERIODS['quarter']}"
         " AS period, sum(a.score >= 9), sum(a.score BETWEEN 7 AND 8), sum(a.score <= 6)"
         " FROM survey_answers AS a WHERE a.deleted_at IS NULL GROUP BY period ORDER BY period",
         []),
        ("SELECT (julianday(resolved_at) - julianday(opened_at)) * 24 FROM complaints"
         " WHERE status = 'resolved' AND deleted_at IS NULL AND resolved_at IS NOT NULL"
         " AND resolved_at >= ? AND resolved_at < ?", [f"{period.start} 00:00:00",
                                                       f"{period.end} 00:00:00"]),
    ]  # fmt: skip


def b12(big: Path, repeat: int) -> list[Row]:
    period = reports.parse_period("2026-Q3")
    with Database.open(big) as db:
        statements = _report_sql(db, period)
        conn = sqlite3.connect(f"file:{big}?mode=ro", uri=True)
        try:
            figures = reports.report(db, period)
            raw_revenue = conn.execute(*statements[0]).fetchone()[0]
            assert figures.revenue_cents == raw_revenue > 0
            a, b = interleaved(
                lambda: reports.report(db, period), lambda: _raw(conn, statements), repeat
            )
        finally:
            conn.close()
    return [
        ratio_row(
            "B12", "period report figures, 100,000 clients", median(a), median(b), 2.0,
            note=f"baseline: the same SQL aggregates, raw ({figures.purchases:,} purchases "
            f"in {period.label})",
        )
    ]  # fmt: skip
