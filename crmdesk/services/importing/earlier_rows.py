"""The rows of a file read so far, kept in a temporary SQLite file instead of memory: what
the command line's streaming import matches each row against (the same person twice in one
file), so a file of 100,000 rows is imported in flat memory.

The keys are those of `matching.ClientIndex` (an email folded in case, a phone in E.164,
the folded name in the block of its first letter and numbers, with each folded postcode
and town), each under the row it belongs to (the first row of that person); a row is
matched by the same rules in the same order, with the same answers (rapidfuzz compares the
names of one block, in the order they were added, as the index in memory does). The file
is SQLite's private temporary database: deleted when it is closed, its pages held by a
page cache of a few MB whatever the file's size.

    with EarlierRows() as earlier:
        found = match_first(Keys.of(draft), clients, earlier)
        earlier.add_row(root, line, name, keys)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, MutableMapping
from types import TracebackType

from crmdesk.services.importing.matching import NAME_SCORE, Keys, Match, name_block

_CACHE_KB = 4096  # SQLite's page cache for the index (the rest stays on disk)
_SCHEMA = """
CREATE TABLE roots (root TEXT PRIMARY KEY, line INTEGER NOT NULL, name TEXT NOT NULL);
CREATE TABLE emails (key TEXT PRIMARY KEY, root TEXT NOT NULL);
CREATE TABLE phones (key TEXT PRIMARY KEY, root TEXT NOT NULL);
CREATE TABLE names (kind TEXT NOT NULL, place TEXT NOT NULL, block TEXT NOT NULL,
                    name TEXT NOT NULL, root TEXT NOT NULL, UNIQUE (kind, place, block, name));
"""


def scratch_file(schema: str, cache_kb: int = 1024) -> sqlite3.Connection:
    """SQLite's private temporary database on disk ("": deleted when the connection closes)
    with `schema`, in one transaction with no journal (nothing in it to keep safe), its
    pages held by a page cache of `cache_kb` KB whatever its size."""
    db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
    db.executescript(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = FILE;"
        f" PRAGMA cache_size = -{cache_kb}; {schema}"
    )
    db.execute("BEGIN")
    return db


class EarlierRows:
    """The earlier rows of one file, on disk: an index `match_first` asks like the
    clients' (`email_match`, `phone_match`, `name_match`). A row is added under its root:
    its own number, or that of the earlier row it is the same person as."""

    def __init__(self) -> None:
        self._db = scratch_file(_SCHEMA, _CACHE_KB)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> EarlierRows:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def add_row(self, root: str, line: int, name: str, keys: Keys) -> None:
        """A row's keys under `root`; the first row of a root gives its line and name."""
        db = self._db
        db.execute("INSERT OR IGNORE INTO roots VALUES (?, ?, ?)", (root, line, name))
        if keys.emails:
            db.executemany("INSERT OR IGNORE INTO emails VALUES (?, ?)",
                           [(a.casefold(), root) for a in keys.emails])  # fmt: skip
        if keys.phones:
            db.executemany("INSERT OR IGNORE INTO phones VALUES (?, ?)",
                           [(n, root) for n in keys.phones])  # fmt: skip
        if keys.name and keys.places:
            # a name already in the block (of this row or another) is never the first
            # best match, so it is not added again
            block = name_block(keys.name)
            db.executemany(
                "INSERT OR IGNORE INTO names VALUES (?, ?, ?, ?, ?)",
                [(kind, place, block, keys.name, root) for kind, place, _typed in keys.places],
            )

    def line_of(self, root: str) -> int:
        (line,) = self._db.execute("SELECT line FROM roots WHERE root = ?", (root,)).fetchone()
        return int(line)

    def _match(self, root: str, reason: str) -> Match:
        (name,) = self._db.execute("SELECT name FROM roots WHERE root = ?", (root,)).fetchone()
        return Match(root, name, reason)

    def email_match(self, keys: Keys) -> Match | None:
        for address in keys.emails:
            found = self._db.execute(
                "SELECT root FROM emails WHERE key = ?", (address.casefold(),)
            ).fetchone()
            if found is not None:
                return self._match(found[0], f"same email {address}")
        return None

    def phone_match(self, keys: Keys) -> Match | None:
        for number in keys.phones:
            found = self._db.execute("SELECT root FROM phones WHERE key = ?", (number,)).fetchone()
            if found is not None:
                return self._match(found[0], f"same phone {number}")
        return None

    def name_match(self, keys: Keys) -> Match | None:
        if not keys.name:
            return None
        from rapidfuzz import fuzz, process

        block = name_block(keys.name)
        for kind, place, typed in keys.places:
            rows = self._db.execute(
                "SELECT name, root FROM names WHERE kind = ? AND place = ? AND block = ?"
                " ORDER BY rowid",
                (kind, place, block),
            ).fetchall()
            if not rows:
                continue
            found = process.extractOne(keys.name, [name for name, _root in rows],
                                       scorer=fuzz.ratio, score_cutoff=NAME_SCORE)  # fmt: skip
            if found is not None:
                _name, score, at = found
                what = "postcode" if kind == "postcode" else "town"
                return self._match(
                    rows[at][1], f"similar name ({score:.0f}%) and same {what} {typed}"
                )
        return None


class RowTargets(MutableMapping[str, str]):
    """A row's number → the client it became or updated, on disk (writing a streamed file:
    a later row of the same person is taken into that client)."""

    def __init__(self) -> None:
        self._db = scratch_file(
            "CREATE TABLE targets (row TEXT PRIMARY KEY, client TEXT NOT NULL) WITHOUT ROWID;"
        )

    def close(self) -> None:
        self._db.close()

    def __setitem__(self, row: str, client: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO targets VALUES (?, ?)", (row, client))

    def __getitem__(self, row: str) -> str:
        found = self._db.execute("SELECT client FROM targets WHERE row = ?", (row,)).fetchone()
        if found is None:
            raise KeyError(row)
        return str(found[0])

    def __delitem__(self, row: str) -> None:
        if self._db.execute("DELETE FROM targets WHERE row = ?", (row,)).rowcount == 0:
            raise KeyError(row)

    def __iter__(self) -> Iterator[str]:
        return (str(row) for (row,) in self._db.execute("SELECT row FROM targets"))

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM targets").fetchone()[0])
