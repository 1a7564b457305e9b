"""Expected problems, raised by the core and shown to the user as a clear message.

Anything that is not a CrmError is a bug: it reaches the GUI's excepthook, is logged and
shown in a crash dialog. A CrmError's message says what is wrong and what to do.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


class CrmError(Exception):
    """A problem the user can understand and act on."""


class DatabaseFileError(CrmError):
    """The database file cannot be used; it was not modified."""

    def __init__(self, path: Path, reason: str, advice: str = "") -> None:
        self.path = path
        self.reason = reason
        self.advice = advice
        text = f"{path}: {reason}"
        if advice:
            text += f" {advice}"
        super().__init__(text)


class NotADatabaseError(DatabaseFileError):
    pass


class MissingDatabaseError(DatabaseFileError):
    """There is no file at that path (and none was to be made)."""


class ForeignDatabaseError(DatabaseFileError):
    pass


class OtherBusinessError(ForeignDatabaseError):
    """A crmdesk database, but of another business (another lineage)."""


class NewerSchemaError(DatabaseFileError):
    pass


class DatabaseLockedError(DatabaseFileError):
    def __init__(self, path: Path, host: str, pid: int, since: str) -> None:
        self.host = host
        self.pid = pid
        super().__init__(
            path,
            f"is open in crmdesk on {host} (process {pid}, since {since}).",
            "Close it there first, then open it here.",
        )


class StorageError(DatabaseFileError):
    """The disk or the file refused a read or a write. The write it happened in was rolled
    back (or the half-written copy removed). `path` is the file (or folder) concerned; the
    reason says what happened, in the terms of the disk, not of SQLite. The GUI and the CLI
    each say what to do about it (see `kind`)."""

    kind = "storage"


class DiskFullError(StorageError):
    kind = "disk-full"


class ReadOnlyError(StorageError):
    kind = "read-only"


class UnfinishedWriteError(ReadOnlyError):
    """A crash left an unfinished write (a journal beside the file), and the file cannot be
    changed to undo it: the file and its journal belong together."""

    kind = "unfinished-read-only"


class DiskIOError(StorageError):
    kind = "io"


class FileTooLargeError(DiskIOError):
    """The file would grow past what the system or the disk's format allows a file."""

    kind = "too-large"


class FileBusyError(StorageError):
    kind = "busy"


class MissingFolderError(StorageError):
    kind = "no-folder"


class DamagedFileError(NotADatabaseError):
    """SQLite found the file's structure broken (not a crash's unfinished write: that is
    rolled back on open)."""

    kind = "damaged"


class EncryptedCopyError(NotADatabaseError):
    """The file is an encrypted copy for another machine, not a database: it is merged into
    this business's database, or decrypted into a database of its own (services.unpacking)."""


class NotEncryptedError(DatabaseFileError):
    """An encrypted copy was expected, and the file is a plain database: nothing to decrypt."""


class TargetExistsError(DatabaseFileError):
    """A new file was to be written where a file already is; nothing was written. `path` is
    that file."""


class PassphraseNeededError(DatabaseFileError):
    """An encrypted copy was to be read without its passphrase; nothing was read."""


class WrongPassphraseError(DatabaseFileError):
    """The passphrase given does not open the encrypted copy; nothing was changed."""


class ChangedCopyError(DatabaseFileError):
    """An encrypted copy fails its authentication: some byte of it is not as written
    (changed on purpose, damaged, cut short or added to); nothing was changed."""


class BackupError(CrmError):
    pass


class ValidationError(CrmError):
    """One or more fields have bad values; nothing was saved.

    `problems` maps a field name to a message saying what is wrong with it.
    """

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        lines = "; ".join(f"{field}: {msg}" for field, msg in self.problems.items())
        super().__init__(f"Nothing was saved. {lines}")


class NotFoundError(CrmError):
    pass


class ConfirmationNeededError(CrmError):
    """A value is allowed but unusual (a purchase of zero, or far above the client's usual):
    nothing was saved; ask `question` and, if the user agrees, call again confirmed."""

    def __init__(self, field: str, question: str) -> None:
        self.field = field
        self.question = question
        super().__init__(question)


def advice_for(error: BaseException, advice: Mapping[type[CrmError], str]) -> str:
    """The advice for `error`'s kind in `advice` (the most specific kind that has one), or
    "". The GUI and the CLI each keep their own words for what to do (their menus and
    commands); this is how either finds them."""
    for kind in type(error).__mro__:
        if kind in advice:
            return advice[kind]
    return ""
