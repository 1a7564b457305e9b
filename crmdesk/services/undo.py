"""Undo (and redo) any write: put the rows back as they were, as a new change.

Undoing is itself a change with a fresh clock, so a copy merged later sees it like any other
edit. The Changes it returns carries the step that undoes the undo (redo).
"""

from __future__ import annotations

from crmdesk.errors import NotFoundError
from crmdesk.model.kinds import mapped_class
from crmdesk.services.changes import Changes, UndoStep, from_write
from crmdesk.services.trash import soft_delete
from crmdesk.store.database import Database


def apply(db: Database, step: UndoStep) -> Changes:
    with db.write() as w:
        for revert in reversed(step.reverts):
            row = w.session.get(mapped_class(revert.table), revert.row_id)
            if row is None:
                raise NotFoundError(f"Cannot undo “{step.label}”: the record no longer exists.")
            if revert.created:
                soft_delete(row)
            else:
                for key, value in revert.values.items():
                    setattr(row, key, value)
    return from_write(step.label, w)
