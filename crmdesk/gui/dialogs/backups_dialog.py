"""Backups: the verified copies kept of this database, one to restore, and Back up now."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crmdesk.errors import CrmError
from crmdesk.gui.columns import AMOUNT, DATE, TEXT, ColumnFitter
from crmdesk.gui.problems import show_problem
from crmdesk.gui.record_models import Column, RecordTableModel
from crmdesk.services import backups
from crmdesk.services.date_text import moment_text
from crmdesk.store.backup import BackupFile
from crmdesk.store.database import Database

_WHY = {
    "on-open": "when it was opened",
    "hourly": "hourly",
    "by-hand": "by hand",
    "before-merge": "before a merge",
    "before-restore": "before a restore",
}


class BackupsDialog(QDialog):
    """Accepted with `chosen` set: restore that backup (the window does it)."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Backups")
        self.setAccessibleName("Backups")
        self._db = db
        self.chosen: Path | None = None
        self.model: RecordTableModel[BackupFile] = RecordTableModel(
            [
                Column("Made", lambda b: f"{b.made_at:%a} {moment_text(b.made_at)}", sizing=DATE),
                Column(
                    "Why", lambda b: _WHY.get(b.reason, b.reason.replace("-", " ")), sizing=TEXT
                ),
                Column("Size", lambda b: f"{b.size / 1e6:.1f} MB", sizing=AMOUNT),
            ],
            self,
        )
        self.table = QTableView(self)
        self.table.setAccessibleName("Backups")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.columns = ColumnFitter(self.table, self.model.sizings())
        intro = QLabel(
            "Backups are made when the database is opened, every hour while it changes, and "
            "before every merge, upgrade and restore; each is checked. Kept: the 10 newest, "
            "then one a day for a week, one a week for a month, one a month for a year.",
            self,
        )
        intro.setWordWrap(True)
        self.restore_button = QPushButton("&Restore this backup…", self)
        self.backup_button = QPushButton("&Back up now", self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.backup_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.restore_button.clicked.connect(self._on_restore_button_clicked)
        self.backup_button.clicked.connect(self._on_backup_button_clicked)
        self.resize(560, 420)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_records(backups.backups_of(self._db))
        has = self.model.rowCount() > 0
        self.restore_button.setEnabled(has)
        if has:
            self.table.resizeColumnToContents(0)
            self.table.selectRow(0)

    def _on_backup_button_clicked(self) -> None:
        try:
            backups.backup_now(self._db, "by-hand")
        except CrmError as exc:
            show_problem(self, "No backup was written", exc)
        self.refresh()

    def _on_restore_button_clicked(self) -> None:
        row = self.table.currentIndex().row()
        if row < 0:
            return
        backup = self.model.record(row)
        answer = QMessageBox.question(
            self,
            "Restore a backup",
            f"Put the backup made {backup.made_at:%d %b %Y %H:%M} in place of "
            f"{self._db.path.name}? The database as it is now is backed up first, so this "
            "can be undone by restoring that backup.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.chosen = backup.path
            self.accept()
