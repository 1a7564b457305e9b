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
