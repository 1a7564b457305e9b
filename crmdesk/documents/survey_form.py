"""Printed survey forms: one page each, with its code as text and as a QR code, corner
marks, 0–10 boxes big enough for a pen tick, the extra questions, consents and a referral
prompt. Positions come from form_geometry (shared with the scan reader, crmdesk.scan_in)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from crmdesk.documents import fonts, scripts
from crmdesk.documents.form_geometry import (
    EXAMPLE_BOX,
    VERSION,
    FormLayout,
    FormSpec,
    layout_of,
    paper_name,
)
from crmdesk.documents.letters import Cancelled


@dataclass(frozen=True)
class FormText:
    """Everything the form says (the survey's wording, already chosen)."""

    shop_name: str
    title: str
    nps_question: str
    low_label: str
    high_label: str
    reason_question: str
    extra: tuple[tuple[str, str, tuple[str, ...]], ...]  # (kind, question, options)
    ask_contact: bool
    ask_quote: bool
    ask_referral: bool
    footer: str


@dataclass(frozen=True)
class FormCopy:
    code: str
    client_name: str  # "" for a blank form


def options_of(kind: str, choices: Sequence[str]) -> tuple[str, ...]:
    if kind == "rating":
        return ("1", "2", "3", "4", "5")
    if kind == "yesno":
        return ("Yes", "No")
    if kind == "choice":
        return tuple(choices)
    return ()


# The faint numbers inside the 0–10 boxes: light enough that a scanner's black-and-white
# mode and the reader's ink threshold drop them, dark enough to read.
DROP_OUT_GREY = 0.78
HOW_TO_MARK = "Mark one box with a cross or a tick"
HOW_TO_CANCEL = "Fill a box completely to cancel it"
QR_LEVEL = "H"  # a QR code still reads with 30% of it lost (a pen stroke across it)


def form_spec(text: FormText, paper: str, version: int = VERSION) -> FormSpec:
    """What the form's layout follows: kept with every issued form."""
    extra = tuple((kind, len(options)) for kind, _q, options in text.extra)
    return FormSpec(version, paper_name(paper), extra, text.ask_contact, text.ask_quote,
                    text.ask_referral)  # fmt: skip


def form_layout(text: FormText, paper: str, version: int = VERSION) -> FormLayout:
    return layout_of(form_spec(text, paper, version))


def write_forms(
    out: Path | IO[bytes],
    copies: Sequence[FormCopy],
    text: FormText,
    paper: str = "A4",
    progress: Callable[[int], bool] | None = None,
    version: int = VERSION,
) -> int:
    """One page per form; returns the number of pages. progress(n) False cancels.
    `version`: the layout (form_geometry); older ones only to test reading old forms."""
    font = fonts.register()
    geo = form_layout(text, paper, version)
    canvas = Canvas(str(out) if isinstance(out, Path) else out, pagesize=geo.page)
    canvas.setTitle(f"{text.title} — survey forms")
    canvas.setAuthor(text.shop_name)
    canvas.setCreator("crmdesk")
    # what is the same on every form is drawn once and shown on each page
    canvas.beginForm("survey")
    _draw_fixed(canvas, geo, text, font)
    canvas.endForm()
    for n, copy in enumerate(copies):
        if progress is not None and progress(n) is False:
            raise Cancelled()
        canvas.doForm("survey")
        _draw_copy(canvas, geo, copy, font)
        canvas.showPage()
    canvas.save()
    return len(copies)


def _draw_copy(canvas: Canvas, geo: FormLayout, copy: FormCopy, font: str) -> None:
    x, y, size, _ = geo.qr
    widget = QrCodeWidget(copy.code, barLevel=QR_LEVEL if geo.version >= 2 else "M")
    bx0, by0, bx1, by1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (bx1 - bx0), 0, 0, size / (by1 - by0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)
    canvas.setFont(fonts.BOLD, 11)
    canvas.drawCentredString(*geo.code_at, copy.code)
    cx, cy = geo.client_at
    if copy.client_name:
        canvas.setFont(font, 11)
        canvas.drawString(cx, cy, "For")
        scripts.draw(canvas, cx + 9 * mm, cy, copy.client_name, 13, bold=True)
    else:
        canvas.setFont(font, 11)
        canvas.drawString(cx, cy, "Your name (optional):")
        canvas.line(cx + 40 * mm, cy - 1 * mm, cx + 110 * mm, cy - 1 * mm)


def _draw_fixed(canvas: Canvas, geo: FormLayout, text: FormText, font: str) -> None:
    width = geo.page[0]
    canvas.setFillGray(0)
    for x, y, w, h in geo.corners:
        canvas.rect(x, y, w, h, stroke=0, fill=1)
    if (hole := geo.hole()) is not None:
        canvas.setFillGray(1)
        canvas.rect(*hole, stroke=0, fill=1)
        canvas.setFillGray(0)
    for box in geo.score_anchors:
        canvas.rect(*box, stroke=0, fill=1)
    tx, ty = geo.title_at
    scripts.draw(canvas, tx, ty, text.shop_name, 15, bold=True)
    scripts.draw(canvas, tx, ty - 6 * mm, text.title, 11)

    qx, qy = geo.nps_question_at
    _wrapped(canvas, text.nps_question, fonts.BOLD, 12, qx, qy, width - 2 * qx)
    if geo.how_to_mark_at is not None:
        _how_to_mark(canvas, geo.how_to_mark_at, font)
    canvas.setLineWidth(1.2)
    for n, (x, y, w, h) in enumerate(geo.score_boxes):
        canvas.rect(x, y, w, h, stroke=1, fill=0)
        if geo.numbers_inside:
            canvas.setFillGray(DROP_OUT_GREY)
            canvas.setFont(fonts.BOLD, 20)
            canvas.drawCentredString(x + w / 2, y + h / 2 - 7, str(n))
            canvas.setFillGray(0)
        else:
            canvas.setFont(fonts.BOLD, 11)
            canvas.drawCentredString(x + w / 2, y + h + 2.5 * mm, str(n))
    canvas.setFont(font, 8.5)
    scripts.draw(canvas, *geo.low_label_at, "← " + text.low_label, 8.5)
    scripts.draw(canvas, *geo.high_label_at, text.high_label + " →", 8.5, align="right")

    rx, ry = geo.reason_question_at
    _wrapped(canvas, text.reason_question, fonts.BOLD, 11, rx, ry, width - 2 * rx)
    canvas.setLineWidth(0.6)
    canvas.rect(*geo.reason_box, stroke=1, fill=0)

    if geo.version >= 2:
        canvas.setLineWidth(1)  # tick boxes a scanner's blur does not lose
    for (kind, question, options), (ex, ey), boxes in zip(
        text.extra, geo.extra_question_at, geo.extra_boxes, strict=True
    ):
        _wrapped(canvas, question, fonts.BOLD, 10.5, ex, ey, width - 2 * ex)
        canvas.setFont(font, 10)
        for label, (x, y, w, h) in zip(options, boxes, strict=False):
            canvas.rect(x, y, w, h, stroke=1, fill=0)
            scripts.draw(canvas, x + w + 2 * mm, y + h / 2 - 3.5, label, 10)
        if kind == "text":
            canvas.rect(*boxes[0], stroke=1, fill=0)
    canvas.setFont(font, 10)
    consents = {"contact": "You may contact me about my answer.",
                "quote": "You may quote what I wrote (first name only)."}  # fmt: skip
    for key, (x, y, w, h) in geo.consent_boxes.items():
        canvas.rect(x, y, w, h, stroke=1, fill=0)
        canvas.drawString(x + w + 3 * mm, y + h / 2 - 3.5, consents[key])
    if geo.referral_lines:
        nx, ny, nw, _ = geo.referral_lines["name"]
        px, py, pw, _ = geo.referral_lines["phone"]
        canvas.setFont(fonts.BOLD, 10.5)
        canvas.drawString(geo.reason_box[0], ny + 7 * mm, "Who else would enjoy us?")
        canvas.setFont(font, 10)
        canvas.drawString(geo.reason_box[0], ny + 1 * mm, "Name")
        canvas.line(nx, ny, nx + nw, ny)
        canvas.drawString(px - 14 * mm, py + 1 * mm, "Phone")
        canvas.line(px, py, px + pw, py)
    canvas.setFont(font, 9)
    canvas.setFillGray(0.3)
    scripts.draw(canvas, *geo.footer_at, text.footer, 9, align="centre")
    canvas.setFillGray(0)


def _how_to_mark(canvas: Canvas, at: tuple[float, float], font: str) -> None:
    """ "Mark one box with a cross or a tick [☒]   Fill a box completely to cancel it [■]
    and mark another." with the two example boxes drawn."""
    x, y = at
    size = 9.5
    canvas.setFont(font, size)
    canvas.drawString(x, y, HOW_TO_MARK)
    x += canvas.stringWidth(HOW_TO_MARK, font, size) + 2 * mm
    b = EXAMPLE_BOX
    canvas.setLineWidth(0.8)
    canvas.rect(x, y - 1 * mm, b, b, stroke=1, fill=0)
    canvas.setLineWidth(1.4)
    canvas.line(x + 0.8 * mm, y - 0.2 * mm, x + b - 0.8 * mm, y + b - 1.8 * mm)
    canvas.line(x + 0.8 * mm, y + b - 1.8 * mm, x + b - 0.8 * mm, y - 0.2 * mm)
    x += b + 6 * mm
    canvas.drawString(x, y, HOW_TO_CANCEL)
    x += canvas.stringWidth(HOW_TO_CANCEL, font, size) + 2 * mm
    canvas.rect(x, y - 1 * mm, b, b, stroke=1, fill=1)
    canvas.drawString(x + b + 2 * mm, y, "and mark another.")
    canvas.setLineWidth(1)


def _wrapped(canvas: Canvas, text: str, font: str, size: float, x: float, y: float,
             width: float) -> None:  # fmt: skip
    bold = font == fonts.BOLD
    for n, line in enumerate(simpleSplit(text, font, size, width)[:2]):
        scripts.draw(canvas, x, y - n * size * 1.25, line, size, bold=bold)
