"""The embedded Unicode font: DejaVu Sans (Latin, Greek, Cyrillic, Vietnamese), shipped in
resources/fonts so names like Łukasz Wróbel, Nguyễn Thị Hoa, Σοφία and Ольга print."""

from __future__ import annotations

from functools import cache

from crmdesk import paths

REGULAR = "CrmSans"
BOLD = "CrmSans-Bold"
ITALIC = "CrmSans-Italic"
BOLD_ITALIC = "CrmSans-BoldItalic"

_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}


@cache
def register() -> str:
    """Register the family with ReportLab (once per process); return its regular name.
    <b> and <i> in paragraphs pick the bold and italic faces."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = paths.resources_dir() / "fonts"
    for name, file in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD_ITALIC)
    return REGULAR
