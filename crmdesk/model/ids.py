"""Row ids and timestamps: plain functions, no SQLAlchemy (cheap to import)."""

from __future__ import annotations

from datetime import datetime


def new_id() -> str:
    import uuid  # only writes need it: not imported before the first page is shown

    return str(uuid.uuid4())


def new_ids(count: int) -> list[str]:
    """`count` new ids at once (random UUIDs, version 4, as new_id makes them), from one
    read of the system's randomness instead of one each: for bulk inserts."""
    import os

    raw = os.urandom(16 * count).hex()
    made = []
    for at in range(0, 32 * count, 32):
        h = raw[at : at + 32]
        variant = "89ab"[int(h[16], 16) & 3]
        made.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}")
    return made


def now() -> datetime:
    return datetime.now().replace(microsecond=0)
