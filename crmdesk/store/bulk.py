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

from crmdesk.model import FieldChange
from crmdesk.model.ids import new_ids
from crmdesk.store.clock import HybridClock
from crmdesk.store.tracking import ALL_FIELDS, save_clock

_NOTHING = object()


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
        # (a plain str: the name's own type, a str subclass, is looked up for an adapter
        # by sqlite3 on every row)
        name = str(table.name)
        fresh = iter(new_ids(sum(1 for row in rows if "id" not in row)))
        for row in rows:
            if "id" not in row:
                row["id"] = next(fresh)
            stamp = self.clock.now()
            row["hlc"], row["site_id"] = stamp, self.site_id
            changes.append(
                {
                    "table_name": name,
                    "row_id": row["id"],
                    "column_name": ALL_FIELDS,
                    "hlc": stamp,
                    "site_id": self.site_id,
                }
            )
        self._execute_many(table, rows)
        field_changes = FieldChange.__table__
        assert isinstance(field_changes, Table)
        self._execute_many(field_changes, changes, verb="INSERT OR REPLACE")
        self.last_hlc = changes[-1]["hlc"]
        return [row["id"] for row in rows]

    def _execute_many(
        self, table: Table, rows: Sequence[dict[str, Any]], verb: str = "INSERT"
    ) -> None:
        """One INSERT for all `rows`, their values made ready for SQLite once per column
        (Core's insert does it per row and value: a third of the cost of 10,000 clients);
        a column a row leaves out gets its Python default, as Core would give it."""
        dialect = self.conn.dialect
        keys = list(rows[0])
        prefix = verb.removeprefix("INSERT").strip()
        core = insert(table).prefix_with(prefix) if prefix else insert(table)
        if any(list(row) != keys for row in rows):  # rows of different shapes: Core's way
            self.conn.execute(core, list(rows))
            return
        columns = [table.c[k] for k in keys]
        for column in table.columns:
            default = column.default
            if column.key in rows[0] or default is None:
                continue
            if not (default.is_scalar or default.is_callable):
                self.conn.execute(core, list(rows))
                return
            columns.append(column)
        values = []
        for column in columns[len(keys) :]:
            default = column.default
            assert default is not None
            made = default.arg if default.is_scalar else None  # type: ignore[attr-defined]
            values.append((default.is_callable, made, default))
        processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
        processed = [(at, p) for at, p in enumerate(processors) if p is not None]
        params = []
        # a value the row before had too (the import's one time of writing, False, "any")
        # is made ready once: each column remembers its last value, by identity
        last: list[tuple[object, object]] = [(_NOTHING, None)] * len(processors)
        for row in rows:
            raw = [row[k] for k in keys]
            raw += [d.arg(None) if callable_ else made for callable_, made, d in values]  # type: ignore[attr-defined]
            for at, process in processed:
                value = raw[at]
                before, ready = last[at]
                if value is not before:
                    ready = process(value)
                    last[at] = (value, ready)
                raw[at] = ready
            params.append(tuple(raw))
        names = ", ".join(f'"{c.name}"' for c in columns)
        marks = ", ".join("?" * len(columns))
        self.conn.exec_driver_sql(f'{verb} INTO "{table.name}" ({names}) VALUES ({marks})', params)


@contextmanager
def bulk_writer(conn: Connection, clock: HybridClock, site_id: str) -> Iterator[BulkWriter]:
    """A writer on an open transaction; the clock's high-water mark is saved at the end."""
    writer = BulkWriter(conn, clock, site_id)
    yield writer
    if writer.last_hlc:
        save_clock(conn, writer.last_hlc, site_id)
