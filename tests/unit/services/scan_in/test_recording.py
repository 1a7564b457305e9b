"""Pages read surely are saved exactly as typed answers are, all as one undo step."""

from __future__ import annotations

from pathlib import Path

from crmdesk.services import history, surveys, undo
from crmdesk.services.scan_in.batch import read_files
from crmdesk.services.scan_in.recording import record_pages
from crmdesk.store.database import Database
from tests.letters_helpers import add_people, set_up_shop
from tests.scan_set.degrade import Scan
from tests.scan_set.forms import filled_form

SCAN = Scan(dpi=200, skew=-1.5, scale=1.02, noise=4)


def test_a_batch_is_recorded_like_typed_answers_in_one_undo_step(
    db: Database, tmp_path: Path
) -> None:
    set_up_shop(db)
    ids = add_people(db)
    wrobel, nguyen, orsted = ids[0], ids[1], ids[2]
    scans = [
        filled_form(
            db,
            tmp_path,
            [("cross", 3), ("tick", "contact"), ("cross", (1, 2))],
            SCAN,
            client_id=wrobel,
        )[0],
        filled_form(db, tmp_path, [("tick", 10)], SCAN, client_id=nguyen)[0],
        filled_form(db, tmp_path, [("cross", 4), ("cross", 6)], SCAN, client_id=orsted)[0],
        filled_form(db, tmp_path, [("slash", 8)], SCAN)[0],  # a blank form: anonymous
    ]
    readings = list(read_files(db, scans))
    done = record_pages(db, readings)
    assert [r.file for r in done.saved] == [scans[0].name, scans[1].name, scans[3].name]
    assert done.refused == [] and done.changes is not None and done.changes.undo is not None
    assert done.changes.label == "Read 3 scanned survey forms"

    entry = history.timeline(db, wrobel)[0]
    assert entry.subject == "Survey answer: 3/10" and entry.outcome == "Detractor"
    assert "2 of 5" in entry.body and "may contact" in entry.body.lower()
    assert history.timeline(db, nguyen)[0].subject == "Survey answer: 10/10"
    assert history.timeline(db, orsted)[0].subject == "Survey form"  # sent to the check
    queue = {(f.client_id, f.score) for f in surveys.follow_ups(db)}
    assert queue == {(wrobel, 3), (nguyen, 10)}
    codes = [r.code for r in done.saved]
    again = list(read_files(db, scans[:1]))
    assert again[0].needs_check and "already entered" in again[0].why

    undo.apply(db, done.changes.undo)  # one step takes the whole batch back
    assert surveys.follow_ups(db) == []
    assert history.timeline(db, wrobel)[0].subject == "Survey form"
    for code in codes:
        assert surveys.look_up_form(db, str(code)).code == code  # open for entry again
