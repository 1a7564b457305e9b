"""Review conflicts: each value a merge did not keep, beside the one it kept; the user can
keep the other one instead (and turn it back)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crmdesk.gui.columns import DATE, LABEL, NAME, TEXT, ColumnFitter
from crmdesk.gui.record_models import Column, RecordTableModel
from crmdesk.gui.widgets import resize_within_screen
from crmdesk.model.partial_date import PartialDate
from crmdesk.services import sync
from crmdesk.services.changes import Changes
from crmdesk.services.date_text import moment_text
from crmdesk.services.sync import ConflictRow
from crmdesk.store.database import Database

_STATUS = {"open": "to review", "reviewed": "merged value kept", "restored": "other value kept"}


def shown(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
        return value.strip("[]").replace('"', "") or "(none)"
    if isinstance(value, str) and re.fullmatch(r"XXXX-\d\d-\d\d", value):  # a birthday
        return f"{PartialDate.from_stored(value)} (year not known)"
    return " ".join(str(value).split())[:200]


def _now(conflict: ConflictRow) -> str:
    if conflict.superseded:
        return f"changed since: {shown(conflict.now)}"
    return _STATUS.get(conflict.status, conflict.status)


class ConflictsDialog(QDialog):
    changed = Signal(object)  # Changes: each restore is written at once

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Review conflicts")
        self.setAccessibleName("Review conflicts")
        self._db = db
        self.model: RecordTableModel[ConflictRow] = RecordTableModel(
            [
                Column("Found", lambda c: moment_text(c.found_at), sizing=DATE),
                Column("Client", lambda c: c.client_name or "—", sizing=NAME),
                Column("What", lambda c: c.what, sizing=LABEL),
                Column("Merged value (the later change)", lambda c: shown(c.kept), sizing=TEXT),
                Column("Other value", lambda c: shown(c.other), sizing=TEXT),
                Column("Now", _now, sizing=LABEL),
            ],
            self,
        )
        self.table = QTableView(self)
        self.table.setAccessibleName("Conflicts")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.columns = ColumnFitter(self.table, self.model.sizings())
        self.empty = QLabel("No conflicts: every merge so far had one clear answer.", self)
        intro = QLabel(
            "Where both machines changed the same thing, the later change was kept. Pick a row "
            "and keep the other value if that one was right.",
            self,
        )
        intro.setWordWrap(True)
        self.keep_other_button = QPushButton("Keep the &other value", self)
        self.keep_merged_button = QPushButton("Keep the &merged value", self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.keep_other_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.keep_merged_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.keep_other_button.clicked.connect(self._on_keep_other_button_clicked)
        self.keep_merged_button.clicked.connect(self._on_keep_merged_button_clicked)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        resize_within_screen(self, 980, 420)
        self.refresh()

    def refresh(self, select: int = 0) -> None:
        self.model.set_records(sync.conflicts(self._db, include_reviewed=True))
        empty = self.model.rowCount() == 0
        self.empty.setVisible(empty)
        self.table.setVisible(not empty)
        if not empty:
            for column in (0, 1, 2, 5):
                self.table.resizeColumnToContents(column)
            self.table.selectRow(min(select, self.model.rowCount() - 1))
        self._update_buttons()

    def _selected(self) -> ConflictRow | None:
        row = self.table.currentIndex().row()
        return self.model.record(row) if row >= 0 else None

    def _update_buttons(self, *_args: object) -> None:
        chosen = self._selected()
        self.keep_other_button.setEnabled(
            chosen is not None and chosen.status != "restored" and not chosen.superseded
        )
        self.keep_other_button.setToolTip(
            "It was changed again since: the later change stays."
            if chosen is not None and chosen.superseded
            else ""
        )
        self.keep_merged_button.setEnabled(chosen is not None and chosen.status != "reviewed")

    def _on_keep_other_button_clicked(self) -> None:
        self._apply(sync.keep_other)

    def _on_keep_merged_button_clicked(self) -> None:
        self._apply(sync.keep_merged)

    def _apply(self, action: Callable[[Database, str], Changes]) -> None:
        chosen = self._selected()
        if chosen is None:
            return
        row = self.table.currentIndex().row()
        self.changed.emit(action(self._db, chosen.id))
        self.refresh(row)
