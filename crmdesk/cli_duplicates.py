"""`crmdesk duplicates`, `crmdesk not-the-same` and `crmdesk merge-clients`: the window's
View ▸ Duplicates… from the command line (services.duplicates, services.client_merge)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from crmdesk.cli_sync import DB_OPTION
from crmdesk.errors import ValidationError

COMMANDS = ("duplicates", "not-the-same", "merge-clients")
OpenDatabase = Callable[[Path | None], AbstractContextManager[Any]]


def add_parsers(commands: Any) -> None:
    found = commands.add_parser(
        "duplicates",
        parents=[DB_OPTION],
        help="list the clients who may be the same person, with why and a score",
    )
    found.add_argument("--json", action="store_true", help="as JSON")
    differ = commands.add_parser(
        "not-the-same",
        parents=[DB_OPTION],
        help="remember that two clients are different people (the list leaves them out)",
    )
    differ.add_argument("first", metavar="ID")
    differ.add_argument("second", metavar="ID")
    merge = commands.add_parser(
        "merge-clients",
        parents=[DB_OPTION],
        help="merge OTHER into KEPT: everything of OTHER's moves to KEPT",
        description="Merge two clients who are the same person. Each profile field keeps the "
        "filled-in value, of two the newer (phones and emails: both lists), unless --take "
        "says otherwise. History, notes, things to remember, purchases, complaints, survey "
        "answers and forms and referrals move to KEPT; OTHER is left as a note that it was "
        "merged into KEPT.",
    )
    merge.add_argument("kept", metavar="KEPT", help="the id of the client kept")
    merge.add_argument("other", metavar="OTHER", help="the id of the client merged into KEPT")
    merge.add_argument(
        "--take",
        action="append",
        default=[],
        metavar="FIELD=kept|other|both",
        help="whose value a field keeps, e.g. --take city=other (repeatable)",
    )


def run(args: argparse.Namespace, open_database: OpenDatabase) -> int:
    from crmdesk.services import client_merge, duplicates

    with open_database(getattr(args, "db", None)) as db:
        if args.command == "not-the-same":
            duplicates.not_the_same(db, [(args.first, args.second)])
            print("Remembered: these two are not the same person.")
            return 0
        if args.command == "merge-clients":
            changes = client_merge.merge_clients(db, args.kept, args.other, _takes(args.take))
            print(f"{changes.label}.")
            return 0
        result = duplicates.scan(db)
    if args.json:
        print(json.dumps({"pairs": [vars(p) for p in result.pairs], "left_out": result.left_out},
                         indent=1, ensure_ascii=False))  # fmt: skip
        return 0
    for p in result.pairs:
        print(f"{p.score:3}%  {p.first_name} ({p.first_id})  —  {p.second_name} ({p.second_id})")
        print(f"      {p.reason}")
    print(f"{len(result.pairs):,} likely pairs." if result.pairs else "No likely duplicates.")
    if result.left_out:
        print(result.left_out)
    return 0


def _takes(given: list[str]) -> dict[str, Any]:
    from crmdesk.services.client_merge import PROFILE

    fields = ", ".join(f.key for f in PROFILE)
    takes: dict[str, Any] = {}
    for item in given:
        field, _, side = item.partition("=")
        if field not in {f.key for f in PROFILE} or side not in ("kept", "other", "both"):
            raise ValidationError(
                {"--take": f"“{item}” is not FIELD=kept|other|both (fields: {fields})."}
            )
        takes[field] = side
    return takes
