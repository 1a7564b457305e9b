"""A write cut off by kill -9 (or a power cut) leaves a hot journal: opening and checking
the file roll it back the way SQLite does, and it is whole, never reported as damaged."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from crmdesk.store.database import Database
from crmdesk.store.gate import inspect_file, journal_path
from tests.integration.test_cli import crmdesk
from tests.integration.test_crash import kill_writer
from tests.sync_helpers import add_client

ROUNDS = int(os.environ.get("CRMDESK_SOAK_ROUNDS", "2"))

# Spills a big uncommitted change into the file itself (cache of one page), then waits to
# be killed: the file holds half a transaction and the journal the pages to put back.
HALF_WRITTEN = """
import sqlite3, sys, time
from crmdesk.store import search_index
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
search_index.register(conn)  # the search index's triggers fold what is written
conn.execute("PRAGMA journal_mode = DELETE")
conn.execute("PRAGMA cache_size = 1")
conn.execute("BEGIN")
conn.execute("UPDATE clients SET city = 'UNCOMMITTED'")
conn.execute("INSERT INTO meta(key, value) SELECT 'junk' || rowid, hex(randomblob(3000)) "
             "FROM clients")
print("ready", flush=True)
time.sleep(600)
"""


def _kill_half_way(path: Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", HALF_WRITTEN, str(path)], stdout=subprocess.PIPE, text=True
    ) as child:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)


def _cities(path: Path) -> list[str]:
    with Database.open(path) as db:
        return sorted(r[0] or "" for r in db.query("SELECT city FROM clients"))


def test_a_write_killed_half_way_is_rolled_back_on_open(demo_path: Path) -> None:
    before = _cities(demo_path)
    _kill_half_way(demo_path)
    assert journal_path(demo_path).stat().st_size > 0  # a hot journal, as after a crash
    assert inspect_file(demo_path).revision  # no longer "attempt to write a readonly database"
    assert _cities(demo_path) == before  # the half-written change is gone, everything else is there
    assert not journal_path(demo_path).exists()


def test_check_after_a_crash_says_the_file_is_fine(demo_path: Path, data_dir: Path) -> None:
    _kill_half_way(demo_path)
    checked = crmdesk("check", str(demo_path), data_dir=data_dir)
    assert checked.returncode == 0, checked.stderr
    assert "integrity and references check out" in checked.stdout
    assert "damaged" not in checked.stdout + checked.stderr


def test_kill_during_writes_then_open_and_check_first(db_path: Path, data_dir: Path) -> None:
    """kill -9 at random moments of a stream of writes; the very first thing to touch the
    file afterwards is crmdesk (check, then open), never a plain read-write connection."""
    rng = random.Random(11)
    hot = 0
    for _ in range(ROUNDS):
        committed, _errors = kill_writer(db_path, data_dir, rng.uniform(0.6, 1.2))
        hot += journal_path(db_path).exists()
        checked = crmdesk("check", str(db_path), data_dir=data_dir)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        with Database.open(db_path) as db:
            names = {r[0] for r in db.query("SELECT given_name FROM clients")}
            add_client(db, given_name="After")  # and it takes writes again
        assert set(committed) <= names
    print(f"\n{hot} of {ROUNDS} kill rounds left a journal; every check passed")
    if ROUNDS >= 20:  # (make soak) some kills must have landed mid-commit, or this tested little
        assert hot > 0


def test_a_hot_journal_on_a_file_that_cannot_be_written_is_explained(demo_path: Path) -> None:
    """The rollback needs to write; where it cannot, the message says so (not "damaged")."""
    import shutil

    import pytest

    from crmdesk.errors import ReadOnlyError

    if os.geteuid() != 0 or shutil.which("chattr") is None:
        pytest.skip("needs root and chattr to make the file immutable")
    _kill_half_way(demo_path)
    if subprocess.run(["chattr", "+i", str(demo_path)], capture_output=True).returncode:
        pytest.skip("this file system cannot mark a file immutable")
    try:
        with pytest.raises(ReadOnlyError) as err:
            inspect_file(demo_path)
        assert "unfinished write" in str(err.value) and "damaged" not in str(err.value)
    finally:
        subprocess.run(["chattr", "-i", str(demo_path)], check=True)
    conn = sqlite3.connect(demo_path)  # writable again: SQLite itself rolls it back
    try:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def test_another_copy_cut_off_mid_write_is_merged_as_it_was_and_left_untouched(
    demo_path: Path, tmp_path: Path
) -> None:
    """The laptop's copy was being written when the laptop died: merging it takes what it
    held before that write, and neither the copy nor its journal is changed."""
    from crmdesk.services import clients, sync
    from tests.conftest import digest
    from tests.sync_helpers import copy_to, edit_client, machine

    laptop = copy_to(demo_path, tmp_path / "laptop.crmdesk")
    with machine(laptop, "B") as b:
        cid = b.query("SELECT id FROM clients LIMIT 1")[0][0]
        edit_client(b, cid, city="Hull")  # saved before the crash
    _kill_half_way(laptop)  # and a write to every city left half done
    theirs = (digest(laptop), digest(journal_path(laptop)))
    with machine(demo_path, "A") as a:
        summary = sync.merge(a, laptop)
        assert summary.counts["clients"].updated == 1
        assert clients.get_client(a, cid).city == "Hull"
        assert not a.query("SELECT id FROM clients WHERE city = 'UNCOMMITTED'")
    assert (digest(laptop), digest(journal_path(laptop))) == theirs
