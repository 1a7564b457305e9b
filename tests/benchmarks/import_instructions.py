"""B14's preview + write, and its baseline, counted in instructions (valgrind's callgrind),
which the machine's load does not change — B14's times do, a lot, on a shared machine:

    valgrind --tool=callgrind --instr-atstart=no \
        python -m tests.benchmarks.import_instructions 3000

The import is counted from the first callgrind dump, the baseline from the file written at
exit (`callgrind_annotate callgrind.out.PID.1` for where it goes); a small import and a
small baseline run first, not counted, so modules loaded lazily are loaded.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from crmdesk.services import settings
from crmdesk.store import search_index
from crmdesk.store.database import Database
from tests.benchmarks import bench_import, data


def _callgrind(*command: str) -> None:
    subprocess.run(["callgrind_control", *command, str(os.getpid())], check=True,
                   capture_output=True)  # fmt: skip


def main(rows: int) -> None:
    small = data.database(1000)
    folder = Path(tempfile.mkdtemp(prefix="crmdesk-b14-instructions-"))
    try:
        people = bench_import._rows()[:rows]
        file, warm = folder / "clients.csv", folder / "warm.csv"
        bench_import._write_csv(file, people)
        bench_import._write_csv(warm, people[:300])
        for csv_file, counted in ((warm, False), (file, True)):
            with Database.open(Path(shutil.copy(small, folder / "b14.crmdesk"))) as db:
                settings.set_phone_region(db, "GB")
                db.warm_up()
                if counted:
                    _callgrind("-i", "on")
                bench_import._ours(db, csv_file)
                if counted:
                    _callgrind("-i", "off")
                    _callgrind("-d", "import")
        for part, counted in ((people[:300], False), (people, True)):
            conn = sqlite3.connect(shutil.copy(small, folder / "raw.crmdesk"))
            search_index.register(conn)
            if counted:
                _callgrind("-i", "on")
            bench_import._raw_insert(conn, part)
            if counted:
                _callgrind("-i", "off")
            conn.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
