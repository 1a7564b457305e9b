"""Today: what the shop should do today, in one place, each row with what to do about it.

Sections, in the order the window shows them: follow-ups due and overdue, detractors to
call back, open complaints (oldest first), birthdays and remembered dates this week,
clients at risk, stay-in-touch reminders, promoters to ask for a referral, and referral
rewards owed. Each row names the client, what to do, how urgent it is, and the letter that
fits (if one does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from crmdesk.services import at_risk, complaints, referrals, reminders, surveys
from crmdesk.services.date_text import day_text
from crmdesk.store.database import Database
from crmdesk.wording import count

BIRTHDAY_LETTER = "Birthday"
WIN_BACK_LETTER = "We miss you"
REFERRAL_REQUEST_LETTER = "Referral request"


@dataclass(frozen=True)
class TodayRow:
    client_id: str
    name: str
    text: str  # what to do, and why
    when: str  # "today", "3 days ago", "2 days 4 h"
    urgent: bool  # overdue, or waiting over 48 hours
    letter: str = ""  # the name of the letter template that fits ("" for none)
    ref: str = ""  # the id of what the row is about (see `about`)
    about: str = ""  # "entry", "complaint", "answer" or "referral" (the referred client)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: tuple[TodayRow, ...]
    total: int  # rows may hold only the first `limit` of them

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def _follow_ups(db: Database, day: date, _at: datetime, limit: int) -> Section:
    due, total = reminders.follow_ups_due(db, day, limit)
    rows = tuple(
        TodayRow(
            f.client_id,
            f.name,
            f"Follow up: {f.subject}" if f.subject else "Follow up",
            reminders.describe_day(f.due_on, day),
            f.overdue(day),
            "",
            f.entry_id,
            "entry",
        )
        for f in due
    )
    return Section("follow_ups", "Follow-ups due", rows, total)


def _survey_rows(
    pending: list[surveys.FollowUp], at: datetime
) -> tuple[list[TodayRow], list[TodayRow]]:
    detractors, promoters = [], []
    for f in pending:
        said = f" — “{f.reason}”" if f.reason else ""
        if f.score <= 6:
            detractors.append(
                TodayRow(
                    f.client_id,
                    f.client_name,
                    f"Call back: gave {f.score}/10{said}",
                    complaints.describe_age(at - f.answered_at) + " ago",
                    f.overdue(at),
                    complaints.APOLOGY_TEMPLATE,
                    f.answer_id,
                    "answer",
                )
            )
        else:
            promoters.append(
                TodayRow(
                    f.client_id,
                    f.client_name,
                    f"Thank and ask for a referral: gave {f.score}/10{said}",
                    complaints.describe_age(at - f.answered_at) + " ago",
                    f.overdue(at),
                    REFERRAL_REQUEST_LETTER,
                    f.answer_id,
                    "answer",
                )
            )
    return detractors, promoters


def _complaints(db: Database, _day: date, at: datetime, limit: int) -> Section:
    cases, total = complaints.open_cases(db, limit)
    rows = tuple(
        TodayRow(
            c.client_id,
            c.client_name,
            f"{c.status.capitalize()} complaint ({c.severity}, {c.category}): {c.description}",
            complaints.describe_age(c.age(at)),
            c.stands_out(at),
            complaints.APOLOGY_TEMPLATE,
            c.id,
            "complaint",
        )
        for c in cases
    )
    return Section("complaints", "Open complaints", rows, total)


def _dates(db: Database, day: date, _at: datetime, limit: int) -> Section:
    coming = reminders.dates_coming(db, day)
    rows = tuple(
        TodayRow(
            d.client_id,
            d.name,
            f"{d.what}" + (f": {d.detail}" if d.detail else ""),
            reminders.describe_day(d.on, day),
            d.on == day,
            BIRTHDAY_LETTER if d.kind == "birthday" else "",
        )
        for d in coming[:limit]
    )
    return Section("dates", "Birthdays and dates this week", rows, len(coming))


def _at_risk(db: Database, day: date, pending: list[surveys.FollowUp], limit: int) -> Section:
    risky = at_risk.at_risk(db, day, pending)
    rows = tuple(
        TodayRow(
            r.client_id,
            r.name,
            "; ".join(r.reasons),
            reminders.describe_day(r.latest, day) if r.latest else "",  # the latest of it
            len(r.reasons) > 1,
            WIN_BACK_LETTER
            if "lapsed" in r.kinds
            else complaints.APOLOGY_TEMPLATE
            if "bad experiences" in r.kinds
            else "",
        )
        for r in risky[:limit]
    )
    return Section("at_risk", "Clients at risk", rows, len(risky))


def _touch(db: Database, day: date, _at: datetime, limit: int) -> Section:
    due = reminders.touch_due(db, day)
    rows = tuple(
        TodayRow(
            t.client_id,
            t.name,
            f"Stay in touch every {count(t.every_days, 'day')} ({t.because})",
            f"quiet {count(t.days_quiet(day), 'day')}",
            t.days_quiet(day) > 2 * t.every_days,
        )
        for t in due[:limit]
    )
    return Section("touch", "Time to get in touch", rows, len(due))


def _rewards(db: Database, day: date, _at: datetime, limit: int) -> Section:
    owed = referrals.rewards_owed(db)
    rows = tuple(
        TodayRow(
            r.referrer_id,
            r.referrer_name,
            f"Give the referral reward: brought {r.referred_name}",
            f"bought {day_text(r.first_purchase, day)}" if r.first_purchase else "",
            False,
            referrals.THANK_YOU_TEMPLATE,
            r.referred_id,
            "referral",
        )
        for r in owed[:limit]
    )
    return Section("rewards", "Referral rewards to give", rows, len(owed))


def today(
    db: Database, day: date | None = None, at: datetime | None = None, limit: int = 50
) -> list[Section]:
    """Every section of Today, each with at most `limit` rows (and the full count)."""
    at = at or datetime.now()
    day = day or at.date()
    pending = surveys.follow_ups(db)  # (detractors are also a reason to be at risk)
    detractors, promoters = _survey_rows(pending, at)
    return [
        _follow_ups(db, day, at, limit),
        Section(
            "detractors", "Detractors to call back", tuple(detractors[:limit]), len(detractors)
        ),
        _complaints(db, day, at, limit),
        _dates(db, day, at, limit),
        _at_risk(db, day, pending, limit),
        _touch(db, day, at, limit),
        Section(
            "promoters", "Promoters to ask for a referral", tuple(promoters[:limit]), len(promoters)
        ),
        _rewards(db, day, at, limit),
    ]
