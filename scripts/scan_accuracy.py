"""Make a larger generated set of filled, scanned survey forms and report how well
crmdesk reads it (issue 17's figures):

    python scripts/scan_accuracy.py [--forms 200] [--photos 0] [--seed 1] [--keep FOLDER]

Forms are printed into a fresh database, marked with pens of many kinds and scanned
badly (tests/scan_set); `--photos N` also photographs N more with a phone on a table
(perspective, shadows, uneven light), and each kind's figures are given apart; `--keep`
leaves the images and the database in FOLDER."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crmdesk.services.scan_in.batch import read_files
from crmdesk.services.scan_in.codes import find_code
from crmdesk.services.scan_in.pages import pages
from crmdesk.store.database import Database
from tests.letters_helpers import set_up_shop
from tests.scan_set.accuracy import Accuracy
from tests.scan_set.forms import make_set


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--forms", type=int, default=200, help="scanned forms")
    parser.add_argument("--photos", type=int, default=0, help="photographed forms")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--paper", choices=("A4", "Letter"), default="A4")
    parser.add_argument("--keep", type=Path, help="make the set in this (new) folder, and keep it")
    parser.add_argument("--errors", action="store_true", help="list every page read wrong")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="crmdesk-scan-set-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with Database.open(folder / "forms.crmdesk", create=True) as db:
            set_up_shop(db)
            for kind, count in (("scans", args.forms), ("photos", args.photos)):
                if count:
                    _measure(db, folder / kind, kind, count, args)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


def _measure(db: Database, folder: Path, kind: str, count: int, args: argparse.Namespace) -> None:
    folder.mkdir()
    start = time.perf_counter()
    made = make_set(db, folder, count, args.seed, args.paper, photos=kind == "photos")
    print(f"{kind}: made {len(made)} in {time.perf_counter() - start:.0f} s")
    start = time.perf_counter()
    truths = {path.name: truth for path, truth in made}
    accuracy = Accuracy()
    for reading in read_files(db, [p for p, _ in made]):
        accuracy.add(reading, truths[reading.file])
    took = time.perf_counter() - start
    start = time.perf_counter()
    for path, _ in made:  # the floor: load each page and decode its QR code
        for page in pages(path):
            find_code(page.image)
    floor = time.perf_counter() - start
    print(
        f"read in {took:.1f} s ({1000 * took / len(made):.0f} ms a page); loading the "
        f"pages and decoding their QR codes alone: {floor:.1f} s ({took / floor:.2f}×)"
    )
    print(f"{kind}: {accuracy.report()}")
    for line in accuracy.errors if args.errors else accuracy.errors[:10]:
        print("  " + line)
    if args.errors:
        print("clearly marked pages sent to the check:")
        for line in accuracy.needless:
            print("  " + line)


if __name__ == "__main__":
    raise SystemExit(main())
