"""The handwriting of a scanned form kept with its answer: the comment ("main reason for
your score") and the referral ("who else would enjoy us"), each a small grey PNG cut out
upright from the scan (services.scan_in.cutouts) for the owner to read. Nothing is OCR'd.

Saved in the write that saves the answer (surveys.add_answer), so the batch's one Undo takes
them back with it; a synced table (model.AnswerImage) that merges carry and erasing the
client blanks. Read back by answer (the survey results) or by history entry (the client's
page)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crmdesk.store.database import Database, Write

if TYPE_CHECKING:
    from PIL import Image

# what each part is, in the order they are shown
PARTS = {"reason": "Main reason for the score", "referral": "Who else would enjoy us"}
LEVELS = 16  # grey levels kept: handwriting reads the same, the file is a quarter the size
PAPER = 0.8  # lighter than this share of the paper's brightness is paper (made white)


@dataclass(frozen=True)
class KeptImage:
    id: str
    answer_id: str
    history_id: str | None
    part: str  # reason, referral
    png: bytes
    width: int  # pixels (at about 100 dpi)
    height: int

    @property
    def label(self) -> str:
        return PARTS.get(self.part, self.part)


def png_of(image: Image.Image) -> bytes:
    """`image` (a cut-out) as a small PNG: grey, the paper made white, 16 levels of ink."""
    import numpy as np
    from PIL import Image

    grey = np.asarray(image.convert("L"), dtype=np.float32)
    paper = max(float(np.percentile(grey, 90)), 1.0)
    shade = np.clip(grey / (PAPER * paper), 0.0, 1.0)  # 1: paper, 0: the darkest ink
    levels = np.round(shade * (LEVELS - 1)).astype(np.uint8)
    palette = [round(255 * n / (LEVELS - 1)) for n in range(LEVELS) for _ in range(3)]
    out = Image.fromarray(levels, mode="L").convert("P")
    out.putpalette(palette)
    buffer = io.BytesIO()
    out.save(buffer, "PNG", optimize=True, bits=4)
    return buffer.getvalue()


def size_of(png: bytes) -> tuple[int, int]:
    """A PNG's width and height, from its header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def add_images(w: Write, answer_id: str, client_id: str | None, history_id: str | None,
               pngs: Mapping[str, bytes]) -> None:  # fmt: skip
    """Keep `pngs` (part → PNG) with the answer, in the write that saves it."""
    from crmdesk import model

    for part in PARTS:
        if part in pngs:
            width, height = size_of(pngs[part])
            w.session.add(model.AnswerImage(
                answer_id=answer_id, client_id=client_id, history_id=history_id, part=part,
                png=pngs[part], width=width, height=height,
            ))  # fmt: skip


def kept_line(pngs: Mapping[str, bytes]) -> str:
    """The answer's history line saying what handwriting is kept with it ("" if none)."""
    parts = [label.lower() for part, label in PARTS.items() if part in pngs]
    return f"Handwritten on the form (kept as images): {', '.join(parts)}" if parts else ""


_COLUMNS = "i.id, i.answer_id, i.history_id, i.part, i.png, i.width, i.height"
_LIVE = "i.deleted_at IS NULL AND a.deleted_at IS NULL"
_ORDER = " ORDER BY CASE i.part WHEN 'reason' THEN 0 ELSE 1 END"


def of_answers(db: Database, answer_ids: Sequence[str]) -> dict[str, list[KeptImage]]:
    """The handwriting kept with each of the answers (those that have any)."""
    rows = db.query_ids(
        f"SELECT {_COLUMNS} FROM answer_images AS i JOIN survey_answers AS a"
        f" ON a.id = i.answer_id WHERE {_LIVE} AND i.answer_id IN ({{ids}}){_ORDER}",
        answer_ids,
    )
    found: dict[str, list[KeptImage]] = {}
    for row in rows:
        image = KeptImage(*row)
        found.setdefault(image.answer_id, []).append(image)
    return found


def of_entry(db: Database, history_id: str) -> list[KeptImage]:
    """The handwriting of the answer a history entry records (none for other entries)."""
    rows = db.query(
        f"SELECT {_COLUMNS} FROM answer_images AS i JOIN survey_answers AS a"
        f" ON a.id = i.answer_id WHERE {_LIVE} AND i.history_id = ?{_ORDER}",
        (history_id,),
    )
    return [KeptImage(*row) for row in rows]
