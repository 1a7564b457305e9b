"""A clean page image made into what a scanner or fax hands back: skewed, scaled, at a
lower resolution, blurred, noisy, saved as JPEG, thresholded to black and white, turned."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


@dataclass(frozen=True)
class Scan:
    dpi: int = 200
    skew: float = 0.0  # degrees
    scale: float = 1.0
    blur: float = 0.0  # pixels
    noise: float = 0.0  # grey levels (standard deviation)
    jpeg: int | None = None  # quality
    bilevel: bool = False  # fax-like black and white
    turn: int = 0  # degrees anticlockwise: 0, 90, 180, 270
    grey_paper: int = 255  # the paper's brightness as scanned
    lid_mm: float = 0.0  # a dark band along the top and left edges (the scanner's lid)
    shade: float = 0.0  # uneven light: the page this much darker at one side than the other

    def describe(self) -> str:
        parts = [f"{self.dpi} dpi", f"skew {self.skew:+.1f}°", f"scale {self.scale:.3f}"]
        parts += [f"blur {self.blur:.1f}"] if self.blur else []
        parts += [f"noise {self.noise:.0f}"] if self.noise else []
        parts += [f"JPEG q{self.jpeg}"] if self.jpeg else []
        parts += ["1-bit"] if self.bilevel else []
        parts += [f"turned {self.turn}°"] if self.turn else []
        parts += [f"dark lid {self.lid_mm:.0f} mm"] if self.lid_mm else []
        parts += [f"shaded {self.shade:.0%}"] if self.shade else []
        return ", ".join(parts)


def random_scan(rng: random.Random) -> Scan:
    bilevel = rng.random() < 0.2
    return Scan(
        dpi=rng.choice((150, 200, 200, 300)),
        skew=rng.uniform(-3, 3),
        scale=rng.uniform(0.97, 1.03),
        blur=0.0 if bilevel else rng.choice((0.0, 0.5, 0.8, 1.2)),
        noise=0.0 if bilevel else rng.choice((0.0, 4.0, 8.0)),
        jpeg=None if bilevel else rng.choice((None, 85, 60, 40)),
        bilevel=bilevel,
        turn=rng.choice((0, 0, 0, 90, 180, 270)),
        lid_mm=rng.choice((0.0, 0.0, 0.0, 4.0, 8.0)),
        shade=rng.choice((0.0, 0.0, 0.0, 0.2, 0.4)),
        grey_paper=rng.randint(225, 255),
    )


def degrade(page: Image.Image, source_dpi: float, scan: Scan, rng: random.Random) -> Image.Image:
    """`page`: greyscale at `source_dpi`. Returns the scan as a greyscale image (mode "1"
    for a bilevel one, as a fax or a black-and-white scanner saves it)."""
    factor = scan.dpi / source_dpi * scan.scale
    size = (round(page.width * factor), round(page.height * factor))
    image = page.resize(size, Image.Resampling.LANCZOS)
    image = image.rotate(scan.skew, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    if scan.lid_mm:
        band = round(scan.lid_mm / 25.4 * scan.dpi)
        ImageDraw.Draw(image).rectangle((0, 0, image.width, band), fill=35)
        ImageDraw.Draw(image).rectangle((0, 0, band, image.height), fill=35)
    if scan.blur:
        image = image.filter(ImageFilter.GaussianBlur(scan.blur))
    pixels = np.asarray(image, dtype=np.float64) * (scan.grey_paper / 255)
    if scan.shade:  # darker towards the right and the bottom
        ramp = np.add.outer(
            np.linspace(0, 0.5, pixels.shape[0]), np.linspace(0, 0.5, pixels.shape[1])
        )
        pixels = pixels * (1 - scan.shade * ramp)
    if scan.noise:
        seed = rng.randrange(1 << 30)
        pixels = pixels + np.random.default_rng(seed).normal(0, scan.noise, pixels.shape)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    if scan.turn:
        image = image.rotate(scan.turn, expand=True)
    if scan.bilevel:
        return image.point(lambda v: 255 if v > 128 else 0).convert("1")
    return image


def save(image: Image.Image, scan: Scan, stem: Path) -> Path:
    """The scan as a scanner saves it: JPEG (at the scan's quality), a fax-like black and
    white one as CCITT group 4 TIFF, else PNG."""
    if scan.jpeg:
        out = stem.with_suffix(".jpg")
        image.save(out, "JPEG", quality=scan.jpeg)
    elif scan.bilevel:
        out = stem.with_suffix(".tif")
        image.save(out, compression="group4", dpi=(scan.dpi, scan.dpi))
    else:
        out = stem.with_suffix(".png")
        image.save(out, compress_level=1)
    return out
