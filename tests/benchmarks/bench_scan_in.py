"""B18: reading scanned survey forms, against the floor of loading the same pages and
decoding their QR codes; and memory over a 1,000-page batch (one page held at a time).
B18p: the same for phone photos of forms lying on a table."""

from __future__ import annotations

import resource
import shutil
import tempfile
from pathlib import Path

from crmdesk.services import shop
from crmdesk.services.scan_in.codes import find_code
from crmdesk.services.scan_in.pages import pages
from crmdesk.services.scan_in.reading import read_page
from crmdesk.store.database import Database
from tests.benchmarks.bench_letters import SHOP
from tests.benchmarks.harness import Row, interleaved, median, ratio_row
from tests.scan_set.forms import make_set

DISTINCT = 25  # generated scans (150–300 dpi, skewed, noisy, JPEG, fax-like, turned)
PAGES = 100
BATCH = 1000
MEMORY_LIMIT_MB = 30
PHOTOS = 16  # generated phone photos (tests.scan_set.photo: 2, 7 and 12 MP, any angle)
PHOTO_PAGES = 32
PHOTO_LIMIT = 3.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _read(db: Database, files: list[Path], n: int) -> None:
    """`n` files read, going round `files`: each page in full (not "in this batch already")."""
    for k in range(n):
        for page in pages(files[k % len(files)]):
            read_page(db, page, {})


def _floor(files: list[Path], n: int) -> None:
    """The same `n` files only loaded, and their QR codes decoded."""
    for k in range(n):
        for page in pages(files[k % len(files)]):
            find_code(page.image)


def b18(repeat: int) -> list[Row]:
    folder = Path(tempfile.mkdtemp(prefix="crmdesk-b18-"))
    try:
        with Database.open(folder / "b18.crmdesk", create=True) as db:
            shop.save_shop(db, SHOP)
            scans = [path for path, _ in make_set(db, folder, DISTINCT, seed=18)]

            ours, base = interleaved(lambda: _read(db, scans, PAGES),
                                     lambda: _floor(scans, PAGES), repeat)  # fmt: skip
            before = _peak_mb()
            _read(db, scans, BATCH)
            growth = _peak_mb() - before
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return [
        ratio_row(
            "B18",
            f"read {PAGES} scanned survey pages",
            median(ours),
            median(base),
            3.0,
            note="baseline: load the same pages and decode their QR codes",
        ),
        Row(
            "B18m",
            f"peak memory growth over a {BATCH:,}-page batch",
            growth,
            0.0,
            "MB",
            growth,
            f"≤ +{MEMORY_LIMIT_MB} MB",
            growth <= MEMORY_LIMIT_MB,
            note=f"after {PAGES}-page runs",
        ),
    ]


def b18p(repeat: int) -> list[Row]:
    folder = Path(tempfile.mkdtemp(prefix="crmdesk-b18p-"))
    try:
        with Database.open(folder / "b18p.crmdesk", create=True) as db:
            shop.save_shop(db, SHOP)
            photos = [path for path, _ in make_set(db, folder, PHOTOS, seed=18, photos=True)]

            ours, base = interleaved(lambda: _read(db, photos, PHOTO_PAGES),
                                     lambda: _floor(photos, PHOTO_PAGES), repeat)  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return [
        ratio_row(
            "B18p",
            f"read {PHOTO_PAGES} phone photos of survey forms",
            median(ours),
            median(base),
            PHOTO_LIMIT,
            note="baseline: load the same photos and decode their QR codes",
        )
    ]
