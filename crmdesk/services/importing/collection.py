"""Python's cycle collector paused while an import reads or writes its rows.

An import makes tens of thousands of small objects that hold no cycles (contacts, drafts,
planned rows), and keeps many of them: the collector, which runs after every few hundred
new objects, walks them all again and again as they pile up — 40% of a preview of 10,000
rows (benchmark B14). They are freed when no longer used either way; what the collector
would find is left for its next run, after the import.

    with collection_paused():
        ...   # the collector is back as it was when the last one pausing it is done
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pausing = 0  # how many are under way (a preview on the read lane, an import on the write)
_was_enabled = False


@contextmanager
def collection_paused() -> Iterator[None]:
    global _pausing, _was_enabled
    with _lock:
        if _pausing == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pausing += 1
    try:
        yield
    finally:
        with _lock:
            _pausing -= 1
            if _pausing == 0 and _was_enabled:
                gc.enable()
