"""The client page's tabs, by name (a module of its own: the window's controllers name them
before the page itself is loaded, after the list's first paint)."""

from __future__ import annotations

from enum import IntEnum


class Tab(IntEnum):
    """In the order the page shows them."""

    TIMELINE = 0
    FACTS = 1
    NOTES = 2
    PURCHASES = 3
    COMPLAINTS = 4
