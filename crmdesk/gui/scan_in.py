"""Surveys ▸ Read scans: scanned forms read in the background (progress, Cancel), then
the check, keyboard first: for each page the reader was not sure of, each row it doubts in
turn — the score, then each consent, then each extra question — its cut-out shown, with
why: Enter accepts the reading proposed; the score typed and Enter corrects it, N = no
answer; a consent Y = yes, N = no; a question its box's number and Enter, N = no answer;
S skips the page, P = the whole page (upright; Esc back to the row); a page whose QR
code did not read asks for the code printed under it, with the whole page shown. A page
is done once each of its rows is; the sure pages and the checked ones are then recorded
together, with the handwriting cut out of each: one step Undo takes back."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from crmdesk.errors import CrmError
from crmdesk.gui.runner import Runner
from crmdesk.gui.widgets import FieldError
from crmdesk.services.scan_in.pages import count_pages, files_in
from crmdesk.store.database import Database
from crmdesk.wording import count

if TYPE_CHECKING:
    from crmdesk.services.scan_in.reading import Doubt, PageReading
    from crmdesk.services.scan_in.recording import Recorded

# The reader (numpy and its page arithmetic) is imported on the worker that reads the first
# scans, not with this tab: the Surveys window's module is imported in the background after
# a file opens, and numpy's import holds the interpreter for tens of milliseconds at a time.

SCANS = "Scans (*.png *.jpg *.jpeg *.tif *.tiff *.pdf *.PNG *.JPG *.JPEG *.TIF *.TIFF *.PDF)"


class ScanInTab(QWidget):
    changed = Signal(object)  # Changes: the batch recorded (one undo step)

    def __init__(self, db: Database, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.runner = db, runner
        self.readings: list[PageReading] = []
        self._todo: list[int] = []  # indexes of the pages still to check
        column = QVBoxLayout(self)
        top = QHBoxLayout()
        self.read_button = QPushButton("&Read scans…")
        self.read_button.setAccessibleName("Read scans")
        self.read_button.clicked.connect(self._on_read_button_clicked)
        top.addWidget(self.read_button)
        top.addStretch(1)
        column.addLayout(top)
        self.summary = QLabel("Scan the filled forms (any order, any way up) and read them in:"
                              " PNG, JPEG, TIFF or PDF.")  # fmt: skip
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("What was read")
        column.addWidget(self.summary)
        self.page_label = QLabel()
        self.page_label.setAccessibleName("Page to check")
        self.why = QLabel()
        self.why.setWordWrap(True)
        self.why.setAccessibleName("Why it is to check")
        # the rows doubted, cut out of the page (or the whole page, on P)
        self.rows = QWidget()
        self.rows.setAccessibleName("The rows to check, as scanned")
        self._rows_layout = QVBoxLayout(self.rows)
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        self.row_images: list[QLabel] = []
        self.page_image = QLabel()
        self.page_image.setAccessibleName("The whole page, upright")
        self.page_view = QScrollArea()
        self.page_view.setWidget(self.page_image)
        self.page_view.setAccessibleName("The whole page")
        self.page_button = QPushButton("Whole page (P)")
        self.page_button.setAccessibleName("Show the whole page")
        self.page_button.clicked.connect(self._on_page_button_clicked)
        self.answer = QLineEdit()
        self.answer.setAccessibleName("Score, or the form's code")
        self.answer.installEventFilter(self)
        self.answer.returnPressed.connect(self._on_answer_return_pressed)
        self.answer_error = FieldError("answer")
        heading = QHBoxLayout()
        heading.addWidget(self.page_label, 1)
        heading.addWidget(self.page_button)
        column.addLayout(heading)
        column.addWidget(self.why)
        column.addWidget(self.rows)
        column.addWidget(self.page_view, 4)
        column.addWidget(self.answer)
        column.addWidget(self.answer_error)
        column.addStretch(1)
        self._page_of: tuple[str, int] | None = None  # the page whose whole page is shown
        self._show_check(False)

    # ------------------------------------------------------------------ reading

    def _on_read_button_clicked(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Read scanned survey forms", "", SCANS)
        if names:
            self.read([Path(n) for n in names])

    def read(self, paths: list[Path]) -> None:
        """Read the scans in the background; then the check, or straight to recording."""
        try:
            files = files_in(paths)
            total = sum(count_pages(f) for f in files)
        except CrmError as exc:
            self.summary.setText(str(exc))
            return
        db = self.db
        self.read_button.setEnabled(False)
        self.runner.op(
            lambda progress: _read_files(db, files, progress), parent=self
        ).progress("Reading scanned forms…", total).success(self._on_read).failure(
            self._on_failed
        ).write()  # fmt: skip

    def _on_read(self, readings: list[PageReading]) -> None:
        self.readings = readings
        self._todo = [n for n, r in enumerate(readings) if _to_check(r)]
        sure = sum(1 for r in readings if r.recordable)
        blank = sum(1 for r in readings if r.kind == "blank")
        other = sum(1 for r in readings if r.kind == "other")
        left = sum(1 for r in readings if r.needs_check) - len(self._todo)
        empty = sum(1 for r in readings if _no_score(r))
        parts = [f"{sure} read surely", f"{len(self._todo)} to check"]
        parts += [f"{empty} with no score marked (not recorded)"] if empty else []
        parts += [count(blank, "blank page")] if blank else []
        parts += [f"{count(other, 'page')} not a crmdesk form"] if other else []
        parts += [f"{left} not to record (a form unknown or already entered)"] if left else []
        self.summary.setText(f"Read {count(len(readings), 'page')}: " + ", ".join(parts) + ".")
        self._next()

    def _on_failed(self, error: Exception) -> None:
        self.read_button.setEnabled(True)
        self.answer.setEnabled(True)
        self.summary.setText(str(error))

    # ------------------------------------------------------------------ the check

    def _next(self) -> None:
        if not self._todo:
            self._show_check(False)
            self._record()
            return
        r = self.readings[self._todo[0]]
        self._show_check(True)
        whose = ""
        if r.form is not None:
            whose = f" — {r.form.client_name or 'a blank form'}"
        self.page_label.setText(f"{count(len(self._todo), 'page')} to check. {r.file}, page "
                                f"{r.page}: form {r.code or '(code not read)'}{whose}")  # fmt: skip
        from crmdesk.services.scan_in.check import current  # (loaded by now)

        doubt = current(r)
        left = len(r.doubts) - 1
        more = f" ({count(left, 'more row')} on this page after it)" if left > 0 else ""
        self.why.setText(doubt.why[:1].upper() + doubt.why[1:] + more)  # (the JSON keeps it)
        self._show_rows(r, doubt.image)
        self.answer.setPlaceholderText(_hint(r, doubt))
        self.answer.clear()
        self.answer_error.show_problem(None)
        self.answer.setFocus()

    def _show_rows(self, r: PageReading, name: str) -> None:
        """The cut-out of the row being decided; a page with none to show (its QR code or
        its corner marks not read) is shown whole."""
        for label in self.row_images:
            label.deleteLater()
        self.row_images = []
        names = [name] if name in r.images else []
        for name in names:
            label = QLabel()
            label.setPixmap(_pixmap(r.images[name]))
            label.setAccessibleName(f"The {name} row as scanned")
            label.setToolTip(name.capitalize())
            self._rows_layout.addWidget(label)
            self.row_images.append(label)
        if names:
            self._show_whole_page(False)
        else:
            self.show_whole_page()

    def show_whole_page(self) -> None:
        """The page being checked, whole and upright, read again from its file on a worker
        (Esc in the answer box goes back to its rows)."""
        if not self._todo:
            return
        r = self.readings[self._todo[0]]
        self._show_whole_page(True)
        if self._page_of == (str(r.path), r.page):
            return
        self.page_image.setText("Reading the page…")
        self.page_image.adjustSize()
        self._page_of = (str(r.path), r.page)
        self.runner.op(lambda: _whole_page(r), parent=self).success(
            lambda image: self._on_whole_page(r, image)
        ).failure(self._on_page_failed).read()  # fmt: skip

    def _on_whole_page(self, r: PageReading, image: Image.Image) -> None:
        if self._page_of != (str(r.path), r.page):
            return  # the check moved on meanwhile
        self.page_image.setPixmap(_pixmap(image))
        self.page_image.adjustSize()

    def _on_page_failed(self, error: Exception) -> None:
        self._page_of = None
        self.page_image.setText(str(error))
        self.page_image.adjustSize()

    def _show_whole_page(self, shown: bool) -> None:
        self.page_view.setVisible(shown)
        self.rows.setVisible(not shown)
        self.page_button.setText("Rows to check (Esc)" if shown else "Whole page (P)")

    def _on_page_button_clicked(self) -> None:
        if self.page_view.isVisible() and self.row_images:
            self._show_whole_page(False)
        else:
            self.show_whole_page()
        self.answer.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """In the empty answer box: N decides the row at once (no answer; a consent not
        given), Y a consent given, S skips the page; P shows the whole page and Esc goes
        back to the row."""
        if watched is self.answer and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            current = self.readings[self._todo[0]] if self._todo else None
            if key == Qt.Key.Key_Escape and self.page_view.isVisible():
                if self.row_images:
                    self._show_whole_page(False)
                return True  # (a page shown whole for want of rows stays: the check goes on)
            if current is not None and current.code is not None and not self.answer.text():
                if key == Qt.Key.Key_P:
                    self.show_whole_page()
                    return True
                from crmdesk.services.scan_in.check import current as row  # (loaded by now)

                consent = row(current).kind == "consent"
                keys = {Qt.Key.Key_N: "no" if consent else "none", Qt.Key.Key_S: "skip"}
                if consent:
                    keys[Qt.Key.Key_Y] = "yes"
                if (action := keys.get(Qt.Key(key))) is not None:
                    self._decide(current, action)
                    return True
        return super().eventFilter(watched, event)

    def _on_answer_return_pressed(self) -> None:
        if not self._todo:
            return
        current = self.readings[self._todo[0]]
        typed = self.answer.text().strip()
        if current.code is None:  # the page is read again (a tenth of a second or so)
            db = self.db
            self.answer.setEnabled(False)
            self.runner.op(lambda: _with_code(db, current, typed), parent=self).success(
                self._on_read_again
            ).failure(self._on_failed).write()  # fmt: skip
        else:
            from crmdesk.services.scan_in.check import decision_of  # (loaded by now)

            try:
                decision = decision_of(typed, current)  # (as `crmdesk scan-in --check` reads it)
            except CrmError:
                self._refuse(f"{typed} is not an answer here: " + self.answer.placeholderText())
                return
            self._decide(current, decision.action, decision.score)

    def _decide(self, current: PageReading, action: str, number: int | None = None) -> None:
        from crmdesk.services.scan_in.check import Decision, decide  # (loaded by now)

        try:
            decided = decide(current, Decision(action, number))
        except CrmError as exc:
            self._refuse(str(exc))
            return
        self._decided(decided, skipped=action == "skip")

    def _refuse(self, problem: str) -> None:
        self.answer_error.show_problem(problem)
        self.answer.selectAll()

    def _on_read_again(self, again: PageReading) -> None:
        self.answer.setEnabled(True)
        self.answer.setFocus()
        if again.form is None:  # a code never printed, or already entered
            self.answer_error.show_problem(again.why)
            self.answer.selectAll()
            return
        if not again.needs_check and not again.recordable:  # (no score marked on it)
            self.summary.setText(f"{self.summary.text()}\n{again.file} page {again.page}: "
                                 f"{again.why}.")  # fmt: skip
        self._decided(again, again=True)

    def _decided(self, reading: PageReading, again: bool = False, skipped: bool = False) -> None:
        """The page as decided: on to its next row to decide, or the next page (a page read
        again with its code is checked once more if it is still doubtful)."""
        n = self._todo.pop(0)
        self.readings[n] = reading
        if again:
            self._page_of = None  # (a page read again with its code is now upright)
        more = reading.needs_check and reading.form is not None and (again or reading.doubts)
        if more and not skipped:
            self._todo.insert(0, n)
        self._next()

    def _show_check(self, shown: bool) -> None:
        for widget in (self.page_label, self.why, self.rows, self.answer, self.page_button):
            widget.setVisible(shown)
        if not shown:
            self.page_view.setVisible(False)
            self.answer_error.show_problem(None)

    # ------------------------------------------------------------------ recording

    def _record(self) -> None:
        db, readings = self.db, list(self.readings)
        if not any(r.recordable for r in readings):
            self.read_button.setEnabled(True)
            return
        self.runner.op(lambda: _record_pages(db, readings), parent=self).success(
            self._on_recorded
        ).failure(self._on_failed).write()  # fmt: skip

    def _on_recorded(self, done: Recorded) -> None:
        self.read_button.setEnabled(True)
        said = f"Recorded {count(len(done.saved), 'answer')} (Undo takes them all back)."
        refused = "".join(f"\n{r.file} page {r.page}: {why}" for r, why in done.refused)
        self.summary.setText(self.summary.text() + " " + said + refused)
        if done.changes is not None:
            self.changed.emit(done.changes)


def _read_files(db: Database, files: list[Path], progress: Any) -> list[PageReading]:
    from crmdesk.services.scan_in.batch import read_files

    return list(read_files(db, files, progress, keep_images=True))


def _record_pages(db: Database, readings: list[PageReading]) -> Recorded:
    from crmdesk.services.scan_in.recording import record_pages

    return record_pages(db, readings)


def _whole_page(reading: PageReading) -> Image.Image:
    from crmdesk.services.scan_in.check import whole_page

    return whole_page(reading)


def _with_code(db: Database, reading: PageReading, typed: str) -> PageReading:
    from crmdesk.services.scan_in.check import with_code

    return with_code(db, reading, typed)


def _no_score(r: PageReading) -> bool:
    """A form read surely with no score marked: nothing on it is recorded nor asked."""
    return r.form is not None and not r.needs_check and not r.recordable and r.score is None


def _to_check(r: PageReading) -> bool:
    from crmdesk.services.scan_in.check import to_check  # (loaded by now)

    return to_check(r)


def _hint(r: PageReading, doubt: Doubt) -> str:
    """The answer box's hint: the row being decided, named, and its keys."""
    from crmdesk.services.scan_in.check import hint  # (loaded by now)

    return hint(r, doubt, "S skip the page; P whole page")


def _pixmap(image: Image.Image) -> QPixmap:
    grey = image.convert("L")
    data = grey.tobytes()
    qimage = QImage(data, grey.width, grey.height, grey.width, QImage.Format.Format_Grayscale8)
    return QPixmap.fromImage(qimage.copy())  # (a copy: `data` goes when this returns)
