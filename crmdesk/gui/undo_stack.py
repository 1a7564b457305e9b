"""Undo and redo steps for the open database (the steps come from services' Changes)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from crmdesk.services.changes import UndoStep

LIMIT = 100


class UndoStack(QObject):
    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._undo: list[UndoStep] = []
        self._redo: list[UndoStep] = []

    def push(self, step: UndoStep | None) -> None:
        """A new change: it can be undone, and what was undone before can't be redone."""
        if step is None:
            return
        self._undo = [*self._undo, step][-LIMIT:]
        self._redo.clear()
        self.changed.emit()

    def take_undo(self) -> UndoStep | None:
        step = self._undo.pop() if self._undo else None
        self.changed.emit()
        return step

    def take_redo(self) -> UndoStep | None:
        step = self._redo.pop() if self._redo else None
        self.changed.emit()
        return step

    def push_redo(self, step: UndoStep | None) -> None:
        if step is not None:
            self._redo.append(step)
            self.changed.emit()

    def push_undo_keep_redo(self, step: UndoStep | None) -> None:
        if step is not None:
            self._undo.append(step)
            self.changed.emit()

    def peek_undo(self) -> UndoStep | None:
        return self._undo[-1] if self._undo else None

    def peek_redo(self) -> UndoStep | None:
        return self._redo[-1] if self._redo else None

    def clear(self) -> None:
        self._undo.clear()
        self._redo.clear()
        self.changed.emit()
