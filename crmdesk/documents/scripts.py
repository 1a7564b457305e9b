"""Text in any script on the page: which font sets each character, in which order the runs
stand (the Unicode bidi algorithm, so محمد and דוד read right to left inside a Latin line),
and shaping (Arabic joined, Thai and Devanagari marks and conjuncts) through ReportLab's own
HarfBuzz support.

    runs("12 Main St, محمد العلي")    # runs in visual order, each in one font
    draw(canvas, x, y, text, 10)      # one line, shaped, bidi-ordered, fonts per run
    markup(text)                      # paragraph markup with <font name=...> per run
    unprintable(text)                 # the characters no shipped font has ("" if none)

A text that only uses DejaVu's Latin/Greek/Cyrillic takes a fast path: one run, no bidi,
no shaping, as before.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from crmdesk.documents import fonts

# Characters nobody sees and that need no glyph: joiners, direction marks, soft hyphen.
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff")
_RTL_CLASSES = frozenset(("R", "AL", "AN", "RLE", "RLO", "RLI"))

# Script ranges whose own family is preferred even where DejaVu also has the letters
# (its Arabic and Hebrew are neither as complete nor as readable as Noto's).
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0590, 0x05FF, "hebrew"), (0xFB1D, 0xFB4F, "hebrew"),
    (0x0600, 0x06FF, "arabic"), (0x0750, 0x077F, "arabic"), (0x08A0, 0x08FF, "arabic"),
    (0xFB50, 0xFDFF, "arabic"), (0xFE70, 0xFEFF, "arabic"),
    (0x0900, 0x097F, "devanagari"), (0xA8E0, 0xA8FF, "devanagari"),
    (0x0E00, 0x0E7F, "thai"),
    (0x1100, 0x11FF, "cjk"), (0x2E80, 0x2FDF, "cjk"), (0x3000, 0x30FF, "cjk"),
    (0x3130, 0x318F, "cjk"), (0x31C0, 0x9FFF, "cjk"), (0xAC00, 0xD7AF, "cjk"),
    (0xF900, 0xFAFF, "cjk"), (0xFF00, 0xFFEF, "cjk"), (0x20000, 0x3FFFF, "cjk"),
)  # fmt: skip


# HarfBuzz features: kerning and the standard ligatures. Not ReportLab's default "dlig":
# discretionary ligatures turn محمد into a vowelled مُحَمَّد, which is not how the client
# writes their name.
FEATURES = {"kern": True, "liga": True}


@dataclass(frozen=True)
class Run:
    text: str  # in logical order (HarfBuzz puts a right-to-left run in visual order)
    family: fonts.Family
    rtl: bool


def _script_of(code: int) -> str | None:
    for low, high, key in _RANGES:
        if low <= code <= high:
            return key
    return None


@cache
def _simple() -> frozenset[str]:
    """Characters DejaVu sets with no help: in its cmap, outside every script range and
    not right-to-left."""
    return frozenset(
        chr(c)
        for c in fonts.coverage("latin")
        if _script_of(c) is None and unicodedata.bidirectional(chr(c)) not in _RTL_CLASSES
    )


def is_simple(text: str) -> bool:
    if text.isascii():
        return True
    return _simple().issuperset(text.replace("\n", ""))  # (in C: a letter in 20 µs)


def _has(key: str, ch: str) -> bool:
    return ord(ch) in fonts.coverage(key)


def _strong_family(ch: str) -> str | None:
    """The family for a letter: its script's, else the first that has it."""
    preferred = _script_of(ord(ch))
    if preferred is not None and _has(preferred, ch):
        return preferred
    if ch in _simple():
        return "latin"
    return next((f.key for f in fonts.FAMILIES if _has(f.key, ch)), None)


def _is_neutral(ch: str) -> bool:
    """Spaces, punctuation, digits and marks: set in the font of the text around them."""
    return unicodedata.category(ch)[0] in "ZPNSMC"


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "L"


def unprintable(text: str) -> str:
    """The characters of `text` that no shipped font can draw, each once, in order."""
    if is_simple(text):
        return ""
    out: dict[str, None] = {}
    for ch in unicodedata.normalize("NFC", text):
        if ch in _INVISIBLE or ch in "\n\t" or ch in _simple():
            continue
        if _strong_family(ch) is None:
            out.setdefault(ch, None)
    return "".join(out)


def cannot_print(chars: str) -> str:
    """Why a document is held back: the characters no shipped font has (they would print
    as empty boxes)."""
    return f"no font here can print {describe(chars)}; correct the name or address first"


def describe(chars: str) -> str:
    """“U+10FFFD” / “U+0F00 (TIBETAN SYLLABLE OM)” for a message."""

    def one(ch: str) -> str:
        name = unicodedata.name(ch, "")
        return f"U+{ord(ch):04X}" + (f" ({name})" if name else "")

    return ", ".join(one(ch) for ch in chars[:5]) + (" …" if len(chars) > 5 else "")


def _families(text: str) -> list[str | None]:
    """The family of each character: letters by script and coverage; neutrals and marks
    join the letter before them if that font has them, else the letter after."""
    keys: list[str | None] = [None if _is_neutral(ch) else _strong_family(ch) for ch in text]
    strong = [k for k in keys if k is not None]
    for i, ch in enumerate(text):
        if keys[i] is not None or not _is_neutral(ch):
            continue
        before = next((keys[j] for j in range(i - 1, -1, -1) if keys[j] is not None), None)
        after = next((keys[j] for j in range(i + 1, len(text)) if keys[j] is not None), None)
        mark = unicodedata.category(ch)[0] == "M"
        candidates = [before] if mark else [before, after, "latin", *strong]
        keys[i] = next((k for k in candidates if k is not None and _has(k, ch)), None)
        if keys[i] is None and not mark:
            keys[i] = next((f.key for f in fonts.FAMILIES if _has(f.key, ch)), None)
    return keys


def _levels(text: str, rtl: bool = False) -> list[int]:
    """Embedding levels by the Unicode bidi algorithm, base direction left to right (a
    letter is in the shop's language; a name or an address line within it is embedded),
    or right to left for a line of a paragraph written in Arabic or Hebrew (`rtl`).

    python-bidi's main API gives only the reordered string; its reference implementation
    (bidi.algorithm) exposes the levels, which is what reordering runs of fonts needs."""
    if not rtl and not any(unicodedata.bidirectional(ch) in _RTL_CLASSES for ch in text):
        return [0] * len(text)
    from bidi import algorithm

    storage = algorithm.get_empty_storage()
    storage["base_level"], storage["base_dir"] = (1, "R") if rtl else (0, "L")
    algorithm.get_embedding_levels(text, storage)
    algorithm.explicit_embed_and_overrides(storage, False)
    algorithm.resolve_weak_types(storage, False)
    algorithm.resolve_neutral_types(storage, False)
    algorithm.resolve_implicit_levels(storage, False)
    return [int(c["level"]) for c in storage["chars"]]


def _visual_order(levels: list[int]) -> list[int]:
    """Rule L2: from the highest level down to the lowest odd one, reverse every run of
    characters at that level or higher. Returns logical indices in visual order."""
    order = list(range(len(levels)))
    odd = [lv for lv in levels if lv % 2]
    if not odd:
        return order
    for level in range(max(levels), min(odd) - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return order


@lru_cache(maxsize=4096)
def runs(text: str, rtl: bool = False) -> tuple[Run, ...]:
    """`text` (one line) as runs in visual order, left to right; each run is in one family
    and one direction. Characters no font has stay in the Latin run (see unprintable).
    `rtl`: the line's base direction is right to left (a line of an Arabic or Hebrew
    paragraph: its full stop stands at its left end)."""
    if is_simple(text):
        return (Run(text, fonts.LATIN, False),) if text else ()
    text = unicodedata.normalize("NFC", text)
    levels = _levels(text, rtl)
    # direction marks (a name followed by U+200E in a Latin line) decide the levels, then go:
    # they draw nothing
    kept = [i for i, ch in enumerate(text) if ch not in "\u200e\u200f"]
    text, levels = "".join(text[i] for i in kept), [levels[i] for i in kept]
    keys = [k or "latin" for k in _families(text)]
    out: list[Run] = []
    start = None  # (first logical index, last, key, level)
    for i in _visual_order(levels):
        key, level = keys[i], levels[i]
        if start is not None:
            first, last, run_key, run_level = start
            step = -1 if run_level % 2 else 1
            if key == run_key and level == run_level and i == last + step:
                start = (first, i, key, level)
                continue
            out.append(_run(text, start))
        start = (i, i, key, level)
    if start is not None:
        out.append(_run(text, start))
    return tuple(out)


def _run(text: str, span: tuple[int, int, str, int]) -> Run:
    first, last, key, level = span
    low, high = min(first, last), max(first, last)
    piece = text[low : high + 1]
    # Punctuation after a right-to-left name ("محمد,") is set apart from it, in the Latin
    # font where it has it: shaped with the name, HarfBuzz would put it on the name's left.
    if (
        not level % 2
        and key != "latin"
        and not any(map(_is_letter, piece))
        and all(_has("latin", ch) for ch in piece)
    ):
        key = "latin"
    family = fonts.BY_KEY[key]
    fonts.register_family(key)
    if not family.shaped:
        piece = "".join(ch for ch in piece if ch not in _INVISIBLE or _has(key, ch))
    return Run(piece, family, bool(level % 2))


# ---------------------------------------------------------------------- on a canvas


@lru_cache(maxsize=8192)
def _shaped(text: str, font: str, size: float) -> tuple[Any, float]:
    """The run shaped by HarfBuzz (through ReportLab) and its advance width."""
    from reportlab.lib.abag import ABag
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfbase.ttfonts import ShapedStr, shapeFragWord

    word = [stringWidth(text, font, size), (ABag(fontName=font, fontSize=size), text)]
    shaped = shapeFragWord(word, features=FEATURES, force=True)[1][1]
    if isinstance(shaped, ShapedStr):
        width = sum(d.x_advance for d in shaped.__shapeData__) * size / 1000
        return shaped, width
    return text, stringWidth(text, font, size)


def width(
    text: str, size: float, bold: bool = False, italic: bool = False, rtl: bool = False
) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if is_simple(text):
        return float(stringWidth(text, fonts.LATIN.face(bold, italic), size))
    total = 0.0
    for run in runs(text, rtl):
        font = run.family.face(bold, italic)
        if run.family.shaped:
            total += _shaped(run.text, font, size)[1]
        else:
            total += stringWidth(run.text, font, size)
    return total


def draw(canvas: Any, x: float, y: float, text: str, size: float, *, bold: bool = False,
         italic: bool = False, align: str = "left", rtl: bool = False) -> None:  # fmt: skip
    """Draw one line at (x, y): `align` "left", "right" (x is the right end) or "centre";
    `rtl`: the line's base direction is right to left (see runs).
    The canvas's font is left as the line's last run set it (`width` measures a line)."""
    if is_simple(text):  # the fast path: one font, no bidi, no shaping
        font = fonts.LATIN.face(bold, italic)
        canvas.setFont(font, size)
        if align == "right":
            canvas.drawRightString(x, y, text)
        elif align == "centre":
            canvas.drawCentredString(x, y, text)
        else:
            canvas.drawString(x, y, text)
        return
    if align == "right":
        x -= width(text, size, bold, italic, rtl)
    elif align == "centre":
        x -= width(text, size, bold, italic, rtl) / 2
    from reportlab.pdfbase.pdfmetrics import stringWidth

    for run in runs(text, rtl):
        font = run.family.face(bold, italic)
        canvas.setFont(font, size)
        if run.family.shaped:
            shaped, advance = _shaped(run.text, font, size)
            canvas.drawString(x, y, shaped)
        else:
            advance = stringWidth(run.text, font, size)
            if bold and run.family.synthetic_bold:
                _stroked(canvas, x, y, run.text, size)
            else:
                canvas.drawString(x, y, run.text)
        x += advance


def _stroked(canvas: Any, x: float, y: float, text: str, size: float) -> None:
    """Synthetic bold: the outline stroked as well as filled, about as heavy as a bold."""
    canvas.saveState()
    canvas.setLineWidth(size * 0.045)
    fill = canvas._fillColorObj
    if fill is not None:
        canvas.setStrokeColor(fill)
    text_object = canvas.beginText(x, y)
    text_object.setTextRenderMode(2)
    text_object.textOut(text)
    canvas.drawText(text_object)
    canvas.restoreState()


def fit(text: str, size: float, room: float, bold: bool = False) -> str:
    """`text` cut at the end to fit `room` points (whole characters, never half a run)."""
    while text and width(text, size, bold) > room:
        text = text[:-1]
    return text


# ---------------------------------------------------------------------- in a paragraph


@lru_cache(maxsize=4096)
def markup(escaped: str) -> str:
    """Paragraph markup (already XML-escaped, may hold <b>, <i>, <br/>) with every run of
    another script wrapped in <font name=...>, and right-to-left runs' words put in visual
    order (HarfBuzz orders the letters within each word). Simple text is returned as is.

    A right-to-left phrase is reordered within the paragraph line it is written on; one that
    the paragraph wraps across two lines reads in the wrong line order (names and addresses
    are short; a whole letter in Arabic or Hebrew is not supported)."""
    from xml.sax.saxutils import escape, unescape

    if is_simple(unescape(escaped)):
        return escaped
    out = []
    for part in _split_tags(escaped):
        if part.startswith("<"):
            out.append(part)
            continue
        for run in runs(unescape(part)):
            text = run.text
            if run.rtl:
                text = " ".join(reversed(text.split(" ")))
            text = escape(text)
            if run.family is fonts.LATIN:
                out.append(text)
            else:
                out.append(f'<font name="{run.family.regular}">{text}</font>')
    return "".join(out)


def _split_tags(escaped: str) -> list[str]:
    import re

    return [p for p in re.split(r"(<[^>]*>)", escaped) if p]


def paragraph(escaped: str, style: Any, **kwargs: Any) -> Any:
    """A ReportLab Paragraph of `escaped` markup in any script (see markup)."""
    from reportlab.platypus import Paragraph

    text = markup(escaped)
    if text is not escaped and _needs_shaping(escaped):
        install_paragraph_shaping()
        return Paragraph(text, _shaping(style), **kwargs)
    return Paragraph(text, style, frags=_parsed(text, style), **kwargs)


@lru_cache(maxsize=4096)
def _parsed(text: str, style: Any) -> Any:
    """The fragments ReportLab parses `text` into, once per text and style: a batch of
    letters repeats most paragraphs word for word (a tenth of laying out 1,000 letters went
    into parsing them again). Laying out a paragraph reads its fragments and works on
    copies, so paragraphs share them safely."""
    from reportlab.platypus import Paragraph

    return Paragraph(text, style).frags


@lru_cache(maxsize=4096)
def _needs_shaping(escaped: str) -> bool:
    from xml.sax.saxutils import unescape

    return any(run.family.shaped for part in _split_tags(escaped) if not part.startswith("<")
               for run in runs(unescape(part)))  # fmt: skip


@lru_cache(maxsize=64)
def _shaping(style: Any) -> Any:
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(f"{style.name}-shaped", parent=style, shaping=1)


# ---------------------------------------------------------------------- ReportLab's paragraphs


def install_paragraph_shaping() -> None:
    """ReportLab shapes a paragraph's word with the font of its first fragment; a word that
    changes font ("כהן," — Hebrew, then a Latin comma) would take the comma from the Hebrew
    font's glyph ids. Shape each font's part of a word on its own, and only in the fonts that
    need shaping (Latin words stay as they are: faster, and set exactly as before)."""
    from reportlab.platypus import paragraph

    if getattr(paragraph.shapeFragWord, "_crmdesk", False):
        return
    original = paragraph.shapeFragWord

    def shape_by_font(word: Any) -> Any:
        from reportlab.pdfbase.pdfmetrics import stringWidth
        from reportlab.pdfbase.ttfonts import ShapedFragWord, makeShapedFragWord

        if isinstance(word, ShapedFragWord):
            return word
        items = word[1:]
        if not any(_frag_shaped(f) for f, _ in items):
            return word
        groups: list[list[Any]] = []
        for item in items:
            frag = item[0]
            if groups and (hasattr(frag, "cbDefn") or groups[-1][0][0].fontName == frag.fontName):
                groups[-1].append(item)
            else:
                groups.append([item])
        parts = []
        for group in groups:
            if _frag_shaped(group[0][0]):
                w = sum(stringWidth(t, f.fontName, f.fontSize) for f, t in group
                        if not hasattr(f, "cbDefn"))  # fmt: skip
                parts.append(original([w, *group], features=FEATURES))
            else:
                w = sum(stringWidth(t, f.fontName, f.fontSize) for f, t in group
                        if not hasattr(f, "cbDefn"))  # fmt: skip
                parts.append([w, *group])
        new = makeShapedFragWord(word)([sum(p[0] for p in parts)])
        for part in parts:
            new.extend(part[1:])
        return new

    shape_by_font._crmdesk = True  # type: ignore[attr-defined]
    paragraph.shapeFragWord = shape_by_font


def _frag_shaped(frag: Any) -> bool:
    family = fonts.BY_FONT.get(getattr(frag, "fontName", ""))
    return family is not None and family.shaped
