"""The light evened out of a photo: the paper's brightness estimated by closings done in
numpy as Pillow's rank filters do them, and each pixel divided by it; only where the page
lies when told, plain paper elsewhere."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from crmdesk.services.scan_in.light import PAPER, _closing, flatten


def test_the_closing_is_pillows_max_then_min_filter() -> None:
    rng = np.random.default_rng(5)
    for shape in ((150, 200), (37, 51), (4, 3)):
        grey = rng.integers(0, 256, shape).astype(np.uint8)
        for window_mm, size in ((22.0, 11), (10.0, 5)):
            image = Image.fromarray(grey)
            pillow = image.filter(ImageFilter.MaxFilter(size)).filter(ImageFilter.MinFilter(size))
            assert (_closing(grey, window_mm) == np.asarray(pillow)).all()


def test_a_shadow_is_evened_out_and_ink_stays_ink() -> None:
    """A page 10 px/mm, its right half in shadow (half the light), a pen stroke in each
    half: the paper reads PAPER on both sides, the strokes stay dark; told where the page
    is, the table round it is plain paper."""
    page = Image.new("L", (1200, 800), 220)
    draw = ImageDraw.Draw(page)
    draw.rectangle((600, 0, 1199, 799), fill=110)  # the shadow
    draw.line((200, 300, 400, 320), fill=40, width=4)
    draw.line((800, 300, 1000, 320), fill=20, width=4)
    flat = flatten(page, 10.0)
    assert abs(int(np.median(flat[100:700, 50:550])) - PAPER) <= 3
    assert abs(int(np.median(flat[100:700, 650:1150])) - PAPER) <= 3
    assert flat[310, 300] < 0.5 * PAPER and flat[310, 900] < 0.5 * PAPER
    inside = flatten(page, 10.0, within=(100, 100, 1100, 700))
    assert (inside[:100] == PAPER).all() and (inside[:, 1100:] == PAPER).all()
    assert np.abs(inside[150:650, 150:1050].astype(int) - flat[150:650, 150:1050]).max() <= 1
