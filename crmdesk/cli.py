"""`crmdesk`: open the app, or run a job from the command line.

crmdesk                      open the shop's database (the first time: the welcome page,
                             to start the shop, try the demo or open a copy)
crmdesk --db PATH            open another database file (made if missing)
crmdesk --demo               open the demo database (made on first use)
crmdesk --resume             open the last database used (the welcome page the first time)
crmdesk demo --out FILE      write a demo database
crmdesk check [FILE]         integrity and reference check of a database file
crmdesk copy FOLDER [--passphrase-file FILE | --no-passphrase]
                             a checked, encrypted copy to take to another machine
crmdesk merge OTHER [--passphrase-file FILE]
                             merge another copy of this database (edited elsewhere) into it
crmdesk unpack COPY [--out FILE] [--passphrase-file FILE]
                             start this machine from an encrypted copy: decrypt it into a
                             database of its own here
crmdesk backup [--list]      write a verified backup now; list the backups kept
crmdesk restore N|FILE       put a backup in place (after backing up the database as it is)
crmdesk letters --template NAME (--client ID... | --tag T | --search Q | --birthdays MONTH)
        -o out.pdf [--labels labels.pdf] [--include-without-address] [--db PATH]
                             letters for those clients in one PDF, logged in their history
crmdesk survey-forms (--blank N | --client ID... | --tag T) [--paper a4|letter] -o forms.pdf
crmdesk scan-in FILES... [--dry-run] [--json] [--check]
                             read filled survey forms back from scans and record them
crmdesk nps [--by month|quarter|year] [--tag T | --stage S] [--json]
crmdesk report [--period 2026-Q3] -o report.pdf
                             the period report (revenue, Pareto, retention, funnel, NPS)
crmdesk today [--json]       what to do today: follow-ups, call-backs, complaints, birthdays…
crmdesk person-export ID -o DIR
                             everything the file holds about one client, as a PDF and JSON
crmdesk export --format csv|vcard|ics [--tag T | --search Q | --client ID...]
        [--vcard-version 3.0|4.0] [--columns A,B] -o FILE [--db PATH]
                             clients to a spreadsheet, contacts or calendar file
crmdesk import FILE... [--region CC] [--on-match update|skip|new] [--dry-run] [--json]
                             import clients from vCard, CSV or birthday-calendar files
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmdesk import __version__, cli_sync, paths
from crmdesk.errors import CrmError
from crmdesk.wording import count

if TYPE_CHECKING:
    from crmdesk.store.database import Database

COMMANDS = (
    "demo",
    "check",
    "letters",
    "survey-forms",
    "scan-in",
    "nps",
    "report",
    "today",
    "person-export",
    "import",
    "copy",
    "merge",
    "backup",
    "restore",
    "unpack",
    "export",
    "duplicates",  # (cli_duplicates.COMMANDS: a test keeps the two the same)
    "not-the-same",
    "merge-clients",
)
SYNC_COMMANDS = ("check", "copy", "merge", "backup", "restore", "unpack")


def _parser(commands_too: bool = True) -> argparse.ArgumentParser:
    """The command line. Opening the window (no command) skips describing the commands:
    a few milliseconds of start-up (benchmark B1)."""
    parser = argparse.ArgumentParser(
        prog="crmdesk",
        description=(
            "crmdesk: client profiles, personal notes and the full history of every contact, "
            "for a small shop. Without a command, opens the window."
        ),
        epilog=(
            "crmdesk FILE (what the desktop runs when a .crmdesk file is opened) opens the "
            "last database used and offers to merge FILE into it or to open FILE on its own. "
            "Files: the default database is clients.crmdesk in the per-user data folder "
            "(override with --data-dir or CRMDESK_DATA_DIR); verified backups are kept there "
            "(on open, hourly while changed, before every merge, upgrade and restore). "
            "Keyboard in the window: Ctrl+N new client, "
            "Ctrl+F find, Ctrl+L log contact, Ctrl+R thing to remember, Ctrl+Shift+N note, "
            "Ctrl+Z undo, Del delete (to the Trash), F1 the user guide."
        ),
    )
    parser.add_argument("--version", action="version", version=f"crmdesk {__version__}")
    parser.add_argument("--data-dir", type=Path, help="keep data, backups and settings here")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--db", type=Path, metavar="PATH", help="open this database file")
    where.add_argument("--demo", action="store_true", help="open the demo database")
    where.add_argument(
        "--resume",
        action="store_true",
        help="open the last database used (the welcome page at first)",
    )
    if not commands_too:
        parser.add_argument("file", nargs="?", type=Path, help=argparse.SUPPRESS)
        parser.set_defaults(command=None)
        return parser
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    make = commands.add_parser("demo", help="write a demo database with realistic clients")
    make.add_argument("--out", type=Path, required=True, help="the new file (must not exist)")
    make.add_argument("--clients", type=int, default=60, help="how many clients (default 60)")
    make.add_argument("--seed", type=int, default=7, help="same seed, same clients (default 7)")
    # the commands' modules are loaded only when a command is given (opening the window
    # does not need them: start-up, benchmark B1)
    from crmdesk import cli_duplicates, cli_export, cli_import, cli_person, cli_scan_in

    cli_sync.add_parsers(commands)
    cli_duplicates.add_parsers(commands)
    _letters_parser(commands)
    _survey_parsers(commands)
    cli_person.add_parser(commands)
    cli_export.add_parser(commands, cli_sync.DB_OPTION)
    cli_scan_in.add_parser(commands)
    cli_import.add_parser(commands)
    return parser


def _survey_parsers(commands: Any) -> None:
    from crmdesk.services.nps import MIN_ANSWERS

    forms = commands.add_parser(
        "survey-forms",
        parents=[cli_sync.DB_OPTION],
        help="print satisfaction survey forms (each with its own code and QR code)",
        description=(
            "Print survey forms into one PDF, a page each: blank ones for the counter, or one "
            "per client with their name. Every form is recorded (its code, survey, client and "
            "date) so its answers can be entered by code; clients' history notes the form."
        ),
    )
    who = forms.add_mutually_exclusive_group(required=True)
    who.add_argument("--blank", type=int, metavar="N", help="N forms without a name")
    who.add_argument("--client", nargs="+", metavar="ID", help="a form for each of these clients")
    who.add_argument("--tag", metavar="T", help="a form for every client with this tag")
    forms.add_argument("--paper", choices=("a4", "letter"), help="default: the shop's paper")
    forms.add_argument("--survey", metavar="NAME", help="which survey (default: the built-in one)")
    forms.add_argument("-o", "--out", type=Path, required=True, help="the PDF to write")
    score = commands.add_parser(
        "nps",
        parents=[cli_sync.DB_OPTION],
        help="the Net Promoter Score, by month, quarter or year",
        description=(
            "NPS = % promoters (9-10) − % detractors (0-6) of the survey answers, per period. "
            f"Periods with fewer than {MIN_ANSWERS} answers are marked. Also the close-the-loop "
            "rate: detractors and promoters whose answer was followed by a contact."
        ),
    )
    score.add_argument("--by", choices=("month", "quarter", "year"), default="month")
    only = score.add_mutually_exclusive_group()
    only.add_argument("--tag", metavar="T", help="only clients with this tag")
    only.add_argument(
        "--stage",
        choices=("first-time", "repeat", "regular", "advocate"),
        help="only clients at this loyalty stage today",
    )
    score.add_argument("--json", action="store_true", help="print JSON instead of a table")
    _retention_parsers(commands)


def _retention_parsers(commands: Any) -> None:
    report = commands.add_parser(
        "report",
        parents=[cli_sync.DB_OPTION],
        help="the period report as a PDF: revenue, top 20%%, retention, stages, NPS",
        description=(
            "Write the report for a period: revenue and the top 20% of clients' share of it "
            "(Pareto), retention rate (clients of the previous period who came back), "
            "repeat-purchase rate, the loyalty-stage funnel and movement, complaints and the "
            "NPS trend, with charts. The figures are also printed."
        ),
    )
    report.add_argument(
        "--period",
        metavar="P",
        help="2026-Q3, 2026-07, 2026-H2 or 2026 (default: the quarter so far)",
    )
    report.add_argument("-o", "--out", type=Path, required=True, help="the PDF to write")
    today = commands.add_parser(
        "today",
        parents=[cli_sync.DB_OPTION],
        help="what to do today: follow-ups, call-backs, complaints, birthdays, at risk",
        description="The Today list the window opens on, printed: each row names the client, "
        "what to do and how urgent it is (! marks overdue or waiting over 48 hours).",
    )
    today.add_argument("--json", action="store_true", help="print JSON instead of a list")


def _letters_parser(commands: Any) -> None:
    letters = commands.add_parser(
        "letters",
        parents=[cli_sync.DB_OPTION],
        help="print a letter from a template for one client or many, into one PDF",
        description=(
            "Fill in a letter template for each chosen client and write all the letters into "
            "one PDF (one letter per client, on the shop's letterhead); each letter is then "
            "written into its client's history. Clients without a postal address are listed "
            "and left out unless --include-without-address is given. A long batch shows its "
            "progress on stderr; a template over the limits of a letter (README, Letters) "
            "stops at the first letter, with exit code 2."
        ),
    )
    letters.add_argument(
        "--template",
        required=True,
        metavar="NAME",
        help='the template\'s name, e.g. "Birthday" (a wrong name lists them all)',
    )
    who = letters.add_mutually_exclusive_group(required=True)
    who.add_argument("--client", nargs="+", metavar="ID", help="these clients (their ids)")
    who.add_argument("--tag", metavar="T", help="every client with this tag")
    who.add_argument("--search", metavar="Q", help="every client the search finds")
    who.add_argument(
        "--birthdays",
        type=int,
        metavar="MONTH",
        help="every client with a birthday in this month (1-12)",
    )
    letters.add_argument("-o", "--out", type=Path, required=True, help="the PDF to write")
    letters.add_argument(
        "--labels",
        type=Path,
        metavar="PDF",
        help="also write address labels (Avery L7160 on A4, 5160 on Letter)",
    )
    letters.add_argument(
        "--start-at",
        type=int,
        default=1,
        metavar="N",
        help="start the labels at label N of the sheet, for a sheet used before (labels are "
        "numbered along each row: 1-21 on L7160, 1-30 on 5160; default 1)",
    )
    letters.add_argument(
        "--include-without-address",
        action="store_true",
        help="also write letters to clients without a postal address",
    )


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    wanted = any(w in COMMANDS or w in ("-h", "--help") for w in words)
    args = _parser(commands_too=wanted).parse_args(words)
    if args.data_dir:
        paths.override(args.data_dir)
    try:
        if args.command == "demo":
            return _demo(args.out, args.clients, args.seed)
        if args.command in SYNC_COMMANDS:
            return cli_sync.run(args, _database_path)
        if args.command == "letters":
            return _letters(args)
        if args.command == "survey-forms":
            return _survey_forms(args)
        if args.command == "scan-in":
            from crmdesk import cli_scan_in

            return cli_scan_in.run(args, _open_database)
        if args.command == "nps":
            return _nps(args)
        if args.command == "report":
            return _report(args)
        if args.command == "today":
            return _today(args)
        if args.command == "person-export":
            from crmdesk import cli_person

            return cli_person.run(args, _open_database)
        if args.command == "export":
            from crmdesk import cli_export

            return cli_export.run(args, _open_database)
        if args.command in ("duplicates", "not-the-same", "merge-clients"):
            from crmdesk import cli_duplicates

            return cli_duplicates.run(args, _open_database)
        if args.command == "import":
            from crmdesk import cli_import

            return cli_import.run(args, _open_database)
    except CrmError as exc:
        print(f"crmdesk: {_explain(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `crmdesk backup --list | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return _gui(args)


def _explain(error: CrmError) -> str:
    """The error's message, then what to do about it from the command line."""
    import shlex

    from crmdesk import errors

    advice: dict[type[CrmError], str] = {
        errors.DiskFullError: "Free some space on that disk, then run the command again.",
        errors.ReadOnlyError: "Copy the file somewhere you can change it and use that copy, "
        "or make it writable.",
        errors.UnfinishedWriteError: "Make it writable again and run the command once more "
        "(the unfinished write is then undone). To copy it elsewhere, copy the file and its "
        "-journal file together: the file alone would be damaged.",
        errors.DiskIOError: "Check the disk is still connected and run the command again; if "
        "it happens again, restore a backup onto another disk (crmdesk restore).",
        errors.FileTooLargeError: "Move the database to a disk that takes larger files "
        "(FAT32 takes none over 4 GB), or lift the limit on file sizes (ulimit -f).",
        errors.FileBusyError: "Close the other program using it, then run the command again.",
        errors.MissingFolderError: "Make the folder first (mkdir -p), or name one that exists.",
        errors.DamagedFileError: "Restore a backup made before the damage: `crmdesk backup "
        "--list`, then `crmdesk restore N`.",
        errors.EncryptedCopyError: "Merge it on a machine with this business's database "
        "(`crmdesk merge {file}`), or start this machine from it (`crmdesk unpack {file}`).",
        errors.NotEncryptedError: "Open it as it is (`crmdesk --db {file}`), or merge it "
        "(`crmdesk merge {file}`).",
        errors.TargetExistsError: "Name another file with --out FILE; if {file} is this "
        "business's database, merge the copy into it instead (`crmdesk merge COPY`).",
        errors.PassphraseNeededError: "Give it with --passphrase-file FILE or the "
        "CRMDESK_PASSPHRASE variable, or run the command in a terminal to type it.",
        errors.WrongPassphraseError: "Give the passphrase chosen when the copy was written "
        "(--passphrase-file FILE, CRMDESK_PASSPHRASE, or typed in a terminal).",
        errors.ChangedCopyError: "Do not use this copy: write a new one on the machine it "
        "came from (`crmdesk copy`) and use that.",
        errors.OtherBusinessError: "Name a copy or a backup of this business's own database "
        "(`crmdesk backup --list` lists the backups).",
        errors.ForeignDatabaseError: "Name a .crmdesk file made by crmdesk.",
        errors.MissingDatabaseError: "Check the name (`--db PATH`); to make a new database, "
        "open it in the window with `crmdesk --db PATH`.",
        errors.NotADatabaseError: "Name a .crmdesk file made by crmdesk.",
    }
    what_to_do = errors.advice_for(error, advice)
    if not what_to_do:
        return str(error)
    path = getattr(error, "path", None)
    file = shlex.quote(str(path)) if path is not None else "FILE"
    return f"{error}\n{what_to_do.replace('{file}', file)}"


def _demo(out: Path, clients: int, seed: int) -> int:
    from crmdesk.services import demo

    demo.create_demo(out, clients=clients, seed=seed)
    print(f"Wrote {out} with {count(clients, 'client')} (seed {seed}).")
    return 0


def _database_path(given: Path | None) -> Path:
    """--db, else the database used last, else the default one."""
    from crmdesk.services import recent

    if given is not None:
        return given
    last = next((p for p in recent.recent_files() if p.exists()), None)
    return last or paths.default_database()


@contextmanager
def _open_database(given: Path | None) -> Iterator[Database]:
    """The database of --db (or the last one), its clients in the shop's alphabet."""
    from crmdesk.services import settings
    from crmdesk.store.database import Database

    with Database.open(_database_path(given)) as db:
        settings.keep_sort_order(db)
        yield db


def _survey_forms(args: argparse.Namespace) -> int:
    from crmdesk.services import clients, letters, surveys

    with _open_database(args.db) as db:
        survey = surveys.find_survey(db, args.survey) if args.survey else surveys.builtin_survey(db)
        ids = clients.known_clients(db, args.client) if args.client else []
        if args.tag:
            ids = letters.clients_tagged(db, args.tag)
        paper = {"a4": "A4", "letter": "Letter"}.get(args.paper or "")
        run = surveys.print_forms(db, survey, args.out, client_ids=ids, blank=args.blank or 0,
                                  paper=paper)  # fmt: skip
    for name, why in run.held_back:
        print(f"crmdesk: no form for {name}: {why}", file=sys.stderr)
    named = sum(1 for f in run.forms if f.client_id)
    print(f"Wrote {count(len(run.forms), 'form')} of “{survey.name}” to {run.path}"
          + (f"; {named} in clients' history." if named else "."))  # fmt: skip
    return 0


def _nps(args: argparse.Namespace) -> int:
    import json

    from crmdesk.services import letters, nps, surveys

    with _open_database(args.db) as db:
        if args.tag:
            letters.clients_tagged(db, args.tag)  # a mistyped tag is named, not scored 0
        periods = nps.by_period(db, args.by, args.tag, args.stage)
        total = nps.overall(db, args.tag, args.stage)
        closed, to_close = surveys.close_the_loop_rate(db)
    if args.json:
        rows = [{"period": p.period, "answers": p.answers, "promoters": p.promoters,
                 "passives": p.passives, "detractors": p.detractors, "nps": p.nps,
                 "few_answers": p.few} for p in [*periods, total]]  # fmt: skip
        print(json.dumps({"by": args.by, "periods": rows[:-1], "overall": rows[-1],
                          "followed_up": closed, "to_follow_up": to_close}, indent=1))  # fmt: skip
        return 0
    print(f"{'period':<9} {'answers':>7} {'prom.':>6} {'pass.':>6} {'detr.':>6} {'NPS':>5}")
    for p in [*periods, total]:
        score = nps.shown(p.nps)
        warn = f"  (fewer than {nps.MIN_ANSWERS} answers)" if p.few and p.answers else ""
        print(f"{p.period:<9} {p.answers:>7} {p.promoters:>6} {p.passives:>6} {p.detractors:>6}"
              f" {score:>5}{warn}")  # fmt: skip
    if to_close:
        whom = count(to_close, "detractor or promoter", "detractors and promoters")
        print(f"Closed the loop with {closed} of {whom} "
              f"({100 * closed // to_close}%).")  # fmt: skip
    return 0


def _report(args: argparse.Namespace) -> int:
    from datetime import date

    from crmdesk.documents.output import write_atomically
    from crmdesk.documents.report import write_report
    from crmdesk.services import nps, reports, shop
    from crmdesk.services.reports import percent

    period = reports.parse_period(args.period) if args.period else None
    with _open_database(args.db) as db:
        period = period or reports.current_quarter(date.today())
        figures = reports.report(db, period)
        profile = shop.get_shop(db)
    pages = write_atomically(
        args.out, lambda part: write_report(part, figures, profile.name, profile.paper)
    )
    top, kept = figures.pareto, figures.retention[-1]
    name = reports.period_name(period.label, so_far="")
    print(f"Report {name} ({period.describe()}): {count(pages, 'page')} in {args.out}")
    print(f"  revenue {figures.money(figures.revenue_cents)} from {count(top.clients, 'client')}, "
          f"{count(figures.purchases, 'purchase')}")  # fmt: skip
    print(f"  top 20% ({top.top_clients}) brought {percent(top.top_share)} of it")
    print(f"  retention {percent(kept.rate)} ({kept.count} of {kept.of}), "
          f"repeat-purchase rate {percent(figures.repeat.rate)}")  # fmt: skip
    print(f"  NPS {nps.shown(figures.nps_period.nps)} "
          f"({count(figures.nps_period.answers, 'answer')}), "
          f"{count(figures.complaints_opened, 'complaint')} opened")  # fmt: skip
    return 0


def _today(args: argparse.Namespace) -> int:
    import json

    from crmdesk.services import today

    with _open_database(args.db) as db:
        sections = today.today(db)
    if args.json:
        print(json.dumps([{"section": s.title, "total": s.total,
                           "rows": [vars(r) for r in s.rows]} for s in sections], indent=1,
                         ensure_ascii=False))  # fmt: skip
        return 0
    for s in sections:
        if not s.total:
            continue
        print(f"{s.title} ({s.total})")
        for r in s.rows:
            print(f"  {'!' if r.urgent else ' '} {r.name:<28} {r.when:<18} {r.text}")
        if s.more:
            print(f"    … and {s.more} more")
    if not any(s.total for s in sections):
        print("Nothing to do today.")
    return 0


def _letters(args: argparse.Namespace) -> int:
    from crmdesk.services import clients, letters

    with _open_database(args.db) as db:
        template = letters.find_template(db, args.template)
        if args.client:
            ids = clients.known_clients(db, args.client)
        elif args.tag:
            ids = letters.clients_tagged(db, args.tag)
        elif args.search:
            ids = letters.clients_found(db, args.search)
        else:
            ids = letters.clients_with_birthday_in(db, args.birthdays)
        batch = letters.prepare(db, template, ids)
        for name, problem in batch.problems:
            print(f"crmdesk: no letter for {name}: {problem}", file=sys.stderr)
        if batch.without_address and not args.include_without_address:
            names = ", ".join(name for _, name in batch.without_address)
            print(
                f"Left out (no postal address): {names}. "
                "Use --include-without-address to write to them too.",
                file=sys.stderr,
            )
        run = letters.produce(
            db,
            batch,
            args.out,
            labels=args.labels,
            labels_start_at=args.start_at,
            include_without_address=args.include_without_address,
            progress=_Progress("letter"),
        )
    wrote = f"Wrote {count(run.letters, 'letter')} ({count(run.pages, 'page')}) to {run.path}"
    if run.labels_path:
        wrote += f" and labels to {run.labels_path}"
    if batch.problems:
        wrote += f" ({count(len(batch.problems), 'client')} left out, named above)"
    print(wrote + "; each is in its client's history.")
    return 0


class _Progress:
    """`progress(n, total)` for a long batch: "Writing letter 40 of 400…" on stderr once it
    has taken a second, then at most once a second (a short batch prints nothing)."""

    def __init__(self, what: str, every: float = 1.0) -> None:
        self.what, self.every = what, every
        self.next = time.monotonic() + every

    def __call__(self, n: int, total: int) -> bool:
        now = time.monotonic()
        if now >= self.next:
            print(f"crmdesk: writing {self.what} {n + 1} of {total}…", file=sys.stderr, flush=True)
            self.next = now + self.every
        return True


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _gui(args: argparse.Namespace) -> int:
    # Qt's bindings make ~100,000 objects while the window starts; the cycle collector would
    # walk them again and again (~10 ms), and once a file is open a full pass holds the
    # window 60–70 ms. It runs again once the window has settled (crmdesk.collector).
    from crmdesk import collector

    collector.pause_for_start()
    from crmdesk.gui import app
    from crmdesk.services import recent

    if args.file is not None:  # opened from the desktop: offered once the last one is open
        if args.db or args.demo:
            print("crmdesk: give a FILE or --db/--demo, not both", file=sys.stderr)
            return 2
        last = next((p for p in recent.recent_files() if p.exists()), None)
        if last is None:
            return app.run(args.file)
        return app.run(last, offer=args.file)
    if args.db:
        return app.run(args.db, create=True)
    if args.demo:
        return app.run(paths.demo_database(), make_demo=True)
    if args.resume:
        last = next((p for p in recent.recent_files() if p.exists()), None)
        if last is not None:
            return app.run(last)
    # the shop's database; on the first run (none yet) the welcome page, which starts it
    default = paths.default_database()
    return app.run(default if default.exists() else None)
