"""View ▸ Duplicates…: the likely pairs of clients with their reason and score, found on the
read lane (progress bar and Cancel); each pair can be dismissed ("not the same person",
remembered in the file) or merged (gui.merge_chooser), written on the write lane."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

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

from crmdesk.errors import CrmError
from crmdesk.gui.columns import FIT, NAME, TEXT, ColumnFitter
from crmdesk.gui.merge_chooser import MergeChooser
from crmdesk.gui.record_models import Column, RecordTableModel
from crmdesk.gui.widgets import resize_within_screen
from crmdesk.services import duplicates
from crmdesk.services.duplicates import DuplicatePair, ScanCancelled, ScanResult

if TYPE_CHECKING:
    from crmdesk.gui.runner import Runner
    from crmdesk.services.changes import Changes
    from crmdesk.store.database import Database


class DuplicatesWindow(QDialog):
    changed = Signal(object)  # Changes: a pair dismissed, two clients merged
    scanned = Signal()  # a scan finished (or was cancelled)

    def __init__(self, db: Database, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Duplicates")
        self.setAccessibleName("Duplicates")
        self._db = db
        self._runner = runner
        self.model: RecordTableModel[DuplicatePair] = RecordTableModel(
            [
                Column("Score", lambda p: f"{p.score}%", sizing=FIT),
                Column("Client", lambda p: p.first_name or "(no name)", sizing=NAME),
                Column("Possible duplicate", lambda p: p.second_name or "(no name)", sizing=NAME),
                Column("Why", lambda p: p.reason, sizing=TEXT),
            ],
            self,
        )
        self.table = QTableView(self)
        self.table.setAccessibleName("Likely duplicates")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.columns = ColumnFitter(self.table, self.model.sizings())
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("What the scan found")
        self.scan_button = QPushButton("&Scan again", self)
        self.dismiss_button = QPushButton("&Not the same person", self)
        self.dismiss_button.setToolTip("Remember that these two are different people")
        self.merge_button = QPushButton("&Merge…", self)
        self.merge_button.setToolTip("Choose field by field, and merge the two into one client")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        for button in (self.merge_button, self.dismiss_button, self.scan_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.scan_button.clicked.connect(self._on_scan_button_clicked)
        self.dismiss_button.clicked.connect(self._on_dismiss_button_clicked)
        self.merge_button.clicked.connect(self._on_merge_button_clicked)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(self._on_merge_button_clicked)
        resize_within_screen(self, 900, 480)
        self._busy = False
        self._update_buttons()

    # ------------------------------------------------------------------ scanning

    def scan(self) -> None:
        """Look for duplicates on the read lane, with a progress bar and Cancel."""
        if self._busy:
            return
        self._busy = True
        self.status.setText("Looking for duplicates…")
        self._update_buttons()
        db = self._db
        self._runner.op(lambda progress: duplicates.scan(db, progress), self).progress(
            "Looking for clients who may be the same person…", duplicates.STEPS
        ).success(self._on_scan_done).failure(self._on_scan_failed).read()

    def _on_scan_done(self, result: ScanResult) -> None:
        self._busy = False
        self.model.set_records(result.pairs)
        count = len(result.pairs)
        found = (
            "No likely duplicates."
            if not count
            else f"{count:,} pair{'s' if count != 1 else ''} that may be the same person, "
            "the surest first. Pick one, then merge them or say they are not the same person."
        )
        self.status.setText(" ".join(t for t in (found, result.left_out) if t))
        if count:
            self.table.resizeColumnToContents(0)
            self.table.selectRow(0)
        self._update_buttons()
        self.scanned.emit()

    def _on_scan_failed(self, error: Exception) -> None:
        self._busy = False
        self._update_buttons()
        self.scanned.emit()
        if isinstance(error, ScanCancelled):
            self.status.setText("The scan was cancelled. Scan again to see the pairs.")
            return
        if isinstance(error, CrmError):
            from crmdesk.gui.problems import show_problem

            self.status.setText("The scan did not finish.")
            show_problem(self, "The scan did not finish", error)
            return
        sys.excepthook(type(error), error, error.__traceback__)

    # ------------------------------------------------------------------ a pair

    def selected(self) -> DuplicatePair | None:
        row = self.table.currentIndex().row()
        return self.model.record(row) if row >= 0 else None

    def _update_buttons(self, *_args: object) -> None:
        chosen = self.selected() is not None and not self._busy
        self.dismiss_button.setEnabled(chosen)
        self.merge_button.setEnabled(chosen)
        self.scan_button.setEnabled(not self._busy)

    def _on_scan_button_clicked(self) -> None:
        self.scan()

    def _on_dismiss_button_clicked(self) -> None:
        pair = self.selected()
        if pair is None:
            return
        db = self._db
        self._busy = True
        self._update_buttons()
        self._runner.op(
            lambda: duplicates.not_the_same(db, [(pair.first_id, pair.second_id)]), self
        ).success(
            lambda changes: self._written(changes, {pair.first_id, pair.second_id}, True)
        ).failure(self._on_write_failed).write()

    def _on_merge_button_clicked(self, *_args: object) -> None:
        pair = self.selected()
        if pair is None or self._busy:
            return
        kept, other = _older_first(self._db, pair)
        try:
            chooser = MergeChooser(self._db, kept, other, self)
        except CrmError as error:  # one of them was merged or deleted since the scan
            from crmdesk.gui.problems import show_problem

            show_problem(self, "These two cannot be merged", error)
            return
        chooser.use_runner(self._runner)
        chooser.changed.connect(
            lambda changes: self._written(changes, {chooser.plan.other_id}, False)
        )
        chooser.exec()
        chooser.deleteLater()

    def _written(self, changes: Changes, ids: set[str], both: bool) -> None:
        """A pair dismissed (`both`: that pair leaves the list) or a client merged away
        (every pair with them leaves it)."""
        self._busy = False
        self.changed.emit(changes)
        row = max(self.table.currentIndex().row(), 0)
        kept = [
            p
            for p in self.model.records()
            if not (
                ({p.first_id, p.second_id} == ids) if both else ({p.first_id, p.second_id} & ids)
            )
        ]
        self.model.set_records(kept)
        if kept:
            self.table.selectRow(min(row, len(kept) - 1))
        self.status.setText(f"{len(kept):,} pairs left to look at." if kept else "No pairs left.")
        self._update_buttons()

    def _on_write_failed(self, error: Exception) -> None:
        self._busy = False
        self._update_buttons()
        if isinstance(error, CrmError):
            from crmdesk.gui.problems import show_problem

            show_problem(self, "That did not work", error)
            return
        sys.excepthook(type(error), error, error.__traceback__)


def _older_first(db: Database, pair: DuplicatePair) -> tuple[str, str]:
    """(kept, other): the client added first is kept by default (their id, their code)."""
    rows = dict(
        db.query(
            "SELECT id, created_at FROM clients WHERE id IN (?, ?)", (pair.first_id, pair.second_id)
        )
    )
    first, second = pair.first_id, pair.second_id
    if str(rows.get(second, "")) < str(rows.get(first, "")):
        return second, first
    return first, second
