"""Clients at risk of leaving, each with the reasons:

- two or more bad experiences (complaints, or survey answers of 0–6) in 12 months;
- a detractor (0–6) not called back yet;
- a regular who has not come in for 1.5× their usual interval (the median number of days
  between their purchases).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any

from crmdesk.model.names import display_name
from crmdesk.services import retention, surveys
from crmdesk.services.date_text import day_text
from crmdesk.store.database import Database
from crmdesk.wording import count

BAD_EXPERIENCES = 2  # in the last 12 months
LAPSE_FACTOR = 1.5  # times the usual interval


@dataclass
class AtRisk:
    client_id: str
    name: str
    reasons: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)  # "bad experiences", "detractor", "lapsed"
    latest: date | None = None  # the day of the latest of it (bad experience, answer, visit)


# "{of}" is "" (everyone) or a condition on client_id (some clients)
_BAD = """
SELECT b.client_id, c.given_name, c.family_name, c.company,
       sum(b.kind = 'complaint'), sum(b.kind = 'answer'), max(b.at)
FROM (SELECT client_id, 'complaint' AS kind, opened_at AS at FROM complaints
      WHERE opened_at >= :since AND deleted_at IS NULL{of}
      UNION ALL
      SELECT client_id, 'answer', answered_at FROM survey_answers
      WHERE answered_at >= :since AND score <= 6 AND deleted_at IS NULL
        AND client_id IS NOT NULL{of}) AS b
JOIN clients AS c ON c.id = b.client_id
WHERE c.deleted_at IS NULL
GROUP BY b.client_id HAVING count(*) >= :least
"""

_REGULARS = """
SELECT p.client_id, p.bought_at FROM purchases AS p
WHERE p.deleted_at IS NULL AND p.client_id IN (
    SELECT client_id FROM purchases WHERE bought_at >= :since AND deleted_at IS NULL{of}
    GROUP BY client_id HAVING count(*) >= :least)
ORDER BY p.client_id, p.bought_at
"""


def _of(
    db: Database, sql: str, params: dict[str, Any], client_ids: Collection[str] | None
) -> list[Any]:
    """Rows of `sql` (with "{of}" where a condition on client_id goes), of everyone or of
    `client_ids` only."""
    if client_ids is None:
        return db.query(sql.format(of=""), params)
    return db.query_each(sql.format(of=" AND client_id = :id"), client_ids, params)


def at_risk(
    db: Database,
    today: date,
    follow_ups: list[surveys.FollowUp] | None = None,
    client_ids: Collection[str] | None = None,
) -> list[AtRisk]:
    """Everyone at risk with their reasons, the most reasons first (then by name); with
    `client_ids`, those of them at risk. `follow_ups`: the survey answers still to follow
    up (of the same clients), if the caller has them already."""
    found: dict[str, AtRisk] = {}

    def mark(client_id: str, name: str, kind: str, reason: str, on: date) -> None:
        entry = found.setdefault(client_id, AtRisk(client_id, name))
        entry.reasons.append(reason)
        entry.kinds.add(kind)
        entry.latest = max(entry.latest or on, on)

    rules = retention.rules(db)
    since = retention.months_before(today, 12).isoformat()
    for cid, given, family, company, complaints, answers, latest in _of(
        db, _BAD, {"since": since, "least": BAD_EXPERIENCES}, client_ids
    ):
        parts = [count(complaints, "complaint")] if complaints else []
        parts += [count(answers, "low survey score")] if answers else []
        mark(
            cid,
            display_name(given, family, company),
            "bad experiences",
            f"{complaints + answers} bad experiences in 12 months ({', '.join(parts)})",
            date.fromisoformat(latest[:10]),
        )

    if follow_ups is None:
        follow_ups = surveys.follow_ups(db, client_ids)
    for item in follow_ups:
        if item.score <= 6:
            mark(
                item.client_id,
                item.client_name,
                "detractor",
                f"gave {item.score}/10 on {day_text(item.answered_at.date(), today)}, "
                "not called back yet",
                item.answered_at.date(),
            )

    regular_since = retention.months_before(today, rules.regular_months).isoformat()
    lapsed: dict[str, tuple[int, int, date]] = {}  # client → (usual interval, days away, last)

    def judge(cid: str, days: list[date]) -> None:
        gaps = [(b - a).days for a, b in pairwise(days)]
        usual = round(statistics.median(gaps)) if gaps else 0  # as retention.spending
        away = (today - days[-1]).days
        if usual > 0 and away > LAPSE_FACTOR * usual:
            lapsed[cid] = (usual, away, days[-1])

    # Streamed one client at a time: the regulars of a big shop have hundreds of
    # thousands of purchases between them, and only the lapsed ones are kept.
    params = {"since": regular_since, "least": rules.regular_purchases}
    if client_ids is None:
        with db.rows(_REGULARS.format(of=""), params) as cursor:
            _by_client(cursor, judge)
    else:
        _by_client(_of(db, _REGULARS, params, client_ids), judge)
    names = {
        cid: display_name(given, family, company)
        for cid, given, family, company in db.query_ids(
            "SELECT id, given_name, family_name, company FROM clients"
            " WHERE id IN ({ids}) AND deleted_at IS NULL",
            list(lapsed),
        )
    }
    for cid, (usual, away, last) in lapsed.items():
        if cid in names:
            mark(cid, names[cid], "lapsed",
                 f"a regular who usually comes every {count(usual, 'day')}: "
                 f"last came {count(away, 'day')} ago", last)  # fmt: skip

    return sorted(found.values(), key=lambda r: (-len(r.reasons), r.name, r.client_id))


def _by_client(rows: Iterable[Any], judge: Callable[[str, list[date]], None]) -> None:
    """`judge` each client's purchase days (`rows`: client id and time of purchase, a
    client's together, in order)."""
    current, days = "", list[date]()
    for cid, bought in rows:
        if cid != current:
            if days:
                judge(current, days)
            current, days = cid, []
        days.append(date.fromisoformat(bought[:10]))
    if days:
        judge(current, days)
