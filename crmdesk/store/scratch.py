"""Private working folders in the data folder, for copies crmdesk must read or write in
the clear for a moment (the other copy being merged, a copy being encrypted).

Each is removed when the work ends; one left behind by a crmdesk that was killed (its
process no longer runs) is removed by the next one, so no plain copy of the clients —
erased people included — lingers on this disk.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crmdesk.store.lock import process_running

KINDS = ("merge", "copy")
_OLD = 3600.0  # seconds: a folder of an older crmdesk (no process id in its name)


@contextmanager
def working_folder(kind: str, root: Path) -> Iterator[Path]:
    """A new private folder under `root` for `kind` of work, removed afterwards."""
    sweep(root)
    with tempfile.TemporaryDirectory(prefix=f"{kind}-{os.getpid()}-", dir=root) as tmp:
        yield Path(tmp)


def sweep(root: Path) -> list[Path]:
    """Remove the working folders under `root` whose crmdesk no longer runs; return them."""
    gone = []
    for folder in root.glob("*-*"):
        kind, _, rest = folder.name.partition("-")
        if kind not in KINDS or not folder.is_dir():
            continue
        pid = rest.split("-", 1)[0]
        if pid.isdigit():
            if process_running(int(pid)):
                continue
        elif time.time() - folder.stat().st_mtime < _OLD:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        gone.append(folder)
    return gone
