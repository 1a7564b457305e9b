"""Module attributes that load on first use (PEP 562), for what start-up does not need.

__getattr__ = lazy_attributes(__name__, {"Client": "crmdesk.model.clients"})
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def lazy_attributes(
    module: str, where: Mapping[str, str], load_together: Iterable[str] = ()
) -> Callable[[str], Any]:
    """A module `__getattr__` that imports `where[name]` when `name` is first used.

    `load_together` are imported at the same time (mapped classes must all be declared
    before any is used).
    """
    together = tuple(load_together)

    def load(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        for other in together:
            importlib.import_module(other)
        return getattr(importlib.import_module(where[name]), name)

    return load
