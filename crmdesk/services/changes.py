"""What a write changed: which kinds of record, which clients, and how to undo it."""

from __future__ import annotations

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

    def touches(self, *tables: str) -> bool:
        return bool(self.tables.intersection(tables))


def from_write(label: str, write: Write, created_id: str | None = None) -> Changes:
    step = UndoStep(label, tuple(write.reverts)) if write.reverts else None
    return Changes(label, write.tables, write.client_ids, step, created_id)
