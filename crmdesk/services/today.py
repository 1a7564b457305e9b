"""Today: what the shop should do today, in one place, each row with what to do about it.

Sections, in the order the window shows them: follow-ups due and overdue, detractors to
call back, open complaints (oldest first), birthdays and remembered dates this week,
clients at risk, stay-in-touch reminders, promoters to ask for a referral, and referral
rewards owed. Each row names the client, what to do, how urgent it is, and the letter that
fits (if one does).

Worked out in full, Today reads every client (about 2.5 s at 100,000 clients). After a
change it is worked out again only for the clients the change touched (`refresh`): each
section keeps its first rows in order (`limit` and `SPARE` more) with how many rows each
client has in the whole of it, so their rows are taken out, their rows as they are now put
in their places, and the totals stay right — a few milliseconds. The result is what `today`
would give; when a section's kept rows run short of its limit, or the change was to a
setting, a template or many clients at once, Today is worked out in full again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from crmdesk.services import at_risk, complaints, referrals, reminders, surveys
from crmdesk.services.changes import Changes
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


SPARE = 50  # rows kept past a section's limit: a client's row leaving it lets the next in
FULL_AFTER = 200  # a change to more clients than this (a merge, a letter run) works it all out
# the ages shown ("40 min", "2 days 4 h") move on with the clock: worked out in full again
# when a change comes this long after (or on another day)
STALE_AFTER = timedelta(minutes=5)
# tables whose change may move rows of clients it does not name: settings (the rules of
# at risk and stay in touch are kept in meta), templates, and a merge's conflicts (a value
# put back may move a record between clients)
WHOLE_TABLES = frozenset({"meta", "letter_templates", "conflicts"})


class _Ranked(NamedTuple):
    order: Any  # where the row goes in its section (no two rows of a section share it)
    owner: str  # the client whose change changes the row (for a reward: the referred one)
    row: TodayRow


@dataclass(frozen=True)
class _Ask:
    db: Database
    day: date
    at: datetime
    pending: list[surveys.FollowUp]  # survey answers to follow up (of the clients asked for)


@dataclass(frozen=True)
class _Spec:
    """A section: how its items are found (of everyone, or of some clients), ordered and
    shown."""

    key: str
    title: str
    find: Callable[[_Ask, Collection[str] | None], list[Any]]
    order: Callable[[Any], Any]
    owner: Callable[[Any], str]
    row: Callable[[Any, _Ask], TodayRow]
    # the clients whose rows a change to these clients may change (themselves, but for
    # a reward also the clients they brought: the reward names its referrer)
    owners: Callable[[Database, frozenset[str]], frozenset[str]] = lambda _db, ids: ids

    def ranked(self, item: Any, ask: _Ask) -> _Ranked:
        return _Ranked(self.order(item), self.owner(item), self.row(item, ask))


@functools.total_ordering
@dataclass(frozen=True)
class _Latest:
    """Orders the later value first."""

    value: tuple[datetime, str]

    def __lt__(self, other: _Latest) -> bool:
        return self.value > other.value


def _follow_up_row(f: reminders.FollowUpDue, ask: _Ask) -> TodayRow:
    return TodayRow(
        f.client_id,
        f.name,
        f"Follow up: {f.subject}" if f.subject else "Follow up",
        reminders.describe_day(f.due_on, ask.day),
        f.overdue(ask.day),
        "",
        f.entry_id,
        "entry",
    )


def _answer_row(f: surveys.FollowUp, ask: _Ask) -> TodayRow:
    said = f" — “{f.reason}”" if f.reason else ""
    detractor = f.score <= 6
    return TodayRow(
        f.client_id,
        f.client_name,
        f"Call back: gave {f.score}/10{said}"
        if detractor
        else f"Thank and ask for a referral: gave {f.score}/10{said}",
        complaints.describe_age(ask.at - f.answered_at) + " ago",
        f.overdue(ask.at),
        complaints.APOLOGY_TEMPLATE if detractor else REFERRAL_REQUEST_LETTER,
        f.answer_id,
        "answer",
    )


def _complaint_row(c: complaints.ComplaintRecord, ask: _Ask) -> TodayRow:
    return TodayRow(
        c.client_id,
        c.client_name,
        f"{c.status.capitalize()} complaint ({c.severity}, {c.category}): {c.description}",
        complaints.describe_age(c.age(ask.at)),
        c.stands_out(ask.at),
        complaints.APOLOGY_TEMPLATE,
        c.id,
        "complaint",
    )


def _date_row(d: reminders.DateComing, ask: _Ask) -> TodayRow:
    return TodayRow(
        d.client_id,
        d.name,
        f"{d.what}" + (f": {d.detail}" if d.detail else ""),
        reminders.describe_day(d.on, ask.day),
        d.on == ask.day,
        BIRTHDAY_LETTER if d.kind == "birthday" else "",
    )


def _at_risk_row(r: at_risk.AtRisk, ask: _Ask) -> TodayRow:
    return TodayRow(
        r.client_id,
        r.name,
        "; ".join(r.reasons),
        reminders.describe_day(r.latest, ask.day) if r.latest else "",  # the latest of it
        len(r.reasons) > 1,
        WIN_BACK_LETTER
        if "lapsed" in r.kinds
        else complaints.APOLOGY_TEMPLATE
        if "bad experiences" in r.kinds
        else "",
    )


def _touch_row(t: reminders.TouchDue, ask: _Ask) -> TodayRow:
    return TodayRow(
        t.client_id,
        t.name,
        f"Stay in touch every {count(t.every_days, 'day')} ({t.because})",
        f"quiet {count(t.days_quiet(ask.day), 'day')}",
        t.days_quiet(ask.day) > 2 * t.every_days,
    )


def _reward_row(r: referrals.Referral, ask: _Ask) -> TodayRow:
    return TodayRow(
        r.referrer_id,
        r.referrer_name,
        f"Give the referral reward: brought {r.referred_name}",
        f"bought {day_text(r.first_purchase, ask.day)}" if r.first_purchase else "",
        False,
        referrals.THANK_YOU_TEMPLATE,
        r.referred_id,
        "referral",
    )


def _answer_order(f: surveys.FollowUp) -> tuple[datetime, str]:
    return (f.answered_at, f.answer_id)


def _client_of(item: Any) -> str:
    return str(item.client_id)


_SECTIONS = (
    _Spec("follow_ups", "Follow-ups due",
          lambda ask, ids: reminders.follow_ups_due(ask.db, ask.day, client_ids=ids)[0],
          lambda f: (f.due_on, f.entry_id), _client_of, _follow_up_row),
    _Spec("detractors", "Detractors to call back",
          lambda ask, _ids: [f for f in ask.pending if f.score <= 6],
          _answer_order, _client_of, _answer_row),
    _Spec("complaints", "Open complaints",
          lambda ask, ids: complaints.open_cases(ask.db, client_ids=ids)[0],
          lambda c: (c.opened_at, c.id), _client_of, _complaint_row),
    _Spec("dates", "Birthdays and dates this week",
          lambda ask, ids: reminders.dates_coming(ask.db, ask.day, client_ids=ids),
          lambda d: (d.on, d.kind != "birthday", d.name, d.client_id, d.what, d.detail),
          _client_of, _date_row),
    _Spec("at_risk", "Clients at risk",
          lambda ask, ids: at_risk.at_risk(ask.db, ask.day, ask.pending, ids),
          lambda r: (-len(r.reasons), r.name, r.client_id), _client_of, _at_risk_row),
    _Spec("touch", "Time to get in touch",
          lambda ask, ids: reminders.touch_due(ask.db, ask.day, ids),
          lambda t: (t.since + timedelta(days=t.every_days), t.name, t.client_id),
          _client_of, _touch_row),
    _Spec("promoters", "Promoters to ask for a referral",
          lambda ask, _ids: [f for f in ask.pending if f.score > 6],
          _answer_order, _client_of, _answer_row),
    _Spec("rewards", "Referral rewards to give",
          lambda ask, ids: referrals.rewards_owed(ask.db, ids),
          lambda r: _Latest((r.added_at, r.referred_id)), lambda r: r.referred_id, _reward_row,
          lambda db, ids: ids.union(referrals.brought_by(db, ids))),
)  # fmt: skip


@dataclass(frozen=True)
class _Kept:
    """A section as worked out: its first rows in order, and how many it has of each
    client (`counts`, over the whole section)."""

    ranked: tuple[_Ranked, ...]  # `limit` + SPARE of them, or all
    counts: Mapping[str, int]
    total: int


@dataclass(frozen=True)
class Worked:
    """Today as worked out for `day` at `at`: its sections, and what `refresh` needs."""

    day: date
    at: datetime
    limit: int
    sections: list[Section]
    kept: tuple[_Kept, ...]

    def current(self, at: datetime) -> bool:
        """Still right at `at` but for the changes since: the same day, a few minutes on
        (the ages of complaints and answers move on with the clock)."""
        return at.date() == self.day and timedelta(0) <= at - self.at < STALE_AFTER


def _worked(day: date, at: datetime, limit: int, kept: tuple[_Kept, ...]) -> Worked:
    sections = [
        Section(spec.key, spec.title, tuple(r.row for r in k.ranked[:limit]), k.total)
        for spec, k in zip(_SECTIONS, kept, strict=True)
    ]
    return Worked(day, at, limit, sections, kept)


def work_out(
    db: Database, day: date | None = None, at: datetime | None = None, limit: int = 50
) -> Worked:
    """Today in full: every client's rows, each section's first `limit` kept in order."""
    at = at or datetime.now()
    day = day or at.date()
    ask = _Ask(db, day, at, surveys.follow_ups(db))  # (detractors are also at risk)
    kept = []
    for spec in _SECTIONS:
        items = sorted(spec.find(ask, None), key=spec.order)
        counts: dict[str, int] = {}
        for item in items:
            owner = spec.owner(item)
            counts[owner] = counts.get(owner, 0) + 1
        ranked = tuple(spec.ranked(i, ask) for i in items[: limit + SPARE])
        kept.append(_Kept(ranked, counts, len(items)))
    return _worked(day, at, limit, tuple(kept))


def refresh(db: Database, worked: Worked, client_ids: Collection[str]) -> Worked:
    """`worked` with the rows of `client_ids` worked out again (a change touched them; for
    the same day and time): what `work_out` would give now. Worked out in full when a
    section's kept rows no longer reach its limit."""
    clients = frozenset(client_ids)
    ask = _Ask(db, worked.day, worked.at, surveys.follow_ups(db, clients))
    kept = []
    for spec, old in zip(_SECTIONS, worked.kept, strict=True):
        owners = spec.owners(db, clients)
        fresh = [spec.ranked(i, ask) for i in spec.find(ask, owners)]
        new = _with(old, owners, fresh, worked.limit)
        if new is None:
            return work_out(db, worked.day, worked.at, worked.limit)
        kept.append(new)
    return _worked(worked.day, worked.at, worked.limit, tuple(kept))


def _with(kept: _Kept, owners: frozenset[str], fresh: list[_Ranked], limit: int) -> _Kept | None:
    """`kept` with the rows of `owners` as they are now (`fresh`: all of them, in any
    order); None when the rows kept no longer cover the first `limit` of the section."""
    whole = len(kept.ranked) == kept.total
    last = None if whole else kept.ranked[-1].order  # rows after it were not kept
    counts = dict(kept.counts)
    total = kept.total - sum(counts.pop(owner, 0) for owner in owners)
    for r in fresh:
        counts[r.owner] = counts.get(r.owner, 0) + 1
    total += len(fresh)
    ranked = [r for r in kept.ranked if r.owner not in owners]
    ranked += [r for r in fresh if last is None or r.order <= last]
    ranked.sort(key=lambda r: r.order)
    if len(ranked) < min(limit, total):
        return None
    return _Kept(tuple(ranked[: limit + SPARE]), counts, total)


def clients_touched(changes: Changes) -> frozenset[str] | None:
    """The clients whose rows of Today `changes` may have changed; None when Today must be
    worked out in full (a setting or template changed, more than FULL_AFTER clients, or
    none named). A write that changed nothing touched nobody."""
    ids = changes.client_ids
    if not changes.tables:
        return frozenset()
    if not ids or len(ids) > FULL_AFTER or changes.touches(*WHOLE_TABLES):
        return None
    return ids


def today(
    db: Database, day: date | None = None, at: datetime | None = None, limit: int = 50
) -> list[Section]:
    """Every section of Today, each with at most `limit` rows (and the full count)."""
    return work_out(db, day, at, limit).sections
