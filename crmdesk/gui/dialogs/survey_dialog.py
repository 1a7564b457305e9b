"""Edit a survey's wording: the 0–10 question, the reason question, up to three extra
questions, the consents and the referral prompt."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QWidget

from crmdesk.gui.dialogs.form_dialog import FormDialog
from crmdesk.services import surveys
from crmdesk.services.changes import Changes
from crmdesk.services.surveys import MAX_EXTRA, Question, SurveyDefinition, SurveyRecord
from crmdesk.store.database import Database

KINDS = {"": "(no question)", "rating": "Rating 1–5", "yesno": "Yes / no",
         "choice": "One of…", "text": "Free text"}  # fmt: skip


class SurveyDialog(FormDialog):
    def __init__(
        self, db: Database, survey: SurveyRecord | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__("Edit survey" if survey else "New survey", parent)
        d = survey.definition if survey else SurveyDefinition()
        self.name = QLineEdit(survey.name if survey else "")
        self.add_field("name", "Survey &name:", self.name)
        self.nps_question = QLineEdit(d.nps_question)
        self.add_field("nps_question", "The &0–10 question:", self.nps_question)
        self.low_label = QLineEdit(d.low_label)
        self.high_label = QLineEdit(d.high_label)
        self.add_field("low_label", "Under &0:", self.low_label)
        self.add_field("high_label", "Under &10:", self.high_label)
        self.reason_question = QLineEdit(d.reason_question)
        self.add_field("reason_question", "&Why question:", self.reason_question)
        self.extra: list[tuple[QComboBox, QLineEdit, QLineEdit]] = []
        for n in range(MAX_EXTRA):
            q = d.extra[n] if n < len(d.extra) else None
            kind = QComboBox()
            kind.setAccessibleName(f"Question {n + 1} kind")
            for key, label in KINDS.items():
                kind.addItem(label, key)
            kind.setCurrentIndex(kind.findData(q.kind if q else ""))
            text = QLineEdit(q.text if q else "")
            text.setAccessibleName(f"Question {n + 1}")
            choices = QLineEdit(", ".join(q.choices) if q else "")
            choices.setAccessibleName(f"Question {n + 1} choices")
            choices.setPlaceholderText("choices, separated by commas")
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(kind)
            line.addWidget(text, 2)
            line.addWidget(choices, 1)
            self.add_field(f"extra{n + 1}", f"Question &{n + 1}:", row)
            self.extra.append((kind, text, choices))
        self.ask_contact = QCheckBox("Ask whether we may contact them about the answer")
        self.ask_contact.setChecked(d.ask_contact)
        self.ask_quote = QCheckBox("Ask whether we may quote them")
        self.ask_quote.setChecked(d.ask_quote)
        self.ask_referral = QCheckBox("Ask “Who else would enjoy us?” (name and phone)")
        self.ask_referral.setChecked(d.ask_referral)
        self.add_field("ask_contact", "", self.ask_contact)
        self.add_field("ask_quote", "", self.ask_quote)
        self.add_field("ask_referral", "", self.ask_referral)

        def prepare() -> Callable[[], Changes]:
            extra = tuple(
                Question(str(kind.currentData()), text.text().strip(),
                         tuple(c.strip() for c in choices.text().split(",") if c.strip()))
                for kind, text, choices in self.extra if kind.currentData()
            )  # fmt: skip
            definition = SurveyDefinition(
                nps_question=self.nps_question.text().strip(),
                low_label=self.low_label.text().strip(),
                high_label=self.high_label.text().strip(),
                reason_question=self.reason_question.text().strip(),
                extra=extra, ask_contact=self.ask_contact.isChecked(),
                ask_quote=self.ask_quote.isChecked(), ask_referral=self.ask_referral.isChecked(),
            )  # fmt: skip
            name, survey_id = self.name.text(), survey.id if survey else None
            surveys.check_survey(name, definition)  # a mistake is shown at once, at its field
            return lambda: surveys.save_survey(db, survey_id, name, definition)

        self.on_save_later(prepare)
