"""`crmdesk person-export ID -o DIR`: a person's data on request, as a PDF and JSON."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmdesk import cli_sync
from crmdesk.wording import count

if TYPE_CHECKING:
    from crmdesk.store.database import Database

COMMAND = "person-export"


def add_parser(commands: Any) -> None:
    export = commands.add_parser(
        COMMAND,
        parents=[cli_sync.DB_OPTION],
        help="everything the file holds about one client (GDPR access), as a PDF and JSON",
        description=(
            "Write everything the database holds about one client into DIR, for a person "
            "who asks for their data (GDPR access and portability): a readable PDF and a "
            "JSON file (UTF-8, ISO dates, amounts exactly as stored; described in the "
            "README). Their profile, things to remember, notes, history, letters sent with "
            "their text, purchases, complaints, survey answers, referrals and follow-ups; "
            "deleted records too (still held in the file), marked as deleted. The files are "
            "named after the person and the day, and never overwrite a file already there. "
            "In the window: Client ▸ Export personal data…"
        ),
    )
    export.add_argument(
        "client", metavar="ID", help="the client's id (as letters --client takes it)"
    )
    export.add_argument(
        "-o", "--out", type=Path, required=True, metavar="DIR", help="the folder to write into"
    )


def run(
    args: argparse.Namespace,
    open_database: Callable[[Path | None], AbstractContextManager[Database]],
) -> int:
    from crmdesk.services import person_export

    with open_database(getattr(args, "db", None)) as db:
        done = person_export.export_person(db, args.client, args.out)
    print(f"Wrote {done.pdf} ({count(done.pages, 'page')}) and {done.json}, "
          f"{count(done.records, 'record')} besides the profile.")  # fmt: skip
    return 0
