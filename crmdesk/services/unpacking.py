"""Starting a machine from an encrypted copy: decrypted into a database of its own here.

A machine without this business's database (a new laptop) has nothing to merge an
encrypted copy into; it unpacks it instead. The copy is decrypted into a hidden file beside
the new database's name (in the data folder by default, named after the copy without its
"from <host> <time>"), checked, and only then linked into place, never over a file that is
already there. A wrong passphrase is found before anything is written; a copy that fails its
check or holds no sound database leaves nothing behind. The copy itself is only read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from crmdesk import paths
from crmdesk.errors import (
    DamagedFileError,
    DatabaseFileError,
    MissingDatabaseError,
    NewerSchemaError,
    NotADatabaseError,
    NotEncryptedError,
    TargetExistsError,
    WrongPassphraseError,
)
from crmdesk.store import disk_errors, revisions
from crmdesk.store.backup import check_copy, fsync_path, lineage_of
from crmdesk.store.gate import (
    ENCRYPTED_SUFFIX,
    SQLITE_MAGIC,
    inspect_file,
    is_encrypted_copy,
    journal_path,
    not_a_whole_copy,
)

NOTHING_WRITTEN = "Nothing was written."
# what sync.copy_name adds: " from frontdesk 2026-11-23 0915"
_WHERE_AND_WHEN = re.compile(r" from \S.* \d{4}-\d{2}-\d{2} \d{4}$")


@dataclass(frozen=True)
class Unpacked:
    copy: Path  # the encrypted copy, as it was
    path: Path  # the new database decrypted from it
    lineage_id: str  # the business it belongs to (its passphrase is remembered under it)


def database_name(copy: Path) -> str:
    """The name of the database unpacked from `copy`: "clients from frontdesk 2026-11-23
    0915.crmdesk-encrypted" gives "clients.crmdesk"."""
    stem = copy.name
    for suffix in (ENCRYPTED_SUFFIX, paths.DB_SUFFIX):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    stem = _WHERE_AND_WHEN.sub("", stem).strip(" .")
    return f"{stem or 'clients'}{paths.DB_SUFFIX}"


def default_target(copy: Path) -> Path:
    """Where `copy` is unpacked unless told otherwise: the data folder."""
    return paths.data_dir() / database_name(Path(copy))


def free_target(taken: Path) -> Path:
    """A name beside `taken` that is free: "clients 2.crmdesk", "clients 3.crmdesk"…"""
    number = 2
    while (found := taken.with_name(f"{taken.stem} {number}{taken.suffix}")).exists():
        number += 1
    return found


def is_copy(path: Path) -> bool:
    """True if `path` is an encrypted copy (known by its first bytes): it is unpacked, not
    opened."""
    return is_encrypted_copy(Path(path).expanduser())


def unpack(copy: Path | str, passphrase: str, target: Path | str | None = None) -> Unpacked:
    """Decrypt the encrypted copy `copy` with `passphrase` into the new database `target`
    (default: `default_target`), check it and return where it is.

    Refuses, leaving no file behind: a file that is not an encrypted copy (NotEncryptedError
    for a plain database, else the reason it is no copy), a `target` that exists
    (TargetExistsError), a wrong passphrase (WrongPassphraseError), a copy changed after it
    was written (ChangedCopyError), one from a newer crmdesk (NewerSchemaError), one whose
    content is no sound database (DamagedFileError), and a disk that fails (StorageError).
    A copy from an older crmdesk is unpacked as it is: opening it upgrades it.
    """
    copy = Path(copy).expanduser().absolute()
    if not copy.exists():
        raise MissingDatabaseError(copy, "does not exist.")
    if not is_encrypted_copy(copy):
        raise _not_a_copy(copy)
    target = Path(target or default_target(copy)).expanduser().absolute()
    if target.exists():
        raise TargetExistsError(
            target,
            f"already exists: {copy.name} is never decrypted over a file. {NOTHING_WRITTEN}",
        )
    partial = target.with_name(f".{target.name}.unpacking")
    try:
        _decrypt(copy, partial, passphrase)
        lineage = _check(copy, partial)
        _put_in_place(partial, target)
    finally:
        partial.unlink(missing_ok=True)
        journal_path(partial).unlink(missing_ok=True)
    return Unpacked(copy, target, lineage)


def unpack_with_remembered(
    copy: Path | str, databases: Iterable[Path], target: Path | str | None = None
) -> Unpacked | None:
    """Unpack `copy` with a passphrase remembered in the keyring for the business of one of
    `databases` (the open one, the recent ones: the copy does not say whose it is); None if
    none is remembered or none opens it. Other refusals are raised as by `unpack`."""
    for passphrase in remembered_passphrases(databases):
        try:
            return unpack(copy, passphrase, target)
        except WrongPassphraseError:
            continue
    return None


def remembered_passphrases(databases: Iterable[Path]) -> list[str]:
    """The passphrases remembered for the businesses of `databases`, each once."""
    from crmdesk.services import passphrases

    found: list[str] = []
    seen: set[str] = set()
    for path in databases:
        try:
            lineage = lineage_of(path) if Path(path).is_file() else ""
        except Exception:  # not a database, unreadable: it has no passphrase to offer
            lineage = ""
        if not lineage or lineage in seen:
            continue
        seen.add(lineage)
        if (remembered := passphrases.remembered(lineage)) and remembered not in found:
            found.append(remembered)
    return found


def remember_passphrase(unpacked: Unpacked, passphrase: str) -> bool:
    """Remember `passphrase` for the business of the unpacked database, as a copy or a
    merge does; False if there is no keyring here."""
    from crmdesk.services import passphrases

    return passphrases.remember(unpacked.lineage_id, passphrase)


def _not_a_copy(copy: Path) -> DatabaseFileError:
    """Why `copy`, which does not begin as an encrypted copy does, is none."""
    if copy.is_dir():
        return NotADatabaseError(copy, "is a folder, not an encrypted copy.")
    try:
        with copy.open("rb") as f:
            header = f.read(len(SQLITE_MAGIC))
    except OSError as exc:
        return disk_errors.about_copy(exc, copy, copy)
    if problem := not_a_whole_copy(copy, header):
        return problem
    if header.startswith(SQLITE_MAGIC):
        return NotEncryptedError(
            copy, "is a database file, not an encrypted copy: there is nothing to decrypt."
        )
    return NotADatabaseError(copy, "is not an encrypted crmdesk copy (nor a database file).")


def _decrypt(copy: Path, partial: Path, passphrase: str) -> None:
    from crmdesk.store import encrypted_copy  # (brings in `cryptography`: only when needed)

    try:
        encrypted_copy.decrypt_file(copy, partial, passphrase, outcome=NOTHING_WRITTEN)
    except OSError as exc:
        raise disk_errors.about_copy(exc, copy, partial) from exc


def _check(copy: Path, partial: Path) -> str:
    """Check the database decrypted from `copy` into `partial`; return its lineage id."""
    try:
        state = inspect_file(partial)
    except DatabaseFileError as exc:
        raise DamagedFileError(
            copy, f"holds no crmdesk database ({exc.reason}) {NOTHING_WRITTEN}"
        ) from exc
    if state.revision is not None and state.revision not in revisions.KNOWN:
        raise NewerSchemaError(
            copy,
            f"holds a database written by a newer version of crmdesk (schema {state.revision}).",
            NOTHING_WRITTEN,
        )
    if problem := check_copy(partial):
        raise DamagedFileError(copy, f"holds a damaged database ({problem}). {NOTHING_WRITTEN}")
    lineage = lineage_of(partial)
    if not lineage:
        raise DamagedFileError(copy, f"holds a database with no business id. {NOTHING_WRITTEN}")
    return lineage


def _put_in_place(partial: Path, target: Path) -> None:
    """Give `partial` the name `target`, never replacing a file that appeared there since."""
    try:
        os.link(partial, target)  # fails if `target` exists: no window to overwrite it in
    except FileExistsError:
        raise TargetExistsError(
            target, f"already exists (it was made meanwhile). {NOTHING_WRITTEN}"
        ) from None
    except OSError as exc:  # no hard links on this disk (FAT, some shares)
        if target.exists():
            raise TargetExistsError(target, f"already exists. {NOTHING_WRITTEN}") from exc
        try:
            os.rename(partial, target)
        except OSError as again:
            raise disk_errors.about_copy(again, partial, target) from again
    fsync_path(target.parent)
