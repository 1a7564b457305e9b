"""Carrying the database between machines: a copy to take along, and merging a copy back.

A copy to take along is a compact snapshot written beside its final name and renamed only
when it has been checked; with a passphrase it is encrypted (store.encrypted_copy), so a
lost stick gives away nothing. Merging decrypts an encrypted copy into a temporary file on
this machine first, then reads another copy of the same business database (never
written to), refuses a foreign, damaged or newer one untouched, migrates an older one on a
temporary copy, writes a verified backup of this one, and merges in one transaction
(store.merge). Conflicts land in a log the user reviews: each can be turned round.
"""

from __future__ import annotations

import json
import socket
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmdesk import paths
from crmdesk.errors import (
    CrmError,
    DamagedFileError,
    DatabaseFileError,
    MissingFolderError,
    NewerSchemaError,
    NotADatabaseError,
    NotFoundError,
    OtherBusinessError,
    PassphraseNeededError,
    StorageError,
)
from crmdesk.model import kinds
from crmdesk.model.names import display_name
from crmdesk.services import backups
from crmdesk.services.backups import LostWork
from crmdesk.services.changes import Changes
from crmdesk.store import disk_errors, revisions, sorting
from crmdesk.store.backup import check_copy, copy_database, write_snapshot
from crmdesk.store.database import Database
from crmdesk.store.gate import (
    ENCRYPTED_SUFFIX,
    FileState,
    has_unfinished_write,
    inspect_file,
    is_encrypted_copy,
    journal_path,
)
from crmdesk.store.merge import KindCounts, MergeResult, merge_file
from crmdesk.store.scratch import working_folder
from crmdesk.wording import count

if TYPE_CHECKING:
    from crmdesk.store.encrypted_copy import KdfParams


def kind_name(kind: str) -> str:
    """What the user calls a kind of record a merge counts: a synced table, or "settings"."""
    return "Settings" if kind == "settings" else kinds.kind_names().get(kind, kind)


FIELD_NAMES = {
    "given_name": "first name",
    "family_name": "family name",
    "deleted_at": "deleted",
    "text": "note",
}

# ---------------------------------------------------------------------- a copy to take along


def copy_name(db: Database, when: datetime | None = None, *, encrypted: bool = False) -> str:
    """A name that says where and when the copy was made: "clients from frontdesk
    2026-11-23 0915.crmdesk" (".crmdesk-encrypted" for an encrypted copy)."""
    when = when or datetime.now()
    host = "".join(ch for ch in socket.gethostname().split(".")[0] if ch.isalnum() or ch in "-_")
    suffix = ENCRYPTED_SUFFIX if encrypted else paths.DB_SUFFIX
    return f"{db.path.stem} from {host or 'this machine'} {when:%Y-%m-%d %H%M}{suffix}"


def location_warning(path: Path, mounts: str | None = None) -> str:
    from crmdesk.services.location import location_warning

    return location_warning(path, mounts)


def copy_for_another_machine(
    db: Database,
    folder: Path,
    name: str = "",
    passphrase: str | None = None,
    *,
    params: KdfParams | None = None,
) -> Path:
    """Write a checked snapshot of the open database into `folder`, encrypted with
    `passphrase` unless it is None; return its path. (`params`: scrypt's cost, for tests.)"""
    encrypted = passphrase is not None
    folder = Path(folder).expanduser()
    if not folder.is_dir():  # an unplugged stick: never write the copy somewhere else
        raise MissingFolderError(
            folder, "is not there (is the stick plugged in?). Nothing was written."
        )
    target = folder / (name or copy_name(db, encrypted=encrypted))
    if target.resolve() == db.path.resolve():
        raise CrmError(f"{target} is the open database itself. Choose another folder.")
    if passphrase is None:
        return write_snapshot(db.path, target)
    from crmdesk.services.passphrases import check_passphrase
    from crmdesk.store import encrypted_copy  # (brings in `cryptography`: only when needed)

    if problem := check_passphrase(passphrase):
        raise CrmError(f"{problem} Nothing was written.")
    return encrypted_copy.write_encrypted_snapshot(
        db.path, target, passphrase, paths.data_dir(), params=params
    )


def is_encrypted(path: Path) -> bool:
    """True if `path` is an encrypted copy (known by its first bytes, whatever its name)."""
    return is_encrypted_copy(Path(path).expanduser())


# ---------------------------------------------------------------------- merging


@dataclass(frozen=True)
class MergeSummary:
    other: Path
    backup: Path | None  # None: the other copy held nothing new, nothing was written
    counts: dict[str, KindCounts]
    client_ids: frozenset[str]
    migrated_from: str | None = None
    # what could not be finished after the merge was saved (the merge itself stands)
    warnings: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return any(
            c.added or c.updated or c.deleted or c.conflicts or c.erased
            for c in self.counts.values()
        )

    @property
    def conflicts(self) -> int:
        return sum(c.conflicts for c in self.counts.values())

    def lines(self) -> list[str]:
        """One line per kind of record: what was added, updated, deleted, in conflict."""
        out = []
        for kind, c in self.counts.items():
            parts = [
                f"{n} {word}"
                for n, word in (
                    (c.added, "added"),
                    (c.updated, "updated"),
                    (c.deleted, "deleted"),
                    (c.erased, "erased on request (nothing personal kept)"),
                    (c.conflicts, "in conflict"),
                )
                if n
            ]
            if kind == "conflicts":  # the same conflicts as found (or reviewed) over there
                parts = [f"{count(c.updated, 'entry')} updated"] if c.updated else []
            if parts:
                out.append(f"{kind_name(kind)}: {', '.join(parts)}")
        if not out and not self.changed:
            out = ["Nothing new: this database already held everything in the other copy."]
        return out + [f"Not finished: {w}" for w in self.warnings]

    def as_changes(self) -> Changes:
        return Changes("Merge", frozenset(self.counts), self.client_ids, None)


def merge(db: Database, other: Path | str, passphrase: str | None = None) -> MergeSummary:
    """Merge the copy at `other` (encrypted with `passphrase`, or plain) into the open
    database.

    `other` is never written to (if a write to it was cut off, that is undone in a copy).
    Refuses (CrmError, nothing changed) a file that is not a
    crmdesk database, is damaged, belongs to another business or to a newer crmdesk; an
    encrypted copy without a passphrase (PassphraseNeededError), with the wrong one
    (WrongPassphraseError), or one changed after it was written (ChangedCopyError).
    """
    other = Path(other).expanduser().absolute()
    if other.exists() and db.path.exists() and other.samefile(db.path):
        raise CrmError(f"{other} is the open database itself. Choose the copy to merge in.")
    encrypted = is_encrypted_copy(other)
    if encrypted and passphrase is None:
        raise PassphraseNeededError(other, "is an encrypted copy: it needs its passphrase.")
    unfinished = not encrypted and has_unfinished_write(other)
    state = None if encrypted or unfinished else inspect_file(other)
    if state is not None:
        _check_revision(other, state)
    with working_folder("merge", paths.data_dir()) as tmp:
        copy = Path(tmp) / f"other{paths.DB_SUFFIX}"
        if encrypted:
            state = _decrypt_copy(other, copy, passphrase or "")
        elif unfinished:
            state = _take_unfinished_copy(other, copy)
        else:
            assert state is not None
            _take_copy(other, copy)
        _check_lineage(db, other, copy)
        migrated = None
        if state.revision != revisions.HEAD:
            migrated = state.revision
            from crmdesk.store.database import _migrate

            _migrate(copy)
        if not _holds_news(db, copy):  # nothing to take: no backup, no write
            return MergeSummary(other, None, {}, frozenset(), migrated)
        backup = backups.backup_now(db, "before-merge")
        try:
            with disk_errors.about(db.path, os_errors=False):
                result: MergeResult = merge_file(db.path, copy, db.clock, db.site_id)
        except sqlite3.IntegrityError as exc:
            raise CrmError(
                f"Nothing was merged: {other.name} holds a record this database cannot take "
                f"({exc}). The database is as it was; keep {other.name} and report this."
            ) from exc
    if result.newest_hlc:
        db.clock.observe(result.newest_hlc)
    from crmdesk.services import erase, settings

    warnings = erase.after_merge(db, result.client_ids)  # nobody erased comes back with it
    if result.counts.get("settings"):
        settings.keep_sort_order(db)  # the shop's locale may have come in with the merge
    return MergeSummary(
        other,
        backup,
        dict(result.counts),
        frozenset(result.client_ids),
        migrated,
        tuple(warnings),
    )


def merge_back(db: Database, lost: LostWork) -> MergeSummary:
    """Merge this machine's lost work back in from the backup that holds it."""
    return merge(db, lost.backup)


def _holds_news(db: Database, copy: Path) -> bool:
    """Whether the other copy holds a change this one has not seen: one stamped later than
    the newest change of its site here (the very test the merge picks its rows by)."""
    from crmdesk.store.backup import read_only

    conn = read_only(copy)
    try:
        conn.execute("ATTACH DATABASE ? AS here", (f"{db.path.resolve().as_uri()}?mode=ro",))
        row = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM main.field_changes AS f WHERE f.hlc > coalesce("
            " (SELECT s.hlc FROM here.site_clocks AS s WHERE s.site_id = f.site_id), ''))"
        ).fetchone()
    finally:
        conn.close()
    return bool(row[0])


def _check_revision(other: Path, state: FileState) -> None:
    if not state.exists:
        raise DatabaseFileError(other, "does not exist.", "Check the name and try again.")
    if state.revision is not None and state.revision not in revisions.KNOWN:
        raise NewerSchemaError(
            other,
            f"was written by a newer version of crmdesk (schema {state.revision}).",
            "Nothing was merged. Update crmdesk on this machine, then merge again.",
        )


def _decrypt_copy(other: Path, copy: Path, passphrase: str) -> FileState:
    """Decrypt `other` into `copy` (on this machine's disk) and check what came out."""
    from crmdesk.store import encrypted_copy

    try:
        encrypted_copy.decrypt_file(other, copy, passphrase)
    except OSError as exc:
        raise disk_errors.about_copy(exc, other, copy) from exc
    try:
        state = inspect_file(copy)
    except DatabaseFileError as exc:
        raise DamagedFileError(
            other, f"holds no crmdesk database ({exc.reason}) Nothing was merged."
        ) from exc
    _check_revision(other, state)
    problem = check_copy(copy)
    if problem:
        raise DamagedFileError(other, f"is damaged ({problem}). Nothing was merged.")
    return state


def _take_unfinished_copy(other: Path, copy: Path) -> FileState:
    """`other` was being written when its program stopped (a journal is beside it). It is
    only read: the file and its journal are copied here, and the unfinished write is rolled
    back in the copy, as SQLite would on the other machine."""
    import shutil

    try:
        shutil.copyfile(other, copy)
        shutil.copyfile(journal_path(other), journal_path(copy))
    except OSError as exc:
        raise disk_errors.about_copy(exc, other, copy) from exc
    try:
        state = inspect_file(copy)  # rolls the copy's unfinished write back
    except DatabaseFileError as exc:
        raise DamagedFileError(other, f"is damaged ({exc.reason}) Nothing was merged.") from exc
    _check_revision(other, state)
    problem = check_copy(copy)
    if problem:
        raise DamagedFileError(other, f"is damaged ({problem}). Nothing was merged.")
    return state


def _take_copy(other: Path, copy: Path) -> None:
    """Read `other` into `copy` once (it may be on a stick or changing under a sync
    program) and check it; refuse a damaged file."""
    try:
        copy_database(other, copy)
    except NotADatabaseError as exc:
        raise DamagedFileError(other, f"{exc.reason} Nothing was merged.") from exc
    except StorageError as exc:
        if exc.path != copy:
            raise  # about the other copy (it cannot be read, another program holds it)
        # this machine's disk failed writing the working copy, not the other copy
        raise type(exc)(
            copy.parent.parent,
            f"is the folder crmdesk reads {other.name} into before merging it, and it "
            f"{exc.reason} Nothing was merged; {other.name} itself is fine.",
        ) from exc
    problem = check_copy(copy)
    if problem:
        raise DamagedFileError(other, f"is damaged ({problem}). Nothing was merged.")


def _check_lineage(db: Database, other: Path, copy: Path) -> None:
    conn = sqlite3.connect(copy)
    meta: dict[str, str] = {}
    try:
        meta = dict(
            conn.execute("SELECT key, value FROM meta WHERE key IN ('lineage_id', 'created_at')")
        )
    except sqlite3.Error:
        pass
    finally:
        conn.close()
    if meta.get("lineage_id") != db.lineage_id:
        made = meta.get("created_at")
        since = f" (made {made[:10]})" if made is not None else ""
        raise OtherBusinessError(
            other,
            f"is a copy of another business database{since}, not of {db.path.name}.",
            "Nothing was merged: only copies of the same database can be merged.",
        )


# ---------------------------------------------------------------------- the conflict log


@dataclass(frozen=True)
class ConflictRow:
    id: str
    kind: str  # field, delete
    table: str
    row_id: str
    column: str
    client_id: str | None
    client_name: str
    kept: Any
    other: Any
    status: str  # open, reviewed, restored
    found_at: datetime
    now: Any = None  # what the record holds today

    @property
    def superseded(self) -> bool:
        """The field was changed again since: neither value of the conflict is in place,
        so putting one back would undo that later change."""
        return self.now not in (self.kept, self.other)

    @property
    def what(self) -> str:
        """ "Client · city", "Note · note", "Setting · shop" ..."""
        kind = "Setting" if self.table == "meta" else kind_name(self.table)
        if self.kind == "delete":
            return f"{kind.rstrip('s')} deleted on one machine, changed on the other"
        field = FIELD_NAMES.get(self.column, self.column.replace("_", " "))
        if self.table == "meta":
            return f"Setting · {self.row_id.replace('_', ' ')}"
        return f"{kind.rstrip('s')} · {field}"

    @property
    def current(self) -> Any:
        return self.other if self.status == "restored" else self.kept


def conflicts(
    db: Database, *, include_reviewed: bool = False, limit: int = 1000
) -> list[ConflictRow]:
    where = "" if include_reviewed else "AND k.status = 'open'"
    rows = db.query(
        "SELECT k.id, k.kind, k.table_name, k.row_id, k.column_name, k.client_id,"
        " c.given_name, c.family_name, c.company, k.kept_value, k.other_value, k.status,"
        f" k.created_at FROM conflicts AS k LEFT JOIN clients AS c ON c.id = k.client_id"
        f" WHERE k.deleted_at IS NULL {where} ORDER BY k.created_at DESC LIMIT ?",
        (limit,),
    )
    return [
        ConflictRow(
            conflict_id,
            kind,
            table,
            row_id,
            column,
            client_id,
            display_name(given or "", family or "", company or "") if client_id else "",
            json.loads(kept),
            json.loads(other),
            status,
            datetime.fromisoformat(found),
            _value_now(db, table, row_id, column),
        )
        for (conflict_id, kind, table, row_id, column, client_id, given, family, company, kept,
             other, status, found) in rows
    ]  # fmt: skip


def open_conflict_count(db: Database) -> int:
    return int(
        db.query("SELECT count(*) FROM conflicts WHERE status = 'open' AND deleted_at IS NULL")[0][
            0
        ]
    )


def keep_other(db: Database, conflict_id: str) -> Changes:
    """Put the value the merge did not keep back in place (the kept one stays in the log)."""
    return _set_conflict(db, conflict_id, restore=True)


def keep_merged(db: Database, conflict_id: str) -> Changes:
    """Mark a conflict reviewed, with the merge's choice in place (undoing keep_other)."""
    return _set_conflict(db, conflict_id, restore=False)


def _set_conflict(db: Database, conflict_id: str, *, restore: bool) -> Changes:
    from crmdesk.model import Conflict
    from crmdesk.store.tracking import save_clock

    with db.write() as w:
        conflict = w.session.get(Conflict, conflict_id)
        if conflict is None or conflict.deleted_at is not None:
            raise NotFoundError("That conflict is no longer in the log.")
        value = json.loads(conflict.other_value if restore else conflict.kept_value)
        raw = w.session.connection().connection.driver_connection
        now = _value_now(raw, conflict.table_name, conflict.row_id, conflict.column_name)
        superseded = now not in (json.loads(conflict.kept_value), json.loads(conflict.other_value))
        if superseded and restore:
            raise CrmError(
                f"This was changed again since the conflict (it is now “{now}”): putting the "
                "other value back would undo that change, so nothing was changed."
            )
        column, table = conflict.column_name, conflict.table_name
        if restore and table != "meta" and column != "deleted_at":
            deleted = _value_now(raw, table, conflict.row_id, "deleted_at")
            if deleted is not None:  # a change to a deleted record would bring it back
                raise CrmError(
                    "That record was deleted since the conflict: restore it from the Trash "
                    "first, then keep the other value. Nothing was changed."
                )
        conflict.status = "restored" if restore else "reviewed"
        if not superseded and now != value:  # the field as it is, not what the log says
            stamp = db.clock.now()
            _put_value(raw, conflict, value, stamp, db.site_id)
            save_clock(w.session.connection(), stamp, db.site_id)
        client = conflict.client_id
    changes = Changes(
        "Keep the other value" if restore else "Keep the merged value",
        frozenset({"conflicts", conflict.table_name}),
        frozenset({client} if client else ()),
        None,
    )
    return changes


def _value_now(conn: Any, table: str, row_id: str, column: str) -> Any:
    """What the record holds today in the field a conflict is about (`conn`: a connection
    or the Database)."""
    if table == "meta":
        sql, params = "SELECT value FROM meta WHERE key = ?", (row_id,)
    else:
        sql, params = f'SELECT "{column}" FROM "{table}" WHERE id = ?', (row_id,)
    rows = conn.query(sql, params) if isinstance(conn, Database) else conn.execute(sql, params)
    row = next(iter(rows), None)
    return row[0] if row else None


def _put_value(conn: Any, conflict: Any, value: Any, stamp: str, site: str) -> None:
    table, row_id, column = conflict.table_name, conflict.row_id, conflict.column_name
    if table == "meta":
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (row_id, value))
    else:
        conn.execute(
            f'UPDATE "{table}" SET "{column}" = ?, hlc = ?, site_id = ? WHERE id = ?',
            (value, stamp, site, row_id),
        )
        if table == "clients" and column in ("given_name", "family_name", "company"):
            sorting.set_sort_name(conn, row_id)
    conn.execute(
        "INSERT OR REPLACE INTO field_changes(table_name, row_id, column_name, hlc, site_id)"
        " VALUES (?, ?, ?, ?, ?)",
        (table, row_id, column, stamp, site),
    )
