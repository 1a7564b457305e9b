from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crmdesk.model.base import Base


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
