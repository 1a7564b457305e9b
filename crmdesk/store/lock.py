"""One writer per database file: a lock file next to it names the host and process.

A lock left by a process that no longer runs on this host is stale and taken over.
A lock from another host cannot be checked from here and is respected.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from crmdesk.errors import DatabaseLockedError


def hostname() -> str:
    """This machine's name (os.uname avoids importing socket at start-up)."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket  # Windows

    return socket.gethostname()


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


@dataclass
class FileLock:
    db_path: Path
    path: Path
    held: bool = False

    @classmethod
    def acquire(cls, db_path: Path) -> FileLock:
        lock = cls(db_path=db_path, path=lock_path(db_path))
        lock._take()
        return lock

    def _take(self) -> None:
        me = {
            "host": hostname(),
            "pid": os.getpid(),
            "since": datetime.now().isoformat(timespec="seconds"),
        }
        for _attempt in range(2):
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                owner = _read(self.path)
                if owner is not None and not _is_stale(owner):
                    raise DatabaseLockedError(
                        self.db_path,
                        str(owner["host"]),
                        int(str(owner["pid"])),
                        str(owner["since"]),
                    ) from None
                self.path.unlink(missing_ok=True)  # stale or unreadable: take it over
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(me, f)
            self.held = True
            return
        raise DatabaseLockedError(self.db_path, "another process", 0, "just now")

    def release(self) -> None:
        if self.held:
            owner = _read(self.path)
            if owner is not None and owner.get("pid") == os.getpid():
                self.path.unlink(missing_ok=True)
            self.held = False


def _read(path: Path) -> dict[str, object] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not {"host", "pid", "since"} <= data.keys():
        return None
    return data


def _is_stale(owner: dict[str, object]) -> bool:
    if owner["host"] != hostname():
        return False
    pid = int(str(owner["pid"]))
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
