"""Declarative base and the columns every syncable table carries (see design.md)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from crmdesk.model.ids import new_id, now

__all__ = ["Base", "Synced", "new_id", "now"]

# Named constraints, so Alembic batch migrations on SQLite can find and alter them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Synced:
    """A row that can travel between copies of the database.

    UUID key; the hybrid-logical-clock value and site of its last change (stamped by the
    store on flush, with one field_changes row per changed column); a tombstone instead of
    a physical delete.
    """

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    hlc: Mapped[str] = mapped_column(String(24), default="")
    site_id: Mapped[str] = mapped_column(String(36), default="")
    # Full precision: it orders rows added in the same second (facts, in the order typed).
    created_at: Mapped[datetime] = mapped_column(default=datetime.now)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)

    # Columns the store does not record field changes for (bookkeeping, derived values).
    untracked_columns: frozenset[str] = frozenset({"hlc", "site_id"})

    # What the user calls these records (a merge's summary, the conflict log).
    kind_name: ClassVar[str]
    # Rows of one client that erasing the client blanks (model.erasure.BLANK says how).
    erased_with_client: ClassVar[bool] = False

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
