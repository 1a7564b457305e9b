"""Decide whether a file may be opened, without modifying it.

The header is read as bytes and the schema revision through a read-only connection, so a
file we refuse is left exactly as it was.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from crmdesk.errors import ForeignDatabaseError, NotADatabaseError

APPLICATION_ID = 0x43524D44  # "CRMD"
SQLITE_MAGIC = b"SQLite format 3\x00"


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
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise NotADatabaseError(
            path,
            "is not a crmdesk database (it is not an SQLite file at all).",
            "Choose a .crmdesk file made by crmdesk, or make a new database with File ▸ New.",
        )
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != APPLICATION_ID:
        raise ForeignDatabaseError(
            path,
            "is an SQLite database from another application, not a crmdesk database.",
            "It was not opened or changed. Choose a .crmdesk file made by crmdesk.",
        )
    return FileState(exists=True, revision=_read_revision(path))


def _read_revision(path: Path) -> str | None:
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:  # pragma: no cover - the header check above passed
        raise NotADatabaseError(path, f"cannot be read ({exc}).") from exc
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        if "no such table" in str(exc):
            return None
        raise NotADatabaseError(
            path, f"is damaged ({exc}).", "Open a backup copy instead (see the backups folder)."
        ) from exc
    finally:
        conn.close()
    return row[0] if row else None
