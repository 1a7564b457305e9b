"""SQLite's and the file system's errors, translated once into crmdesk errors naming the file.

Only problems of the world outside the program are translated: a full disk, a read-only
file, folder or disk, an input/output error, a file another program holds, a damaged file,
a file that is not a database, a folder that does not exist. Anything else (a bad
statement, a broken constraint) is a bug in crmdesk and is re-raised as it is, so it
reaches the crash dialog instead of being dressed up as the user's problem.

    with disk_errors.about(db.path):
        ...  # sqlite3 / SQLAlchemy / OSError about that file

Messages say what is wrong; what to do about it is the GUI's and the CLI's to say (they
know their menus and commands), keyed by the error's class.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crmdesk.errors import (
    DamagedFileError,
    DiskFullError,
    DiskIOError,
    FileBusyError,
    FileTooLargeError,
    MissingFolderError,
    NotADatabaseError,
    ReadOnlyError,
    StorageError,
)

# SQLite's primary result codes (the low byte of an extended code)
_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = (
    3,
    5,
    6,
    8,
    10,
    11,
    13,
    14,
    26,
)
_IOERR_READS = {266, 522}  # SQLITE_IOERR_READ, SQLITE_IOERR_SHORT_READ
_LOW_SPACE = 1024 * 1024  # an I/O error with less free than this is a full disk

# which file of a copy a failure is about: the reader's or the writer's
SOURCE, TARGET = "source", "target"


def sqlite_code(exc: BaseException) -> int | None:
    """The SQLite (extended) result code behind `exc`, also through SQLAlchemy's wrapper."""
    inner = getattr(exc, "orig", None)  # sqlalchemy.exc.DBAPIError
    if isinstance(inner, sqlite3.Error):
        exc = inner
    code = getattr(exc, "sqlite_errorcode", None)
    return code if isinstance(code, int) else None


def translate(exc: BaseException, path: Path) -> StorageError | NotADatabaseError | None:
    """The crmdesk error for `exc` (a failure about `path`), or None if it is no problem of
    the disk or the file (a bug, to be raised as it is)."""
    path = Path(path)
    if isinstance(exc, OSError):
        return _from_os_error(exc, path)
    code = sqlite_code(exc)
    if code is None:
        return None
    primary = code & 0xFF
    detail = str(getattr(exc, "orig", None) or exc)
    if primary == _FULL:
        return _disk_full(path)
    if primary in (_READONLY, _PERM):
        return ReadOnlyError(path, _read_only_reason(path))
    if primary == _IOERR:
        if code not in _IOERR_READS and _free_space(path) < _LOW_SPACE:
            return _disk_full(path)  # a write failed on a disk with no room left
        if _cannot_write(path):  # an immutable file, say: the write itself was refused
            return ReadOnlyError(path, _read_only_reason(path))
        if limit := _file_size_limit():
            return FileTooLargeError(
                path,
                f"could not be written: it would grow past the largest file this system "
                f"lets crmdesk write ({_size(limit)}).",
            )
        return DiskIOError(
            path,
            "could not be read or written: the disk reported an input/output error "
            f"({detail}; SQLite code {code}). The disk may be failing or disconnected, "
            "or the file larger than this system allows.",
        )
    if primary in (_BUSY, _LOCKED):
        return FileBusyError(
            path, "is busy: another program is using the file and did not let go in time."
        )
    if primary == _CORRUPT:
        return DamagedFileError(path, f"is damaged ({detail}).")
    if primary == _NOTADB:
        return NotADatabaseError(path, "is not a database file (or it is encrypted or damaged).")
    if primary == _CANTOPEN:
        return _cannot_open(path)
    return None


def about_copy(exc: BaseException, source: Path, target: Path) -> StorageError | NotADatabaseError:
    """A failure while copying `source` to `target`: blame the file it is about. Reading
    errors, damage and another program holding it are the source's; a full, read-only or
    failing disk on write is the target's."""
    code = sqlite_code(exc)
    primary = (code or 0) & 0xFF
    found: StorageError | NotADatabaseError | None
    if isinstance(exc, OSError):
        about = Path(exc.filename) if exc.filename else target
        if about.name.startswith(target.name):  # its .partial (or -journal): say the file
            about = target
        found = _from_os_error(exc, about)
    elif primary in (_CORRUPT, _NOTADB, _BUSY, _LOCKED) or code in _IOERR_READS:
        found = translate(exc, source)  # the target is our own new file: nobody holds it
    else:
        found = translate(exc, target)
    if found is None:  # an error SQLite gives no file for: say which copy failed
        found = DiskIOError(target, f"could not be written as a copy of {source} ({exc}).")
    return found


@contextmanager
def about(path: Path, *, os_errors: bool = True) -> Iterator[None]:
    """Translate the disk's and SQLite's errors raised inside the block into crmdesk errors
    about `path`; anything else passes unchanged. With `os_errors=False` only database
    errors are translated (an OSError in the block may be about some other file)."""
    try:
        yield
    except Exception as exc:
        if isinstance(exc, OSError) and not os_errors:
            raise
        found = translate(exc, path)
        if found is None:
            raise
        raise found from exc


def _disk_full(path: Path) -> DiskFullError:
    free = _free_space(path)
    return DiskFullError(
        path,
        f"could not be written: the disk it is on is full ({_size(free)} free).",
    )


def _read_only_reason(path: Path) -> str:
    folder = path if path.is_dir() else path.parent
    if _mounted_read_only(folder):
        return "cannot be changed: the disk it is on is read-only (mounted read-only)."
    if path.is_file() and not os.access(path, os.W_OK):
        return "cannot be changed: the file is read-only."
    if not os.access(folder, os.W_OK):
        return f"cannot be changed: its folder {folder} is read-only."
    return (
        "cannot be changed: the system refuses to write to it (it is read-only, "
        "protected or immutable)."
    )


def _cannot_open(path: Path) -> StorageError:
    folder = path.parent
    if not folder.exists():
        return MissingFolderError(path, f"cannot be made: the folder {folder} does not exist.")
    if not path.exists():
        return ReadOnlyError(path, f"cannot be made: its folder {folder} refuses new files.")
    return ReadOnlyError(path, "cannot be opened: this user may not read or change it.")


def _from_os_error(exc: OSError, path: Path) -> StorageError | None:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return _disk_full(path)
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return ReadOnlyError(path, _read_only_reason(path))
    if exc.errno == errno.ENOENT and not path.parent.exists():
        return MissingFolderError(path, f"cannot be made: the folder {path.parent} does not exist.")
    if exc.errno == errno.EFBIG:
        return FileTooLargeError(path, "could not be written: it would be larger than this system "
                           "(or the disk's format, FAT32 say) allows a file to be.")  # fmt: skip
    if exc.errno in (errno.EIO, errno.ENXIO, errno.ENODEV):
        return DiskIOError(
            path, f"could not be read or written: {exc.strerror or exc} (input/output error)."
        )
    if exc.errno == errno.EBUSY:
        return FileBusyError(path, "is busy: another program is using it.")
    return None


def _cannot_write(path: Path) -> bool:
    return path.is_file() and not os.access(path, os.W_OK)


def _file_size_limit() -> int | None:
    """The largest file this process may write (ulimit -f), if there is a limit."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    return None if soft == resource.RLIM_INFINITY else soft


def _mounted_read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # AttributeError: no statvfs on Windows
        return False


def _free_space(path: Path) -> int:
    for place in (path, *path.parents):
        try:
            return shutil.disk_usage(place).free
        except OSError:
            continue
    return _LOW_SPACE  # unknown: not evidence of a full disk


def _size(n: int) -> str:
    if n < 1024 * 1024:
        return f"{n // 1024} KB"
    if n < 1024**3:
        return f"{n / 1024**2:.0f} MB"
    return f"{n / 1024**3:.1f} GB"
