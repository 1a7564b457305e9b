"""Reports: choose a period, see the report with its charts, save it as a PDF or print it.

The window shows the very PDF that is saved and printed (one layout, ReportLab's), so what
the shop owner reads on screen is what lands on paper.
"""

from __future__ import annotations

import io
import sys
import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.documents.output import write_atomically
from crmdesk.documents.report import write_report
from crmdesk.errors import CrmError
from crmdesk.gui.pdf_view import PdfView, print_pdf, render_pages
from crmdesk.gui.taskman import TaskManager
from crmdesk.gui.widgets import resize_within_screen
from crmdesk.services import reports, shop
from crmdesk.services.reports import Report, percent
from crmdesk.store.database import Database
from crmdesk.wording import count


def period_choices(today: date) -> list[str]:
    """This quarter and the seven before, this month and the eleven before, this year and
    the two before."""
    quarter = reports.current_quarter(today).label
    month = f"{today.year}-{today.month:02d}"
    return (
        [reports.parse_period(quarter).label]
        + [reports.step_period(quarter, -k) for k in range(1, 8)]
        + [reports.step_period(month, -k) for k in range(12)]
        + [str(today.year - k) for k in range(3)]
    )


class ReportsDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Reports")
        self.setAccessibleName("Reports")
        resize_within_screen(self, 980, 860)
        self.db = db
        self.report: Report | None = None
        self.pdf = b""
        self._tasks = TaskManager(self)
        self._asked = self._shown = 0
        self.period = QComboBox()
        self.period.setAccessibleName("Period")
        self.period.setEditable(True)  # 2026-H1 or any other period can be typed
        self.period.addItems(period_choices(date.today()))
        self.summary = QLabel()
        self.summary.setObjectName("report_summary")
        self.summary.setWordWrap(True)
        self.preview = PdfView(self)
        self.save_button = QPushButton("&Save PDF…")
        self.save_button.setAccessibleName("Save report as PDF")
        self.print_button = QPushButton("&Print…")
        self.print_button.setAccessibleName("Print report")
        close = QPushButton("Close")
        top = QHBoxLayout()
        label = QLabel("&Period:")
        label.setBuddy(self.period)
        top.addWidget(label)
        top.addWidget(self.period)
        top.addStretch(1)
        top.addWidget(self.save_button)
        top.addWidget(self.print_button)
        top.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.preview, 1)
        self.period.currentTextChanged.connect(self.show_period)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        close.clicked.connect(self.reject)
        self.show_period(self.period.currentText())

    def show_period(self, text: str) -> None:
        """Work out the period's report and its PDF in the background (seconds at 100,000
        clients): the window keeps answering, says what it is doing, and offers Save and
        Print only for the report on screen. A newer choice supersedes one under way."""
        try:
            period = reports.parse_period(text)
        except CrmError as exc:
            self.summary.setText(str(exc))
            return
        self._asked += 1
        asked = self._asked
        self.save_button.setEnabled(False)
        self.print_button.setEnabled(False)
        self.summary.setText(f"Working out the report for {period.label}…")
        db = self.db
        width = self.preview.drawing_width() if self.preview.isVisible() else 0

        def work() -> tuple[Report, bytes, list[QImage]]:
            report = reports.report(db, period)
            profile = shop.get_shop(db)
            out = io.BytesIO()
            write_report(out, report, profile.name, profile.paper)
            drawn = render_pages(out.getvalue(), width) if width else []  # (not on the
            return report, out.getvalue(), drawn  # GUI thread)

        self._tasks.run(
            work,
            lambda made: self._show(asked, *made),
            lambda error: self._failed(asked, error),
        )

    @property
    def working(self) -> bool:
        """A report is being worked out or drawn: what is on screen may be about to change."""
        return self._shown != self._asked or self.preview.drawing

    def _show(self, asked: int, report: Report, pdf: bytes, drawn: list[QImage]) -> None:
        if asked != self._asked:
            return  # the period was changed meanwhile: its report is on its way
        self._shown = asked
        self.report, self.pdf = report, pdf
        self.preview.show_pdf(self.pdf, drawn=drawn)
        self.preview.verticalScrollBar().setValue(0)  # a new report starts at its top
        self.summary.setText(self._describe(self.report))
        self.save_button.setEnabled(True)
        self.print_button.setEnabled(True)

    def _failed(self, asked: int, error: Exception) -> None:
        if asked != self._asked:
            return
        self._shown = asked
        if isinstance(error, CrmError):
            self.summary.setText(str(error))
        else:
            sys.excepthook(type(error), error, error.__traceback__)

    def done(self, result: int) -> None:
        """Closing never waits for a report under way: it is dropped (it only reads)."""
        self._asked += 1
        self._tasks.abandon()
        super().done(result)

    @staticmethod
    def _describe(r: Report) -> str:
        kept = r.retention[-1]
        return (
            f"{reports.period_name(r.period.label, so_far='')} ({r.period.describe(r.as_of)}): "
            f"revenue {r.money(r.revenue_cents)} from {count(r.pareto.clients, 'client')}; "
            f"the top 20% brought {percent(r.pareto.top_share)}; "
            f"retention {percent(kept.rate)}, repeat-purchase rate {percent(r.repeat.rate)}."
        )

    def save_pdf(self, out: Path) -> None:
        data = self.pdf
        write_atomically(out, lambda part: part.write_bytes(data))

    def _on_save_button_clicked(self) -> None:
        if self.report is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self, "Save report", f"report-{self.report.period.label}.pdf", "PDF (*.pdf)"
        )
        if not name:
            return
        try:
            self.save_pdf(Path(name))
        except CrmError as exc:  # (the disk's refusals, translated where the file is written)
            QMessageBox.warning(self, "Cannot save the report", str(exc))

    def _on_print_button_clicked(self) -> None:
        if not self.pdf:
            return
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "report.pdf"
            path.write_bytes(self.pdf)
            print_pdf(path, self)
