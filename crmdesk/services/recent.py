"""The recently opened database files, newest first (kept in the per-user config folder)."""

from __future__ import annotations

import json
from pathlib import Path

from crmdesk import paths

LIMIT = 8


def recent_files() -> list[Path]:
    try:
        data = json.loads(paths.recent_files_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [Path(p) for p in data if isinstance(p, str)][:LIMIT] if isinstance(data, list) else []


def remember(path: Path) -> list[Path]:
    path = path.absolute()
    files = [path, *(p for p in recent_files() if p != path)][:LIMIT]
    target = paths.recent_files_file()
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps([str(p) for p in files], indent=1), encoding="utf-8")
    tmp.replace(target)
    return files


def forget(path: Path) -> list[Path]:
    files = [p for p in recent_files() if p != path.absolute()]
    paths.recent_files_file().write_text(json.dumps([str(p) for p in files]), encoding="utf-8")
    return files
