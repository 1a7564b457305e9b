"""When Python's cycle collector may run. A full collection walks every object the process
holds, and holds the interpreter while it does: 60–70 ms once a file is open and its
on-open work has loaded the ORM, ReportLab and Babel — a freeze of the window, whichever
thread it falls on (benchmark B16). So the command line pauses the collector while the app
loads (`pause`); when the window is up, what start-up made is frozen (`keep_what_loaded`:
never walked again); and once the window has settled — the list and the page made, the
file's on-open work done — what exists then is frozen too and the collector runs again
(`settled`), over what is made from then on only. What was garbage at that moment stays
(frozen with the rest): a few cycles of the loading, once. A process that never paused the
collector (the tests make windows by the hundred) is left as it is."""

from __future__ import annotations

import gc

SETTLE_AT_MOST_MS = 30_000  # the collector runs again by then, whatever is still loading


def pause() -> None:
    gc.disable()


def keep_what_loaded() -> None:
    if not gc.isenabled():
        gc.freeze()


def settled() -> None:
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
