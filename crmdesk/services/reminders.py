"""Never forget: follow-ups that are due, clients to stay in touch with, dates coming up.

- A follow-up is the "follow up on" date of a history entry. It stays open until a newer
  contact the owner made with that client is logged (a call, visit, email, SMS, meeting, a
  letter to them alone), so logging the call closes it; a letter printed for many clients
  at once or a printed survey form does not (history.personal).
- "Stay in touch every N days" is set on a client (retention.set_keeping), or for everyone
  with a tag (the client's own setting wins; of several tags the shortest interval). It is
  due N days after the last contact the owner made (or after the client was added, if none).
- Birthdays and remembered dates (things to remember that carry a date) coming up; a date
  in an earlier year comes round again as an anniversary.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from crmdesk.errors import ValidationError
from crmdesk.model.names import display_name
from crmdesk.model.partial_date import PartialDate
from crmdesk.services import settings
from crmdesk.services.changes import Changes
from crmdesk.services.date_text import day_text, weekday_text
from crmdesk.store.database import Database
from crmdesk.wording import count


@dataclass(frozen=True)
class FollowUpDue:
    entry_id: str
    client_id: str
    name: str
    subject: str
    due_on: date
    asked_on: date  # the day of the contact that set it

    def overdue(self, today: date) -> bool:
        return self.due_on < today


# An entry's follow-up is open while no newer contact the owner made is logged: the trigger
# keeps clients.last_contact_at at the newest live personal entry, so a later one closes it
# (and a bulk letter or a printed form does not). The entry itself may be one of those, so
# a client with no personal contact at all still has it open.
_FOLLOW_UPS = """
FROM history AS h JOIN clients AS c ON c.id = h.client_id
WHERE h.follow_up_on <= :today AND h.deleted_at IS NULL AND c.deleted_at IS NULL
  AND coalesce(c.last_contact_at, h.occurred_at) <= h.occurred_at
"""
_FOLLOW_UP_COLUMNS = (
    "SELECT h.id, h.client_id, c.given_name, c.family_name, c.company, h.subject,"
    " h.follow_up_on, h.occurred_at"
)


def follow_ups_due(
    db: Database,
    today: date,
    limit: int | None = None,
    client_ids: Collection[str] | None = None,
) -> tuple[list[FollowUpDue], int]:
    """Follow-ups due today or overdue, the oldest first; and how many there are. With
    `client_ids`, only theirs (read through the client's index)."""
    params: dict[str, object] = {"today": today.isoformat()}
    order = " ORDER BY h.follow_up_on, h.id"
    if client_ids is not None:
        sql = _FOLLOW_UP_COLUMNS + _FOLLOW_UPS + " AND h.client_id = :id"
        rows = db.query_each(sql, client_ids, params)
    elif limit is None:
        rows = db.query(_FOLLOW_UP_COLUMNS + _FOLLOW_UPS + order, params)
    else:
        rows = db.query(_FOLLOW_UP_COLUMNS + _FOLLOW_UPS + order + " LIMIT :limit",
                        {**params, "limit": limit})  # fmt: skip
    found = [
        FollowUpDue(
            entry_id,
            cid,
            display_name(given, family, company),
            subject,
            date.fromisoformat(due),
            datetime.fromisoformat(occurred).date(),
        )
        for entry_id, cid, given, family, company, subject, due, occurred in rows
    ]
    found.sort(key=lambda f: (f.due_on, f.entry_id))
    if limit is None:
        return found, len(found)
    [(total,)] = db.query("SELECT count(*)" + _FOLLOW_UPS, params)
    return found[:limit], int(total)


# ---------------------------------------------------------------------- stay in touch


def touch_rules(db: Database) -> dict[str, int]:
    """Tag → days: everyone with the tag should hear from the shop that often."""
    return dict(settings.get(db, settings.TOUCH_BY_TAG))


def check_days(days: int | None, field: str) -> None:
    if days is not None and not 1 <= days <= 3650:
        raise ValidationError({field: "Stay in touch every 1 to 3650 days (or leave it empty)."})


def set_touch_rules(db: Database, rules: dict[str, int]) -> Changes:
    return settings.write(db, {settings.TOUCH_BY_TAG.key: rules}, "Stay in touch by tag")


@dataclass(frozen=True)
class TouchDue:
    client_id: str
    name: str
    every_days: int
    since: date  # the last contact (or the day the client was added)
    because: str  # "set for this client" or "tag VIP"

    def days_quiet(self, today: date) -> int:
        return (today - self.since).days


_TOUCH_OWN = """
SELECT c.id, c.given_name, c.family_name, c.company, c.touch_every_days,
       coalesce(c.last_contact_at, c.created_at), ''
FROM clients AS c
WHERE c.touch_every_days IS NOT NULL AND c.deleted_at IS NULL
  AND julianday(:today) - julianday(date(coalesce(c.last_contact_at, c.created_at)))
      >= c.touch_every_days
"""
_TOUCH_BY_TAG = """
SELECT id, given_name, family_name, company, days, since, tag FROM (
    -- the shortest interval of the client's tags; `tag` is the one it came from (SQLite
    -- takes a bare column from the row that min() picked)
    SELECT c.id, c.given_name, c.family_name, c.company, min(r.value) AS days,
           coalesce(c.last_contact_at, c.created_at) AS since, r.key AS tag
    FROM clients AS c, json_each(c.tags) AS t JOIN json_each(:rules) AS r ON r.key = t.value
    WHERE c.touch_every_days IS NULL AND c.deleted_at IS NULL
    GROUP BY c.id)
WHERE julianday(:today) - julianday(date(since)) >= days
"""


def touch_due(
    db: Database, today: date, client_ids: Collection[str] | None = None
) -> list[TouchDue]:
    """Clients whose stay-in-touch interval has passed, the longest quiet first (then by
    name). With `client_ids`, only those of them."""
    params = {"today": today.isoformat()}
    rules = touch_rules(db)
    by_tag = {**params, "rules": json.dumps(rules)}
    if client_ids is None:
        rows = list(db.query(_TOUCH_OWN, params))
        rows += db.query(_TOUCH_BY_TAG, by_tag) if rules else []
    else:
        rows = db.query_each(_TOUCH_OWN + " AND c.id = :id", client_ids, params)
        if rules:
            sql = _TOUCH_BY_TAG.replace("GROUP BY", "AND c.id = :id GROUP BY")
            rows += db.query_each(sql, client_ids, by_tag)
    found = [
        TouchDue(
            cid,
            display_name(given, family, company),
            int(every),
            datetime.fromisoformat(since).date(),
            f"tag {tag}" if tag else "set for this client",
        )
        for cid, given, family, company, every, since, tag in rows
    ]
    found.sort(key=lambda t: (t.since + timedelta(days=t.every_days), t.name, t.client_id))
    return found


# ---------------------------------------------------------------------- dates


@dataclass(frozen=True)
class DateComing:
    client_id: str
    name: str
    what: str  # "Birthday" or the label of the thing to remember
    on: date  # the day it falls, this time round
    detail: str  # "turns 40", "Biscuit", "3 years"
    kind: str  # "birthday" or "date"


def _month_days(start: date, days: int) -> dict[str, date]:
    """'MM-DD' → the day in [start, start + days) it falls on; 29 February is kept on the
    28th in years without it."""
    found: dict[str, date] = {}
    for n in range(days):
        day = start + timedelta(days=n)
        found[day.strftime("%m-%d")] = day
        if day.month == 2 and day.day == 28 and (day + timedelta(days=1)).month == 3:
            found["02-29"] = day
    return found


_BIRTHDAYS = """
SELECT id, given_name, family_name, company, birthday FROM clients
WHERE substr(birthday, 6, 5) IN ({days}) AND birthday IS NOT NULL AND deleted_at IS NULL
"""
_DATES = """
SELECT c.id, c.given_name, c.family_name, c.company, f.label, f.value, f.on_date
FROM facts AS f JOIN clients AS c ON c.id = f.client_id
WHERE substr(f.on_date, 6, 5) IN ({days})
  AND f.on_date IS NOT NULL AND f.deleted_at IS NULL AND c.deleted_at IS NULL
"""


def _on_days(
    db: Database, sql: str, days: list[str], client_ids: Collection[str] | None, column: str
) -> list[Any]:
    """Rows of `sql` falling on `days` ('MM-DD'), of everyone or of `client_ids` (`column`
    holds the client's id)."""
    params = {f"d{n}": day for n, day in enumerate(days)}
    sql = sql.replace("{days}", ", ".join(f":{name}" for name in params))
    if client_ids is None:
        return db.query(sql, params)
    return db.query_each(sql + f" AND {column} = :id", client_ids, params)


def dates_coming(
    db: Database, today: date, days: int = 7, client_ids: Collection[str] | None = None
) -> list[DateComing]:
    """Birthdays and remembered dates in the next `days` days (today included), by day
    (then birthdays first, then by name). With `client_ids`, only theirs."""
    window = _month_days(today, days)
    keys = list(window)
    found = []
    for cid, given, family, company, born in _on_days(db, _BIRTHDAYS, keys, client_ids, "id"):
        birthday = PartialDate.from_stored(born)
        on = window[born[5:10]]  # (a birthday without its year: "XXXX-MM-DD", same place)
        age = None if birthday is None or birthday.year is None else on.year - birthday.year
        detail = f"turns {age}" if age is not None and 0 < age < 120 else ""
        found.append(
            DateComing(
                cid, display_name(given, family, company), "Birthday", on, detail, "birthday"
            )
        )
    for cid, given, family, company, label, value, when in _on_days(
        db, _DATES, keys, client_ids, "f.client_id"
    ):
        day = date.fromisoformat(when)
        on = window[when[5:10]]
        if day > on:  # a date in a later year is not coming round this week
            continue
        years = on.year - day.year
        detail = value if years == 0 else f"{value} — {count(years, 'year')}"
        found.append(
            DateComing(
                cid, display_name(given, family, company), label, on, detail.strip(" —"), "date"
            )
        )
    found.sort(key=lambda d: (d.on, d.kind != "birthday", d.name, d.client_id, d.what, d.detail))
    return found


def describe_day(day: date, today: date) -> str:
    """ "today", "tomorrow", "Sat 28 Nov", "3 days ago" (another year's day with its year)."""
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    if delta < 0:
        return f"{count(-delta, 'day')} ago" if delta > -60 else day_text(day, today)
    return weekday_text(day, today)
