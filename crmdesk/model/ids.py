"""Row ids and timestamps: plain functions, no SQLAlchemy (cheap to import)."""

from __future__ import annotations

import uuid
from datetime import datetime


def new_id() -> str:
    return str(uuid.uuid4())


def now() -> datetime:
    return datetime.now().replace(microsecond=0)
