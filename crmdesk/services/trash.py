"""The Trash: deleted clients and deleted entries of live clients, restorable."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from crmdesk.errors import NotFoundError
from crmdesk.model import Client, Fact, HistoryEntry, Note
from crmdesk.model.names import display_name
from crmdesk.services.changes import Changes, from_write
from crmdesk.services.undo import TABLES
from crmdesk.store.database import Database

_KIND = {"clients": "Client", "facts": "Thing to remember", "notes": "Note", "history": "History"}


@dataclass(frozen=True)
class TrashItem:
    table: str
    row_id: str
    client_name: str
    description: str
    deleted_at: datetime

    @property
    def kind(self) -> str:
        return _KIND[self.table]


def trash_items(db: Database, limit: int = 1000) -> list[TrashItem]:
    """What was deleted, newest first."""
    items: list[TrashItem] = []
    with db.read() as s:
        for c in s.scalars(
            select(Client)
            .where(Client.deleted_at.is_not(None))
            .order_by(Client.deleted_at.desc())
            .limit(limit)
        ):
            assert c.deleted_at is not None
            items.append(
                TrashItem("clients", c.id, c.display_name, c.company or c.city, c.deleted_at)
            )
        children: tuple[tuple[Any, Callable[[Any], str]], ...] = (
            (Fact, lambda f: f"{f.label}: {f.value}"),
            (Note, lambda n: n.text),
            (HistoryEntry, lambda h: f"{h.kind} {h.occurred_at:%Y-%m-%d}: {h.subject or h.body}"),
        )
        for model, describe in children:
            query = (
                select(model, Client.given_name, Client.family_name, Client.company)
                .join(Client, Client.id == model.client_id)
                .where(model.deleted_at.is_not(None), Client.deleted_at.is_(None))
                .order_by(model.deleted_at.desc())
                .limit(limit)
            )
            for row, given, family, company in s.execute(query):
                text = " ".join(describe(row).split())
                items.append(
                    TrashItem(
                        model.__tablename__,
                        row.id,
                        display_name(given, family, company),
                        text[:120],
                        row.deleted_at,
                    )
                )
    items.sort(key=lambda i: i.deleted_at, reverse=True)
    return items[:limit]


def restore(db: Database, table: str, row_id: str) -> Changes:
    with db.write() as w:
        row = w.session.get(TABLES[table], row_id)
        if row is None:
            raise NotFoundError("That item is not in the Trash any more.")
        row.deleted_at = None
    return from_write(f"Restore {_KIND[table].lower()}", w)
