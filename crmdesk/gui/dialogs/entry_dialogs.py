"""Log a contact, add a thing to remember, write a note."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from crmdesk.gui.date_field import DateField
from crmdesk.gui.dialogs.form_dialog import FormDialog
from crmdesk.model.enums import Direction, HistoryKind
from crmdesk.services import facts, history, limits, notes, settings
from crmdesk.services.changes import Changes
from crmdesk.services.facts import FactRecord
from crmdesk.services.history import ContactForm, HistoryRecord
from crmdesk.services.notes import NoteRecord
from crmdesk.store.database import Database

COMMON_FACT_LABELS = [
    "Dog", "Cat", "Coffee", "Likes to be served", "Family", "Allergy",
    "Hobby", "Size", "Anniversary", "Occasion", "Parking",
]  # fmt: skip


def _save_shortcut(dialog: FormDialog) -> None:
    """Ctrl+Enter saves from anywhere in the dialog, even inside a multi-line field."""
    for keys in ("Ctrl+Return", "Ctrl+Enter"):
        shortcut = QShortcut(QKeySequence(keys), dialog)
        shortcut.activated.connect(dialog.buttons.accepted.emit)


class ContactDialog(FormDialog):
    """Log a call (or visit, email…): opened with Ctrl+L, the cursor waits in Subject."""

    def __init__(
        self,
        db: Database,
        client_id: str,
        client_name: str,
        entry: HistoryRecord | None = None,
        kind: HistoryKind = HistoryKind.CALL,
        complaint_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`complaint_id`: the contact is about this complaint (kept with the entry)."""
        title = f"Edit contact with {client_name}" if entry else f"Log contact with {client_name}"
        super().__init__(title, parent, limits.CONTACT)
        self.complaint_id = entry.complaint_id if entry else complaint_id
        self.kind = QComboBox()
        for k in HistoryKind:
            self.kind.addItem(k.label, k.value)
        self.direction = QComboBox()
        for d in Direction:
            self.direction.addItem(d.label, d.value)
        self.occurred_at = QDateTimeEdit(QDateTime.currentDateTime())
        self.occurred_at.setCalendarPopup(True)
        self.occurred_at.setDisplayFormat("dd MMM yyyy HH:mm")
        self.subject = QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setTabChangesFocus(True)
        self.outcome = QLineEdit()
        self.follow_up_on = DateField(settings.locale_for(db))
        self.add_field("kind", "&Kind:", self.kind)
        self.add_field("direction", "&Direction:", self.direction)
        self.add_field("occurred_at", "&When:", self.occurred_at)
        self.add_field("subject", "&Subject:", self.subject)
        self.add_field("body", "&What was said:", self.body)
        self.add_field("outcome", "&Outcome:", self.outcome)
        self.add_field("follow_up_on", "&Follow up on:", self.follow_up_on)
        self.kind.setCurrentIndex(self.kind.findData(entry.kind if entry else kind))
        if entry is not None:
            self.direction.setCurrentIndex(self.direction.findData(entry.direction))
            when = entry.occurred_at
            self.occurred_at.setDateTime(
                QDateTime(QDate(when.year, when.month, when.day), QTime(when.hour, when.minute))
            )
            self.subject.setText(entry.subject)
            self.body.setPlainText(entry.body)
            self.outcome.setText(entry.outcome)
            self.follow_up_on.set_value(entry.follow_up_on)
        _save_shortcut(self)
        self.subject.setFocus()
        self.resize(520, self.sizeHint().height())

        def save() -> Callable[[], Changes]:
            form = self.form_values()
            if entry is None:
                return lambda: history.log_contact(db, client_id, form)
            return lambda: history.update_entry(db, entry.id, form)

        self.on_save_later(save)

    def form_values(self) -> ContactForm:
        when: datetime = self.occurred_at.dateTime().toPython()  # type: ignore[assignment]
        return ContactForm(
            kind=str(self.kind.currentData()),
            direction=str(self.direction.currentData()),
            occurred_at=when.replace(second=0, microsecond=0),
            subject=self.subject.text(),
            body=self.body.toPlainText(),
            outcome=self.outcome.text(),
            follow_up_on=self.follow_up_on.value(),
            complaint_id=self.complaint_id,
        )


class FactDialog(FormDialog):
    def __init__(
        self,
        db: Database,
        client_id: str,
        fact: FactRecord | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "Edit thing to remember" if fact else "Add thing to remember", parent, limits.FACT
        )
        self.label = QComboBox()
        self.label.setEditable(True)
        self.label.addItems(COMMON_FACT_LABELS)
        self.label.setCurrentText(fact.label if fact else "")
        self.value = QLineEdit(fact.value if fact else "")
        self.on_date = DateField(settings.locale_for(db))
        self.on_date.set_value(fact.on_date if fact else None)
        self.add_field("label", "&About:", self.label, "e.g. Dog, Coffee, Daughter's wedding")
        self.add_field("value", "&Remember:", self.value, "e.g. Biscuit, oat flat white")
        self.add_field("on_date", "&Date (optional):", self.on_date)
        self.label.setFocus()

        def save() -> Callable[[], Changes]:
            args = (self.label.currentText(), self.value.text(), self.on_date.value())
            if fact is None:
                return lambda: facts.add_fact(db, client_id, *args)
            return lambda: facts.update_fact(db, fact.id, *args)

        self.on_save_later(save)


class NoteDialog(FormDialog):
    def __init__(
        self,
        db: Database,
        client_id: str,
        note: NoteRecord | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Edit note" if note else "Add note", parent, {"text": limits.NOTE})
        self.text = QPlainTextEdit(note.text if note else "")
        self.text.setTabChangesFocus(True)
        self.pinned = QCheckBox("Pin to the top")
        self.pinned.setChecked(note.pinned if note else False)
        self.add_field("text", "&Note:", self.text)
        self.add_field("pinned", "", self.pinned)
        _save_shortcut(self)
        self.text.setFocus()
        self.resize(480, 260)

        def save() -> Callable[[], Changes]:
            text, pinned = self.text.toPlainText(), self.pinned.isChecked()
            if note is None:
                return lambda: notes.add_note(db, client_id, text, pinned)
            return lambda: notes.update_note(db, note.id, text, pinned)

        self.on_save_later(save)
