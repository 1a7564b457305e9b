"""Letters as PDF: the shop's letterhead, the recipient's address where a window envelope
shows it, the date, and the letter text; one letter after another in one file.

A4 letters put the address where DIN 5008 (and most European window envelopes) expect it;
US Letter where a #10 window envelope shows it.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from reportlab.platypus import Flowable

from crmdesk.documents import fonts, markup, scripts

MAX_LETTER_PAGES = 100  # one letter; 200,000 characters of ordinary text make about 60
# to lay out one letter: a real one takes a few hundredths of a second, 60 pages of prose a
# tenth; 200,000 characters of Chinese or Arabic (shaped, measured letter by letter) more.
# Counted in the laying-out thread's own work (time.thread_time), not by the clock, so a
# machine busy with other work does not get a letter refused.
MAX_LAYOUT_SECONDS = 2.0


class Cancelled(Exception):  # noqa: N818 (what the user did, not an error)
    """The user cancelled: no file is left behind."""


class LetterTooBig(Exception):  # noqa: N818 - it reads as what happened
    """Letter `letter` (0-based) runs past MAX_LETTER_PAGES pages (`pages` True) or takes
    more than MAX_LAYOUT_SECONDS to lay out; the PDF is not finished."""

    def __init__(self, letter: int, pages: bool) -> None:
        what = f"{MAX_LETTER_PAGES} pages" if pages else f"{MAX_LAYOUT_SECONDS:g} seconds"
        super().__init__(f"letter {letter + 1} runs past {what}")
        self.letter, self.pages = letter, pages


class _TooBig(Exception):  # noqa: N818 - internal, turned into LetterTooBig
    """Raised inside the build; ReportLab re-raises what a page callback raises as a new
    exception of the same class with one message, so what went wrong is kept in `state`."""


@dataclass(frozen=True)
class Letterhead:
    name: str
    lines: tuple[str, ...] = ()  # address and contact lines, printed under the name
    logo: bytes | None = None
    paper: str = "A4"  # or "Letter"


@dataclass(frozen=True)
class Letter:
    recipient: tuple[str, ...]  # the address block, one line each
    date: str
    body: str  # letter markup with the fields merged in
    title: str = ""  # for the PDF's outline


@dataclass
class _Layout:
    """Positions in points, measured from the bottom left corner of the page."""

    width: float
    height: float
    left: float
    right: float
    bottom: float
    address: tuple[float, float, float, float]  # x, y, w, h of the address window
    return_line_y: float  # the sender's line above the address
    body_top: float  # first page
    later_top: float  # following pages
    head_top: float = field(default=0.0)


def _layout(paper: str) -> _Layout:
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.lib.units import inch, mm

    if paper == "Letter":
        w, h = LETTER
        return _Layout(
            width=w, height=h, left=1 * inch, right=w - 1 * inch, bottom=0.8 * inch,
            address=(1 * inch, h - 3.0 * inch, 3.6 * inch, 1.0 * inch),
            return_line_y=h - 1.95 * inch, body_top=h - 3.4 * inch, later_top=h - 1 * inch,
            head_top=h - 0.5 * inch,
        )  # fmt: skip
    w, h = A4
    return _Layout(
        width=w, height=h, left=25 * mm, right=w - 20 * mm, bottom=20 * mm,
        address=(25 * mm, h - 90 * mm, 85 * mm, 40 * mm),
        return_line_y=h - 48 * mm, body_top=h - 98 * mm, later_top=h - 25 * mm,
        head_top=h - 12 * mm,
    )  # fmt: skip


class _Styles:
    def __init__(self) -> None:
        from reportlab.lib.enums import TA_RIGHT
        from reportlab.lib.styles import ParagraphStyle

        font = fonts.register()
        self.body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=14.5, spaceAfter=8)
        self.heading = ParagraphStyle(
            "heading", parent=self.body, fontName=fonts.BOLD, fontSize=12.5, leading=16
        )
        self.address = ParagraphStyle("address", fontName=font, fontSize=10.5, leading=13.5)
        self.date = ParagraphStyle("date", parent=self.body, alignment=TA_RIGHT, spaceAfter=18)


def write_letters(
    out: Path | IO[bytes],
    letters: Sequence[Letter],
    head: Letterhead,
    progress: Callable[[int], bool] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Lay out `letters` into one PDF; return the number of pages.

    `progress(n)` is called as letter n (0-based) starts; returning False cancels
    (raises Cancelled). `cancelled()` is asked at every page, and True cancels too. A letter
    that runs past MAX_LETTER_PAGES pages raises TooManyPages as that page starts.
    """
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        FrameBreak,
        NextPageTemplate,
        PageBreak,
        PageTemplate,
    )

    layout = _layout(head.paper)
    styles = _Styles()
    logo = _logo(head.logo)
    state: dict[str, Any] = {"first_page": 1, "letter": 0, "started": time.thread_time()}

    def next_page(doc: Any, later: bool) -> None:
        # the page is about to be laid out: stop here rather than after hours of pages
        if cancelled is not None and cancelled():
            raise Cancelled()
        if later and doc.page - state["first_page"] + 1 > MAX_LETTER_PAGES:
            state["too_big"] = LetterTooBig(state["letter"], pages=True)
        elif time.thread_time() - state["started"] > MAX_LAYOUT_SECONDS:
            state["too_big"] = LetterTooBig(state["letter"], pages=False)
        if "too_big" in state:
            raise _TooBig()

    def first_page(canvas: Any, doc: Any) -> None:
        next_page(doc, later=False)
        # drawn once into a form that every first page shows (smaller, faster PDFs)
        if not state.get("letterhead"):
            canvas.beginForm("letterhead")
            _draw_letterhead(canvas, layout, head, logo)
            canvas.endForm()
            state["letterhead"] = 1
        canvas.doForm("letterhead")

    def later_page(canvas: Any, doc: Any) -> None:
        next_page(doc, later=True)
        canvas.saveState()
        canvas.setFont(fonts.REGULAR, 8)
        canvas.setFillGray(0.35)
        scripts.draw(canvas, layout.left, layout.head_top, head.name, 8)
        page = doc.page - state["first_page"] + 1
        canvas.drawRightString(layout.right, layout.head_top, f"Page {page}")
        canvas.restoreState()

    x, y, w, h = layout.address
    body_width = layout.right - layout.left
    address_frame = Frame(x, y, w, h, id="address", showBoundary=0, leftPadding=0,
                          rightPadding=0, topPadding=0, bottomPadding=0)  # fmt: skip
    first_body = Frame(layout.left, layout.bottom, body_width, layout.body_top - layout.bottom,
                       id="body", leftPadding=0, rightPadding=0)  # fmt: skip
    later_body = Frame(layout.left, layout.bottom, body_width, layout.later_top - layout.bottom,
                       id="later", leftPadding=0, rightPadding=0)  # fmt: skip
    doc = BaseDocTemplate(
        str(out) if isinstance(out, Path) else out,
        pagesize=(layout.width, layout.height),
        title=letters[0].title if len(letters) == 1 else f"Letters from {head.name}",
        author=head.name,
        creator="crmdesk",
        leftMargin=layout.left,
        rightMargin=layout.width - layout.right,
        bottomMargin=layout.bottom,
        topMargin=layout.height - layout.body_top,
    )
    doc.addPageTemplates(
        [
            PageTemplate(
                "first",
                [address_frame, first_body],
                onPage=first_page,
                autoNextPageTemplate="later",
            ),
            PageTemplate("later", [later_body], onPage=later_page),
        ]
    )
    story: list[Any] = []
    for n, letter in enumerate(letters):
        if n:
            story += [NextPageTemplate("first"), PageBreak()]
        story.append(_LetterStart(n, state, progress))
        story.append(_Lines(letter.recipient, styles.address))
        story.append(FrameBreak())
        story.append(_Lines((letter.date,), styles.date, right=True))
        story += markup.to_flowables(letter.body, styles.body, styles.heading)
    try:
        doc.build(story)
    except _TooBig:
        raise state["too_big"] from None
    return int(doc.page)


def _logo(data: bytes | None) -> Any:
    if not data:
        return None
    from reportlab.lib.utils import ImageReader

    return ImageReader(io.BytesIO(data))


def _draw_letterhead(canvas: Any, layout: _Layout, head: Letterhead, logo: Any) -> None:
    from reportlab.lib.units import mm

    canvas.saveState()
    top = layout.head_top
    if logo is not None:
        iw, ih = logo.getSize()
        scale = min(60 * mm / iw, 22 * mm / ih)
        canvas.drawImage(logo, layout.left, top - ih * scale, iw * scale, ih * scale,
                         mask="auto")  # fmt: skip
    scripts.draw(canvas, layout.right, top - 12, head.name, 14, bold=True, align="right")
    canvas.setFillGray(0.25)
    for n, line in enumerate(head.lines):
        scripts.draw(canvas, layout.right, top - 26 - n * 11, line, 8.5, align="right")
    # the sender's line above the address, small, as window envelopes expect
    sender = " · ".join([head.name, *head.lines[:1]])
    scripts.draw(canvas, layout.address[0], layout.return_line_y, sender, 6.5)
    canvas.restoreState()


class _Lines(Flowable):
    """Lines of text drawn as they are (the address, the date): no paragraph layout to do.
    A line too wide for the space is set smaller, down to 7 pt."""

    def __init__(self, lines: Sequence[str], style: Any, right: bool = False) -> None:
        super().__init__()
        self.lines, self.style, self.right = [line for line in lines if line], style, right

    def wrap(self, avail_width: float, _avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        widest = max((scripts.width(line, 1) for line in self.lines), default=0)
        self.size = max(7.0, min(self.style.fontSize, avail_width / widest if widest else 99))
        self.leading = self.style.leading * self.size / self.style.fontSize
        self.height = self.leading * len(self.lines)
        return self.width, self.height

    def getSpaceAfter(self) -> float:
        return float(self.style.spaceAfter)

    def draw(self) -> None:
        y = self.height - self.size
        for line in self.lines:
            if self.right:
                scripts.draw(self.canv, self.width, y, line, self.size, align="right")
            else:
                scripts.draw(self.canv, 0, y, line, self.size)
            y -= self.leading


class _LetterStart(Flowable):
    """A zero-size marker at the start of each letter: counts pages per letter, reports
    progress, and lets the user cancel between letters."""

    def __init__(self, n: int, state: dict[str, Any], progress: Any) -> None:
        super().__init__()
        self.n, self.state, self.progress = n, state, progress
        self.width = self.height = 0

    def wrap(self, *_: Any) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.state["first_page"] = self.canv.getPageNumber()
        self.state["letter"] = self.n
        self.state["started"] = time.thread_time()
        if self.progress is not None and self.progress(self.n) is False:
            raise Cancelled()
