"""What becomes of each planned row of an import — a new client, an update to the client
it matches, taken into the client of an earlier row of the same person, or skipped — and
the counts and problems that say so. Decided here once, for the write (`writing.py`, into
the database) and the command line's dry run (`dry_run.py`, into nothing), so a dry run
says exactly what the import would do.

    result = ImportResult()
    take_rows(rows, OnMatch.UPDATE, sink, targets, result)   # sink: where outcomes go
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Protocol

from crmdesk.services.changes import Changes
from crmdesk.services.importing.plan import (
    CHUNK,
    Current,
    OnMatch,
    PlannedRow,
    Status,
    Update,
    work_out_update,
)
from crmdesk.services.importing.records import Problem
from crmdesk.wording import count

Progress = Callable[[int, int], bool]


class ImportCancelled(Exception):  # noqa: N818 (what the user did, not an error)
    """The user cancelled the import: nothing was written."""


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    skipped: int = 0
    folded: int = 0  # rows taken into the client of an earlier row of the same file
    problems: list[Problem] = field(default_factory=list)
    not_imported: list[str] = field(default_factory=list)  # "file: column" not imported
    changes: Changes | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "skipped": self.skipped,
            "folded": self.folded,
            "problems": [
                {"file": p.file, "line": p.line, "message": p.text} for p in self.problems
            ],
            "not_imported": self.not_imported,
        }

    def summary(self) -> str:
        """ "3 clients added, 1 updated, 2 skipped; 4 problems." """
        text = (f"{count(self.added, 'client')} added, {self.updated} updated, "
                f"{self.skipped} skipped")  # fmt: skip
        if self.folded:
            text += (f"; {count(self.folded, 'row')} of the same person as an earlier row "
                     "taken into that client")  # fmt: skip
        if self.problems:
            text += f"; {count(len(self.problems), 'problem')}"
        return text + "."


class Sink(Protocol):
    """Where a chunk of rows' outcomes go, in this order: the new clients (`add_new` for
    each, then `write_new`), then the updates (`current` of the clients they update, as
    they are now with the chunk's new clients; `update` for each), then `end_chunk`."""

    def add_new(self, row: PlannedRow) -> str:
        """The row as a new client; its id."""
        ...

    def write_new(self) -> None: ...

    def current(self, ids: Sequence[str]) -> dict[str, Current]:
        """The clients of `ids` as they are now (one deleted meanwhile is left out)."""
        ...

    def update(self, row: PlannedRow, cid: str, update: Update, now_there: Current) -> None:
        """Apply `update` to client `cid` (`now_there`: the client before it)."""
        ...

    def end_chunk(self, updated: bool) -> None: ...


def _gone(row: PlannedRow) -> Problem:
    assert row.match is not None
    origin = row.contact.origin
    whom = f"the client it matched ({row.match.name})" if row.status is Status.MATCH else \
        f"the client of line {row.same_as_line}, the same person,"  # fmt: skip
    return Problem(
        f"{whom} was deleted meanwhile: not imported; import the file again to add it",
        origin.file,
        origin.line,
    )


def take_rows(
    rows: Iterable[PlannedRow],
    on_match: OnMatch,
    sink: Sink,
    targets: MutableMapping[str, str],
    result: ImportResult,
    progress: Progress | None = None,
    total: Callable[[int], tuple[int, int]] | None = None,
) -> None:
    """Each row's outcome into `sink` and `result`, a chunk at a time. `targets`: a row's
    number → the client it became or updated (a later row of the same person is taken
    into it). `progress(n, total)` after each chunk; False raises ImportCancelled."""
    gone: set[str] = set()  # rows whose client was deleted since the preview
    rows = iter(rows)
    done = 0
    while batch := list(islice(rows, CHUNK)):
        updates: list[tuple[PlannedRow, str]] = []
        for row in batch:
            if row.status is not Status.DONE:  # (told when it was imported)
                result.problems += row.draft.problems
            status = row.status
            if status in (Status.MATCH, Status.SAME) and on_match is OnMatch.NEW:
                status = Status.NEW
            if status is Status.NEW:
                targets[str(row.number)] = sink.add_new(row)
                result.added += 1
            elif status is Status.MATCH and on_match is OnMatch.UPDATE:
                assert row.match is not None
                targets[str(row.number)] = row.match.client_id
                updates.append((row, row.match.client_id))
            elif status is Status.SAME and row.same_as is not None and \
                    str(row.same_as) in targets:  # fmt: skip
                updates.append((row, targets[str(row.same_as)]))
            else:  # (the earlier row of the same person was skipped: so is this one)
                if row.status is Status.SAME and str(row.same_as) in gone:
                    result.problems.append(_gone(row))
                result.skipped += 1
        sink.write_new()
        if updates:
            current = sink.current([cid for _row, cid in updates])
            for row, cid in updates:
                now_there = current.get(cid)
                if now_there is None:  # deleted since the preview: said, not lost
                    result.problems.append(_gone(row))
                    gone.add(str(row.same_as or row.number))
                    targets.pop(str(row.number), None)
                    result.skipped += 1
                    continue
                update = work_out_update(row.draft, row.contact, now_there)
                if update.is_empty():
                    result.skipped += 1
                    continue
                sink.update(row, cid, update, now_there)
                now_there.take(update)  # (the next row of this client sees it)
                if row.status is Status.SAME:
                    result.folded += 1
                else:
                    result.updated += 1
        sink.end_chunk(bool(updates))
        done += len(batch)
        if progress is not None:
            n, of = total(done) if total is not None else (done, done)
            if not progress(n, of):
                raise ImportCancelled()
