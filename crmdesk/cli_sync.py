"""The command-line side of carrying the database: copy, merge, backup, restore, check.

A passphrase for an encrypted copy comes from, in this order: --passphrase-file FILE (its
first line), the CRMDESK_PASSPHRASE environment variable, the one remembered for this
business in the system keyring, or the terminal (typed, not shown; only when stdin is one).
A script gives one of the first two; nothing is ever read from the command line itself
(other users can see a process's arguments).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from crmdesk.errors import CrmError
from crmdesk.wording import count

PASSPHRASE_VARIABLE = "CRMDESK_PASSPHRASE"
TRIES = 3


def _db_option() -> argparse.ArgumentParser:
    """--db, shared by every command that opens a database (argparse parents=[…])."""
    option = argparse.ArgumentParser(add_help=False)
    option.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        default=argparse.SUPPRESS,  # (so a --db before the command counts too)
        help="the database (default: the one used last)",
    )
    return option


DB_OPTION = _db_option()


def add_parsers(commands: Any) -> None:
    def passphrase_options(p: argparse.ArgumentParser, what: str) -> None:
        p.add_argument(
            "--passphrase-file",
            type=Path,
            metavar="FILE",
            help=f"{what} is the first line of FILE (or set {PASSPHRASE_VARIABLE}; without "
            "either: the one remembered in the keyring, else typed at the terminal)",
        )
        p.add_argument(
            "--no-remember",
            action="store_true",
            help="do not remember the passphrase in this computer's keyring",
        )

    copy = commands.add_parser(
        "copy",
        parents=[DB_OPTION],
        help="write a checked, encrypted copy of the database to take to another machine",
        description="Write a consistent, checked snapshot into FOLDER (a stick, a shared "
        "folder), named after this machine and the time and encrypted with a passphrase "
        "(AES-256-GCM, the key made from the passphrase by scrypt): whoever finds the stick "
        "cannot read it. The passphrase is remembered for this business in the system "
        "keyring where there is one. On the other machine, merge it with `crmdesk merge`; a "
        "machine with no database yet starts from it with `crmdesk unpack`. "
        "--no-passphrase writes a plain database file instead, which anyone can read (and "
        "open on a machine that has no database yet).",
    )
    copy.add_argument("folder", type=Path)
    copy.add_argument("--name", default="", help="the file name (default: says where and when)")
    passphrase_options(copy, "the passphrase to encrypt the copy with")
    copy.add_argument(
        "--no-passphrase",
        action="store_true",
        help="write the copy unencrypted: anyone with the stick can read every client's data",
    )
    merge = commands.add_parser(
        "merge",
        parents=[DB_OPTION],
        help="merge another copy of the database into this one",
        description="Merge OTHER (a copy of the same database, edited on another machine) "
        "into this one, field by field: where only one copy changed a field, that change is "
        "taken; where both did, the later one wins and the other value goes to the conflict "
        "log (review it in the window: File ▸ Review conflicts). A verified backup is written "
        "first; OTHER is only read. A copy of another business's database, a damaged one or "
        "one from a newer crmdesk is refused. An encrypted copy needs its passphrase: a wrong "
        "one, or a copy changed or damaged after it was written, is refused and nothing "
        "changes.",
    )
    merge.add_argument("other", type=Path)
    passphrase_options(merge, "the passphrase of an encrypted copy")
    unpack = commands.add_parser(
        "unpack",
        help="start this machine from an encrypted copy: decrypt it into a database here",
        description="Decrypt COPY (written by `crmdesk copy` on another machine) into a new "
        "database of its own on this computer, check it, and make it the one used from now "
        "on (by the window and by the other commands). It goes into the data folder, named "
        'after the copy without its "from <machine> <time>" (clients.crmdesk), or to '
        "--out FILE; an existing file is never replaced. COPY is only read. Later copies "
        "from the other machine are merged into it with `crmdesk merge`.",
    )
    unpack.add_argument("copy", type=Path)
    unpack.add_argument(
        "--out", type=Path, metavar="FILE", help="the new database (must not exist)"
    )
    passphrase_options(unpack, "the passphrase of the copy")
    backup = commands.add_parser(
        "backup",
        parents=[DB_OPTION],
        help="write a verified backup now (and list the backups)",
        description="Write a verified backup of the database into the backups folder and "
        "list the backups kept (the 10 newest, then one a day for 7 days, one a week for 4 "
        "weeks, one a month for 12 months). With --list, only list them.",
    )
    backup.add_argument("--list", action="store_true", help="list the backups, write none")
    restore = commands.add_parser(
        "restore",
        parents=[DB_OPTION],
        help="put a backup in place of the database (after backing it up as it is)",
        description="Replace the database with BACKUP (a file, or a number from "
        "`crmdesk backup --list`: 1 is the newest). The database as it is now is backed up "
        "first, so a restore can itself be undone by restoring that backup.",
    )
    restore.add_argument("backup", help="a backup file, or its number in the list")
    check = commands.add_parser(
        "check",
        help="check a database file thoroughly (integrity and references)",
        description="Run SQLite's integrity_check and foreign_key_check on the file and say "
        "what is in it. Exit status 1 if a problem was found (restore a backup then).",
    )
    check.add_argument("file", type=Path, nargs="?", help="the file (default: the one used last)")


def run(args: argparse.Namespace, database_path: Any) -> int:
    from crmdesk.store.database import Database

    if args.command == "check":
        return _check(database_path(args.file or getattr(args, "db", None)))
    if args.command == "unpack":
        return _unpack(args)
    path = database_path(args.db)
    if args.command == "restore":
        return _restore(path, args.backup)
    if args.command == "merge" and not path.exists():
        raise CrmError(
            f"There is no database to merge {args.other.name} into: {path} does not exist. "
            f"To start this computer from the copy, run `crmdesk unpack {_quoted(args.other)}`;"
            " to merge it into a database elsewhere, name that with --db PATH."
        )
    with Database.open(path) as db:
        if args.command == "copy":
            return _copy(db, args)
        if args.command == "merge":
            return _merge(db, args)
        return _backup(db, args.list)


def _copy(db: Any, args: argparse.Namespace) -> int:
    from crmdesk.services import passphrases, sync

    if args.no_passphrase and args.passphrase_file:
        raise CrmError("Give either --no-passphrase or --passphrase-file, not both.")
    passphrase = remembered = None
    if not args.no_passphrase:
        passphrase = _given_passphrase(args)
        if passphrase is None:
            passphrase = remembered = passphrases.remembered(db.lineage_id)
            if remembered is not None:
                print("Using the passphrase remembered for this business in the keyring.")
        if passphrase is None and sys.stdin.isatty():
            passphrase = _type_new_passphrase()
        if passphrase is None:
            raise CrmError(
                "The copy is to be encrypted (it holds every client's personal data), but no "
                f"passphrase was given: pass --passphrase-file FILE or set {PASSPHRASE_VARIABLE}"
                " (or run the command in a terminal to type one). To write it unencrypted, "
                "pass --no-passphrase."
            )
    if warning := sync.location_warning(db.path):
        print(f"Note: {warning}")
    target = sync.copy_for_another_machine(db, args.folder, args.name, passphrase)
    how = "encrypted and checked" if passphrase is not None else "checked, NOT encrypted"
    print(f"Wrote {target} ({target.stat().st_size / 1e6:.1f} MB), {how}.")
    if passphrase is not None and passphrase != remembered:
        _remember(db, passphrase, args.no_remember)
    return 0


def _merge(db: Any, args: argparse.Namespace) -> int:
    from crmdesk.services import sync

    other: Path = args.other
    if sync.is_encrypted(other):
        summary = _merge_encrypted(db, other, args)
    else:
        summary = sync.merge(db, other)
    print(f"Merged {other} into {db.path}.")
    if summary.migrated_from:
        print(f"(The copy was from an older crmdesk, schema {summary.migrated_from}: upgraded "
              "on a temporary copy; the file itself was not changed.)")  # fmt: skip
    for line in summary.lines():
        print(f"  {line}")
    if summary.conflicts:
        print(f"{count(summary.conflicts, 'conflict')}: review them in the window (File ▸ Review "
              "conflicts), where each can be turned round.")  # fmt: skip
    if summary.backup is not None:
        print(f"Backup before merging: {summary.backup}")
    return 0


def _merge_encrypted(db: Any, other: Path, args: argparse.Namespace) -> Any:
    """Merge with the passphrase given; else the remembered one, then up to three typed at
    the terminal. Without any, sync.merge refuses (PassphraseNeededError)."""
    from crmdesk.errors import WrongPassphraseError
    from crmdesk.services import passphrases, sync

    given = _given_passphrase(args)
    tries: list[tuple[str, str | None]] = []
    if given is not None:
        tries.append(("given", given))
    else:
        if remembered := passphrases.remembered(db.lineage_id):
            tries.append(("remembered", remembered))
        if sys.stdin.isatty():
            tries += [("typed", None)] * TRIES
    if not tries:
        return sync.merge(db, other, None)
    for number, (source, passphrase) in enumerate(tries):
        if source == "typed":
            passphrase = _type(f"Passphrase of {other.name} (not shown): ")
        elif source == "remembered":
            print("Trying the passphrase remembered for this business in the keyring.")
        try:
            summary = sync.merge(db, other, passphrase)
        except WrongPassphraseError as exc:
            if number == len(tries) - 1:
                raise
            print(f"crmdesk: {exc.reason}", file=sys.stderr)
            continue
        if source != "remembered" and passphrase is not None:
            _remember(db, passphrase, args.no_remember, quiet=True)
        return summary
    raise AssertionError("unreachable")


def _unpack(args: argparse.Namespace) -> int:
    """Decrypt the copy with the passphrase given; else one remembered for a business of
    this computer's databases, then up to three typed at the terminal."""
    from crmdesk import paths
    from crmdesk.errors import WrongPassphraseError
    from crmdesk.services import recent, unpacking

    copy: Path = args.copy
    target = args.out or unpacking.default_target(copy)
    given = _given_passphrase(args)
    unpacked = passphrase = None
    if given is None:
        known = [*recent.recent_files(), paths.default_database()]
        unpacked = unpacking.unpack_with_remembered(copy, known, target)
        if unpacked is not None:
            print("Used the passphrase remembered for this business in the keyring.")
    if unpacked is None:
        tries = [given] if given is not None else [None] * (TRIES if sys.stdin.isatty() else 0)
        if not tries:
            from crmdesk.errors import PassphraseNeededError

            raise PassphraseNeededError(
                copy.expanduser().absolute(), "is an encrypted copy: it needs its passphrase."
            )
        for number, passphrase in enumerate(tries):
            passphrase = passphrase or _type(f"Passphrase of {copy.name} (not shown): ")
            try:
                unpacked = unpacking.unpack(copy, passphrase, target)
                break
            except WrongPassphraseError as exc:
                if number == len(tries) - 1:
                    raise
                print(f"crmdesk: {exc.reason}", file=sys.stderr)
    assert unpacked is not None
    recent.remember(unpacked.path)
    print(f"Decrypted {copy.name} into {unpacked.path}, checked.")
    kept = passphrase is not None and not args.no_remember
    if kept and unpacking.remember_passphrase(unpacked, passphrase or ""):
        from crmdesk.services.passphrases import keyring_name

        print(f"The passphrase is remembered for this business ({keyring_name()}).")
    opened = "`crmdesk`" if unpacked.path == paths.default_database() else "`crmdesk --resume`"
    print(f"It is the database used from now on: open it with {opened} (or "
          f"`crmdesk --db {_quoted(unpacked.path)}`). Merge later copies from the other "
          "machine into it with `crmdesk merge COPY`.")  # fmt: skip
    return 0


def _quoted(path: Path) -> str:
    import shlex

    return shlex.quote(str(path))


def _given_passphrase(args: argparse.Namespace) -> str | None:
    """The passphrase from --passphrase-file or the environment, or None."""
    if args.passphrase_file is not None:
        name = args.passphrase_file
        try:
            text = Path(name).expanduser().read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise CrmError(f"The passphrase file {name} does not exist.") from exc
        except IsADirectoryError as exc:
            raise CrmError(f"The passphrase file {name} is a folder, not a file.") from exc
        except PermissionError as exc:
            raise CrmError(
                f"The passphrase file {name} cannot be read: you are not allowed to read it."
            ) from exc
        except UnicodeError as exc:
            raise CrmError(
                f"The passphrase file {name} is not text (UTF-8): its first line should be "
                "the passphrase."
            ) from exc
        except OSError as exc:
            raise CrmError(
                f"The passphrase file {name} cannot be read ({exc.strerror or exc})."
            ) from exc
        lines = text.splitlines()
        if not lines or not lines[0]:
            raise CrmError(f"The passphrase file {args.passphrase_file} is empty.")
        return lines[0]
    return os.environ.get(PASSPHRASE_VARIABLE) or None


def _type(prompt: str) -> str:
    import getpass

    return getpass.getpass(prompt)


def _type_new_passphrase() -> str:
    """A new passphrase typed twice at the terminal."""
    from crmdesk.services.passphrases import check_passphrase

    for _ in range(TRIES):
        first = _type("Passphrase for the copy (at least 8 characters, not shown): ")
        if problem := check_passphrase(first):
            print(problem, file=sys.stderr)
            continue
        if _type("The same again: ") == first:
            return first
        print("The two were not the same.", file=sys.stderr)
    raise CrmError("No passphrase was agreed on; nothing was written.")


def _remember(db: Any, passphrase: str, no_remember: bool, *, quiet: bool = False) -> None:
    """Keep the passphrase in the keyring (unless --no-remember); say whether it was."""
    from crmdesk.services import passphrases

    if no_remember:
        return
    if passphrases.remember(db.lineage_id, passphrase):
        print(f"The passphrase is remembered for this business ({passphrases.keyring_name()}).")
    elif not quiet:
        print("(No keyring on this computer: the passphrase was not remembered.)")


def _backup(db: Any, list_only: bool) -> int:
    from crmdesk.services import backups

    if not list_only:
        made = backups.backup_now(db, "by-hand")
        print(f"Wrote {made}, verified.")
    found = backups.backups_of(db)
    if not found:
        print("No backups yet.")
    for number, backup in enumerate(found, 1):
        print(f"{number:3}  {backups.describe(backup)}  {backup.path.name}")
    return 0


def _restore(path: Path, which: str) -> int:
    from crmdesk.errors import CrmError
    from crmdesk.services import backups
    from crmdesk.store.backup import backup_folder, lineage_of, list_backups

    if which.isdigit():
        found = list_backups(backup_folder(lineage_of(path)))
        if not 1 <= int(which) <= len(found):
            raise CrmError(
                f"There is no backup number {which} ({count(len(found), 'backup')}). "
                "List them with `crmdesk backup --list`."
            )
        chosen = found[int(which) - 1].path
    else:
        chosen = Path(which).expanduser()
        if not chosen.is_file():
            raise CrmError(
                f"{chosen} does not exist. List the backups with `crmdesk backup --list`."
            )
    before = backups.restore(path, chosen)
    print(f"Restored {chosen.name} to {path}.")
    print(f"The database as it was is backed up at {before}.")
    return 0


def _check(file: Path) -> int:
    from crmdesk.errors import ReadOnlyError, UnfinishedWriteError
    from crmdesk.services import backups
    from crmdesk.services.client_list import count_clients
    from crmdesk.store.database import Database

    try:
        db = Database.open(file)
    except ReadOnlyError as exc:  # a write-protected stick: a check only reads
        if isinstance(exc, UnfinishedWriteError):
            raise
        return _report_check(file, backups.check_database(file), None, " (read-only here)")
    with db:
        report = db.report
        if report.migrated_from is not None:
            print(f"Upgraded from schema {report.migrated_from}; backup at {report.backup}.")
        return _report_check(file, backups.check_database(db.path), count_clients(db), "")


def _report_check(file: Path, result: Any, clients: int | None, note: str) -> int:
    if not result.ok:
        print(f"{file}: PROBLEMS FOUND{note}:")
        for problem in result.problems[:5]:
            print(f"  {problem}")
        if len(result.problems) > 5:
            print(f"  … and {len(result.problems) - 5} more of the same kind")
        print("Restore a backup: `crmdesk backup --list`, then `crmdesk restore N`.")
        return 1
    counted = f", {count(clients, 'client')}" if clients is not None else ""
    print(f"{file}: a crmdesk database{counted}{note}; integrity and references check out.")
    return 0
