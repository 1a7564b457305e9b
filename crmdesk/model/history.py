from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from crmdesk.model.base import Base, Synced, now


class HistoryEntry(Synced, Base):
    """One contact with a client: a call, visit, email, letter, SMS, meeting or other."""

    __tablename__ = "history"
    kind_name = "History entries"
    erased_with_client = True

    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"))
    kind: Mapped[str] = mapped_column(String(20), default="call")
    direction: Mapped[str] = mapped_column(String(3), default="out")
    occurred_at: Mapped[datetime] = mapped_column(default=now)
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(300), default="")
    follow_up_on: Mapped[date | None] = mapped_column(default=None)
    # the complaint this contact was about, if any (no foreign key: added by ALTER TABLE)
    complaint_id: Mapped[str | None] = mapped_column(String(36), default=None)
    # A contact the owner made with this one client (a call, visit, email, SMS, meeting, a
    # letter to them alone). False for a letter printed for many clients at once, a printed
    # survey form or an answer that came back on one: those are in the history, but they do
    # not close a follow-up or a call-back, nor count as the last contact (the trigger that
    # keeps clients.last_contact_at counts only personal entries).
    personal: Mapped[bool] = mapped_column(default=True, server_default=text("1"))

    __table_args__ = (
        Index("ix_history_client_id_occurred_at", "client_id", "occurred_at"),
        Index("ix_history_follow_up_on", "follow_up_on"),
        Index(
            "ix_history_complaint_id", "complaint_id", sqlite_where=text("complaint_id IS NOT NULL")
        ),
    )
