"""One writer per file: another process is refused and told who has it; stale locks are taken."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from crmdesk.errors import DatabaseLockedError
from crmdesk.store.database import Database
from crmdesk.store.lock import lock_path

HOLDER = """
import sys
from crmdesk import paths
from pathlib import Path
paths.override(Path(sys.argv[2]))
from crmdesk.store.database import Database
db = Database.open(sys.argv[1])
print("open", flush=True)
sys.stdin.readline()
db.close()
"""


def test_second_process_is_refused_and_told_who_has_it(db_path: Path, data_dir: Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path), str(data_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdout is not None and holder.stdin is not None
        try:
            assert holder.stdout.readline().strip() == "open"
            with pytest.raises(DatabaseLockedError) as err:
                Database.open(db_path)
            assert err.value.pid == holder.pid
            assert socket.gethostname() in str(err.value)
            assert str(holder.pid) in str(err.value)
        finally:
            holder.stdin.write("\n")
            holder.stdin.flush()
            holder.wait(timeout=30)
    with Database.open(db_path):  # free again once the other process closed it
        pass


def test_stale_lock_of_a_killed_process_is_taken_over(db_path: Path) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    lock_path(db_path).write_text(
        json.dumps({"host": socket.gethostname(), "pid": gone.pid, "since": "2026-01-01T09:00:00"})
    )
    with Database.open(db_path):
        owner = json.loads(lock_path(db_path).read_text())
        assert owner["pid"] == os.getpid()
    assert not lock_path(db_path).exists()


def test_lock_from_another_host_is_respected(db_path: Path) -> None:
    lock_path(db_path).write_text(
        json.dumps({"host": "front-desk-pc", "pid": 4242, "since": "2026-11-20T09:00:00"})
    )
    with pytest.raises(DatabaseLockedError, match="front-desk-pc"):
        Database.open(db_path)
    assert lock_path(db_path).exists()  # not ours to remove


# Waits until a common start time, tries to take the lock, holds it a while if it got it.
RACER = """
import os, sys, time
from pathlib import Path
from crmdesk.errors import DatabaseLockedError
from crmdesk.store.lock import FileLock
if sys.argv[3] == "no hard links":  # as on a FAT stick, where link() fails with EPERM
    def refuse(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")
    os.link = refuse
start = float(sys.argv[2])
time.sleep(max(0.0, start - time.time()))
try:
    lock = FileLock.acquire(Path(sys.argv[1]))
except DatabaseLockedError:
    print("refused", flush=True)
else:
    print("held", flush=True)
    time.sleep(1.0)
    lock.release()
"""
RACES = int(os.environ.get("CRMDESK_SOAK_ROUNDS", "2"))


def _race(db_path: Path, file_system: str, racers: int = 12) -> list[str]:
    import time

    start = str(time.time() + 1.2)  # after every racer has started Python
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(db_path), start, file_system],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(racers)
    ]
    outcomes = []
    for proc in procs:
        out, _ = proc.communicate(timeout=60)
        outcomes.append(out.strip())
    return outcomes


@pytest.mark.parametrize("file_system", ["hard links", "no hard links"])
@pytest.mark.parametrize("left_behind", ["nothing", "stale lock", "empty lock file"])
def test_of_many_simultaneous_starts_exactly_one_holds_the_lock(
    db_path: Path, left_behind: str, file_system: str
) -> None:
    for _ in range(RACES):
        if left_behind == "stale lock":
            gone = subprocess.Popen([sys.executable, "-c", "pass"])
            gone.wait()
            owner = {"host": socket.gethostname(), "pid": gone.pid, "since": "2026-01-01T09:00"}
            lock_path(db_path).write_text(json.dumps(owner))
        elif left_behind == "empty lock file":  # a crash between creating and writing it
            lock_path(db_path).write_text("")
        outcomes = _race(db_path, file_system)
        assert outcomes.count("held") == 1, outcomes
        assert outcomes.count("refused") == len(outcomes) - 1, outcomes
        assert not lock_path(db_path).exists()  # the holder released it
        assert [p.name for p in db_path.parent.iterdir() if ".lock." in p.name] == []
