"""A form's code from the QR code on the page, and which way up the page lies by it.

Only a QR code that decodes whole (its error correction checks every character) and holds a
code in the form crmdesk prints ("S-" and 7 of the code alphabet) names a form: a code is
never guessed from part of a QR code or from the printed text."""

from __future__ import annotations

import re
from dataclasses import dataclass

import zxingcpp
from PIL import Image

from crmdesk.services.surveys import CODE_ALPHABET, CODE_LENGTH

_QR = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
_CODE = re.compile(f"S-[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")


@dataclass(frozen=True)
class FoundCode:
    code: str | None  # None: a QR code that is not a crmdesk form's
    text: str  # what the QR code holds
    turned: int  # the page lies turned this far anticlockwise: 0, 90, 180 or 270 degrees
    corners: tuple[tuple[float, float], ...]  # the QR code's TL, TR, BR, BL in the image


def find_code(image: Image.Image) -> FoundCode | None:
    """The page's QR code (the first crmdesk code if there are several), or None."""
    found = zxingcpp.read_barcodes(image, formats=_QR)
    best: FoundCode | None = None
    for result in found:
        if not result.valid:
            continue
        text = result.text.strip()
        p = result.position
        corners = tuple(
            (float(q.x), float(q.y))
            for q in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)
        )
        turned = round(-result.orientation / 90) % 4 * 90
        code = text if _CODE.fullmatch(text) else None
        if code is not None:
            return FoundCode(code, text, turned, corners)
        best = best or FoundCode(None, text, turned, corners)
    return best
