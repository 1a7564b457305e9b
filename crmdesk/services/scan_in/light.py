"""Uneven light taken out of a photographed page before anything is measured on it: the
paper's brightness at each point is estimated, and each pixel divided by it, so the paper
reads the same white in a shadow or at the darker side and a shadow is not taken for ink.

The estimate is a grey closing at a coarse resolution: the brightest value within a
window wider than any dark thing printed or drawn on the form (a filled-in 13 mm box,
heavy marker) removes the ink; the darkest value within the same window then brings a
shadow's edge back to where it is. A shadow narrower than that window (a pen's or an
arm's) is then found by a second closing in a smaller window, on the page with what is
far darker than any shadow (ink) put back to the first estimate; a little blur smooths
the steps."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

WINDOW_MM = 22.0  # wider than a filled-in score box (13 × 12 mm) and marker round it
NARROW_MM = 10.0  # the second window: wider than a pen stroke or a printed number
INK = 0.35  # darker than this share of the first estimate is ink, not a shadow
CELL_MM = 2.0  # the estimate's resolution
PAPER = 235  # the paper's grey after flattening (some room above it for a brighter spot)


def flatten(image: Image.Image, px_per_mm: float) -> Image.Image:
    """`image` ("L") divided by its paper's brightness; `px_per_mm`: the page's scale in it
    (on a photo, the scale where the page is nearest the camera)."""
    cell = max(1, round(CELL_MM * px_per_mm))
    coarse = image.reduce(cell) if cell > 1 else image
    wide = _closing(coarse, WINDOW_MM)
    seen = np.asarray(coarse, dtype=np.uint8)
    broad = np.asarray(wide, dtype=np.uint8)
    shadows_only = np.where(seen < INK * broad, broad, seen)
    narrow = np.asarray(_closing(Image.fromarray(shadows_only), NARROW_MM), dtype=np.uint8)
    paper = Image.fromarray(np.minimum(narrow, broad))
    paper = paper.filter(ImageFilter.GaussianBlur(1.0)).resize(
        image.size, Image.Resampling.BILINEAR
    )
    pixels = np.asarray(image, dtype=np.float32)
    light = np.maximum(np.asarray(paper, dtype=np.float32), 8.0)
    flat = np.minimum(pixels * (PAPER / light), 255.0)
    return Image.fromarray(flat.astype(np.uint8))


def _closing(image: Image.Image, window_mm: float) -> Image.Image:
    """The brightest within the window, then the darkest of those (in cells of CELL_MM)."""
    size = max(3, round(window_mm / CELL_MM) | 1)  # odd
    return image.filter(ImageFilter.MaxFilter(size)).filter(ImageFilter.MinFilter(size))
