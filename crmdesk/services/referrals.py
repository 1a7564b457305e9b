"""Referrals: who brought whom, the reward each referrer is owed, and the best referrers.

A referral is a client whose "referred by" names another client. The referrer is owed the
reward once the new client has bought something; marking it given records what and when
(on the referred client's row, so a referrer who brought three people gets three rewards).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from crmdesk.errors import NotFoundError
from crmdesk.model.names import display_name
from crmdesk.services import settings
from crmdesk.services.changes import Changes, from_write
from crmdesk.store.database import Database

THANK_YOU_TEMPLATE = "Thank you for the referral"


def default_reward(db: Database) -> str:
    return str(settings.get(db, settings.REFERRAL_REWARD))


def set_default_reward(db: Database, text: str) -> Changes:
    return settings.write(db, {settings.REFERRAL_REWARD.key: text}, "Referral reward")


@dataclass(frozen=True)
class Referral:
    referred_id: str
    referred_name: str
    referrer_id: str
    referrer_name: str
    since: date  # the day the referred client was added
    first_purchase: date | None
    reward: str  # what was given ("" while not given)
    reward_given_on: date | None
    added_at: datetime  # when the referred client was added (the newest come first)

    @property
    def reward_owed(self) -> bool:
        return self.first_purchase is not None and self.reward_given_on is None


_REFERRALS = """
SELECT r.id, r.given_name, r.family_name, r.company,
       b.id, b.given_name, b.family_name, b.company,
       r.created_at, (SELECT min(p.bought_at) FROM purchases AS p
                      WHERE p.client_id = r.id AND p.deleted_at IS NULL),
       r.referral_reward, r.reward_given_on
FROM clients AS r JOIN clients AS b ON b.id = r.referred_by_id
WHERE r.deleted_at IS NULL AND b.deleted_at IS NULL
"""


def _referral(row: Any) -> Referral:
    (client_id, given, family, company, by_id, by_given, by_family, by_company, created,
     first_purchase, reward, reward_on) = row  # fmt: skip
    return Referral(
        client_id,
        display_name(given, family, company),
        by_id,
        display_name(by_given, by_family, by_company),
        datetime.fromisoformat(created).date(),
        datetime.fromisoformat(first_purchase).date() if first_purchase else None,
        reward,
        date.fromisoformat(reward_on) if reward_on else None,
        datetime.fromisoformat(created),
    )


_OWED = (
    " AND r.reward_given_on IS NULL AND EXISTS (SELECT 1 FROM purchases AS p"
    " WHERE p.client_id = r.id AND p.deleted_at IS NULL)"
)


def referrals(
    db: Database, referrer_id: str | None = None, owed_only: bool = False
) -> list[Referral]:
    """Every referral (or one referrer's, or only those whose reward is owed), newest
    first."""
    sql, params = _REFERRALS + (_OWED if owed_only else ""), []
    if referrer_id is not None:
        sql += " AND r.referred_by_id = ?"
        params.append(referrer_id)
    return [_referral(r) for r in db.query(sql + " ORDER BY r.created_at DESC, r.id DESC", params)]


def rewards_owed(db: Database, referred_ids: Collection[str] | None = None) -> list[Referral]:
    """Referrals whose new client bought and whose referrer has not been thanked yet,
    newest first; with `referred_ids`, those of these new clients."""
    if referred_ids is None:
        return referrals(db, owed_only=True)
    rows = db.query_each(_REFERRALS + _OWED + " AND r.id = :id", referred_ids)
    return sorted(map(_referral, rows), key=lambda r: (r.added_at, r.referred_id), reverse=True)


def brought_by(db: Database, referrer_ids: Collection[str]) -> list[str]:
    """The clients these clients brought (deleted or not)."""
    rows = db.query_each("SELECT id FROM clients WHERE referred_by_id = :id", referrer_ids)
    return [cid for (cid,) in rows]


def give_reward(
    db: Database, referred_id: str, reward: str = "", on: date | None = None
) -> Changes:
    """Record that the referrer of `referred_id` was given `reward` (default: the setting)."""
    from crmdesk import model

    with db.write() as w:
        client = w.session.get(model.Client, referred_id)
        if client is None or client.deleted_at is not None or client.referred_by_id is None:
            raise NotFoundError("That referral is not there any more.")
        client.referral_reward = reward.strip() or default_reward(db)
        client.reward_given_on = on or date.today()
    return from_write("Reward given", w)


@dataclass(frozen=True)
class Referrer:
    client_id: str
    name: str
    referred: int  # clients they brought
    bought: int  # of whom bought something
    revenue_cents: int  # what the clients they brought have spent
    rewards_owed: int


_BEST = """
SELECT b.id, b.given_name, b.family_name, b.company, count(*),
       sum(s.n IS NOT NULL), coalesce(sum(s.total), 0),
       sum(s.n IS NOT NULL AND r.reward_given_on IS NULL)
FROM clients AS r JOIN clients AS b ON b.id = r.referred_by_id
LEFT JOIN (SELECT client_id, count(*) AS n, sum(amount_cents) AS total FROM purchases
           WHERE deleted_at IS NULL GROUP BY client_id) AS s ON s.client_id = r.id
WHERE r.deleted_at IS NULL AND b.deleted_at IS NULL
GROUP BY b.id
ORDER BY sum(s.n IS NOT NULL) DESC, count(*) DESC, coalesce(sum(s.total), 0) DESC
LIMIT ?
"""


def best_referrers(db: Database, limit: int = 20) -> list[Referrer]:
    """Who brought the most clients that bought (then most clients, then most revenue)."""
    return [
        Referrer(by_id, display_name(given, family, company), referred, bought, revenue, owed)
        for by_id, given, family, company, referred, bought, revenue, owed in db.query(
            _BEST, (limit,)
        )
    ]
