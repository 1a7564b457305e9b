"""The one date field of every dialog: typed as the shop's country writes dates, or picked.

The text is read by services/dates in the shop's locale when the field is left (and again
on Save): a date is shown back in the locale's own way ("12 May 1990"), anything else is
refused at the field with what to type, and the text stays as typed. Empty is no date.
Alt+Down (or the button) opens a calendar on the date, or near today (a birthday: 40 years
back).

A birthday (`BirthdayField`) may also be a day and month alone ("15 April", "15/4"): kept
without a year, shown back as the locale writes a day and month.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.errors import ValidationError
from crmdesk.model.partial_date import PartialDate
from crmdesk.services import dates


class DateField(QWidget):
    """A line edit for a date plus a calendar button; `value()` is the date or None."""

    problem_changed = Signal(str)  # "" when the text is a date again (or empty)

    def __init__(
        self,
        locale: str,
        *,
        birthday: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._locale = locale
        self._past = birthday
        today = date.today()
        self.opens_on = today.replace(year=today.year - 40, day=min(today.day, 28)) if (
            birthday) else today  # fmt: skip
        self.edit = QLineEdit(self)
        self.edit.setObjectName("date_text")
        self.edit.setPlaceholderText(f"e.g. {dates.example(locale).partition(' (')[0]}")
        self.edit.setClearButtonEnabled(True)
        for button in self.edit.findChildren(QToolButton):
            button.setAccessibleName("Clear the date")
        self.calendar_button = QToolButton(self)
        self.calendar_button.setText("▾")
        self.calendar_button.setAccessibleName("Choose from a calendar")
        self.calendar_button.setToolTip("Choose from a calendar (Alt+Down)")
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.edit, 1)
        row.addWidget(self.calendar_button)
        self.setFocusProxy(self.edit)
        self.popup = QWidget(self, Qt.WindowType.Popup)
        self.calendar = QCalendarWidget(self.popup)
        self.calendar.setAccessibleName("Calendar")
        self.calendar.setGridVisible(True)
        column = QVBoxLayout(self.popup)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.calendar)
        self.edit.editingFinished.connect(self._on_edit_editing_finished)
        self.edit.textEdited.connect(self._on_edit_text_edited)
        self.calendar_button.clicked.connect(self._on_calendar_button_clicked)
        self.calendar.activated.connect(self._on_calendar_activated)
        self.calendar.clicked.connect(self._on_calendar_activated)
        QShortcut(QKeySequence("Alt+Down"), self.edit, self._on_calendar_button_clicked,
                  context=Qt.ShortcutContext.WidgetShortcut)  # fmt: skip

    def setAccessibleName(self, name: str) -> None:  # the text box is what is read out
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)

    def setToolTip(self, text: str) -> None:
        super().setToolTip(text)
        self.edit.setToolTip(text)

    # ------------------------------------------------------------------ value

    def text(self) -> str:
        return self.edit.text()

    def value(self) -> date | None:
        """The date typed (None if empty). Raises ValidationError, keyed by this field's
        name, saying what to type; the text is left as it is."""
        try:
            return dates.parse_date(self.edit.text(), self._locale, past=self._past)
        except ValueError as exc:
            raise ValidationError({self.objectName() or "date": str(exc)}) from None

    def set_value(self, value: date | None) -> None:
        self.edit.setText(dates.show(value, self._locale) if value else "")
        self.problem_changed.emit("")

    def clear(self) -> None:
        self.set_value(None)

    # ------------------------------------------------------------------ calendar

    def open_calendar(self) -> None:
        try:
            shown = self.value() or self.opens_on
        except ValidationError:
            shown = self.opens_on
        self.calendar.setSelectedDate(QDate(shown.year, shown.month, shown.day))
        self.calendar.setCurrentPage(shown.year, shown.month)
        self.popup.adjustSize()
        self.popup.move(self.mapToGlobal(self.rect().bottomLeft()))
        self.popup.show()
        self.calendar.setFocus()

    def _on_calendar_button_clicked(self) -> None:
        self.open_calendar()

    def _on_calendar_activated(self, picked: QDate) -> None:
        self.popup.hide()
        self.set_value(date(picked.year(), picked.month(), picked.day()))
        self.edit.setFocus()

    # ------------------------------------------------------------------ typing

    def _on_edit_text_edited(self, _text: str) -> None:
        if not self.edit.text().strip():
            self.problem_changed.emit("")  # cleared: no date, nothing wrong

    def _shown_back(self) -> str:
        """How the text typed is shown back ("" when empty); raises ValidationError."""
        value = self.value()
        return dates.show(value, self._locale) if value is not None else ""

    def _on_edit_editing_finished(self) -> None:
        try:
            shown = self._shown_back()
        except ValidationError as exc:
            self.problem_changed.emit(next(iter(exc.problems.values())))
            return
        if shown:
            self.edit.setText(shown)
        self.problem_changed.emit("")


class BirthdayField(DateField):
    """A birthday: a date, or a day and month alone when the year is not known."""

    def __init__(self, locale: str, parent: QWidget | None = None) -> None:
        super().__init__(locale, birthday=True, parent=parent)
        example = dates.example(locale).partition(" (")[0]
        alone = dates.show_day_of_year(dates.EXAMPLE.month, dates.EXAMPLE.day, locale)
        self.edit.setPlaceholderText(f"e.g. {example} — or {alone} without the year")

    def birthday(self) -> PartialDate | None:
        """The birthday typed (its year None if only a day and month were typed; None if
        empty). Raises ValidationError, keyed by this field's name, saying what to type."""
        try:
            return dates.parse_birthday(self.edit.text(), self._locale)
        except ValueError as exc:
            raise ValidationError({self.objectName() or "birthday": str(exc)}) from None

    def set_birthday(self, value: PartialDate | None) -> None:
        self.edit.setText(dates.show_birthday(value, self._locale) if value else "")
        self.problem_changed.emit("")

    def value(self) -> date | None:
        """The birthday as a full date (None when empty or its year is not known)."""
        found = self.birthday()
        return found.to_date() if found is not None else None

    def _shown_back(self) -> str:
        value = self.birthday()
        return dates.show_birthday(value, self._locale) if value is not None else ""
