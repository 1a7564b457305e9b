"""Letters: choose or write a template, see the real PDF for a client, and print or save
letters for one client or a whole selection (each one then goes into that client's history).
"""

from __future__ import annotations

import io
import tempfile
import threading
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QImage,
    QKeySequence,
    QStandardItem,
    QStandardItemModel,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.documents.letters import Cancelled
from crmdesk.errors import CrmError
from crmdesk.gui.letter_recipients import RecipientsPicker, Selection, ask_about_missing
from crmdesk.gui.pdf_view import PdfView, print_pdf, render_pages
from crmdesk.gui.problems import show_problem
from crmdesk.gui.runner import Runner
from crmdesk.gui.taskman import TaskManager
from crmdesk.gui.widgets import ElidedLabel, resize_within_screen
from crmdesk.services import letters, templating
from crmdesk.services.letters import LetterBatch, LetterRun, TemplateRecord
from crmdesk.store.database import Database

TEMPLATE_ROLE = Qt.ItemDataRole.UserRole + 1


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


class LettersDialog(QDialog):
    changed = Signal(object)  # Changes: letters written, a template saved or deleted
    preview_updated = Signal()

    def __init__(
        self,
        db: Database,
        selection: Selection,
        parent: QWidget | None = None,
        runner: Runner | None = None,  # the app's: letters are logged on its write lane
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Letters")
        self.setAccessibleName("Letters")
        resize_within_screen(self, 1300, 820)
        self.db, self.selection = db, selection
        self.tasks = TaskManager(self)  # previews and counts, dropped when the window closes
        self.runner = runner or Runner(self)
        self._template: TemplateRecord | None = None
        self._dirty = False
        self._cancel = threading.Event()
        self._done = 0
        self._preview_source: str | None = None  # the text of the preview being made
        self._preview_wanted: str | None = None  # the text the next preview is for
        self._preview_shown: str | None = None  # the text of the preview on screen
        self._preview_stop = threading.Event()  # tells the preview being made to stop
        self._problems_found = False
        self._writing = False  # letters are being written (with a progress bar)
        self.last_run: LetterRun | None = None

        # templates
        self.templates = QStandardItemModel(self)
        self.template_list = QListView()
        self.template_list.setAccessibleName("Templates")
        self.template_list.setModel(self.templates)
        self.template_list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        new_button = QPushButton("&New")
        new_button.setAccessibleName("New template")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setAccessibleName("Delete template")
        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.addWidget(QLabel("Templates"))
        left_column.addWidget(self.template_list)
        row = QHBoxLayout()
        row.addWidget(new_button)
        row.addWidget(self.delete_button)
        left_column.addLayout(row)

        # the editor
        self.name = QLineEdit()
        self.name.setAccessibleName("Template name")
        self.editor = QPlainTextEdit()
        self.editor.setAccessibleName("Letter text")
        self.editor.setPlaceholderText("Dear {{ client.greeting_name }}, …")
        self.insert_button = QToolButton()
        self.insert_button.setText("Insert &field")
        self.insert_button.setAccessibleName("Insert field")
        self.insert_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.insert_button.setMenu(self._field_menu())
        self.save_button = QPushButton("&Save template")
        self.save_button.setAccessibleName("Save template")
        self.problems = QLabel()
        self.problems.setObjectName("template_problems")
        self.problems.setAccessibleName("Problems in the template")
        self.problems.setStyleSheet("color: #b00020;")
        self.problems.setWordWrap(True)
        hint = QLabel("**bold**, *italic*, lines starting with - make a list; "
                      "a blank line starts a new paragraph.")  # fmt: skip
        hint.setStyleSheet("color: gray;")
        hint.setWordWrap(True)
        middle = QWidget()
        middle_column = QVBoxLayout(middle)
        top = QHBoxLayout()
        top.addWidget(_label("&Name:", self.name))
        top.addWidget(self.name, 1)
        top.addWidget(self.insert_button)
        middle_column.addLayout(top)
        middle_column.addWidget(self.editor, 1)
        middle_column.addWidget(hint)
        middle_column.addWidget(self.problems)
        middle_column.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)

        # the preview
        who = selection.current[1] if selection.current else "a sample client (Mrs Webber)"
        self.preview_label = ElidedLabel(f"Preview for {who}")
        self.preview_status = QLabel("Making the preview…")
        self.preview_status.setObjectName("preview_status")
        self.preview_status.setAccessibleName("Preview status")
        self.preview_status.setStyleSheet("color: #8a5a00;")
        self.preview_status.hide()
        self.preview = PdfView()
        right = QWidget()
        right_column = QVBoxLayout(right)
        heading = QHBoxLayout()
        heading.addWidget(self.preview_label, 1)
        heading.addWidget(self.preview_status)
        right_column.addLayout(heading)
        right_column.addWidget(self.preview, 1)

        splitter = QSplitter()
        for part in (left, middle, right):
            splitter.addWidget(part)
        splitter.setSizes([220, 520, 560])

        # who gets the letters
        self.picker = RecipientsPicker(db, selection, self.tasks, self)
        picker = self.picker
        self.recipients, self.tag, self.month = picker.recipients, picker.tag, picker.month
        self.count = picker.count
        self.labels = QCheckBox("Address &labels too")
        from crmdesk.documents.labels import sheet_for
        from crmdesk.services.shop import get_shop

        sheet = sheet_for(get_shop(db).paper)
        self.start_at = QSpinBox()  # a sheet used before starts at its first free label
        self.start_at.setAccessibleName("Start at label")
        self.start_at.setRange(1, sheet.per_page)
        self.start_at.setPrefix("from label ")
        self.start_at.setToolTip(
            f"{sheet.name}: labels 1 to {sheet.per_page}, numbered "
            "along each row. Start part-way down a sheet used before."
        )
        self.start_at.setEnabled(False)
        self.labels.toggled.connect(self.start_at.setEnabled)
        self.print_button = QPushButton("&Print…")
        self.print_button.setAccessibleName("Print")
        self.pdf_button = QPushButton("Save as P&DF…")
        self.pdf_button.setAccessibleName("Save as PDF")
        close = QPushButton("Close")
        bottom = QHBoxLayout()  # what comes out
        bottom.addWidget(self.labels)
        bottom.addWidget(self.start_at)
        bottom.addStretch(1)
        bottom.addWidget(self.print_button)
        bottom.addWidget(self.pdf_button)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.picker)  # who gets the letters
        layout.addLayout(bottom)

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(300)
        self._progress_timer = QTimer(self)
        self._progress_timer.setInterval(100)
        save = QAction(self)
        save.setShortcuts(QKeySequence.StandardKey.Save)
        self.addAction(save)

        self.template_list.selectionModel().currentChanged.connect(
            self._on_template_list_current_changed
        )
        new_button.clicked.connect(self._on_new_button_clicked)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        save.triggered.connect(self._on_save_button_clicked)
        self.editor.textChanged.connect(self._on_editor_text_changed)
        self.name.textEdited.connect(self._on_editor_text_changed)
        self._check_timer.timeout.connect(self._on_check_timer_timeout)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.pdf_button.clicked.connect(self._on_pdf_button_clicked)
        close.clicked.connect(self.close)
        self._progress_timer.timeout.connect(self._on_progress_timer_timeout)

        self._load_templates()

    # ------------------------------------------------------------------ templates

    def _load_templates(self, select: str | None = None) -> None:
        self.templates.clear()
        for template in letters.list_templates(self.db):
            item = QStandardItem(
                template.name + ("" if template.builtin and template.shipped else "  ✎")
            )
            item.setData(template, TEMPLATE_ROLE)
            self.templates.appendRow(item)
        row = 0
        for n in range(self.templates.rowCount()):
            if self.templates.item(n).data(TEMPLATE_ROLE).name == select:
                row = n
        self.template_list.setCurrentIndex(self.templates.index(row, 0))

    def choose_template(self, name: str) -> None:
        for n in range(self.templates.rowCount()):
            if self.templates.item(n).data(TEMPLATE_ROLE).name == name:
                self.template_list.setCurrentIndex(self.templates.index(n, 0))
                return
        raise KeyError(name)

    def _on_template_list_current_changed(
        self, current: QModelIndex, previous: QModelIndex
    ) -> None:
        if not current.isValid():
            return
        if self._dirty and previous.isValid() and not self._keep_or_drop_edits():
            self.template_list.selectionModel().blockSignals(True)
            self.template_list.setCurrentIndex(previous)
            self.template_list.selectionModel().blockSignals(False)
            return
        self._show_template(current.data(TEMPLATE_ROLE))

    def _show_template(self, template: TemplateRecord) -> None:
        self._template = template
        self.name.setText(template.name)
        self.editor.blockSignals(True)
        self.editor.setPlainText(template.body)
        self.editor.blockSignals(False)
        self._dirty = False
        self.delete_button.setEnabled(bool(template.id))
        self.delete_button.setText("Restore original" if template.builtin else "Delete")
        self._on_check_timer_timeout()

    def _keep_or_drop_edits(self) -> bool:
        """Ask what to do with unsaved edits; False means stay on this template."""
        answer = QMessageBox.question(
            self, "Unsaved template",
            f"Save your changes to “{self.name.text()}” first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )  # fmt: skip
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer == QMessageBox.StandardButton.Save:
            return self.save_template()
        return True

    def save_template(self) -> bool:
        try:
            changes = letters.save_template(
                self.db, self._template, self.name.text(), self.editor.toPlainText()
            )
        except CrmError as exc:
            QMessageBox.warning(self, "Cannot save the template", str(exc))
            return False
        self._dirty = False
        name = self.name.text().strip()
        self._load_templates(select=name)
        self.window().setWindowTitle(f"Letters — saved “{name}”")
        self.changed.emit(changes)  # (Ctrl+Z in the main window takes it back)
        return True

    def _on_save_button_clicked(self) -> None:
        self.save_template()

    def _on_new_button_clicked(self) -> None:
        if self._dirty and not self._keep_or_drop_edits():
            return
        self.template_list.clearSelection()
        self._show_template(TemplateRecord("", "", "Dear {{ client.greeting_name }},\n\n"))
        self.name.setText("New letter")
        self._dirty = True
        self.name.setFocus()
        self.name.selectAll()

    def _on_delete_button_clicked(self) -> None:
        template = self._template
        if template is None or not template.id:
            return
        what = "the original comes back" if template.builtin else "it goes to the Trash"
        sure = QMessageBox.question(self, "Delete template", f"Delete “{template.name}”? ({what})")
        if sure == QMessageBox.StandardButton.Yes:
            changes = letters.delete_template(self.db, template.id)
            self._dirty = False
            self.changed.emit(changes)
            self._load_templates(select=template.name)

    def _field_menu(self) -> QMenu:
        menu = QMenu(self)
        client = menu.addMenu("Client")
        for key, label in templating.CLIENT_FIELDS.items():
            if key != "facts":
                client.addAction(label).triggered.connect(
                    lambda _=False, k=key: self.insert_field(f"client.{k}")
                )
        facts = menu.addMenu("Things to remember")  # filled once read (30–70 ms at 100,000)
        facts.setEnabled(False)
        db = self.db
        self.tasks.run(
            lambda: letters.fact_labels(db), lambda found: self._fill_facts(facts, found)
        )
        shop = menu.addMenu("Shop")
        for key, label in templating.SHOP_FIELDS.items():
            shop.addAction(label).triggered.connect(
                lambda _=False, k=key: self.insert_field(f"shop.{k}")
            )
        menu.addAction("Today's date").triggered.connect(lambda: self.insert_field("today"))
        return menu

    def insert_field(self, expression: str) -> None:
        self.editor.insertPlainText(f"{{{{ {expression} }}}}")
        self.editor.setFocus()

    # ------------------------------------------------------------------ checking, preview

    def _on_editor_text_changed(self) -> None:
        self._dirty = True
        self._preview_wanted = None  # a preview of the text before this edit is not shown
        self._show_preview_state()
        self._check_timer.start()

    def _on_check_timer_timeout(self) -> None:
        """Show what is wrong at its line, or the real PDF for the chosen client. The letter
        is filled in and drawn on the worker (a template may take up to half a second);
        while one preview is made, only the newest text waits for the next."""
        source = self.editor.toPlainText()
        problems = templating.check(source)
        self._show_problems(problems)
        if problems:
            self._preview_wanted = None  # a preview still being made is not shown
            self._preview_stop.set()
            self._preview_shown = None
            self.preview.show_message("The preview shows once the problems are fixed.")
            self._show_preview_state()
            self.preview_updated.emit()
            return
        self._preview_wanted = source
        if self._preview_source is None:
            self._start_preview(source)
        elif self._preview_source != source:
            self._preview_stop.set()  # an older text's preview: stop it, make this one next
        self._show_preview_state()

    def _show_problems(self, problems: list[templating.Problem]) -> None:
        self._mark_lines([p.line for p in problems])
        self.problems.setText("\n".join(str(p) for p in problems))
        self._problems_found = bool(problems)
        self._show_preview_state()

    def _show_preview_state(self) -> None:
        """Print and Save as PDF only once the preview of the text in the editor is there
        (and the template has no problems); until then "Making the preview…"."""
        current = self._preview_shown == self.editor.toPlainText()
        waiting = not self._problems_found and not current
        self.preview_status.setVisible(waiting)
        for button in (self.print_button, self.pdf_button):
            button.setEnabled(current and not self._problems_found)
            if self._problems_found:
                button.setToolTip("Fix the problems shown under the text first.")
            else:
                button.setToolTip("Wait for the preview of this text." if waiting else "")

    def _start_preview(self, source: str) -> None:
        db, client = self.db, self.selection.current[0] if self.selection.current else None
        stop = self._preview_stop = threading.Event()
        width = self.preview.drawing_width() if self.preview.isVisible() else 0

        def work() -> tuple[bytes, int, list[QImage]]:
            buffer = io.BytesIO()
            pages = letters.preview(db, source, client, buffer, cancelled=stop.is_set)
            drawn = render_pages(buffer.getvalue(), width) if width else []  # (here, not
            return buffer.getvalue(), pages, drawn  # on the GUI thread)

        self._preview_source = source
        self.tasks.run(work, self._on_preview_made, self._on_preview_failed)

    def _preview_is_current(self) -> bool:
        """After a preview: is it for the text now in the editor? If not, make the next."""
        made, self._preview_source = self._preview_source, None
        if made == self._preview_wanted:
            return True
        if self._preview_wanted is not None:
            self._start_preview(self._preview_wanted)
        return False

    def _on_preview_made(self, made_pdf: tuple[bytes, int, list[QImage]]) -> None:
        pdf, pages, drawn = made_pdf
        made = self._preview_source
        if self._preview_is_current():
            self._preview_shown = made
            self.preview.show_pdf(pdf, pages, drawn)
            self._show_preview_state()
            self.preview_updated.emit()

    def _on_preview_failed(self, error: Exception) -> None:
        made = self._preview_source
        current = self._preview_is_current()  # (and the next preview can start)
        if isinstance(error, Cancelled):
            return  # stopped for a newer text, or for no text
        if not isinstance(error, CrmError):
            raise error
        if not current:
            return
        self._preview_shown = made  # what this text gives: the letter cannot be shown
        if isinstance(error, templating.TemplateLimitError):
            self._show_problems(error.problems)  # the template's fault: it cannot print
        else:
            self.problems.setText(str(error))
            self._show_preview_state()
        self.preview.show_message(str(error))
        self.preview_updated.emit()

    def _mark_lines(self, lines: list[int]) -> None:
        marks = []
        for line in sorted({n for n in lines if n > 0}):  # 0: no line to point at
            block = self.editor.document().findBlockByNumber(max(0, line - 1))
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(QColor("#fde7e9"))
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection.cursor = QTextCursor(block)
            marks.append(selection)
        self.editor.setExtraSelections(marks)

    def _fill_facts(self, menu: QMenu, labels: list[str]) -> None:
        for label in labels:
            quoted = label.replace('"', '\\"')
            menu.addAction(label).triggered.connect(
                lambda _=False, q=quoted: self.insert_field(f'client.facts["{q}"] | default("")')
            )
        menu.setEnabled(bool(labels))

    # ------------------------------------------------------------------ producing

    def _on_pdf_button_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Save letters as PDF", f"{self.name.text().strip() or 'letters'}.pdf",
            "PDF files (*.pdf)",
        )  # fmt: skip
        if name:
            self.save_pdf(Path(name if name.lower().endswith(".pdf") else name + ".pdf"))

    def _on_print_button_clicked(self) -> None:
        folder = Path(tempfile.mkdtemp(prefix="crmdesk-print-"))
        self.save_pdf(folder / "letters.pdf", then_print=True)

    def save_pdf(self, out: Path, then_print: bool = False) -> None:
        """Find the recipients and fill in their letters on the read lane (a tag may hold
        thousands of clients), ask about clients without an address, then write the PDF
        (and labels) on the write lane with a progress bar and Cancel."""
        if self._writing:
            return
        template = TemplateRecord(
            self._template.id if self._template else "",
            self.name.text().strip() or "Letter",
            self.editor.toPlainText(),
            self._template.builtin if self._template else "",
        )
        db, find = self.db, self.picker.finder()

        def prepare() -> LetterBatch | None:
            ids = find()
            return letters.prepare(db, template, ids) if ids else None

        self._writing = True  # (from now: the window stays until the letters are written)
        self.runner.reads.run(
            prepare, lambda batch: self._write(batch, out, then_print), self._on_unprepared
        )

    def _on_unprepared(self, error: Exception) -> None:
        self._writing = False
        if not isinstance(error, CrmError):
            raise error
        QMessageBox.warning(self, "Cannot write these letters", str(error))

    def _write(self, batch: LetterBatch | None, out: Path, then_print: bool) -> None:
        if batch is None:
            self._writing = False
            QMessageBox.information(self, "Letters", "Nobody is chosen to get this letter.")
            return
        include = ask_about_missing(self, batch)
        if include is None:
            self._writing = False
            return
        labels = out.with_name(out.stem + "-labels.pdf") if self.labels.isChecked() else None
        start_at = self.start_at.value()  # (read here: the worker may not touch a widget)
        self._cancel.clear()
        self._done = 0
        self._progress = QProgressDialog(
            "Writing letters…", "Cancel", 0, len(batch.chosen(include)), self
        )
        self._progress.setWindowTitle("Letters")
        self._progress.setMinimumDuration(300)
        self._progress.canceled.connect(self._cancel.set)
        self._progress_timer.start()
        db = self.db

        def work() -> LetterRun:
            return letters.produce(db, batch, out, include_without_address=include,
                                   labels=labels, labels_start_at=start_at,
                                   progress=self._report)  # fmt: skip

        self.runner.writes.run(work, lambda run: self._on_written(run, then_print), self._on_failed)

    def _report(self, n: int, _total: int) -> bool:
        """Called on the worker thread as each letter starts."""
        self._done = n
        return not self._cancel.is_set()

    def _on_progress_timer_timeout(self) -> None:
        self._progress.setValue(self._done)

    def _finish_progress(self) -> None:
        self._writing = False
        self._progress_timer.stop()
        self._progress.reset()
        self._progress.deleteLater()

    def _on_written(self, run: LetterRun, then_print: bool) -> None:
        self._finish_progress()
        self.last_run = run
        self.changed.emit(run.changes)
        if then_print:
            print_pdf(run.path, self)
            if run.labels_path is not None:
                print_pdf(run.labels_path, self)

    def _on_failed(self, error: Exception) -> None:
        self._finish_progress()
        if isinstance(error, Cancelled):
            return
        if not isinstance(error, CrmError | OSError):
            raise error
        show_problem(self, "The letters were not written", error)

    def closeEvent(self, event: object) -> None:
        if self._dirty and not self._keep_or_drop_edits():
            event.ignore()  # type: ignore[attr-defined]
            return
        if self._writing:  # the progress bar's Cancel stops the letters; then it may close
            event.ignore()  # type: ignore[attr-defined]
            return
        self._preview_wanted = None
        self._preview_stop.set()  # at its next page
        self.tasks.abandon()  # a preview is not waited for: its result is dropped
        super().closeEvent(event)  # type: ignore[arg-type]

    def done(self, result: int) -> None:
        if self._writing:
            return  # (Esc while the letters are written: Cancel on the progress bar stops them)
        super().done(result)

    @property
    def writing(self) -> bool:
        """Letters are being written (and logged) in the background."""
        return self._writing
