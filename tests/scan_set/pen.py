"""Pen marks drawn on a rendered survey form, as people make them: crosses, ticks,
slashes, filled boxes, a ring round the number, a mark just outside, faint pencil, heavy
marker bleeding out, two boxes marked, a box filled in to cancel beside a second choice.

Coordinates are the form's (points, y up); the page image is rendered at `dpi`."""

from __future__ import annotations

import random
from dataclasses import dataclass

from PIL import Image, ImageDraw

from crmdesk.documents.form_geometry import Box

MM = 72 / 25.4

# how each kind of mark reads: "read" must be read as the box it is in; "check" may be read
# or sent to the check, never read as another box; "none" must not be read as any box
KINDS = {
    "cross": "read", "tick": "read", "slash": "read", "filled": "read", "ring": "read",
    "marker": "read", "pencil": "check", "outside": "check",
}  # fmt: skip


@dataclass
class Pen:
    image: Image.Image  # greyscale, the page at `dpi`
    page_height: float  # points
    dpi: float
    rng: random.Random

    def _px(self, x: float, y: float) -> tuple[float, float]:
        s = self.dpi / 72
        return x * s, (self.page_height - y) * s

    def _width(self, mm: float) -> int:
        return max(1, round(mm * MM * self.dpi / 72))

    def _line(self, points: list[tuple[float, float]], mm: float, ink: int) -> None:
        draw = ImageDraw.Draw(self.image)
        px = [self._px(x, y) for x, y in points]
        draw.line(px, fill=ink, width=self._width(mm), joint="curve")

    def _jitter(self, box: Box, fx: float, fy: float, spread: float = 0.08) -> tuple[float, float]:
        x, y, w, h = box
        j = self.rng.uniform
        return x + w * (fx + j(-spread, spread)), y + h * (fy + j(-spread, spread))

    def mark(self, kind: str, box: Box) -> None:
        ink = self.rng.randint(10, 70)  # ballpoint, blue or black, as a scanner sees it
        pen = self.rng.uniform(0.35, 0.7)
        j = self._jitter
        if kind in ("cross", "marker", "pencil"):
            if kind == "marker":
                pen, spread = self.rng.uniform(1.3, 2.0), 0.02
                a, b, c, d = j(box, -0.02, -0.02, spread), j(box, 1.02, 1.02, spread), \
                    j(box, -0.02, 1.02, spread), j(box, 1.02, -0.02, spread)  # fmt: skip
            else:
                a, b, c, d = j(box, 0.2, 0.2), j(box, 0.8, 0.8), j(box, 0.2, 0.8), j(box, 0.8, 0.2)
            if kind == "pencil":
                ink, pen = self.rng.randint(110, 160), self.rng.uniform(0.25, 0.4)
            self._line([a, b], pen, ink)
            self._line([c, d], pen, ink)
        elif kind == "tick":
            self._line([j(box, 0.25, 0.5), j(box, 0.45, 0.2), j(box, 0.8, 0.85)], pen, ink)
        elif kind == "slash":
            self._line([j(box, 0.25, 0.2), j(box, 0.75, 0.85)], pen, ink)
        elif kind == "filled":
            x, y, w, h = box
            rows = max(4, int(h / (pen * MM)))
            points = []
            for n in range(rows + 1):
                yy = y + h * (0.08 + 0.84 * n / rows)
                xs = (x + w * 0.08, x + w * 0.92)
                points += [(xs[n % 2], yy), (xs[(n + 1) % 2], yy)]
            self._line(points, max(pen, 0.9), ink)
        elif kind == "ring":  # round the faint number in the middle of the box
            x, y, w, h = box
            cx, cy = x + w / 2, y + h / 2
            rx, ry = w * self.rng.uniform(0.28, 0.38), h * self.rng.uniform(0.3, 0.4)
            left, top = self._px(cx - rx, cy + ry)
            right, bottom = self._px(cx + rx, cy - ry)
            ImageDraw.Draw(self.image).ellipse((left, top, right, bottom), outline=ink,
                                               width=self._width(pen))  # fmt: skip
        elif kind == "outside":  # a small cross centred just beyond the right edge
            x, y, w, h = box
            cx, cy = x + w + self.rng.uniform(1.2, 2.0) * MM, y + h / 2
            r = self.rng.uniform(1.0, 1.6) * MM
            self._line([(cx - r, cy - r), (cx + r, cy + r)], pen, ink)
            self._line([(cx - r, cy + r), (cx + r, cy - r)], pen, ink)
        else:
            raise ValueError(kind)

    def write(self, box: Box, words: int = 4, height_mm: float = 4.0) -> None:
        """Handwriting along the bottom of `box`: `words` words of joined-up loops, as a
        ballpoint leaves them (nothing a reader could take for a mark)."""
        import math

        x, y, w, _h = box
        ink, pen = self.rng.randint(10, 70), self.rng.uniform(0.35, 0.6)
        at, base = x + 2 * MM, y + 2 * MM
        for _ in range(words):
            letters = self.rng.randint(3, 7)
            points = []
            for n in range(letters * 8 + 1):
                t = n / 8  # a letter every 8 points along
                tall = 1.0 if int(t) % 3 else self.rng.uniform(1.4, 1.8)  # an ascender
                lift = height_mm * MM * 0.5 * (1 - math.cos(2 * math.pi * t)) * tall
                points.append((at + t * 2.6 * MM + self.rng.uniform(-0.2, 0.2) * MM,
                               base + lift * self.rng.uniform(0.7, 1.0)))  # fmt: skip
            if points[-1][0] > x + w - 2 * MM:
                break
            self._line(points, pen, ink)
            at = points[-1][0] + self.rng.uniform(3, 5) * MM
