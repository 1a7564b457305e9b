"""Uneven light taken out of a photographed page before anything is measured on it: the
paper's brightness at each point is estimated, and each pixel divided by it, so the paper
reads the same white in a shadow or at the darker side and a shadow is not taken for ink.

The estimate is a grey closing at a coarse resolution: the brightest value within a
window wider than any dark thing printed or drawn on the form (a filled-in 13 mm box,
heavy marker) removes the ink; the darkest value within the same window then brings a
shadow's edge back to where it is; a little blur smooths the steps."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

WINDOW_MM = 22.0  # wider than a filled-in score box (13 × 12 mm) and marker round it
CELL_MM = 2.0  # the estimate's resolution
PAPER = 235  # the paper's grey after flattening (some room above it for a brighter spot)


def flatten(image: Image.Image, px_per_mm: float) -> Image.Image:
    """`image` ("L") divided by its paper's brightness; `px_per_mm`: the page's scale in it
    (on a photo, the scale where the page is nearest the camera)."""
    cell = max(1, round(CELL_MM * px_per_mm))
    coarse = image.reduce(cell) if cell > 1 else image
    size = max(3, round(WINDOW_MM / CELL_MM) | 1)  # odd
    paper = coarse.filter(ImageFilter.MaxFilter(size)).filter(ImageFilter.MinFilter(size))
    paper = paper.filter(ImageFilter.GaussianBlur(1.0)).resize(
        image.size, Image.Resampling.BILINEAR
    )
    pixels = np.asarray(image, dtype=np.float32)
    light = np.maximum(np.asarray(paper, dtype=np.float32), 8.0)
    flat = np.minimum(pixels * (PAPER / light), 255.0)
    return Image.fromarray(flat.astype(np.uint8))
