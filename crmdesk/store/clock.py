"""Hybrid logical clock and the installation's site id.

An HLC value is text that sorts in time order: 13 hex digits of wall-clock milliseconds,
a dash, and 6 hex digits of a counter that breaks ties within one millisecond (and keeps the
clock moving forward when the wall clock steps back or a merged copy is ahead of us).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from crmdesk import paths


def format_hlc(millis: int, counter: int) -> str:
    return f"{millis:013x}-{counter:06x}"


def parse_hlc(value: str) -> tuple[int, int]:
    millis, counter = value.split("-")
    return int(millis, 16), int(counter, 16)


def stamp_time(hlc: str) -> str:
    """The wall-clock time inside an HLC value, as the file stores datetimes."""
    from datetime import datetime

    millis, _counter = parse_hlc(hlc)
    return datetime.fromtimestamp(millis / 1000).isoformat(sep=" ", timespec="microseconds")


class HybridClock:
    """Issues strictly increasing HLC values; thread-safe."""

    def __init__(self, last: str | None = None, wall: Callable[[], float] = time.time) -> None:
        self._wall = wall
        self._lock = threading.Lock()
        self._millis, self._counter = parse_hlc(last) if last else (0, 0)

    def now(self) -> str:
        with self._lock:
            wall = int(self._wall() * 1000)
            if wall > self._millis:
                self._millis, self._counter = wall, 0
            else:
                self._counter += 1
            return format_hlc(self._millis, self._counter)

    def observe(self, seen: str) -> None:
        """Move past a value seen elsewhere (a merged copy), so our next value sorts after it."""
        millis, counter = parse_hlc(seen)
        with self._lock:
            if (millis, counter) > (self._millis, self._counter):
                self._millis, self._counter = millis, counter


_SITE_LOCK = threading.Lock()  # the window and a background task may both ask first


def site_id(path: Path | None = None) -> str:
    """This installation's id, made once and kept in the per-machine data folder."""
    path = path or paths.site_id_file()
    with _SITE_LOCK:
        try:
            value = path.read_text(encoding="ascii").strip()
            if len(value) != 36 or int(value.replace("-", ""), 16) < 0:
                raise ValueError(value)
            return value
        except (FileNotFoundError, ValueError):
            import uuid  # (not at start-up: it loads the platform module)

            value = str(uuid.uuid4())
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # (another process's own)
            tmp.write_text(value + "\n", encoding="ascii")
            tmp.replace(path)
            return value
