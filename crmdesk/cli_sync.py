"""The command-line side of carrying the database: copy, merge, backup, restore, check."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_parsers(commands: Any) -> None:
    def db_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--db", type=Path, metavar="PATH", help="the database (default: the one used last)"
        )

    copy = commands.add_parser(
        "copy",
        help="write a checked copy of the database to take to another machine",
        description="Write a consistent, checked snapshot into FOLDER (a stick, a shared "
        "folder), named after this machine and the time. On the other machine, merge it with "
        "`crmdesk merge` (or open it there if it has no database yet).",
    )
    copy.add_argument("folder", type=Path)
    copy.add_argument("--name", default="", help="the file name (default: says where and when)")
    db_option(copy)
    merge = commands.add_parser(
        "merge",
        help="merge another copy of the database into this one",
        description="Merge OTHER (a copy of the same database, edited on another machine) "
        "into this one, field by field: where only one copy changed a field, that change is "
        "taken; where both did, the later one wins and the other value goes to the conflict "
        "log (review it in the window: File ▸ Review conflicts). A verified backup is written "
        "first; OTHER is only read. A copy of another business's database, a damaged one or "
        "one from a newer crmdesk is refused.",
    )
    merge.add_argument("other", type=Path)
    db_option(merge)
    backup = commands.add_parser(
        "backup",
        help="write a verified backup now (and list the backups)",
        description="Write a verified backup of the database into the backups folder and "
        "list the backups kept (the 10 newest, then one a day for 7 days, one a week for 4 "
        "weeks, one a month for 12 months). With --list, only list them.",
    )
    backup.add_argument("--list", action="store_true", help="list the backups, write none")
    db_option(backup)
    restore = commands.add_parser(
        "restore",
        help="put a backup in place of the database (after backing it up as it is)",
        description="Replace the database with BACKUP (a file, or a number from "
        "`crmdesk backup --list`: 1 is the newest). The database as it is now is backed up "
        "first, so a restore can itself be undone by restoring that backup.",
    )
    restore.add_argument("backup", help="a backup file, or its number in the list")
    db_option(restore)
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
        return _check(database_path(args.file))
    path = database_path(args.db)
    if args.command == "restore":
        return _restore(path, args.backup)
    with Database.open(path) as db:
        if args.command == "copy":
            return _copy(db, args.folder, args.name)
        if args.command == "merge":
            return _merge(db, args.other)
        return _backup(db, args.list)


def _copy(db: Any, folder: Path, name: str) -> int:
    from crmdesk.services import sync

    if warning := sync.location_warning(db.path):
        print(f"Note: {warning}")
    target = sync.copy_for_another_machine(db, folder, name)
    print(f"Wrote {target} ({target.stat().st_size / 1e6:.1f} MB), checked.")
    return 0


def _merge(db: Any, other: Path) -> int:
    from crmdesk.services import sync

    summary = sync.merge(db, other)
    print(f"Merged {other} into {db.path}.")
    if summary.migrated_from:
        print(f"(The copy was from an older crmdesk, schema {summary.migrated_from}: upgraded "
              "on a temporary copy; the file itself was not changed.)")  # fmt: skip
    for line in summary.lines():
        print(f"  {line}")
    if summary.conflicts:
        print(f"{summary.conflicts} conflict(s): review them in the window (File ▸ Review "
              "conflicts), where each can be turned round.")  # fmt: skip
    print(f"Backup before merging: {summary.backup}")
    return 0


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
                f"There is no backup number {which} ({len(found)} backups). "
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
    from crmdesk.services import backups
    from crmdesk.services.client_list import count_clients
    from crmdesk.store.database import Database

    with Database.open(file) as db:
        report = db.report
        if report.migrated_from is not None:
            print(f"Upgraded from schema {report.migrated_from}; backup at {report.backup}.")
        result = backups.check_database(db.path)
        if not result.ok:
            print(f"{file}: PROBLEMS FOUND:")
            for problem in result.problems[:20]:
                print(f"  {problem}")
            print("Restore a backup: `crmdesk backup --list`, then `crmdesk restore N`.")
            return 1
        print(f"{file}: a crmdesk database, {count_clients(db)} clients; integrity and "
              "references check out.")  # fmt: skip
    return 0
