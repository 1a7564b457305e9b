"""The clients' sort names follow the shop's alphabet.

`clients.sort_name` holds an ICU sort key of "family given" in one locale, so the list's
index sorts as that locale does. Which locale the keys of a file were made in is kept in
meta under SORT_LOCALE, a key of this file alone (not a setting, not merged: each machine
makes its own keys, like an index). Every writer of a name makes the key in that locale;
`resort` makes all of them again when the shop's locale changes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from crmdesk.model.names import client_sort_name

SORT_LOCALE = "sort_locale"


def locale_of(conn: sqlite3.Connection, schema: str = "main") -> str:
    """The locale the sort names of `schema` are made in ("" → ICU's root order)."""
    row = conn.execute(f"SELECT value FROM {schema}.meta WHERE key = ?", (SORT_LOCALE,)).fetchone()
    return str(row[0]) if row else ""


def set_sort_name(conn: sqlite3.Connection, client_id: str, schema: str = "main") -> None:
    """Make the sort name of one client again from its names (after a raw-SQL write)."""
    row = conn.execute(
        f"SELECT given_name, family_name, company FROM {schema}.clients WHERE id = ?",
        (client_id,),
    ).fetchone()
    if row is not None:
        given, family, company = row
        conn.execute(
            f"UPDATE {schema}.clients SET sort_name = ? WHERE id = ?",
            (client_sort_name(given, family, company, locale_of(conn, schema)), client_id),
        )


def new_keys(rows: Iterable[Sequence[Any]], locale: str) -> list[tuple[Any, ...]]:
    """For rows of (rowid, given, family, company, sort name): the UPDATE_KEY parameters
    of those whose sort name in `locale` differs from the one they hold."""
    updates: list[tuple[Any, ...]] = []
    for rowid, given, family, company, old in rows:
        new = client_sort_name(given, family, company, locale)
        if new != old:
            updates.append((new, rowid, given, family, company))
    return updates


ALL_NAMES = "SELECT rowid, given_name, family_name, company, sort_name FROM clients ORDER BY rowid"
# a name changed since the keys were made keeps the key its own write made
UPDATE_KEY = (
    "UPDATE clients SET sort_name = ?"
    " WHERE rowid = ? AND given_name = ? COLLATE BINARY AND family_name = ? COLLATE BINARY"
    " AND company = ? COLLATE BINARY"
)
_MANY = 2000  # past this, the indexes holding sort names are made again rather than updated


def store_keys(conn: sqlite3.Connection, updates: Sequence[tuple[Any, ...]], locale: str) -> None:
    """Write new sort names and record their locale, on an open transaction of `conn`.
    Many keys at once (a new alphabet for the whole list) go in with the indexes that hold
    them dropped and made again from their own definitions: 1.4 s at 100,000 clients
    instead of 4 s of updating index entries one by one (and 10 s in small transactions)."""
    indexes = []
    if len(updates) > _MANY:
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'clients'"
            " AND sql LIKE '%sort_name%'"
        ).fetchall()
        for name, _sql in indexes:
            conn.execute(f'DROP INDEX "{name}"')
    conn.executemany(UPDATE_KEY, updates)
    for _name, sql in indexes:
        conn.execute(sql)
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (SORT_LOCALE, locale))
