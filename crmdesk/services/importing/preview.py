"""Importing a file, from the outside: preview it, then write it (the window), or plan and
write it as it is read (the command line).

    preview = preview_file(db, source)                 # every row, planned; nothing written
    preview.rows.unmatch(3)                            # the user: not that client
    result = write_preview(db, preview, OnMatch.UPDATE, progress)
    result = import_file(db, source, OnMatch.SKIP)     # streams: rows are not kept, nor
                                                       # their index (a temporary file)
    result = dry_run(db, source, OnMatch.UPDATE)       # the same, nothing written
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from crmdesk import collector
from crmdesk.services import settings
from crmdesk.services.importing import ImportSource, kept_rows
from crmdesk.services.importing.dry_run import dry_run_rows
from crmdesk.services.importing.earlier_rows import RowTargets
from crmdesk.services.importing.kept_rows import KeptRows
from crmdesk.services.importing.layouts import remembered_mapping
from crmdesk.services.importing.mapping import Field
from crmdesk.services.importing.matching import ClientIndex, read_index
from crmdesk.services.importing.plan import OnMatch, Status, imported_marks, plan_rows
from crmdesk.services.importing.records import Problem
from crmdesk.services.importing.writing import ImportCancelled, ImportResult, write_import
from crmdesk.store import disk_errors
from crmdesk.store.database import Database

Progress = Callable[[int, int], bool]
_SCALE = 1000  # progress through a file read as it goes: thousandths of its bytes


@dataclass
class Preview:
    source: ImportSource
    rows: KeptRows  # (beyond the first 10,000, in a temporary file: close() deletes it)
    problems: list[Problem] = field(default_factory=list)  # of no row (text outside cards)
    index: ClientIndex | None = None

    def counts(self) -> Counter[Status]:
        return Counter(self.rows.counts)

    def close(self) -> None:
        self.rows.close()


def not_imported(source: ImportSource) -> list[str]:
    """The columns of a table that will not be imported ("file: header")."""
    if source.mapping is None:
        return []
    return [
        f"{source.name}: {header}"
        for header, target in zip(source.mapping.headers, source.mapping.targets, strict=True)
        if target.field is Field.SKIP and header.strip() and not target.group
    ]


def use_remembered_mapping(db: Database, source: ImportSource) -> bool:
    """Map a table's columns as last time for the same headers; True if one was found."""
    if source.mapping is None:
        return False
    found = remembered_mapping(db, source.mapping)
    if found is not None:
        source.mapping = found
    return found is not None


def preview_file(
    db: Database,
    source: ImportSource,
    *,
    region: str | None = None,
    progress: Progress | None = None,
    index: ClientIndex | None = None,
    in_memory: int | None = None,
) -> Preview:
    """Every row of `source`, planned against the clients here (nothing is written).
    `index` (the clients' index from an earlier preview) is read again when not given.
    `progress(n, 1000)` follows the file; answering False raises ImportCancelled. The
    first `in_memory` rows (kept_rows.IN_MEMORY), and their index, are kept in memory; the
    rest in temporary files (Preview.close() deletes them), so a large file is previewed in
    flat memory."""
    in_memory = kept_rows.IN_MEMORY if in_memory is None else in_memory
    region = region or settings.phone_region(db)
    index = index or read_index(db)
    rows = KeptRows(in_memory)
    planned = plan_rows(db, source.contacts(), region, index, imported_marks(db),
                        first_rows=rows.by_number, in_memory=in_memory)  # fmt: skip
    try:
        with collector.paused(), disk_errors.about(Path(tempfile.gettempdir())):
            for row in planned:
                rows.append(row)
                reached = int(source.progress * _SCALE)
                if progress is not None and len(rows) % 100 == 0 and not progress(reached, _SCALE):
                    raise ImportCancelled()
    except BaseException:
        rows.close()
        raise
    finally:
        planned.close()
    return Preview(source, rows, list(source.problems), index)


def write_preview(
    db: Database, preview: Preview, on_match: OnMatch, progress: Progress | None = None
) -> ImportResult:
    """Write what `preview` shows (with the rows the user unmatched as new clients)."""
    source = preview.source
    targets = RowTargets() if preview.rows.on_disk else None  # (else a dict)
    try:
        result = write_import(
            db,
            preview.rows,
            on_match=on_match,
            label=f"Import {source.name}",
            progress=progress,
            total=lambda n: (n, len(preview.rows)),
            mapping=source.mapping,
            targets=targets,
        )
    finally:
        if targets is not None:
            targets.close()
    result.problems += preview.problems
    result.not_imported = not_imported(source)
    return result


def import_file(
    db: Database,
    source: ImportSource,
    on_match: OnMatch = OnMatch.UPDATE,
    *,
    region: str | None = None,
    progress: Progress | None = None,
    undo: bool = True,
) -> ImportResult:
    """Read, plan and write `source` as it streams, in one transaction: neither its rows
    nor the index of those read so far (the same person twice in the file) are kept in
    memory. `undo=False` (the command line) makes no Undo step and keeps SQLite's page
    cache small: memory then stays flat however many rows the file holds."""
    region = region or settings.phone_region(db)
    use_remembered_mapping(db, source)
    rows = plan_rows(db, source.contacts(), region, read_index(db), imported_marks(db),
                     on_disk=True)  # fmt: skip
    targets = RowTargets()
    try:
        result = write_import(
            db,
            rows,
            on_match=on_match,
            label=f"Import {source.name}",
            progress=progress,
            total=lambda _n: (int(source.progress * _SCALE), _SCALE),
            targets=targets,
            undo=undo,
        )
    finally:
        rows.close()  # (the earlier rows' index is deleted)
        targets.close()
    result.problems += source.problems
    result.not_imported = not_imported(source)
    return result


def dry_run(
    db: Database, source: ImportSource, on_match: OnMatch, *, region: str | None = None
) -> ImportResult:
    """What import_file would do, without writing anything: the same plan and the same
    decisions, streamed as import_file streams (memory flat)."""
    region = region or settings.phone_region(db)
    use_remembered_mapping(db, source)
    rows = plan_rows(db, source.contacts(), region, read_index(db), imported_marks(db),
                     on_disk=True)  # fmt: skip
    try:
        result = dry_run_rows(db, rows, on_match)
    finally:
        rows.close()
    result.problems += source.problems
    result.not_imported = not_imported(source)
    return result
