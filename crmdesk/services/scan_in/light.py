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


def flatten(image: Image.Image, px_per_mm: float,
            within: tuple[int, int, int, int] | None = None) -> np.ndarray:  # fmt: skip
    """`image` ("L") divided by its paper's brightness, as pixels (uint8); `px_per_mm`:
    the page's scale in it (on a photo, the scale where the page is nearest the camera).
    `within` (left, top, right, bottom): only there (where the page lies); elsewhere the
    result is plain paper. The paper's brightness is still estimated over the whole image,
    so the page's edge is evened out as its middle is."""
    cell = max(1, round(CELL_MM * px_per_mm))
    coarse = image.reduce(cell) if cell > 1 else image
    seen = np.asarray(coarse, dtype=np.uint8)
    broad = _closing(seen, WINDOW_MM)
    shadows_only = np.where(seen < INK * broad, broad, seen)
    narrow = _closing(shadows_only, NARROW_MM)
    paper = Image.fromarray(np.minimum(narrow, broad)).filter(ImageFilter.GaussianBlur(1.0))
    x0, y0, x1, y1 = within or (0, 0, *image.size)
    kx, ky = paper.width / image.width, paper.height / image.height
    paper = paper.resize((x1 - x0, y1 - y0), Image.Resampling.BILINEAR,
                         box=(x0 * kx, y0 * ky, x1 * kx, y1 * ky))  # fmt: skip
    # each pixel times PAPER / its paper's brightness, looked up (one pass, not seven)
    index = np.asarray(paper, dtype=np.uint16) << 8
    index |= np.asarray(image.crop((x0, y0, x1, y1)) if within else image, dtype=np.uint8)
    if within is None:
        return _DIVIDED.take(index)
    out = np.full((image.height, image.width), PAPER, dtype=np.uint8)
    out[y0:y1, x0:x1] = _DIVIDED.take(index)
    return out


def _divided() -> np.ndarray:
    """The table of min(pixel × PAPER / max(paper, 8), 255), by paper × 256 + pixel."""
    light = np.maximum(np.arange(256, dtype=np.float32), 8.0)
    pixels = np.arange(256, dtype=np.float32)
    return np.minimum(pixels[None, :] * (PAPER / light)[:, None], 255.0).astype(np.uint8).ravel()


_DIVIDED = _divided()


def _closing(grey: np.ndarray, window_mm: float) -> np.ndarray:
    """The brightest within the window, then the darkest of those (in cells of CELL_MM);
    the edges carried outwards (as Pillow's rank filters do)."""
    size = max(3, round(window_mm / CELL_MM) | 1)  # odd
    return _rank(_rank(grey, size, np.maximum), size, np.minimum)


def _rank(grey: np.ndarray, size: int, pick: np.ufunc) -> np.ndarray:
    """The brightest (np.maximum) or darkest (np.minimum) in the size × size square round
    each pixel: along the columns, then the rows (2 × size steps, not size²)."""
    half = size // 2
    rows, cols = grey.shape
    padded = np.pad(grey, half, mode="edge")
    down = padded[:rows].copy()
    for k in range(1, size):
        pick(down, padded[k : k + rows], out=down)
    across = down[:, :cols].copy()
    for k in range(1, size):
        pick(across, down[:, k : k + cols], out=across)
    return across
