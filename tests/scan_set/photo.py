"""A clean page image made into what a phone hands back when someone photographs a form
lying on a table: the page smaller than the frame on a darker, textured table, seen at an
angle (the camera tilted up to 28°, so the page is a general quadrilateral), turned any way,
a hand's or phone's shadow across part of it, one side darker than the other, blurred,
noisy and saved as a phone's JPEG."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFilter

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Photo:
    size: tuple[int, int] = (1200, 1600)  # the frame, pixels (width, height)
    fill: float = 0.75  # the page's long side against the frame's
    turn: float = 0.0  # the page turned in the frame, degrees anticlockwise
    tilt: float = 0.0  # the camera tilted from straight down, degrees
    tilt_axis: float = 0.0  # about which direction on the table, degrees
    table: int = 90  # the table's brightness
    paper: int = 235  # the paper's brightness as photographed
    shade: float = 0.0  # one side of the frame this much darker than the other
    shadow: float = 0.0  # the shadow keeps 1 − this of the light where it falls
    blur: float = 0.8  # pixels
    noise: float = 3.0
    jpeg: int = 85

    def describe(self) -> str:
        parts = [
            f"photo {self.size[0]}×{self.size[1]}",
            f"page {self.fill:.0%} of the frame",
            f"turned {self.turn:.0f}°",
            f"tilt {self.tilt:.0f}°",
            f"table {self.table}",
        ]
        parts += [f"one side {self.shade:.0%} darker"] if self.shade else []
        parts += [f"shadow {self.shadow:.0%}"] if self.shadow else []
        parts += [f"blur {self.blur:.1f}", f"JPEG q{self.jpeg}"]
        return ", ".join(parts)


def random_photo(rng: random.Random) -> Photo:
    size = rng.choice(((1200, 1600), (1200, 1600), (2250, 3000), (3000, 4000)))
    upright = rng.choice((0, 0, 90, 180, 270))
    if upright in (90, 270):
        size = (size[1], size[0])  # the phone held sideways, as the page lies
    return Photo(
        size=size,
        fill=rng.uniform(0.6, 0.9),
        turn=upright + rng.uniform(-15, 15) if rng.random() < 0.85 else rng.uniform(0, 360),
        tilt=rng.uniform(0, 28),
        tilt_axis=rng.uniform(0, 360),
        table=rng.choice((40, 70, 100, 130, 170)) + rng.randint(-15, 15),
        paper=rng.randint(200, 245),
        shade=rng.choice((0.0, 0.4, 0.5, 0.6)),
        shadow=rng.choice((0.0, 0.0, 0.3, 0.4, 0.5)),
        blur=rng.choice((0.4, 0.7, 1.0, 1.3)) * math.sqrt(max(size) / 1600),
        noise=rng.choice((2.0, 4.0, 6.0)),
        jpeg=rng.choice((70, 80, 88, 92)),
    )


def photograph(page: Image.Image, photo: Photo, rng: random.Random) -> Image.Image:
    """`page`: greyscale, upright. Returns the photo, greyscale ("L")."""
    width, height = photo.size
    quad = _page_in_frame(page.size, photo, rng)
    corners = [(0, 0), (page.width, 0), (page.width, page.height), (0, page.height)]
    to_page = _homography(quad, corners)  # frame pixel → page pixel (what Pillow asks for)
    coefficients = tuple(float(c) for c in (to_page / to_page[2, 2]).ravel()[:8])
    warped = page.transform(photo.size, Image.Transform.PERSPECTIVE, coefficients,
                            Image.Resampling.BICUBIC, fillcolor=255)  # fmt: skip
    mask = Image.new("L", photo.size, 0)
    ImageDraw.Draw(mask).polygon([tuple(p) for p in quad], fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(0.7))
    paper = np.asarray(warped, dtype=np.float64) * (photo.paper / 255)
    alpha = np.asarray(mask, dtype=np.float64) / 255
    pixels = alpha * paper + (1 - alpha) * _table(photo, rng)
    pixels *= _light(photo, rng)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    if photo.blur:
        image = image.filter(ImageFilter.GaussianBlur(photo.blur))
    # a sensor's noise grows with the light (as its square root)
    noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, photo.noise, (height, width))
    pixels = np.asarray(image, dtype=np.float64)
    noisy = pixels + noise * np.sqrt(pixels / 235)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def save(image: Image.Image, photo: Photo, stem: Path) -> Path:
    out = stem.with_suffix(".jpg")
    image.save(out, "JPEG", quality=photo.jpeg)
    return out


def _page_in_frame(size: tuple[int, int], photo: Photo, rng: random.Random) -> Array:
    """The page's corners (TL, TR, BR, BL) in the frame: the page turned on the table, seen
    by a pinhole camera tilted about an axis on the table, then placed in the frame."""
    w, h = size
    corners = np.array([(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)])
    a = math.radians(-photo.turn)  # (anticlockwise on a screen, y down)
    corners = corners @ np.array([[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]])
    points = np.column_stack([corners, np.zeros(4)])
    axis = math.radians(photo.tilt_axis)
    k = np.array([math.cos(axis), math.sin(axis), 0.0])
    t = math.radians(photo.tilt)
    cross = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    rotation = np.eye(3) + math.sin(t) * cross + (1 - math.cos(t)) * cross @ cross
    distance = 1.1 * math.hypot(w, h)  # a phone's wide lens, a page filling much of it
    seen = points @ rotation.T + np.array([0, 0, distance])
    flat = seen[:, :2] / seen[:, 2:] * distance
    flat -= flat.mean(axis=0)
    extent = flat.max(axis=0) - flat.min(axis=0)
    frame = np.array(photo.size, dtype=np.float64)
    long_side = max(np.hypot(*(flat[0] - flat[3])), np.hypot(*(flat[0] - flat[1])))
    scale = photo.fill * max(frame) / long_side
    scale = min(scale, 0.96 * float(np.min(frame / extent)))  # the whole page in the frame
    flat *= scale
    room = (frame - (flat.max(axis=0) - flat.min(axis=0))) / 2
    centre = frame / 2 + np.array([rng.uniform(-1, 1) * room[0], rng.uniform(-1, 1) * room[1]])
    return np.asarray(flat + centre - (flat.max(axis=0) + flat.min(axis=0)) / 2)


def _table(photo: Photo, rng: random.Random) -> Array:
    """A table: its brightness with a grain along one direction and some blotches."""
    width, height = photo.size
    gen = np.random.default_rng(rng.randrange(1 << 30))
    grain = Image.fromarray((gen.random((8, 160)) * 255).astype(np.uint8))
    grain = grain.resize((width * 2, height * 2), Image.Resampling.BICUBIC).rotate(
        rng.uniform(0, 180)).crop((width // 2, height // 2, width // 2 + width,
                                   height // 2 + height))  # fmt: skip
    blotches = Image.fromarray((gen.random((6, 8)) * 255).astype(np.uint8))
    blotches = blotches.resize((width, height), Image.Resampling.BICUBIC)
    texture = (np.asarray(grain, dtype=np.float64) - 128) / 128 * 0.25
    texture += (np.asarray(blotches, dtype=np.float64) - 128) / 128 * 0.15
    return np.asarray(photo.table * (1 + texture))


def _light(photo: Photo, rng: random.Random) -> Array:
    """How much of the light reaches each pixel: a ramp across the frame (one side
    `shade` darker), and a soft-edged shadow of a hand or a phone from one edge."""
    width, height = photo.size
    a = rng.uniform(0, 2 * math.pi)
    along = np.add.outer(np.arange(height) * math.sin(a), np.arange(width) * math.cos(a))
    along = (along - along.min()) / max(float(np.ptp(along)), 1.0)
    light = 1 - photo.shade * along
    if photo.shadow:
        small = (width // 8, height // 8)
        mask = Image.new("L", small, 0)
        draw = ImageDraw.Draw(mask)
        sw, sh = small
        cx, cy = rng.uniform(0.2, 0.8) * sw, rng.uniform(0.2, 0.8) * sh
        r = rng.uniform(0.12, 0.22) * min(sw, sh)
        side = rng.choice(((0, 0), (sw, 0), (0, sh), (sw, sh)))
        draw.ellipse((cx - r, cy - 1.3 * r, cx + r, cy + 1.3 * r), fill=255)  # the hand
        draw.line((cx, cy, *side), fill=255, width=round(r))  # the arm or the phone
        penumbra = rng.uniform(0.02, 0.05) * min(sw, sh)
        mask = mask.filter(ImageFilter.GaussianBlur(penumbra)).resize(photo.size)
        light = light * (1 - photo.shadow * np.asarray(mask, dtype=np.float64) / 255)
    return np.asarray(light)


def _homography(src: Array, dst: list[tuple[int, int]]) -> Array:
    rows, rhs = [], []
    for (x, y), (u, v) in zip(src, dst, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    h = np.linalg.solve(np.array(rows, dtype=np.float64), np.array(rhs, dtype=np.float64))
    return np.append(h, 1.0).reshape(3, 3)
