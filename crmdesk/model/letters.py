"""Letter templates the shop wrote or changed (the built-in ones live in resources/letters)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crmdesk.model.base import Base, Synced


class LetterTemplate(Synced, Base):
    """A letter with merge fields. `builtin` names the built-in template it replaces, so
    an edited "Birthday" letter is used instead of the shipped one (and a deleted edit
    brings the shipped one back)."""

    __tablename__ = "letter_templates"
    kind_name = "Letter templates"

    name: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text, default="")
    builtin: Mapped[str] = mapped_column(String(60), default="")
