"""kill -9 in the middle of work: every committed change survives, the file stays whole.

A short run here; `make soak` runs many more rounds (CRMDESK_SOAK_ROUNDS).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from crmdesk.services import notes, sync
from crmdesk.store.database import Database
from tests.sync_helpers import add_client, content, copy_to, edit_client, machine

ROUNDS = int(os.environ.get("CRMDESK_SOAK_ROUNDS", "2"))
ROOT = Path(__file__).resolve().parents[2]


def _worker(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.crash_worker", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def kill_writer(db_path: Path, data_dir: Path, after: float) -> tuple[list[str], str]:
    """Start a stream of writes to `db_path`, kill -9 it after `after` seconds; return the
    names it reported committed and what it wrote to stderr."""
    child = _worker("writes", str(db_path), str(data_dir))
    assert child.stdout is not None
    committed: list[str] = []
    deadline = time.monotonic() + after
    while time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        committed.append(line.strip())
    child.send_signal(signal.SIGKILL)
    rest, errors = child.communicate(timeout=30)
    return committed + [w for w in rest.split("\n") if w.startswith("Crash")], errors


def test_kill_during_a_stream_of_writes_keeps_every_committed_change(
    db_path: Path, data_dir: Path
) -> None:
    rng = random.Random(7)
    for _ in range(ROUNDS):
        committed, errors = kill_writer(db_path, data_dir, rng.uniform(0.6, 1.2))
        assert "Traceback" not in errors, errors
        assert committed, "the writer committed nothing before it was killed"
        assert _integrity(db_path) == "ok"
        with Database.open(db_path) as db:  # the dead writer's lock is taken over
            names = {r[0] for r in db.query("SELECT given_name FROM clients")}
        assert set(committed) <= names


def test_kill_during_a_merge_leaves_the_file_as_before_or_fully_merged(
    demo_path: Path, tmp_path: Path, data_dir: Path
) -> None:
    with machine(demo_path, "A") as a:
        ids = [r[0] for r in a.query("SELECT id FROM clients LIMIT 40")]
    laptop = copy_to(demo_path, tmp_path / "laptop.crmdesk")
    with machine(laptop, "B") as b:
        for n, cid in enumerate(ids):
            edit_client(b, cid, city=f"Town{n}")
            notes.add_note(b, cid, f"From the laptop {n}")
        for n in range(200):
            add_client(b, given_name=f"New{n}")
    with machine(demo_path, "A") as a:
        edit_client(a, ids[0], city="Here")  # one conflict too
    before = content(demo_path)
    expected_path = copy_to(demo_path, tmp_path / "expected.crmdesk")
    with machine(expected_path, "A") as e:
        sync.merge(e, laptop)
    merged = content(expected_path)
    pristine = copy_to(demo_path, tmp_path / "pristine.crmdesk")
    rng = random.Random(11)
    outcomes = set()
    for _ in range(ROUNDS + 1):
        shutil.copyfile(pristine, demo_path)
        child = _worker("merge", str(demo_path), str(laptop), str(data_dir))
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "start"
        time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL)
        _out, errors = child.communicate(timeout=30)
        assert "Traceback" not in errors, errors
        assert _integrity(demo_path) == "ok"
        Database.open(demo_path).close()  # opens (rolls back a half-written merge)
        now = content(demo_path)
        assert now in (before, merged), "a half-done merge is visible"
        outcomes.add("merged" if now == merged else "before")
    print(f"kill -9 during merges: outcomes {sorted(outcomes)}")
