"""A person's data on request, written into a folder: the JSON document of
services.personal_data and a readable PDF of it (services.person_pages, documents.
person_data), named after the person and the day.

    done = person_export.export_person(db, client_id, Path("~/Desktop"))
    done.pdf, done.json
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from crmdesk.errors import CrmError, MissingFolderError, ReadOnlyError
from crmdesk.model.names import display_name
from crmdesk.services.personal_data import collect
from crmdesk.store.database import Database

Progress = Callable[[int, int], bool]


@dataclass(frozen=True)
class Exported:
    pdf: Path
    json: Path
    pages: int
    records: int  # records listed in the PDF, the profile aside

    @property
    def folder(self) -> Path:
        return self.pdf.parent


def file_stem(data: dict[str, Any]) -> str:
    """ "personal-data-Σοφία-Παπαδοπούλου-2026-12-06": letters (with their marks: देव) and
    digits of the name in any script (nothing a file system refuses), else the first part of
    the id."""
    p = data["profile"]
    name = display_name(p["given_name"], p["family_name"], p["company"])
    kept = "".join(ch if ch.isalnum() or unicodedata.category(ch)[0] == "M" else " " for ch in name)
    safe = "-".join(kept.split())[:60]
    return f"personal-data-{safe or data['client_id'][:8]}-{data['exported_at'][:10]}"


def _free_stem(folder: Path, stem: str) -> str:
    """`stem`, or "stem-2", "stem-3"… so that neither file overwrites one already there."""
    n, chosen = 1, stem
    while (folder / f"{chosen}.pdf").exists() or (folder / f"{chosen}.json").exists():
        n += 1
        chosen = f"{stem}-{n}"
    return chosen


def export_person(
    db: Database,
    client_id: str,
    folder: Path,
    progress: Progress | None = None,
    at: datetime | None = None,
) -> Exported:
    """Write the PDF and the JSON of the person's data into `folder` (which must exist).
    Both files appear only when complete, never over a file already there; a failure or a
    cancel (progress returning False raises Cancelled) leaves neither."""
    from crmdesk.documents.output import write_atomically
    from crmdesk.documents.person_data import write_person_data
    from crmdesk.services.person_pages import person_document

    folder = Path(folder).expanduser()
    if folder.exists() and not folder.is_dir():
        raise CrmError(f"{folder} is a file; name a folder to write the files into.")
    if not folder.is_dir():
        raise MissingFolderError(
            folder, "does not exist (the files go into a folder that is there already)."
        )
    data = collect(db, client_id, at)
    document = person_document(db, data)
    stem = _free_stem(folder, file_stem(data))
    pdf, json_path = folder / f"{stem}.pdf", folder / f"{stem}.json"
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def write_both(json_part: Path) -> int:
        # the JSON first (a folder that refuses files says so at once), then the PDF; the
        # JSON gets its name once the PDF has its own
        json_part.write_text(text, encoding="utf-8", newline="\n")
        return write_atomically(pdf, lambda part: write_person_data(part, document, progress))

    try:
        pages = write_atomically(json_path, write_both)
    except BaseException as exc:
        if not json_path.exists():  # (the names were free: these are not someone's files)
            pdf.unlink(missing_ok=True)
        if isinstance(exc, ReadOnlyError):
            raise CrmError(
                f"Nothing was written into {folder}: {exc.reason} Choose a folder you can write to."
            ) from exc
        raise
    return Exported(pdf, json_path, pages, document.entries() - 1)  # (the profile aside)
