"""Row ids and timestamps: plain functions, no SQLAlchemy (cheap to import)."""

from __future__ import annotations

from datetime import datetime


def new_id() -> str:
    import uuid  # only writes need it: not imported before the first page is shown

    return str(uuid.uuid4())


def now() -> datetime:
    return datetime.now().replace(microsecond=0)
