"""What clients bought (for loyalty stages, revenue and the usual interval between visits),
and what they complained about."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from crmdesk.model.base import Base, Synced, now


class Purchase(Synced, Base):
    """One purchase or paid visit: when, how much (in cents, no rounding errors), what."""

    __tablename__ = "purchases"
    kind_name = "Purchases"
    erased_with_client = True

    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"))
    bought_at: Mapped[datetime] = mapped_column(default=now)
    amount_cents: Mapped[int] = mapped_column(Integer, default=0)
    what: Mapped[str] = mapped_column(String(300), default="")

    __table_args__ = (
        Index(
            "ix_purchases_client_id_bought_at",
            "client_id",
            "bought_at",
            sqlite_where=text("deleted_at IS NULL"),
        ),
        Index("ix_purchases_bought_at", "bought_at", sqlite_where=text("deleted_at IS NULL")),
    )


class Complaint(Synced, Base):
    """A complaint as a case: what happened, how bad, and how it was put right."""

    __tablename__ = "complaints"
    kind_name = "Complaints"
    erased_with_client = True

    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(default=now)
    channel: Mapped[str] = mapped_column(String(20), default="in person")
    category: Mapped[str] = mapped_column(String(60), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(10), default="medium")  # low, medium, high
    status: Mapped[str] = mapped_column(String(12), default="open")  # open, in progress, resolved
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        Index(
            "ix_complaints_status_opened_at",
            "status",
            "opened_at",
            sqlite_where=text("deleted_at IS NULL"),
        ),
    )
