"""Verified copies of a database file: backups, and snapshots to carry to another machine.

A copy is written under a temporary name, flushed to disk, reopened and checked
(`PRAGMA quick_check`, and the same number of rows in every table as the source), and only
then renamed to its real name, so a copy that exists under its name is whole: a full disk
or a stick pulled out mid-copy leaves at most a `.partial` file, never a broken copy.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from crmdesk import paths
from crmdesk.errors import BackupError
from crmdesk.store import disk_errors

_STAMP = "%Y%m%d-%H%M%S-%f"
_NAME = re.compile(r"^(?P<stem>.+?)-(?P<reason>[a-z0-9-]+)-(?P<stamp>\d{8}-\d{6}-\d{6})\.crmdesk$")


@dataclass(frozen=True)
class BackupFile:
    path: Path
    reason: str  # "on-open", "hourly", "before-merge", ...
    made_at: datetime
    size: int


def backup_folder(lineage_id: str) -> Path:
    """Backups of one business database (all its copies), whatever the file is called."""
    folder = paths.backups_dir() / (lineage_id or "unknown")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def list_backups(folder: Path) -> list[BackupFile]:
    """The backups in `folder`, newest first."""
    found = []
    for path in folder.glob("*.crmdesk"):
        match = _NAME.match(path.name)
        if match:
            made = datetime.strptime(match["stamp"], _STAMP)
            found.append(BackupFile(path, match["reason"], made, path.stat().st_size))
    return sorted(found, key=lambda b: b.made_at, reverse=True)


def write_verified_backup(source: Path, reason: str, folder: Path | None = None) -> Path:
    """Copy `source` into its lineage's backup folder (or `folder`); return the copy.

    Raises (and leaves no file) a StorageError naming the file and the cause if the copy
    cannot be read or written, a BackupError if it fails its check.
    """
    folder = folder or backup_folder(lineage_of(source))
    stamp = datetime.now().strftime(_STAMP)
    target = folder / f"{source.stem}-{reason}-{stamp}{source.suffix}"
    _copy_verified(source, target, vacuum=False)
    return target


def write_snapshot(source: Path, target: Path) -> Path:
    """A compact, consistent copy of `source` at `target` (VACUUM INTO), for another machine."""
    if target.exists():
        raise BackupError(f"{target} already exists. Choose another name; nothing was written.")
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy_verified(source, target, vacuum=True)
    return target


def read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot change the file (a refused file stays as it was)."""
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)


def copy_database(source: Path, target: Path) -> None:
    """Copy `source` to `target` with SQLite's online backup (a consistent copy, the source
    only read). A failure names the file it is about: the source if it cannot be read or is
    damaged (a NotADatabaseError), the target if it cannot be written (full, read-only…)."""
    try:
        src = read_only(source)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except (sqlite3.Error, OSError) as exc:
        raise disk_errors.about_copy(exc, source, target) from exc


def copy_verified(source: Path, target: Path) -> None:
    """Put a checked copy of `source` at `target` (replacing it only once checked)."""
    _copy_verified(source, target, vacuum=False)


def _copy_verified(source: Path, target: Path, *, vacuum: bool) -> None:
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = read_only(source)
    try:
        counts: dict[str, int] | None
        if vacuum:  # (VACUUM cannot run inside a read transaction)
            counts = row_counts(src)
            src.execute("VACUUM INTO ?", (str(partial),))
            if row_counts(src) != counts:
                counts = None  # written to meanwhile: the copy is still consistent
        else:
            src.execute("BEGIN")  # one read transaction: the counts match what was copied
            counts = row_counts(src)
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
            finally:
                dst.close()
            src.execute("COMMIT")
        fsync_path(partial)
        problem = check_copy(partial, counts)
        if problem:
            raise BackupError(f"The copy {target} failed its check ({problem}); it was removed.")
        partial.replace(target)
        fsync_path(target.parent)
    except (sqlite3.Error, OSError) as exc:
        _remove_partial(partial)
        raise disk_errors.about_copy(exc, source, target) from exc
    except BaseException:
        _remove_partial(partial)
        raise
    finally:
        src.close()


def _remove_partial(partial: Path) -> None:
    """A copy that failed: gone, with the journal its writer may have left beside it."""
    partial.unlink(missing_ok=True)
    partial.with_name(partial.name + "-journal").unlink(missing_ok=True)


def check_copy(path: Path, counts: dict[str, int] | None = None) -> str:
    """Reopen `path` read-only: "" if it passes quick_check (and holds `counts` rows per
    table), else what is wrong."""
    conn = read_only(path)
    try:
        result = [row[0] for row in conn.execute("PRAGMA quick_check")]
        if result != ["ok"]:
            return "; ".join(result[:3])
        if counts is not None and row_counts(conn) != counts:
            return "it does not hold every row of the original"
        return ""
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        conn.close()


def row_counts(conn: sqlite3.Connection) -> dict[str, int]:
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


def lineage_of(path: Path) -> str:
    conn = read_only(path)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'lineage_id'").fetchone()
        return str(row[0]) if row else ""
    except sqlite3.Error:
        return ""
    finally:
        conn.close()


def fsync_path(path: Path) -> None:
    """Flush a file (or a folder's entry list) to the disk; folders cannot be on Windows."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
