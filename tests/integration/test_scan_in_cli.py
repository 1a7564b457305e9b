"""`crmdesk scan-in`: scans read from the command line, as a script would run it."""

from __future__ import annotations

import json
from pathlib import Path

from crmdesk.services import surveys
from crmdesk.store.database import Database
from tests.integration.test_cli import crmdesk
from tests.letters_helpers import add_people, set_up_shop
from tests.scan_set.degrade import Scan
from tests.scan_set.forms import filled_form

SCAN = Scan(dpi=150, skew=2.0, scale=0.99, turn=180)


def test_dry_run_prints_each_page_and_records_nothing_then_a_run_records(
    tmp_path: Path, data_dir: Path
) -> None:
    db_file = tmp_path / "shop.crmdesk"
    with Database.open(db_file, create=True) as db:
        set_up_shop(db)
        client = add_people(db)[3]  # Σοφία Παπαδοπούλου
        sure, code = filled_form(db, tmp_path, [("cross", 9), ("tick", "quote")], SCAN,
                                 client_id=client)  # fmt: skip
        doubtful, code2 = filled_form(db, tmp_path, [("cross", 1), ("cross", 2)], SCAN)
    args = ["scan-in", "--db", str(db_file), str(sure), str(doubtful)]
    dry = crmdesk(*args, "--dry-run", "--json", data_dir=data_dir)
    assert dry.returncode == 0, dry.stderr
    pages = json.loads(dry.stdout)
    assert pages == [
        {"file": sure.name, "page": 1, "code": code, "score": 9,
         "consents": {"contact": False, "quote": True}, "extra": [None],
         "needs_check": False, "why": ""},
        {"file": doubtful.name, "page": 1, "code": code2, "score": None,
         "consents": {"contact": False, "quote": False}, "extra": [None],
         "needs_check": True, "why": "score: 1 and 2 are both marked"},
    ]  # fmt: skip
    assert "nothing recorded (--dry-run), 1 to check" in dry.stderr
    with Database.open(db_file) as db:
        assert surveys.look_up_form(db, code).code == code  # still open: nothing recorded

    done = crmdesk(*args, data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    assert f"{code} 9/10 Σοφία Παπαδοπούλου — recorded" in done.stdout
    assert "to check: score: 1 and 2 are both marked" in done.stdout
    assert "Read 2 pages: 1 form recorded, 1 to check." in done.stdout
    with Database.open(db_file) as db:
        assert [(f.client_id, f.score) for f in surveys.follow_ups(db)] == [(client, 9)]
        answers = db.query("SELECT score, consent_quote FROM survey_answers")
        assert [tuple(a) for a in answers] == [(9, 1)]


def test_a_file_that_is_not_a_scan_is_refused(tmp_path: Path, data_dir: Path) -> None:
    db_file = tmp_path / "shop.crmdesk"
    Database.open(db_file, create=True).close()
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    result = crmdesk("scan-in", "--db", str(db_file), str(notes), data_dir=data_dir)
    assert result.returncode == 2
    assert (
        "notes.txt is not a scan crmdesk reads: give PNG, JPEG, TIFF or PDF files." in result.stderr
    )
