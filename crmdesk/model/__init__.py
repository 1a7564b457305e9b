"""SQLAlchemy mapped classes and enums. No I/O happens here."""

from crmdesk.model.base import Base, Synced, new_id
from crmdesk.model.clients import Client, Fact, Note
from crmdesk.model.enums import ContactPreference, Direction, HistoryKind
from crmdesk.model.history import HistoryEntry
from crmdesk.model.sync import FieldChange, Meta

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
]
