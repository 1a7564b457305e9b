"""B11: the Today view's queries on the 100,000-client database, against the same SQL run
raw (sqlite3, fetchall) with the same parameters.
B12: the period report's figures, against the same SQL aggregates run raw.
B17: Today after a change at the counter, worked out again for the client touched only
(an absolute target), beside one indexed query of that client's history."""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from crmdesk.services import (
    at_risk,
    complaints,
    history,
    nps,
    referrals,
    reminders,
    reports,
    retention,
    surveys,
    today,
)
from crmdesk.services.changes import Changes
from crmdesk.services.complaints import ComplaintForm
from crmdesk.services.history import ContactForm
from crmdesk.services.surveys import AnswerForm
from crmdesk.store.database import Database
from tests.benchmarks.harness import Row, interleaved, limit_row, median, p95, ratio_row, timed

DAY = date(2026, 11, 23)
AT = datetime(2026, 11, 23, 12, 0)
LIMIT = 50


def _today_sql(db: Database) -> list[tuple[str, Any]]:
    """Every statement Today runs, with its parameters (the services' own SQL text)."""
    day = DAY.isoformat()
    window = {f"d{n}": d for n, d in enumerate(reminders._month_days(DAY, 7))}
    marks = ", ".join(f":{name}" for name in window)
    rules = retention.rules(db)
    since = retention.months_before(DAY, 12).isoformat()
    follow = reminders._FOLLOW_UP_COLUMNS + reminders._FOLLOW_UPS + " ORDER BY h.follow_up_on, h.id"
    open_where = (
        " WHERE k.status IN ('open', 'in progress') AND k.deleted_at IS NULL"
        " AND c.deleted_at IS NULL"
    )
    return [
        (follow, {"today": day}),
        (surveys._OPEN, []),
        (complaints._COLUMNS + open_where + " ORDER BY k.opened_at, k.id", []),
        (reminders._BIRTHDAYS.replace("{days}", marks), window),
        (reminders._DATES.replace("{days}", marks), window),
        (at_risk._BAD.format(of=""), {"since": since, "least": at_risk.BAD_EXPERIENCES}),
        (at_risk._REGULARS.format(of=""), {"since": since, "least": rules.regular_purchases}),
        (reminders._TOUCH_OWN, {"today": day}),
        (reminders._TOUCH_BY_TAG, {"today": day, "rules": json.dumps(reminders.touch_rules(db))}),
        (referrals._REFERRALS + referrals._OWED + " ORDER BY r.created_at DESC, r.id DESC", []),
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
            assert found["follow_ups"] == len(conn.execute(*statements[0]).fetchall())
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


# ------------------------------------------------------------------------------- B17

_CLIENT_HISTORY = """
SELECT id, occurred_at, follow_up_on FROM history
WHERE client_id = ? AND deleted_at IS NULL ORDER BY occurred_at DESC
"""


def b17(big: Path, repeat: int) -> list[Row]:
    """On a copy (the changes are written): a follow-up done (the row leaves the full
    section and the next comes in), a complaint about a client at risk, a low survey score
    from someone in the middle of the list; each change followed by Today refreshed for
    the client it touched. At the end the refreshed Today must be Today worked out again."""
    with tempfile.TemporaryDirectory(dir=big.parent) as folder:
        copy = Path(shutil.copy(big, Path(folder) / "copy.crmdesk"))
        conn = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
        with Database.open(copy) as db:
            surveys.builtin_survey(db)  # made on first use: not part of what is measured
            worked = today.work_out(db, DAY, AT, LIMIT)
            middle = [r[0] for r in conn.execute(
                "SELECT id FROM clients WHERE deleted_at IS NULL ORDER BY id LIMIT ? OFFSET 50000",
                (repeat,))]  # fmt: skip
            risky = [r.client_id for r in worked.sections[4].rows]
            ours, base, left = [], [], 0
            for n in range(repeat):
                due = worked.sections[0].rows[0]
                edits: list[tuple[str, Callable[[], Changes]]] = [
                    (due.client_id, lambda c=due.client_id: history.log_contact(
                        db, c, ContactForm(subject="Followed up"))),
                    (risky[n], lambda c=risky[n]: complaints.open_complaint(
                        db, c, ComplaintForm("Wrong order", opened_at=AT))),
                    (middle[n], lambda c=middle[n]: surveys.record_answer(
                        db, AnswerForm(score=3, answered_at=AT), client_id=c)),
                ]  # fmt: skip
                for client_id, edit in edits:
                    touched = today.clients_touched(edit())
                    assert touched is not None
                    took, worked = timed(lambda t=touched, w=worked: today.refresh(db, w, t))
                    ours.append(took)
                    base.append(timed(lambda c=client_id: conn.execute(
                        _CLIENT_HISTORY, (c,)).fetchall())[0])  # fmt: skip
                left += due not in worked.sections[0].rows
            assert left == repeat  # each follow-up done left Today
            assert worked.sections == today.work_out(db, DAY, AT, LIMIT).sections
            full, _ = timed(lambda: today.work_out(db, DAY, AT, LIMIT))
        conn.close()
    return [
        limit_row(
            "B17", "Today after a change, touched client only, p95", p95(ours), median(base),
            20.0, note=f"{len(ours)} changes, median {median(ours):.1f} ms; in full "
            f"{full:,.0f} ms; baseline: one indexed query of the client's history",
        )
    ]  # fmt: skip
