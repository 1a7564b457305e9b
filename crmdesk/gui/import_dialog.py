"""Import clients: the preview of one file before anything is written, then the import.

The file is read and each row planned on the runner's read lane (10,000 rows take seconds;
the window stays free, with progress and Cancel); the import runs on the write lane, one
step for Undo. A table's column mapping can be changed here: the rows are planned again,
and the mapping is remembered for the next file with the same headers.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crmdesk.errors import CrmError
from crmdesk.gui.columns import ColumnFitter
from crmdesk.gui.import_models import TARGET, FieldDelegate, MappingModel, PreviewModel
from crmdesk.gui.problems import show_problem
from crmdesk.gui.runner import Progress, Runner
from crmdesk.gui.widgets import resize_within_screen
from crmdesk.services.importing.kept_rows import KeptRows
from crmdesk.services.importing.plan import OnMatch, Status
from crmdesk.services.importing.preview import ImportCancelled, Preview, not_imported
from crmdesk.services.importing.writing import ImportResult
from crmdesk.store.database import Database
from crmdesk.wording import count

ON_MATCH = [  # (a row the same as an earlier row goes where that row goes; "add as new"
    # adds it as a client of its own)
    (OnMatch.UPDATE, "Update them (fill empty fields; other values go to a note)"),
    (OnMatch.SKIP, "Skip them"),
    (OnMatch.NEW, "Add them as new clients"),
]


class ImportDialog(QDialog):
    changed = Signal(object)  # Changes: the import, one step for Undo
    previewed = Signal()  # the rows are planned and shown (again)
    finished_import = Signal(object)  # ImportResult, once written (or nothing, cancelled)

    def __init__(self, db: Database, path: Path, runner: Runner, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import clients from {path.name}")
        self.setAccessibleName("Import clients")
        self._db, self._path, self._runner = db, path, runner
        self._source: Any = None  # the ImportSource, once opened (on the read lane)
        self.preview: Preview | None = None
        self.imported: ImportResult | None = None
        self._generation = 0  # a preview superseded by a newer one is dropped
        self._writing = False  # (the preview's rows are being written: kept till done)

        self.model = PreviewModel(self)
        self.table = QTableView(self)
        self.table.setAccessibleName("Rows as they will become clients")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.columns = ColumnFitter(self.table, self.model.sizings())
        self.mapping_model = MappingModel(self)
        self.mapping_table = QTableView(self)
        self.mapping_table.setAccessibleName("Columns of the file and what they become")
        self.mapping_table.setModel(self.mapping_model)
        self.mapping_table.setItemDelegateForColumn(TARGET, FieldDelegate(self.mapping_table))
        self.mapping_table.verticalHeader().hide()
        self.mapping_table.horizontalHeader().setStretchLastSection(True)
        self.has_header = QCheckBox("The first row names the &columns", self)
        self.has_header.setAccessibleName("The first row names the columns")
        self.on_match = QComboBox(self)
        self.on_match.setAccessibleName("A row that matches a client")
        for choice, text in ON_MATCH:
            self.on_match.addItem(text, choice)
        self.status = QLabel("Reading the file…", self)
        self.status.setWordWrap(True)
        self.unmatch_button = QPushButton("&Not the same client", self)
        self.unmatch_button.setAccessibleName("Not the same client: import as new")
        self.import_button = QPushButton("&Import", self)
        self.import_button.setAccessibleName("Import")
        self.import_button.setEnabled(False)
        self.summary = QPlainTextEdit(self)
        self.summary.setAccessibleName("What was imported")
        self.summary.setReadOnly(True)
        self.summary.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.addButton(self.unmatch_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)

        form = QFormLayout()
        form.addRow("A row that matches a client:", self.on_match)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.mapping_table)
        self.splitter.addWidget(self.table)
        self.splitter.setSizes([160, 420])
        layout = QVBoxLayout(self)
        layout.addWidget(self.has_header)
        layout.addLayout(form)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.has_header.hide()
        self.mapping_table.hide()

        self.buttons.rejected.connect(self.reject)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.unmatch_button.clicked.connect(self._on_unmatch_button_clicked)
        self.mapping_model.mapping_changed.connect(self._on_mapping_model_mapping_changed)
        self.has_header.toggled.connect(self._on_has_header_toggled)
        resize_within_screen(self, 1100, 680)
        self._read()

    def done(self, result: int) -> None:
        if not self._writing:  # (else once written: _on_imported)
            self._let_go_of_rows()
        super().done(result)

    def _let_go_of_rows(self) -> None:
        """The table empty, and the preview's rows beyond the first 10,000 (a temporary
        file) deleted."""
        if self.preview is not None:
            self.model.show_rows(KeptRows())
            self.preview.close()

    # ------------------------------------------------------------------ reading

    def _read(self) -> None:
        """Read and plan the file on the read lane (again, after the mapping changed)."""
        self._generation += 1
        generation = self._generation
        self.import_button.setEnabled(False)
        self.mapping_table.setEnabled(False)  # (the worker reads the file through them)
        self.has_header.setEnabled(False)
        self.status.setText("Reading the file…")
        index = self.preview.index if self.preview is not None else None
        db, path, source = self._db, self._path, self._source

        def work(progress: Progress) -> tuple[Any, Preview, list[str]]:
            from crmdesk.services import settings
            from crmdesk.services.importing import open_import
            from crmdesk.services.importing.preview import preview_file, use_remembered_mapping

            opened = source
            if opened is None:
                opened = open_import(path, locale=settings.locale_for(db))
                use_remembered_mapping(db, opened)
            examples: list[str] = []
            if opened.table is not None:
                first = next(opened.table.rows(), None)
                examples = list(first.cells) if first is not None else []
            return opened, preview_file(db, opened, progress=progress, index=index), examples

        (
            self._runner.op(work, parent=self)
            .progress(f"Reading {path.name}…", 1000)
            .success(lambda found: self._on_read(generation, *found))
            .failure(self._on_read_failed)
            .read()
        )

    def _on_read(self, generation: int, source: Any, preview: Preview, examples: list[str]) -> None:
        if generation != self._generation:
            preview.close()  # (superseded: its rows beyond the first 10,000 in a file)
            return
        if self.preview is not None:
            self.preview.close()
        self._source, self.preview = source, preview
        self.model.show_rows(preview.rows)
        self.mapping_table.setEnabled(True)
        self.has_header.setEnabled(True)
        if source.table is not None:
            self.mapping_model.set_mapping(source.mapping, examples)
            self.has_header.blockSignals(True)
            self.has_header.setChecked(source.table.has_header)
            self.has_header.blockSignals(False)
            self.has_header.show()
            self.mapping_table.show()
        self._say_counts()
        counts = preview.counts()
        self.import_button.setEnabled(any(counts[s] for s in (Status.NEW, Status.MATCH,
                                                              Status.SAME)))  # fmt: skip
        self.previewed.emit()

    def _on_read_failed(self, error: Exception) -> None:
        if isinstance(error, ImportCancelled):
            self.status.setText("Reading was cancelled: nothing was imported.")
            return
        if not isinstance(error, CrmError):
            sys.excepthook(type(error), error, error.__traceback__)
            return
        show_problem(self, "Cannot import this file", error)
        self.reject()

    def _say_counts(self) -> None:
        assert self.preview is not None
        counts = self.preview.counts()
        parts = [count(counts[Status.NEW], "new client")]
        if counts[Status.MATCH]:
            parts.append(f"{count(counts[Status.MATCH], 'matching client')} here")
        if counts[Status.SAME]:
            parts.append(f"{counts[Status.SAME]:,} the same person as an earlier row")
        if counts[Status.DONE]:
            parts.append(f"{counts[Status.DONE]:,} imported before")
        if counts[Status.PROBLEM]:
            parts.append(f"{counts[Status.PROBLEM]:,} that cannot be imported")
        problems = self.preview.rows.problems + len(self.preview.problems)
        text = ", ".join(parts) + "."
        if problems:
            text += f" {count(problems, 'problem')} (see the last column; nothing is lost)."
        skipped = not_imported(self.preview.source)
        if skipped:
            text += " Not imported: " + ", ".join(s.split(": ", 1)[1] for s in skipped) + "."
        self.status.setText(text)

    def _on_mapping_model_mapping_changed(self, mapping: Any) -> None:
        if self._source is not None:
            self._source.mapping = mapping
            self._read()

    def _on_has_header_toggled(self, checked: bool) -> None:
        if self._source is not None and self._source.table is not None:
            self._source.set_has_header(checked)
            self._read()

    def _on_unmatch_button_clicked(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if self.model.unmatch(rows) and self.preview is not None:
            self._say_counts()

    # ------------------------------------------------------------------ writing

    def _on_import_button_clicked(self) -> None:
        preview = self.preview
        if preview is None:
            return
        from crmdesk.services.importing.preview import write_preview

        on_match = OnMatch(self.on_match.currentData())
        db = self._db
        self._writing = True
        self._set_choosing(False)  # (a new reading would replace the rows being written)
        self.status.setText("Importing…")
        (
            self._runner.op(
                lambda progress: write_preview(db, preview, on_match, progress), parent=self
            )
            .progress(f"Importing {preview.source.name}…", max(len(preview.rows), 1))
            .success(self._on_imported)
            .failure(self._on_import_failed)
            .write()
        )

    def _set_choosing(self, on: bool) -> None:
        for widget in (self.import_button, self.unmatch_button, self.mapping_table,
                       self.has_header, self.on_match):  # fmt: skip
            widget.setEnabled(on)

    def _on_imported(self, result: ImportResult) -> None:
        self.imported = result
        self._writing = False
        self._let_go_of_rows()  # (shown no more: the summary takes their place)
        if result.changes is not None and result.changes.tables:
            self.changed.emit(result.changes)
        lines = [result.summary()]
        if result.changes is not None and result.changes.undo is not None:
            lines.append("Edit ▸ Undo (Ctrl+Z) takes the whole import back.")
        if result.problems:
            lines += ["", "Problems (what was not taken in as it stood is kept as a thing to "
                          "remember or a note):"]  # fmt: skip
            lines += [f"  {p}" for p in result.problems]
        if result.not_imported:
            lines += ["", "Columns not imported:"] + [f"  {c}" for c in result.not_imported]
        self.summary.setPlainText("\n".join(lines))
        self.splitter.hide()
        self.has_header.hide()
        self.on_match.setEnabled(False)
        self.summary.show()
        self.import_button.hide()
        self.unmatch_button.hide()
        self.status.setText(result.summary())
        self.finished_import.emit(result)

    def _on_import_failed(self, error: Exception) -> None:
        self._writing = False
        self._set_choosing(True)
        if isinstance(error, ImportCancelled):
            self.status.setText("The import was cancelled: nothing was written.")
            self.finished_import.emit(None)
            return
        self.status.setText("Nothing was written.")
        if not isinstance(error, CrmError):
            sys.excepthook(type(error), error, error.__traceback__)
        else:
            show_problem(self, "The import did not work", error)
        self.finished_import.emit(None)
