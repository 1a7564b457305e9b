"""The kinds of synced record, read from the mapped classes (style.md 9b).

Every `Synced` class is carried between copies by a merge; its `kind_name` is what the user
calls its records, and `erased_with_client` marks the rows of one client that erasing the
client blanks. Only the order a merge takes the tables in is kept here.

Reading the classes loads SQLAlchemy, so the lists are made on first use: the store's
erasure module, which asks for them, is imported at start-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING

from crmdesk import model

if TYPE_CHECKING:
    from crmdesk.model.base import Synced

# Parents before children (a row's foreign keys point to tables earlier here): the order a
# merge inserts new rows in, and so the order its summary names them in.
MERGE_ORDER = (
    "clients",
    "not_duplicates",
    "surveys",
    "survey_forms",
    "survey_answers",
    "facts",
    "notes",
    "history",
    "answer_images",
    "purchases",
    "complaints",
    "letter_templates",
    "conflicts",
)


@cache
def synced_classes() -> tuple[type[Synced], ...]:
    """Every mapped class a merge carries, in MERGE_ORDER (a class left out of it is a
    ValueError here, not a table merges forget)."""
    return tuple(sorted(model.Synced.__subclasses__(), key=lambda c: MERGE_ORDER.index(table(c))))


def table(cls: type[Synced]) -> str:
    name: str = cls.__table__.name  # type: ignore[attr-defined]
    return name


@cache
def synced_tables() -> tuple[str, ...]:
    return tuple(table(c) for c in synced_classes())


@cache
def client_tables() -> tuple[str, ...]:
    """The tables whose rows belong to a client (client_id) and are blanked when the client
    is erased, in merge order."""
    return tuple(table(c) for c in synced_classes() if c.erased_with_client)


@cache
def moved_tables() -> tuple[str, ...]:
    """The tables whose rows name their client by a foreign key (client_id → clients): the
    rows a merge of two clients moves onto the one kept, in merge order."""
    found = []
    for cls in synced_classes():
        column = cls.__table__.columns.get("client_id")  # type: ignore[attr-defined]
        if column is not None and any(
            fk.column.table.name == "clients" for fk in column.foreign_keys
        ):
            found.append(table(cls))
    return tuple(found)


@cache
def kind_names() -> Mapping[str, str]:
    """Table → what the user calls its records ("facts" → "Things to remember")."""
    return MappingProxyType({table(c): c.kind_name for c in synced_classes()})


def mapped_class(table_name: str) -> type[Synced]:
    """The mapped class of a synced table."""
    return _by_table()[table_name]


@cache
def _by_table() -> dict[str, type[Synced]]:
    return {table(c): c for c in synced_classes()}
