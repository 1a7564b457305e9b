"""Find clients as you type: FTS5 (trigram) over names, contact details, facts, notes and
history text, with the words that matched."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text

from crmdesk.store.database import Database

OPEN, CLOSE = "\x02", "\x03"
_SOURCE_LABEL = {"clients": "Profile", "facts": "Remember", "notes": "Note", "history": "History"}

_FTS_QUERY = text(
    f"""
    SELECT d.client_id, d.source, snippet(search_fts, 0, '{OPEN}', '{CLOSE}', '…', 48)
    FROM search_fts
    JOIN search_docs AS d ON d.docid = search_fts.rowid
    JOIN clients AS c ON c.id = d.client_id AND c.deleted_at IS NULL
    WHERE search_fts MATCH :match
    ORDER BY d.source <> 'clients', rank
    LIMIT :scan
    """
)
_SHORT_QUERY = text(
    """
    SELECT id FROM clients
    WHERE deleted_at IS NULL AND (family_name LIKE :p OR given_name LIKE :p OR company LIKE :p)
    ORDER BY sort_name LIMIT :limit
    """
)


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


def fts_query(query: str) -> str | None:
    """Each word of `query` must occur (as a substring) in the same document."""
    words = [w for w in re.split(r"\s+", query.strip()) if w]
    if not words or any(len(w) < 3 for w in words):
        return None
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)


def search(db: Database, query: str, limit: int = 50) -> list[SearchHit]:
    """The best `limit` clients for `query`, each with where it matched.

    Words shorter than three letters cannot use the trigram index; then the names are
    matched by prefix instead.
    """
    match = fts_query(query)
    with db.read() as s:
        if match is None:
            prefix = query.strip().replace("%", "").replace("_", "")
            if not prefix:
                return []
            ids = s.execute(_SHORT_QUERY, {"p": prefix + "%", "limit": limit}).scalars()
            return [SearchHit(str(i), "clients", ()) for i in ids]
        rows = s.execute(_FTS_QUERY, {"match": match, "scan": limit * 8}).all()
    hits: dict[str, SearchHit] = {}
    for client_id, source, snippet in rows:
        if client_id not in hits:
            hits[client_id] = SearchHit(client_id, source, _parts(snippet))
            if len(hits) == limit:
                break
    return list(hits.values())


def _parts(snippet: str) -> tuple[tuple[str, bool], ...]:
    parts: list[tuple[str, bool]] = []
    for i, piece in enumerate(re.split(f"[{OPEN}{CLOSE}]", " ".join(snippet.split()))):
        if piece:
            parts.append((piece, i % 2 == 1))
    return tuple(parts)
