"""How to put one row back as it was before a write (the unit of Undo)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RowRevert:
    table: str
    row_id: str
    values: dict[str, Any] = field(default_factory=dict)
    created: bool = False  # the write made this row: undo tombstones it
