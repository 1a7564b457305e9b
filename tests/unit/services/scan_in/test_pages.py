"""The pages of the files given: folders, kinds of file, broken files, progress and Cancel."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from crmdesk.documents.letters import Cancelled
from crmdesk.errors import CrmError
from crmdesk.services.scan_in.batch import read_files
from crmdesk.services.scan_in.pages import files_in, pages
from crmdesk.store.database import Database


def test_a_folder_gives_its_scans_in_name_order(tmp_path: Path) -> None:
    for name in ("b.PNG", "a.jpg", "c.tiff", "notes.txt", "d.pdf"):
        (tmp_path / name).touch()
    assert [p.name for p in files_in([tmp_path])] == ["a.jpg", "b.PNG", "c.tiff", "d.pdf"]
    with pytest.raises(CrmError, match="There is no file"):
        files_in([tmp_path / "missing.png"])


def test_a_broken_file_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "scan-07.jpg"
    broken.write_bytes(b"\xff\xd8\xff not really a JPEG")
    with pytest.raises(CrmError, match=r"scan-07\.jpg could not be read"):
        list(pages(broken))


def test_reading_reports_progress_and_can_be_cancelled(db: Database, tmp_path: Path) -> None:
    blank = tmp_path / "blank.tif"
    sheets = [Image.new("L", (620, 877), 255) for _ in range(3)]
    sheets[0].save(blank, save_all=True, append_images=sheets[1:])
    seen: list[tuple[int, int]] = []
    readings = list(read_files(db, [blank], lambda done, total: seen.append((done, total)) or True))
    assert [r.why for r in readings] == ["blank page"] * 3
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
    with pytest.raises(Cancelled):
        list(read_files(db, [blank], lambda done, total: done < 1))
