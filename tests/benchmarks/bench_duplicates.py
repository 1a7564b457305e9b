"""B15: the duplicate scan on the 100,000-client database, run as the window runs it (on a
worker thread, reporting progress), against a raw SQL self-join of the clients on email and
on phone (every pair sharing an address or a number, read out), in the same run.

The scan does more than the join: it also compares names within each postcode and town
(rapidfuzz), scores and names each pair, and leaves out keys shared by more than
MAX_SHARED clients (the join pairs all of them).
"""

from __future__ import annotations

import sqlite3
import tempfile
import threading
from pathlib import Path
from typing import Any

from crmdesk import paths
from crmdesk.services import duplicates
from crmdesk.store.database import Database
from tests.benchmarks.harness import Row, interleaved, median, ratio_row

SELF_JOIN = """
WITH e AS MATERIALIZED (SELECT c.id, lower(trim(j.value ->> 'address')) AS k
                        FROM clients AS c, json_each(c.emails) AS j WHERE c.deleted_at IS NULL),
     p AS MATERIALIZED (SELECT c.id, j.value ->> 'number' AS k
                        FROM clients AS c, json_each(c.phones) AS j WHERE c.deleted_at IS NULL)
SELECT a.id, b.id FROM e AS a JOIN e AS b ON b.k = a.k AND a.id < b.id
UNION ALL
SELECT a.id, b.id FROM p AS a JOIN p AS b ON b.k = a.k AND a.id < b.id
"""


def _in_background(db: Database) -> tuple[duplicates.ScanResult, list[int]]:
    """The scan on a worker thread with a progress callback, as the runner's read lane."""
    found: list[Any] = []
    steps: list[int] = []

    def progress(done: int, _total: int) -> bool:
        steps.append(done)
        return True

    worker = threading.Thread(target=lambda: found.append(duplicates.scan(db, progress)))
    worker.start()
    worker.join()
    assert found, "the scan failed"
    return found[0], steps


def b15(big: Path, repeat: int) -> list[Row]:
    with tempfile.TemporaryDirectory(dir=big.parent) as tmp:
        paths.override(Path(tmp) / "home")
        try:
            with Database.open(big) as db:
                raw = sqlite3.connect(f"file:{big}?mode=ro", uri=True)
                try:
                    pairs: list[int] = []
                    result: list[duplicates.ScanResult] = []

                    def ours() -> None:
                        scanned, steps = _in_background(db)
                        assert steps[-1] == duplicates.STEPS
                        result[:] = [scanned]

                    def base() -> None:
                        pairs[:] = [len(raw.execute(SELF_JOIN).fetchall())]

                    a, b = interleaved(ours, base, repeat)
                finally:
                    raw.close()
        finally:
            paths.override(None)
    found = result[0]
    note = (
        f"{len(found.pairs):,} pairs found (names too; {found.shared_emails:,} shared addresses"
        f" left out); the self-join: {pairs[0]:,} pairs"
    )
    what = "duplicate scan, 100,000 clients (background)"
    return [ratio_row("B15", what, median(a), median(b), 5, note=note)]
