"""SQLAlchemy mapped classes and enums. No I/O happens here.

The mapped classes load on first use (PEP 562): importing SQLAlchemy takes longer than
starting Qt, and the window shows its first page of clients before anything is written, so
`crmdesk.model.Client` is imported when a write first needs it. Enums, ids and name helpers
live in their own modules and never need SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crmdesk.lazy import lazy_attributes
from crmdesk.model.enums import ContactPreference, Direction, HistoryKind
from crmdesk.model.ids import new_id, now

if TYPE_CHECKING:
    from crmdesk.model.base import Base, Synced
    from crmdesk.model.clients import Client, Fact, NotDuplicate, Note
    from crmdesk.model.history import HistoryEntry
    from crmdesk.model.letters import LetterTemplate
    from crmdesk.model.retention import Complaint, Purchase
    from crmdesk.model.surveys import AnswerImage, Survey, SurveyAnswer, SurveyForm
    from crmdesk.model.sync import Conflict, FieldChange, Meta, SiteClock

_LAZY = {
    "Base": "crmdesk.model.base",
    "Synced": "crmdesk.model.base",
    "Client": "crmdesk.model.clients",
    "Fact": "crmdesk.model.clients",
    "Note": "crmdesk.model.clients",
    "NotDuplicate": "crmdesk.model.clients",
    "HistoryEntry": "crmdesk.model.history",
    "LetterTemplate": "crmdesk.model.letters",
    "Purchase": "crmdesk.model.retention",
    "Complaint": "crmdesk.model.retention",
    "Survey": "crmdesk.model.surveys",
    "SurveyForm": "crmdesk.model.surveys",
    "SurveyAnswer": "crmdesk.model.surveys",
    "AnswerImage": "crmdesk.model.surveys",
    "FieldChange": "crmdesk.model.sync",
    "Meta": "crmdesk.model.sync",
    "Conflict": "crmdesk.model.sync",
    "SiteClock": "crmdesk.model.sync",
}


# every mapped class must be declared before any is used (foreign keys, mappers)
MODULES = tuple(sorted(set(_LAZY.values())))  # every module of mapped classes
__getattr__ = lazy_attributes(__name__, _LAZY, load_together=MODULES)

__all__ = [
    "AnswerImage",
    "Base",
    "Client",
    "Complaint",
    "Conflict",
    "ContactPreference",
    "Direction",
    "Fact",
    "FieldChange",
    "HistoryEntry",
    "HistoryKind",
    "LetterTemplate",
    "Meta",
    "NotDuplicate",
    "Note",
    "Purchase",
    "SiteClock",
    "Survey",
    "SurveyAnswer",
    "SurveyForm",
    "Synced",
    "new_id",
    "now",
]
