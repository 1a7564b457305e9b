"""Address labels on standard sheets: Avery L7160 (A4, 3 × 7) and Avery 5160 (US Letter,
3 × 10). Each address is drawn inside its label, shrunk (down to 6.5 pt) if a line is long."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch, mm
from reportlab.pdfgen.canvas import Canvas

from crmdesk.documents import fonts, scripts
from crmdesk.errors import ValidationError


@dataclass(frozen=True)
class LabelSheet:
    name: str
    page: tuple[float, float]
    columns: int
    rows: int
    left: float  # page edge to the first label
    top: float
    width: float  # one label
    height: float
    pitch_x: float  # label to label, left edge to left edge
    pitch_y: float

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def cell(self, index: int) -> tuple[float, float, float, float]:
        """(x, y, width, height) of label `index` on its page, y from the page bottom."""
        slot = index % self.per_page
        row, column = divmod(slot, self.columns)
        x = self.left + column * self.pitch_x
        y = self.page[1] - self.top - row * self.pitch_y - self.height
        return x, y, self.width, self.height


AVERY_L7160 = LabelSheet("Avery L7160", A4, 3, 7, 7.2 * mm, 15.15 * mm, 63.5 * mm, 38.1 * mm,
                         66.04 * mm, 38.1 * mm)  # fmt: skip
AVERY_5160 = LabelSheet("Avery 5160", LETTER, 3, 10, 0.1875 * inch, 0.5 * inch, 2.625 * inch,
                        1 * inch, 2.75 * inch, 1 * inch)  # fmt: skip


def sheet_for(paper: str) -> LabelSheet:
    return AVERY_5160 if paper == "Letter" else AVERY_L7160


PADDING = 4 * mm
SIZES = (10.0, 9.0, 8.0, 7.0, 6.5)


def check_start(sheet: LabelSheet, start_at: int) -> None:
    """A sheet's labels are numbered 1 to per_page in reading order (left to right, then
    down); a used sheet starts at its first unused label."""
    if not 1 <= start_at <= sheet.per_page:
        raise ValidationError({"start_at": (
            f"Start at label 1 to {sheet.per_page}: a {sheet.name} sheet has "
            f"{sheet.columns} × {sheet.rows} labels, numbered along each row.")})  # fmt: skip


def write_labels(
    out: Path | IO[bytes],
    addresses: Sequence[Sequence[str]],
    sheet: LabelSheet,
    start_at: int = 1,
) -> int:
    """One label per address, in reading order from label `start_at` of the first sheet
    (the labels before it are already used); returns the number of pages."""
    check_start(sheet, start_at)
    skip = start_at - 1
    font = fonts.register()
    canvas = Canvas(str(out) if isinstance(out, Path) else out, pagesize=sheet.page)
    canvas.setTitle(f"Address labels ({sheet.name})")
    canvas.setCreator("crmdesk")
    pages = 0
    for n, lines in enumerate(addresses, skip):
        if n > skip and n % sheet.per_page == 0:
            canvas.showPage()
        if n % sheet.per_page == 0 or n == skip:
            pages += 1
        x, y, w, h = sheet.cell(n)
        _draw_address(canvas, font, [line for line in lines if line], x, y, w, h)
    if not addresses:
        pages = 1
    canvas.showPage()
    canvas.save()
    return pages


def _draw_address(canvas: Canvas, font: str, lines: list[str], x: float, y: float,
                  w: float, h: float) -> None:  # fmt: skip
    room_w, room_h = w - 2 * PADDING, h - 2 * PADDING
    size = SIZES[-1]
    for candidate in SIZES:
        widest = max((scripts.width(line, candidate) for line in lines), default=0)
        if widest <= room_w and len(lines) * candidate * 1.2 <= room_h:
            size = candidate
            break
    leading = size * 1.2
    fits = max(1, int(room_h // leading))
    block = leading * min(len(lines), fits)
    top = y + h / 2 + block / 2 - size  # centred vertically
    for n, line in enumerate(lines[:fits]):
        scripts.draw(canvas, x + PADDING, top - n * leading, scripts.fit(line, size, room_w), size)
