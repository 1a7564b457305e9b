"""Stamp every change to a syncable row, record it field by field, and remember how to undo it.

Installed on the Database's sessionmaker. On each flush, for every new or modified `Synced`
row: a fresh HLC value and this site's id go on the row, one field_changes row per changed
column is upserted, and a RowRevert (the previous values) is collected in `session.info` so
the service layer can offer Undo. Services never do this bookkeeping themselves.

A new row gets one field_changes record with column "*": every field as created. A field
gets a record of its own when it is first edited. When copies are merged, a field without
its own record carries the row's "*" stamp. (One record per column for every insert would
be 13 rows per history entry: most of the file, and most of the cost of logging a call.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, func, insert, inspect
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from crmdesk.model import FieldChange, Meta, SiteClock, Synced, new_id
from crmdesk.store.revert import RowRevert
from crmdesk.store.sorting import SORT_LOCALE

ALL_FIELDS = "*"  # the column name of a row's creation record
# meta keys that belong to this file alone; every other key is a setting of the business,
# stamped like a field (table "meta", row = key, column "value") so that merges carry it
LOCAL_META = frozenset({"lineage_id", "created_at", "clock", SORT_LOCALE})


@dataclass
class WriteLog:
    reverts: list[RowRevert] = field(default_factory=list)
    client_ids: set[str] = field(default_factory=set)
    tables: set[str] = field(default_factory=set)
    pending: list[dict[str, str]] = field(default_factory=list)
    last_hlc: str = ""


def write_log(session: Session) -> WriteLog:
    log = session.info.get("write_log")
    if log is None:
        log = session.info["write_log"] = WriteLog()
    return log


def install(factory: sessionmaker[Session]) -> None:
    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "after_flush", _after_flush)


def _tracked_columns(obj: Synced) -> list[str]:
    mapper = inspect(type(obj))
    return [c.key for c in mapper.column_attrs if c.key not in obj.untracked_columns]


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    if "clock" not in session.info:
        if any(isinstance(o, Synced) for o in (*session.new, *session.dirty)):
            raise RuntimeError("syncable rows change only inside Database.write()")
        return
    clock = session.info["clock"]
    site = session.info["site_id"]
    log = write_log(session)
    for obj in list(session.new):
        if not isinstance(obj, Synced):
            continue
        if not obj.id:
            obj.id = new_id()
        stamp = clock.now()
        obj.hlc, obj.site_id = stamp, site
        table = obj.__class__.__table__.name  # type: ignore[attr-defined]
        _log_row(log, obj, table, stamp, site, [ALL_FIELDS])
        log.reverts.append(RowRevert(table, obj.id, created=True))
    for obj in list(session.dirty):
        if not isinstance(obj, Synced) or not session.is_modified(obj):
            continue
        state = inspect(obj)
        changed: dict[str, Any] = {}
        for key in _tracked_columns(obj):
            hist = state.attrs[key].history
            if hist.has_changes():
                changed[key] = hist.deleted[0] if hist.deleted else None
        if not changed:
            continue
        stamp = clock.now()
        obj.hlc, obj.site_id = stamp, site
        table = obj.__class__.__table__.name  # type: ignore[attr-defined]
        _log_row(log, obj, table, stamp, site, list(changed))
        log.reverts.append(RowRevert(table, obj.id, values=changed))
    for obj in (*session.new, *session.dirty):
        if (
            isinstance(obj, Meta)
            and obj.key not in LOCAL_META
            and (obj in session.new or session.is_modified(obj))
        ):
            stamp = clock.now()
            log.tables.add("meta")
            log.last_hlc = stamp
            log.pending.append(
                {
                    "table_name": "meta",
                    "row_id": obj.key,
                    "column_name": "value",
                    "hlc": stamp,
                    "site_id": site,
                }
            )


def _log_row(
    log: WriteLog, obj: Synced, table: str, stamp: str, site: str, columns: list[str]
) -> None:
    log.tables.add(table)
    log.client_ids.add(getattr(obj, "client_id", None) or obj.id)
    log.last_hlc = stamp
    log.pending.extend(
        {"table_name": table, "row_id": obj.id, "column_name": c, "hlc": stamp, "site_id": site}
        for c in columns
    )


def _after_flush(session: Session, _context: object) -> None:
    log = write_log(session)
    if not log.pending:
        return
    conn = session.connection()
    conn.execute(insert(FieldChange).prefix_with("OR REPLACE"), log.pending)
    save_clock(conn, log.last_hlc, session.info["site_id"])
    log.pending.clear()


def save_clock(conn: Any, last_hlc: str, site: str) -> None:
    """Keep the file's clock high-water mark and this site's newest change."""
    conn.execute(insert(Meta).prefix_with("OR REPLACE"), [{"key": "clock", "value": last_hlc}])
    conn.execute(
        sqlite_insert(SiteClock)
        .values(site_id=site, hlc=last_hlc)
        .on_conflict_do_update(
            index_elements=["site_id"], set_={"hlc": func.max(SiteClock.hlc, last_hlc)}
        )
    )
