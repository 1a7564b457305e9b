"""`crmdesk`: open the app, or run a job from the command line.

crmdesk                      open the default database (made on first run)
crmdesk --db PATH            open another database file (made if missing)
crmdesk --demo               open the demo database (made on first use)
crmdesk --resume             open the last database used (the demo the first time)
crmdesk demo --out FILE      write a demo database
crmdesk check FILE           say whether FILE can be opened, and what is in it
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from pathlib import Path

from crmdesk import __version__, paths
from crmdesk.errors import CrmError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crmdesk",
        description=(
            "crmdesk: client profiles, personal notes and the full history of every contact, "
            "for a small shop. Without a command, opens the window."
        ),
        epilog=(
            "Files: the default database is clients.crmdesk in the per-user data folder "
            "(override with --data-dir or CRMDESK_DATA_DIR); a backup is written there "
            "before an older file is upgraded. Keyboard in the window: Ctrl+N new client, "
            "Ctrl+F find, Ctrl+L log contact, Ctrl+R thing to remember, Ctrl+Shift+N note, "
            "Ctrl+Z undo, Del delete (to the Trash)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"crmdesk {__version__}")
    parser.add_argument("--data-dir", type=Path, help="keep data, backups and settings here")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--db", type=Path, metavar="PATH", help="open this database file")
    where.add_argument("--demo", action="store_true", help="open the demo database")
    where.add_argument(
        "--resume", action="store_true", help="open the last database used (the demo at first)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    make = commands.add_parser("demo", help="write a demo database with realistic clients")
    make.add_argument("--out", type=Path, required=True, help="the new file (must not exist)")
    make.add_argument("--clients", type=int, default=60, help="how many clients (default 60)")
    make.add_argument("--seed", type=int, default=7, help="same seed, same clients (default 7)")
    check = commands.add_parser("check", help="check that a database file can be opened")
    check.add_argument("file", type=Path)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.data_dir:
        paths.override(args.data_dir)
    try:
        if args.command == "demo":
            return _demo(args.out, args.clients, args.seed)
        if args.command == "check":
            return _check(args.file)
    except CrmError as exc:
        print(f"crmdesk: {exc}", file=sys.stderr)
        return 2
    return _gui(args)


def _demo(out: Path, clients: int, seed: int) -> int:
    from crmdesk.services import demo

    demo.create_demo(out, clients=clients, seed=seed)
    print(f"Wrote {out} with {clients} clients (seed {seed}).")
    return 0


def _check(file: Path) -> int:
    from crmdesk.services.client_list import count_clients
    from crmdesk.store.database import Database

    with Database.open(file) as db:
        report = db.report
        print(f"{file}: a crmdesk database, {count_clients(db)} clients.")
        if report.migrated_from is not None:
            print(f"Upgraded from schema {report.migrated_from}; backup at {report.backup}.")
    return 0


def _gui(args: argparse.Namespace) -> int:
    # Qt's bindings make ~100,000 objects while the window starts; the cycle collector would
    # walk them again and again (~10 ms). It is switched back on once the window is up.
    gc.disable()
    from crmdesk.gui import app
    from crmdesk.services import recent

    if args.db:
        return app.run(args.db, create=True)
    if args.demo:
        return app.run(paths.demo_database(), make_demo=True)
    if args.resume:
        last = next((p for p in recent.recent_files() if p.exists()), None)
        if last is not None:
            return app.run(last)
        return app.run(paths.demo_database(), make_demo=True)
    return app.run(paths.default_database(), create=True)
