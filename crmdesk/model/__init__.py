"""SQLAlchemy mapped classes and enums. No I/O happens here.

The mapped classes load on first use (PEP 562): importing SQLAlchemy takes longer than
starting Qt, and the window shows its first page of clients before anything is written, so
`crmdesk.model.Client` is imported when a write first needs it. Enums, ids and name helpers
live in their own modules and never need SQLAlchemy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from crmdesk.model.enums import ContactPreference, Direction, HistoryKind
from crmdesk.model.ids import new_id, now

if TYPE_CHECKING:
    from crmdesk.model.base import Base, Synced
    from crmdesk.model.clients import Client, Fact, Note
    from crmdesk.model.history import HistoryEntry
    from crmdesk.model.sync import FieldChange, Meta

_LAZY = {
    "Base": "crmdesk.model.base",
    "Synced": "crmdesk.model.base",
    "Client": "crmdesk.model.clients",
    "Fact": "crmdesk.model.clients",
    "Note": "crmdesk.model.clients",
    "HistoryEntry": "crmdesk.model.history",
    "FieldChange": "crmdesk.model.sync",
    "Meta": "crmdesk.model.sync",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(_LAZY[name])
        # every mapped class must be declared before any is used (relationships, FKs)
        for other in set(_LAZY.values()):
            importlib.import_module(other)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Base",
    "Client",
    "ContactPreference",
    "Direction",
    "Fact",
    "FieldChange",
    "HistoryEntry",
    "HistoryKind",
    "Meta",
    "Note",
    "Synced",
    "new_id",
    "now",
]
