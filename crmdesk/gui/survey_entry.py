"""Enter answers: every question of a returned form (or one taken by phone or in person),
typed in from the keyboard in the order the form prints them.

Enter (or Tab) moves down the form; Enter in the last box, Ctrl+Enter anywhere or Save
answer saves it and goes back to the code for the next form. An answer is saved for the
person the form was printed for, the client named in "For client" — never for whoever is
on screen. A code that was never printed or was entered already stops the entry until it
is corrected or cleared."""

from __future__ import annotations

import dataclasses
from itertools import pairwise

from PySide6.QtCore import QEvent, QObject, QRegularExpression, Qt, Signal
from PySide6.QtGui import (
    QIntValidator,
    QKeyEvent,
    QKeySequence,
    QRegularExpressionValidator,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.errors import CrmError, ValidationError
from crmdesk.gui.client_picker import ClientPicker
from crmdesk.gui.widgets import FieldError, elide, fit_combo, never_wider
from crmdesk.services import surveys
from crmdesk.services.surveys import AnswerForm, FormInfo, Question, SurveyRecord
from crmdesk.store.database import Database

CHANNELS = {"phone": "by phone", "in person": "in person", "form": "on the form"}


def _with_error(widget: QWidget, error: FieldError) -> QWidget:
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(widget)
    column.addWidget(error)
    return box


class ExtraQuestion:
    """One extra question's row: the question's words and under them the box to type in
    (a 1–5 rating or free text) or choose from (yes/no, one of several)."""

    def __init__(self, number: int, question: Question) -> None:
        self.number, self.question = number, question
        self.input: QLineEdit | QComboBox
        if question.kind in ("yesno", "choice"):
            combo = QComboBox()
            combo.addItem("(not answered)", "")
            for option in ("Yes", "No") if question.kind == "yesno" else question.choices:
                combo.addItem(option, option)
            self.input = combo
        else:
            line = QLineEdit()
            if question.kind == "rating":
                line.setValidator(QIntValidator(1, 5, line))
                line.setMaxLength(1)
                line.setPlaceholderText("1–5")
                line.setFixedWidth(line.fontMetrics().horizontalAdvance("0000000"))
            self.input = line
        self.input.setAccessibleName(f"Question {number}: {question.text}")
        self.error = FieldError(f"extra{number}")
        self.words = QLabel(question.text)  # as the paper: the question, then its boxes
        self.words.setWordWrap(True)
        self.row = QWidget()
        column = QVBoxLayout(self.row)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.words)
        column.addWidget(self.input, 0, Qt.AlignmentFlag.AlignLeft if question.kind != "text"
                         else Qt.AlignmentFlag(0))  # fmt: skip
        column.addWidget(self.error)

    def value(self) -> str:
        if isinstance(self.input, QComboBox):
            return str(self.input.currentData() or "")
        return self.input.text()

    def clear(self) -> None:
        if isinstance(self.input, QComboBox):
            self.input.setCurrentIndex(0)
        else:
            self.input.clear()


class SurveyEntry(QWidget):
    changed = Signal(object)  # Changes of a saved answer

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._form: FormInfo | None = None
        self._checked = ""  # the code as last looked up ("" for none)
        self._refused = False
        self.extra: list[ExtraQuestion] = []
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.code = QLineEdit()
        self.code.setAccessibleName("Form code")
        self.code.setPlaceholderText("Type or scan the code under the QR code; empty: no form")
        self.code_error = FieldError("code")
        self.whose = QLabel("No form: an answer taken by phone or in person.")
        self.whose.setObjectName("form_owner")
        self.whose.setWordWrap(True)
        self.survey = QComboBox()
        self.survey.setAccessibleName("Survey")
        self.client = ClientPicker(db)
        self.client.setAccessibleName("For client")
        self.client.setPlaceholderText("Type the client's name and pick them from the list")
        self.channel = QComboBox()
        self.channel.setAccessibleName("Answered")
        for channel, label in CHANNELS.items():
            self.channel.addItem(label, channel)
        self.client_error = FieldError("client")
        who = QWidget()
        who_row = QHBoxLayout(who)
        who_row.setContentsMargins(0, 0, 0, 0)
        who_row.addWidget(self.client, 1)
        who_row.addWidget(self.channel)
        self.score = QLineEdit()
        self.score.setAccessibleName("Score")
        # digits only, and "11" is kept as typed so the field can say why it is refused
        self.score.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,2}"), self))
        self.score.setMaxLength(2)
        self.score.setPlaceholderText("0–10")
        self.score.setFixedWidth(self.score.fontMetrics().horizontalAdvance("0000000"))
        self.score_error = FieldError("score")
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Main reason")
        self._shown: SurveyRecord | None = None  # the survey whose questions are shown
        self.contact = QCheckBox("May &contact them about their answer")
        self.quote = QCheckBox("May &quote them")
        self.referral_name = QLineEdit()
        self.referral_name.setAccessibleName("Who else would enjoy us: name")
        self.referral_phone = QLineEdit()
        self.referral_phone.setAccessibleName("Who else would enjoy us: phone")
        self.save_button = QPushButton("Save &answer")
        self.save_button.setAccessibleName("Save answer")
        self.save_button.setToolTip("Ctrl+Enter")
        self.save_button.setAutoDefault(False)
        hint = QLabel(
            "Type the form from top to bottom: Enter or Tab moves down, Enter in the last box "
            "or Ctrl+Enter saves and starts the next form. Space ticks a box."
        )
        hint.setWordWrap(True)
        self.entry_message = QLabel("")
        self.entry_message.setObjectName("entry_message")
        self.entry_message.setWordWrap(True)
        for wrapped in (self.whose, self.entry_message, hint):
            never_wider(wrapped)  # a long name or code in them cannot widen the window

        def add(label: str, field: QWidget, buddy: QWidget | None = None) -> QLabel:
            caption = QLabel(label)
            caption.setBuddy(buddy or field)
            self.form.addRow(caption, field)
            return caption

        add("Form co&de:", _with_error(self.code, self.code_error), self.code)
        self.form.addRow("", self.whose)
        add("S&urvey:", self.survey)
        add("For c&lient:", _with_error(who, self.client_error), self.client)
        add("Sc&ore (0–10):", _with_error(self.score, self.score_error), self.score)
        add("Main &reason:", self.reason)
        self._extra_at = self.form.rowCount()  # the extra questions' rows go here
        self.form.addRow("", self.contact)
        self.form.addRow("", self.quote)
        self._referral_labels = (
            add("Referral &name:", self.referral_name),
            add("Referral p&hone:", self.referral_phone),
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(hint, 1)
        self.form.addRow("", buttons)
        self.form.addRow("", self.entry_message)

        self._fill_surveys()
        self._show_survey(self.survey.currentData())
        self._set_mode()
        self.code.textEdited.connect(self._on_code_text_edited)
        self.code.returnPressed.connect(self._on_code_return_pressed)
        self.code.editingFinished.connect(self._on_code_editing_finished)
        self.survey.currentIndexChanged.connect(self._on_survey_current_index_changed)
        self.client.chosen_changed.connect(self._on_client_chosen_changed)
        self.client.returnPressed.connect(self._on_client_return_pressed)
        self.client.editingFinished.connect(self._on_client_editing_finished)
        self.save_button.clicked.connect(self.save_answer)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.save_answer)
        for field in (self.score, self.reason, self.referral_name, self.referral_phone):
            field.returnPressed.connect(self._on_field_return_pressed)
        self.score.textEdited.connect(self._on_score_text_edited)
        for other in (self.survey, self.channel, self.contact, self.quote):
            other.installEventFilter(self)

    # ------------------------------------------------------------------ the order of the form

    def fields(self) -> list[QWidget]:
        """The boxes in the order the form prints them (Tab and Enter follow it)."""
        return [
            self.code, self.survey, self.client, self.channel, self.score, self.reason,
            *(q.input for q in self.extra), self.contact, self.quote, self.referral_name,
            self.referral_phone, self.save_button,
        ]  # fmt: skip

    def _set_tab_order(self) -> None:
        chain = self.fields()
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _open(self, widget: QWidget) -> bool:
        return widget.isEnabled() and not widget.isHidden()

    def _advance(self, after: QWidget) -> None:
        """Enter: on to the next box, or save after the last one."""
        chain = self.fields()[:-1]
        for widget in chain[chain.index(after) + 1 :]:
            if self._open(widget):
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                return
        self.save_answer()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            and isinstance(watched, QWidget)
        ):
            self._advance(watched)
            return True
        return super().eventFilter(watched, event)

    def _on_field_return_pressed(self) -> None:
        sender = self.sender()
        if sender is self.score and (why := surveys.score_problem(self.score.text())):
            self.score_error.show_problem(why)  # (Enter on a refused score stays put)
            return
        if isinstance(sender, QWidget):
            self._advance(sender)

    def _on_score_text_edited(self, text: str) -> None:
        """Say at once why 11 is refused; an empty box is only a problem on saving."""
        self.score_error.show_problem(surveys.score_problem(text) if text else None)

    # ------------------------------------------------------------------ which survey

    def _fill_surveys(self) -> None:
        self.survey.blockSignals(True)
        self.survey.clear()
        for record in surveys.list_surveys(self.db):
            self.survey.addItem(record.name, record)
        fit_combo(self.survey)
        self.survey.blockSignals(False)

    def refresh_surveys(self) -> None:
        """Surveys were added or edited: offer them (the one chosen stays chosen)."""
        chosen = self.survey.currentData()
        self._fill_surveys()
        if chosen is not None:
            self.survey.setCurrentIndex(max(0, self.survey.findText(chosen.name)))
        if self._form is None:
            self._show_survey(self.survey.currentData())

    def _on_survey_current_index_changed(self) -> None:
        if self._form is None:
            self._show_survey(self.survey.currentData())

    def _show_survey(self, record: SurveyRecord | None) -> None:
        """The boxes this survey's form has: its extra questions, consents and referral."""
        if record is None or record == self._shown:
            return
        self._shown = record
        for q in self.extra:
            self.form.removeRow(q.row)
        self.extra = [ExtraQuestion(n, q) for n, q in enumerate(record.definition.extra, 1)]
        for q in self.extra:
            caption = QLabel(f"Question &{q.number}:")
            caption.setBuddy(q.input)
            self.form.insertRow(self._extra_at + q.number - 1, caption, q.row)
            if isinstance(q.input, QComboBox):
                q.input.installEventFilter(self)
            else:
                q.input.returnPressed.connect(self._on_field_return_pressed)
        d = record.definition
        self.contact.setVisible(d.ask_contact)
        self.quote.setVisible(d.ask_quote)
        for widget in (self.referral_name, self.referral_phone, *self._referral_labels):
            widget.setVisible(d.ask_referral)
        self._set_tab_order()

    # ------------------------------------------------------------------ the code

    def _on_code_text_edited(self, text: str) -> None:
        if not text.strip():
            self._check_code()  # cleared: an answer without a form
        elif surveys.normalise_code(text) != self._checked and not self._refused:
            self.whose.setText("Enter looks the code up.")

    def _on_code_return_pressed(self) -> None:
        if self._check_code():
            if self._form is None:
                self.client.setFocus()  # no form: whose answer is it? (Tab: the survey)
            else:
                self._advance(self.code)

    def _on_code_editing_finished(self) -> None:
        focus = QApplication.focusWidget()
        if self._check_code() and focus not in self.fields()[1:]:
            self._advance(self.code)  # (the boxes were shut when Tab left the code)

    def _check_code(self) -> bool:
        """Look the code up (once per code typed); True if the entry can go on."""
        typed = surveys.normalise_code(self.code.text())
        if typed == self._checked and not (self._refused and not typed):
            return not self._refused
        if self._form is not None and self._form.client_id:
            self.client.choose(None)  # the last form's client is not this answer's
        self._checked, self._form, self._refused = typed, None, False
        for error in (self.code_error, self.client_error):
            error.show_problem(None)
        self._say("")
        if typed:
            try:
                self._form = surveys.look_up_form(self.db, typed)
            except CrmError as exc:
                self._refused = True
                self.code_error.show_problem(str(exc))
                self._set_mode()
                self.code.setFocus()
                self.code.selectAll()
                return False
            self.code.setText(self._form.code)
        self._set_mode()
        return True

    def _set_mode(self) -> None:
        """Open the boxes that apply: a form's client is the form's; a blank form may name
        the client who wrote their name on it; an answer without a form must name its
        client. A refused code shuts everything but the code."""
        f, refused = self._form, self._refused
        for widget in self.fields()[1:]:
            widget.setEnabled(not refused)
        if refused:
            self.whose.setText("Correct the code, or clear it to enter an answer without a form.")
            return
        if f is not None:
            self.survey.setCurrentIndex(max(0, self.survey.findText(f.survey.name)))
            self._show_survey(f.survey)
            self.survey.setEnabled(False)
            self.channel.setCurrentIndex(self.channel.findData("form"))
            self.channel.setEnabled(False)
            printed = f"“{elide(f.survey.name, self)}”, printed {f.issued_at:%d %b %Y}"
            if f.client_id:
                self.client.setEnabled(False)
                self.client.setText(f.client_name)
                self.whose.setText(f"Form for {elide(f.client_name, self)} — {printed}.")
            else:
                self.client.clear()
                self.client.setPlaceholderText("The name written on the form, if any")
                self.whose.setText(f"A blank form — {printed}. Type the name written on it, "
                                   "or leave it empty for an anonymous answer.")  # fmt: skip
        else:
            self._show_survey(self.survey.currentData())
            if self.channel.currentData() == "form":
                self.channel.setCurrentIndex(self.channel.findData("phone"))
            self.client.setPlaceholderText("Type the client's name and pick them from the list")
            self.whose.setText("No form: an answer taken by phone or in person. Name the client.")
        self._on_client_chosen_changed()

    # ------------------------------------------------------------------ the client

    def _on_client_chosen_changed(self) -> None:
        if self._form is not None and self._form.client_id:
            return
        chosen = self.client.chosen
        if chosen is not None:
            self.client_error.show_problem(None)

    def _on_client_return_pressed(self) -> None:
        popup = self.client.completer().popup()
        if popup is not None and popup.isVisible():
            return
        problem = self.client.resolve()
        self.client_error.show_problem(problem)
        if problem is None:
            self._advance(self.client)

    def _on_client_editing_finished(self) -> None:
        if self.client.text().strip() and self.client.chosen is None:
            self.client_error.show_problem(self.client.resolve())

    # ------------------------------------------------------------------ saving

    def _answer(self) -> AnswerForm:
        return AnswerForm(
            score=int(self.score.text()) if self.score.text().isdigit() else None,
            reason=self.reason.text(),
            extra={str(q.number): q.value() for q in self.extra},
            consent_contact=self.contact.isVisible() and self.contact.isChecked(),
            consent_quote=self.quote.isVisible() and self.quote.isChecked(),
            referral_name=self.referral_name.text(),
            referral_phone=self.referral_phone.text(),
            channel="form" if self._form else str(self.channel.currentData()),
        )

    def save_answer(self) -> None:
        """Save what is typed for the person it names; say whose it was."""
        if not self._check_code():
            return
        for error in (self.code_error, self.client_error, self.score_error,
                      *(q.error for q in self.extra)):  # fmt: skip
            error.show_problem(None)
        form = self._form
        client_problem = None if form and form.client_id else self.client.resolve()
        if form is None and client_problem is None and self.client.chosen is None:
            client_problem = ("An answer by phone or in person is someone's: type the client's "
                              "name and pick them from the list.")  # fmt: skip
        if client_problem:
            self.client_error.show_problem(client_problem)
            self.client.setFocus()
            return
        chosen = self.client.chosen
        client_id = chosen.id if chosen and not (form and form.client_id) else None
        try:
            changes = surveys.record_answer(
                self.db, self._answer(), code=form.code if form else None, client_id=client_id,
                survey_id=None if form else self.survey.currentData().id,
            )  # fmt: skip
        except ValidationError as exc:
            self._show_problems(exc.problems)
            return
        except CrmError as exc:
            self._say(str(exc), bad=True)
            return
        assert changes.created_id is not None
        saved = surveys.get_answer(self.db, changes.created_id)
        saved = dataclasses.replace(saved, client_name=elide(saved.client_name, self))
        self._say(f"Saved {saved}. Next form.")
        self._clear()
        self.changed.emit(changes)

    def _show_problems(self, problems: dict[str, str]) -> None:
        errors: dict[str, tuple[FieldError, QWidget]] = {"score": (self.score_error, self.score)}
        errors |= {f"extra{q.number}": (q.error, q.input) for q in self.extra}
        first: QWidget | None = None
        for key, message in problems.items():
            error, field = errors.get(key, (None, None))
            if error is None or field is None:
                self._say(message, bad=True)
                continue
            error.show_problem(message)
            first = first or field
        if first is not None:
            first.setFocus()

    def _clear(self) -> None:
        for field in (self.code, self.score, self.reason, self.referral_name,
                      self.referral_phone):  # fmt: skip
            field.clear()
        for q in self.extra:
            q.clear()
        self.contact.setChecked(False)
        self.quote.setChecked(False)
        self.client.choose(None)
        self._checked, self._form, self._refused = "", None, False
        self._set_mode()
        self.code.setFocus()

    def _say(self, text: str, bad: bool = False) -> None:
        self.entry_message.setStyleSheet("color: #b00020;" if bad else "color: #1b5e20;")
        self.entry_message.setText(text)
