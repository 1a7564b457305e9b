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
MIN_SCORE = 0.4  # a square's inside this much darker than the paper round it
CANDIDATES = 20  # the biggest squares kept
LOOKS = 80  # the best squares looked at closely
SQUARE = (105.0, 200.0)  # area² / det(covariance) of a solid blob: a square's is 144
STRETCH = 2.8  # a mark seen at an angle: its long axis at most this much (squared) longer
HOLE = (0.05, 0.4)  # the hollow mark's hole against the whole mark
SIZE_SPREAD = 1.9  # the four marks' sides: the biggest at most this much the smallest
ASPECT_SPREAD = 1.45  # the marks' quadrilateral against the layout's rectangle
SCALE_SPREAD = 1.5  # a mark's size against the quadrilateral's
ANCHOR_MISS_MM = 1.0  # an anchor this far from where the four marks put it: not used


@dataclass(frozen=True)
class Blob:
    x: float  # centre, full-size pixels
    y: float
    side: float  # full-size pixels
    hollow: bool


def find_blobs(image: Image.Image) -> list[Blob]:
    """The squares of ink with paper round them that could be corner marks: the biggest
    CANDIDATES of them (letters and the score row's anchors are smaller)."""
    long = max(image.size)
    factor = max(1, long // WORK_LONG)
    small = image.reduce(factor) if factor > 1 else image
    work_long = max(small.size)
    # the paper's scale is not known yet: say the page's long side is ¾ of the photo's
    flat = np.asarray(flatten(small, 0.75 * work_long / 297), dtype=np.float32)
    dark = flat < 0.5 * PAPER
    best, side = _square_scores(dark, work_long)
    blobs = []
    for _ in range(LOOKS):
        at = int(best.argmax())
        r, c = divmod(at, best.shape[1])
        if best[r, c] < MIN_SCORE:
            break
        s = float(side[r, c])
        reach = round(0.8 * s) + 1
        best[max(0, r - reach) : r + reach + 1, max(0, c - reach) : c + reach + 1] = 0
        blob = _look_closely(dark, r, c, s)
        if blob is not None:
            y, x, area, hollow = blob
            blobs.append(Blob((x + 0.5) * factor - 0.5, (y + 0.5) * factor - 0.5,
                              math.sqrt(area) * factor, hollow))  # fmt: skip
    return sorted(blobs, key=lambda b: -b.side)[:CANDIDATES]


def _square_scores(dark: np.ndarray, work_long: int) -> tuple[np.ndarray, np.ndarray]:
    """For each pixel, the best score of a square centred on it (the inside's share of ink
    less twice the ring's) over the sizes a mark can have, and that size."""
    integral = np.pad(dark.cumsum(0, dtype=np.int32).cumsum(1, dtype=np.int32), ((1, 0), (1, 0)))
    rows, cols = dark.shape
    best = np.zeros(dark.shape, dtype=np.float32)
    side = np.zeros(dark.shape, dtype=np.float32)
    s = SIZES[0] * work_long
    while s <= SIZES[1] * work_long:
        inner = max(2, round(0.7 * s))  # (inside a square turned any way)
        ring = max(1, round(0.35 * s))
        outer = inner + 2 * ring
        n_r, n_c = rows - outer + 1, cols - outer + 1
        if n_r <= 0 or n_c <= 0:
            break

        def box(k: int, off: int, n_r: int = n_r, n_c: int = n_c) -> Array:
            a = integral[off : off + n_r, off : off + n_c]
            b = integral[off : off + n_r, off + k : off + k + n_c]
            c = integral[off + k : off + k + n_r, off : off + n_c]
            d = integral[off + k : off + k + n_r, off + k : off + k + n_c]
            return np.asarray(d - b - c + a, dtype=np.float32)

        inside = box(inner, ring)
        whole = box(outer, 0)
        score = inside / inner**2 - 2 * (whole - inside) / (outer**2 - inner**2)
        half = outer // 2
        view = best[half : half + n_r, half : half + n_c]
        better = score > view
        view[better] = score[better]
        side[half : half + n_r, half : half + n_c][better] = s
        s *= SIZE_STEP
    return best, side


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
        wider = grown.copy()
        wider[1:] |= grown[:-1]
        wider[:-1] |= grown[1:]
        wider[:, 1:] |= wider[:, :-1]
        wider[:, :-1] |= wider[:, 1:].copy()
        wider &= allowed
        if (wider == grown).all():
            return grown
        grown = wider


def choose_marks(blobs: Sequence[Blob], rectangles: Sequence[tuple[float, float, float]]
                 ) -> list[Blob]:  # fmt: skip
    """The four blobs that are the corner marks, in order round the page (clockwise as the
    photo shows it): those making the biggest quadrilateral that has the shape and size of
    one of `rectangles` (width and height between the marks' centres, the mark's side)."""
    chosen: list[Blob] = []
    biggest = 0.0
    for four in itertools.combinations(blobs, 4):
        sides = [b.side for b in four]
        if max(sides) > SIZE_SPREAD * min(sides):
            continue
        mx, my = sum(b.x for b in four) / 4, sum(b.y for b in four) / 4
        ring = sorted(four, key=lambda b: math.atan2(b.y - my, b.x - mx))
        pts = [(b.x, b.y) for b in ring]
        area = _convex_area(pts)
        if area <= biggest:
            continue
        edges = [math.dist(pts[n], pts[(n + 1) % 4]) for n in range(4)]
        a, b = (edges[0] + edges[2]) / 2, (edges[1] + edges[3]) / 2
        mark = sum(sides) / 4
        for width, height, side in rectangles:
            aspect = max(a, b) / min(a, b) / (max(width, height) / min(width, height))
            scale = (mark / side) / math.sqrt(area / (width * height))
            if (1 / ASPECT_SPREAD <= aspect <= ASPECT_SPREAD
                    and 1 / SCALE_SPREAD <= scale <= SCALE_SPREAD):  # fmt: skip
                chosen, biggest = ring, area
                break
    if not chosen:
        raise NotRegistered("the four corner marks could not be found")
    return chosen


def _convex_area(pts: list[tuple[float, float]]) -> float:
    """The quadrilateral's area, or 0 if it is not convex."""
    turns = []
    for n in range(4):
        (x0, y0), (x1, y1), (x2, y2) = pts[n], pts[(n + 1) % 4], pts[(n + 2) % 4]
        turns.append((x1 - x0) * (y2 - y1) - (y1 - y0) * (x2 - x1))
    if not (all(t > 0 for t in turns) or all(t < 0 for t in turns)):
        return 0.0
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return abs(sum(xs[n] * ys[(n + 1) % 4] - xs[(n + 1) % 4] * ys[n] for n in range(4))) / 2


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
                   found: FoundCode | None) -> tuple[Registration, Image.Image]:  # fmt: skip
    """The map from the form to the photo, and the photo with its light evened out (to
    measure the boxes on). `found`: the page's QR code, if it was read."""
    four = choose_marks(find_blobs(image), [rectangle_of(geo)])
    top_left = _top_left(four, geo, found)
    # the page's corners clockwise as seen (TL, TR, BR, BL) and the layout's indexes
    order = (0, 1, 3, 2)
    src = [_centre(geo.corners[k]) for k in order]
    dst = [(four[(top_left + n) % 4].x, four[(top_left + n) % 4].y) for n in range(4)]
    matrix = homography(src, dst)
    reg = _registration(matrix, geo, by_mark=any(b.hollow for b in four))
    flat = flatten(image, reg.px_per_pt * MM * _nearest(reg, geo))
    if geo.score_anchors:
        pinned = _pin_by_anchors(np.asarray(flat), reg, geo, src, dst)
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
