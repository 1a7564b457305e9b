"""A preview's planned rows: the first ones in memory, the rest in a temporary file, so the
window previews a file of 100,000 rows in flat memory as the command line imports one.

A planned row takes about 4 KB in memory. The first `IN_MEMORY` rows (about 40 MB) are
kept as they are; each row after them is pickled (about 1.2 KB) into SQLite's private
temporary database, which is deleted when the rows are closed (or dropped), and read back
a page at a time when the table shows it or the import writes it. What the window says
about the rows (how many are new, match, have problems) is counted as they are added, so
it never reads them all again.

    rows = KeptRows()
    rows.append(planned)            # in order, as the file is planned
    rows[12_345].status_text()      # the table asks for the rows it shows
    rows.unmatch(12_345)            # the user: not that client (kept on disk too)
    for row in rows: ...            # the import writes them, in order
"""

from __future__ import annotations

import pickle
import sqlite3
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterator, Sequence
from typing import overload

from crmdesk.services.importing.earlier_rows import scratch_file
from crmdesk.services.importing.plan import PlannedRow, Status

IN_MEMORY = 10_000  # rows kept as objects: about 40 MB
_PAGE = 100  # rows read back from disk at once (about 2 ms, on the GUI thread as it paints)
_PAGES = 16  # pages of them held (the table's screenful and the import's next rows)
_CACHE_KB = 2048  # the temporary file's page cache
_SCHEMA = """
CREATE TABLE rows (at INTEGER PRIMARY KEY, number INTEGER NOT NULL, row BLOB NOT NULL);
CREATE INDEX rows_number ON rows (number);
"""


class KeptRows(Sequence[PlannedRow]):
    """Planned rows, in order; read from any thread (a worker plans and writes them, the
    table shows them)."""

    def __init__(self, in_memory: int = IN_MEMORY) -> None:
        self._in_memory = in_memory
        self._head: list[PlannedRow] = []
        self._numbers: dict[int, int] = {}  # (in memory) a row's number → where it is
        self._pending: list[tuple[int, int, bytes]] = []  # (written to disk a page at a time)
        self._pages: OrderedDict[int, list[PlannedRow]] = OrderedDict()
        self._disk: sqlite3.Connection | None = None
        self._length = 0
        self._closed = False
        self._lock = threading.Lock()
        self.counts: Counter[Status] = Counter()
        self.problems = 0  # the rows' problems (a row can have several)

    # ---------------------------------------------------------------------- adding

    def append(self, row: PlannedRow) -> None:
        with self._lock:
            at = self._length
            if at < self._in_memory:
                self._head.append(row)
                self._numbers[row.number] = at
            else:
                self._pending.append((at, row.number, pickle.dumps(row, pickle.HIGHEST_PROTOCOL)))
                # (a page read while it was being filled)
                self._pages.pop((at - self._in_memory) // _PAGE, None)
                if len(self._pending) >= _PAGE:
                    self._flush()
            self._length += 1
            self.counts[row.status] += 1
            self.problems += len(row.draft.problems)

    @property
    def on_disk(self) -> bool:
        """Some rows are in the temporary file."""
        return self._length > self._in_memory

    def _flush(self) -> None:
        if not self._pending:
            return
        if self._disk is None:
            self._disk = scratch_file(_SCHEMA, _CACHE_KB)
        self._disk.executemany("INSERT INTO rows VALUES (?, ?, ?)", self._pending)
        self._pending = []

    # ---------------------------------------------------------------------- reading

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, at: int) -> PlannedRow: ...
    @overload
    def __getitem__(self, at: slice) -> list[PlannedRow]: ...
    def __getitem__(self, at: int | slice) -> PlannedRow | list[PlannedRow]:
        if isinstance(at, slice):
            return [self[i] for i in range(*at.indices(self._length))]
        if at < 0:
            at += self._length
        if not 0 <= at < self._length:
            raise IndexError(at)
        if at < self._in_memory:
            return self._head[at]
        page, place = divmod(at - self._in_memory, _PAGE)
        with self._lock:
            return self._page(page)[place]

    def __iter__(self) -> Iterator[PlannedRow]:
        yield from self._head
        for page in range((self._length - len(self._head) + _PAGE - 1) // _PAGE):
            with self._lock:
                rows = self._page(page)
            yield from rows

    def by_number(self, number: int) -> PlannedRow | None:
        """The row with this number among the file's rows (Origin.number), if added: to
        read (one on disk is read alone, as a copy: a change to it is not kept)."""
        at = self._numbers.get(number)
        if at is not None:
            return self._head[at]
        with self._lock:
            self._flush()
            if self._disk is None:
                return None
            hit = self._disk.execute("SELECT row FROM rows WHERE number = ?", (number,)).fetchone()
            return None if hit is None else pickle.loads(hit[0])

    def _page(self, page: int) -> list[PlannedRow]:
        """(Under the lock.) The rows of one page on disk (the rows after those in memory,
        `_PAGE` at a time), read if not held."""
        rows = self._pages.get(page)
        if rows is not None:
            self._pages.move_to_end(page)
            return rows
        if self._closed:
            raise ValueError("These rows were closed: their temporary file is deleted.")
        self._flush()
        assert self._disk is not None
        first = self._in_memory + page * _PAGE
        found = self._disk.execute(
            "SELECT row FROM rows WHERE at >= ? AND at < ? ORDER BY at", (first, first + _PAGE)
        )
        rows = [pickle.loads(blob) for (blob,) in found]
        self._pages[page] = rows
        while len(self._pages) > _PAGES:
            self._pages.popitem(last=False)
        return rows

    # ---------------------------------------------------------------------- changing

    def unmatch(self, at: int) -> bool:
        """The row is not that client (nor that earlier row's person): a new client. False
        if it matched nothing."""
        row = self[at]
        if row.status not in (Status.MATCH, Status.SAME):
            return False
        with self._lock:
            self.counts[row.status] -= 1
            row.unmatch()
            self.counts[row.status] += 1
            if at >= self._in_memory:  # (the page held may be dropped: the file too)
                self._flush()
                assert self._disk is not None
                self._disk.execute(
                    "UPDATE rows SET row = ? WHERE at = ?",
                    (pickle.dumps(row, pickle.HIGHEST_PROTOCOL), at),
                )
        return True

    def close(self) -> None:
        """Delete the temporary file (the rows in memory stay readable)."""
        with self._lock:
            self._closed = True
            self._pages.clear()
            self._pending = []
            if self._disk is not None:
                self._disk.close()
                self._disk = None

    def __del__(self) -> None:
        disk = getattr(self, "_disk", None)
        if disk is not None:
            disk.close()
