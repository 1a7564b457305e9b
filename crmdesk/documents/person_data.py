"""A person's data on request, as a readable PDF: a title, a few lines saying what this is,
then one section per kind of record, each record a bold heading line and its fields.

Every line is drawn by documents/scripts.py, so text in any script prints in its own
script: a paragraph is broken into lines where ICU's line-break rules allow (between words,
between Chinese characters, between Thai words, which have no spaces) and each line is
then ordered and shaped on its own, so a long Arabic or Hebrew note reads right to left
line after line, right-aligned. A character no shipped font has is shown as its code
("[U+1F600]") rather than as an empty box; the JSON file beside the PDF has the text as
it is.

    write_person_data(out, PersonDocument(...), progress)
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any

from reportlab.platypus import Flowable

from crmdesk.documents import fonts, scripts
from crmdesk.documents.letters import Cancelled

__all__ = ["Cancelled", "Entry", "PersonDocument", "Section", "write_person_data"]

INK, MUTED, ACCENT, DELETED = "#1f2933", "#5f6b77", "#2f6f9f", "#b3261e"
_RTL = frozenset(("R", "AL"))


@dataclass(frozen=True)
class Entry:
    """One record: its heading (when, what) and its fields, label → text."""

    heading: str
    fields: tuple[tuple[str, str], ...] = ()
    deleted: str = ""  # "Deleted on 3 June 2026 (in the Trash, still held)" or ""
    images: tuple[tuple[str, bytes], ...] = ()  # label, PNG: handwriting kept with a record


@dataclass(frozen=True)
class Section:
    title: str
    entries: tuple[Entry, ...] = ()
    intro: str = ""  # a sentence under the title
    empty: str = "None."  # said when there are no entries


@dataclass(frozen=True)
class PersonDocument:
    title: str  # "Personal data held about Σοφία Παπαδοπούλου"
    lines: tuple[str, ...]  # who holds it, when it was exported
    intro: tuple[str, ...]  # what the document holds and how to read it
    sections: tuple[Section, ...]
    paper: str = "A4"
    author: str = "crmdesk"
    footer: str = ""

    def entries(self) -> int:
        return sum(len(s.entries) for s in self.sections)


def shown(text: str) -> str:
    """`text` as the PDF can print it: each character no shipped font has written as its
    code point ("[U+1F600]"), tabs as spaces, other control characters left out."""
    text = text.replace("\t", "    ").replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) != "Cc")
    missing = scripts.unprintable(text)
    for ch in missing:
        text = text.replace(ch, f"[U+{ord(ch):04X}]")
    return text


# ---------------------------------------------------------------------- lines of text


def _utf16_to_index(text: str) -> dict[int, int]:
    """ICU counts in UTF-16 code units; Python in code points."""
    found, units = {0: 0}, 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        found[units] = i + 1
    return found


@cache
def _line_breaker() -> Any:
    import icu

    return icu.BreakIterator.createLineInstance(icu.Locale.getRoot())


def _pieces(text: str) -> list[str]:
    """`text` (one paragraph) cut where a line may break (each piece keeps the spaces after
    it): between words, after a hyphen, between CJK characters, between Thai words."""
    if text.isascii():
        words = text.split(" ")
        return [w + " " for w in words[:-1]] + [words[-1]]
    breaker = _line_breaker()
    breaker.setText(text)
    index = _utf16_to_index(text)
    cuts = [index[b] for b in breaker if b in index]
    pieces, start = [], 0
    for cut in cuts:
        if cut > start:
            pieces.append(text[start:cut])
            start = cut
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _graphemes(piece: str) -> list[str]:
    """A piece cut into characters with their marks (never a Thai vowel or an Arabic
    vowel sign away from its letter)."""
    out: list[str] = []
    for ch in piece:
        if out and unicodedata.category(ch)[0] == "M":
            out[-1] += ch
        else:
            out.append(ch)
    return out


def is_rtl(paragraph: str) -> bool:
    """Is the paragraph written right to left (its first letter Arabic or Hebrew)?"""
    for ch in paragraph:
        kind = unicodedata.bidirectional(ch)
        if kind in _RTL:
            return True
        if kind == "L":
            return False
    return False


Line = tuple[str, bool, bool]  # text, right to left, set flush right


def wrap(text: str, size: float, room: float, bold: bool = False) -> list[Line]:
    """`text` broken into lines of at most `room` points. A paragraph written right to left
    is ordered so on each line; one that runs over several lines is set flush right, like a
    page of Arabic or Hebrew (one short line stays on the left, beside its label)."""
    out: list[Line] = []
    for paragraph in text.split("\n"):
        rtl = is_rtl(paragraph)
        lines = _wrap_paragraph(paragraph, size, room, bold, rtl)
        out += [(line, rtl, rtl and len(lines) > 1) for line in lines]
    return out


def _wrap_paragraph(paragraph: str, size: float, room: float, bold: bool, rtl: bool) -> list[str]:
    def measure(text: str) -> float:
        return scripts.width(text, size, bold, rtl=rtl)

    # Text in one font, unshaped (Latin, Greek, Cyrillic…): a line is as wide as its pieces
    # together, each measured once. Other text is measured as a whole line, as it is drawn
    # (shaping and the order of right-to-left runs change the widths).
    simple = scripts.is_simple(paragraph)
    space = measure(" ")
    lines: list[str] = []
    line, line_width = "", 0.0  # (with the spaces it ends in)
    for piece in _pieces(paragraph):
        word = piece.rstrip(" ")
        word_width = measure(word) if simple else 0.0
        wide = line_width + word_width if simple else measure((line + piece).rstrip(" "))
        if wide <= room:
            line += piece
            line_width += word_width + space * (len(piece) - len(word))
            continue
        if line:
            lines.append(line.rstrip(" "))
            line, line_width = "", 0.0
        if (word_width if simple else measure(word)) <= room:
            line, line_width = piece, word_width + space * (len(piece) - len(word))
            continue
        for cluster in _graphemes(piece):  # a word wider than the line (a long URL)
            if line and measure(line + cluster) > room:
                lines.append(line)
                line = ""
            line += cluster
        line_width = measure(line)
    lines.append(line.rstrip(" "))
    return lines


class _Text(Flowable):
    """Lines of text, wrapped, with an optional label in a column on their left; split
    across pages between lines."""

    def __init__(
        self,
        text: str,
        size: float = 9.5,
        *,
        bold: bool = False,
        label: str = "",
        indent: float = 0,
        colour: str = INK,
        space_after: float = 0,
        lines: list[Line] | None = None,
    ) -> None:
        super().__init__()
        self.text, self.size, self.bold, self.label = text, size, bold, label
        self.indent, self.colour, self.space_after = indent, colour, space_after
        self.leading = size * 1.38
        self.lines = lines
        self._room = -1.0

    def wrap(self, avail_width: float, _avail_height: float) -> tuple[float, float]:
        room = avail_width - self.indent
        if self.lines is None or room != self._room:
            self.lines = wrap(self.text, self.size, room, self.bold)
        self._room = room
        self.width = avail_width
        self.height = self.leading * max(1, len(self.lines))
        return self.width, self.height

    def getSpaceAfter(self) -> float:
        return self.space_after

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self.wrap(avail_width, avail_height)
        assert self.lines is not None
        fits = int(avail_height // self.leading)
        if fits <= 0:
            return []
        if fits >= len(self.lines):
            return [self]
        keep = dict(size=self.size, bold=self.bold, indent=self.indent, colour=self.colour)
        first = _Text(self.text, label=self.label, lines=self.lines[:fits], **keep)  # type: ignore[arg-type]
        rest = _Text(self.text, lines=self.lines[fits:], space_after=self.space_after, **keep)  # type: ignore[arg-type]
        first._room = rest._room = self._room
        return [first, rest]

    def draw(self) -> None:
        from reportlab.lib.colors import HexColor

        canvas = self.canv
        canvas.saveState()
        y = self.height - self.size
        if self.label:
            canvas.setFillColor(HexColor(MUTED))
            scripts.draw(canvas, 0, y, self.label, self.size)
        canvas.setFillColor(HexColor(self.colour))
        for line, rtl, flush_right in self.lines or []:
            if flush_right:
                scripts.draw(
                    canvas, self.width, y, line, self.size, bold=self.bold, align="right", rtl=True
                )
            else:
                scripts.draw(canvas, self.indent, y, line, self.size, bold=self.bold, rtl=rtl)
            y -= self.leading
        canvas.restoreState()


class _Picture(Flowable):
    """An image (a PNG at `dpi`) under its label: printed at its own size, or smaller to
    fit the width."""

    LABEL = 9.0  # points

    def __init__(self, label: str, png: bytes, dpi: float = 100) -> None:
        super().__init__()
        from reportlab.lib.utils import ImageReader

        self.label, self.space_after = label, 1.0
        self.image = ImageReader(io.BytesIO(png))
        width, height = self.image.getSize()
        self.natural = (width * 72 / dpi, height * 72 / dpi)
        self.scale = 1.0

    def wrap(self, avail_width: float, _avail_height: float) -> tuple[float, float]:
        w, h = self.natural
        self.scale = min(1.0, avail_width / w)
        self.width, self.height = avail_width, self.LABEL * 1.38 + h * self.scale
        return self.width, self.height

    def getSpaceAfter(self) -> float:
        return self.space_after

    def draw(self) -> None:
        from reportlab.lib.colors import HexColor

        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(HexColor(MUTED))
        scripts.draw(canvas, 0, self.height - self.LABEL, self.label, self.LABEL)
        w, h = self.natural
        canvas.drawImage(self.image, 0, 0, w * self.scale, h * self.scale)
        canvas.restoreState()


class _Rule(Flowable):
    """A thin line under a section's title."""

    def wrap(self, avail_width: float, _avail_height: float) -> tuple[float, float]:
        self.width, self.height = avail_width, 4
        return self.width, self.height

    def draw(self) -> None:
        from reportlab.lib.colors import HexColor

        self.canv.setStrokeColor(HexColor(ACCENT))
        self.canv.setLineWidth(0.6)
        self.canv.line(0, 3, self.width, 3)


class _Step(Flowable):
    """A zero-size marker before each record: reports progress, lets the user cancel."""

    def __init__(self, n: int, total: int, progress: Callable[[int, int], bool] | None) -> None:
        super().__init__()
        self.n, self.total, self.progress = n, total, progress
        self.width = self.height = 0

    def wrap(self, *_: Any) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        if self.progress is not None and self.progress(self.n, self.total) is False:
            raise Cancelled()


# ---------------------------------------------------------------------- the document

LABEL_WIDTH = 130.0  # points: "Marketing consent given" fits at 8.5 pt


def _entry(entry: Entry, label_width: float) -> list[Flowable]:
    from reportlab.platypus import KeepTogether

    head = [_Text(shown(entry.heading), 9.5, bold=True, space_after=1)]
    if entry.deleted:
        head.append(_Text(shown(entry.deleted), 8.5, colour=DELETED, space_after=1))
    body: list[_Text | _Picture] = []
    for label, value in entry.fields:
        body.append(_Text(shown(value), 9, label=shown(label), indent=label_width, space_after=1))
    body += [_Picture(shown(label), png) for label, png in entry.images]
    if body:
        body[-1].space_after = 7
    else:
        head[-1].space_after = 7
    # the heading never stands alone at the foot of a page
    return [KeepTogether([*head, *body[:1]]), *body[1:]]


def write_person_data(
    out: Path | IO[bytes],
    document: PersonDocument,
    progress: Callable[[int, int], bool] | None = None,
) -> int:
    """Lay out the document; return the number of pages. `progress(n, total)` is called
    as record n starts; returning False cancels (raises Cancelled, no file is finished)."""
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, SimpleDocTemplate, Spacer

    fonts.register()
    size = LETTER if document.paper.lower() == "letter" else A4
    doc = SimpleDocTemplate(
        str(out) if isinstance(out, Path) else out,
        pagesize=size,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=document.title,
        author=document.author,
        creator="crmdesk",
    )
    story: list[Flowable] = [_Text(shown(document.title), 16, bold=True, space_after=4)]
    story += [_Text(shown(line), 9.5, colour=MUTED) for line in document.lines]
    story.append(Spacer(1, 8))
    story += [_Text(shown(line), 9.5, space_after=4) for line in document.intro]
    total, n = document.entries(), 0
    for section in document.sections:
        story += [CondPageBreak(30 * mm), Spacer(1, 8)]
        story.append(_Text(shown(section.title), 12.5, bold=True, colour=ACCENT))
        story.append(_Rule())
        if section.intro:
            story.append(_Text(shown(section.intro), 8.5, colour=MUTED, space_after=4))
        if not section.entries:
            story.append(_Text(section.empty, 9.5, colour=MUTED))
        for entry in section.entries:
            story.append(_Step(n, total, progress))
            story += _entry(entry, LABEL_WIDTH)
            n += 1

    def footer(canvas: Any, doc_: Any) -> None:
        canvas.saveState()
        canvas.setFont(fonts.REGULAR, 7.5)
        canvas.setFillGray(0.45)
        scripts.draw(canvas, doc.leftMargin, 9 * mm, shown(document.footer), 7.5)
        canvas.setFont(fonts.REGULAR, 7.5)
        canvas.drawRightString(doc.leftMargin + doc.width, 9 * mm, f"Page {doc_.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return int(doc.page)
