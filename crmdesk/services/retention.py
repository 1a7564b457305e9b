"""Keeping clients: what they bought, and the loyalty stage that follows from it.

Stages, worked out from the data (the thresholds are settings of the business):
  prospect   no purchase yet
  first-time one purchase
  repeat     two or more
  regular    at least N purchases (default 4) in the last 12 months
  advocate   referred a client who bought, or a promoter (9–10) who agreed to be quoted
A stage can be set by hand; it is then shown as set by hand, with the day it was set.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from crmdesk import model
from crmdesk.errors import ConfirmationNeededError, NotFoundError, ValidationError
from crmdesk.model.ids import now
from crmdesk.services import amounts, limits, settings
from crmdesk.services.changes import Changes, from_write
from crmdesk.services.clients import live_client
from crmdesk.services.trash import live, soft_delete
from crmdesk.store.database import Database

STAGES = ("prospect", "first-time", "repeat", "regular", "advocate")


@dataclass(frozen=True)
class StageRules:
    regular_purchases: int = 4
    regular_months: int = 12


def rules(db: Database) -> StageRules:
    values = settings.read_all(db)
    return StageRules(values[settings.REGULAR_PURCHASES.key], values[settings.REGULAR_MONTHS.key])


def set_rules(db: Database, new: StageRules) -> Changes:
    return settings.write(
        db,
        {settings.REGULAR_PURCHASES.key: new.regular_purchases,
         settings.REGULAR_MONTHS.key: new.regular_months},
        "Loyalty rules",
    )  # fmt: skip


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the last day of a shorter month if need be)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Stage:
    stage: str
    reached: dict[str, date] = field(default_factory=dict)  # stage -> the day it was reached
    by_hand: bool = False

    @property
    def label(self) -> str:
        return self.stage + (" (set by hand)" if self.by_hand else "")


def stage_of(
    purchases: Sequence[date],
    today: date,
    rules_: StageRules = StageRules(),
    advocate_since: date | None = None,
    override: str = "",
    override_on: date | None = None,
) -> Stage:
    """The stage for these purchase days (any order) as of `today`.

    "In the last 12 months" counts purchases on or after the same day 12 months ago: a
    purchase exactly on the boundary still counts.
    """
    days = sorted(d for d in purchases if d <= today)
    reached: dict[str, date] = {}
    if days:
        reached["first-time"] = days[0]
    if len(days) >= 2:
        reached["repeat"] = days[1]
    n = rules_.regular_purchases
    first_regular = next(
        (d for i, d in enumerate(days) if i + 1 >= n
         and days[i + 1 - n] >= months_before(d, rules_.regular_months)),
        None,
    )  # fmt: skip
    if first_regular is not None:
        reached["regular"] = first_regular
    if advocate_since is not None and advocate_since <= today:
        reached["advocate"] = advocate_since
    window_start = months_before(today, rules_.regular_months)
    recent = len(days) - bisect_left(days, window_start)
    if "advocate" in reached:
        current = "advocate"
    elif recent >= n:
        current = "regular"
    elif len(days) >= 2:
        current = "repeat"
    elif days:
        current = "first-time"
    else:
        current = "prospect"
    if override:
        return Stage(override, {**reached, override: override_on or today}, by_hand=True)
    return Stage(current, reached)


def client_stage(db: Database, client_id: str, today: date | None = None) -> Stage:
    today = today or date.today()
    row = db.query(
        "SELECT stage_override, stage_override_on FROM clients WHERE id = ?", (client_id,)
    )
    if not row:
        raise NotFoundError(f"No client with id {client_id}.")
    override, override_on = row[0]
    days = [
        datetime.fromisoformat(bought).date()
        for (bought,) in db.query(
            "SELECT bought_at FROM purchases WHERE client_id = ? AND deleted_at IS NULL",
            (client_id,),
        )
    ]
    return stage_of(days, today, rules(db), advocate_since(db, client_id), override or "",
                    date.fromisoformat(override_on) if override_on else None)  # fmt: skip


def advocate_since(db: Database, client_id: str) -> date | None:
    """The first day they became an advocate: a client they referred bought, or they gave
    9–10 and agreed to be quoted."""
    [(since,)] = db.query(
        "SELECT min(d) FROM ("
        " SELECT min(p.bought_at) AS d FROM clients AS c JOIN purchases AS p"
        "  ON p.client_id = c.id AND p.deleted_at IS NULL"
        "  WHERE c.referred_by_id = ? AND c.deleted_at IS NULL"
        " UNION ALL"
        " SELECT min(a.answered_at) FROM survey_answers AS a"
        "  WHERE a.client_id = ? AND a.deleted_at IS NULL AND a.score >= 9"
        "  AND a.consent_quote)",
        (client_id, client_id),
    )
    return datetime.fromisoformat(since).date() if since else None


def _check_stage(stage: str | None) -> None:
    if stage is not None and stage not in STAGES:
        raise ValidationError({"stage": f"Choose one of: {', '.join(STAGES)}."})


def _set_stage(client: model.Client, stage: str | None) -> None:
    """Set by hand from today (None: from the data again); the same stage keeps its day."""
    if (client.stage_override or None) != stage:
        client.stage_override = stage or ""
        client.stage_override_on = date.today() if stage else None


def set_stage_by_hand(db: Database, client_id: str, stage: str | None) -> Changes:
    """Set the stage by hand (None: work it out from the data again)."""
    _check_stage(stage)
    with db.write() as w:
        _set_stage(live_client(w.session, client_id), stage)
    return from_write("Set stage by hand" if stage else "Stage from the data", w)


# ---------------------------------------------------------------------- purchases


@dataclass(frozen=True)
class PurchaseRecord:
    id: str
    client_id: str
    bought_at: datetime
    amount_cents: int
    what: str


BIG_FACTOR = 10  # ask before recording more than 10× the client's median purchase


def parse_amount(db: Database, text: str) -> int:
    """What was typed, in minor units of the shop's currency (see services/amounts)."""
    values = settings.read_all(db)
    return amounts.parse_amount(text, settings.currency(values), settings.shop_locale(values))


def purchase_question(db: Database, client_id: str, minor: int) -> str | None:
    """What to ask before recording this amount (zero, or far above what the client usually
    spends, or above the shop's threshold for a first purchase), or None."""
    import statistics

    values = settings.read_all(db)
    cur, loc = settings.currency(values), settings.shop_locale(values)
    shown = amounts.show(minor, cur, loc)
    if minor == 0:
        return f"Record a purchase of {shown}? A gift or an exchange may be better as a note."
    past = [cents for (cents,) in db.query(
        "SELECT amount_cents FROM purchases WHERE client_id = ? AND deleted_at IS NULL"
        " AND amount_cents > 0", (client_id,))]  # fmt: skip
    if past:
        usual = round(statistics.median(past))
        if minor > BIG_FACTOR * usual:
            return (f"Record {shown}? That is more than {BIG_FACTOR} times this client's "
                    f"usual purchase ({amounts.show(usual, cur, loc)}).")  # fmt: skip
        return None
    threshold = int(values[settings.ASK_ABOVE.key])
    if minor > threshold:
        return (f"Record {shown}? That is more than {amounts.show(threshold, cur, loc)}, "
                "the most a first purchase usually is (a setting).")  # fmt: skip
    return None


def check_purchase(db: Database, client_id: str, amount: str, what: str = "") -> tuple[int, str]:
    """The amount in minor units and what to ask before recording it ("" for nothing), or
    ValidationError saying what is wrong with the amount or the description."""
    problems = {}
    cents = 0
    try:
        cents = parse_amount(db, amount)
    except ValueError as exc:
        problems["amount"] = str(exc)
    said = limits.too_long(limits.PURCHASE_WHAT, what.strip())
    if said:
        problems["what"] = said
    if problems:
        raise ValidationError(problems)
    return cents, purchase_question(db, client_id, cents) or ""


def record_purchase(
    db: Database,
    client_id: str,
    amount: str,
    what: str = "",
    bought_at: datetime | None = None,
    confirmed: bool = False,
) -> Changes:
    """Record a purchase of `amount` as typed. An unusual amount (zero, or far above the
    client's usual) raises ConfirmationNeededError unless `confirmed`; nothing is saved then."""
    from crmdesk import model

    cents, question = check_purchase(db, client_id, amount, what)
    if question and not confirmed:
        raise ConfirmationNeededError("amount", question)
    with db.write() as w:
        live_client(w.session, client_id)
        row = model.Purchase(client_id=client_id, bought_at=bought_at or now(),
                             amount_cents=cents, what=what.strip())  # fmt: skip
        w.session.add(row)
        w.session.flush()
        created = row.id
    return from_write("Record purchase", w, created_id=created)


def purchases_of(db: Database, client_id: str) -> list[PurchaseRecord]:
    rows = db.query(
        "SELECT id, client_id, bought_at, amount_cents, what FROM purchases"
        " WHERE client_id = ? AND deleted_at IS NULL ORDER BY bought_at DESC",
        (client_id,),
    )
    return [
        PurchaseRecord(purchase_id, cid, datetime.fromisoformat(bought), cents, what)
        for purchase_id, cid, bought, cents, what in rows
    ]


@dataclass(frozen=True)
class Spending:
    count: int
    total_cents: int
    first: date | None
    last: date | None
    usual_interval_days: int | None  # median days between purchases

    @property
    def average_cents(self) -> int:
        return round(self.total_cents / self.count) if self.count else 0


def spending(db: Database, client_id: str) -> Spending:
    """Totals, average, first and last visit and the usual interval between visits."""
    import statistics
    from itertools import pairwise

    bought = purchases_of(db, client_id)
    days = sorted(p.bought_at.date() for p in bought)
    total = sum(p.amount_cents for p in bought)
    gaps = [(b - a).days for a, b in pairwise(days)]
    usual = round(statistics.median(gaps)) if gaps else None
    return Spending(len(days), total, days[0] if days else None, days[-1] if days else None,
                    usual)  # fmt: skip


def delete_purchase(db: Database, purchase_id: str) -> Changes:
    from crmdesk import model

    with db.write() as w:
        row = w.session.get(model.Purchase, purchase_id)
        soft_delete(live(row, "That purchase is not there any more."))
    return from_write("Delete purchase", w)


def set_keeping(
    db: Database, client_id: str, stage: str | None, touch_every_days: int | None
) -> Changes:
    """The stage set by hand (None: from the data) and "stay in touch every N days" (None:
    as the client's tags say), in one change."""
    from crmdesk.services.reminders import check_days

    _check_stage(stage)
    check_days(touch_every_days, "touch_every_days")
    with db.write() as w:
        client = live_client(w.session, client_id)
        _set_stage(client, stage)
        client.touch_every_days = touch_every_days
    return from_write("Loyalty and keeping in touch", w)


# ------------------------------------------------------------------ loyalty stages, in SQL

# Each live client's loyalty stage at :until (the reports' funnel, the NPS by stage)
STAGE_ON = """
SELECT c.id, CASE
    WHEN c.stage_override <> '' AND c.stage_override_on < :until THEN c.stage_override
    WHEN a.since IS NOT NULL THEN 'advocate'
    WHEN coalesce(p.recent, 0) >= :regular THEN 'regular'
    WHEN coalesce(p.n, 0) >= 2 THEN 'repeat'
    WHEN coalesce(p.n, 0) = 1 THEN 'first-time'
    ELSE 'prospect' END AS stage
FROM clients AS c
LEFT JOIN (SELECT client_id, count(*) AS n, sum(bought_at >= :window) AS recent
           FROM purchases WHERE bought_at < :until AND deleted_at IS NULL
           GROUP BY client_id) AS p ON p.client_id = c.id
LEFT JOIN (SELECT r.referred_by_id AS client_id, 1 AS since
           FROM clients AS r JOIN purchases AS q ON q.client_id = r.id
           WHERE r.referred_by_id IS NOT NULL AND r.deleted_at IS NULL
             AND q.deleted_at IS NULL AND q.bought_at < :until
           UNION
           SELECT client_id, 1 FROM survey_answers
           WHERE score >= 9 AND consent_quote AND deleted_at IS NULL
             AND answered_at < :until AND client_id IS NOT NULL) AS a ON a.client_id = c.id
WHERE c.deleted_at IS NULL AND c.created_at < :until
"""


def stage_params(db: Database, day: date) -> dict[str, object]:
    rule = rules(db)
    return {
        "until": (day + timedelta(days=1)).isoformat(),
        "window": months_before(day, rule.regular_months).isoformat(),
        "regular": rule.regular_purchases,
    }


def stage_sql(db: Database, day: date) -> str:
    """The `STAGE_ON` query for `day` with its values written in (they are dates and a
    number made here, never typed text): for use inside another query."""
    params = stage_params(db, day)
    sql = STAGE_ON
    for key in ("until", "window", "regular"):
        value = params[key]
        sql = sql.replace(f":{key}", str(value) if isinstance(value, int) else f"'{value}'")
    return sql


def stages_on(db: Database, day: date) -> dict[str, str]:
    """Client id → loyalty stage at the end of `day`."""
    return dict(db.query(STAGE_ON, stage_params(db, day)))
