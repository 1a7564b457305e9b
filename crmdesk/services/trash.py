"""The Trash: deleting a record, and the deleted clients and deleted entries of live
clients, restorable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from crmdesk.errors import NotFoundError
from crmdesk.model.ids import now
from crmdesk.model.kinds import mapped_class
from crmdesk.model.names import display_name
from crmdesk.services.changes import Changes, from_write
from crmdesk.store.database import Database

if TYPE_CHECKING:
    from crmdesk.model.base import Synced

R = TypeVar("R", bound="Synced")


def live(row: R | None, missing: str) -> R:
    """`row`, for a write; NotFoundError(`missing`) if it is not there or in the Trash."""
    if row is None or row.deleted_at is not None:
        raise NotFoundError(missing)
    return row


def soft_delete(row: R, when: datetime | None = None) -> R:
    """Move `row` to the Trash: a tombstone (deleted_at, at `when` or now), never a
    physical DELETE, so a merge carries the delete to other copies; the store records it
    for Undo like any other change."""
    row.deleted_at = now() if when is None else when
    return row


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


_DELETED_CLIENTS = """
SELECT 'clients', id, given_name, family_name, company, CASE WHEN company <> '' THEN company
       ELSE city END, deleted_at
FROM clients WHERE deleted_at IS NOT NULL AND merged_into_id IS NULL
ORDER BY deleted_at DESC LIMIT ?
"""
# Deleted entries of clients who are not themselves in the Trash.
_DELETED_ENTRIES = """
SELECT '{table}', t.id, c.given_name, c.family_name, c.company, {describe}, t.deleted_at
FROM {table} AS t JOIN clients AS c ON c.id = t.client_id
WHERE t.deleted_at IS NOT NULL AND c.deleted_at IS NULL
ORDER BY t.deleted_at DESC LIMIT ?
"""
_DESCRIBE = {
    "facts": "t.label || ': ' || t.value",
    "notes": "t.text",
    "history": "t.kind || ' ' || substr(t.occurred_at, 1, 10) || ': '"
    " || CASE WHEN t.subject <> '' THEN t.subject ELSE t.body END",
}


def trash_items(db: Database, limit: int = 1000) -> list[TrashItem]:
    """What was deleted, newest first."""
    rows = db.query(_DELETED_CLIENTS, (limit,))
    for table, describe in _DESCRIBE.items():
        rows += db.query(_DELETED_ENTRIES.format(table=table, describe=describe), (limit,))
    items = [
        TrashItem(
            table,
            row_id,
            display_name(given, family, company),
            " ".join(str(text).split())[:120],
            datetime.fromisoformat(deleted),
        )
        for table, row_id, given, family, company, text, deleted in rows
    ]
    items.sort(key=lambda i: i.deleted_at, reverse=True)
    return items[:limit]


def restore(db: Database, table: str, row_id: str) -> Changes:
    with db.write() as w:
        row = w.session.get(mapped_class(table), row_id)
        if row is None:
            raise NotFoundError("That item is not in the Trash any more.")
        row.deleted_at = None
    return from_write(f"Restore {_KIND[table].lower()}", w)
