"""The cycle collector is paused while an import works, and back as it was afterwards —
also after a cancel, and when a preview and an import overlap."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from crmdesk.collector import paused as collection_paused
from crmdesk.services.importing import open_import
from crmdesk.services.importing.plan import OnMatch
from crmdesk.services.importing.preview import ImportCancelled, preview_file, write_preview
from crmdesk.store.database import Database
from tests.unit.services.importing.test_import_plan import write_csv


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_paused_while_an_import_works_and_back_after(db: Database, tmp_path: Path) -> None:
    rows = [[f"Имя{n}", f"Фамилия{n}", f"p{n}@example.org"] + [""] * 7 for n in range(300)]
    file = write_csv(tmp_path / "c.csv", rows)
    seen: list[bool] = []

    def progress(n: int, total: int) -> bool:
        seen.append(gc.isenabled())
        return True

    preview = preview_file(db, open_import(file), progress=progress)
    assert gc.isenabled() and seen and not any(seen)
    seen.clear()
    with pytest.raises(ImportCancelled):
        write_preview(db, preview, OnMatch.UPDATE, lambda n, total: seen.append(gc.isenabled()))
    assert seen == [False] and gc.isenabled()  # (cancelled: back on all the same)


def test_overlapping_pauses_end_with_the_last() -> None:
    with collection_paused():
        with collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()  # a collector that was off stays off
    with collection_paused():
        pass
    assert not gc.isenabled()


def test_an_import_while_the_window_settles_keeps_it_paused_until_the_import_is_done() -> None:
    """The window's start-up pause and an import's share one switch: the window settling
    in the middle of an import does not switch the collector on under the import."""
    from crmdesk import collector

    collector.pause_for_start()
    try:
        assert not gc.isenabled()
        with collection_paused():
            collector.settled()  # the file's on-open work is done meanwhile
            assert not gc.isenabled()
        assert gc.isenabled()
        with collection_paused():  # a later import pauses it again, and gives it back
            assert not gc.isenabled()
        assert gc.isenabled()
    finally:
        collector.settled()
