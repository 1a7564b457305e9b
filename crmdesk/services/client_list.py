"""The client list: counts and pages sorted in SQL, so the list never loads every client."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select

from crmdesk.model import Client
from crmdesk.model.clients import display_name
from crmdesk.store.database import Database


class SortKey(StrEnum):
    NAME = "name"
    CITY = "city"
    LAST_CONTACT = "last_contact"
    CREATED = "created"


@dataclass(frozen=True)
class ClientRow:
    id: str
    name: str  # "Family, Given" for the list
    phone: str
    email: str
    city: str
    last_contact_at: datetime | None


_COLUMNS = (
    Client.id,
    Client.given_name,
    Client.family_name,
    Client.company,
    Client.phones,
    Client.emails,
    Client.city,
    Client.last_contact_at,
)


def _row(values: Sequence[object]) -> ClientRow:
    cid, given, family, company, phones, emails, city, last = values
    name = (
        f"{family}, {given}"
        if family and given
        else display_name(str(given), str(family), str(company))
    )
    phone = phones[0].get("display") or phones[0]["number"] if phones else ""  # type: ignore[index]
    email = emails[0]["address"] if emails else ""  # type: ignore[index]
    return ClientRow(str(cid), name, str(phone), str(email), str(city), last)  # type: ignore[arg-type]


def _order(key: SortKey, descending: bool) -> list[Any]:
    columns = {
        SortKey.NAME: (Client.sort_name,),
        SortKey.CITY: (Client.city, Client.sort_name),
        SortKey.LAST_CONTACT: (Client.last_contact_at,),
        SortKey.CREATED: (Client.created_at,),
    }[key]
    return [c.desc() if descending else c.asc() for c in (*columns, Client.id)]


def count_clients(db: Database) -> int:
    with db.read() as s:
        return (
            s.scalar(select(func.count()).select_from(Client).where(Client.deleted_at.is_(None)))
            or 0
        )


def client_page(
    db: Database, key: SortKey, descending: bool, offset: int, limit: int
) -> list[ClientRow]:
    query = (
        select(*_COLUMNS)
        .where(Client.deleted_at.is_(None))
        .order_by(*_order(key, descending))
        .offset(offset)
        .limit(limit)
    )
    with db.read() as s:
        return [_row(r) for r in s.execute(query)]


def client_rows(db: Database, ids: Sequence[str]) -> list[ClientRow]:
    """Rows for these clients, in the order given (search results)."""
    with db.read() as s:
        rows = {str(r[0]): _row(r) for r in s.execute(select(*_COLUMNS).where(Client.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def position_of(db: Database, client_id: str, key: SortKey, descending: bool) -> int | None:
    """The row at which `client_id` appears in the list sorted by `key` (None if not listed)."""
    numbered = (
        select(Client.id, func.row_number().over(order_by=_order(key, descending)).label("n"))
        .where(Client.deleted_at.is_(None))
        .subquery()
    )
    with db.read() as s:
        n = s.scalar(select(numbered.c.n).where(numbered.c.id == client_id))
    return int(n) - 1 if n is not None else None
