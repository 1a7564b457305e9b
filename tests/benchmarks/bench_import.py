"""B14: importing 10,000 CSV rows (preview, then write), against plain executemany INSERTs of
the same rows into the same table (the search index's triggers run in both)."""

from __future__ import annotations

import csv
import json
import random
import shutil
import sqlite3
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from crmdesk.model.ids import new_id
from crmdesk.services import settings
from crmdesk.services.importing import open_import
from crmdesk.services.importing.plan import OnMatch
from crmdesk.services.importing.preview import preview_file, write_preview
from crmdesk.store import search_index
from crmdesk.store.database import Database
from tests.benchmarks.harness import Row, median, ratio_row

ROWS = 10_000
HEADER = ["First Name", "Last Name", "E-mail Address", "Mobile Phone", "Home Street",
          "Home City", "Home Postal Code", "Birthday", "Notes"]  # fmt: skip
GIVEN = ["Anna", "Łukasz", "Σοφία", "Ольга", "محمد", "דוד", "山田", "สมชาย", "देव", "Nguyễn"]
FAMILY = ["Webber", "Nowak", "Παπαδοπούλου", "Иванова", "الحسيني", "כהן", "太郎", "ใจดี",
          "शर्मा", "Thị Lan"]  # fmt: skip
TOWNS = [("Leeds", "LS1"), ("York", "YO1"), ("Harrogate", "HG1"), ("Bradford", "BD1")]


def _phone(rng: random.Random, n: int) -> str:
    """A British mobile number, as the shop's own clients have; one in twenty from abroad."""
    if n % 20 == 0:
        return f"+49 30 {n:08d}"
    return f"{rng.choice(['07400', '07712', '07812', '07956'])} {n:06d}"


def _rows() -> list[list[str]]:
    rng = random.Random(14)
    out = []
    for n in range(ROWS):
        town, area = rng.choice(TOWNS)
        out.append([
            rng.choice(GIVEN), f"{rng.choice(FAMILY)} {n}", f"person{n}@example.org",
            _phone(rng, n), f"{rng.randrange(1, 200)} High Street", town,
            f"{area} {rng.randrange(1, 9)}AB", f"{rng.randrange(1, 28):02d}/"
            f"{rng.randrange(1, 12):02d}/{rng.randrange(1940, 2005)}",
            "Likes tulips" if n % 7 == 0 else "",
        ])  # fmt: skip
    return out


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)


def _raw_insert(conn: sqlite3.Connection, rows: list[list[str]]) -> None:
    """The same rows as clients, with plain INSERTs: no checking, matching or history."""
    now = datetime.now().isoformat(sep=" ")
    values = [
        (new_id(), now, given, family, json.dumps([{"label": "mobile", "number": phone}]),
         json.dumps([{"label": "", "address": email}]), street, postcode, city,
         "-".join(reversed(birthday.split("/"))))
        for given, family, email, phone, street, city, postcode, birthday, _notes in rows
    ]  # fmt: skip
    with conn:
        conn.executemany(
            "INSERT INTO clients (id, hlc, site_id, created_at, given_name, family_name,"
            " salutation, preferred_name, company, phones, emails, street, postcode, city,"
            " birthday, country, preferred_contact, marketing_consent, tags, found_via,"
            " sort_name, stage_override, referral_reward)"
            " VALUES (?, '', '', ?, ?, ?, '', '', '', ?, ?, ?, ?, ?, ?, '', 'any', 0, '[]', '',"
            " '', '', '')",
            values,
        )


def _ours(db: Database, file: Path) -> Any:
    source = open_import(file, locale="en_GB")
    preview = preview_file(db, source, region="GB")
    return write_preview(db, preview, OnMatch.UPDATE)


def b14(small: Path, repeat: int) -> list[Row]:
    folder = Path(tempfile.mkdtemp(prefix="crmdesk-b14-"))
    ours, base = [], []
    try:
        rows = _rows()
        file = folder / "clients.csv"
        _write_csv(file, rows)
        for n in range(repeat + 1):  # the first of each, unmeasured, loads the modules
            copy = Path(shutil.copy(small, folder / "b14.crmdesk"))
            with Database.open(copy) as db:
                settings.set_phone_region(db, "GB")
                db.warm_up()
                start = time.perf_counter()
                result = _ours(db, file)
                elapsed = (time.perf_counter() - start) * 1000
                assert result.added + result.updated == ROWS, result.summary()
            conn = sqlite3.connect(shutil.copy(small, folder / "raw.crmdesk"))
            search_index.register(conn)  # the search index's triggers fold the text
            start = time.perf_counter()
            _raw_insert(conn, rows)
            raw = (time.perf_counter() - start) * 1000
            conn.close()
            if n:
                ours.append(elapsed)
                base.append(raw)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return [
        ratio_row(
            "B14",
            "import 10,000 CSV rows (preview + write)",
            median(ours),
            median(base),
            3.0,
            note="baseline: executemany INSERTs of the same rows into clients",
        )
    ]
