"""Where the page lies in the image: its four corner marks found, which way up it is, and
the projective map (a homography) from the form's points to the image's pixels.

The marks are found as squares of ink with white paper round them, one near each corner of
the image; a mark's size comes from the image's size against the paper's, so a page scaled
a few percent, skewed a few degrees, turned a quarter or upside down is found the same. The
top left mark of a version 2 form is hollow, which gives the page's orientation without its
QR code; the QR code gives it on any form, and where both are read they must agree.
A phone photo (the page smaller than the frame, seen at an angle) is laid on its form by
crmdesk.services.scan_in.photo_registration instead."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from crmdesk.documents.form_geometry import MARK2, FormLayout

WORK_DPI = 100  # marks are looked for at this resolution
MIN_SCORE = 0.5  # a mark's inside is this much darker than the ring of paper round it
CORNER_REGION = 0.24  # a mark is looked for this far (of the width and height) from a corner
MARGIN_MM = 2.5  # the white ring round a mark that must be paper
SHAPE_TOLERANCE = 0.06  # the marks' rectangle may be scaled this much more one way than the other

Array = NDArray[np.float64]
Grey = NDArray[np.uint8]  # a page as its pixels, 0 black to 255 white
_CORNER_VECTORS = ((-1, -1), (1, -1), (-1, 1), (1, 1))  # TL, TR, BL, BR (x right, y down)


@dataclass(frozen=True)
class Registration:
    matrix: Array  # 3 × 3: form point (x right, y up, in points) → image pixel (column, row)
    px_per_pt: float
    turned: int  # anticlockwise, degrees
    hollow_seen: bool  # the hollow mark was found where the layout has it
    photo: bool = False  # a photo, its light evened out (a thin pen line is greyer in it)

    def to_image(self, xs: Array, ys: Array) -> tuple[Array, Array]:
        m = self.matrix
        w = m[2, 0] * xs + m[2, 1] * ys + m[2, 2]
        return (m[0, 0] * xs + m[0, 1] * ys + m[0, 2]) / w, (
            m[1, 0] * xs + m[1, 1] * ys + m[1, 2]
        ) / w


@dataclass(frozen=True)
class FoundMarks:
    centres: tuple[tuple[float, float], ...]  # image TL, TR, BL, BR, in full-size pixels
    hollow: tuple[bool, ...]
    px_per_pt: float


class NotRegistered(Exception):  # noqa: N818 (what happened, said to the person checking)
    """Why the page could not be laid on its form (said to the person checking it)."""


def find_marks(image: Image.Image, page: tuple[float, float], mark: float = MARK2) -> FoundMarks:
    """The mark nearest each corner of the image, or NotRegistered."""
    long_px, long_pt = max(image.size), max(page)
    px_per_pt = long_px / long_pt  # (refined from the marks found, by the homography)
    factor = max(1, round(px_per_pt * 72 / WORK_DPI))
    work = np.asarray(image.reduce(factor) if factor > 1 else image, dtype=np.float32)
    size = max(3, round(mark * 0.9 * px_per_pt / factor))
    ring = max(2, round(MARGIN_MM * 72 / 25.4 * px_per_pt / factor))
    rows, cols = work.shape
    reach_r, reach_c = round(rows * CORNER_REGION), round(cols * CORNER_REGION)
    centres, hollow = [], []
    for vx, vy in _CORNER_VECTORS:
        r0 = 0 if vy < 0 else max(0, rows - reach_r)
        c0 = 0 if vx < 0 else max(0, cols - reach_c)
        corner = work[r0 : r0 + reach_r, c0 : c0 + reach_c]
        # the paper's brightness near this corner (light falls unevenly on a page)
        paper = float(np.percentile(corner[::2, ::2], 90)) or 1.0
        dark = (corner < 0.5 * paper).astype(np.float64)
        region = _mark_score(dark, size, ring)
        if region.size == 0 or region.max() < MIN_SCORE:
            raise NotRegistered("a corner mark could not be found")
        # the strongest mark nearest the corner (a filled-in box further in scores as well)
        rr, cc = np.indices(region.shape)
        to_corner = (rr if vy < 0 else region.shape[0] - rr) + (
            cc if vx < 0 else region.shape[1] - cc
        )
        strong = region >= max(MIN_SCORE, 0.75 * float(region.max()))
        r, c = np.unravel_index(int(np.where(strong, to_corner, 1 << 30).argmin()), region.shape)
        cy, cx = _centroid(dark, int(r) + ring, int(c) + ring, size)
        centre_value = corner[round(cy), round(cx)]
        hollow.append(bool(centre_value > 0.6 * paper))
        centres.append(((c0 + cx + 0.5) * factor - 0.5, (r0 + cy + 0.5) * factor - 0.5))
    return FoundMarks(tuple(centres), tuple(hollow), px_per_pt)


def _mark_score(dark: Array, size: int, ring: int) -> Array:
    """For each window of `size` (with `ring` round it): the inside's share of ink less the
    ring's. Index [r, c] is the window whose outer top left is (r, c)."""
    integral = np.pad(dark.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    outer = size + 2 * ring

    def sums(k: int, offset: int) -> Array:
        n_r, n_c = dark.shape[0] - outer + 1, dark.shape[1] - outer + 1
        a = integral[offset : offset + n_r, offset : offset + n_c]
        b = integral[offset : offset + n_r, offset + k : offset + k + n_c]
        c = integral[offset + k : offset + k + n_r, offset : offset + n_c]
        d = integral[offset + k : offset + k + n_r, offset + k : offset + k + n_c]
        return np.asarray(d - b - c + a, dtype=np.float64)

    if dark.shape[0] < outer or dark.shape[1] < outer:
        return np.zeros((1, 1))
    inner = sums(size, ring)
    whole = sums(outer, 0)
    inside = inner / size**2
    around = (whole - inner) / (outer**2 - size**2)
    return np.asarray(inside - 2 * around, dtype=np.float64)


def _centroid(dark: Array, top: int, left: int, size: int) -> tuple[float, float]:
    pad = max(1, size // 4)
    r0, c0 = max(0, top - pad), max(0, left - pad)
    patch = dark[r0 : top + size + pad, c0 : left + size + pad]
    total = patch.sum()
    if total == 0:
        return top + size / 2, left + size / 2
    rr, cc = np.indices(patch.shape)
    return r0 + float((rr * patch).sum() / total), c0 + float((cc * patch).sum() / total)


def register(found: FoundMarks, geo: FormLayout, turned: int | None) -> Registration:
    """The map from the form to the image. `turned`: the orientation the QR code gave, or
    None; a version 2 form's hollow mark gives it too."""
    hollow_at = [n for n, h in enumerate(found.hollow) if h]
    by_mark: int | None = None
    if geo.hollow_corner is not None and len(hollow_at) == 1:
        by_mark = next(t for t in (0, 90, 180, 270)
                       if _image_corner(geo.hollow_corner, t) == hollow_at[0])  # fmt: skip
    if turned is None:
        if by_mark is None:
            raise NotRegistered("which way up the page lies is not known (no QR code)")
        turned = by_mark
    elif by_mark is not None and by_mark != turned:
        raise NotRegistered("the corner marks and the QR code disagree on which way is up")
    src = [(x + w / 2, y + h / 2) for x, y, w, h in geo.corners]
    dst = [found.centres[_image_corner(n, turned)] for n in range(4)]
    _check_shape(src, dst)
    matrix = homography(src, dst)
    return Registration(matrix, found.px_per_pt, turned, by_mark is not None)


def _image_corner(page_corner: int, turned: int) -> int:
    """Where the page's corner (TL, TR, BL, BR) lies in the image when the page is turned
    `turned` degrees anticlockwise."""
    x, y = _CORNER_VECTORS[page_corner]
    quarter = turned // 90 % 4
    for _ in range(quarter):  # a quarter turn anticlockwise on a screen (y down)
        x, y = y, -x
    return _CORNER_VECTORS.index((x, y))


def _check_shape(src: list[tuple[float, float]], dst: list[tuple[float, float]]) -> None:
    def dist(p: tuple[float, float], q: tuple[float, float]) -> float:
        return float(np.hypot(p[0] - q[0], p[1] - q[1]))

    # each side's length in the image against the form's: TL-TR, BL-BR, TL-BL, TR-BR
    sides = ((0, 1), (2, 3), (0, 2), (1, 3))
    scales = [dist(dst[a], dst[b]) / dist(src[a], src[b]) for a, b in sides]
    if min(scales) <= 0 or max(scales) / min(scales) > 1 + SHAPE_TOLERANCE:
        raise NotRegistered("the corner marks found do not make the form's rectangle")


def homography(src: Sequence[tuple[float, float]], dst: Sequence[tuple[float, float]]) -> Array:
    """The projective map taking each of `src` to its `dst`: exact through four points, the
    least-squares fit through more."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(src, dst, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    a, b = np.array(rows, dtype=np.float64), np.array(rhs, dtype=np.float64)
    h = np.linalg.solve(a, b) if len(src) == 4 else np.linalg.lstsq(a, b, rcond=None)[0]
    return np.append(h, 1.0).reshape(3, 3)
