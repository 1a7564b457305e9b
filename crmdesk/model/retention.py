"""What clients bought (for loyalty stages, revenue and the usual interval between visits)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from crmdesk.model.base import Base, Synced, now


class Purchase(Synced, Base):
    """One purchase or paid visit: when, how much (in cents, no rounding errors), what."""

    __tablename__ = "purchases"

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
