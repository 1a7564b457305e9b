"""Run in a child process by test_crash.py, then killed with SIGKILL at a random moment.

python -m tests.integration.crash_worker writes DB DATA_DIR
    adds clients and notes forever; prints each client's name once its write committed
python -m tests.integration.crash_worker merge DB OTHER DATA_DIR
    prints "start", merges OTHER into DB, then prints "merged"
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from crmdesk import paths
from crmdesk.services import notes, sync
from crmdesk.store.database import Database
from tests.sync_helpers import SITES, add_client, edit_client


def writes(db_path: Path) -> None:
    rng = random.Random()
    with Database.open(db_path, site=SITES["A"]) as db:
        ids: list[str] = []
        for n in range(1_000_000):
            name = f"Crash{n}"
            ids.append(add_client(db, given_name=name, city=rng.choice(["York", "Ely"])))
            if n % 3 == 0:
                notes.add_note(db, rng.choice(ids), f"note {n}")
            if n % 5 == 0:
                edit_client(db, rng.choice(ids), street=f"{n} Mill Lane")
            print(name, flush=True)


def merge(db_path: Path, other: Path) -> None:
    with Database.open(db_path, site=SITES["A"]) as db:
        print("start", flush=True)
        sync.merge(db, other)
        print("merged", flush=True)


if __name__ == "__main__":
    paths.override(Path(sys.argv[-1]))
    if sys.argv[1] == "writes":
        writes(Path(sys.argv[2]))
    else:
        merge(Path(sys.argv[2]), Path(sys.argv[3]))
