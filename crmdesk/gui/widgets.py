"""Small building blocks shared by the dialogs: field errors (the date field: date_field.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


class FieldError(QLabel):
    """A red message under a field saying what is wrong with it; hidden when all is well."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"error_{name}")
        self.setAccessibleName(f"Problem with {name.replace('_', ' ')}")
        self.setStyleSheet("color: #b00020;")
        self.setWordWrap(True)
        self.hide()

    def show_problem(self, text: str | None) -> None:
        self.setText(text or "")
        self.setVisible(bool(text))
