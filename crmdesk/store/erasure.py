"""Blank a person's data in the file: their client row and every row of theirs.

Used by the erase service (a fresh clock stamp) and by a merge (the erasure's own stamp),
so an erasure made on either machine wins on both. Works on a plain sqlite3 connection
inside the caller's transaction; the search triggers drop the old text from the index, and
`secure_delete` (set on every connection) zeroes the freed bytes in the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from crmdesk.model.erasure import BLANK, CHILD_TABLES, TOMBSTONED

Stamp = tuple[str, str]  # (hlc, site id)

UNTRACKED = frozenset({"sort_name"})


def blank_client(conn: sqlite3.Connection, client_id: str, stamp: Stamp, when: str) -> None:
    """Make the client row a tombstone with nothing personal left."""
    values = BLANK["clients"]
    sets = ", ".join(f'"{c}" = ?' for c in values)
    conn.execute(
        f"UPDATE clients SET {sets}, erased_at = coalesce(erased_at, ?),"
        " deleted_at = coalesce(deleted_at, ?), hlc = ?, site_id = ? WHERE id = ?",
        (*values.values(), when, when, *stamp, client_id),
    )
    columns = [c for c in values if c not in UNTRACKED] + ["erased_at", "deleted_at"]
    _stamp_fields(conn, "clients", [(client_id, stamp)], columns)


def sweep(conn: sqlite3.Connection, client_id: str, stamp: Stamp, when: str) -> int:
    """Blank (and tombstone, where TOMBSTONED) every row of the erased client that still
    holds something; each is stamped with the later of `stamp` and its own last change.
    Returns how many rows were changed."""
    changed = 0
    for table in CHILD_TABLES:
        values = BLANK[table]
        tomb = table in TOMBSTONED
        same = " AND ".join(f'"{c}" IS ?' for c in values)
        if tomb:
            same += " AND deleted_at IS NOT NULL"
        rows = conn.execute(
            f"SELECT id, hlc, site_id FROM {table} WHERE client_id = ? AND NOT ({same})",
            (client_id, *values.values()),
        ).fetchall()
        if not rows:
            continue
        stamped = [(row_id, max(stamp, (hlc, site))) for row_id, hlc, site in rows]
        sets = ", ".join(f'"{c}" = ?' for c in values)
        if tomb:
            sets += ", deleted_at = coalesce(deleted_at, ?)"
        params = (*values.values(), *((when,) if tomb else ()))
        conn.executemany(
            f"UPDATE {table} SET {sets}, hlc = ?, site_id = ? WHERE id = ?",
            [(*params, *s, row_id) for row_id, s in stamped],
        )
        columns = list(values) + (["deleted_at"] if tomb else [])
        _stamp_fields(conn, table, stamped, columns)
        changed += len(rows)
    return changed


def _stamp_fields(
    conn: sqlite3.Connection, table: str, rows: Iterable[tuple[str, Stamp]], columns: list[str]
) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO field_changes(table_name, row_id, column_name, hlc, site_id)"
        " VALUES (?, ?, ?, ?, ?)",
        [(table, row_id, c, hlc, site) for row_id, (hlc, site) in rows for c in columns],
    )
