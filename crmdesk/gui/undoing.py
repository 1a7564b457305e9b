"""Undo and redo: the Edit menu's first two actions, named for the step they take, and the
word in the status bar after every change that can be undone."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from crmdesk.errors import CrmError
from crmdesk.gui.controller import Controller
from crmdesk.gui.widgets import elide, no_mnemonic

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from crmdesk.gui.app_state import AppState
    from crmdesk.gui.controller import OnScreen
    from crmdesk.services.changes import Changes, UndoStep

REDO_KEYS = ("Ctrl+Shift+Z", "Ctrl+Y")
BIG_STEP = 1000  # rows: a step this big (an import) is undone on the write lane


class Undoing(Controller):
    def __init__(self, state: AppState, widget: QWidget, screen: OnScreen) -> None:
        super().__init__(state, widget, screen)
        keys = QKeySequence.StandardKey
        self.act_undo = self._action("&Undo", self.undo, keys.Undo)
        self.act_redo = self._action("&Redo", self.redo, keys.Redo)
        redo = self.act_redo.shortcuts()  # both common keys work everywhere (README)
        self.act_redo.setShortcuts(redo + [QKeySequence(k) for k in REDO_KEYS
                                           if QKeySequence(k) not in redo])  # fmt: skip
        state.undo_stack.changed.connect(self._update_actions)
        state.changed.connect(self._on_state_changed)
        self._update_actions()

    def undo(self) -> None:
        if self._big(self.state.undo_stack.peek_undo()):
            self._in_background(redo=False, verb="Undone")
        else:
            self._step(self.state.undo, "Undone")

    def redo(self) -> None:
        if self._big(self.state.undo_stack.peek_redo()):
            self._in_background(redo=True, verb="Redone")
        else:
            self._step(self.state.redo, "Redone")

    @staticmethod
    def _big(step: UndoStep | None) -> bool:
        return step is not None and len(step.reverts) >= BIG_STEP

    def _in_background(self, redo: bool, verb: str) -> None:
        step = self.state.undo_stack.peek_redo() if redo else self.state.undo_stack.peek_undo()
        assert step is not None
        self.screen.say(f"{'Redoing' if redo else 'Undoing'} {step.label}…")

        def done(step: UndoStep, _changes: Changes) -> None:
            self.screen.say(f"{verb}: {step.label}", 6000)

        def failed(error: Exception) -> None:
            self.screen.say("")
            if isinstance(error, CrmError):
                QMessageBox.warning(self.widget, "Cannot undo", str(error))
            else:
                sys.excepthook(type(error), error, error.__traceback__)

        self.state.step_in_background(redo, done, failed)

    def _step(self, step: Callable[[], tuple[UndoStep, Changes] | None], verb: str) -> None:
        try:
            done = step()
        except CrmError as exc:
            QMessageBox.warning(self.widget, "Cannot undo", str(exc))
            return
        if done is not None:
            self.screen.say(f"{verb}: {done[0].label}", 6000)

    def _on_state_changed(self, changes: Changes, initiator: object) -> None:
        # Undo and redo say what they did themselves; a change with no undo step (the shop's
        # details) must not point at Ctrl+Z, which would undo the step before it.
        if initiator is not self.state:
            hint = " — Ctrl+Z to undo" if changes.undo is not None else ""
            self.screen.say(f"{elide(changes.label, self.widget)}{hint}", 6000)

    def _update_actions(self) -> None:
        has_db = self._has_db()
        stack = self.state.undo_stack
        undo, redo = stack.peek_undo(), stack.peek_redo()
        # a step's label names a client: cut, so a long name cannot widen menus and buttons
        w = self.widget
        self.act_undo.setEnabled(has_db and undo is not None)
        self.act_undo.setText(f"&Undo {no_mnemonic(elide(undo.label, w))}" if undo else "&Undo")
        self.act_undo.setToolTip(f"Undo {undo.label}" if undo else "Undo")
        self.act_redo.setEnabled(has_db and redo is not None)
        self.act_redo.setText(f"&Redo {no_mnemonic(elide(redo.label, w))}" if redo else "&Redo")
        self.act_redo.setToolTip(f"Redo {redo.label}" if redo else "Redo")
