"""`crmdesk scan-in`: scans read from the command line, as a script would run it."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image, ImageDraw

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


def test_check_asks_each_doubtful_row_at_the_terminal_then_records(
    tmp_path: Path, data_dir: Path
) -> None:
    """--check: two scores marked (a wrong key first, then 2), a consent filled in (Y), a
    QR code whited out (its code typed, then read surely), a page skipped (S); the rest of
    the page with no score is not asked. Everything decided is recorded as one step."""
    db_file = tmp_path / "shop.crmdesk"
    with Database.open(db_file, create=True) as db:
        set_up_shop(db)
        people = add_people(db)
        two, code_two = filled_form(db, tmp_path, [("cross", 1), ("cross", 2),
                                                   ("filled", "contact")], SCAN,
                                    client_id=people[5])  # fmt: skip
        unread, code_unread = filled_form(db, tmp_path, [("tick", 8)], SCAN, client_id=people[0])
        skipped, code_skipped = filled_form(db, tmp_path, [("cross", 3), ("cross", 6)], SCAN)
        empty, _ = filled_form(db, tmp_path, [("filled", "quote")], SCAN, client_id=people[1])
    image = Image.open(unread).convert("L")
    w, h = image.size  # turned 180°: the QR code is at the bottom left; white it out
    ImageDraw.Draw(image).rectangle((w * 0.09, h * 0.83, w * 0.23, h * 0.93), fill=255)
    image.save(unread)
    files = [str(p) for p in (two, unread, skipped, empty)]
    typed = "x\n2\ny\nS-2345678\n" + code_unread.lower() + "\ns\n"
    result = crmdesk("scan-in", "--db", str(db_file), "--check", *files, data_dir=data_dir,
                     typed=typed)  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"[1/3] {two.name} page 1: form {code_two}" in out
    assert "score: 1 and 2 are both marked" in out
    assert "Score: type the score (0–10) and Enter; N no answer; S skip the page" in out
    assert "x is not an answer here: Score:" in out  # refused, asked again
    assert "the “may we contact you” box is filled in" in out
    assert "“May we contact you”: Y yes (given); N no; S skip the page" in out
    assert f"[2/3] {unread.name} page 1: the QR code could not be read" in out
    assert "No survey form has the code S-2345678" in out  # asked again
    assert f"[3/3] {skipped.name} page 1" in out
    assert "quote you" not in out  # the page with no score: its consent never asked
    assert "Read 4 pages: 2 forms recorded, 1 to check." in out
    assert f"{empty.name} page 1: " in out and "no score marked: nothing to record" in out
    with Database.open(db_file) as db:
        answers = db.query("SELECT client_id, score, consent_contact FROM survey_answers"
                           " ORDER BY score")  # fmt: skip
        assert [tuple(a) for a in answers] == [(people[5], 2, 1), (people[0], 8, 0)]
        assert surveys.look_up_form(db, code_skipped).code == code_skipped  # left to check


def test_check_is_refused_with_json_or_dry_run(tmp_path: Path, data_dir: Path) -> None:
    db_file = tmp_path / "shop.crmdesk"
    Database.open(db_file, create=True).close()
    result = crmdesk("scan-in", "--db", str(db_file), "--check", "--json", str(tmp_path),
                     data_dir=data_dir)  # fmt: skip
    assert result.returncode == 2
    assert "--check asks about each doubtful page and records what is decided" in result.stderr
