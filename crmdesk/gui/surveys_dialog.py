"""Surveys: print forms, type in the answers (keyboard only: code, Enter, score, Enter…),
see the Net Promoter Score, and work through who to call back or thank."""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QImage, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from crmdesk.documents.letters import Cancelled
from crmdesk.errors import CrmError
from crmdesk.gui.columns import DATE, FIT, LABEL, NAME, TEXT, ColumnFitter, Sizing
from crmdesk.gui.handwriting import WrittenColumn, read_written
from crmdesk.gui.letters_dialog import Selection
from crmdesk.gui.nps_chart import NpsChart
from crmdesk.gui.pdf_view import print_pdf
from crmdesk.gui.runner import Runner
from crmdesk.gui.scan_in import ScanInTab
from crmdesk.gui.survey_entry import SurveyEntry
from crmdesk.gui.tags import when_tags_known
from crmdesk.gui.taskman import TaskManager
from crmdesk.gui.widgets import elide, fit_combo, resize_within_screen
from crmdesk.services import letters, nps, surveys
from crmdesk.services.answer_images import KeptImage
from crmdesk.services.changes import Changes
from crmdesk.services.date_text import day_text, moment_text
from crmdesk.store.database import Database
from crmdesk.wording import count

WRITTEN = 5  # the answers' column of what was written on the form


def _table(
    name: str, headers: list[str], sizings: list[Sizing]
) -> tuple[QTableView, QStandardItemModel]:
    model = QStandardItemModel(0, len(headers))
    model.setHorizontalHeaderLabels(headers)
    view = QTableView()
    view.setAccessibleName(name)
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().hide()
    ColumnFitter(view, sizings)  # (kept by the view)
    return view, model


@dataclass(frozen=True)
class _Figures:
    """What the score and follow-up tabs show, worked out together off the GUI thread."""

    periods: list[nps.PeriodScore]
    total: nps.PeriodScore
    loop: tuple[int, int]  # closed, to close
    counts: list[int]  # answers per score 0..10
    queue: list[surveys.FollowUp]


class SurveysDialog(QDialog):
    changed = Signal(object)  # Changes, for the main window to refresh and offer Undo
    forms_written = Signal(object)  # the PDF's Path, once written and recorded
    follow_up_requested = Signal(str, str)  # client id, name: log the contact

    def __init__(
        self,
        db: Database,
        selection: Selection,
        parent: QWidget | None = None,
        runner: Runner | None = None,  # the app's (its write lane: forms are recorded)
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Surveys")
        self.setAccessibleName("Surveys")
        resize_within_screen(self, 1000, 700)
        self.runner = runner or Runner(self)  # forms are written in the background
        self._writing = False
        self._figures = TaskManager(self)  # the score's reads, dropped when the window closes
        self._asked = self._shown = 0
        self.db, self.selection = db, selection
        self.survey = surveys.builtin_survey(db, keep=False)  # (opening writes nothing)
        self._period = ""
        self.tabs = QTabWidget()
        self.tabs.addTab(self._print_tab(), "&Print forms")
        self.tabs.addTab(self._entry_tab(), "&Enter answers")
        self.tabs.addTab(self._score_tab(), "&Score")
        self.tabs.addTab(self._queue_tab(), "&Follow up")
        self.scan_in = ScanInTab(db, self.runner)
        self.scan_in.changed.connect(self._on_entry_changed)
        self.tabs.addTab(self.scan_in, "Read s&cans")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.refresh()
        when_tags_known(db, self._figures, self._add_tags)

    def _add_tags(self, tags: list[str]) -> None:
        """Forms for everyone with a tag, and the score of a tag's clients."""
        at = self.form_for.count() - 1  # before the blank forms
        for k, tag in enumerate(tags):
            self.form_for.insertItem(at + k, f"every client tagged “{tag}”", ("tag", tag))
        fit_combo(self.form_for)
        for k, tag in enumerate(tags):
            self.tag_filter.insertItem(1 + k, f"tagged “{tag}”", ("tag", tag))
        fit_combo(self.tag_filter)

    def _on_tabs_current_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.entry:
            self.entry.code.setFocus()  # ready for the first form's code

    # ------------------------------------------------------------------ printing forms

    def _print_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.form_for = QComboBox()
        self.form_for.setAccessibleName("Forms for")
        s = self.selection
        if s.current:
            name = elide(s.current[1], self)
            self.form_for.addItem(f"this client ({name})", ("ids", (s.current[0],)))
        if len(s.selected) > 1:
            self.form_for.addItem(f"the {len(s.selected)} clients selected in the list",
                                  ("ids", s.selected))  # fmt: skip
        self.form_for.addItem("blank forms for the counter", ("blank", None))  # (tags: below)
        fit_combo(self.form_for)
        self.blank = QSpinBox()
        self.blank.setAccessibleName("Number of blank forms")
        self.blank.setRange(1, 5000)
        self.blank.setValue(20)
        self.paper = QComboBox()
        self.paper.setAccessibleName("Paper")
        self.paper.addItems(["A4", "Letter"])
        from crmdesk.services.shop import get_shop

        self.paper.setCurrentText(get_shop(self.db).paper)
        self.print_button = QPushButton("Save forms as P&DF…")
        self.print_button.setAccessibleName("Save forms as PDF")
        self.printer_button = QPushButton("Pr&int…")  # as in Letters: straight to a printer
        self.printer_button.setAccessibleName("Print forms")
        self.survey_choice = QComboBox()
        self.survey_choice.setAccessibleName("Survey")
        edit = QPushButton("E&dit survey…")
        new = QPushButton("&New survey…")
        row = QHBoxLayout()
        row.addWidget(self.survey_choice, 1)
        row.addWidget(edit)
        row.addWidget(new)
        caption = QLabel("Sur&vey:")  # (a row of several widgets gets no buddy by itself)
        caption.setBuddy(self.survey_choice)
        form.addRow(caption, row)
        self._fill_surveys()
        self.survey_choice.currentIndexChanged.connect(self._on_survey_choice_changed)
        edit.clicked.connect(lambda: self._edit_survey(self.survey))
        new.clicked.connect(lambda: self._edit_survey(None))
        form.addRow("Forms fo&r:", self.form_for)
        form.addRow("&How many blank forms:", self.blank)
        form.addRow("P&aper:", self.paper)
        buttons = QHBoxLayout()
        buttons.addWidget(self.printer_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        form.addRow("", buttons)
        self.print_result = QLabel()
        self.print_result.setWordWrap(True)
        form.addRow("", self.print_result)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.printer_button.clicked.connect(self._on_printer_button_clicked)
        return page

    def _fill_surveys(self, select: str | None = None) -> None:
        self.survey_choice.blockSignals(True)
        self.survey_choice.clear()
        for survey in surveys.list_surveys(self.db):
            self.survey_choice.addItem(survey.name, survey)
            if survey.id == (select or self.survey.id):
                self.survey_choice.setCurrentIndex(self.survey_choice.count() - 1)
        fit_combo(self.survey_choice)
        self.survey_choice.blockSignals(False)
        self.survey = self.survey_choice.currentData()

    def _on_survey_choice_changed(self) -> None:
        self.survey = self.survey_choice.currentData()

    def _edit_survey(self, survey: surveys.SurveyRecord | None) -> None:
        from crmdesk.gui.dialogs import SurveyDialog

        dialog = SurveyDialog(self.db, survey, parent=self)
        dialog.use_runner(self.runner)  # saved on the write lane, behind the forms
        try:
            if dialog.exec() and dialog.changes is not None:
                self.changed.emit(dialog.changes)  # (Undo and the other views)
                self._fill_surveys(select=dialog.changes.created_id or self.survey.id)
                self.entry.refresh_surveys()
        finally:
            dialog.deleteLater()

    def _on_print_button_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Save survey forms", "survey-forms.pdf",
                                              "PDF files (*.pdf)")  # fmt: skip
        if name:
            self.save_forms(Path(name))

    def _on_printer_button_clicked(self) -> None:
        """Write the forms (recorded as issued, like saving them) and send them to the
        printer chosen in the system's print dialog."""
        folder = Path(tempfile.mkdtemp(prefix="crmdesk-print-"))
        self.save_forms(folder / "survey-forms.pdf", then_print=True)

    def done(self, result: int) -> None:
        """Not closed while forms are being written: Cancel on their progress bar stops
        them (and then the window closes as usual)."""
        if self._writing:
            return
        self._asked += 1
        self._figures.abandon()  # (it only reads; the app waits for it before closing the file)
        super().done(result)

    @property
    def writing(self) -> bool:
        """Forms are being written in the background."""
        return self._writing

    def save_forms(self, out: Path, then_print: bool = False) -> None:
        """Write the forms in the background (a thousand take about 12 s), with a progress
        bar and Cancel; `forms_written` says when they are on disk and recorded."""
        kind, value = self.form_for.currentData()
        ids: list[str] = []
        blank = 0
        if kind == "ids":
            ids = list(value)
        elif kind == "tag":
            ids = letters.clients_with_tag(self.db, value)
        else:
            blank = self.blank.value()
        db, survey, paper = self.db, self.survey, self.paper.currentText()
        self.print_button.setEnabled(False)
        self.printer_button.setEnabled(False)
        self._writing = True
        self.runner.op(
            lambda progress: surveys.print_forms(db, survey, out, client_ids=ids, blank=blank,
                                                 paper=paper, progress=progress),
            parent=self,
        ).progress("Writing survey forms…", len(ids) or blank).success(
            lambda run: self._on_forms_written(run, out, then_print)
        ).failure(self._on_forms_failed).write()  # fmt: skip

    def _on_forms_written(self, run: surveys.FormRun, out: Path, then_print: bool) -> None:
        self._writing = False
        self.print_button.setEnabled(True)
        self.printer_button.setEnabled(True)
        held = "".join(f"\nNo form for {name}: {why}." for name, why in run.held_back)
        self.print_result.setText(f"Wrote {count(len(run.forms), 'form')} to {out}. Type each "
                                  "code in Enter answers when they come back." + held)  # fmt: skip
        self.changed.emit(run.changes)
        self.forms_written.emit(out)
        if then_print:
            print_pdf(out, self)

    def _on_forms_failed(self, error: Exception) -> None:
        self._writing = False
        self.print_button.setEnabled(True)
        self.printer_button.setEnabled(True)
        if isinstance(error, Cancelled):
            self.print_result.setText("Cancelled: no forms were written or recorded.")
        elif isinstance(error, CrmError):
            QMessageBox.warning(self, "No forms were printed", str(error))
        else:
            sys.excepthook(type(error), error, error.__traceback__)

    # ------------------------------------------------------------------ entering answers

    def _entry_tab(self) -> QWidget:
        self.entry = SurveyEntry(self.db)
        self.entry.changed.connect(self._on_entry_changed)
        return self.entry

    def _on_entry_changed(self, changes: Changes) -> None:
        self.changed.emit(changes)
        self.refresh()

    # ------------------------------------------------------------------ the score

    def _score_tab(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        top = QHBoxLayout()
        self.score_label = QLabel()
        self.score_label.setObjectName("nps")
        self.score_label.setAccessibleName("Net Promoter Score")
        font = self.score_label.font()
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        self.score_label.setFont(font)
        self.score_detail = QLabel()
        self.score_detail.setWordWrap(True)
        self.by = QComboBox()
        self.by.setAccessibleName("Group by")
        self.by.addItems(["month", "quarter", "year"])
        self.tag_filter = QComboBox()
        self.tag_filter.setAccessibleName("Only these clients")
        self.tag_filter.addItem("all clients", None)  # (tags: _add_tags)
        from crmdesk.services.retention import STAGES

        for stage in STAGES[1:]:  # (a prospect has not bought: rarely surveyed)
            self.tag_filter.addItem(f"{stage} clients (stage today)", ("stage", stage))
        fit_combo(self.tag_filter)
        top.addWidget(self.score_label)
        top.addWidget(self.score_detail, 1)
        top.addWidget(QLabel("By"))
        top.addWidget(self.by)
        top.addWidget(self.tag_filter)
        self.chart = NpsChart()
        self.distribution = QLabel()
        self.distribution.setAccessibleName("Scores given, 0 to 10")
        self.answers_view, self.answers_model = _table(
            "Answers",
            ["When", "Client", "Score", "Reason", "Other answers", "Written on the form"],
            [DATE, NAME, FIT, TEXT, TEXT, FIT],  # the reason and the other answers share the rest
        )
        self.written = WrittenColumn(self.answers_view, self.answers_model, WRITTEN)
        column.addLayout(top)
        column.addWidget(self.chart, 2)
        column.addWidget(self.distribution)
        self.group = QComboBox()
        self.group.setAccessibleName("Show answers of")
        for label, key in (
            ("all answers", None),
            ("promoters (9–10)", "promoter"),
            ("passives (7–8)", "passive"),
            ("detractors (0–6)", "detractor"),
        ):
            self.group.addItem(label, key)  # fmt: skip
        hint = QHBoxLayout()
        few = nps.MIN_ANSWERS
        how_to_read = QLabel(f"Click a bar to see its answers. * and a pale bar: fewer than "
                             f"{few} answers, read the score with care. Show:")  # fmt: skip
        how_to_read.setWordWrap(True)  # a narrow screen wraps it rather than widening the window
        hint.addWidget(how_to_read, 1)
        hint.addWidget(self.group)
        column.addLayout(hint)
        column.addWidget(self.answers_view, 1)
        self.by.currentIndexChanged.connect(self.refresh)
        self.tag_filter.currentIndexChanged.connect(self.refresh)
        self.chart.period_clicked.connect(self.show_period)
        self.group.currentIndexChanged.connect(self._on_group_changed)
        return page

    def _on_group_changed(self) -> None:
        if self._period:
            self.show_period(self._period)

    def show_period(self, period: str) -> None:
        self._period = period
        self.answers_model.removeRows(0, self.answers_model.rowCount())
        self.written.clear()
        group, who = self.group.currentData(), self._who()
        ids = []
        for a in nps.answers_in(self.db, self.by.currentText(), period, group, **who):
            other = QStandardItem(" · ".join(a.other))
            other.setToolTip("\n".join(a.other))
            reason = QStandardItem(a.reason)
            reason.setToolTip(a.reason)
            when = QStandardItem(day_text(a.answered_at))
            when.setData(a.answer_id, Qt.ItemDataRole.UserRole)
            self.answers_model.appendRow([
                when, QStandardItem(a.client_name or "anonymous"),
                QStandardItem(str(a.score)), reason, other, QStandardItem(),
            ])  # fmt: skip
            ids.append(a.answer_id)
        db, asked = self.db, (period, self._asked)
        # the handwriting (a few KB an answer) read and its PNGs decoded beside the window
        # (hundreds of answers take a good part of a second), shown as it comes
        self._figures.run(lambda: read_written(db, ids),
                          lambda got: self._show_written(asked, *got))  # fmt: skip

    def _show_written(self, asked: tuple[str, int], found: dict[str, list[KeptImage]],
                      pictures: dict[str, QImage]) -> None:  # fmt: skip
        if asked == (self._period, self._asked):  # (not another period shown meanwhile)
            self.written.show(found, pictures)

    # ------------------------------------------------------------------ follow up

    def _queue_tab(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        self.loop_label = QLabel()
        self.loop_label.setObjectName("close_the_loop")
        self.loop_label.setWordWrap(True)
        self.queue_view, self.queue_model = _table(
            "Follow up",
            ["Due", "Client", "Score", "What to do", "Reason"],
            [DATE, NAME, FIT, LABEL, TEXT],
        )
        self.log_button = QPushButton("&Log contact with this client…")
        self.log_button.setAccessibleName("Log contact")
        column.addWidget(self.loop_label)
        column.addWidget(self.queue_view, 1)
        column.addWidget(self.log_button, 0, Qt.AlignmentFlag.AlignRight)
        self.log_button.clicked.connect(self._on_log_button_clicked)
        self.queue_view.doubleClicked.connect(self._on_log_button_clicked)
        return page

    def _on_log_button_clicked(self) -> None:
        index = self.queue_view.currentIndex()
        if index.isValid():
            item = self.queue_model.item(index.row(), 1)
            self.follow_up_requested.emit(item.data(Qt.ItemDataRole.UserRole), item.text())

    def _who(self) -> dict[str, str]:
        """The filter chosen: {"tag": …}, {"stage": …} or {} for all clients."""
        chosen = self.tag_filter.currentData()
        return {chosen[0]: chosen[1]} if chosen else {}

    def refresh(self, *_args: object) -> None:
        """Work the score, the chart and the follow-up queue out again, in the background
        (a third of a second at 100,000 clients); what is shown stays until then."""
        who, by, db = self._who(), self.by.currentText(), self.db
        self._asked += 1
        asked = self._asked

        def work() -> _Figures:
            return _Figures(
                periods=nps.by_period(db, by, **who),
                total=nps.overall(db, **who),
                loop=surveys.close_the_loop_rate(db),
                counts=nps.distribution(db, **who),
                queue=surveys.follow_ups(db),
            )

        self._figures.run(work, lambda figures: self._show_figures(asked, figures))

    @property
    def updating(self) -> bool:
        """The figures on screen are about to be replaced by newer ones."""
        return self._shown != self._asked

    def _show_figures(self, asked: int, f: _Figures) -> None:
        if asked != self._asked:
            return  # a newer refresh is on its way
        self._shown = asked
        total, (closed, to_close), queue = f.total, f.loop, f.queue
        self.chart.show_periods(f.periods)
        self.score_label.setText(f"NPS {nps.shown(total.nps)}")
        loop = f"{100 * closed // to_close}%" if to_close else "—"
        warn = (
            f" Fewer than {nps.MIN_ANSWERS} answers: read it with care."
            if total.few and total.answers
            else ""
        )
        self.score_detail.setText(
            f"{count(total.answers, 'answer')}: {count(total.promoters, 'promoter')}, "
            f"{count(total.passives, 'passive')}, {count(total.detractors, 'detractor')}."
            f"{warn} Closed the loop: {loop}."
        )
        self.distribution.setText(
            "Scores given:  " + "   ".join(f"{n}: {c}" for n, c in enumerate(f.counts))
        )
        self.loop_label.setText(
            f"{len(queue)} to follow up — detractors within 48 hours, promoters within 7 days. "
            f"Closed the loop with {closed} of {to_close} ({loop})."
        )
        self.queue_model.removeRows(0, self.queue_model.rowCount())
        now = datetime.now()
        for item in queue:
            due = QStandardItem(
                moment_text(item.due_at) + ("  overdue" if item.overdue(now) else "")
            )
            if item.overdue(now):
                due.setForeground(QColor("#b00020"))
            name = QStandardItem(item.client_name)
            name.setData(item.client_id, Qt.ItemDataRole.UserRole)
            rest = [QStandardItem(t) for t in (str(item.score), item.action, item.reason)]
            for cell in rest:
                cell.setToolTip(cell.text())
            self.queue_model.appendRow([due, name, *rest])
        self.tabs.setTabText(3, f"&Follow up ({len(queue)})")

    def after_change(self, _changes: Changes) -> None:
        self.refresh()
