"""Change stamps as a merge reads them: (HLC, site id) pairs, compared as tuples (so ties
break by site), and which stamp a field's last change has."""

from __future__ import annotations

from typing import Any

from crmdesk.store.tracking import ALL_FIELDS

Stamp = tuple[str, str]  # (hlc, site id)

# Columns that are not user data: the row's own stamp, and values derived from others.
NOT_MERGED = frozenset({"id", "hlc", "site_id", "last_contact_at", "sort_name"})


def effective(stamps: dict[str, Stamp], row: dict[str, Any], column: str) -> Stamp:
    """A field's last change: its own record, else its row's creation, else the row's stamp."""
    return stamps.get(column) or stamps.get(ALL_FIELDS) or (row["hlc"], row["site_id"])
