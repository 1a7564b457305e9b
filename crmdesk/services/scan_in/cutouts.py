"""Parts of a scanned page cut out upright, as the form has them: the score row of a page
to check (shown to the person checking it), the handwritten comment and referral (kept
with the answer for the owner to read; nothing is OCR'd). The page's homography maps each
pixel of the cut-out back into the scan, so a page turned, skewed or photographed at an
angle comes out straight."""

from __future__ import annotations

import numpy as np
from PIL import Image

from crmdesk.documents.form_geometry import Box, FormLayout
from crmdesk.services.scan_in.registration import Registration

CUT_DPI = 100  # enough to read handwriting, small enough to keep
PAGE_DPI = 80  # the whole page shown to the person checking it
MARGIN_MM = 2.0  # round each part cut out
MM = 72 / 25.4
INK = 0.5  # darker than this share of the paper round it is ink
WRITTEN_PX = 40  # this much ink (at CUT_DPI, about 2.5 mm² — a stroke of 5 mm) is writing


def cut_out(image: Image.Image, reg: Registration, box: Box, margin_mm: float = MARGIN_MM,
            dpi: float = CUT_DPI) -> Image.Image:  # fmt: skip
    """The form's `box` (points, y up) with `margin_mm` round it, upright, at `dpi`."""
    x, y, w, h = box
    m = margin_mm * MM
    left, top = x - m, y + h + m  # the cut-out's top left, on the form
    scale = 72 / dpi  # form points per cut-out pixel
    size = (max(1, round((w + 2 * m) / scale)), max(1, round((h + 2 * m) / scale)))
    # cut-out pixel (u, v) → form point (left + u·s, top − v·s) → scan pixel by the homography
    to_form = np.array([[scale, 0, left], [0, -scale, top], [0, 0, 1]], dtype=np.float64)
    full = reg.matrix @ to_form
    full = full / full[2, 2]
    coefficients = tuple(float(c) for c in full.ravel()[:8])
    return image.transform(size, Image.Transform.PERSPECTIVE, coefficients,
                           Image.Resampling.BILINEAR, fillcolor=255)  # fmt: skip


def score_row(geo: FormLayout) -> Box:
    """The 0–10 boxes and their numbers (above them, on a version 1 form)."""
    first, last = geo.score_boxes[0], geo.score_boxes[-1]
    above = 0 if geo.numbers_inside else 8 * MM
    return (first[0], first[1], last[0] + last[2] - first[0], first[3] + above)


def rows(geo: FormLayout) -> dict[str, Box]:
    """What the person checking a page is shown: the score row, each extra question's
    boxes, the consents; and the handwritten parts, kept with the answer."""
    found = {"score": score_row(geo)}
    for n, boxes in enumerate(geo.extra_boxes, 1):
        x, y, w, h = _around(boxes)
        found[f"question {n}"] = (x, y, min(w + 28 * MM, geo.page[0] - x - 18 * MM), h)
    if geo.consent_boxes:
        x, y, w, h = _around(list(geo.consent_boxes.values()))
        found["consents"] = (x, y, w + 110 * MM, h)  # with their words
    return found | handwriting(geo)


def _around(boxes: list[Box]) -> Box:
    left = min(b[0] for b in boxes)
    bottom = min(b[1] for b in boxes)
    right = max(b[0] + b[2] for b in boxes)
    top = max(b[1] + b[3] for b in boxes)
    return (left, bottom, right - left, top - bottom)


def handwriting(geo: FormLayout) -> dict[str, Box]:
    """Where people write: the reason for their score, and who else would enjoy us."""
    areas = {"reason": geo.reason_box}
    if geo.referral_lines:
        _nx, ny, _nw, _ = geo.referral_lines["name"]
        px, _py, pw, _ = geo.referral_lines["phone"]
        left = geo.reason_box[0]
        areas["referral"] = (left, ny - 2 * MM, px + pw - left, 12 * MM)
    return areas


def writing_zones(geo: FormLayout) -> dict[str, list[Box]]:
    """Where handwriting is looked for in each handwritten part: inside the reason box's
    printed line; above the referral's two lines, clear of the lines and of the words
    printed beside and above them."""
    x, y, w, h = geo.reason_box
    inset = 1.5 * MM
    zones = {"reason": [(x + inset, y + inset, w - 2 * inset, h - 2 * inset)]}
    if geo.referral_lines:
        zones["referral"] = [(lx, ly + 0.8 * MM, lw, 5 * MM)
                             for lx, ly, lw, _ in geo.referral_lines.values()]  # fmt: skip
    return zones


def written(cut: Image.Image, part: Box, zones: list[Box], dpi: float = CUT_DPI) -> bool:
    """Whether the cut-out of `part` (made by cut_out) has handwriting in its `zones`:
    enough pixels darker than half the paper's brightness. Scanner noise, a grey paper
    and the faint shadow of the other side stay lighter than that."""
    grey = np.asarray(cut, dtype=np.float32)
    paper = max(float(np.percentile(grey, 90)), 1.0)
    scale = dpi / 72  # cut-out pixels per form point
    left, top = part[0] - MARGIN_MM * MM, part[1] + part[3] + MARGIN_MM * MM
    ink = 0
    for x, y, w, h in zones:
        c0, r0 = max(0, round((x - left) * scale)), max(0, round((top - y - h) * scale))
        c1, r1 = round((x + w - left) * scale), round((top - y) * scale)
        ink += int((grey[r0:r1, c0:c1] < INK * paper).sum())
    return ink >= WRITTEN_PX


def cut_all(image: Image.Image, reg: Registration, geo: FormLayout,
            with_rows: bool = True) -> dict[str, Image.Image]:  # fmt: skip
    """Every row of `rows(geo)` cut out (only the handwritten parts, without `with_rows`);
    a handwritten part only if something is written in it (an empty comment is not
    kept)."""
    boxes = rows(geo) if with_rows else handwriting(geo)
    cuts = {name: cut_out(image, reg, box) for name, box in boxes.items()}
    for part, zones in writing_zones(geo).items():
        if not written(cuts[part], boxes[part], zones):
            del cuts[part]
    return cuts
