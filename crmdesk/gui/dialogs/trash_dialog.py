"""The Trash: what was deleted, and a Restore button."""

from __future__ import annotations

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

from crmdesk.gui.columns import DATE, NAME, TEXT, ColumnFitter
from crmdesk.gui.record_models import Column, RecordTableModel
from crmdesk.services import trash
from crmdesk.services.date_text import moment_text
from crmdesk.services.trash import TrashItem
from crmdesk.store.database import Database


class TrashDialog(QDialog):
    changed = Signal(object)  # Changes: each restore is written at once

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Trash")
        self.setAccessibleName("Trash")
        self._db = db
        self.model: RecordTableModel[TrashItem] = RecordTableModel(
            [
                Column("Deleted", lambda i: moment_text(i.deleted_at), sizing=DATE),
                Column("What", lambda i: i.kind),
                Column("Client", lambda i: i.client_name, sizing=NAME),
                Column("Details", lambda i: i.description, sizing=TEXT),
            ],
            self,
        )
        self.table = QTableView(self)
        self.table.setAccessibleName("Deleted items")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.columns = ColumnFitter(self.table, self.model.sizings())
        self.table.verticalHeader().hide()
        self.empty = QLabel("The Trash is empty.", self)
        self.restore_button = QPushButton("&Restore", self)
        self.restore_button.setAccessibleName("Restore")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.restore_button.clicked.connect(self._on_restore_button_clicked)
        self.table.doubleClicked.connect(self._on_restore_button_clicked)
        self.resize(760, 420)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_records(trash.trash_items(self._db))
        empty = self.model.rowCount() == 0
        self.empty.setVisible(empty)
        self.restore_button.setEnabled(not empty)
        if not empty:
            self.table.selectRow(0)

    def _on_restore_button_clicked(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        for row in rows:
            item = self.model.record(row)
            self.changed.emit(trash.restore(self._db, item.table, item.row_id))
        self.refresh()
