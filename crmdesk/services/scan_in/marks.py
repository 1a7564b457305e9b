"""How much ink is in each box, against the paper round it, and what a row of boxes says.

A box is sampled inside its printed line (so the line and a little misregistration do not
count), and the paper's brightness is taken from a ring round it: a pixel is ink when it is
less than half as bright as that paper, so uneven light, grey paper or a pale scan move the
paper and the ink together. The faint number printed inside a box is lighter than that and
is not ink. Each box also says how much of its printed outline is where the layout puts it,
which tells a page laid wrongly on its form from a page with nothing marked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from crmdesk.documents.form_geometry import Box
from crmdesk.services.scan_in.registration import Array, Grey, Registration

MM = 72 / 25.4
INSET = 1.6 * MM  # inside the printed line: the line, blur and misregistration left out
RING = (0.8 * MM, 2.2 * MM)  # "just outside the box"
PAPER_RING = 3.2 * MM  # the paper is measured out to here
INK = 0.5  # darker than this share of the paper's brightness is ink
LIGHT = 0.72  # darker than this is a mark, if a faint one (pencil)
# on a photo, a pen line a pixel or two wide is blurred to grey: ink and pencil are lighter
PHOTO_INK, PHOTO_LIGHT = 0.7, 0.84
LABEL_DIGIT, LABEL_MARGIN, LABEL_HEIGHT = 3.95 * MM, 1.0 * MM, 5.6 * MM  # a 20 pt bold digit

# what a box's share of ink means
MARKED = 0.03  # a cross, a tick, a slash
FILLED = 0.55  # filled in: cancelled, on a form that says so, or the answer if alone
FAINT = 0.008  # less than MARKED but more than paper: look again
FAINT_LIGHT = 0.02  # this much pencil-grey (beyond a printed label's) with no ink: faint
OUTSIDE = 0.04  # ink just outside a box (in the strip along one side)
OUTLINE = 0.6  # less of a box's printed line than this where it should be: not registered


@dataclass(frozen=True)
class BoxFill:
    ink: float  # share of the inside that is ink
    light: float  # share that is at least pencil-grey (ink included)
    outside: float  # share of the ring just outside that is ink
    outline: float  # share of the printed outline found where the layout puts it
    stray: float | None = None  # on a photo: the ink's share away from the box's number

    @property
    def stray_ink(self) -> float:
        """The ink that is no printed number (what a faint mark is looked for in)."""
        return self.ink if self.stray is None else self.stray


@dataclass(frozen=True)
class RowReading:
    choice: int | None  # the box read (0-based), or None: nothing marked
    sure: bool
    why: str  # what is doubtful ("" when sure)


def measure(grey: Grey, reg: Registration, box: Box, above: bool = True,
            reach: float = RING[1], label: str = "") -> BoxFill:  # fmt: skip
    """`above` False: ink just above the box is not looked for (a number printed there);
    `reach`: how far out "just outside" goes (short of the next box's line); `label`: the
    number printed faintly in the box's middle: on a photo, where a blurred pen line is
    about as grey as it, ink over it counts only as dark as on a scan, and no faint mark
    is looked for there."""
    x, y, w, h = box
    ink, light = (PHOTO_INK, PHOTO_LIGHT) if reg.photo else (INK, LIGHT)
    step = max(0.6, 1 / reg.px_per_pt)  # a sample per pixel, or per 0.2 mm
    xs, ys = _grid(x + INSET, y + INSET, w - 2 * INSET, h - 2 * INSET, step)
    inside = _sample(grey, reg, (xs, ys))
    off_label = np.ones(inside.shape, dtype=bool)
    if reg.photo and label:
        half_w, half_h = (LABEL_DIGIT * len(label) + LABEL_MARGIN) / 2, LABEL_HEIGHT / 2
        off_label = (abs(xs - x - w / 2) > half_w) | (abs(ys - y - h / 2) > half_h)
    faint = inside[off_label]
    around = _sample(grey, reg, _ring(x, y, w, h, RING[0], PAPER_RING, 2.5 * step))
    k = int(len(around) * 0.9)
    paper = max(float(np.partition(around, k)[k]), 1.0)  # (the 90th percentile, quicker)
    strips = _sides(x, y, w, h, RING[0], max(reach, RING[0] + step), step)
    sides = [float((_sample(grey, reg, s) < ink * paper).mean()) for s in strips[: 3 + above]]
    return BoxFill(
        ink=float(np.where(off_label, inside < ink * paper, inside < INK * paper).mean()),
        light=float((faint < light * paper).mean()),
        outside=max(sides),
        outline=_outline(grey, reg, box, paper),
        stray=float((faint < ink * paper).mean()),
    )


def read_row(fills: Sequence[BoxFill], labels: Sequence[str],
             numbers_inside: bool = False) -> RowReading:  # fmt: skip
    """One answer from a row of boxes: one box marked is the answer; none is no answer;
    anything else (two marked, a box filled in beside another marked, a faint mark, a
    mark just outside a box) is doubtful, with the likeliest answer proposed.
    `numbers_inside`: each box has its label printed faintly inside it (the 0–10 row): the
    grey a label leaves, the same in every box a digit, is not a faint mark."""
    marked = [n for n, f in enumerate(fills) if MARKED <= f.ink < FILLED]
    filled = [n for n, f in enumerate(fills) if f.ink >= FILLED]
    usual = float(np.median([f.light for f in fills])) if numbers_inside else 0.0
    faint = [n for n, f in enumerate(fills) if n not in marked and n not in filled
             and (f.stray_ink >= FAINT
                  or f.light - usual * len(labels[n]) >= FAINT_LIGHT)]  # fmt: skip
    outside = [n for n, f in enumerate(fills) if f.outside >= OUTSIDE and f.ink < MARKED]

    def named(ns: list[int]) -> str:
        return " and ".join(labels[n] for n in ns)

    if len(marked) > 1:
        return RowReading(None, False, f"{named(marked)} are both marked")
    if len(marked) == 1 and filled:
        why = f"{named(filled)} filled in (cancelled?) and {labels[marked[0]]} marked"
        return RowReading(marked[0], False, why)
    if len(filled) > 1:
        return RowReading(None, False, f"{named(filled)} are filled in")
    chosen = marked or filled
    if faint:
        proposal = chosen[0] if chosen else (faint[0] if len(faint) == 1 else None)
        more = f" beside {labels[chosen[0]]} marked" if chosen else ""
        return RowReading(proposal, False, f"a faint mark in {named(faint)}{more}")
    if chosen:
        return RowReading(chosen[0], True, "")
    if outside:
        return RowReading(None, False, f"a mark just outside {named(outside)}")
    return RowReading(None, True, "")


def read_tick(fill: BoxFill, label: str) -> RowReading:
    """A single box (a consent): marked is yes, empty no; filled in or faint is doubtful."""
    if fill.ink >= FILLED:
        return RowReading(None, False, f"the “{label}” box is filled in (cancelled?)")
    if fill.ink >= MARKED:
        return RowReading(0, True, "")
    if fill.ink >= FAINT or fill.light >= FAINT_LIGHT:
        return RowReading(0, False, f"a faint mark in the {label} box")
    if fill.outside >= OUTSIDE:
        return RowReading(None, False, f"a mark just outside the {label} box")
    return RowReading(None, True, "")


def _grid(x: float, y: float, w: float, h: float, step: float) -> tuple[Array, Array]:
    xs = np.arange(x, x + w + 1e-9, step)
    ys = np.arange(y, y + h + 1e-9, step)
    gx, gy = np.meshgrid(xs, ys)
    return gx.ravel(), gy.ravel()


def _ring(x: float, y: float, w: float, h: float, near: float, far: float,
          step: float) -> tuple[Array, Array]:  # fmt: skip
    gx, gy = _grid(x - far, y - far, w + 2 * far, h + 2 * far, step)
    out = (gx < x - near) | (gx > x + w + near) | (gy < y - near) | (gy > y + h + near)
    return gx[out], gy[out]


def _sides(x: float, y: float, w: float, h: float, near: float, far: float,
           step: float) -> list[tuple[Array, Array]]:  # fmt: skip
    """The strips just left, right, below and above a box."""
    depth = far - near
    return [
        _grid(x - far, y, depth, h, step), _grid(x + w + near, y, depth, h, step),
        _grid(x, y - far, w, depth, step), _grid(x, y + h + near, w, depth, step),
    ]  # fmt: skip


def _sample(grey: Grey, reg: Registration, points: tuple[Array, Array]) -> Array:
    cols, rows = reg.to_image(*points)
    c = np.clip(np.rint(cols).astype(np.intp), 0, grey.shape[1] - 1)
    r = np.clip(np.rint(rows).astype(np.intp), 0, grey.shape[0] - 1)
    return np.asarray(grey[r, c], dtype=np.float64)


def _outline(grey: Grey, reg: Registration, box: Box, paper: float) -> float:
    """Share of points along the box's four sides where its line is found within 0.7 mm."""
    x, y, w, h = box
    along = np.linspace(0.15, 0.85, 8)
    across = np.linspace(-0.7 * MM, 0.7 * MM, 7)
    found = []
    for (x0, y0), (dx, dy), (nx, ny) in (
        ((x, y), (w, 0), (0, 1)), ((x, y + h), (w, 0), (0, 1)),
        ((x, y), (0, h), (1, 0)), ((x + w, y), (0, h), (1, 0)),
    ):  # fmt: skip
        px = x0 + along[:, None] * dx + across[None, :] * nx
        py = y0 + along[:, None] * dy + across[None, :] * ny
        values = _sample(grey, reg, (px.ravel(), py.ravel())).reshape(px.shape)
        found.append(values.min(axis=1) < LIGHT * paper)  # (thin lines blur to grey)
    return float(np.concatenate(found).mean())
