"""Find clients as you type: FTS5 (trigram) over names, contact details, facts, notes and
history text, with the words that matched.

Two steps, each with a LIMIT the FTS index can stop at: first the people index (profiles and
things to remember), then the newest mentions in notes and history. Neither ranks every
match, so a search costs about the same with 10,000 history entries as with 1,000,000.
The text of each kept document (one per client) comes with it, for the words that matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crmdesk.store.database import Database

_SOURCE_LABEL = {"clients": "Profile", "facts": "Remember", "notes": "Note", "history": "History"}
_TABLES = ("search_people", "search_text")
_SCAN = {"search_people": 3, "search_text": 6}  # documents read per client wanted
_CONTEXT = 40  # characters shown before the first match
_WIDTH = 120  # characters in a snippet

# The index holds only live rows of live clients (its triggers see to that), so a hit
# needs no look-up in clients.
_FIND = """
    SELECT d.client_id, d.source, {table}.body
    FROM {table}
    JOIN search_docs AS d ON d.docid = {table}.rowid
    WHERE {table} MATCH ?
    ORDER BY {table}.rowid DESC
    LIMIT ?
"""
_SHORT_QUERY = """
    SELECT id FROM clients
    WHERE deleted_at IS NULL AND (family_name LIKE :p OR given_name LIKE :p OR company LIKE :p)
    ORDER BY sort_name LIMIT :limit
"""


@dataclass(frozen=True)
class SearchHit:
    client_id: str
    source: str  # clients | facts | notes | history
    parts: tuple[tuple[str, bool], ...]  # snippet as (text, matched) pieces

    @property
    def where(self) -> str:
        return _SOURCE_LABEL.get(self.source, self.source)

    @property
    def snippet(self) -> str:
        return "".join(t for t, _ in self.parts)

    @property
    def matched(self) -> list[str]:
        return [t for t, hit in self.parts if hit]


def _words(query: str) -> list[str]:
    return [w for w in re.split(r"\s+", query.strip()) if w]


def fts_query(query: str) -> str | None:
    """Each word of `query` must occur (as a substring) in the same document."""
    words = _words(query)
    if not words or any(len(w) < 3 for w in words):
        return None
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)


def search(db: Database, query: str, limit: int = 50) -> list[SearchHit]:
    """Up to `limit` clients for `query`: those whose profile or things to remember match
    (newest first), then those with the newest matching notes and history.

    Words shorter than three letters cannot use the trigram index; then the names are
    matched by prefix instead.
    """
    match = fts_query(query)
    if match is None:
        prefix = query.strip().replace("%", "").replace("_", "")
        if not prefix:
            return []
        rows = db.query(_SHORT_QUERY, {"p": prefix + "%", "limit": limit})
        return [SearchHit(str(i), "clients", ()) for (i,) in rows]
    kept: dict[str, tuple[str, str]] = {}  # client → (source, text)
    for table in _TABLES:
        with db.rows(_FIND.format(table=table), (match, limit * _SCAN[table])) as found:
            for client_id, source, body in found:
                if client_id not in kept:
                    kept[client_id] = (source, body)
                    if len(kept) == limit:
                        break
        if len(kept) == limit:
            break
    words = "|".join(re.escape(w) for w in _words(query))
    pattern = re.compile(f"({words})", re.IGNORECASE)
    return [
        SearchHit(client_id, source, _parts(body, pattern))
        for client_id, (source, body) in kept.items()
    ]


def _parts(body: str, pattern: re.Pattern[str]) -> tuple[tuple[str, bool], ...]:
    """The text around the first match, as (text, matched) pieces, with … where cut.

    `pattern` has one capturing group, so split() alternates unmatched and matched text.
    """
    text = " ".join(body.split())
    first = pattern.search(text)
    start = max(0, first.start() - _CONTEXT) if first else 0
    pieces = pattern.split(text[start : start + _WIDTH])
    parts = [(piece, i % 2 == 1) for i, piece in enumerate(pieces) if piece]
    if start:
        parts.insert(0, ("…", False))
    if start + _WIDTH < len(text):
        parts.append(("…", False))
    return tuple(parts)
