"""Writing an import: one transaction, one step for Undo, and a summary of what happened.

New clients (with their things to remember, notes and the history entry "Imported from
<file>") are inserted in bulk, a chunk at a time; a matched client is updated through the
session (filled where empty; a different value goes to a note), so Undo puts them back.
Cancel (the progress callback answering False) rolls the whole import back: nothing is
written. Rows are taken as they come, a chunk at a time, so a file of 100,000 rows is
written in flat memory when they are streamed from the file.

The history entry of each imported row carries the row's mark (its content's fingerprint):
importing the same file again finds every row imported before and adds nothing, even rows
that match no client (a name alone); Undo of the import drops the marks with the entries.

A row that is the same person as an earlier row of the file is taken into the client that
row became or updated, as an update (empty fields filled, a different value to a note);
updates to one client are worked out one after the other, each from what the one before
left, so no value is lost between two rows of the same person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from crmdesk import collector
from crmdesk.model.ids import new_ids, now
from crmdesk.model.names import client_sort_name
from crmdesk.services.changes import Changes, UndoStep
from crmdesk.services.importing.drafts import TEXT_FIELDS, ClientDraft
from crmdesk.services.importing.layouts import store_mapping
from crmdesk.services.importing.outcomes import (
    ImportCancelled,
    ImportResult,
    Progress,
    take_rows,
)
from crmdesk.services.importing.plan import (
    CHUNK,
    IMPORTED_FROM,
    Current,
    OnMatch,
    PlannedRow,
    Update,
    adds_the_year,
    history_body,
    read_current,
)
from crmdesk.store.database import Database
from crmdesk.store.revert import RowRevert

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

    from crmdesk.services.importing.mapping import ColumnMapping
    from crmdesk.store.bulk import BulkWriter

__all__ = ["ImportCancelled", "ImportResult", "write_import"]

_CACHE_KB = 131072  # SQLite's page cache while an import is written: 128 MB
_STREAM_CACHE_KB = 8192  # the same, without Undo (the command line): flat memory


def _reader(conn: Connection) -> Callable[[str, Sequence[str]], list[Any]]:
    """query_ids on the write's own connection: it sees what this import wrote so far."""

    def query_ids(sql: str, ids: Sequence[str]) -> list[Any]:
        found: list[Any] = []
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 500):
            part = unique[start : start + 500]
            found += conn.exec_driver_sql(
                sql.format(ids=", ".join("?" * len(part))), tuple(part)
            ).fetchall()
        return found

    return query_ids


def _history(client_id: str, row: PlannedRow, when: datetime) -> dict[str, Any]:
    origin = row.contact.origin
    return {
        "client_id": client_id, "kind": "other", "direction": "in", "occurred_at": when,
        "subject": f"{IMPORTED_FROM}{origin.file}",
        "body": history_body(origin.line, row.draft.fingerprint),
        "outcome": "", "follow_up_on": None, "complaint_id": None, "personal": False,
        "created_at": when, "deleted_at": None,
    }  # fmt: skip


@dataclass
class _Chunk:
    clients: list[dict[str, Any]] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    ids: Iterator[str] = field(default_factory=lambda: iter(new_ids(CHUNK)))

    def add_new(self, row: PlannedRow, draft: ClientDraft, when: datetime, locale: str) -> str:
        cid = next(self.ids)
        v = draft.values
        self.clients.append({
            "id": cid, **{k: v[k] for k in TEXT_FIELDS}, "phones": v["phones"],
            "emails": v["emails"], "tags": v["tags"], "birthday": v["birthday"],
            "preferred_contact": "any", "marketing_consent": False, "consent_at": None,
            "found_via": "", "referred_by_id": None,
            "sort_name": client_sort_name(v["given_name"], v["family_name"], v["company"],
                                          locale),
            "created_at": when, "deleted_at": None,
        })  # fmt: skip
        self.facts += [
            {"client_id": cid, "label": f.label, "value": f.value, "on_date": f.on_date,
             "created_at": when, "deleted_at": None}
            for f in draft.facts
        ]  # fmt: skip
        self.notes += [
            {"client_id": cid, "written_at": when, "text": text, "pinned": False,
             "created_at": when, "deleted_at": None}
            for text in draft.notes
        ]  # fmt: skip
        self.history.append(_history(cid, row, when))
        return cid


def _apply_update(
    session: Session, row: PlannedRow, client_id: str, update: Update, when: datetime
) -> None:
    from crmdesk import model

    client = session.get(model.Client, client_id)
    assert client is not None
    for name, value in update.fills.items():
        now_there = getattr(client, name)
        if now_there in ("", None) or adds_the_year(value, now_there):  # (nobody typed it
            # meanwhile)
            setattr(client, name, value)
    phones = list(client.phones or [])
    have = {p["number"] for p in phones}
    phones += [p for p in update.phones if p["number"] not in have]
    if len(phones) != len(client.phones or []):
        client.phones = phones
    emails = list(client.emails or [])
    known = {e["address"].casefold() for e in emails}
    emails += [e for e in update.emails if e["address"].casefold() not in known]
    if len(emails) != len(client.emails or []):
        client.emails = emails
    tags = {t.casefold() for t in client.tags or []}
    added = [t for t in update.tags if t.casefold() not in tags]
    if added:
        client.tags = sorted([*(client.tags or []), *added], key=str.casefold)
    for fact in update.facts:
        session.add(model.Fact(client_id=client.id, label=fact.label, value=fact.value,
                               on_date=fact.on_date))  # fmt: skip
    for text in update.notes:
        session.add(model.Note(client_id=client.id, written_at=when, text=text))
    session.add(model.HistoryEntry(**_history(client.id, row, when)))


class _Written:
    """The rows' outcomes written into the open transaction: new clients in bulk, a chunk
    at a time; updates through the session (so Undo puts them back)."""

    def __init__(self, session: Session, bulk: BulkWriter, locale: str, undo: bool) -> None:
        from crmdesk import model

        self.session, self.bulk, self.locale, self.undo = session, bulk, locale, undo
        self.query_ids = _reader(session.connection())
        self.when = now()
        self.chunk = _Chunk()
        self.tables = {
            "clients": model.Client.__table__,
            "facts": model.Fact.__table__,
            "notes": model.Note.__table__,
            "history": model.HistoryEntry.__table__,
        }
        self.created: dict[str, list[str]] = {name: [] for name in self.tables}
        self.touched: set[str] = set()  # without Undo: the tables written

    def add_new(self, row: PlannedRow) -> str:
        return self.chunk.add_new(row, row.draft, self.when, self.locale)

    def write_new(self) -> None:
        chunk, self.chunk = self.chunk, _Chunk()
        for name, made in (("clients", chunk.clients), ("facts", chunk.facts),
                           ("notes", chunk.notes), ("history", chunk.history)):  # fmt: skip
            ids = self.bulk.insert(self.tables[name], made)
            if self.undo:
                self.created[name] += ids
            elif ids:
                self.touched.add(name)

    def current(self, ids: Sequence[str]) -> dict[str, Current]:
        return read_current(self.query_ids, ids)

    def update(self, row: PlannedRow, cid: str, update: Update, now_there: Current) -> None:
        _apply_update(self.session, row, cid, update, self.when)

    def end_chunk(self, updated: bool) -> None:
        if not updated:
            return
        from crmdesk.store.tracking import write_log

        self.session.flush()
        if not self.undo:  # (what Undo would need, and which clients to refresh)
            log = write_log(self.session)
            self.touched.update(log.tables)
            log.reverts.clear()
            log.client_ids.clear()
        self.session.expunge_all()  # (memory stays flat over 100,000 updates)
        collector.collect_young()  # (their ORM states' cycles)


def write_import(
    db: Database,
    rows: Iterable[PlannedRow],
    *,
    on_match: OnMatch = OnMatch.UPDATE,
    label: str = "Import",
    progress: Progress | None = None,
    total: Callable[[int], tuple[int, int]] | None = None,
    mapping: ColumnMapping | None = None,
    targets: MutableMapping[str, str] | None = None,
    undo: bool = True,
) -> ImportResult:
    """Write `rows` (a preview's, or planned as the file is read) in one transaction.
    `progress(n, total)` is called after each chunk (`total(n)` says what to report when
    the number of rows is not known in advance); answering False cancels: ImportCancelled,
    nothing written. `mapping`: a table's columns as the user set them, remembered for the
    next file with the same headers, in the same write. `targets`: where to keep which client
    each row went to (a later row of the same person is taken into it): a dict unless given
    (the streaming import gives one on disk). `undo=False` (the command line: no window,
    no Ctrl+Z): no Undo step is made (it holds every row's id and each updated client's
    values before, about 1 KB a row) and SQLite's page cache stays small, so memory stays
    flat; `changes` then names the tables only."""
    from crmdesk.store.bulk import BulkWriter
    from crmdesk.store.tracking import save_clock, write_log

    result = ImportResult()
    with collector.paused(), db.write() as w:
        session = w.session
        conn = session.connection()
        raw = conn.connection.driver_connection
        assert raw is not None
        (cache,) = raw.execute("PRAGMA cache_size").fetchone()
        # room for a big import in memory (SQLite's page cache: 10,000 clients with their
        # search index are some 40 MB): pages spilled to the file mid-way cost a third more;
        # without Undo (the command line) memory stays flat, and the spill is paid
        raw.execute(f"PRAGMA cache_size = -{_CACHE_KB if undo else _STREAM_CACHE_KB}")
        try:
            bulk = BulkWriter(conn, db.clock, db.site_id)
            locale = str(conn.exec_driver_sql(
                "SELECT value FROM meta WHERE key = 'sort_locale'").scalar() or "")  # fmt: skip
            written = _Written(session, bulk, locale, undo)
            take_rows(rows, on_match, written, {} if targets is None else targets, result,
                      progress, total)  # fmt: skip
            if mapping is not None:
                store_mapping(session, mapping)
                session.flush()
            orm_last = write_log(session).last_hlc
            if bulk.last_hlc and bulk.last_hlc > orm_last:
                save_clock(conn, bulk.last_hlc, db.site_id)
        finally:
            raw.execute(f"PRAGMA cache_size = {int(cache)}")
    created = written.created
    reverts = tuple(w.reverts) + tuple(
        RowRevert(table, row_id, created=True) for table, ids in created.items() for row_id in ids
    )
    tables = w.tables | written.touched | {t for t, ids in created.items() if ids}
    client_ids = w.client_ids | set(created["clients"])
    result.changes = Changes(
        label,
        frozenset(tables),
        frozenset(client_ids),
        UndoStep(label, reverts) if reverts and undo else None,
    )
    return result
