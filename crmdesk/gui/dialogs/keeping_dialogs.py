"""Record a purchase, handle a complaint, set a client's stage and stay-in-touch interval."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from crmdesk.errors import ValidationError
from crmdesk.gui.dialogs.entry_dialogs import _save_shortcut
from crmdesk.gui.dialogs.form_dialog import FormDialog
from crmdesk.services import amounts, complaints, history, limits, retention, settings
from crmdesk.services.changes import Changes
from crmdesk.services.complaints import ComplaintForm, ComplaintRecord
from crmdesk.services.date_text import moment_text
from crmdesk.services.retention import STAGES
from crmdesk.store.database import Database


def _when(value: datetime | None = None) -> QDateTimeEdit:
    edit = QDateTimeEdit(
        QDateTime(QDate(value.year, value.month, value.day), QTime(value.hour, value.minute))
        if value
        else QDateTime.currentDateTime()
    )
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd MMM yyyy HH:mm")
    return edit


def _value(edit: QDateTimeEdit) -> datetime:
    when: datetime = edit.dateTime().toPython()  # type: ignore[assignment]
    return when.replace(second=0, microsecond=0)


class PurchaseDialog(FormDialog):
    """Record what a client bought: the cursor waits in Amount; Ctrl+Enter saves. The amount
    is checked when it is left; an unusual one (zero, far above the client's usual) is
    recorded only after a yes."""

    def __init__(
        self, db: Database, client_id: str, client_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            f"Record purchase by {client_name}", parent, {"what": limits.PURCHASE_WHAT}
        )
        self._db = db
        values = settings.read_all(db)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(
            "e.g. " + amounts.example(settings.currency(values), settings.shop_locale(values))
        )
        self.what = QLineEdit()
        self.what.setPlaceholderText("e.g. Wedding bouquet")
        self.bought_at = _when()
        self.add_field("amount", "&Amount:", self.amount)
        self.add_field("what", "&What:", self.what)
        self.add_field("bought_at", "&When:", self.bought_at)
        _save_shortcut(self)
        self.amount.setFocus()
        self.resize(460, self.sizeHint().height())  # room for a message on two lines
        self.amount.editingFinished.connect(self._on_amount_editing_finished)

        def prepare() -> Callable[[], Changes]:
            """Check the amount here (and ask about an unusual one), write it on the lane."""
            args = (db, client_id, self.amount.text(), self.what.text(), _value(self.bought_at))
            _cents, question = retention.check_purchase(*args[:4])
            if question and not self._confirm(question):
                raise ValidationError(
                    {"amount": "Not recorded: check the amount, then Save again."}
                )
            return lambda: retention.record_purchase(*args, confirmed=True)

        self.on_save_later(prepare)

    def _confirm(self, question: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "Record this purchase?", question,
                          QMessageBox.StandardButton.NoButton, self)  # fmt: skip
        record = box.addButton("&Record it", QMessageBox.ButtonRole.AcceptRole)
        change = box.addButton("&Change the amount", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(change)
        box.setEscapeButton(change)
        box.exec()
        return box.clickedButton() is record

    def _on_amount_editing_finished(self) -> None:
        if not self.amount.text().strip():
            self.show_problem("amount", None)  # said on Save, not while moving on
            return
        try:
            retention.parse_amount(self._db, self.amount.text())
        except ValueError as exc:
            self.show_problem("amount", str(exc))
        else:
            self.show_problem("amount", None)


class ComplaintDialog(FormDialog):
    """A complaint as a case; the history entries about it are listed under it."""

    def __init__(
        self,
        db: Database,
        client_id: str,
        client_name: str,
        case: ComplaintRecord | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = f"Complaint from {client_name}" if case else f"New complaint from {client_name}"
        super().__init__(title, parent, limits.COMPLAINT)
        self.was_resolved = case is not None and case.status == "resolved"
        form = case.to_form() if case else ComplaintForm()
        self.opened_at = _when(form.opened_at)
        self.channel = QComboBox()
        self.channel.addItems(complaints.CHANNELS)
        self.channel.setCurrentText(form.channel)
        self.category = QComboBox()
        self.category.setEditable(True)
        self.category.addItems(complaints.CATEGORIES)
        self.category.setCurrentText(form.category)
        self.severity = QComboBox()
        self.severity.addItems(complaints.SEVERITIES)
        self.severity.setCurrentText(form.severity)
        self.description = QPlainTextEdit(form.description)
        self.description.setTabChangesFocus(True)
        self.status = QComboBox()
        self.status.addItems(complaints.STATUSES)
        self.status.setCurrentText(form.status)
        self.resolution = QPlainTextEdit(form.resolution)
        self.resolution.setTabChangesFocus(True)
        self.resolution.setPlaceholderText("How it was put right (needed to resolve it)")
        self.add_field("description", "&What happened:", self.description)
        self.add_field("opened_at", "&When:", self.opened_at)
        self.add_field("channel", "C&ame in by:", self.channel)
        self.add_field("category", "Ca&tegory:", self.category)
        self.add_field("severity", "Se&verity:", self.severity)
        self.add_field("status", "&Status:", self.status)
        self.add_field("resolution", "&Resolution:", self.resolution)
        if case is not None:
            entries = history.entries_about(db, case.id)
            lines = [f"{moment_text(e.occurred_at)} — {e.subject}" for e in entries]
            linked = QLabel("\n".join(lines) or "No contact logged about it yet.")
            linked.setObjectName("linked_entries")
            linked.setWordWrap(True)
            age = complaints.describe_age(case.age(datetime.now()))
            took = "took" if case.status == "resolved" else "open for"
            self.form.addRow(QLabel(f"Contacts ({took} {age}):"), linked)
        _save_shortcut(self)
        self.description.setFocus()
        self.resize(540, self.sizeHint().height())

        def save() -> Callable[[], Changes]:
            values = ComplaintForm(
                self.description.toPlainText(), self.channel.currentText(),
                self.category.currentText(), self.severity.currentText(),
                self.status.currentText(), self.resolution.toPlainText(),
                _value(self.opened_at), None,
            )  # fmt: skip
            if case is None:
                return lambda: complaints.open_complaint(db, client_id, values)
            return lambda: complaints.update_complaint(db, case.id, values)

        self.on_save_later(save)

    @property
    def resolved_now(self) -> bool:
        """Saved as resolved, and it was not before: time to offer the apology letter."""
        return self.changes is not None and not self.was_resolved and (
            self.status.currentText() == "resolved")  # fmt: skip


class LoyaltyDialog(FormDialog):
    """The stage set by hand (or worked out from the data) and how often to get in touch."""

    def __init__(
        self,
        db: Database,
        client_id: str,
        client_name: str,
        stage_override: str,
        touch_every_days: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"Loyalty of {client_name}", parent)
        worked_out = retention.client_stage(db, client_id)
        self.stage = QComboBox()
        self.stage.addItem(f"from the data (now: {worked_out.stage})", None)
        for stage in STAGES:
            self.stage.addItem(f"{stage} (set by hand)", stage)
        self.stage.setCurrentIndex(max(0, self.stage.findData(stage_override or None)))
        self.touch = QSpinBox()
        self.touch.setRange(0, 3650)
        self.touch.setSpecialValueText("as their tags say")
        self.touch.setSuffix(" days")
        self.touch.setValue(touch_every_days or 0)
        self.add_field("stage", "Loyalty &stage:", self.stage)
        self.add_field("touch_every_days", "Stay in &touch every:", self.touch)

        def save() -> Callable[[], Changes]:
            stage, every = self.stage.currentData(), self.touch.value() or None
            return lambda: retention.set_keeping(db, client_id, stage, every)

        self.on_save_later(save)
