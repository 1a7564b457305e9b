"""Writing a document so that it appears only when complete.

Every PDF crmdesk writes to a file (letters, labels, survey forms, the report; from the
window and the command line) goes through `write_atomically`, so a folder that does not
exist, a full or read-only disk is one clear error naming the file — never a traceback."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from crmdesk.store import disk_errors


def write_atomically(path: Path, write: Callable[[Path], int]) -> int:
    """Let `write` fill `path`.part, then rename it to `path`; on any failure (or a
    cancel) the part file is removed and `path` is left as it was. Returns what `write`
    returned. The disk's refusals (no such folder, disk full, read-only…) are raised as
    crmdesk errors about `path` (MissingFolderError…); anything else as it is."""
    path = Path(path)
    part = path.with_name(path.name + ".part")
    try:
        result = write(part)
        os.replace(part, path)
    except BaseException as exc:
        part.unlink(missing_ok=True)
        if isinstance(exc, OSError) and _about(exc, path, part):
            found = disk_errors.translate(exc, path)
            if found is not None:
                raise found from exc
        raise
    return result


def _about(exc: OSError, path: Path, part: Path) -> bool:
    """Is the error about the file being written (not, say, a font being read)?"""
    named = exc.filename
    return named is None or Path(os.fsdecode(named)) in (path, part)
