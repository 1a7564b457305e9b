"""Backups without thinking, checks on demand, and the "older copy dragged over" guard.

Backups live in the per-user data folder, one folder per business database (its lineage),
so every copy of it on this machine shares them. Each is verified (reopened and
quick_checked) before it counts. Kept: the 10 newest, and the newest of each day for 7
days, of each week for 4 weeks, of each month for 12 months.

This machine also remembers, per business database, its own newest change that a backup
holds. A file opened later that holds less of this machine's work (an older copy was copied
over it) is caught, and that work can be merged back from the backup.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from crmdesk import paths
from crmdesk.errors import (
    BackupError,
    CrmError,
    EncryptedCopyError,
    NotADatabaseError,
    OtherBusinessError,
)
from crmdesk.store import disk_errors, erasure
from crmdesk.store.backup import (
    BackupFile,
    backup_folder,
    check_copy,
    copy_verified,
    lineage_of,
    list_backups,
    read_only,
    write_verified_backup,
)
from crmdesk.store.database import Database
from crmdesk.store.gate import ENCRYPTED_MAGIC, is_encrypted_copy, not_a_whole_copy
from crmdesk.store.lock import FileLock

KEEP_NEWEST = 10
KEEP_DAYS = 7
KEEP_WEEKS = 4
KEEP_MONTHS = 12

log = logging.getLogger("crmdesk")


# ---------------------------------------------------------------------- making and keeping


def backups_of(db: Database) -> list[BackupFile]:
    """This database's backups, newest first."""
    return list_backups(backup_folder(db.lineage_id))


def backup_now(db: Database, reason: str = "by-hand") -> Path:
    """Write a verified backup of the open database, prune old ones; return the backup."""
    path = write_verified_backup(db.path, reason, backup_folder(db.lineage_id))
    _remember(db.lineage_id, own_clock(path, db.site_id), path)
    prune(backup_folder(db.lineage_id))
    return path


def last_change(db: Database) -> str:
    """The file's clock: it moves with every change, so "changed since" compares two."""
    return db.meta("clock")


def to_keep(backups: list[BackupFile], now: datetime) -> set[Path]:
    """Which backups the policy keeps: the newest few, then one a day, week and month."""
    ordered = sorted(backups, key=lambda b: b.made_at, reverse=True)
    keep = {b.path for b in ordered[:KEEP_NEWEST]}
    buckets: dict[tuple[str, object], Path] = {}
    for b in ordered:  # newest first: the first one seen in a bucket is its newest
        age = now - b.made_at
        if age <= timedelta(days=KEEP_DAYS):
            buckets.setdefault(("day", b.made_at.date()), b.path)
        if age <= timedelta(weeks=KEEP_WEEKS):
            buckets.setdefault(("week", b.made_at.isocalendar()[:2]), b.path)
        if age <= timedelta(days=31 * KEEP_MONTHS):
            buckets.setdefault(("month", (b.made_at.year, b.made_at.month)), b.path)
    return keep | set(buckets.values())


def prune(folder: Path, now: datetime | None = None) -> list[Path]:
    """Delete the backups the policy does not keep; return them."""
    backups = list_backups(folder)
    keep = to_keep(backups, now or datetime.now())
    keep |= {Path(m["backup"]) for m in _memory().values()}  # holds work a file may lack
    gone = [b.path for b in backups if b.path not in keep]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


# ---------------------------------------------------------------------- restoring


def restore(path: Path, backup: Path, lineage_id: str = "") -> Path:
    """Put `backup` in place of the database at `path` (which must not be open), after a
    verified backup of it as it is now; return that backup."""
    path = Path(path).absolute()
    _refuse_what_is_no_backup(Path(backup))
    problem = check_copy(backup)
    if problem:
        raise BackupError(
            f"The backup {backup.name} is damaged ({problem}). Nothing was changed; "
            "choose another backup."
        )
    theirs, ours = lineage_of(backup), lineage_of(path) if path.exists() else ""
    if ours and theirs != ours:
        raise OtherBusinessError(
            backup,
            f"is not a backup of {path.name}: it holds another business's database. "
            "Nothing was changed.",
        )
    with disk_errors.about(path):
        lock = FileLock.acquire(path)
    try:
        before = write_verified_backup(path, "before-restore") if path.exists() else path
        copy_verified(backup, path)
        # nobody erased since that backup was made comes back with it (if this fails, the
        # restore stands and opening the file erases them again: Database.reapply_erasures)
        lineage_id = lineage_id or lineage_of(path)
        try:
            with disk_errors.about(path, os_errors=False):
                erasure.apply_to_file(path, erasure.remembered(lineage_id))
        except CrmError as exc:
            log.warning("Restored %s; erasing again is left to its opening: %s", path, exc)
    finally:
        lock.release()
    # restoring on purpose: this machine's newer work is in `before`, not expected here
    _forget(lineage_id)
    return before


def _refuse_what_is_no_backup(backup: Path) -> None:
    """An encrypted copy for another machine (or one cut short) is no backup: say so, rather
    than calling it a damaged backup."""
    if is_encrypted_copy(backup):
        raise EncryptedCopyError(
            backup,
            "is an encrypted copy for another machine, not a backup. Nothing was changed.",
        )
    try:
        with backup.open("rb") as f:
            header = f.read(len(ENCRYPTED_MAGIC))
    except OSError:
        return  # check_copy says what is wrong with it
    if problem := not_a_whole_copy(backup, header):
        raise problem


# ---------------------------------------------------------------------- checking


@dataclass(frozen=True)
class CheckReport:
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def quick_check(path: Path) -> CheckReport:
    """What every open runs: SQLite's quick_check (the structure of every page)."""
    problem = check_copy(path)
    return CheckReport([problem] if problem else [])


def check_database(path: Path) -> CheckReport:
    """ "Check database": integrity_check (every page and index entry) and foreign keys."""
    problems: list[str] = []
    try:
        conn = read_only(path)
    except sqlite3.Error as exc:
        return CheckReport([str(exc)])
    try:
        rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
        problems += [] if rows == ["ok"] else rows
        for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
            problems.append(f"{table} row {rowid} refers to a missing row of {parent}")
    except sqlite3.Error as exc:
        found = disk_errors.translate(exc, path)
        if found is not None and not isinstance(found, NotADatabaseError):
            raise found from exc  # the disk failed, not the file: say so, not "damaged"
        problems.append(str(exc))
    finally:
        conn.close()
    return CheckReport(problems)


# ---------------------------------------------------------------------- lost work


@dataclass(frozen=True)
class LostWork:
    """This machine made changes that the open file no longer holds."""

    newest_here: str  # newest change of this machine the file holds (HLC)
    remembered: str  # newest change of this machine a backup holds
    backup: Path

    @property
    def made_at(self) -> datetime:
        from crmdesk.store.clock import stamp_time

        return datetime.fromisoformat(stamp_time(self.remembered))


def lost_work(db: Database) -> LostWork | None:
    """If an older copy was copied over this file, what this machine did that it lacks."""
    memory = _memory().get(db.lineage_id)
    if not memory:
        return None
    here = own_clock(db.path, db.site_id)
    backup = Path(memory["backup"])
    if here >= memory["hlc"] or not backup.exists():
        return None
    return LostWork(here, memory["hlc"], backup)


def own_clock(path: Path, site: str) -> str:
    """The newest change of site `site` that the file at `path` holds."""
    conn = read_only(path)
    try:
        row = conn.execute("SELECT hlc FROM site_clocks WHERE site_id = ?", (site,)).fetchone()
        return str(row[0]) if row else ""
    except sqlite3.Error:
        return ""
    finally:
        conn.close()


def _memory_file() -> Path:
    return paths.own_work_file()


def _memory() -> dict[str, dict[str, str]]:
    try:
        data = json.loads(_memory_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save_memory(memory: dict[str, dict[str, str]]) -> None:
    target = _memory_file()
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(memory, indent=1), encoding="utf-8")
    tmp.replace(target)


def _remember(lineage_id: str, hlc: str, backup: Path) -> None:
    if not lineage_id or not hlc:
        return
    memory = _memory()
    known = memory.get(lineage_id)
    if known and known["hlc"] > hlc and Path(known["backup"]).exists():
        return  # a backup with more of our work is remembered: keep pointing at it
    memory[lineage_id] = {"hlc": hlc, "backup": str(backup)}
    _save_memory(memory)


def _forget(lineage_id: str) -> None:
    memory = _memory()
    if memory.pop(lineage_id, None) is not None:
        _save_memory(memory)


def describe(backup: BackupFile) -> str:
    reason = backup.reason.replace("-", " ")
    return f"{backup.made_at:%Y-%m-%d %H:%M}  {reason}  ({backup.size / 1e6:.1f} MB)"


def require_ok(report: CheckReport, path: Path) -> None:
    if not report.ok:
        raise CrmError(
            f"{path} failed its check: {'; '.join(report.problems[:3])}. "
            "A backup made before the damage can be restored."
        )
