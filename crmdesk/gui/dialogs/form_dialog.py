"""A dialog with a form whose Save calls a service; problems are shown at their fields and
the dialog stays open, so nothing typed is lost and nothing is saved half-way."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from crmdesk.errors import CrmError, ValidationError
from crmdesk.gui.problems import explain
from crmdesk.gui.widgets import FieldError
from crmdesk.services.changes import Changes


class FormDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.changes: Changes | None = None
        self._errors: dict[str, FieldError] = {}
        self._save: Callable[[], Changes] | None = None
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.general_error = FieldError("form", self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setAccessibleName("Save")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

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

    def on_save(self, save: Callable[[], Changes]) -> None:
        self._save = save

    def show_problem(self, name: str, text: str | None) -> None:
        """Say (or, with None, stop saying) what is wrong with one field."""
        self._errors[name].show_problem(text)
        self._fit_messages()

    def _fit_messages(self) -> None:
        """Grow the window so that every message shows whole: a word-wrapped label needs
        more lines than the layout first gave it."""
        layout = self.layout()
        assert layout is not None
        layout.activate()
        want = (
            layout.totalHeightForWidth(self.width())
            if layout.hasHeightForWidth()
            else layout.totalSizeHint().height()
        )
        if want > self.height():
            self.resize(self.width(), want)

    def problems(self) -> dict[str, str]:
        return {name: e.text() for name, e in self._errors.items() if e.isVisible()}

    def _on_buttons_accepted(self) -> None:
        assert self._save is not None
        for error in (*self._errors.values(), self.general_error):
            error.show_problem(None)
        try:
            self.changes = self._save()
        except ValidationError as exc:
            for field, message in exc.problems.items():
                (self._errors.get(field) or self.general_error).show_problem(message)
            first = next(iter(exc.problems))
            target = self.findChild(QWidget, first)
            if target is not None:
                target.setFocus()
            self._fit_messages()
            return
        except CrmError as exc:  # a full disk, a read-only file…: what to do, too
            self.general_error.show_problem(explain(exc))
            self._fit_messages()
            return
        self.accept()
