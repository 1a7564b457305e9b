"""Erase a person on request: their personal data blanked, a tombstone kept.

The client row keeps only its id and dates (so a merge can carry the erasure to every other
copy, where it wins over any edit); their notes, things to remember, history and complaints
are blanked and deleted; purchases keep amount and date and survey answers their score,
with nothing left that says who. Freed bytes are zeroed (secure_delete) and the search
index is rewritten, so the old text is gone from the file itself. It cannot be undone.
"""

from __future__ import annotations

from datetime import datetime

from crmdesk.errors import NotFoundError
from crmdesk.services.changes import Changes
from crmdesk.store import erasure
from crmdesk.store.database import Database
from crmdesk.store.tracking import save_clock

TABLES = frozenset({"clients", "facts", "notes", "history", "purchases", "complaints",
                    "survey_answers", "conflicts"})  # fmt: skip


def erase_client(db: Database, client_id: str) -> Changes:
    """Blank everything personal about the client, for good."""
    with db.write() as w:
        conn = w.session.connection()
        raw = conn.connection.driver_connection
        assert raw is not None
        row = raw.execute("SELECT erased_at FROM clients WHERE id = ?", (client_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"No client with id {client_id}.")
        if row[0] is not None:
            raise NotFoundError("This person's data was erased already.")
        stamp = (db.clock.now(), db.site_id)
        when = datetime.now().isoformat(sep=" ", timespec="microseconds")
        erasure.blank_client(raw, client_id, stamp, when)
        erasure.sweep(raw, client_id, stamp, when)
        save_clock(conn, stamp[0], db.site_id)
    compact_search_index(db)
    return Changes("Erase personal data", TABLES, frozenset({client_id}), None)


def compact_search_index(db: Database) -> None:
    """Rewrite the search index, so text it dropped is not left in its old segments."""
    with db.engine.begin() as conn:
        for table in ("search_people", "search_text"):
            conn.exec_driver_sql(f"INSERT INTO {table}({table}) VALUES('optimize')")
