"""A dialog with a form whose Save calls a service; problems are shown at their fields and
the dialog stays open, so nothing typed is lost and nothing is saved half-way.

Every message shows whole: the dialog grows to fit a message that wraps onto more lines,
up to the screen's height; past that the form scrolls (to the first message). A field with
a length limit (services.limits) says so as soon as the text is longer."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from crmdesk.errors import CrmError, ValidationError
from crmdesk.gui.problems import explain
from crmdesk.gui.widgets import FieldError, elide
from crmdesk.services.changes import Changes
from crmdesk.services.limits import Limit, too_long

if TYPE_CHECKING:
    from crmdesk.gui.runner import Runner

TITLE_EMS = 40


def available_height(widget: QWidget) -> int:
    """How tall the window's inside may be: the screen's free height less its title bar."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    window = widget.window()
    frame = window.frameGeometry().height() - window.height() if window.isVisible() else 0
    return screen.availableGeometry().height() - frame


class _FormArea(QScrollArea):
    """The form, scrolling only when the screen is too short for it: its size hint is the
    whole form's (a QScrollArea's own is a fixed guess)."""

    def sizeHint(self) -> QSize:
        inner = self.widget()
        if inner is None:
            return super().sizeHint()
        hint = inner.sizeHint()
        if inner.hasHeightForWidth():
            hint.setHeight(inner.heightForWidth(hint.width()))
        return hint + QSize(2 * self.frameWidth(), 2 * self.frameWidth())


class FormDialog(QDialog):
    changed = Signal(object)  # Changes: what Save wrote (emitted before the dialog closes)

    def __init__(
        self,
        title: str,
        parent: QWidget | None = None,
        field_limits: Mapping[str, Limit] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(elide(title, self, TITLE_EMS))  # a long name does not fill it
        self.setAccessibleName(title)
        self.changes: Changes | None = None
        self._errors: dict[str, FieldError] = {}
        self._limits = dict(field_limits or {})
        self._too_long: set[str] = set()  # fields whose message is the length one
        self._save: Callable[[], Changes] | None = None
        self._prepare: Callable[[], Callable[[], Changes]] | None = None
        self._runner: Runner | None = None
        self._saving = False
        self._shown_once = False
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.general_error = FieldError("form", self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setAccessibleName("Save")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        inner = QWidget()
        inner.setLayout(self.form)
        self.form_area = _FormArea(self)
        self.form_area.setFrameShape(QFrame.Shape.NoFrame)
        self.form_area.setWidgetResizable(True)
        self.form_area.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form_area, 1)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        bar = self.form_area.verticalScrollBar().sizeHint().width()
        hint.setWidth(hint.width() + bar)  # room for the bar if the form must scroll
        hint.setHeight(min(hint.height(), available_height(self)))
        return hint

    def showEvent(self, event: QShowEvent) -> None:
        """Open showing the whole form if the screen is tall enough (Qt's first size stops
        at two thirds of the screen)."""
        if not self._shown_once:
            self._shown_once = True
            want = self.sizeHint()
            self.resize(max(self.width(), want.width()), max(self.height(), want.height()))
        super().showEvent(event)

    def add_field(self, name: str, label: str, widget: QWidget, hint: str = "") -> QWidget:
        """Add a labelled field with an error line under it; `name` matches the service's."""
        widget.setObjectName(name)
        name_text = label.rstrip(":").replace("&", "") or getattr(widget, "text", lambda: "")()
        widget.setAccessibleName(name_text.replace("&", ""))
        if hint:
            widget.setToolTip(hint)
        error = FieldError(name, self)
        self._errors[name] = error
        problem_changed = getattr(widget, "problem_changed", None)
        if problem_changed is not None:  # a field that checks itself when it is left
            problem_changed.connect(lambda text: self.show_problem(name, text))
        limit = self._limits.get(name)
        if limit is not None:
            self._watch_length(name, widget, limit)
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(error)
        caption = QLabel(label, self)
        caption.setBuddy(widget)
        self.form.addRow(caption, box)
        return widget

    def _watch_length(self, name: str, widget: QWidget, limit: Limit) -> None:
        """Say at the field, while typing or on a paste, that the text is too long."""

        def check(text: str) -> None:
            said = too_long(limit, text.strip())
            if said:
                self._too_long.add(name)
                self.show_problem(name, said)
            elif name in self._too_long:
                self._too_long.discard(name)
                self.show_problem(name, None)

        if isinstance(widget, QLineEdit):
            # a runaway paste stops well past the limit (the message says by how much)
            widget.setMaxLength(min(limit.chars * 4, 32767))
            widget.textChanged.connect(check)
        elif isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(lambda: check(widget.toPlainText()))
        elif isinstance(widget, QComboBox) and widget.isEditable():
            widget.editTextChanged.connect(check)

    def on_save(self, save: Callable[[], Changes]) -> None:
        self._save = save

    def on_save_later(self, prepare: Callable[[], Callable[[], Changes]]) -> None:
        """Save in two steps: `prepare` reads the fields (on the GUI thread; it may raise
        ValidationError) and returns the write, which runs on the app's write lane when
        the dialog has been given the runner (use_runner): a save that waits for the
        file (a backup or a long read under way) never freezes the window. Without a
        runner the write runs at once."""

        def save() -> Changes:
            return prepare()()

        self._save = save
        self._prepare = prepare

    def use_runner(self, runner: Runner) -> None:
        self._runner = runner

    @property
    def saving(self) -> bool:
        """A save is being written in the background."""
        return self._saving

    def done(self, result: int) -> None:
        if self._saving:
            return  # not closed under its own save (Esc while it is written)
        super().done(result)

    def show_problem(self, name: str, text: str | None) -> None:
        """Say (or, with None, stop saying) what is wrong with one field."""
        self._errors[name].show_problem(text)
        self._fit_messages()

    def _fit_messages(self) -> None:
        """Grow the window so that every message shows whole — a word-wrapped label needs
        more lines than the layout first gave it — up to the screen's height; past that the
        form scrolls to the first message."""
        if not self.isVisible():
            return  # (a field filled in before the dialog shows: showEvent sizes it)
        layout = self.layout()
        assert layout is not None
        inner = self.form_area.widget()
        assert inner is not None
        layout.activate()
        inner_layout = inner.layout()
        assert inner_layout is not None
        inner_layout.activate()
        width = self.form_area.viewport().width()
        need = inner.heightForWidth(width) if inner.hasHeightForWidth() else -1
        need = max(need, inner.minimumSizeHint().height())
        extra = self.height() - self.form_area.viewport().height()
        rest = self.general_error.heightForWidth(self.general_error.width())
        if self.general_error.isVisible() and rest > self.general_error.height():
            extra += rest - self.general_error.height()
        want = min(need + extra, available_height(self))
        if want > self.height():
            self.resize(self.width(), want)
            layout.activate()
        shown = [e for e in self._errors.values() if e.isVisible()]
        if shown and need > self.form_area.viewport().height():
            self.form_area.ensureWidgetVisible(shown[0])

    def problems(self) -> dict[str, str]:
        return {name: e.text() for name, e in self._errors.items() if e.isVisible()}

    def _on_buttons_accepted(self) -> None:
        assert self._save is not None
        for error in (*self._errors.values(), self.general_error):
            error.show_problem(None)
        self._too_long.clear()
        if self._saving:
            return  # (Ctrl+Enter again while the first save is written)
        try:
            if self._prepare is not None and self._runner is not None:
                write = self._prepare()
                self._saving = True
                self.buttons.setEnabled(False)
                self._runner.op(write, self).success(self._on_written).failure(
                    self._on_write_failed
                ).write()
                return
            self.changes = self._save()
        except (ValidationError, CrmError) as exc:
            self._show_refusal(exc)
            return
        self._saved()

    def _on_written(self, changes: Changes) -> None:
        self._saving = False
        self.buttons.setEnabled(True)
        self.changes = changes
        self._saved()

    def _on_write_failed(self, error: Exception) -> None:
        self._saving = False
        self.buttons.setEnabled(True)
        if not isinstance(error, CrmError):
            raise error  # a bug: the crash dialog
        self._show_refusal(error)

    def _show_refusal(self, exc: CrmError) -> None:
        """Say at the fields (or under the form) why nothing was saved."""
        if isinstance(exc, ValidationError):
            for field, message in exc.problems.items():
                (self._errors.get(field) or self.general_error).show_problem(message)
            first = next(iter(exc.problems))
            target = self.findChild(QWidget, first)
            if target is not None:
                target.setFocus()
        else:  # a full disk, a read-only file…: what to do, too
            self.general_error.show_problem(explain(exc))
        self._fit_messages()

    def _saved(self) -> None:
        if self.changes is not None:
            self.changed.emit(self.changes)
        self.accept()
