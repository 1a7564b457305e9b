"""One writer per database file: a lock file next to it names the host and process.

A lock left by a process that no longer runs on this host is stale and taken over.
A lock from another host cannot be checked from here and is respected. Taking the lock is
atomic (see FileLock): of any number of processes starting at once, exactly one holds it.
"""

from __future__ import annotations

import json
import os
import time
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
    """The lock file is published whole: written and flushed under a private name, then
    hard-linked to its real name, which fails if a lock is already there — so a reader
    never sees it half-written, and of many processes starting at once exactly one links.

    On POSIX the holder also keeps an advisory lock (flock) on the file while it runs. The
    system drops it when the process ends however it ends, so "is the holder still
    running?" is answered by the kernel, not by a pid that may have been reused; and taking
    over a stale lock happens under that flock, so two processes cannot both take it over.
    """

    db_path: Path
    path: Path
    held: bool = False
    _fd: int | None = None

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
        mine = self.path.with_name(f"{self.path.name}.{me['host']}.{me['pid']}.new")
        written = _write_whole(mine, me)
        fd: int | None = written
        if _try_flock(written) is None:  # no flock (Windows): nothing to hold open, and
            os.close(written)  # Windows can neither remove nor replace a file that is open
            fd = None
        try:
            for _attempt in range(50):
                try:
                    os.link(mine, self.path)
                    break
                except FileExistsError:
                    pass
                except OSError:  # a file system without hard links (FAT on a USB stick)
                    taken = _link_free_take(self.path, me)
                    if taken is not None:
                        if fd is not None:  # hold the flock of the lock file itself
                            os.close(fd)
                        fd = taken
                        break
                if self._take_over_if_stale(mine):
                    break
                time.sleep(0.01)
            else:
                raise _locked(self.db_path, _read(self.path))
        except BaseException:
            if fd is not None:
                os.close(fd)
            mine.unlink(missing_ok=True)
            raise
        mine.unlink(missing_ok=True)
        self._fd = fd
        self.held = True

    def _take_over_if_stale(self, mine: Path) -> bool:
        """The lock file exists: raise DatabaseLockedError if its holder runs; if it is
        stale, put ours in its place (True). False: it changed meanwhile, look again."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return False  # released meanwhile
        try:
            free = _try_flock(fd)
            owner = _read(self.path)
            if free is False:  # its holder runs: the system keeps its flock until it ends
                if owner is not None and _is_stale(owner):
                    time.sleep(0.02)  # a dead holder's: another process is taking it over
                    return False
                raise _locked(self.db_path, owner)
            if not _same_file(fd, self.path):
                return False  # replaced while we looked: look again
            if owner is not None and not _is_stale(owner, flock_free=free):
                raise _locked(self.db_path, owner)
            if owner is None and _younger_than(fd, _BEING_WRITTEN):
                time.sleep(0.05)  # made just now by a process still writing it: look again
                return False
            if free:
                # stale (or unreadable and nobody holds it): replace it while we hold its
                # flock, so anyone who flocks the old file next sees it is no longer the lock
                os.replace(mine, self.path)
                return True
        finally:
            os.close(fd)
        os.replace(mine, self.path)  # no flock here (Windows): replaced once it is closed
        return True

    def release(self) -> None:
        if self.held:
            owner = _read(self.path)
            if self._fd is not None and os.name == "nt":  # it cannot remove an open file
                os.close(self._fd)
                self._fd = None
            if owner is not None and owner.get("pid") == os.getpid():
                self.path.unlink(missing_ok=True)  # (POSIX: under our flock, then let go)
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            self.held = False


def _locked(db_path: Path, owner: dict[str, object] | None) -> DatabaseLockedError:
    if owner is None:
        return DatabaseLockedError(db_path, "another process", 0, "just now")
    return DatabaseLockedError(
        db_path, str(owner["host"]), int(str(owner["pid"])), str(owner["since"])
    )


def _write_whole(path: Path, content: dict[str, object]) -> int:
    """Write `content` to a new file at `path`, flushed; return the open fd."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.write(fd, json.dumps(content).encode("utf-8"))
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    return fd


def _try_flock(fd: int) -> bool | None:
    """Take an exclusive advisory lock on `fd` without waiting: True if taken, False if
    another process holds it, None where there are no such locks (Windows)."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock; staleness falls back to the pid
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:  # a file system that does not support it
        return None
    return True


def _same_file(fd: int, path: Path) -> bool:
    try:
        here, there = os.fstat(fd), os.stat(path)
    except FileNotFoundError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _link_free_take(path: Path, content: dict[str, object]) -> int | None:
    """Where hard links are not possible: create the lock file exclusively, flock it at
    once, then write it; return its open fd, or None if it is there already (or another
    process holds its flock: it is looking at it, let it decide). Between creating and
    writing it is empty; a reader waits for an empty lock file younger than
    _BEING_WRITTEN seconds instead of taking it over."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return None
    if _try_flock(fd) is False:
        os.close(fd)
        return None
    try:
        os.write(fd, json.dumps(content).encode("utf-8"))
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    return fd


_BEING_WRITTEN = 2.0  # seconds an empty lock file is taken to be still being written


def _younger_than(fd: int, seconds: float) -> bool:
    return time.time() - os.fstat(fd).st_mtime < seconds


def _read(path: Path) -> dict[str, object] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not {"host", "pid", "since"} <= data.keys():
        return None
    return data


def _is_stale(owner: dict[str, object], flock_free: bool | None = None) -> bool:
    """A lock from this host whose process no longer runs. Where flock works, the kernel
    has said so (`flock_free`); a lock from another host cannot be checked and is kept."""
    if owner["host"] != hostname():
        return False
    pid = int(str(owner["pid"]))
    if pid == os.getpid():
        return False
    if flock_free is not None:
        return flock_free
    return not process_running(pid)


def process_running(pid: int) -> bool:
    """Whether a process `pid` runs on this machine."""
    if os.name == "nt":  # os.kill(pid, 0) would send Ctrl+C there, not ask
        import ctypes

        kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel.GetLastError() == 5  # ERROR_ACCESS_DENIED: it runs, not ours
        try:
            code = ctypes.c_ulong()
            kernel.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
