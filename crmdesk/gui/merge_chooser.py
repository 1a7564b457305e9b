"""Merge two clients: a two-column chooser, one row of radio buttons per field that differs,
both values shown; the merge is written on the write lane and reported by `changed`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from crmdesk.errors import CrmError
from crmdesk.gui.widgets import resize_within_screen
from crmdesk.services import client_merge
from crmdesk.services.client_merge import Side

if TYPE_CHECKING:
    from crmdesk.gui.runner import Runner
    from crmdesk.services.changes import Changes
    from crmdesk.store.database import Database

_SIDES: tuple[Side, ...] = ("kept", "other", "both")


def _shown(text: str) -> str:
    return text if text else "(empty)"


class MergeChooser(QDialog):
    changed = Signal(object)  # Changes: the merge, once written

    def __init__(
        self, db: Database, kept_id: str, other_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Merge two clients")
        self.setAccessibleName("Merge two clients")
        self._db = db
        self._runner: Runner | None = None
        self.plan = client_merge.plan(db, kept_id, other_id)
        self.groups: dict[str, QButtonGroup] = {}
        self.result_changes: Changes | None = None
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.moving = QLabel(self)
        self.moving.setWordWrap(True)
        self.swap_button = QPushButton("&Keep the other one instead", self)
        self.swap_button.setAccessibleName("Keep the other client instead")
        self.merge_button = QPushButton("&Merge", self)
        self.merge_button.setAccessibleName("Merge the two clients")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        buttons.addButton(self.merge_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.swap_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.fields_area = QScrollArea(self)
        self.fields_area.setWidgetResizable(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.fields_area, 1)
        layout.addWidget(self.moving)
        layout.addWidget(buttons)
        self.merge_button.clicked.connect(self._on_merge_button_clicked)
        self.swap_button.clicked.connect(self._on_swap_button_clicked)
        resize_within_screen(self, 820, 560)
        self._fill()

    def use_runner(self, runner: Runner) -> None:
        self._runner = runner

    def choices(self) -> dict[str, Side]:
        """The side chosen for each field shown (the others stay as the kept client has them)."""
        return {key: _SIDES[group.checkedId()] for key, group in self.groups.items()}

    def choose(self, key: str, side: Side) -> None:
        self.groups[key].button(_SIDES.index(side)).setChecked(True)

    # ------------------------------------------------------------------ filling in

    def _fill(self) -> None:
        plan = self.plan
        self.heading.setText(
            f"<b>{_escape(plan.other_name)}</b> will be merged into "
            f"<b>{_escape(plan.kept_name)}</b>. For each field that differs, choose the value "
            "to keep. Everything else of theirs moves to the client kept; then only a note "
            "that they were merged is left of them. One Undo takes the whole merge back."
        )
        moving = ", ".join(f"{what.lower()} ({n:,})" for what, n in plan.moving)
        self.moving.setText(f"Moves to the client kept: {moving}." if moving else "")
        body = QWidget()
        grid = QGridLayout(body)
        grid.addWidget(QLabel("<b>Field</b>"), 0, 0)
        grid.addWidget(QLabel(f"<b>{_escape(plan.kept_name)}</b> (kept)"), 0, 1)
        grid.addWidget(QLabel(f"<b>{_escape(plan.other_name)}</b>"), 0, 2)
        self.groups = {}
        same = 0
        for row in plan.fields:
            if not row.differs:
                same += 1
                continue
            line = grid.rowCount()
            grid.addWidget(QLabel(row.label), line, 0)
            group = QButtonGroup(body)
            sides = [("kept", row.kept_text), ("other", row.other_text)]
            if row.is_list and row.kept_text and row.other_text:
                sides.append(("both", "Both"))
            for column, (side, text) in enumerate(sides, start=1):
                radio = QRadioButton(_shown(text), body)
                radio.setAccessibleName(f"{row.label}: {_shown(text)}")
                group.addButton(radio, _SIDES.index(side))
                grid.addWidget(radio, line, column)
            group.button(_SIDES.index(row.default)).setChecked(True)
            self.groups[row.key] = group
        if same:
            grid.addWidget(
                QLabel(f"{same} other fields are the same on both."), grid.rowCount(), 0, 1, 3
            )
        grid.setRowStretch(grid.rowCount(), 1)
        self.fields_area.setWidget(body)

    # ------------------------------------------------------------------ actions

    def _on_swap_button_clicked(self) -> None:
        self.plan = client_merge.plan(self._db, self.plan.other_id, self.plan.kept_id)
        self._fill()

    def _on_merge_button_clicked(self) -> None:
        db, plan, take = self._db, self.plan, self.choices()

        def work() -> Changes:
            return client_merge.merge_clients(db, plan.kept_id, plan.other_id, take)

        if self._runner is None:
            self._merged(work())
            return
        self.merge_button.setEnabled(False)
        self._runner.op(work, self).success(self._merged).failure(self._failed).write()

    def _merged(self, changes: Changes) -> None:
        self.result_changes = changes
        self.changed.emit(changes)
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.merge_button.setEnabled(True)
        if not isinstance(error, CrmError):
            sys.excepthook(type(error), error, error.__traceback__)
            return
        from crmdesk.gui.problems import show_problem

        show_problem(self, "The clients were not merged", error)


def _escape(text: str) -> str:
    import html

    return html.escape(text)
