"""A stack of scans read page by page: the files and folders given, every page of each,
in order, one page in memory at a time, with progress and Cancel."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from crmdesk.documents.letters import Cancelled
from crmdesk.services.scan_in.pages import count_pages, files_in, pages
from crmdesk.services.scan_in.reading import PageReading, read_page
from crmdesk.store.database import Database


def read_files(
    db: Database,
    paths: Iterable[Path],
    progress: Callable[[int, int], bool] | None = None,
    keep_images: bool = False,
    keep_handwriting: bool | None = None,
) -> Iterator[PageReading]:
    """Each page of the files (and folders) read. progress(done, total) False cancels
    (Cancelled). A file missing, of another kind or unreadable is a CrmError before or
    when its turn comes. `keep_images`: each form's rows cut out (for the check screen)
    and its handwriting; `keep_handwriting` (as `keep_images` unless given): only the
    handwriting, as small PNGs to keep with the answers."""
    files = files_in(paths)
    total = sum(count_pages(f) for f in files) if progress is not None else 0
    seen: dict[str, str] = {}
    done = 0
    for path in files:
        for page in pages(path):
            if progress is not None and progress(done, total) is False:
                raise Cancelled()
            yield read_page(db, page, seen, keep_images, keep_handwriting=keep_handwriting)
            done += 1
    if progress is not None:
        progress(done, total)
