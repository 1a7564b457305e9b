"""The command line's `--dry-run`: what importing a file would do, worked out as the import
itself works it out (the same plan, the same decisions, row by row: `outcomes.take_rows`),
with nothing written. It streams as the import does: the clients as the import would leave
them (what a later row of the same person would still change) are kept in a temporary
SQLite file, not in memory.

    result = dry_run_rows(db, rows, OnMatch.UPDATE)   # rows: plan_rows(..., on_disk=True)
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Sequence

from crmdesk import collector
from crmdesk.services.importing.earlier_rows import RowTargets, scratch_file
from crmdesk.services.importing.outcomes import ImportResult, take_rows
from crmdesk.services.importing.plan import (
    Current,
    OnMatch,
    PlannedRow,
    Update,
    current_of,
    read_current,
)
from crmdesk.store.database import Database


class ClientStates:
    """Clients as the import would leave them, on disk: a private temporary SQLite file,
    deleted when closed."""

    def __init__(self) -> None:
        self._db = scratch_file(
            "CREATE TABLE states (client TEXT PRIMARY KEY, state BLOB NOT NULL) WITHOUT ROWID;"
        )

    def close(self) -> None:
        self._db.close()

    def put(self, states: dict[str, Current]) -> None:
        pickled = [(cid, pickle.dumps(state)) for cid, state in states.items()]
        self._db.executemany("INSERT OR REPLACE INTO states VALUES (?, ?)", pickled)

    def get(self, ids: Sequence[str]) -> dict[str, Current]:
        found: dict[str, Current] = {}
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ", ".join("?" * len(part))
            for cid, state in self._db.execute(
                f"SELECT client, state FROM states WHERE client IN ({marks})", part
            ):
                found[cid] = pickle.loads(state)  # (pickled by this object)
        return found


class _Nowhere:
    """A sink for `take_rows` that writes nothing: a new client is its draft as it would
    be stored, under the row's number; an updated client is kept as the update leaves it."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.states = ClientStates()
        self.new: dict[str, Current] = {}
        self.touched: dict[str, Current] = {}

    def add_new(self, row: PlannedRow) -> str:
        key = f"row {row.number}"  # (not a client id: ids are UUIDs)
        self.new[key] = current_of(row.draft)
        return key

    def write_new(self) -> None:
        self.states.put(self.new)
        self.new = {}

    def current(self, ids: Sequence[str]) -> dict[str, Current]:
        unique = list(dict.fromkeys(ids))
        found = self.states.get(unique)
        here = [cid for cid in unique if cid not in found and not cid.startswith("row ")]
        if here:
            found |= read_current(self.db.query_ids, here)
        return found

    def update(self, row: PlannedRow, cid: str, update: Update, now_there: Current) -> None:
        self.touched[cid] = now_there  # (kept as the update leaves it: after the chunk)

    def end_chunk(self, updated: bool) -> None:
        self.states.put(self.touched)
        self.touched = {}


def dry_run_rows(db: Database, rows: Iterable[PlannedRow], on_match: OnMatch) -> ImportResult:
    """What writing `rows` would do, with nothing written (nothing undone: no `changes`)."""
    result = ImportResult()
    nowhere, targets = _Nowhere(db), RowTargets()
    try:
        with collector.paused():
            take_rows(rows, on_match, nowhere, targets, result)
    finally:
        nowhere.states.close()
        targets.close()
    return result
