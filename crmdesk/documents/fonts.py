"""The embedded fonts, one family per script, shipped in resources/fonts (TrueType outlines:
ReportLab cannot embed CFF):

- DejaVu Sans: Latin, Greek, Cyrillic, Vietnamese (Łukasz, Nguyễn, Σοφία, Ольга) and symbols;
- Noto Sans Arabic, Hebrew, Thai and Devanagari (regular and bold; OFL);
- WenQuanYi Micro Hei: Chinese, Japanese kana and Korean Hangul in one face (Apache 2.0).
  It has no bold: bold CJK is drawn with a stroked outline on the canvas (synthetic bold)
  and printed regular inside letter paragraphs.

No script font has an italic: italic text in those scripts prints upright.

Which family sets a character is decided in documents/scripts.py; this module registers the
families with ReportLab (lazily: the CJK face is 5 MB and most batches never need it) and
says which characters each family has (its cmap).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from crmdesk import paths

REGULAR = "CrmSans"
BOLD = "CrmSans-Bold"
ITALIC = "CrmSans-Italic"
BOLD_ITALIC = "CrmSans-BoldItalic"


@dataclass(frozen=True)
class Family:
    key: str  # "latin", "arabic", ...
    regular: str  # the ReportLab font names of its faces
    bold: str
    italic: str
    bold_italic: str
    files: tuple[str, ...]  # regular, bold, italic, bold italic ("" = use regular / bold)
    shaped: bool  # needs OpenType shaping (joining, marks, conjuncts)
    synthetic_bold: bool = False  # no bold face: the regular one, stroked

    def face(self, bold: bool, italic: bool) -> str:
        if bold:
            return self.bold_italic if italic else self.bold
        return self.italic if italic else self.regular


def _script_family(key: str, stem: str, name: str) -> Family:
    regular, bold = f"Crm{name}", f"Crm{name}-Bold"
    return Family(key, regular, bold, regular, bold,
                  (f"{stem}-Regular.ttf", f"{stem}-Bold.ttf", "", ""), shaped=True)  # fmt: skip


LATIN = Family(
    "latin", REGULAR, BOLD, ITALIC, BOLD_ITALIC,
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf",
     "DejaVuSans-BoldOblique.ttf"),
    shaped=False,
)  # fmt: skip
ARABIC = _script_family("arabic", "NotoSansArabic", "Arabic")
HEBREW = _script_family("hebrew", "NotoSansHebrew", "Hebrew")
THAI = _script_family("thai", "NotoSansThai", "Thai")
DEVANAGARI = _script_family("devanagari", "NotoSansDevanagari", "Devanagari")
CJK = Family("cjk", "CrmCJK", "CrmCJK", "CrmCJK", "CrmCJK", ("wqy-microhei.ttc", "", "", ""),
             shaped=False, synthetic_bold=True)  # fmt: skip

# In the order a character outside every script range is looked for.
FAMILIES: tuple[Family, ...] = (LATIN, ARABIC, HEBREW, THAI, DEVANAGARI, CJK)
BY_KEY = {f.key: f for f in FAMILIES}
BY_FONT = {name: f for f in FAMILIES for name in (f.regular, f.bold, f.italic, f.bold_italic)}


def folder() -> Path:
    return paths.resources_dir() / "fonts"


def font_files() -> list[Path]:
    """Every font file shipped (for the window's font database)."""
    return [folder() / file for family in FAMILIES for file in family.files if file]


@cache
def register() -> str:
    """Register the Latin family with ReportLab (once per process); return its regular name.
    <b> and <i> in paragraphs pick the bold and italic faces."""
    return register_family(LATIN.key)


@cache
def register_family(key: str) -> str:
    """Register one family's faces (once per process) and the <b>/<i> mapping of its
    regular name; returns that name."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    family = BY_KEY[key]
    regular, bold, italic, bold_italic = family.files
    files = {
        family.regular: regular,
        family.bold: bold or regular,
        family.italic: italic or regular,
        family.bold_italic: bold_italic or bold or regular,
    }
    for name, file in files.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            # Shaping is asked for per run (documents/scripts.py), never for a whole
            # paragraph's Latin text: `shapable` only allows it.
            pdfmetrics.registerFont(TTFont(name, str(folder() / file), subfontIndex=0))
    addMapping(family.regular, 0, 0, family.regular)
    addMapping(family.regular, 1, 0, family.bold)
    addMapping(family.regular, 0, 1, family.italic)
    addMapping(family.regular, 1, 1, family.bold_italic)
    return family.regular


@cache
def coverage(key: str) -> frozenset[int]:
    """The code points the family's regular face has a glyph for (its cmap)."""
    from reportlab.pdfbase import pdfmetrics

    font = pdfmetrics.getFont(register_family(key))
    return frozenset(c for c, glyph in font.face.charToGlyph.items() if glyph)
