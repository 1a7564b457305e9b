"""Merge another copy of the same database into this file, field by field (design.md).

Every field carries the stamp (HLC, site) of its last change: a field_changes record of its
own, or its row's creation record "*". Each copy also knows, per site, the newest change of
that site it holds (site_clocks). A merge reads only the other copy's changes this copy has
not seen, and for each field of each such row:

- the stamps are equal: nothing to do;
- the other copy's stamp is later: take its value. If the other copy had not seen our
  change when it made its own (both changed the field), our value goes to the conflict log;
- our stamp is later: keep ours. If we had not seen the other change (both changed the
  field), the other value goes to the conflict log.

A record deleted on one side and changed later on the other (a field, or for a client a row
of theirs) is kept and the delete logged as a conflict. An erased client wins everything:
the erased side's blanks are taken and every row of theirs is blanked (store.erasure;
both in store.merge_tombstones). The conflict log merges as a set (store.conflict_log);
what was added to a client merged into another goes to the client kept
(store.merged_clients).

Every decision is a function of the two copies alone (stamps order totally; conflict ids
come from the losing change), so merging A into B gives B what merging B into A gives A, and
merging the same copy again finds nothing new. It all happens in one transaction: a crash
leaves the file as it was, or fully merged.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections import defaultdict
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crmdesk.errors import CrmError
from crmdesk.model import kinds
from crmdesk.model.names import client_sort_name
from crmdesk.store import conflict_log, merge_tombstones, merged_clients, search_index, sorting
from crmdesk.store.clock import HybridClock, stamp_time
from crmdesk.store.gate import roll_back_interrupted_write
from crmdesk.store.stamps import NOT_MERGED, Stamp, effective
from crmdesk.store.tracking import ALL_FIELDS, LOCAL_META

# Tables in the order their new rows go in (a row's parents first).
SYNCED_TABLES = kinds.synced_tables()
_CONFLICT_IDS = uuid.UUID("6f1c1f0e-8a36-4f3e-9a63-0c7f5d0c2b11")
_CHUNK = 400


@dataclass
class KindCounts:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    conflicts: int = 0
    erased: int = 0  # clients whose personal data was erased on the other machine


@dataclass
class MergeResult:
    counts: dict[str, KindCounts] = field(default_factory=lambda: defaultdict(KindCounts))
    client_ids: set[str] = field(default_factory=set)
    newest_hlc: str = ""


def merge_file(local: Path, other: Path, clock: HybridClock, site: str) -> MergeResult:
    """Merge the copy at `other` (same lineage and schema, checked by the caller, and not
    written to while this runs) into `local`, in one transaction. `clock` and `site` are
    this installation's: conflicts found here are stamped as changes made here."""
    failed = False
    conn = sqlite3.connect(local, isolation_level=None)
    search_index.register(conn)  # the search index's triggers fold what is merged in
    try:
        for pragma in (
            "PRAGMA journal_mode = DELETE",
            "PRAGMA synchronous = FULL",
            "PRAGMA foreign_keys = ON",
            "PRAGMA secure_delete = ON",
            "PRAGMA busy_timeout = 5000",
        ):
            conn.execute(pragma)
        conn.execute("ATTACH DATABASE ? AS other", (str(other),))
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("PRAGMA defer_foreign_keys = ON")
            result = _Merge(conn, clock, site).run()
            conn.execute("COMMIT")
        except BaseException:
            failed = True
            with suppress(sqlite3.Error):  # (SQLite may have rolled back itself: a full disk)
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            raise
        conn.execute("DETACH DATABASE other")
    finally:
        conn.close()
        if failed:  # a commit cut off by the disk can leave its journal: undo it now
            with suppress(CrmError, sqlite3.Error, OSError):
                roll_back_interrupted_write(local)
    return result


def conflict_id(table: str, row_id: str, column: str, lost: Stamp) -> str:
    return str(uuid.uuid5(_CONFLICT_IDS, f"{table}|{row_id}|{column}|{lost[0]}|{lost[1]}"))


class _Merge:
    def __init__(self, conn: sqlite3.Connection, clock: HybridClock, site: str) -> None:
        self.conn = conn
        self.clock = clock
        self.site = site
        self.result = MergeResult()
        self.seen_here = dict(conn.execute("SELECT site_id, hlc FROM main.site_clocks"))
        self.seen_there = dict(conn.execute("SELECT site_id, hlc FROM other.site_clocks"))
        for hlc in self.seen_there.values():
            clock.observe(hlc)
        self.columns = {t: self._columns(t) for t in SYNCED_TABLES}
        self.sort_locale = sorting.locale_of(conn)  # the other copy's keys may be in another
        # a client's rows changed by this merge: client id -> the newest stamp among them
        self.touched_clients: dict[str, Stamp] = {}
        self.new_conflicts: list[dict[str, Any]] = []
        self.wrote_own = False  # a change stamped as this machine's own (store.merged_clients)

    def _columns(self, table: str) -> list[str]:
        return [
            name
            for (name,) in self.conn.execute(
                "SELECT name FROM pragma_table_info(?, 'main') ORDER BY cid", (table,)
            )
        ]

    # ------------------------------------------------------------------ the run

    def run(self) -> MergeResult:
        candidates = self._candidates()
        for table in SYNCED_TABLES:
            ids = candidates.pop(table, [])
            for start in range(0, len(ids), _CHUNK):
                self._merge_rows(table, ids[start : start + _CHUNK])
        self._merge_meta(candidates.pop("meta", []))
        merged_clients.redirect(self)  # what was added to a client merged into another
        merge_tombstones.revive_clients(self)
        merge_tombstones.sweep_erased(self)
        self._log_conflicts()
        self._advance_clocks()
        return self.result

    def _candidates(self) -> dict[str, list[str]]:
        """Rows with a change this copy has not seen, per table."""
        rows = self.conn.execute(
            "SELECT DISTINCT f.table_name, f.row_id FROM other.field_changes AS f"
            " WHERE f.hlc > coalesce("
            "  (SELECT s.hlc FROM main.site_clocks AS s WHERE s.site_id = f.site_id), '')"
        )
        found: dict[str, list[str]] = defaultdict(list)
        for table, row_id in rows:
            found[table].append(row_id)
        return found

    # ------------------------------------------------------------------ rows

    def _merge_rows(self, table: str, ids: list[str]) -> None:
        columns = self.columns[table]
        merged = [c for c in columns if c not in NOT_MERGED]
        theirs = self._rows("other", table, columns, ids)
        ours = self._rows("main", table, columns, ids)
        their_stamps = self._stamps("other", table, ids)
        our_stamps = self._stamps("main", table, ids)
        new_ids = []
        for row_id in ids:
            there = theirs.get(row_id)
            if there is None:
                continue  # a change record without its row: nothing to take
            here = ours.get(row_id)
            if here is None:
                new_ids.append(row_id)
                self._count_new(table, there)
                self._touch(table, there, effective(their_stamps[row_id], there, ALL_FIELDS))
                continue
            self._merge_row(table, merged, here, there, our_stamps[row_id], their_stamps[row_id])
        if new_ids:
            self._insert(table, columns, new_ids)

    def _merge_row(
        self,
        table: str,
        merged: list[str],
        here: dict[str, Any],
        there: dict[str, Any],
        our: dict[str, Stamp],
        their: dict[str, Stamp],
    ) -> None:
        row_id = here["id"]
        if table == "clients" and (here["erased_at"] or there["erased_at"]):
            merge_tombstones.merge_erased(self, here, there, our, their)
            return
        if table == "conflicts":
            conflict_log.merge_entry(self, merged, here, there, our, their)
            return
        taken: dict[str, Any] = {}
        stamps: dict[str, Stamp] = {}
        final: dict[str, Stamp] = {}
        for col in merged:
            mine, other = effective(our, here, col), effective(their, there, col)
            final[col] = max(mine, other)
            if mine == other:
                continue
            kept, lost = (there, here) if other > mine else (here, there)
            if other > mine:
                taken[col] = there[col]
                stamps[col] = other
                concurrent = self.seen_there.get(mine[1], "") < mine[0]
                lost_stamp, kept_stamp = mine, other
            else:
                concurrent = self.seen_here.get(other[1], "") < other[0]
                lost_stamp, kept_stamp = other, mine
            both_deleted = col == "deleted_at" and kept[col] and lost[col]
            if concurrent and kept[col] != lost[col] and not both_deleted:
                self._conflict(
                    table, row_id, col, here, kept[col], kept_stamp, lost[col], lost_stamp
                )
        deleted = there["deleted_at"] if "deleted_at" in taken else here["deleted_at"]
        # a client merged into another stays a tombstone: its edits go to the kept client
        merged_away = table == "clients" and {**here, **taken}["merged_into_id"] is not None
        if deleted is not None and not merged_away:
            edits = [s for c, s in final.items() if c != "deleted_at"]
            if max(edits) > final["deleted_at"]:  # changed after it was deleted: keep it
                latest = max(edits)
                merge_tombstones.revive(
                    self, table, row_id, here, deleted, final["deleted_at"], latest
                )
                # a change of this copy's own (as in merge_tombstones.revive_clients): with
                # the edit's stamp, a copy that had seen the edit but not come to the same
                # un-delete would never take it
                revived = (self.clock.now(), self.site)
                taken["deleted_at"], stamps["deleted_at"] = None, revived
                final["deleted_at"] = revived
        # the row's own stamp is the newest of both copies' (a row revived on one side, or
        # changed there to what it already was here, would otherwise keep two stamps)
        row_stamp = max((here["hlc"], here["site_id"]), (there["hlc"], there["site_id"]))
        if not taken:
            if (here["hlc"], here["site_id"]) < row_stamp:
                self.conn.execute(
                    f"UPDATE main.{table} SET hlc = ?, site_id = ? WHERE id = ?",
                    (*row_stamp, row_id),
                )
            return
        newest = max(max(final.values()), row_stamp)
        self._update(table, row_id, taken, stamps, newest, here, there)
        counts = self.result.counts[table]
        if taken.get("deleted_at") is not None and here["deleted_at"] is None:
            counts.deleted += 1
        elif any(here[c] != v for c, v in taken.items()):
            counts.updated += 1
        self._touch(table, here, max(stamps.values()))

    def _stamp_of(self, table: str, row_id: str, column: str) -> Stamp:
        rows = dict(
            (c, (h, s))
            for c, h, s in self.conn.execute(
                "SELECT column_name, hlc, site_id FROM main.field_changes"
                " WHERE table_name = ? AND row_id = ? AND column_name IN (?, ?)",
                (table, row_id, column, ALL_FIELDS),
            )
        )
        return rows.get(column) or rows.get(ALL_FIELDS) or ("", "")

    # ------------------------------------------------------------------ settings

    def _merge_meta(self, keys: list[str]) -> None:
        keys = [k for k in keys if k not in LOCAL_META]
        if not keys:
            return
        marks = ", ".join("?" * len(keys))
        theirs = dict(
            self.conn.execute(f"SELECT key, value FROM other.meta WHERE key IN ({marks})", keys)
        )
        ours = dict(
            self.conn.execute(f"SELECT key, value FROM main.meta WHERE key IN ({marks})", keys)
        )
        their_stamps = self._stamps("other", "meta", keys)
        our_stamps = self._stamps("main", "meta", keys)
        for key in keys:
            if key not in theirs:
                continue
            other = their_stamps[key].get("value", ("", ""))
            mine = our_stamps[key].get("value", ("", ""))
            if other == mine:
                continue
            here = {"id": key, "client_id": None}
            if other > mine:
                if (
                    key in ours
                    and ours[key] != theirs[key]
                    and (self.seen_there.get(mine[1], "") < mine[0])
                ):
                    self._conflict("meta", key, "value", here, theirs[key], other, ours[key], mine)
                self.conn.execute(
                    "INSERT OR REPLACE INTO main.meta(key, value) VALUES (?, ?)",
                    (key, theirs[key]),
                )
                self._write_stamps("meta", key, {"value": other})
                self.result.counts["settings"].updated += 1
            elif key in ours and ours[key] != theirs[key]:
                self._conflict("meta", key, "value", here, ours[key], mine, theirs[key], other)

    # ------------------------------------------------------------------ conflicts

    def _conflict(
        self,
        table: str,
        row_id: str,
        column: str,
        here: dict[str, Any],
        kept: Any,
        kept_stamp: Stamp,
        lost: Any,
        lost_stamp: Stamp,
        kind: str = "field",
    ) -> None:
        if isinstance(kept, bytes) or isinstance(lost, bytes):
            return  # handwriting kept as an image is never edited, only blanked by an erasure
        client = row_id if table == "clients" else here.get("client_id")
        self.new_conflicts.append(
            {
                "id": conflict_id(table, row_id, column, lost_stamp),
                "kind": kind,
                "table_name": table,
                "row_id": row_id,
                "column_name": column,
                "client_id": client,
                "kept_value": json.dumps(kept),
                "other_value": json.dumps(lost),
                "kept_hlc": kept_stamp[0],
                "other_hlc": lost_stamp[0],
                "other_site": lost_stamp[1],
                "status": "open",
            }
        )

    def _log_conflicts(self) -> None:
        """Conflicts found here, stamped as changes made here (so they travel on to every
        copy); one the other copy found already arrived as a row, with the same id."""
        if not self.new_conflicts:
            return
        cursor = self.conn.cursor()
        for row in self.new_conflicts:
            # when it arose (the later of the two changes): the same on every copy that finds it
            arose = stamp_time(max(row["kept_hlc"], row["other_hlc"]))
            row.update(hlc=self.clock.now(), site_id=self.site, created_at=arose)
            names = ", ".join(row)
            marks = ", ".join(f":{c}" for c in row)
            cursor.execute(f"INSERT OR IGNORE INTO main.conflicts({names}) VALUES ({marks})", row)
            if cursor.rowcount:
                self._count_conflict(row["table_name"])
                self._write_stamps(
                    "conflicts", row["id"], {ALL_FIELDS: (row["hlc"], row["site_id"])}
                )

    # ------------------------------------------------------------------ writing

    def _insert(self, table: str, columns: list[str], ids: list[str]) -> None:
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(ids))
        self.conn.execute(
            f"INSERT INTO main.{table}({names}) SELECT {names} FROM other.{table}"
            f" WHERE id IN ({marks})",
            ids,
        )
        if table == "clients":
            named = self.conn.execute(
                "SELECT id, given_name, family_name, company FROM main.clients"
                f" WHERE id IN ({marks})",
                ids,
            ).fetchall()
            self.conn.executemany(
                "UPDATE main.clients SET sort_name = ? WHERE id = ?",
                [(client_sort_name(g, f, c, self.sort_locale), i) for i, g, f, c in named],
            )
        self.conn.execute(
            "INSERT OR REPLACE INTO main.field_changes SELECT * FROM other.field_changes"
            f" WHERE table_name = ? AND row_id IN ({marks})",
            (table, *ids),
        )

    def _update(
        self,
        table: str,
        row_id: str,
        taken: dict[str, Any],
        stamps: dict[str, Stamp],
        newest: Stamp,
        here: dict[str, Any],
        there: dict[str, Any],
    ) -> None:
        values = dict(taken)
        if table == "clients" and {"given_name", "family_name", "company"} & set(taken):
            row = {**here, **taken}
            values["sort_name"] = client_sort_name(
                row["given_name"], row["family_name"], row["company"], self.sort_locale
            )
        values["hlc"], values["site_id"] = newest
        sets = ", ".join(f'"{c}" = ?' for c in values)
        self.conn.execute(
            f"UPDATE main.{table} SET {sets} WHERE id = ?", (*values.values(), row_id)
        )
        self._write_stamps(table, row_id, stamps)

    def _write_stamps(self, table: str, row_id: str, stamps: dict[str, Stamp]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO main.field_changes(table_name, row_id, column_name, hlc,"
            " site_id) VALUES (?, ?, ?, ?, ?)",
            [(table, row_id, c, h, s) for c, (h, s) in stamps.items()],
        )

    def _advance_clocks(self) -> None:
        if self.new_conflicts or self.wrote_own:
            self.conn.execute(
                "INSERT INTO main.site_clocks(site_id, hlc) VALUES (?, ?) ON CONFLICT(site_id)"
                " DO UPDATE SET hlc = max(hlc, excluded.hlc)",
                (self.site, self.clock.now()),
            )
        self.conn.execute(
            "INSERT INTO main.site_clocks(site_id, hlc) SELECT site_id, hlc FROM other.site_clocks"
            " WHERE true ON CONFLICT(site_id) DO UPDATE SET hlc = max(hlc, excluded.hlc)"
        )
        newest = self.conn.execute(
            "SELECT max(hlc) FROM (SELECT hlc FROM main.site_clocks"
            " UNION ALL SELECT value FROM main.meta WHERE key = 'clock')"
        ).fetchone()[0]
        if newest:
            self.conn.execute("INSERT OR REPLACE INTO main.meta VALUES ('clock', ?)", (newest,))
            self.result.newest_hlc = newest

    # ------------------------------------------------------------------ reading

    def _rows(
        self, schema: str, table: str, columns: list[str], ids: list[str]
    ) -> dict[str, dict[str, Any]]:
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(ids))
        rows = (
            dict(zip(columns, row, strict=True))
            for row in self.conn.execute(
                f"SELECT {names} FROM {schema}.{table} WHERE id IN ({marks})", ids
            )
        )
        return {row["id"]: row for row in rows}

    def _stamps(self, schema: str, table: str, ids: list[str]) -> dict[str, dict[str, Stamp]]:
        marks = ", ".join("?" * len(ids))
        found: dict[str, dict[str, Stamp]] = defaultdict(dict)
        for row_id, column, hlc, site in self.conn.execute(
            f"SELECT row_id, column_name, hlc, site_id FROM {schema}.field_changes"
            f" WHERE table_name = ? AND row_id IN ({marks})",
            (table, *ids),
        ):
            found[row_id][column] = (hlc, site)
        return found

    # ------------------------------------------------------------------ counting

    def _count_new(self, table: str, row: dict[str, Any]) -> None:
        if table == "conflicts":
            if row["status"] == "open" and row["deleted_at"] is None:
                self._count_conflict(row["table_name"])
            else:  # one already reviewed over there: the log changed all the same
                self.result.counts["conflicts"].updated += 1
        elif row["deleted_at"] is None:
            self.result.counts[table].added += 1
        else:  # added and deleted over there: it arrives in the Trash
            self.result.counts[table].deleted += 1

    def _count_conflict(self, table: str) -> None:
        self.result.counts["settings" if table == "meta" else table].conflicts += 1

    def _touch(self, table: str, row: dict[str, Any], stamp: Stamp) -> None:
        client = row["id"] if table == "clients" else row.get("client_id")
        if client:
            self.result.client_ids.add(client)
            if stamp > self.touched_clients.get(client, ("", "")):
                self.touched_clients[client] = stamp
