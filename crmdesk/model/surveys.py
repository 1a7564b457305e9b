"""Satisfaction surveys: what is asked, the paper forms handed out, and the answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from crmdesk.model.base import Base, Synced, now


class Survey(Synced, Base):
    """A survey: its questions as JSON (services.surveys.SurveyDefinition)."""

    __tablename__ = "surveys"
    kind_name = "Surveys"

    name: Mapped[str] = mapped_column(String(120))
    definition: Mapped[str] = mapped_column(Text, default="{}")


class SurveyForm(Synced, Base):
    """One printed form: its code (on the paper, as text and QR), for a client or blank."""

    __tablename__ = "survey_forms"
    kind_name = "Survey forms"
    # Not erased with its client: a form holds nothing personal to blank (its code, the
    # survey, when it was printed; the client's id stays, as on their purchases and
    # answers), so erasing the client leaves it as it is.
    erased_with_client = False

    code: Mapped[str] = mapped_column(String(16))
    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id"))
    client_id: Mapped[str | None] = mapped_column(ForeignKey("clients.id"), default=None)
    issued_at: Mapped[datetime] = mapped_column(default=now)
    # what it was printed on and with (form_geometry.FormSpec as JSON); NULL on forms
    # printed before migration 0013: layout version 1, the survey as it is now
    paper: Mapped[str | None] = mapped_column(String(10), default=None)
    layout: Mapped[str | None] = mapped_column(Text, default=None)

    __table_args__ = (
        Index("ix_survey_forms_code", "code", unique=True),
        Index("ix_survey_forms_client_id", "client_id"),
    )


class SurveyAnswer(Synced, Base):
    """What one client (or an anonymous one) answered, on a form or by phone/in person."""

    __tablename__ = "survey_answers"
    kind_name = "Survey answers"
    erased_with_client = True

    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id"))
    form_id: Mapped[str | None] = mapped_column(ForeignKey("survey_forms.id"), default=None)
    client_id: Mapped[str | None] = mapped_column(ForeignKey("clients.id"), default=None)
    answered_at: Mapped[datetime] = mapped_column(default=now)
    channel: Mapped[str] = mapped_column(String(20), default="form")
    score: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    extra: Mapped[str] = mapped_column(Text, default="{}")  # question number -> answer
    consent_contact: Mapped[bool] = mapped_column(default=False)
    consent_quote: Mapped[bool] = mapped_column(default=False)
    referral_name: Mapped[str] = mapped_column(String(200), default="")
    referral_phone: Mapped[str] = mapped_column(String(60), default="")

    __table_args__ = (
        Index(
            "ix_survey_answers_answered_at", "answered_at", sqlite_where=text("deleted_at IS NULL")
        ),
        Index("ix_survey_answers_client_id", "client_id"),
        Index("ix_survey_answers_form_id", "form_id"),
    )


class AnswerImage(Synced, Base):
    """Handwriting on a scanned form, kept with the answer read from it: the comment ("main
    reason for your score") or the referral ("who else would enjoy us"), cut out upright as
    a small grey PNG (about 100 dpi, a few KB) for the owner to read. Nothing is OCR'd. An
    image is never edited: it is made with its answer, and goes with it (undo, the Trash)
    or with its client (erasure blanks it)."""

    __tablename__ = "answer_images"
    kind_name = "Handwriting on survey forms"
    erased_with_client = True

    answer_id: Mapped[str] = mapped_column(ForeignKey("survey_answers.id"))
    client_id: Mapped[str | None] = mapped_column(ForeignKey("clients.id"), default=None)
    # the answer's entry in the client's history, where the images are shown
    history_id: Mapped[str | None] = mapped_column(ForeignKey("history.id"), default=None)
    part: Mapped[str] = mapped_column(String(20))  # reason, referral
    png: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int] = mapped_column(Integer, default=0)  # pixels
    height: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        Index("ix_answer_images_answer_id", "answer_id"),
        Index("ix_answer_images_client_id", "client_id"),
        Index("ix_answer_images_history_id", "history_id"),
    )
