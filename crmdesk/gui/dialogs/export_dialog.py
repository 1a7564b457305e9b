"""File ▸ Export…: which format, which clients (all, the rows selected, a tag, the search
shown), the columns of a CSV file, and the file to write. The clients are found and counted
in the background; the file is written on the app's read lane with a progress bar and
Cancel (services.exporting writes it beside its name and puts it in place when complete)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.errors import CrmError
from crmdesk.gui.letters_dialog import Selection
from crmdesk.gui.runner import Runner
from crmdesk.gui.tags import when_tags_known
from crmdesk.gui.taskman import TaskManager
from crmdesk.gui.widgets import elide, fit_combo
from crmdesk.services import exporting, letters
from crmdesk.services.exporting import ExportFormat, ExportResult
from crmdesk.store.database import Database
from crmdesk.wording import count


class ExportDialog(QDialog):
    exported = Signal(object)  # ExportResult, once the file is in place

    def __init__(
        self, db: Database, selection: Selection, runner: Runner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export clients")
        self.db, self.selection, self.runner = db, selection, runner
        self.tasks = TaskManager(self)  # counts, dropped when the window closes
        self.saving = False  # (the file is being written: the window waits for it)
        self._asked = 0
        self._ids: list[str] | None = None

        self.format = QComboBox()
        self.format.setAccessibleName("Format")
        for fmt in ExportFormat:
            self.format.addItem(fmt.label, fmt)
        self.version = QComboBox()
        self.version.setAccessibleName("vCard version")
        self.version.addItem("vCard 4.0 (current phones, Google, Outlook)", "4.0")
        self.version.addItem("vCard 3.0 (older phones, Apple Contacts)", "3.0")
        self.who = QComboBox()
        self.who.setAccessibleName("Which clients")
        self.tag = QComboBox()
        self.tag.setAccessibleName("Tag")
        self.count = QLabel()
        self.count.setAccessibleName("Number of clients")
        self.columns_model = QStandardItemModel(self)
        for column in exporting.COLUMNS:
            item = QStandardItem(column.header)
            item.setCheckable(True)
            item.setEditable(False)
            item.setCheckState(
                Qt.CheckState.Checked
                if column.key in exporting.DEFAULT_COLUMNS
                else Qt.CheckState.Unchecked
            )
            item.setData(column.key, Qt.ItemDataRole.UserRole)
            self.columns_model.appendRow(item)
        self.columns = QListView()
        self.columns.setAccessibleName("Columns")
        self.columns.setModel(self.columns_model)
        self.columns.setMinimumHeight(150)
        self.file = QLineEdit()
        self.file.setObjectName("file")
        self.file.setAccessibleName("File name")
        self.file.setPlaceholderText("the file to write")
        self.choose = QPushButton("&Choose…")
        self.choose.setAccessibleName("Choose the file")
        self.problem = QLabel()
        self.problem.setObjectName("error_export")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020")
        self.problem.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.export_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText("&Export")

        self._fill_who()
        when_tags_known(db, self.tasks, self._add_tags)
        fit_combo(self.who)
        form = QFormLayout()
        form.addRow("&Format:", self.format)
        form.addRow("&Version:", self.version)
        who_row = QHBoxLayout()
        who_row.addWidget(self.who, 1)
        who_row.addWidget(self.tag)
        form.addRow(self._label("C&lients:", self.who), who_row)
        form.addRow("", self.count)
        self.columns_label = self._label("Col&umns:", self.columns)
        form.addRow(self.columns_label, self.columns)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(self.choose)
        form.addRow(self._label("&Save as:", self.file), file_row)
        outer = QVBoxLayout(self)
        outer.addLayout(form)
        outer.addWidget(self.problem)
        outer.addWidget(self.buttons)

        self.format.currentIndexChanged.connect(self._on_format_current_index_changed)
        self.who.currentIndexChanged.connect(self._on_who_current_index_changed)
        self.tag.currentIndexChanged.connect(self._on_who_current_index_changed)
        self.choose.clicked.connect(self._on_choose_clicked)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self._on_format_current_index_changed()
        self._on_who_current_index_changed()

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text, self)
        label.setBuddy(buddy)
        return label

    # ------------------------------------------------------------------ choices

    def _fill_who(self) -> None:
        s = self.selection
        self.who.addItem("all clients", ("all", ()))
        if len(s.selected) > 1:
            self.who.addItem(f"the {len(s.selected)} clients selected in the list",
                             ("ids", s.selected))  # fmt: skip
        elif s.current:
            self.who.addItem(f"this client ({elide(s.current[1], self)})", ("ids", (s.current[0],)))
        if s.search_text:
            found = f"the clients found by “{elide(s.search_text, self, 16)}”"
            self.who.addItem(found, ("ids", s.found))

    def _add_tags(self, tags: list[str]) -> None:
        if not tags:
            return
        self.tag.addItems(tags)
        fit_combo(self.tag)
        self.who.addItem("every client tagged", ("tag", ()))
        fit_combo(self.who)

    def chosen_format(self) -> ExportFormat:
        return ExportFormat(self.format.currentData())

    def chosen_columns(self) -> list[str]:
        return [
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in (self.columns_model.item(r) for r in range(self.columns_model.rowCount()))
            if item.checkState() == Qt.CheckState.Checked
        ]

    def finder(self) -> Callable[[], list[str]]:
        """Who is chosen, as a read that may run on any thread (the choice is taken now)."""
        db, (kind, ids) = self.db, self.who.currentData()
        if kind == "tag":
            tag = self.tag.currentText()
            return lambda: letters.clients_with_tag(db, tag)
        if kind == "all":
            return lambda: exporting.choose_clients(db)
        return lambda: list(ids)

    def _on_format_current_index_changed(self, *_args: object) -> None:
        fmt = self.chosen_format()
        self.version.setEnabled(fmt is ExportFormat.VCARD)
        for widget in (self.columns, self.columns_label):
            widget.setVisible(fmt is ExportFormat.CSV)
        typed = self.file.text().strip()
        if typed:  # the file's extension follows the format
            self.file.setText(str(Path(typed).with_suffix(fmt.suffix)))
        self.adjustSize()

    def _on_who_current_index_changed(self, *_args: object) -> None:
        kind = self.who.currentData()[0] if self.who.count() else ""
        self.tag.setVisible(kind == "tag")
        self._asked += 1
        asked, find = self._asked, self.finder()
        self._ids = None
        self.count.setText("Counting…")
        self.tasks.run(find, lambda ids: self._show_ids(asked, ids))

    def _show_ids(self, asked: int, ids: list[str]) -> None:
        if asked == self._asked:  # (not the clients of an earlier choice)
            self._ids = ids
            self.count.setText(count(len(ids), "client"))

    def _on_choose_clicked(self) -> None:
        fmt = self.chosen_format()
        name, _ = QFileDialog.getSaveFileName(
            self, "Export clients", self.file.text() or f"clients{fmt.suffix}",
            f"{fmt.label} (*{fmt.suffix})",
        )  # fmt: skip
        if name:
            self.file.setText(name)

    # ------------------------------------------------------------------ export

    def say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def _on_buttons_accepted(self) -> None:
        if self.saving:
            return
        fmt, typed = self.chosen_format(), self.file.text().strip()
        columns = self.chosen_columns()
        if not typed:
            self.say("Type the name of the file to write, or press Choose… to pick one.")
            self.file.setFocus()
            return
        out = Path(typed).expanduser()
        if not out.parent.is_dir():
            self.say(f"There is no folder {out.parent}; choose a folder that exists.")
            self.file.setFocus()
            return
        if fmt is ExportFormat.CSV and not columns:
            self.say("Tick at least one column to write.")
            self.columns.setFocus()
            return
        if self._ids is None:
            self.say("Still finding the clients; try again in a moment.")
            return
        if not self._ids:
            self.say("No clients are chosen; choose others.")
            self.who.setFocus()
            return
        self.say("")
        db, ids, version = self.db, list(self._ids), str(self.version.currentData())

        def work(progress: Callable[[int, int], bool]) -> ExportResult:
            return exporting.export_clients(
                db, ids, out, fmt, columns=columns, vcard_version=version, progress=progress
            )

        self.saving = True
        self.export_button.setEnabled(False)
        self.runner.op(work, parent=self).progress(
            f"Exporting {count(len(ids), 'client')}…", len(ids)
        ).success(self._on_exported).failure(self._on_failed).read()

    def _on_exported(self, done: ExportResult) -> None:
        self.saving = False
        self.exported.emit(done)
        self.accept()

    def _on_failed(self, error: Exception) -> None:
        self.saving = False
        self.export_button.setEnabled(True)
        if isinstance(error, exporting.Cancelled):
            self.say("Cancelled; nothing was written.")
        elif isinstance(error, CrmError):
            self.say(str(error))
        else:
            sys.excepthook(type(error), error, error.__traceback__)
