"""`crmdesk import FILE...`: bring clients in from vCard, CSV and birthday-calendar files."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from crmdesk import cli_sync
from crmdesk.errors import CrmError


def add_parser(commands: Any) -> None:
    found = commands.add_parser(
        "import",
        parents=[cli_sync.DB_OPTION],
        help="import clients from vCard (.vcf), CSV or birthday-calendar (.ics) files",
        description=(
            "Import clients from the files a phone, Google Contacts, Outlook, Thunderbird or "
            "a spreadsheet writes (the format and encoding are read from the content). Each "
            "contact is matched with the clients already here: the same email, else the same "
            "phone number, else a similar name with the same postcode or town. A matched client "
            "is updated (--on-match update: empty fields filled; a value that differs is kept "
            "in a note, never overwritten), skipped, or added as a new client (--on-match new). "
            "A contact that is the same person as an earlier one of the same file (by the same "
            "rules) is taken into the client that one became or updated, or skipped with it "
            "(--on-match new adds it as a client of its own). "
            "Each file is written in one transaction (all of it or, on an error, "
            "nothing), as it is read: the contacts read so far are matched in a temporary "
            "file (about 400 bytes a contact, deleted after), not kept in memory, so memory "
            "stays flat however long the file. The command line has no Undo (the window's "
            "Ctrl+Z does not reach an import made here): to be able to take one back, run "
            "`crmdesk backup` first; `crmdesk restore 1` then puts that backup back (and "
            "with it takes back anything else written since). "
            "Importing the same file again adds nothing. A CSV's columns are "
            "mapped as last set in the window for the same headers, else guessed from them. "
            "Phones and emails that are not valid are kept as typed, as things to remember, "
            "and listed as problems with their file and line. Exit code 0, or 2 when there "
            "were problems (what could be imported was)."
        ),
    )
    found.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="vCard, CSV, text or .ics files"
    )
    found.add_argument(
        "--region",
        metavar="CC",
        help="read phone numbers without a country code as from this country (ISO code, "
        "e.g. DE; default: the shop's country in Settings)",
    )
    found.add_argument(
        "--on-match",
        choices=["update", "skip", "new"],
        default="update",
        help="what to do with a contact that matches a client here (default: update)",
    )
    found.add_argument(
        "--dry-run",
        action="store_true",
        help="say what the import would do, worked out row by row as it would (the same "
        "counts and problems); write nothing",
    )
    found.add_argument(
        "--json",
        action="store_true",
        help='print {"added": N, "updated": N, "skipped": N, "folded": N, "problems": '
        '[{"file", "line", "message"}], "not_imported": [...]} (folded: contacts taken into '
        "the client of an earlier contact of the same file)",
    )


def run(args: argparse.Namespace, open_database: Any) -> int:
    from crmdesk.services import settings
    from crmdesk.services.importing import ImportFileError, open_import
    from crmdesk.services.importing.plan import OnMatch
    from crmdesk.services.importing.preview import dry_run, import_file
    from crmdesk.services.validation import is_region

    if args.region and not is_region(args.region):
        raise CrmError(f"“{args.region}” is not a country code; give one like DE, GB or US.")
    on_match = OnMatch(args.on_match)
    totals: dict[str, Any] = {"added": 0, "updated": 0, "skipped": 0, "folded": 0,
                              "problems": [], "not_imported": []}  # fmt: skip
    with open_database(args.db) as db:
        region = (args.region or settings.phone_region(db)).upper()
        locale = settings.locale_for(db)
        for path in args.files:
            try:
                source = open_import(path, locale=locale)
            except ImportFileError as error:  # the other files are imported all the same
                totals["problems"].append({"file": path.name, "line": 0, "message": error.reason})
                continue
            except OSError as error:  # a folder, a file that is not there or not readable
                reason = error.strerror or str(error)
                totals["problems"].append({"file": path.name, "line": 0, "message": reason})
                continue
            if args.dry_run:
                result = dry_run(db, source, on_match, region=region)
            else:
                result = import_file(db, source, on_match, region=region, undo=False)
            said = result.as_json()
            for key in ("added", "updated", "skipped", "folded"):
                totals[key] += said[key]
            totals["problems"] += said["problems"]
            totals["not_imported"] += said["not_imported"]
            if not args.json:
                would = "would be " if args.dry_run else ""
                folded = (f", {result.folded} {would}taken into the client of an earlier "
                          "contact of the same person" if result.folded else "")  # fmt: skip
                print(f"{path.name}: {result.added} {would}added, {result.updated} {would}"
                      f"updated, {result.skipped} {would}skipped{folded}.")  # fmt: skip
    if args.json:
        print(json.dumps(totals, indent=1, ensure_ascii=False))
    else:
        for p in totals["problems"]:
            print(f"{p['file']}, line {p['line']}: {p['message']}", file=sys.stderr)
        for column in totals["not_imported"]:
            print(f"not imported: the column {column}", file=sys.stderr)
    return 2 if totals["problems"] else 0
