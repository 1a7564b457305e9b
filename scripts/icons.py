"""Render the application icon (packaging/linux/icons/crmdesk.svg) to the PNG sizes the
desktops, the window and the bundles use, and to Windows' .ico and macOS's .icns (Pillow
packs those from the PNGs). Run after changing the SVG:

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/icons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

PACKAGING = Path(__file__).resolve().parent.parent / "packaging"
ICONS = PACKAGING / "linux" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(svg: Path, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    return image


def main() -> int:
    QGuiApplication(sys.argv[:1])
    svg = ICONS / "crmdesk.svg"
    for size in SIZES:
        out = ICONS / f"crmdesk-{size}.png"
        if not render(svg, size).save(str(out)):
            print(f"could not write {out}", file=sys.stderr)
            return 1
    from PIL import Image

    largest = Image.open(ICONS / f"crmdesk-{SIZES[-1]}.png")
    largest.save(PACKAGING / "windows" / "crmdesk.ico", sizes=[(s, s) for s in SIZES if s <= 256])
    largest.save(PACKAGING / "macos" / "crmdesk.icns")
    print(f"wrote {len(SIZES)} icons into {ICONS}, crmdesk.ico and crmdesk.icns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
