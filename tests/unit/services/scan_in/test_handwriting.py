"""The handwriting on a scanned form (the reason for the score, who else would enjoy us) is
kept with the answer as small images: saved in the batch's one write, taken back by its
Undo, kept for a page corrected in the check, erased with the client, in the person's
export."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from crmdesk.services import answer_images, erase, history, person_export, undo
from crmdesk.services.scan_in.batch import read_files
from crmdesk.services.scan_in.check import Decision, decide, whole_page
from crmdesk.services.scan_in.recording import record_pages
from crmdesk.store.database import Database
from tests.letters_helpers import add_people, set_up_shop
from tests.scan_set.degrade import Scan
from tests.scan_set.forms import filled_form

SCAN = Scan(dpi=200, skew=-1.5, scale=1.02, noise=4, jpeg=85)
WRITTEN = [("write", "reason"), ("write", "referral")]


def _kept(db: Database) -> list[tuple[str, str, bytes, int, int, object]]:
    return db.query(
        "SELECT answer_id, part, png, width, height, deleted_at FROM answer_images ORDER BY part"
    )


def test_the_comment_and_referral_written_are_kept_with_the_answer_and_undone_with_it(
    db: Database, tmp_path: Path
) -> None:
    set_up_shop(db)
    ids = add_people(db)
    wrote, _ = filled_form(db, tmp_path, [("cross", 8), *WRITTEN], SCAN, client_id=ids[0])
    blank, _ = filled_form(db, tmp_path, [("tick", 3)], SCAN, client_id=ids[1])  # no writing
    anonymous, _ = filled_form(db, tmp_path, [("tick", 9), ("write", "reason")],
                               Scan(dpi=150, skew=2.0, bilevel=True, turn=180))  # fmt: skip
    done = record_pages(db, read_files(db, [wrote, blank, anonymous], keep_images=True))
    assert len(done.saved) == 3 and done.changes is not None

    kept = _kept(db)
    assert [(part, deleted) for _a, part, _p, _w, _h, deleted in kept] == [
        ("reason", None), ("reason", None), ("referral", None)]  # fmt: skip
    for _answer, part, png, width, height, _deleted in kept:
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.size == (width, height)
        assert image.mode in ("P", "L")  # grey levels only
        assert 300 < len(png) < 8000, (part, len(png))  # a few KB
        assert width == 685  # the box 170 mm wide and its margins, at 100 dpi
    # the client's history entry says so, and the images are found under it
    entry = history.timeline(db, ids[0])[0]
    assert entry.subject == "Survey answer: 8/10"
    assert entry.body.endswith("Handwritten on the form (kept as images): main reason for the "
                               "score, who else would enjoy us")  # fmt: skip
    shown = answer_images.of_entry(db, entry.id)
    assert [i.label for i in shown] == ["Main reason for the score", "Who else would enjoy us"]
    assert "Handwritten" not in history.timeline(db, ids[1])[0].body
    by_answer = answer_images.of_answers(db, [r[0] for r in db.query(
        "SELECT id FROM survey_answers ORDER BY score")])  # fmt: skip
    assert sorted(len(v) for v in by_answer.values()) == [1, 2]  # 3/10: nothing written

    assert done.changes.undo is not None
    undo.apply(db, done.changes.undo)  # the batch's one step takes the images back too
    assert all(deleted is not None for *_rest, deleted in _kept(db))
    assert answer_images.of_entry(db, entry.id) == []


def test_a_page_corrected_in_the_check_keeps_its_handwriting_and_shows_whole(
    db: Database, tmp_path: Path
) -> None:
    set_up_shop(db)
    [cid, *_] = add_people(db)
    path, _ = filled_form(db, tmp_path, [("cross", 2), ("cross", 6), ("write", "reason")],
                          Scan(dpi=200, skew=1.0, turn=90, noise=4), client_id=cid)  # fmt: skip
    (reading,) = read_files(db, [path], keep_images=True)
    assert reading.needs_check and reading.doubtful == ["score"]
    page = whole_page(reading)  # upright, as printed: A4 at 80 dpi, though scanned sideways
    assert abs(page.width - 661) <= 1 and abs(page.height - 935) <= 1
    record_pages(db, [decide(reading, Decision("score", 6))])
    [(_answer, part, *_)] = _kept(db)
    assert part == "reason"


def test_erasing_the_client_erases_their_handwriting(db: Database, tmp_path: Path) -> None:
    set_up_shop(db)
    [cid, other, *_] = add_people(db)
    mine, _ = filled_form(db, tmp_path, [("cross", 5), *WRITTEN], SCAN, client_id=cid)
    theirs, _ = filled_form(db, tmp_path, [("cross", 7), ("write", "reason")], SCAN,
                            client_id=other)  # fmt: skip
    record_pages(db, read_files(db, [mine, theirs], keep_images=True))
    erase.erase_client(db, cid)
    rows = db.query("SELECT client_id, png, width, deleted_at FROM answer_images")
    erased = [r for r in rows if r[0] == cid]
    assert len(erased) == 2
    assert all(png == b"" and width == 0 and deleted for _c, png, width, deleted in erased)
    [(_c, png, _w, deleted)] = [r for r in rows if r[0] == other]  # another client's stays
    assert len(png) > 300 and deleted is None


def test_the_person_export_names_the_handwriting_in_json_and_shows_it_in_the_pdf(
    db: Database, tmp_path: Path
) -> None:
    set_up_shop(db)
    [cid, *_] = add_people(db)
    path, code = filled_form(db, tmp_path, [("tick", 10), *WRITTEN], SCAN, client_id=cid)
    record_pages(db, read_files(db, [path], keep_images=True))
    out = tmp_path / "out"
    out.mkdir()
    done = person_export.export_person(db, cid, out)
    data = json.loads(done.json.read_text(encoding="utf-8"))
    [answer] = data["survey_answers"]
    assert answer["form_code"] == code
    written = answer["handwriting"]
    assert [(h["part"], h["label"], h["media_type"]) for h in written] == [
        ("reason", "Main reason for the score", "image/png"),
        ("referral", "Who else would enjoy us", "image/png"),
    ]
    stored = {part: png for _a, part, png, *_ in _kept(db)}
    for h in written:
        png = base64.b64decode(h["png_base64"])
        assert png == stored[h["part"]]
        assert Image.open(io.BytesIO(png)).size == (h["width"], h["height"])
    pdf = pdfium.PdfDocument(done.pdf)
    try:
        text = "".join(p.get_textpage().get_text_range() for p in pdf)
        assert "Main reason for the score (handwritten)" in text
        assert "Who else would enjoy us (handwritten)" in text
        images = [o for p in pdf for o in p.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])]
        assert len(images) == 2
        assert sorted(o.get_px_size()[0] for o in images) == [685, 685]  # pixels, as kept
    finally:
        pdf.close()
