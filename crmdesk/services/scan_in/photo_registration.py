"""Where a photographed page lies: a form on a table, smaller than the frame, seen at an
angle (so its rectangle is a general quadrilateral), turned any way, in uneven light.

The light is evened out first (crmdesk.services.scan_in.light). Then every square of ink
with paper round it is found, at any size a page in the frame can give a corner mark, and
each is looked at closely: one piece of ink, not touching anything else, as wide as it is
tall within what a tilted camera does, solid or (the top left mark of a version 2 form)
with a square hole in the middle. Of those, the four that make the biggest quadrilateral
with the shape and size of the layout's corner marks are the marks; the QR code's place
(near the top right mark) or the hollow mark says which is which, and where both are read
they must agree. The homography is fitted to the four, and pinned by the anchors at both
ends of the score row when they are found where it puts them."""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from crmdesk.documents.form_geometry import FormLayout
from crmdesk.services.scan_in.codes import FoundCode
from crmdesk.services.scan_in.light import PAPER, flatten
from crmdesk.services.scan_in.registration import (
    Array,
    NotRegistered,
    Registration,
    homography,
)

MM = 72 / 25.4
WORK_LONG = 1300  # marks are looked for in the photo brought down to about this size
SIZES = (0.005, 0.032)  # a mark's side against the photo's long side: smallest, largest
SIZE_STEP = 1.25
GRID = 8  # a square of side s is looked for centred every s / GRID pixels (at least 1)
MIN_SCORE = 0.4  # a square's inside this much darker than the paper round it
CANDIDATES = 20  # the biggest squares kept
LOOKS = 80  # the best squares looked at closely
SQUARE = (105.0, 200.0)  # area² / det(covariance) of a solid blob: a square's is 144
STRETCH = 2.8  # a mark seen at an angle: its long axis at most this much (squared) longer
HOLE = (0.05, 0.4)  # the hollow mark's hole against the whole mark
SIZE_SPREAD = 1.9  # the four marks' sides: the biggest at most this much the smallest
ASPECT_SPREAD = 1.45  # the marks' quadrilateral against the layout's rectangle
SCALE_SPREAD = 1.5  # a mark's size against the quadrilateral's
GROW_STEPS = 4  # a piece of ink grown this many pixels between looks whether it is whole
ANCHOR_MISS_MM = 1.0  # an anchor this far from where the four marks put it: not used
PAGE_MARGIN_MM = 5.0  # the light is evened out this far round the page's edges too


@dataclass(frozen=True)
class Blob:
    x: float  # centre, full-size pixels
    y: float
    side: float  # full-size pixels
    hollow: bool


def find_blobs(image: Image.Image) -> list[Blob]:
    """The squares of ink with paper round them that could be corner marks: the biggest
    CANDIDATES of them (letters and the score row's anchors are smaller)."""
    factor = max(1, max(image.size) // WORK_LONG)
    small = image.reduce(factor) if factor > 1 else image
    fx, fy = image.width / small.width, image.height / small.height
    work_long = max(small.size)
    # the paper's scale is not known yet: say the page's long side is ¾ of the photo's
    flat = flatten(small, 0.75 * work_long / 297)
    dark = flat < 0.5 * PAPER
    best, side = _square_scores(dark, work_long)
    bands = _Bands(best)
    blobs = []
    for _ in range(LOOKS):
        r, c = bands.best()
        if best[r, c] < MIN_SCORE:
            break
        s = float(side[r, c])
        reach = round(0.8 * s) + 1
        bands.clear(max(0, r - reach), r + reach + 1, max(0, c - reach), c + reach + 1)
        blob = _look_closely(dark, r, c, s)
        if blob is not None:
            y, x, area, hollow = blob
            blobs.append(Blob((x + 0.5) * fx - 0.5, (y + 0.5) * fy - 0.5,
                              math.sqrt(area * fx * fy), hollow))  # fmt: skip
    return sorted(blobs, key=lambda b: -b.side)[:CANDIDATES]


class _Bands:
    """The scores' highest first (as argmax finds it: the first in reading order), found
    band of rows by band: a band's best is kept, and only the bands a cleared square
    touches are looked at again."""

    ROWS = 8

    def __init__(self, scores: np.ndarray) -> None:
        self.scores = scores
        n = -(-scores.shape[0] // self.ROWS)
        self.top = np.array([self._band_best(b) for b in range(n)], dtype=scores.dtype)

    def _band_best(self, band: int) -> float:
        return float(self.scores[band * self.ROWS : (band + 1) * self.ROWS].max())

    def best(self) -> tuple[int, int]:
        band = int(self.top.argmax())
        rows = self.scores[band * self.ROWS : (band + 1) * self.ROWS]
        r, c = divmod(int(rows.argmax()), rows.shape[1])
        return band * self.ROWS + r, c

    def clear(self, r0: int, r1: int, c0: int, c1: int) -> None:
        self.scores[r0:r1, c0:c1] = 0
        for band in range(r0 // self.ROWS, min(len(self.top), -(-r1 // self.ROWS))):
            self.top[band] = self._band_best(band)


def _square_scores(dark: np.ndarray, work_long: int) -> tuple[np.ndarray, np.ndarray]:
    """For each pixel, the best score of a square centred on it (the inside's share of ink
    less twice the ring's) over the sizes a mark can have, and that size. A square of side
    s is looked for centred every s / GRID pixels (a mark's score is the same that near
    its middle); its sums are whole numbers below 2²⁴, exact in float32."""
    counts = dark.cumsum(0, dtype=np.int32).cumsum(1, dtype=np.int32)
    integral = np.pad(counts.astype(np.float32), ((1, 0), (1, 0)))
    rows, cols = dark.shape
    best = np.zeros(dark.shape, dtype=np.float32)
    side = np.zeros(dark.shape, dtype=np.float32)
    inside_sum, whole_sum = np.empty_like(best), np.empty_like(best)
    s = SIZES[0] * work_long
    while s <= SIZES[1] * work_long:
        inner = max(2, round(0.7 * s))  # (inside a square turned any way)
        ring = max(1, round(0.35 * s))
        outer = inner + 2 * ring
        n_r, n_c = rows - outer + 1, cols - outer + 1
        if n_r <= 0 or n_c <= 0:
            break
        step = max(1, round(s / GRID))
        inside = _box_sums(integral, inner, ring, (n_r, n_c), step, inside_sum)
        whole = _box_sums(integral, outer, 0, (n_r, n_c), step, whole_sum)
        # score = inside / inner² − 2 (whole − inside) / (outer² − inner²)
        whole -= inside
        whole *= 2
        whole /= outer**2 - inner**2
        inside /= inner**2
        score = np.subtract(inside, whole, out=inside)
        half = outer // 2
        view = best[half : half + n_r : step, half : half + n_c : step]
        np.copyto(side[half : half + n_r : step, half : half + n_c : step], s,
                  where=score > view)  # fmt: skip
        np.maximum(view, score, out=view)
        s *= SIZE_STEP
    return best, side


def _box_sums(integral: np.ndarray, k: int, off: int, n: tuple[int, int], step: int,
              out: np.ndarray) -> np.ndarray:  # fmt: skip
    """The ink in each k × k square whose top left is (off, off) on from a centre looked at
    (n centres down and across, every `step`), into `out`."""

    def at(r: int, c: int) -> np.ndarray:
        return integral[r : r + n[0] : step, c : c + n[1] : step]

    out = out[: -(-n[0] // step), : -(-n[1] // step)]
    np.subtract(at(off + k, off + k), at(off, off + k), out=out)
    out -= at(off + k, off)
    out += at(off, off)
    return out


def _look_closely(dark: np.ndarray, r: int, c: int,
                  s: float) -> tuple[float, float, float, bool] | None:  # fmt: skip
    """The piece of ink at (r, c): its centre (row, column), area (with its hole) and
    whether it has a hole, or None if it is not a lone square."""
    reach = round(1.1 * s) + 3
    r0, c0 = max(0, r - reach), max(0, c - reach)
    patch = dark[r0 : r + reach + 1, c0 : c + reach + 1]
    grid = np.indices(patch.shape)
    rr, cc = grid[0], grid[1]
    near = patch & ((rr - (r - r0)) ** 2 + (cc - (c - c0)) ** 2 <= (0.3 * s) ** 2 + 2)
    if not near.any():
        return None
    piece = _grow(near, patch)
    if piece[0].any() or piece[-1].any() or piece[:, 0].any() or piece[:, -1].any():
        return None  # it goes on beyond a mark's size: part of something bigger
    edge = np.zeros_like(patch)
    edge[0], edge[-1], edge[:, 0], edge[:, -1] = True, True, True, True
    outside = _grow(edge & ~piece, ~piece)
    whole = ~outside
    hole = whole & ~piece
    area = float(whole.sum())
    if area < 9:
        return None
    y, x = float((rr * whole).sum() / area), float((cc * whole).sum() / area)
    cov = np.cov(np.stack([rr[whole], cc[whole]]).astype(np.float64))
    eig = np.linalg.eigvalsh(cov)
    if eig[0] <= 0 or eig[1] / eig[0] > STRETCH:
        return None
    if not SQUARE[0] <= area**2 / float(np.linalg.det(cov)) <= SQUARE[1]:
        return None
    share = float(hole.sum()) / area
    if HOLE[0] < share < HOLE[1]:
        return r0 + y, c0 + x, area, True
    if share > 0.02:
        return None
    return r0 + y, c0 + x, area, False


def _grow(seed: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """The pixels of `allowed` joined to `seed` (8-connected)."""
    grown = seed & allowed
    while True:
        before = grown
        for _ in range(GROW_STEPS):  # (grown further once it is whole, it stays as it is)
            wider = grown.copy()
            wider[1:] |= grown[:-1]
            wider[:-1] |= grown[1:]
            wider[:, 1:] |= wider[:, :-1]
            wider[:, :-1] |= wider[:, 1:].copy()
            wider &= allowed
            grown = wider
        if (grown == before).all():
            return grown


def choose_marks(blobs: Sequence[Blob], rectangles: Sequence[tuple[float, float, float]]
                 ) -> list[Blob]:  # fmt: skip
    """The four blobs that are the corner marks, in order round the page (clockwise as the
    photo shows it): those making the biggest quadrilateral that has the shape and size of
    one of `rectangles` (width and height between the marks' centres, the mark's side).
    Every four of the blobs is weighed at once (arrays, one row per four)."""
    if len(blobs) < 4:
        raise NotRegistered("the four corner marks could not be found")
    fours = _fours(len(blobs))
    xs, ys = np.array([b.x for b in blobs]), np.array([b.y for b in blobs])
    sides = np.array([b.side for b in blobs])[fours]
    alike = sides.max(axis=1) <= SIZE_SPREAD * sides.min(axis=1)
    mx, my = xs[fours].mean(axis=1, keepdims=True), ys[fours].mean(axis=1, keepdims=True)
    angle = np.arctan2(ys[fours] - my, xs[fours] - mx)
    rings = np.take_along_axis(fours, np.argsort(angle, axis=1, kind="stable"), axis=1)
    px, py = xs[rings], ys[rings]
    nx, ny = np.roll(px, -1, axis=1), np.roll(py, -1, axis=1)  # each corner's next
    turns = (nx - px) * (np.roll(py, -2, axis=1) - ny) - (ny - py) * (np.roll(px, -2, axis=1) - nx)
    convex = (turns > 0).all(axis=1) | (turns < 0).all(axis=1)
    area = np.where(convex, np.abs((px * ny - nx * py).sum(axis=1)) / 2, 0.0)
    edges = np.hypot(nx - px, ny - py)
    a, b = (edges[:, 0] + edges[:, 2]) / 2, (edges[:, 1] + edges[:, 3]) / 2
    mark = sides.mean(axis=1)
    fits = np.zeros(len(fours), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for width, height, side in rectangles:
            aspect = np.maximum(a, b) / np.minimum(a, b) / (max(width, height) / min(width, height))
            scale = (mark / side) / np.sqrt(area / (width * height))
            fits |= ((aspect >= 1 / ASPECT_SPREAD) & (aspect <= ASPECT_SPREAD)
                     & (scale >= 1 / SCALE_SPREAD) & (scale <= SCALE_SPREAD))  # fmt: skip
    chosen = alike & fits & (area > 0)
    if not chosen.any():
        raise NotRegistered("the four corner marks could not be found")
    best = int(np.where(chosen, area, -1.0).argmax())  # (the first of the biggest)
    return [blobs[int(n)] for n in rings[best]]


@functools.cache
def _fours(n: int) -> np.ndarray:
    """Every four of n things (their indexes), in itertools.combinations' order."""
    return np.array(list(itertools.combinations(range(n), 4)))


def rectangle_of(geo: FormLayout) -> tuple[float, float, float]:
    """The marks' centres' rectangle (width, height) and a mark's side, in mm."""
    (x0, y0, w, _), (x1, _, _, _), (_, y2, _, _) = geo.corners[0], geo.corners[1], geo.corners[2]
    return (x1 - x0) / MM, (y0 - y2) / MM, w / MM


def photo_marks_found(image: Image.Image, layouts: Sequence[FormLayout]) -> bool:
    """Whether the image shows a form's corner marks (a page whose QR code did not read)."""
    try:
        choose_marks(find_blobs(image), [rectangle_of(g) for g in layouts])
    except NotRegistered:
        return False
    return True


def register_photo(image: Image.Image, geo: FormLayout,
                   found: FoundCode | None) -> tuple[Registration, np.ndarray]:  # fmt: skip
    """The map from the form to the photo, and the photo's pixels with its light evened
    out (to measure the boxes on). `found`: the page's QR code, if it was read."""
    four = choose_marks(find_blobs(image), [rectangle_of(geo)])
    top_left = _top_left(four, geo, found)
    # the page's corners clockwise as seen (TL, TR, BR, BL) and the layout's indexes
    order = (0, 1, 3, 2)
    src = [_centre(geo.corners[k]) for k in order]
    dst = [(four[(top_left + n) % 4].x, four[(top_left + n) % 4].y) for n in range(4)]
    matrix = homography(src, dst)
    reg = _registration(matrix, geo, by_mark=any(b.hollow for b in four))
    nearest = reg.px_per_pt * MM * _nearest(reg, geo)
    flat = flatten(image, nearest, within=_page_box(reg, geo, image.size, nearest))
    if geo.score_anchors:
        pinned = _pin_by_anchors(flat, reg, geo, src, dst)
        if pinned is not None:
            reg = _registration(pinned, geo, reg.hollow_seen)
    return reg, flat


def _top_left(four: list[Blob], geo: FormLayout, found: FoundCode | None) -> int:
    by_mark = None
    hollow = [n for n, b in enumerate(four) if b.hollow]
    if geo.hollow_corner is not None and len(hollow) == 1:
        by_mark = hollow[0]
    by_code = None
    if found is not None:
        qx = sum(p[0] for p in found.corners) / 4
        qy = sum(p[1] for p in found.corners) / 4
        nearest = min(range(4), key=lambda n: math.hypot(four[n].x - qx, four[n].y - qy))
        by_code = (nearest - 1) % 4  # the QR code is beside the top right mark
    if by_mark is None and by_code is None:
        raise NotRegistered("which way up the page lies is not known (no QR code)")
    if by_mark is not None and by_code is not None and by_mark != by_code:
        raise NotRegistered("the corner marks and the QR code disagree on which way is up")
    return by_mark if by_mark is not None else int(by_code)  # type: ignore[arg-type]


def _centre(box: tuple[float, float, float, float]) -> tuple[float, float]:
    x, y, w, h = box
    return x + w / 2, y + h / 2


def _registration(matrix: Array, geo: FormLayout, by_mark: bool) -> Registration:
    """The registration, with its scale at the page's middle and which way up it is."""
    cx, cy = geo.page[0] / 2, geo.page[1] / 2
    probe = Registration(matrix, 1.0, 0, by_mark)
    us, vs = probe.to_image(np.array([cx, cx + 1, cx]), np.array([cy, cy, cy + 1]))
    jacobian = abs((us[1] - us[0]) * (vs[2] - vs[0]) - (us[2] - us[0]) * (vs[1] - vs[0]))
    up_x, up_y = us[2] - us[0], vs[2] - vs[0]
    turned = round(math.degrees(math.atan2(-up_x, -up_y)) / 90) % 4 * 90
    return Registration(matrix, math.sqrt(jacobian), turned, by_mark, photo=True)


def _page_box(reg: Registration, geo: FormLayout, size: tuple[int, int],
              px_per_mm: float) -> tuple[int, int, int, int]:  # fmt: skip
    """Where the page lies in the photo (left, top, right, bottom), PAGE_MARGIN_MM round."""
    us, vs = reg.to_image(np.array([0.0, geo.page[0], 0.0, geo.page[0]]),
                          np.array([0.0, 0.0, geo.page[1], geo.page[1]]))  # fmt: skip
    pad = PAGE_MARGIN_MM * px_per_mm
    left, top = max(0, math.floor(us.min() - pad)), max(0, math.floor(vs.min() - pad))
    right = min(size[0], math.ceil(us.max() + pad))
    bottom = min(size[1], math.ceil(vs.max() + pad))
    if right <= left or bottom <= top:
        raise NotRegistered("the page is not in the photo")
    return left, top, right, bottom


def _nearest(reg: Registration, geo: FormLayout) -> float:
    """How much bigger the page is at its nearest corner than at its middle."""
    xs = np.array([0.0, geo.page[0], 0.0, geo.page[0], geo.page[0] / 2])
    ys = np.array([0.0, 0.0, geo.page[1], geo.page[1], geo.page[1] / 2])
    us, vs = reg.to_image(xs, ys)
    d = [math.dist((us[4], vs[4]), (us[n], vs[n])) for n in range(4)]
    return max(1.0, max(d) / min(d))


def _pin_by_anchors(flat: np.ndarray, reg: Registration, geo: FormLayout,
                    src: list[tuple[float, float]],
                    dst: list[tuple[float, float]]) -> Array | None:  # fmt: skip
    """The homography fitted to the four marks and the score row's anchors, if both
    anchors are found within ANCHOR_MISS_MM of where the marks put them."""
    px_mm = reg.px_per_pt * MM
    more_src, more_dst = [], []
    for box in geo.score_anchors:
        x, y = _centre(box)
        us, vs = reg.to_image(np.array([x]), np.array([y]))
        u, v = float(us[0]), float(vs[0])
        reach = round(2.6 * px_mm) + 2
        r0, c0 = round(v) - reach, round(u) - reach
        if r0 < 0 or c0 < 0 or r0 + 2 * reach >= flat.shape[0] or c0 + 2 * reach >= flat.shape[1]:
            return None
        patch = flat[r0 : r0 + 2 * reach + 1, c0 : c0 + 2 * reach + 1] < 0.5 * PAPER
        side = box[2] / MM * px_mm
        seen = _look_closely(patch, reach, reach, side)
        if seen is None:
            return None
        ay, ax, area, hollow = seen
        if hollow or not 0.4 < area / side**2 < 2.0:
            return None
        if math.hypot(c0 + ax - u, r0 + ay - v) > ANCHOR_MISS_MM * px_mm:
            return None
        more_src.append((x, y))
        more_dst.append((c0 + ax, r0 + ay))
    return homography([*src, *more_src], [*dst, *more_dst])
