"""Blank a person's data in the file: their client row and every row of theirs.

Used by the erase service (a fresh clock stamp) and by a merge (the client row with the
erasure's own stamp; a row of theirs it still finds with the merging machine's), so an
erasure made on either machine wins on both. Works on a plain sqlite3 connection
inside the caller's transaction; the search triggers drop the old text from the index, and
`secure_delete` (set on every connection) zeroes the freed bytes in the file.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from crmdesk import paths
from crmdesk.errors import CrmError
from crmdesk.model import kinds
from crmdesk.model.erasure import BLANK, TOMBSTONED
from crmdesk.store import search_index

Stamp = tuple[str, str]  # (hlc, site id)

UNTRACKED = frozenset({"sort_name"})
# an erased client is merged into nobody: the link to another client's record goes too
_UNLINKED = {"merged_into_id": None, "merged_seen": None}


def blank_client(conn: sqlite3.Connection, client_id: str, stamp: Stamp, when: str) -> None:
    """Make the client row a tombstone with nothing personal left. Its values come from the
    erasure alone (not from what the row held before: deleted, or merged into another
    client, on one copy and not on another), so every copy that applies the same erasure
    holds the same row; each field is stamped with the later of `stamp` and its own last
    change (an erasure applied again never hides a later change from the other copies)."""
    values = {**BLANK["clients"], **_UNLINKED}
    sets = ", ".join(f'"{c}" = ?' for c in values)
    conn.execute(
        f"UPDATE clients SET {sets}, erased_at = ?, deleted_at = ?,"
        " site_id = CASE WHEN (hlc, site_id) < (?, ?) THEN ? ELSE site_id END,"
        " hlc = CASE WHEN (hlc, site_id) < (?, ?) THEN ? ELSE hlc END WHERE id = ?",
        (*values.values(), when, when, *stamp, stamp[1], *stamp, stamp[0], client_id),
    )
    columns = [c for c in values if c not in UNTRACKED] + ["erased_at", "deleted_at"]
    marks = ", ".join("?" * len(columns))
    newer = {
        column: (hlc, site)
        for column, hlc, site in conn.execute(
            "SELECT column_name, hlc, site_id FROM field_changes WHERE table_name = 'clients'"
            f" AND row_id = ? AND column_name IN ({marks})",
            (client_id, *columns),
        )
        if (hlc, site) > stamp
    }
    conn.executemany(
        "INSERT OR REPLACE INTO field_changes(table_name, row_id, column_name, hlc, site_id)"
        " VALUES ('clients', ?, ?, ?, ?)",
        [(client_id, c, *newer.get(c, stamp)) for c in columns],
    )


def sweep(conn: sqlite3.Connection, client_id: str, stamp: Stamp, when: str) -> int:
    """Blank (and tombstone, where TOMBSTONED) every row of the erased client that still
    holds something; each is stamped with the later of `stamp` and its own last change.
    Returns how many rows were changed."""
    changed = 0
    for table in kinds.client_tables():
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


# ---------------------------------------------------------------------- erasures remembered
#
# A backup or a copy made before an erasure still holds the person. So each machine
# remembers, per business, every erasure it made or received (the client's id and the
# erasure's stamp: nothing personal) outside the database, and applies them again to any
# file of that business it opens, restores or merges, with the erasure's own stamp (so the
# re-applied erasure is the same change on every copy, not a new one).


SEARCH_TABLES = ("search_people", "search_text")


@dataclass(frozen=True)
class Erasure:
    client_id: str
    hlc: str
    site: str
    when: str  # erased_at as the file stores it

    @property
    def stamp(self) -> Stamp:
        return (self.hlc, self.site)


def erasures_in(conn: sqlite3.Connection, client_ids: Iterable[str] | None = None) -> list[Erasure]:
    """The erasures the file holds (of `client_ids`, or all)."""
    sql = (
        "SELECT c.id, f.hlc, f.site_id, c.erased_at FROM clients AS c"
        " JOIN field_changes AS f ON f.table_name = 'clients' AND f.row_id = c.id"
        " AND f.column_name = 'erased_at' WHERE c.erased_at IS NOT NULL"
    )
    if client_ids is None:
        rows = conn.execute(sql).fetchall()
    else:
        ids = list(client_ids)
        rows = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows += conn.execute(f"{sql} AND c.id IN ({marks})", chunk).fetchall()
    return [Erasure(cid, hlc, site, str(erased)) for cid, hlc, site, erased in rows]


def remembered(lineage_id: str) -> list[Erasure]:
    """The erasures this machine knows of for the business `lineage_id`."""
    entries = _register().get(lineage_id, {})
    return [Erasure(cid, *entry) for cid, entry in sorted(entries.items())]


def remember(lineage_id: str, erasures: Iterable[Erasure]) -> list[Erasure]:
    """Add `erasures` to what this machine remembers; return those it did not know yet.
    Written whole to both of its places (see _register)."""
    register = _register()
    known = register.setdefault(lineage_id, {})
    new = [e for e in erasures if e.client_id not in known]
    if not new or not lineage_id:
        return []
    for e in new:
        known[e.client_id] = [e.hlc, e.site, e.when]
    for target in _register_files():
        tmp = target.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(register, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(target)
    return new


def still_there(conn: sqlite3.Connection, erasures: list[Erasure]) -> list[Erasure]:
    """Those of `erasures` whose client the file holds and has not erased."""
    by_id = {e.client_id: e for e in erasures}
    ids = list(by_id)
    found: list[Erasure] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        found += [
            by_id[cid]
            for (cid,) in conn.execute(
                f"SELECT id FROM clients WHERE erased_at IS NULL AND id IN ({marks})", chunk
            )
        ]
    return found


def apply(conn: sqlite3.Connection, erasures: list[Erasure]) -> list[str]:
    """Erase again, inside the caller's transaction, those of `erasures` the file still
    holds; return their client ids. The caller rewrites the search index afterwards."""
    done = []
    for e in still_there(conn, erasures):
        blank_client(conn, e.client_id, e.stamp, e.when)
        sweep(conn, e.client_id, e.stamp, e.when)
        done.append(e.client_id)
    return done


def apply_to_file(path: Path, erasures: list[Erasure]) -> list[str]:
    """Erase `erasures` from the file at `path` (a backup, a restored file) in one
    transaction, the freed bytes zeroed and the search index rewritten; return the ids
    erased. A file that holds none of them is not written at all. A file of an older
    crmdesk (a backup made before an upgrade) has what its tables hold blanked."""
    conn = sqlite3.connect(path, isolation_level=None)
    search_index.register(conn)  # blanking goes through the search index's triggers
    try:
        for pragma in ("journal_mode = DELETE", "synchronous = FULL", "secure_delete = ON",
                       "busy_timeout = 5000"):  # fmt: skip
            conn.execute(f"PRAGMA {pragma}")
        columns = _table_columns(conn)
        current = "erased_at" in columns.get("clients", set()) and "field_changes" in columns
        if current and not still_there(conn, erasures):
            return []
        conn.execute("BEGIN IMMEDIATE")
        try:
            done = apply(conn, erasures) if current else _blank_older(conn, erasures, columns)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back itself (a full disk)
                conn.execute("ROLLBACK")
            raise
        if done:
            compact_search_index(conn, [t for t in SEARCH_TABLES if t in columns])
        return done
    finally:
        conn.close()


def _table_columns(conn: sqlite3.Connection) -> dict[str, set[str]]:
    tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {
        t: {c for (c,) in conn.execute("SELECT name FROM pragma_table_info(?)", (t,))}
        for t in tables
    }


def _blank_older(
    conn: sqlite3.Connection, erasures: list[Erasure], columns: dict[str, set[str]]
) -> list[str]:
    """Blank the people of `erasures` in a file of an older schema: every personal column
    its tables have. No stamps: opening (upgrading) such a file applies the erasure again
    with its stamp."""
    done = []
    for e in erasures:
        changed = conn.total_changes
        for table, values in BLANK.items():
            have = columns.get(table, set())
            key = "id" if table == "clients" else "client_id"
            if key not in have:
                continue
            sets = {c: v for c, v in values.items() if c in have}
            if "deleted_at" in have and (table == "clients" or table in TOMBSTONED):
                sets["deleted_at"] = e.when
            if not sets:
                continue
            same = " AND ".join(f'"{c}" IS ?' for c in sets if c != "deleted_at") or "1"
            assign = ", ".join(
                f'"{c}" = coalesce("{c}", ?)' if c == "deleted_at" else f'"{c}" = ?' for c in sets
            )
            conn.execute(
                f'UPDATE "{table}" SET {assign} WHERE "{key}" = ? AND NOT ({same})',
                (*sets.values(), e.client_id, *(v for c, v in sets.items() if c != "deleted_at")),
            )
        if conn.total_changes != changed:
            done.append(e.client_id)
    return done


def compact_search_index(conn: sqlite3.Connection, tables: Iterable[str] = SEARCH_TABLES) -> None:
    """Rewrite the search index, so text it dropped is not left in its old segments."""
    for table in tables:
        conn.execute(f"INSERT INTO {table}({table}) VALUES('optimize')")


def _register_files() -> tuple[Path, Path]:
    """The list is kept twice, in the data folder and beside the backups, so that one
    damaged or deleted file loses nothing."""
    return paths.erasures_file(), paths.backups_dir() / paths.erasures_file().name


def _register() -> dict[str, dict[str, list[str]]]:
    """Both copies of the list, merged; an unreadable one is left out (and rewritten with
    the next erasure). If neither can be read, nothing is opened: carrying on without the
    list could let an erased person come back."""
    merged: dict[str, dict[str, list[str]]] = {}
    unreadable = []
    for place in _register_files():
        try:
            data = json.loads(place.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a list of erasures")
        except FileNotFoundError:
            continue
        except (OSError, ValueError) as exc:
            unreadable.append(f"{place} ({exc})")
            continue
        for lineage, entries in data.items():
            merged.setdefault(lineage, {}).update(entries)
    if unreadable and not merged:
        raise CrmError(
            f"The list of the people erased from this machine's databases cannot be read: "
            f"{'; '.join(unreadable)}. Nothing was opened, so that nobody erased comes back "
            "from an older copy. Put a good copy of the file back, or move it aside to start "
            "a new list (people erased before would then come back if an older backup of "
            "theirs is restored)."
        )
    return merged
