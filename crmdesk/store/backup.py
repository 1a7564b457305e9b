"""Verified copies of a database file, made with SQLite's online backup."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from crmdesk.errors import BackupError


def write_verified_backup(source: Path, folder: Path, reason: str) -> Path:
    """Copy `source` into `folder` and check the copy; return its path.

    The copy must pass `PRAGMA integrity_check` and hold the same number of rows in every
    table as the source, or BackupError is raised and the copy removed.
    """
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{source.stem}-{reason}-{stamp}{source.suffix}"
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            problems = dst.execute("PRAGMA integrity_check").fetchall()
            if problems != [("ok",)]:
                raise BackupError(f"The backup {target} failed its integrity check: {problems}")
            if _row_counts(src) != _row_counts(dst):
                raise BackupError(f"The backup {target} does not hold every row of {source}.")
        finally:
            dst.close()
    except (sqlite3.Error, BackupError, OSError) as exc:
        target.unlink(missing_ok=True)
        if isinstance(exc, BackupError):
            raise
        raise BackupError(
            f"Could not write a backup of {source} to {folder}: {exc}. "
            "Nothing was changed; free some disk space or check the folder, then try again."
        ) from exc
    finally:
        src.close()
    return target


def _row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per ordinary table (virtual tables and their shadow tables are skipped)."""
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
    tables = [
        name
        for name, _sql in rows
        if name not in virtual
        and not name.startswith("sqlite_")
        and not any(name.startswith(f"{v}_") for v in virtual)
    ]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
