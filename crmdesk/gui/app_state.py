"""The application's state, apart from any widget (after Anki's operations layer): the open
database, the undo stack and the one runner of background work.

Views and controllers get the state and follow it: `opened` when a database is open,
`closing` just before it closes (drop work that reads it), and `changed(changes, initiator)`
after every write, undo and redo — each view refreshes what the change touched, and may skip
a change it made itself (`initiator`). A controller that writes calls `apply`, and shows a
dialog that writes with `run_dialog`; nothing else needs to know who shows what.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog

from crmdesk.errors import CrmError
from crmdesk.gui.runner import Runner
from crmdesk.gui.taskman import wait_for_abandoned
from crmdesk.gui.undo_stack import UndoStack
from crmdesk.services.changes import Changes, UndoStep
from crmdesk.store.database import Database


class AppState(QObject):
    opened = Signal(object)  # Database
    closing = Signal(object)  # Database, about to be closed
    changed = Signal(object, object)  # Changes, initiator (who made it, or None)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db: Database | None = None
        self.undo_stack = UndoStack()
        self.runner = Runner(self)

    def need_db(self) -> Database:
        if self.db is None:
            raise CrmError("No database is open.")
        return self.db

    # ------------------------------------------------------------------ opening, closing

    def open(self, db: Database) -> None:
        """Make `db` the open database (the one open before is closed first)."""
        self.close()
        self.db = db
        self.opened.emit(db)

    def close(self) -> None:
        """Close the open database: views drop their work on it first (`closing`), the
        background work reading it is waited for, and Undo forgets its steps."""
        db, self.db = self.db, None
        if db is None:
            return
        self.closing.emit(db)
        self.runner.wait()
        wait_for_abandoned()  # work dropped by views, told to stop, may still read it
        self.undo_stack.clear()
        db.close()

    # ------------------------------------------------------------------ changes

    def apply(self, changes: Changes, initiator: object = None) -> None:
        """A write was made: offer to undo it, and tell every view."""
        self.undo_stack.push(changes.undo)
        self.changed.emit(changes, initiator)

    def run_dialog(self, dialog: QDialog) -> Changes | None:
        """Show a modal dialog; every write it reports (its `changed` signal, the one way
        a dialog says what it wrote) reaches Undo and every view as it is made. Returns the
        last of them (None if it wrote nothing). The dialog is freed."""
        written: list[Changes] = []
        use_runner = getattr(dialog, "use_runner", None)  # a form: its save is written on
        if use_runner is not None:  # the write lane, never on the GUI thread
            use_runner(self.runner)
        changed = getattr(dialog, "changed", None)
        if changed is not None:
            changed.connect(written.append)
            changed.connect(self.apply)
        try:
            dialog.exec()
            return written[-1] if written else None
        finally:
            dialog.deleteLater()

    def undo(self) -> tuple[UndoStep, Changes] | None:
        """Undo the last step (None if there is none); raises CrmError if it cannot be."""
        return self._step(self.undo_stack.take_undo, self.undo_stack.push_redo)

    def redo(self) -> tuple[UndoStep, Changes] | None:
        return self._step(self.undo_stack.take_redo, self.undo_stack.push_undo_keep_redo)

    def step_in_background(
        self,
        redo: bool,
        done: Callable[[UndoStep, Changes], None],
        failed: Callable[[Exception], None],
    ) -> None:
        """Undo (or redo) the last step on the write lane: a step of thousands of rows (an
        import) takes seconds, which the window must not wait for. `done` or `failed` is
        called after, on the GUI thread; a step that fails is dropped, as in `undo`."""
        from crmdesk.services import undo

        take, put = (
            (self.undo_stack.take_redo, self.undo_stack.push_undo_keep_redo)
            if redo
            else (self.undo_stack.take_undo, self.undo_stack.push_redo)
        )
        step, db = take(), self.db
        if step is None or db is None:
            return

        def finished(changes: Changes) -> None:
            put(changes.undo)
            self.changed.emit(changes, self)
            done(step, changes)

        (self.runner.op(lambda: undo.apply(db, step)).success(finished).failure(failed).write())

    def _step(
        self, take: Callable[[], UndoStep | None], put: Callable[[UndoStep | None], None]
    ) -> tuple[UndoStep, Changes] | None:
        """Apply the reverts of the step `take` gives, and `put` the step that takes them
        back. A step that cannot be applied any more (what it undoes was deleted by a merge
        since) raises CrmError and is dropped, so the steps before it can still be undone."""
        from crmdesk.services import undo

        step = take()
        if step is None or self.db is None:
            return None
        changes = undo.apply(self.db, step)
        put(changes.undo)
        self.changed.emit(changes, self)
        return step, changes
