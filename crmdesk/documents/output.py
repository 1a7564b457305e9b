"""Writing a document so that it appears only when complete."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def write_atomically(path: Path, write: Callable[[Path], int]) -> int:
    """Let `write` fill `path`.part, then rename it to `path`; on any failure (or a
    cancel) the part file is removed and `path` is left as it was. Returns what `write`
    returned."""
    part = path.with_name(path.name + ".part")
    try:
        result = write(part)
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return result
