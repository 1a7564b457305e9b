"""`crmdesk export`: clients to a CSV, vCard or iCalendar file (services.exporting)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmdesk.wording import count

if TYPE_CHECKING:
    from crmdesk.store.database import Database

OpenDatabase = Callable[[Path | None], AbstractContextManager["Database"]]


def add_parser(commands: Any, db_option: argparse.ArgumentParser) -> None:
    from crmdesk.services.exporting.csv_file import COLUMNS, DEFAULT_COLUMNS

    export = commands.add_parser(
        "export",
        parents=[db_option],
        help="write clients to a CSV, vCard or iCalendar file",
        description=(
            "Write clients (all of them, or those with a tag, found by a search, or named by "
            "id; never those in the Trash) to FILE. csv: UTF-8 with a byte order mark, for "
            "Excel or any spreadsheet; a cell starting with = + - @ or a tab gets a leading "
            "apostrophe so it is never run as a formula. vcard: contacts for a phone or an "
            "address book (a birthday without its year as --MMDD in 4.0, Apple's "
            "X-APPLE-OMIT-YEAR in 3.0). ics: the birthdays and dated things to remember as "
            "yearly events for a calendar app (a birthday without its year starts this year "
            "and claims no year of birth). The file is replaced only by a complete export."
        ),
    )
    export.add_argument("--format", required=True, choices=("csv", "vcard", "ics"))
    who = export.add_mutually_exclusive_group()
    who.add_argument("--tag", metavar="T", help="every client with this tag")
    who.add_argument("--search", metavar="Q", help="every client the search finds")
    who.add_argument("--client", nargs="+", metavar="ID", help="these clients (their ids)")
    export.add_argument(
        "--vcard-version", choices=("3.0", "4.0"), default="4.0", help="default 4.0"
    )
    export.add_argument(
        "--columns",
        metavar="A,B,…",
        help=f"CSV columns, in order (default {','.join(DEFAULT_COLUMNS)}; there are: "
        f"{', '.join(c.key for c in COLUMNS)})",
    )
    export.add_argument("-o", "--out", type=Path, required=True, help="the file to write")


def run(args: argparse.Namespace, open_database: OpenDatabase) -> int:
    from crmdesk.services import exporting

    fmt = exporting.ExportFormat(args.format)
    columns = [c.strip() for c in args.columns.split(",")] if args.columns else None
    with open_database(args.db) as db:
        ids = exporting.choose_clients(db, tag=args.tag, search=args.search, client_ids=args.client)
        done = exporting.export_clients(
            db,
            ids,
            args.out,
            fmt,
            columns=columns,
            vcard_version=args.vcard_version,
            progress=_Progress(),
        )
    print(f"Wrote {count(done.clients, 'client')} to {done.path}.")
    return 0


class _Progress:
    """ "crmdesk: exported 4,000 of 100,000…" on stderr, at most once a second after the
    first second (a short export prints nothing)."""

    def __init__(self) -> None:
        self.next = time.monotonic() + 1.0

    def __call__(self, n: int, total: int) -> bool:
        now = time.monotonic()
        if now >= self.next:
            print(f"crmdesk: exported {n:,} of {total:,}…", file=sys.stderr, flush=True)
            self.next = now + 1.0
        return True
