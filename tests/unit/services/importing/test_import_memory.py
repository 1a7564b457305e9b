"""A large import's memory stays flat (issue 16): the command line's streaming import keeps
neither the rows nor the index of the rows read so far (the same person twice in one file)
in memory — that index is in a temporary SQLite file — so a file three times as long takes
no more memory; the same same-person answers as the index in memory. The whole import,
as the command line runs it, in a process of its own: four times the rows, no more
memory."""

from __future__ import annotations

import random
import re
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from crmdesk.services import settings
from crmdesk.services.importing import open_import
from crmdesk.services.importing.matching import Match, read_index
from crmdesk.services.importing.plan import Status, plan_rows
from crmdesk.services.importing.preview import import_file
from crmdesk.store.database import Database
from tests.unit.services.importing.test_import_plan import write_csv

GIVEN = ["Anna", "Łukasz", "Σοφία", "Ольга", "محمد", "דוד", "山田", "สมชาย", "देव", "Nguyễn"]
FAMILY = ["Webber", "Nowak", "Παπαδοπούλου", "Иванова", "الحسيني", "כהן", "太郎", "ใจดี",
          "शर्मा", "Thị Lan"]  # fmt: skip
MIDDLE = ["Maria", "Jan", "Ελένη", "Пётр", "علي", "שרה", "花子", "มานี", "राम", "Văn",
          "Zoë", "Ágnes", "Ilse", "Jürgen", "Ödön", "Ines", "Olaf", "Uma", "Yves"]  # fmt: skip
TOWNS = [("Leeds", "LS1"), ("York", "YO1"), ("Harrogate", "HG1"), ("Bradford", "BD1")]


def people(path: Path, rows: int) -> Path:
    """`rows` people, one in ten the same as an earlier one (their email in capitals); the
    names and places come from short lists, as a shop's do (so what is cached by word is
    cached once, whatever the file's length)."""
    rng = random.Random(16)
    out = []
    for n in range(rows):
        town, area = rng.choice(TOWNS)
        email = f"person{n}@example.org"
        if n % 10 == 9:
            email = f"PERSON{rng.randrange(n)}@example.org"
        name = f"{rng.choice(MIDDLE)} {rng.choice(FAMILY)}"
        postcode = f"{area} {rng.randrange(1, 9)}AB"
        out.append(
            [rng.choice(GIVEN), name, email, f"07400 {n:06d}", "", town, postcode, "", "", ""]
        )
    return write_csv(path, out)


def planning_peak(db: Database, file: Path, *, on_disk: bool) -> tuple[int, int]:
    """The most memory Python held while the file's rows were planned as the streaming
    import plans them (each row let go once planned), above what it held before; and how
    many rows were the same person as an earlier one."""
    index, same = read_index(db), 0
    source = open_import(file, locale="en_GB")
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        for row in plan_rows(db, source.contacts(), "GB", index, set(),
                             on_disk=on_disk):  # fmt: skip
            same += row.status is Status.SAME
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return peak, same


@pytest.mark.slow
def test_a_file_three_times_as_long_takes_no_more_memory(db: Database, tmp_path: Path) -> None:
    settings.set_phone_region(db, "GB")
    # (whole chunks of rows: a chunk planned is let go while the next is read)
    short, long = people(tmp_path / "short.csv", 1_000), people(tmp_path / "long.csv", 3_000)
    planning_peak(db, people(tmp_path / "first.csv", 200), on_disk=True)  # (modules loaded)
    short_peak, short_same = planning_peak(db, short, on_disk=True)
    long_peak, long_same = planning_peak(db, long, on_disk=True)
    in_memory_peak, in_memory_same = planning_peak(db, long, on_disk=False)
    assert long_same > short_same > 30  # the index is asked and answers
    assert long_same == in_memory_same  # the same answers as the index in memory
    # 2,000 more rows: the index in memory grows by over 500 bytes a row, on disk not at all
    assert in_memory_peak - short_peak > 1_000_000, (short_peak, in_memory_peak)
    assert long_peak - short_peak < 300_000, (short_peak, long_peak)


def test_the_streaming_import_finds_the_same_people_as_the_preview(
    db: Database, tmp_path: Path
) -> None:
    settings.set_phone_region(db, "GB")
    file = people(tmp_path / "people.csv", 1_500)
    index = read_index(db)

    def planned(on_disk: bool) -> list[tuple[Status, Match | None, int]]:
        rows = plan_rows(db, open_import(file).contacts(), "GB", index, set(),
                         on_disk=on_disk)  # fmt: skip
        return [(r.status, r.match, r.same_as_line) for r in rows]

    in_memory, on_disk = planned(False), planned(True)
    assert on_disk == in_memory
    reasons = [m.reason for status, m, _line in on_disk if status is Status.SAME and m]
    assert any(r.startswith("same email PERSON") for r in reasons)
    assert any(r.startswith("similar name") for r in reasons)
    result = import_file(db, open_import(file))
    same = sum(1 for status, _m, _l in on_disk if status is Status.SAME)
    assert result.added == 1_500 - same
    assert result.folded + result.skipped == same


def peak_growth_mb(rows: int, *flags: str) -> float:
    """How much the peak resident memory of a process of its own grows importing a file of
    `rows` people as `crmdesk import` does (B14's kind of file, names in ten scripts)."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.import_memory", "--one", str(rows), *flags],
        capture_output=True, text=True, check=True, cwd=Path(__file__).parents[4],
    )  # fmt: skip
    return float(re.search(r"growth_mb=([\d.]+)", done.stdout)[1])  # type: ignore[index]


@pytest.mark.slow
def test_the_command_lines_import_of_four_times_as_many_rows_takes_no_more_memory() -> None:
    """The whole import (planning, writing, SQLite's page cache; no Undo step, which the
    command line has no use for), measured as the system sees it: 15,000 more rows cost
    under 8 MB (with the window's Undo step and page cache: 63 MB, 27 MB for 5,000 and 90 for
    20,000)."""
    small, big = peak_growth_mb(5_000), peak_growth_mb(20_000)
    assert big - small < 8, f"{small:.1f} MB for 5,000 rows, {big:.1f} MB for 20,000"
