from __future__ import annotations

from sqlalchemy import Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from crmdesk.model.base import Base, Synced


class FieldChange(Base):
    """The last change to one field of one row: what a merge decides on, field by field."""

    __tablename__ = "field_changes"

    table_name: Mapped[str] = mapped_column(String(40), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    column_name: Mapped[str] = mapped_column(String(60), primary_key=True)
    hlc: Mapped[str] = mapped_column(String(24))
    site_id: Mapped[str] = mapped_column(String(36))


class Meta(Base):
    """Facts about this database: lineage id, settings of the business (phone region...)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class SiteClock(Base):
    """The newest change of one site (installation) this copy holds."""

    __tablename__ = "site_clocks"

    site_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    hlc: Mapped[str] = mapped_column(String(24))


class Conflict(Synced, Base):
    """A value a merge did not keep: both copies changed the field, or one deleted a record
    the other changed later. The user can keep the other value instead.

    Its id is made from the losing change, so two copies that find the same conflict log
    it once. Values are JSON of what the column held.
    """

    __tablename__ = "conflicts"
    kind_name = "Conflict log"
    erased_with_client = True

    kind: Mapped[str] = mapped_column(String(10), default="field")  # field, delete
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[str] = mapped_column(String(36))
    column_name: Mapped[str] = mapped_column(String(60))
    client_id: Mapped[str | None] = mapped_column(String(36), default=None, index=True)
    kept_value: Mapped[str] = mapped_column(Text, default="null")
    other_value: Mapped[str] = mapped_column(Text, default="null")
    kept_hlc: Mapped[str] = mapped_column(String(24), default="")
    other_hlc: Mapped[str] = mapped_column(String(24), default="")
    other_site: Mapped[str] = mapped_column(String(36), default="")
    status: Mapped[str] = mapped_column(String(10), default="open")  # open, dismissed, restored

    __table_args__ = (
        Index("ix_conflicts_status", "status", sqlite_where=text("deleted_at IS NULL")),
    )
