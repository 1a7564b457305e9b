"""Insert many new rows at once (demo data, imports), with the same bookkeeping as a flush.

Every row gets a UUID (unless it has one), an HLC stamp, this site's id and one creation
record in field_changes, exactly as `tracking` does for rows added through a Session; the
search index and derived columns are kept by the database's triggers as for any insert.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, FromClause, Table, insert

from crmdesk.model import FieldChange, new_id
from crmdesk.store.clock import HybridClock
from crmdesk.store.tracking import ALL_FIELDS, save_clock


@dataclass
class BulkWriter:
    conn: Connection
    clock: HybridClock
    site_id: str
    last_hlc: str = ""

    def insert(self, table: FromClause, rows: Sequence[dict[str, Any]]) -> list[str]:
        """Insert `rows` (column → value) into `table` (a mapped class's __table__); return
        their ids."""
        if not rows:
            return []
        assert isinstance(table, Table)
        changes = []
        for row in rows:
            row.setdefault("id", new_id())
            stamp = self.clock.now()
            row["hlc"], row["site_id"] = stamp, self.site_id
            changes.append(
                {
                    "table_name": table.name,
                    "row_id": row["id"],
                    "column_name": ALL_FIELDS,
                    "hlc": stamp,
                    "site_id": self.site_id,
                }
            )
        self.conn.execute(insert(table), list(rows))
        self.conn.execute(insert(FieldChange).prefix_with("OR REPLACE"), changes)
        self.last_hlc = changes[-1]["hlc"]
        return [row["id"] for row in rows]


@contextmanager
def bulk_writer(conn: Connection, clock: HybridClock, site_id: str) -> Iterator[BulkWriter]:
    """A writer on an open transaction; the clock's high-water mark is saved at the end."""
    writer = BulkWriter(conn, clock, site_id)
    yield writer
    if writer.last_hlc:
        save_clock(conn, writer.last_hlc, site_id)
