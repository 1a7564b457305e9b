"""Undo (and redo) any write: put the rows back as they were, as a new change.

Undoing is itself a change with a fresh clock, so a copy merged later sees it like any other
edit. The Changes it returns carries the step that undoes the undo (redo).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from crmdesk.errors import NotFoundError
from crmdesk.model.kinds import mapped_class
from crmdesk.services.changes import Changes, UndoStep, from_write
from crmdesk.services.trash import soft_delete
from crmdesk.store.database import Database

_AT_ONCE = 500  # rows read per statement (SQLite's limit on parameters is far above)


def apply(db: Database, step: UndoStep) -> Changes:
    from sqlalchemy import select

    with db.write() as w:
        session = w.session
        # the step's rows read a few hundred at a time, before any is changed (read one by
        # one, each read flushed every change before it: an import of 10,000 clients took
        # minutes to undo); the changes are then flushed once, as one batch per table
        wanted: dict[str, list[str]] = defaultdict(list)
        for revert in step.reverts:
            wanted[revert.table].append(revert.row_id)
        rows: dict[tuple[str, str], Any] = {}
        with session.no_autoflush:
            for table, ids in wanted.items():
                cls = mapped_class(table)
                unique = list(dict.fromkeys(ids))
                for start in range(0, len(unique), _AT_ONCE):
                    part = unique[start : start + _AT_ONCE]
                    for found in session.scalars(select(cls).where(cls.id.in_(part))):
                        rows[(table, found.id)] = found
            for revert in reversed(step.reverts):
                row = rows.get((revert.table, revert.row_id))
                if row is None:
                    raise NotFoundError(f"Cannot undo “{step.label}”: the record no longer exists.")
                if revert.created:
                    soft_delete(row)
                else:
                    for key, value in revert.values.items():
                        setattr(row, key, value)
    return from_write(step.label, w)
