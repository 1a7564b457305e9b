"""The search index's SQL function: `crm_fold(text)`, the text as the index holds it.

The index's triggers (migration 0010) call it, so every connection that writes clients,
facts, notes or history must have it registered, or the write fails with "no such function:
crm_fold". `register()` is called on each connection crmdesk opens (reads, the ORM's, the
merge's, an erasure's); a tool that writes the file through its own sqlite3 connection
must call it too. The sqlite3 shell can read the file but not change those tables.
"""

from __future__ import annotations

import sqlite3

from crmdesk.model.folding import sql_fold

FOLD_FUNCTION = "crm_fold"


def register(conn: sqlite3.Connection) -> None:
    """Give `conn` the functions the search index's triggers call."""
    conn.create_function(FOLD_FUNCTION, 1, sql_fold, deterministic=True)
