"""Find clients as you type: FTS5 (trigram) over names, contact details, facts, notes and
history text, with the words that matched.

Two steps, each with a LIMIT the FTS index can stop at: first the people index (profiles and
things to remember), then the newest mentions in notes and history. Neither ranks every
match, so a search costs about the same with 10,000 history entries as with 1,000,000.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import TextClause, text

from crmdesk.store.database import Database

OPEN, CLOSE = "\x02", "\x03"
_SOURCE_LABEL = {"clients": "Profile", "facts": "Remember", "notes": "Note", "history": "History"}


def _fts_query(table: str) -> TextClause:
    return text(
        f"""
        SELECT d.client_id, d.source, snippet({table}, 0, '{OPEN}', '{CLOSE}', '…', 48)
        FROM {table}
        JOIN search_docs AS d ON d.docid = {table}.rowid
        JOIN clients AS c ON c.id = d.client_id AND c.deleted_at IS NULL
        WHERE {table} MATCH :match
        ORDER BY {table}.rowid DESC
        LIMIT :scan
        """
    )


_PEOPLE = _fts_query("search_people")
_TEXT = _fts_query("search_text")
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
    """Up to `limit` clients for `query`: those whose profile or things to remember match
    (newest first), then those with the newest matching notes and history.

    Words shorter than three letters cannot use the trigram index; then the names are
    matched by prefix instead.
    """
    match = fts_query(query)
    hits: dict[str, SearchHit] = {}
    with db.read() as s:
        if match is None:
            prefix = query.strip().replace("%", "").replace("_", "")
            if not prefix:
                return []
            ids = s.execute(_SHORT_QUERY, {"p": prefix + "%", "limit": limit}).scalars()
            return [SearchHit(str(i), "clients", ()) for i in ids]
        for statement, scan in ((_PEOPLE, limit * 3), (_TEXT, limit * 6)):
            for client_id, source, snippet in s.execute(statement, {"match": match, "scan": scan}):
                if client_id not in hits:
                    hits[client_id] = SearchHit(client_id, source, _parts(snippet))
                    if len(hits) == limit:
                        return list(hits.values())
    return list(hits.values())


def _parts(snippet: str) -> tuple[tuple[str, bool], ...]:
    parts: list[tuple[str, bool]] = []
    for i, piece in enumerate(re.split(f"[{OPEN}{CLOSE}]", " ".join(snippet.split()))):
        if piece:
            parts.append((piece, i % 2 == 1))
    return tuple(parts)
