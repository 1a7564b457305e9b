"""Find clients as you type: FTS5 (trigram) over names, contact details, facts, notes and
history text, with the words that matched.

Accents and case are set aside in every script: the index holds each text folded
(crmdesk.model.folding: "dang" finds Đặng, "lodz" Łódź) beside the text as written, which is
what a hit shows, with the words that matched marked in it.

Two steps, each with a LIMIT the FTS index can stop at: first the people index (profiles and
things to remember), then the newest mentions in notes and history. Neither ranks every
match, so a search costs about the same with 10,000 history entries as with 1,000,000.
The text of each kept document (one per client) comes with it, for the words that matched.

Not indexed (the triggers leave them out): a printed letter's text (it is found by its
subject) and an import's own history entry, "Imported from <file>" (migrations 0010, 0015).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from crmdesk.model.folding import find_folded, fold
from crmdesk.store.database import Database

_SOURCE_LABEL = {"clients": "Profile", "facts": "Remember", "notes": "Note", "history": "History"}
_TABLES = ("search_people", "search_text")
_SCAN = {"search_people": 3, "search_text": 6}  # documents read per client wanted
_CONTEXT = 40  # characters shown before the first match
_WIDTH = 120  # characters in a snippet

# The index holds only live rows of live clients (its triggers see to that), so a hit
# needs no look-up in clients.
_FIND = """
    SELECT d.client_id, d.source, {table}.shown
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
    text: str = field(default="", repr=False)  # the document as written
    words: tuple[str, ...] = field(default=(), repr=False)  # the query's words, folded

    @cached_property
    def parts(self) -> tuple[tuple[str, bool], ...]:
        """The snippet as (text, matched) pieces: worked out when first shown (the list
        asks only for the rows on screen)."""
        return _parts(self.text, list(self.words)) if self.text else ()

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
    """The query's words, folded as the index is."""
    return [w for w in re.split(r"\s+", fold(query.strip())) if w]


def fts_query(query: str) -> str | None:
    """Each word of `query` must occur (as a substring, folded) in the same document."""
    words = _words(query)
    if not words or any(len(w) < 3 for w in words):
        return None
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)


def profiles(db: Database, query: str, limit: int = 200) -> list[str] | None:
    """Up to `limit` live clients whose profile holds every word of `query` of three
    letters or more (newest first), through the people index alone; None if no word is
    that long (the index cannot look for it)."""
    match = fts_query(" ".join(w for w in _words(query) if len(w) >= 3))
    if match is None:
        return None
    rows = db.query(
        _FIND.format(table="search_people").replace("SELECT d.client_id, d.source,",
                                                   "SELECT DISTINCT d.client_id, d.source,"),
        (match, limit),
    )  # fmt: skip
    return [str(client_id) for client_id, source, _shown in rows if source == "clients"]


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
        return [SearchHit(str(i), "clients") for (i,) in rows]
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
    words = tuple(_words(query))
    return [SearchHit(client_id, source, body, words) for client_id, (source, body) in kept.items()]


def _parts(body: str, words: list[str]) -> tuple[tuple[str, bool], ...]:
    """The text around the first match, as (text, matched) pieces, with … where cut.
    The words are matched folded, and marked in the text as written."""
    text = " ".join(body.split())
    spans = find_folded(text, words)
    start = max(0, spans[0][0] - _CONTEXT) if spans else 0
    end = start + _WIDTH
    parts: list[tuple[str, bool]] = []
    at = start
    for s, e in spans:
        if e <= start:
            continue
        if s >= end:
            break
        s, e = max(s, start), min(e, end)
        if s > at:
            parts.append((text[at:s], False))
        parts.append((text[s:e], True))
        at = e
    if at < min(end, len(text)):
        parts.append((text[at:end], False))
    if start:
        parts.insert(0, ("…", False))
    if end < len(text):
        parts.append(("…", False))
    return tuple(parts)
