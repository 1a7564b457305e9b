"""What a write changed: which kinds of record, which clients, and how to undo it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from crmdesk.store.database import Write
from crmdesk.store.revert import RowRevert


@dataclass(frozen=True)
class UndoStep:
    label: str
    reverts: tuple[RowRevert, ...]


@dataclass(frozen=True)
class Changes:
    label: str
    tables: frozenset[str]
    client_ids: frozenset[str]
    undo: UndoStep | None
    created_id: str | None = None
    # what could not be finished after the change was saved (the change itself stands)
    warnings: tuple[str, ...] = ()

    def touches(self, *tables: str) -> bool:
        return bool(self.tables.intersection(tables))


def from_write(label: str, write: Write, created_id: str | None = None) -> Changes:
    step = UndoStep(label, tuple(write.reverts)) if write.reverts else None
    return Changes(label, write.tables, write.client_ids, step, created_id)


def from_bulk(label: str, created: dict[str, list[str]], client_ids: Iterable[str]) -> Changes:
    """What a bulk insert changed (`created`: table → new row ids); undo takes them back."""
    reverts = tuple(RowRevert(t, i, created=True) for t, ids in created.items() for i in ids)
    tables = frozenset(t for t, ids in created.items() if ids)
    step = UndoStep(label, reverts) if reverts else None
    return Changes(label, tables, frozenset(client_ids), step)
