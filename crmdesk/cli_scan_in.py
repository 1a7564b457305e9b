"""`crmdesk scan-in FILES...`: filled survey forms read back from scans and recorded."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmdesk import cli_sync
from crmdesk.wording import count

if TYPE_CHECKING:
    from crmdesk.services.scan_in.reading import PageReading
    from crmdesk.store.database import Database

OpenDatabase = Callable[[Path | None], AbstractContextManager["Database"]]


def add_parser(commands: Any) -> None:
    scan = commands.add_parser(
        "scan-in",
        parents=[cli_sync.DB_OPTION],
        help="read filled survey forms back from scans or phone photos (PNG, JPEG, TIFF, PDF)",
        description=(
            "Read filled survey forms from scanned pages or phone photos of them (a form "
            "lying on a table, seen at an angle, in uneven light): each page's form by its "
            "QR code, "
            "the 0-10 box marked, the extra questions and the consents. Pages read surely "
            "are recorded like typed answers (history, score, follow-ups), all as one step, "
            "with what is handwritten in the comment box and on the referral lines kept as "
            "small images (not read); "
            "pages with a doubt (two boxes marked, a faint mark, an unreadable QR code, a "
            "form never printed or already entered) are listed and not recorded: check "
            "them with --check, or in Surveys > Read scans, which asks each doubtful row "
            "(score, consent, question) in turn. A page with no score marked is not "
            "recorded (an answer needs its score). Blank pages and pages that are not "
            "crmdesk forms are listed."
        ),
        epilog=(
            "--json prints a list with one object per page: file, page, code (or null), "
            "score (0-10 or null; on a page to check, the reading proposed), consents "
            "{contact, quote}, extra (one answer per extra question, or null), needs_check "
            "and why."
        ),
    )
    scan.add_argument(
        "files", nargs="+", type=Path, metavar="FILE",
        help="scans or photos: PNG, JPEG, TIFF (every page), PDF (every page), or folders",
    )  # fmt: skip
    scan.add_argument("--dry-run", action="store_true", help="read only: record nothing")
    scan.add_argument("--json", action="store_true", help="print what each page says as JSON")
    scan.add_argument(
        "--check", action="store_true",
        help="ask at the terminal about each doubtful row, then record: Enter accepts the "
        "reading proposed, a number corrects it (the score, or the box's number from 1), "
        "N = no answer (a consent: no), Y = a consent given, S = skip the page; a page "
        "whose QR code did not read asks for the code printed under it",
    )  # fmt: skip


def run(args: argparse.Namespace, open_database: OpenDatabase) -> int:
    from crmdesk.services.scan_in.batch import read_files
    from crmdesk.services.scan_in.recording import Recorded, record_pages

    if args.check and (args.json or args.dry_run):
        print("crmdesk: --check asks about each doubtful page and records what is decided: "
              "leave out --json and --dry-run.", file=sys.stderr)  # fmt: skip
        return 2
    with open_database(getattr(args, "db", None)) as db:
        readings = list(read_files(db, args.files, keep_handwriting=not args.dry_run))
        if args.check:
            from crmdesk.cli_scan_check import check_pages

            readings = check_pages(db, readings, input)
        recorded = Recorded(None) if args.dry_run else record_pages(db, readings)
    if args.json:
        print(json.dumps([r.as_json() for r in readings], ensure_ascii=False, indent=1))
    else:
        for r in readings:
            print(_line(r, r in recorded.saved))
    for r, why in recorded.refused:
        print(f"crmdesk: {r.file} page {r.page} not recorded: {why}", file=sys.stderr)
    print(
        _summary(readings, recorded.saved, args.dry_run),
        file=sys.stderr if args.json else sys.stdout,
    )
    return 0


def _line(r: PageReading, saved: bool) -> str:
    where = f"{r.file} page {r.page}"
    if r.kind != "form":
        return f"{where}: {r.why}"
    score = "no score" if r.score is None else f"{r.score}/10"
    who = (r.form.client_name or "blank form") if r.form is not None else ""
    state = "recorded" if saved else ("to check: " + r.why if r.needs_check else r.why or "read")
    return f"{where}: {r.code or '(no code)'} {score} {who} — {state}".replace("  ", " ")


def _summary(readings: list[PageReading], saved: list[PageReading], dry_run: bool) -> str:
    check = sum(1 for r in readings if r.needs_check)
    blank = sum(1 for r in readings if r.kind == "blank")
    other = sum(1 for r in readings if r.kind == "other")
    recorded = f"{count(len(saved), 'form')} recorded"
    parts = ["nothing recorded (--dry-run)" if dry_run else recorded, f"{check} to check"]
    parts += [count(blank, "blank page")] if blank else []
    parts += [f"{count(other, 'page')} not a crmdesk form"] if other else []
    return f"Read {count(len(readings), 'page')}: " + ", ".join(parts) + "."
