"""Column mappings the user set, remembered for the next table with the same headers.

Kept in the database's settings (meta, key "import_mapping:<layout>"), so both machines of a
shop know them: the next Outlook export of the same layout is mapped as it was last time.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from crmdesk.services.importing.mapping import ColumnMapping, ColumnTarget, Field
from crmdesk.store.database import Database

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

PREFIX = "import_mapping:"


def remembered_mapping(db: Database, mapping: ColumnMapping) -> ColumnMapping | None:
    """The mapping last used for a table with `mapping`'s headers, or None."""
    stored = db.meta(PREFIX + mapping.layout)
    if not stored:
        return None
    try:
        targets = tuple(ColumnTarget(Field(f), label, group) for f, label, group in
                        json.loads(stored))  # fmt: skip
    except (ValueError, TypeError):  # written by a later version: guess again
        return None
    if len(targets) != len(mapping.headers):
        return None
    return ColumnMapping(mapping.headers, targets)


def store_mapping(session: Session, mapping: ColumnMapping) -> None:
    """Remember `mapping` for its layout, in the write `session` belongs to."""
    from crmdesk.model import Meta

    value = json.dumps([[t.field.value, t.label, t.group] for t in mapping.targets],
                       ensure_ascii=False)  # fmt: skip
    session.merge(Meta(key=PREFIX + mapping.layout, value=value))
