"""How to put one row back as it was before a write (the unit of Undo).

An import's Undo step holds one for every row it wrote (a client, its history entry, its
notes): slots and one shared empty `values` keep each to about 150 bytes with its id, so
the step for 100,000 clients takes some 35 MB, not 90.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

_NOTHING: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class RowRevert:
    table: str
    row_id: str
    # the columns the write changed, as they were before
    values: Mapping[str, Any] = field(default_factory=lambda: _NOTHING)
    created: bool = False  # the write made this row: undo tombstones it
