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
from itertools import islice
from typing import TYPE_CHECKING, Any

from crmdesk import collector
from crmdesk.model.ids import new_ids, now
from crmdesk.model.names import client_sort_name
from crmdesk.services.changes import Changes, UndoStep
from crmdesk.services.importing.drafts import TEXT_FIELDS, ClientDraft
from crmdesk.services.importing.layouts import store_mapping
from crmdesk.services.importing.plan import (
    CHUNK,
    IMPORTED_FROM,
    OnMatch,
    PlannedRow,
    Status,
    Update,
    adds_the_year,
    history_body,
    read_current,
    work_out_update,
)
from crmdesk.services.importing.records import Problem
from crmdesk.store.database import Database
from crmdesk.store.revert import RowRevert
from crmdesk.wording import count

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

    from crmdesk.services.importing.mapping import ColumnMapping

Progress = Callable[[int, int], bool]


class ImportCancelled(Exception):  # noqa: N818 (what the user did, not an error)
    """The user cancelled the import: nothing was written."""


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    skipped: int = 0
    folded: int = 0  # rows taken into the client of an earlier row of the same file
    problems: list[Problem] = field(default_factory=list)
    not_imported: list[str] = field(default_factory=list)  # "file: column" not imported
    changes: Changes | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "skipped": self.skipped,
            "folded": self.folded,
            "problems": [
                {"file": p.file, "line": p.line, "message": p.text} for p in self.problems
            ],
            "not_imported": self.not_imported,
        }

    def summary(self) -> str:
        """ "3 clients added, 1 updated, 2 skipped; 4 problems." """
        text = (f"{count(self.added, 'client')} added, {self.updated} updated, "
                f"{self.skipped} skipped")  # fmt: skip
        if self.folded:
            text += (f"; {count(self.folded, 'row')} of the same person as an earlier row "
                     "taken into that client")  # fmt: skip
        if self.problems:
            text += f"; {count(len(self.problems), 'problem')}"
        return text + "."


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


def _gone(row: PlannedRow) -> Problem:
    assert row.match is not None
    origin = row.contact.origin
    whom = f"the client it matched ({row.match.name})" if row.status is Status.MATCH else \
        f"the client of line {row.same_as_line}, the same person,"  # fmt: skip
    return Problem(
        f"{whom} was deleted meanwhile: not imported; import the file again to add it",
        origin.file,
        origin.line,
    )


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
) -> ImportResult:
    """Write `rows` (a preview's, or planned as the file is read) in one transaction.
        `progress(n, total)` is called after each chunk (`total(n)` says what to report when
        the number of rows is not known in advance); answering False cancels: ImportCancelled,
        nothing written. `mapping`: a table's columns as the user set them, remembered for the
        next file with the same headers, in the same write. `targets`: where to keep which client
    each row went to (a later row of the same person is taken into it): a dict unless given
    (the streaming import gives one on disk)."""
    from crmdesk import model
    from crmdesk.store.bulk import BulkWriter
    from crmdesk.store.tracking import save_clock, write_log

    result = ImportResult()
    created: dict[str, list[str]] = {"clients": [], "facts": [], "notes": [], "history": []}
    when = now()
    done = 0
    with collector.paused(), db.write() as w:
        session = w.session
        conn = session.connection()
        raw = conn.connection.driver_connection
        assert raw is not None
        (cache,) = raw.execute("PRAGMA cache_size").fetchone()
        # room for a big import in memory (SQLite's page cache: 10,000 clients with their
        # search index are some 40 MB): pages spilled to the file mid-way cost a third more
        raw.execute("PRAGMA cache_size = -131072")
        try:
            bulk = BulkWriter(conn, db.clock, db.site_id)
            locale = str(conn.exec_driver_sql(
                "SELECT value FROM meta WHERE key = 'sort_locale'").scalar() or "")  # fmt: skip
            query_ids = _reader(conn)
            if targets is None:
                targets = {}  # a row's number → the client it went to
            gone: set[str] = set()  # rows whose client was deleted since the preview
            rows = iter(rows)
            while batch := list(islice(rows, CHUNK)):
                chunk = _Chunk()
                updates: list[tuple[PlannedRow, str]] = []
                for row in batch:
                    if row.status is not Status.DONE:  # (told when it was imported)
                        result.problems += row.draft.problems
                    status = row.status
                    if status in (Status.MATCH, Status.SAME) and on_match is OnMatch.NEW:
                        status = Status.NEW
                    if status is Status.NEW:
                        targets[str(row.number)] = chunk.add_new(row, row.draft, when, locale)
                        result.added += 1
                    elif status is Status.MATCH and on_match is OnMatch.UPDATE:
                        assert row.match is not None
                        targets[str(row.number)] = row.match.client_id
                        updates.append((row, row.match.client_id))
                    elif status is Status.SAME and row.same_as is not None and \
                            str(row.same_as) in targets:  # fmt: skip
                        updates.append((row, targets[str(row.same_as)]))
                    else:  # (the earlier row of the same person was skipped: so is this one)
                        if row.status is Status.SAME and str(row.same_as) in gone:
                            result.problems.append(_gone(row))
                        result.skipped += 1
                created["clients"] += bulk.insert(model.Client.__table__, chunk.clients)
                created["facts"] += bulk.insert(model.Fact.__table__, chunk.facts)
                created["notes"] += bulk.insert(model.Note.__table__, chunk.notes)
                created["history"] += bulk.insert(model.HistoryEntry.__table__, chunk.history)
                if updates:
                    current = read_current(query_ids, [cid for _row, cid in updates])
                    for row, cid in updates:
                        now_there = current.get(cid)
                        if now_there is None:  # deleted since the preview: said, not lost
                            result.problems.append(_gone(row))
                            gone.add(str(row.same_as or row.number))
                            targets.pop(str(row.number), None)
                            result.skipped += 1
                            continue
                        update = work_out_update(row.draft, row.contact, now_there)
                        if update.is_empty():
                            result.skipped += 1
                            continue
                        _apply_update(session, row, cid, update, when)
                        now_there.take(update)  # (the next row of this client sees it)
                        if row.status is Status.SAME:
                            result.folded += 1
                        else:
                            result.updated += 1
                    session.flush()
                    session.expunge_all()  # (memory stays flat over 100,000 updates)
                    collector.collect_young()  # (their ORM states' cycles)
                done += len(batch)
                if progress is not None:
                    n, of = total(done) if total is not None else (done, done)
                    if not progress(n, of):
                        raise ImportCancelled()
            if mapping is not None:
                store_mapping(session, mapping)
                session.flush()
            orm_last = write_log(session).last_hlc
            if bulk.last_hlc and bulk.last_hlc > orm_last:
                save_clock(conn, bulk.last_hlc, db.site_id)
        finally:
            raw.execute(f"PRAGMA cache_size = {int(cache)}")
    reverts = tuple(w.reverts) + tuple(
        RowRevert(table, row_id, created=True) for table, ids in created.items() for row_id in ids
    )
    tables = w.tables | {t for t, ids in created.items() if ids}
    client_ids = w.client_ids | set(created["clients"])
    result.changes = Changes(
        label,
        frozenset(tables),
        frozenset(client_ids),
        UndoStep(label, reverts) if reverts else None,
    )
    return result
