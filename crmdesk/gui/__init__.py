"""The Qt front end. Reaches data only through crmdesk.services."""

from __future__ import annotations

import sys

import PySide6.QtCore  # noqa: F401  (and with it PySide6.support.feature)


def _skip_reading_sources() -> None:
    """PySide6 reads the source file of every module imported after it, looking for the
    word "PySide6", to know whether its `__feature__` switches (snake_case names, true
    properties) may apply there. crmdesk and its libraries use none, so every module gets
    PySide's "not switched" answer without its file being read: about 100 files read during
    start-up, 9 ms before the list's first paint (benchmark B1). A PySide6 without this hook
    is left as it is."""
    feature = sys.modules.get("PySide6.support.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        setattr(feature, "_mod_uses_pyside", lambda _module: False)  # noqa: B010


_skip_reading_sources()
