"""Where everything sits on a printed survey form, in one place: the form is drawn from
this, and a scanned form can be read back from it (a later feature) — the corner marks
fix the page, the QR code names the form, the boxes say where to look for ticks.

All positions are in points (1/72 inch) from the bottom left corner of the page; a box is
(x, y, width, height).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm

Box = tuple[float, float, float, float]

MARGIN = 15 * mm
MARK = 5 * mm  # the black corner squares
MARK_INSET = 8 * mm  # page edge to a mark
QR_SIZE = 26 * mm
SCORE_BOX = (14 * mm, 12 * mm)  # each 0–10 box: big enough for a pen tick
SCORE_GAP = 2 * mm
TICK_BOX = 6 * mm  # yes/no, consents, choices, 1–5 ratings


@dataclass
class FormLayout:
    page: tuple[float, float]
    corners: list[Box] = field(default_factory=list)  # TL, TR, BL, BR
    qr: Box = (0, 0, 0, 0)
    code_at: tuple[float, float] = (0, 0)  # centre of the code's text baseline
    title_at: tuple[float, float] = (0, 0)
    client_at: tuple[float, float] = (0, 0)
    nps_question_at: tuple[float, float] = (0, 0)
    score_boxes: list[Box] = field(default_factory=list)  # 0..10
    low_label_at: tuple[float, float] = (0, 0)
    high_label_at: tuple[float, float] = (0, 0)
    reason_question_at: tuple[float, float] = (0, 0)
    reason_box: Box = (0, 0, 0, 0)
    extra_question_at: list[tuple[float, float]] = field(default_factory=list)
    extra_boxes: list[list[Box]] = field(default_factory=list)  # per question, per option
    consent_boxes: dict[str, Box] = field(default_factory=dict)  # contact, quote
    referral_lines: dict[str, Box] = field(default_factory=dict)  # name, phone (y = line)
    footer_at: tuple[float, float] = (0, 0)


def page_size(paper: str) -> tuple[float, float]:
    return LETTER if paper.lower() == "letter" else A4


def layout(paper: str, extra: list[tuple[str, int]], contact: bool, quote: bool,
           referral: bool) -> FormLayout:  # fmt: skip
    """The form's layout. `extra` lists each extra question's (kind, number of options)."""
    w, h = page_size(paper)
    f = FormLayout((w, h))
    f.corners = [
        (MARK_INSET, h - MARK_INSET - MARK, MARK, MARK),
        (w - MARK_INSET - MARK, h - MARK_INSET - MARK, MARK, MARK),
        (MARK_INSET, MARK_INSET, MARK, MARK),
        (w - MARK_INSET - MARK, MARK_INSET, MARK, MARK),
    ]
    f.qr = (w - MARGIN - 4 * mm - QR_SIZE, h - MARGIN - 2 * mm - QR_SIZE, QR_SIZE, QR_SIZE)
    f.code_at = (f.qr[0] + QR_SIZE / 2, f.qr[1] - 5 * mm)
    f.title_at = (MARGIN + 4 * mm, h - MARGIN - 10 * mm)
    f.client_at = (MARGIN + 4 * mm, h - MARGIN - 26 * mm)
    y = h - MARGIN - 50 * mm
    f.nps_question_at = (MARGIN + 4 * mm, y)
    bw, bh = SCORE_BOX
    row_width = 11 * bw + 10 * SCORE_GAP
    left = (w - row_width) / 2
    top = y - 12 * mm  # (the numbers sit above the boxes)
    f.score_boxes = [(left + n * (bw + SCORE_GAP), top - bh, bw, bh) for n in range(11)]
    f.low_label_at = (left, top - bh - 5 * mm)
    f.high_label_at = (left + row_width, top - bh - 5 * mm)
    y = top - bh - 16 * mm
    f.reason_question_at = (MARGIN + 4 * mm, y)
    f.reason_box = (MARGIN + 4 * mm, y - 4 * mm - 32 * mm, w - 2 * MARGIN - 8 * mm, 32 * mm)
    y = f.reason_box[1] - 10 * mm
    for kind, options in extra:
        f.extra_question_at.append((MARGIN + 4 * mm, y))
        row = y - 4 * mm - TICK_BOX
        if kind == "text":
            boxes = [(MARGIN + 4 * mm, y - 4 * mm - 12 * mm, w - 2 * MARGIN - 8 * mm, 12 * mm)]
            y -= 26 * mm
        else:
            step = 34 * mm if kind in ("choice", "yesno") else 22 * mm
            boxes = [(MARGIN + 4 * mm + n * step, row, TICK_BOX, TICK_BOX) for n in range(options)]
            y -= 18 * mm
        f.extra_boxes.append(boxes)
    for key, wanted in (("contact", contact), ("quote", quote)):
        if wanted:
            f.consent_boxes[key] = (MARGIN + 4 * mm, y - TICK_BOX, TICK_BOX, TICK_BOX)
            y -= 10 * mm
    if referral:
        y -= 4 * mm
        line = y - 12 * mm
        f.referral_lines = {
            "name": (MARGIN + 24 * mm, line, 80 * mm, 0),
            "phone": (MARGIN + 124 * mm, line, w - 2 * MARGIN - 128 * mm, 0),
        }
    f.footer_at = (w / 2, MARK_INSET + MARK + 4 * mm)
    return f
