"""The shop's tags for a window's pickers, without making the window wait for them.

Reading every client's tags takes a quarter of a second at 100,000 clients; the answer is
kept until the file changes (services.letters.all_tags). A window that opens when it is
known fills its pickers at once; otherwise they get the tags from its own background lane
a moment later (the lane is the window's, so the read is dropped with it).
"""

from __future__ import annotations

from collections.abc import Callable

from crmdesk.gui.taskman import TaskManager
from crmdesk.services import letters
from crmdesk.store.database import Database


def when_tags_known(db: Database, lane: TaskManager, use: Callable[[list[str]], None]) -> None:
    known = letters.tags_if_known(db)
    if known is not None:
        use(known)
    else:
        lane.run(lambda: letters.all_tags(db), use)
