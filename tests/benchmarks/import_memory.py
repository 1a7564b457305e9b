"""How much memory the command line's import takes as its file grows (issue 16: "large files
stream (memory flat)"): each size is imported into a fresh database in a process of its
own, and the process's peak resident memory is measured before and after the import.

    python -m tests.benchmarks.import_memory 10000 100000          # as `crmdesk import`
    python -m tests.benchmarks.import_memory --undo 10000          # with an Undo step (the
                                                                   # window's way of writing)
    python -m tests.benchmarks.import_memory --trace 10000         # + Python's own heap: its
                                                                   # peak and where it grew
    python -m tests.benchmarks.import_memory --dry-run 10000       # `crmdesk import --dry-run`
    python -m tests.benchmarks.import_memory --preview 100000      # the window's preview only
                                                                   # (--keep=N: rows in memory)

The file is B14's (names in ten scripts, a phone, email and address each), with one row
in ten the same person as an earlier row (their email again, written in capitals), so the
index of the rows read so far is asked and found.
"""

from __future__ import annotations

import csv
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from tests.benchmarks.bench_import import FAMILY, GIVEN, HEADER, TOWNS


def write_file(path: Path, rows: int) -> None:
    """`rows` people as an Outlook-style CSV, written as they are made (no list of them)."""
    rng = random.Random(16)
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for n in range(rows):
            town, area = rng.choice(TOWNS)
            email = f"person{n}@example.org"
            if n % 10 == 9:  # the same person as an earlier row
                email = f"PERSON{rng.randrange(n)}@example.org"
            out.writerow([
                rng.choice(GIVEN), f"{rng.choice(FAMILY)} {n}", email,
                f"07{rng.randrange(400, 999)} {n:06d}", f"{rng.randrange(1, 200)} High Street",
                town, f"{area} {rng.randrange(1, 9)}AB", "", "Likes tulips" if n % 7 == 0 else "",
            ])  # fmt: skip


def peak_kb() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KB on Linux


def measure(
    rows: int,
    *,
    undo: bool = False,
    trace: bool = False,
    dry: bool = False,
    preview: bool = False,
    keep: int | None = None,
) -> dict[str, float]:
    """In this process: import a file of `rows` rows as the command line does (no Undo
    step, unless `undo`); the peak memory's growth in MB. `trace`: also the peak of what
    Python allocated (tracemalloc, which makes the import slower), and the lines whose
    allocations were left at the end printed. `dry`: `--dry-run` instead (nothing written).
    `preview`: the window's preview instead (every row planned and kept, the first `keep`
    in memory), nothing written."""
    from crmdesk.services import settings
    from crmdesk.services.importing import open_import
    from crmdesk.services.importing.kept_rows import IN_MEMORY
    from crmdesk.services.importing.outcomes import ImportResult
    from crmdesk.services.importing.plan import OnMatch, Status
    from crmdesk.services.importing.preview import dry_run, import_file, preview_file
    from crmdesk.store.database import Database

    with tempfile.TemporaryDirectory(prefix="crmdesk-memory-") as folder:
        file = Path(folder) / "clients.csv"
        write_file(file, rows)
        with Database.open(Path(folder) / "shop.crmdesk", create=True) as db:
            settings.set_phone_region(db, "GB")
            # the modules and a first small import loaded before measuring
            small = Path(folder) / "small.csv"
            write_file(small, 50)
            import_file(db, open_import(small, locale="en_GB"))
            if trace:
                tracemalloc.start(1)
                first = tracemalloc.take_snapshot()
            before = peak_kb()
            start = time.perf_counter()
            source = open_import(file, locale="en_GB")
            if preview:
                shown = preview_file(db, source, in_memory=IN_MEMORY if keep is None else keep)
                counts = shown.counts()
                shown.close()
                result = ImportResult(counts[Status.NEW], counts[Status.MATCH], counts[Status.DONE],
                                      counts[Status.SAME])  # fmt: skip
            elif dry:
                result = dry_run(db, source, OnMatch.UPDATE)
            else:
                result = import_file(db, source, undo=undo)
            seconds = time.perf_counter() - start
            after = peak_kb()
            if trace:
                python_peak = tracemalloc.get_traced_memory()[1] / 2**20
                grown = tracemalloc.take_snapshot().compare_to(first, "lineno")
                tracemalloc.stop()
                for stat in grown[:8]:
                    print(f"  {stat.size_diff / 1024:+.0f} KB  {stat.traceback}")
    assert result.added + result.folded + result.skipped >= rows - 50, result.summary()
    said = {"rows": rows, "growth_mb": (after - before) / 1024, "peak_mb": after / 1024,
            "seconds": seconds, "folded": result.folded}  # fmt: skip
    if trace:
        said["python_peak_mb"] = python_peak
    return said


def main(argv: list[str]) -> None:
    flags = [a for a in argv if a in ("--undo", "--trace", "--dry-run", "--preview")
             or a.startswith("--keep=")]  # fmt: skip
    sizes = [a for a in argv if a not in flags]
    keep = [int(a.split("=")[1]) for a in flags if a.startswith("--keep=")]
    if sizes[:1] == ["--one"]:
        said = measure(int(sizes[1]), undo="--undo" in flags, trace="--trace" in flags,
                       dry="--dry-run" in flags, preview="--preview" in flags,
                       keep=keep[0] if keep else None)  # fmt: skip
        print(" ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}"
                       for k, v in said.items()), flush=True)  # fmt: skip
        return
    for rows in [int(a) for a in sizes] or [10_000, 100_000]:
        subprocess.run([sys.executable, "-m", "tests.benchmarks.import_memory", "--one",
                        str(rows), *flags], check=True)  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
