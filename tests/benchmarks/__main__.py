"""`make bench`: build (or reuse) the benchmark databases, run every benchmark, print the
table and write it as JSON to bench-results/bench.json.

    python -m tests.benchmarks [--repeat N] [--clients N] [--only B2,B4]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import traceback
from datetime import datetime

from tests.benchmarks import (
    bench_core,
    bench_duplicates,
    bench_freeze,
    bench_import,
    bench_letters,
    bench_retention,
    bench_scan_in,
    bench_surveys,
    bench_sync,
    data,
    processes,
)
from tests.benchmarks.harness import Row, table, write_json

RESULTS = data.ROOT / "bench-results" / "bench.json"


def main() -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--repeat", type=int, default=7, help="runs of each measurement")
    parser.add_argument("--clients", type=int, default=100_000, help="size of the big database")
    parser.add_argument("--only", default="", help="comma-separated rows, e.g. B2,B4")
    args = parser.parse_args()
    only = {x.strip().upper() for x in args.only.split(",") if x.strip()}
    big, small = data.database(args.clients), data.database(1000)
    print(
        f"big: {big.name} ({big.stat().st_size / 2**20:,.0f} MB), small: {small.name}",
        file=sys.stderr,
    )
    parts = {
        "B1": lambda: processes.b1(big, max(5, args.repeat)),
        "B2": lambda: bench_core.b2_b3(big, small, args.repeat),
        "B4": lambda: bench_core.b4(big, args.repeat),
        "B5": lambda: bench_core.b5(big, args.repeat),
        "B6": lambda: bench_core.b6(big, args.repeat),
        "B7": lambda: processes.b7(big, small),
        "B8": lambda: bench_letters.b8(small, max(3, args.repeat // 2)),
        "B9": lambda: bench_surveys.b9(small, max(3, args.repeat // 2)),
        "B10": lambda: bench_surveys.b10(small, args.repeat),
        "B11": lambda: bench_retention.b11(big, args.repeat),
        "B12": lambda: bench_retention.b12(big, args.repeat),
        "B13": lambda: bench_sync.b13(big, max(3, args.repeat // 2)),
        "B15": lambda: bench_duplicates.b15(big, max(3, args.repeat // 2)),
        "B14": lambda: bench_import.b14(small, max(3, args.repeat // 2)),
        "B16": lambda: bench_freeze.b16(big, small, args.clients),  # one session each
        "B17": lambda: bench_retention.b17(big, args.repeat),
        "B19": lambda: processes.b19(big, max(5, args.repeat)),
        "B18": lambda: bench_scan_in.b18(max(3, args.repeat // 2)),
        "B18P": lambda: bench_scan_in.b18p(max(3, args.repeat // 2)),
    }
    rows: list[Row] = []
    failed: list[str] = []
    for name, part in parts.items():
        if only and name not in only and not (name == "B2" and "B3" in only):
            continue
        print(f"running {name}…", file=sys.stderr, flush=True)
        try:
            rows += part()
        except Exception:  # one broken benchmark must not lose the others' figures
            traceback.print_exc()
            failed.append(name)
    rows.sort(key=lambda r: (int(r.id[1:].rstrip("hmp")), r.id))  # B1 … B9, B10, B18m, B18p
    print(table(rows))
    context = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "command": "make bench",
        "big_database": big.name,
    }
    write_json(rows, RESULTS, context)
    print(f"\nwritten to {RESULTS.relative_to(data.ROOT)}")
    if failed:
        print(f"\nthese benchmarks failed to run: {', '.join(failed)}", file=sys.stderr)
    return 0 if all(r.holds for r in rows) and not failed else 1


if __name__ == "__main__":
    raise SystemExit(main())
