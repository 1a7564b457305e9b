"""Where everything sits on a printed survey form, in one place: the form is drawn from
this, and a scanned form is read back from it (crmdesk.scan_in) — the corner marks fix the
page, the QR code names the form, the boxes say where to look for marks.

A layout is a pure function of a FormSpec (layout version, paper, the extra questions'
kinds and number of options, which consents and the referral prompt are asked). Every
issued form keeps its spec (survey_forms.paper and .layout), so a form printed before its
survey was edited, or before the layout changed, still reads: every version stays here.

- Version 1: forms printed before 6 December 2026 (no spec stored with them). Four
  identical corner marks 8 mm from the edges; numbers above the 0–10 boxes.
- Version 2: the top left corner mark is hollow (orientation without the QR code); marks
  12 mm in, with white around them; small anchors at both ends of the score row; boxes
  3 mm apart with their number printed faintly inside; a line saying how to mark and how
  to cancel; bigger consent and choice boxes.

All positions are in points (1/72 inch) from the bottom left corner of the page; a box is
(x, y, width, height).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm

Box = tuple[float, float, float, float]

VERSION = 2  # the layout new forms are printed with
VERSIONS = (1, 2)
PAPERS = ("A4", "Letter")

MARGIN = 15 * mm
QR_SIZE = 26 * mm
# version 1
MARK = 5 * mm  # the black corner squares
MARK_INSET = 8 * mm  # page edge to a mark
SCORE_BOX = (14 * mm, 12 * mm)  # each 0–10 box: big enough for a pen tick
SCORE_GAP = 2 * mm
TICK_BOX = 6 * mm  # yes/no, consents, choices, 1–5 ratings
# version 2
MARK2 = 6 * mm
MARK2_INSET = 12 * mm  # in from where a skewed feed or a dark scanner lid reaches
MARK2_HOLE = 2.4 * mm  # the white square in the middle of the top left mark
SCORE_BOX2 = (13 * mm, 12 * mm)
SCORE_GAP2 = 3 * mm  # marker bleed and off-centre marks stay out of the neighbour
ANCHOR = 2.5 * mm  # the small squares at both ends of the score row
ANCHOR_GAP = 3 * mm
CHOICE_BOX2 = 7 * mm
CONSENT_BOX2 = 8 * mm
EXAMPLE_BOX = 4 * mm  # the boxes of the "how to mark" line


@dataclass(frozen=True)
class FormSpec:
    """What decides where the boxes of a form sit; frozen with every issued form."""

    version: int
    paper: str  # "A4" or "Letter"
    extra: tuple[tuple[str, int], ...]  # each extra question's (kind, number of options)
    contact: bool
    quote: bool
    referral: bool

    def to_json(self) -> str:
        return json.dumps(
            {"version": self.version, "extra": [list(e) for e in self.extra],
             "contact": self.contact, "quote": self.quote, "referral": self.referral},
        )  # fmt: skip

    @staticmethod
    def from_json(text: str, paper: str) -> FormSpec:
        data = json.loads(text)
        return FormSpec(
            int(data["version"]), paper, tuple((str(k), int(n)) for k, n in data["extra"]),
            bool(data["contact"]), bool(data["quote"]), bool(data["referral"]),
        )  # fmt: skip


@dataclass
class FormLayout:
    page: tuple[float, float]
    version: int = VERSION
    corners: list[Box] = field(default_factory=list)  # TL, TR, BL, BR
    hollow_corner: int | None = None  # the corner (index) whose mark has a white centre
    qr: Box = (0, 0, 0, 0)
    code_at: tuple[float, float] = (0, 0)  # centre of the code's text baseline
    title_at: tuple[float, float] = (0, 0)
    client_at: tuple[float, float] = (0, 0)
    nps_question_at: tuple[float, float] = (0, 0)
    how_to_mark_at: tuple[float, float] | None = None  # version 2
    score_boxes: list[Box] = field(default_factory=list)  # 0..10
    numbers_inside: bool = True  # version 1 prints them above the boxes
    score_anchors: list[Box] = field(default_factory=list)  # version 2: left, right
    low_label_at: tuple[float, float] = (0, 0)
    high_label_at: tuple[float, float] = (0, 0)
    reason_question_at: tuple[float, float] = (0, 0)
    reason_box: Box = (0, 0, 0, 0)
    extra_question_at: list[tuple[float, float]] = field(default_factory=list)
    extra_boxes: list[list[Box]] = field(default_factory=list)  # per question, per option
    consent_boxes: dict[str, Box] = field(default_factory=dict)  # contact, quote
    referral_lines: dict[str, Box] = field(default_factory=dict)  # name, phone (y = line)
    footer_at: tuple[float, float] = (0, 0)

    def hole(self) -> Box | None:
        """The white square inside the hollow corner mark."""
        if self.hollow_corner is None:
            return None
        x, y, w, h = self.corners[self.hollow_corner]
        return (x + (w - MARK2_HOLE) / 2, y + (h - MARK2_HOLE) / 2, MARK2_HOLE, MARK2_HOLE)


def page_size(paper: str) -> tuple[float, float]:
    return LETTER if paper.lower() == "letter" else A4


def paper_name(paper: str) -> str:
    return "Letter" if paper.lower() == "letter" else "A4"


def layout(paper: str, extra: list[tuple[str, int]], contact: bool, quote: bool,
           referral: bool, version: int = VERSION) -> FormLayout:  # fmt: skip
    """The form's layout. `extra` lists each extra question's (kind, number of options)."""
    spec = FormSpec(version, paper_name(paper), tuple(extra), contact, quote, referral)
    return layout_of(spec)


def layout_of(spec: FormSpec) -> FormLayout:
    if spec.version == 1:
        return _layout_v1(spec)
    if spec.version == 2:
        return _layout_v2(spec)
    raise ValueError(f"unknown form layout version {spec.version}")


def _corners(w: float, h: float, inset: float, size: float) -> list[Box]:
    return [
        (inset, h - inset - size, size, size),
        (w - inset - size, h - inset - size, size, size),
        (inset, inset, size, size),
        (w - inset - size, inset, size, size),
    ]


def _layout_v1(spec: FormSpec) -> FormLayout:
    w, h = page_size(spec.paper)
    f = FormLayout((w, h), version=1, numbers_inside=False)
    f.corners = _corners(w, h, MARK_INSET, MARK)
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
    for kind, options in spec.extra:
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
    for key, wanted in (("contact", spec.contact), ("quote", spec.quote)):
        if wanted:
            f.consent_boxes[key] = (MARGIN + 4 * mm, y - TICK_BOX, TICK_BOX, TICK_BOX)
            y -= 10 * mm
    if spec.referral:
        y -= 4 * mm
        line = y - 12 * mm
        f.referral_lines = {
            "name": (MARGIN + 24 * mm, line, 80 * mm, 0),
            "phone": (MARGIN + 124 * mm, line, w - 2 * MARGIN - 128 * mm, 0),
        }
    f.footer_at = (w / 2, MARK_INSET + MARK + 4 * mm)
    return f


def _layout_v2(spec: FormSpec) -> FormLayout:
    w, h = page_size(spec.paper)
    side = 20 * mm  # text starts here: clear of the corner marks and their white margin

    def down(from_top_mm: float) -> float:
        return h - from_top_mm * mm

    f = FormLayout((w, h), version=2)
    f.corners = _corners(w, h, MARK2_INSET, MARK2)
    f.hollow_corner = 0
    f.qr = (w - side - QR_SIZE, down(22) - QR_SIZE, QR_SIZE, QR_SIZE)
    f.code_at = (f.qr[0] + QR_SIZE / 2, f.qr[1] - 5 * mm)
    f.title_at = (side, down(26))
    f.client_at = (side, down(44))
    f.nps_question_at = (side, down(62))
    f.how_to_mark_at = (side, down(73))
    bw, bh = SCORE_BOX2
    row_width = 11 * bw + 10 * SCORE_GAP2
    left = (w - row_width) / 2
    top = down(78)
    f.score_boxes = [(left + n * (bw + SCORE_GAP2), top - bh, bw, bh) for n in range(11)]
    middle = top - bh / 2 - ANCHOR / 2
    f.score_anchors = [
        (left - ANCHOR_GAP - ANCHOR, middle, ANCHOR, ANCHOR),
        (left + row_width + ANCHOR_GAP, middle, ANCHOR, ANCHOR),
    ]
    f.low_label_at = (left, top - bh - 5 * mm)
    f.high_label_at = (left + row_width, top - bh - 5 * mm)
    f.reason_question_at = (side, down(106))
    f.reason_box = (side, down(138), w - 2 * side, 28 * mm)
    y = down(148)
    for kind, options in spec.extra:
        f.extra_question_at.append((side, y))
        if kind == "text":
            boxes = [(side, y - 4 * mm - 12 * mm, w - 2 * side, 12 * mm)]
            y -= 22 * mm
        else:
            step = 34 * mm if kind in ("choice", "yesno") else 24 * mm
            row = y - 4 * mm - CHOICE_BOX2
            boxes = [(side + n * step, row, CHOICE_BOX2, CHOICE_BOX2) for n in range(options)]
            y -= 18 * mm
        f.extra_boxes.append(boxes)
    for key, wanted in (("contact", spec.contact), ("quote", spec.quote)):
        if wanted:
            f.consent_boxes[key] = (side, y - CONSENT_BOX2, CONSENT_BOX2, CONSENT_BOX2)
            y -= 11 * mm
    if spec.referral:
        y -= 4 * mm
        line = y - 12 * mm
        f.referral_lines = {
            "name": (side + 20 * mm, line, 80 * mm, 0),
            "phone": (side + 120 * mm, line, w - 2 * side - 120 * mm, 0),
        }
    f.footer_at = (w / 2, MARK2_INSET + 2 * mm)
    return f
