"""Decide whether a file may be opened, without modifying it.

The header is read as bytes and the schema revision through a read-only connection, so a
file we refuse is left exactly as it was. One change comes first, the one SQLite itself
makes on any open: a crmdesk file that was being written when the program was killed or the
power went (a "hot" journal beside it) has that unfinished write rolled back, so every
committed change is there and the file is whole. A read-only connection cannot do that and
would report the file as unreadable.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from crmdesk.errors import (
    ChangedCopyError,
    DamagedFileError,
    DatabaseFileError,
    EncryptedCopyError,
    ForeignDatabaseError,
    NotADatabaseError,
    UnfinishedWriteError,
)
from crmdesk.store import disk_errors

APPLICATION_ID = 0x43524D44  # "CRMD"
SQLITE_MAGIC = b"SQLite format 3\x00"
# the first bytes of an encrypted copy for another machine (store.encrypted_copy), here so
# that opening a database needs no `cryptography`
ENCRYPTED_MAGIC = b"\x89CRMDESK\r\n\x1a\n"
ENCRYPTED_SUFFIX = ".crmdesk-encrypted"  # for people and file dialogs: known by its bytes


@dataclass(frozen=True)
class FileState:
    exists: bool
    revision: str | None  # Alembic revision in the file; None for a new file


def inspect_file(path: Path) -> FileState:
    """Raise a DatabaseFileError if `path` is not a crmdesk database we can open."""
    if not path.exists():
        return FileState(exists=False, revision=None)
    if path.is_dir():
        raise NotADatabaseError(path, "is a folder, not a crmdesk database file.")
    with path.open("rb") as f:
        header = f.read(100)
    if header.startswith(ENCRYPTED_MAGIC):
        raise EncryptedCopyError(
            path,
            "is an encrypted copy for another machine, not a database: it must be decrypted "
            "with its passphrase first.",
        )
    if problem := not_a_whole_copy(path, header):
        raise problem
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise NotADatabaseError(
            path,
            "is not a crmdesk database (it is not an SQLite file at all).",
        )
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != APPLICATION_ID:
        raise ForeignDatabaseError(
            path,
            "is an SQLite database from another application, not a crmdesk database. "
            "It was not opened or changed.",
        )
    roll_back_interrupted_write(path)
    return FileState(exists=True, revision=_read_revision(path))


def not_a_whole_copy(path: Path, header: bytes) -> DatabaseFileError | None:
    """What is wrong with a file that should be an encrypted copy and is not one (`header`:
    its first bytes): empty or cut off inside the first bytes (an encrypted copy's start, or
    nothing, named like one), or named like one and neither one nor an SQLite file. None
    if it is not such a file."""
    if header.startswith(ENCRYPTED_MAGIC):
        return None
    named = path.name.lower().endswith(ENCRYPTED_SUFFIX)
    started = bool(header) and ENCRYPTED_MAGIC.startswith(header)
    if (named and ENCRYPTED_MAGIC.startswith(header)) or started:
        size = "is empty (0 bytes)" if not header else f"is only {len(header)} bytes long"
        return ChangedCopyError(
            path,
            f"{size}: it is an encrypted copy cut short, most likely while it was written or "
            "copied (a stick taken out too soon, say). It holds no data.",
        )
    if named and not header.startswith(SQLITE_MAGIC):
        return NotADatabaseError(
            path,
            "is named like an encrypted copy for another machine, but it is not one (nor a "
            "crmdesk database): it does not begin as one does.",
        )
    return None


def is_encrypted_copy(path: Path) -> bool:
    """True if `path` is a file that starts like an encrypted copy (whatever its name)."""
    try:
        with Path(path).open("rb") as f:
            return f.read(len(ENCRYPTED_MAGIC)) == ENCRYPTED_MAGIC
    except OSError:  # missing, a folder, unreadable: the caller's own check says so
        return False


def journal_path(path: Path) -> Path:
    return path.with_name(path.name + "-journal")


def has_unfinished_write(path: Path) -> bool:
    """A journal is left beside `path`: a write to it was cut off (or is going on)."""
    try:
        return journal_path(path).stat().st_size > 0
    except FileNotFoundError:
        return False


def roll_back_interrupted_write(path: Path) -> bool:
    """If a write to `path` was cut off (its journal is left behind, non-empty), roll it
    back the way SQLite does: through a read-write connection's first read, which takes the
    locks that tell a dead writer's journal from a live one's. True if a journal was there.

    Raises ReadOnlyError if the file cannot be written (the rollback needs to), a
    StorageError for a disk problem.
    """
    journal = journal_path(path)
    try:
        if journal.stat().st_size == 0:
            return False
    except FileNotFoundError:
        return False
    with disk_errors.about(path):
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 5000")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as exc:
            if disk_errors.sqlite_code(exc) == _READONLY_ROLLBACK:
                raise UnfinishedWriteError(
                    path,
                    "was being written when crmdesk stopped (a crash or a power cut). That "
                    f"unfinished write is kept in {journal_path(path).name} beside it and must "
                    "be undone before the file can be read, but the file cannot be changed "
                    "where it is (it, its folder or its disk is read-only).",
                ) from exc
            raise
        finally:
            conn.close()
    return True


_READONLY_ROLLBACK = 776  # SQLITE_READONLY_ROLLBACK: a hot journal on a read-only file


def _read_revision(path: Path) -> str | None:
    uri = f"{path.resolve().as_uri()}?mode=ro"
    with disk_errors.about(path):
        conn = sqlite3.connect(uri, uri=True)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        if "no such table" in str(exc):
            return None
        found = disk_errors.translate(exc, path)
        raise found or DamagedFileError(path, f"is damaged ({exc}).") from exc
    finally:
        conn.close()
    return row[0] if row else None
