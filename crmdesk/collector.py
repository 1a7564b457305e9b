"""When Python's cycle collector runs: one switch for the whole process.

A full collection walks every object the process holds, and holds the interpreter while it
does. Two kinds of work pause it:

- **Start-up** (`pause_for_start`, the command line before Qt loads). A full pass once a file
  is open and its on-open work has loaded the ORM, ReportLab and Babel took 60–70 ms: a
  freeze of the window, whichever thread it fell on (benchmark B16). When the window is up,
  what start-up made is frozen (`keep_what_loaded`: never walked again); once the window has
  settled — the list and the page made, the file's on-open work done — what exists then is
  frozen too and the collector may run again (`settled`), over what is made later only.
  What was garbage at that moment stays (frozen with the rest): a few cycles, once.
- **An import** (`paused()`, around its preview and its write). It makes tens of thousands
  of small objects that hold no cycles (contacts, drafts, planned rows) and keeps many of
  them: the collector, which runs after every few hundred new objects, walked them all again
  and again as they piled up — 40% of a preview of 10,000 rows (benchmark B14). They are
  freed when no longer used either way.

The collector runs when neither holds it: the last one done switches it back on, and only if
it was on when the first began (a process that never paused it for start-up — the tests
make windows by the hundred — and a collector someone switched off are left as they are).

**In the window it runs on the GUI thread only** (`collect_only_when_asked`; the window calls
`collect_due` from a timer, after Anki's GarbageCollector). Left to itself the collector
runs in whichever thread allocates: on a worker it freed objects PySide had connected a
signal to, and PySide disconnected them there, inside Qt's lock, while asking for Python's —
the GUI thread, holding Python's lock and waiting for Qt's, froze for good. While an import
holds the collector, the timer still frees the youngest objects (what collect_young did on
the import's own thread)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SETTLE_AT_MOST_MS = 30_000  # the collector runs again by then, whatever is still loading

_lock = threading.Lock()
_starting = False  # paused for start-up, not settled yet
_pausing = 0  # imports under way (a preview on the read lane, an import on the write lane)
_was_enabled = False  # the collector was on when the first pause began
_when_asked = False  # collections only by collect_due() (the window's thread)


def _hold() -> None:
    global _was_enabled
    if not _starting and _pausing == 0:
        _was_enabled = gc.isenabled()
        gc.disable()


def _release() -> None:
    if not _starting and _pausing == 0 and _was_enabled and not _when_asked:
        gc.enable()


def collect_only_when_asked() -> None:
    """From now on the collector runs only when collect_due() is called (by the window,
    on its own thread); nothing switches it on again."""
    global _when_asked
    with _lock:
        _when_asked = True
        gc.disable()


def collect_due() -> int:
    """Collect the oldest generation that is due, as the collector would have on its own
    (its counts go on while it is off): nothing during start-up, only the youngest while an
    import holds it. The objects freed."""
    with _lock:
        if _starting:
            return 0
        young_only = _pausing > 0
    counts, limits = gc.get_count(), gc.get_threshold()
    due = [g for g in (2, 1, 0) if counts[g] > limits[g] and (g == 0 or not young_only)]
    return gc.collect(due[0]) if due else 0


def pause_for_start() -> None:
    global _starting
    with _lock:
        _hold()
        _starting = True


def keep_what_loaded() -> None:
    with _lock:
        if _starting:
            gc.freeze()


def settled() -> None:
    global _starting
    with _lock:
        if not _starting:
            return
        gc.freeze()
        _starting = False
        _release()


@contextmanager
def paused() -> Iterator[None]:
    global _pausing
    with _lock:
        _hold()
        _pausing += 1
    try:
        yield
    finally:
        with _lock:
            _pausing -= 1
            _release()


def collect_young() -> None:
    """Free the cycles among what was made since the last collection (the youngest
    generation: while paused, everything made since), without walking the rest. An
    import's write calls it after each chunk that updated clients: each updated client's
    ORM state holds cycles (its attribute states point back at it), which a paused collector
    would keep until the import ends — over 2 KB a client. In the window the timer on the
    GUI thread does this (collect_due), never a worker."""
    if not _when_asked:
        gc.collect(0)
