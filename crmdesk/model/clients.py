from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from crmdesk.model.base import Base, Synced, now
from crmdesk.model.names import client_sort_name, display_name
from crmdesk.model.partial_date import PartialDate
from crmdesk.model.partial_date_type import PartialDateType

__all__ = ["Client", "Fact", "Note", "display_name"]

_LIVE = text("deleted_at IS NULL")  # list indexes hold only clients not in the Trash


class Client(Synced, Base):
    __tablename__ = "clients"
    kind_name = "Clients"

    given_name: Mapped[str] = mapped_column(String(200, collation="NOCASE"), default="")
    family_name: Mapped[str] = mapped_column(String(200, collation="NOCASE"), default="")
    salutation: Mapped[str] = mapped_column(String(60), default="")
    preferred_name: Mapped[str] = mapped_column(String(200), default="")
    company: Mapped[str] = mapped_column(String(200), default="")
    # [{"label": "mobile", "number": "+447700900123"}], numbers in E.164
    phones: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # [{"label": "home", "address": "ann@example.org"}]
    emails: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    street: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str] = mapped_column(String(40), default="")
    city: Mapped[str] = mapped_column(String(200, collation="NOCASE"), default="")
    country: Mapped[str] = mapped_column(String(200), default="")
    # "1980-04-15", or "XXXX-04-15" when the year is not known (model.partial_date)
    birthday: Mapped[PartialDate | None] = mapped_column(PartialDateType, default=None)
    preferred_contact: Mapped[str] = mapped_column(String(20), default="any")
    marketing_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_at: Mapped[datetime | None] = mapped_column(default=None)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    found_via: Mapped[str] = mapped_column(String(200), default="")
    referred_by_id: Mapped[str | None] = mapped_column(
        ForeignKey("clients.id"), default=None, index=True
    )
    # Derived from history by a trigger, for sorting the list; not a user field.
    # a loyalty stage set by hand (services.retention works it out otherwise), and when
    stage_override: Mapped[str] = mapped_column(String(20), default="")
    stage_override_on: Mapped[date | None] = mapped_column(default=None)
    # "stay in touch every N days" (None: the client's tags decide, or nothing does)
    touch_every_days: Mapped[int | None] = mapped_column(Integer, default=None)
    # on a client someone referred: the reward that referrer was given, and when
    referral_reward: Mapped[str] = mapped_column(String(200), default="")
    reward_given_on: Mapped[date | None] = mapped_column(default=None)
    # when the person's data was erased on request: only this tombstone is left
    erased_at: Mapped[datetime | None] = mapped_column(default=None)
    last_contact_at: Mapped[datetime | None] = mapped_column(default=None)
    # Derived from the names on every write: what the list sorts "Name" by.
    sort_name: Mapped[str] = mapped_column(String(400), default="")

    untracked_columns = frozenset({"hlc", "site_id", "last_contact_at", "sort_name"})

    __table_args__ = (
        Index("ix_clients_sort_name", "sort_name", "id", sqlite_where=_LIVE),
        Index("ix_clients_city", "city", "sort_name", "id", sqlite_where=_LIVE),
        Index("ix_clients_last_contact_at", "last_contact_at", "id", sqlite_where=_LIVE),
        Index("ix_clients_created_at", "created_at", "id", sqlite_where=_LIVE),
        Index("ix_clients_live", "deleted_at", sqlite_where=_LIVE),
        Index(
            "ix_clients_birthday_md",
            text("substr(birthday, 6, 5)"),
            sqlite_where=text("birthday IS NOT NULL AND deleted_at IS NULL"),
        ),
        Index(
            "ix_clients_touch_every_days",
            "touch_every_days",
            sqlite_where=text("touch_every_days IS NOT NULL"),
        ),
    )

    @property
    def display_name(self) -> str:
        return display_name(self.given_name, self.family_name, self.company)


@event.listens_for(Client, "before_insert")
@event.listens_for(Client, "before_update")
def _set_sort_name(_mapper: object, connection: Connection, client: Client) -> None:
    # the locale the file's keys are made in, read inside this very write (which holds the
    # write lock): a change of alphabet commits wholly before or wholly after it
    locale = connection.exec_driver_sql("SELECT value FROM meta WHERE key = 'sort_locale'").scalar()
    client.sort_name = client_sort_name(
        client.given_name, client.family_name, client.company, str(locale or "")
    )


class Fact(Synced, Base):
    """A personal thing worth remembering: "Dog" → "Biscuit", optionally with a date."""

    __tablename__ = "facts"
    kind_name = "Things to remember"
    erased_with_client = True

    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    value: Mapped[str] = mapped_column(Text, default="")
    on_date: Mapped[date | None] = mapped_column(default=None)

    __table_args__ = (
        Index(
            "ix_facts_on_date_md",
            text("substr(on_date, 6, 5)"),
            sqlite_where=text("on_date IS NOT NULL AND deleted_at IS NULL"),
        ),
    )


class Note(Synced, Base):
    """A dated free-text note; pinned notes are shown first."""

    __tablename__ = "notes"
    kind_name = "Notes"
    erased_with_client = True

    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    written_at: Mapped[datetime] = mapped_column(default=now)
    text: Mapped[str] = mapped_column(Text, default="")
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
