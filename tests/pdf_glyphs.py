"""Does a printed PDF draw any empty box (.notdef)? Every character on the page is read with
PDFium (the text it stands for and the font it is set in), and it must be in the cmap of the
shipped font it was set in (read with fontTools). A character set in a font that lacks it
fails: ReportLab then draws the font's .notdef glyph, which stands for no text (PDFium reads
it as U+0000).

A shaped run (Arabic joined forms, Devanagari conjuncts) may draw glyphs that no character
maps to: ReportLab gives them private-use codes (U+E000…), which are allowed in the fonts
that are shaped."""

from __future__ import annotations

import ctypes
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw
from fontTools.ttLib import TTFont, TTLibError

from crmdesk.documents import fonts


@cache
def _shipped() -> dict[str, tuple[frozenset[int], bool]]:
    """PostScript name → (cmap, shaped) of every shipped face."""
    found = {}
    for family in fonts.FAMILIES:
        for file in family.files:
            if not file:
                continue
            path = fonts.folder() / file
            try:
                with TTFont(path, fontNumber=0, lazy=True) as font:
                    name = font["name"].getDebugName(6) or path.stem
                    found[name] = (frozenset(font.getBestCmap()), family.shaped)
            except TTLibError:
                continue
    return found


def _font_for(base_name: str) -> tuple[frozenset[int], bool] | None:
    name = base_name.split("+", 1)[-1]
    for ps_name, info in _shipped().items():
        if name == ps_name or name.startswith(ps_name + "-"):
            return info
    return None


def box_problems(path: Path) -> list[str]:
    """What on which page would print as an empty box; [] when every glyph is real."""
    problems = []
    pdf = pdfium.PdfDocument(path)
    try:
        for number, page in enumerate(pdf, 1):
            textpage = page.get_textpage()
            for i in range(textpage.count_chars()):
                if raw.FPDFText_IsGenerated(textpage.raw, i) == 1:
                    continue  # a line break the reader added
                code = raw.FPDFText_GetUnicode(textpage.raw, i)
                if code and chr(code).isspace():
                    continue  # a space draws nothing (and PDFium adds some of its own)
                size = raw.FPDFText_GetFontInfo(textpage.raw, i, None, 0, None)
                buffer = ctypes.create_string_buffer(size)
                raw.FPDFText_GetFontInfo(textpage.raw, i, buffer, size, None)
                base = buffer.value.decode()
                where = f"page {number}, character {i} in {base}"
                if code == 0:  # ReportLab drew the font's .notdef: no text stands for it
                    problems.append(f"{where}: an empty box")
                    continue
                info = _font_for(base)
                if info is None:
                    problems.append(f"{where}: not a shipped font")
                    continue
                cmap, shaped = info
                private = 0xE000 <= code <= 0xF8FF
                if code in cmap or (private and shaped):
                    continue
                problems.append(f"{where}: U+{code:04X} has no glyph in that font")
            textpage.close()
    finally:
        pdf.close()
    return problems
