"""The databases the benchmarks run on, built once and cached in .bench-cache/.

A database is rebuilt when anything that shapes it changes (the generator, its sample texts,
the migrations): the cache key is a hash of those files.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from crmdesk import paths
from crmdesk.model import Client, HistoryEntry
from crmdesk.model.names import client_sort_name
from crmdesk.services import demo
from crmdesk.store.database import Database, is_current

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".bench-cache"
HEAVY_NAME = ("Henrietta", "Busybody")  # the client with 2,000 history entries (B5)
HEAVY_ENTRIES = 2000
SEED = 11


def _key() -> str:
    digest = hashlib.sha256()
    # what the data is made from; a newer schema is reached by opening the file (below), as
    # a shop's file is, rather than by building 100,000 clients again (ten minutes)
    sources = [
        ROOT / "crmdesk/services/demo.py",
        ROOT / "resources/demo/people.json",
        Path(__file__),
    ]
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


def database(clients: int) -> Path:
    """A benchmark database with `clients` clients (made if not cached)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"clients-{clients}-{_key()}.crmdesk"
    if path.exists():
        _upgrade(path)
        return path
    for old in CACHE.glob(f"clients-{clients}-*.crmdesk"):
        old.unlink()
    paths.override(CACHE / "home")
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    started = time.monotonic()

    def progress(done: int) -> None:
        rate = done / max(time.monotonic() - started, 1e-6)
        print(f"\r  building {path.name}: {done:,}/{clients:,} clients ({rate:,.0f}/s)",
              end="", file=sys.stderr, flush=True)  # fmt: skip

    # Every size has the same shape: about 10 history entries per client over five years.
    demo.create_demo(partial, clients=clients, seed=SEED, shape=demo.LARGE, progress=progress)
    with Database.open(partial) as db:
        _add_heavy_client(db)
    print(file=sys.stderr)
    partial.rename(path)
    paths.override(None)
    return path


def _upgrade(path: Path) -> None:
    """Bring a cached file to the current schema, the way the app opens an older file (its
    pre-upgrade backup is not kept: the cache can always be built again)."""
    if is_current(path):
        return
    paths.override(CACHE / "home")
    try:
        with Database.open(path):
            pass
        shutil.rmtree(paths.backups_dir(), ignore_errors=True)
    finally:
        paths.override(None)


def _add_heavy_client(db: Database) -> None:
    given, family = HEAVY_NAME
    sort_name = client_sort_name(given, family, "", db.sort_locale)
    with db.bulk() as bulk:
        [client_id] = bulk.insert(
            Client.__table__,
            [{"given_name": given, "family_name": family, "sort_name": sort_name,
              "city": "Leeds", "phones": [], "emails": [], "tags": []}],
        )  # fmt: skip
        start = datetime(2021, 1, 4, 9, 0)
        bulk.insert(
            HistoryEntry.__table__,
            [
                {"client_id": client_id, "kind": "call", "direction": "out",
                 "occurred_at": start + timedelta(hours=17 * i), "subject": f"Weekly check-in {i}",
                 "body": "Talked through the order book and the next delivery.",
                 "outcome": "Fine", "follow_up_on": None}
                for i in range(HEAVY_ENTRIES)
            ],
        )  # fmt: skip


if __name__ == "__main__":
    for size in sys.argv[1:] or ["1000", "100000"]:
        print(database(int(size)))
