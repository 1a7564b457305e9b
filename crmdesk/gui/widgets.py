"""Small building blocks shared by the dialogs: an optional date field and field errors."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QLabel, QWidget

_UNSET = QDate(1900, 1, 1)


class OptionalDateEdit(QDateEdit):
    """A date field that can be left empty (shown blank; Delete clears it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("dd MMM yyyy")
        self.setMinimumDate(_UNSET)
        self.setSpecialValueText(" ")
        self.setDate(_UNSET)

    def value(self) -> date | None:
        qdate = self.date()
        return None if qdate == _UNSET else date(qdate.year(), qdate.month(), qdate.day())

    def set_value(self, value: date | None) -> None:
        self.setDate(QDate(value.year, value.month, value.day) if value else _UNSET)

    def clear(self) -> None:
        self.setDate(_UNSET)


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
