"""Timing helpers and the results table."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass
class Row:
    id: str
    operation: str
    crmdesk: float  # the figure for crmdesk (ms, or MB for memory)
    baseline: float  # the same figure for the baseline, measured in the same run
    unit: str
    ratio: float  # crmdesk / baseline (or crmdesk - baseline for memory)
    target: str
    holds: bool
    note: str = ""


def ratio_row(
    id: str,
    operation: str,
    ours: float,
    base: float,
    limit: float,
    unit: str = "ms",
    note: str = "",
) -> Row:
    ratio = ours / base if base else float("inf")
    return Row(id, operation, ours, base, unit, ratio, f"≤ {limit:g}×", ratio <= limit, note)


def limit_row(
    id: str, operation: str, ours: float, base: float, limit: float, note: str = ""
) -> Row:
    """A row whose target is a time (ms) rather than a ratio; the baseline is shown beside it."""
    ratio = ours / base if base else float("inf")
    return Row(id, operation, ours, base, "ms", ratio, f"≤ {limit:g} ms", ours <= limit, note)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def interleaved(
    ours: Callable[[], Any], base: Callable[[], Any], repeat: int
) -> tuple[list[float], list[float]]:
    """Run both `repeat` times, alternating, after one warm-up each; times in ms."""
    ours()
    base()
    a, b = [], []
    for _ in range(repeat):
        a.append(timed(ours)[0])
        b.append(timed(base)[0])
    return a, b


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def table(rows: list[Row]) -> str:
    head = ("#", "operation", "crmdesk", "baseline", "ratio", "target", "holds")
    lines = [head]
    for r in rows:
        if r.unit == "MB":
            figures = (f"{r.crmdesk:.0f} MB", f"{r.baseline:.0f} MB", f"{r.ratio:+.0f} MB")
        else:
            ratio = "—" if r.target.endswith(r.unit) else f"{r.ratio:.2f}×"  # a time is the target
            figures = (f"{r.crmdesk:.2f} {r.unit}", f"{r.baseline:.2f} {r.unit}", ratio)
        lines.append((r.id, r.operation, *figures, r.target, "yes" if r.holds else "NO"))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
    out = [
        "| " + " | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) + " |"
        for line in lines
    ]
    out.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def write_json(rows: list[Row], path: Path, context: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"context": context, "rows": [asdict(r) for r in rows]}, indent=1))
