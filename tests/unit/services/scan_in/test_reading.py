"""Filled survey forms read back from scans: real forms printed by crmdesk, marked with
pens of many kinds and scanned badly (tests.scan_set), then read page by page."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from PIL import Image, ImageDraw

from crmdesk.services import surveys
from crmdesk.services.scan_in.batch import read_files
from crmdesk.services.scan_in.pages import Page, pages
from crmdesk.services.scan_in.reading import PageReading, read_page
from crmdesk.services.survey_questions import Question
from crmdesk.services.surveys import AnswerForm
from crmdesk.store.database import Database
from tests.letters_helpers import add_people, set_up_shop
from tests.scan_set.accuracy import Accuracy
from tests.scan_set.degrade import Scan
from tests.scan_set.forms import filled_form, make_set

PLAIN = Scan(dpi=200, skew=1.2, scale=1.01, blur=0.5, noise=4, jpeg=85)


def _read(db: Database, path: Path) -> PageReading:
    readings = list(read_files(db, [path]))
    assert len(readings) == 1
    return readings[0]


@pytest.fixture
def shop_db(db: Database) -> Database:
    set_up_shop(db)
    return db


def test_a_stack_of_scans_is_read_right(shop_db: Database, tmp_path: Path) -> None:
    """A fixed generated stack (every kind of pen mark, 150–300 dpi, ±3° skew, scaled ±3%,
    blur, noise, JPEG, black and white, pages turned): no page is given another form, every
    page with two marks or a cancelled mark goes to the check, and every mark read without
    asking is right."""
    made = make_set(shop_db, tmp_path, 14, seed=20261206)
    truths = {path.name: truth for path, truth in made}
    accuracy = Accuracy()
    for reading in read_files(shop_db, [path for path, _ in made]):
        accuracy.add(reading, truths[reading.file])
    assert accuracy.pages == 14
    assert accuracy.errors == []
    assert accuracy.wrong_form == 0 and accuracy.missed_doubts == 0
    assert accuracy.marks_read >= 14 * 2  # most pages were read, not all sent to the check


def test_the_rows_and_handwriting_are_cut_out_upright(shop_db: Database, tmp_path: Path) -> None:
    """However the page lay in the scanner, the score row cut out for the check shows the
    boxes left to right, 0 to 10, the mark in its box; the comment written in is cut out,
    the referral left empty is not."""
    scan = Scan(dpi=200, skew=2.5, scale=0.98, turn=90, noise=4)
    path, _code = filled_form(shop_db, tmp_path, [("filled", 9), ("write", "reason")], scan)
    (page,) = pages(path)
    reading = read_page(shop_db, page, {}, keep_images=True)
    assert set(reading.images) == {"score", "question 1", "consents"}
    assert set(reading.handwriting) == {"reason"}  # as a PNG to keep with the answer
    row = np.asarray(reading.images["score"], dtype=np.float64)
    assert row.shape[1] > 4 * row.shape[0]  # a row: wide, not tall (turned upright)
    darkness = (row < 128).mean(axis=0)
    mm = row.shape[1] / (11 * 13 + 10 * 3 + 2 * 2)  # 11 boxes 13 mm wide 3 mm apart, margins
    middles = [round((2 + n * 16 + 6.5) * mm) for n in range(11)]
    inside = [darkness[c - round(3 * mm) : c + round(3 * mm)].mean() for c in middles]
    assert int(np.argmax(inside)) == 9 and max(inside) > 0.5


def test_a_page_in_uneven_light_is_read(shop_db: Database, tmp_path: Path) -> None:
    """The paper 40% darker at one corner than at the other (a page not flat on the glass):
    each mark and box is measured against the paper near it."""
    scan = Scan(dpi=200, skew=1.0, shade=0.4, noise=4, jpeg=85)
    marks = [("tick", 5), ("cross", "quote"), ("cross", (1, 2))]
    path, code = filled_form(shop_db, tmp_path, marks, scan)
    reading = _read(shop_db, path)
    assert (reading.code, reading.score, reading.needs_check) == (code, 5, False)
    assert reading.consents == {"contact": False, "quote": True} and reading.extra == [2]


def test_a_600_dpi_scan_with_a_dark_lid_band_is_read(shop_db: Database, tmp_path: Path) -> None:
    scan = Scan(dpi=600, skew=0.8, scale=1.01, lid_mm=9, noise=4)
    path, code = filled_form(shop_db, tmp_path, [("tick", 0), ("cross", "contact")], scan)
    reading = _read(shop_db, path)
    assert (reading.code, reading.score, reading.needs_check) == (code, 0, False)
    assert reading.consents == {"contact": True, "quote": False}


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_a_page_turned_any_way_is_read(shop_db: Database, tmp_path: Path, turn: int) -> None:
    scan = Scan(dpi=150, skew=-2.5, scale=0.98, turn=turn)
    marks = [("cross", 7), ("tick", "contact"), ("cross", (1, 4))]
    path, code = filled_form(shop_db, tmp_path, marks, scan)
    reading = _read(shop_db, path)
    assert (reading.code, reading.score, reading.needs_check) == (code, 7, False)
    assert reading.consents == {"contact": True, "quote": False}
    assert reading.extra == [4]


def test_a_letter_sized_form_is_read_on_its_own_layout(shop_db: Database, tmp_path: Path) -> None:
    scan = Scan(dpi=200, skew=-1.0, scale=0.985, turn=270, noise=4)
    ((path, truth),) = make_set(shop_db, tmp_path, 1, seed=4, paper="Letter", scan=scan)
    reading = _read(shop_db, path)
    assert reading.code == truth.code
    if truth.score_check == "must":
        assert reading.needs_check
    else:
        assert (reading.score, reading.consents) == (truth.score, truth.consents)


@pytest.mark.parametrize(
    ("marks", "readings"),
    [
        ([("cross", 3), ("tick", 8)], {(None, "score: 3 and 8 are both marked")}),
        ([("filled", 3), ("cross", 8)], {(8, "score: 3 filled in (cancelled?) and 8 marked")}),
        # pencil: too faint to count as a mark, or dark enough to be a second one
        (
            [("pencil", 5), ("cross", 9)],
            {
                (9, "score: a faint mark in 5 beside 9 marked"),
                (None, "score: 5 and 9 are both marked"),
            },
        ),
        ([("outside", 4)], {(None, "score: a mark just outside 4 and 5")}),  # between them
    ],
)
def test_doubtful_marks_go_to_the_check(
    shop_db: Database, tmp_path: Path, marks: list, readings: set[tuple[int | None, str]]
) -> None:
    path, _code = filled_form(shop_db, tmp_path, marks, PLAIN)
    reading = _read(shop_db, path)
    assert reading.needs_check and not reading.recordable
    assert (reading.score, reading.why) in readings


@pytest.mark.parametrize("kind", ["cross", "tick", "slash", "filled", "ring", "marker"])
def test_every_kind_of_mark_is_read(shop_db: Database, tmp_path: Path, kind: str) -> None:
    path, _code = filled_form(shop_db, tmp_path, [(kind, 10), ("cross", "quote")], PLAIN)
    reading = _read(shop_db, path)
    assert (reading.score, reading.needs_check, reading.recordable) == (10, False, True)
    assert reading.consents == {"contact": False, "quote": True}


def test_an_empty_row_is_no_score_and_nothing_is_recorded(
    shop_db: Database, tmp_path: Path
) -> None:
    path, _code = filled_form(shop_db, tmp_path, [("tick", "contact")], PLAIN)
    reading = _read(shop_db, path)
    assert (reading.score, reading.needs_check, reading.recordable) == (None, False, False)
    assert reading.why == ("no score marked: nothing to record (a consent or a question is "
                           "marked, but an answer is kept only with its score)")  # fmt: skip
    path, _code = filled_form(shop_db, tmp_path, [], PLAIN)  # nothing marked at all
    assert _read(shop_db, path).why == "no score marked: nothing to record"


def test_an_empty_score_row_asks_nothing_else_on_the_page(
    shop_db: Database, tmp_path: Path
) -> None:
    """A doubtful consent on a page with no score is not sent to the check: an answer is
    kept only with its score, so its answer would be thrown away; why says so."""
    path, _code = filled_form(shop_db, tmp_path, [("filled", "contact"), ("cross", (1, 2)),
                                                  ("cross", (1, 4))], PLAIN)  # fmt: skip
    reading = _read(shop_db, path)
    assert (reading.score, reading.needs_check, reading.recordable) == (None, False, False)
    assert reading.doubts == [] and reading.doubtful == []
    assert reading.why == ("no score marked: nothing to record (a consent or a question is "
                           "marked, but an answer is kept only with its score)")  # fmt: skip


def test_a_form_printed_in_the_old_layout_still_reads(shop_db: Database, tmp_path: Path) -> None:
    """A form printed before layouts were kept (identical corner marks, numbers above the
    boxes) reads by layout version 1, its orientation from its QR code."""
    scan = Scan(dpi=200, skew=2.0, turn=180, noise=4)
    path, code = filled_form(shop_db, tmp_path, [("cross", 2), ("tick", "quote")], scan, version=1)
    assert surveys.look_up_form(shop_db, code).layout is None
    reading = _read(shop_db, path)
    assert (reading.code, reading.score, reading.needs_check) == (code, 2, False)
    assert reading.consents == {"contact": False, "quote": True}


def test_an_old_form_of_a_survey_edited_since_is_not_read_by_the_new_questions(
    shop_db: Database, tmp_path: Path
) -> None:
    """A form printed before layouts were kept, whose survey has since gained a question:
    its boxes are not where the survey now puts them, so those answers go to the check."""
    path, code = filled_form(shop_db, tmp_path, [("cross", 8), ("tick", "contact")], PLAIN,
                             version=1)  # fmt: skip
    survey = surveys.builtin_survey(shop_db)
    more = (Question("yesno", "Did you find parking?"), *survey.definition.extra)
    surveys.save_survey(shop_db, survey.id, survey.name, replace(survey.definition, extra=more))
    reading = _read(shop_db, path)
    assert (reading.code, reading.score, reading.needs_check) == (code, 8, True)
    assert "not where the form's layout puts" in reading.why


def test_a_ring_round_a_number_above_the_boxes_of_an_old_form_goes_to_the_check(
    shop_db: Database, tmp_path: Path
) -> None:
    marks = [("ring", ("number", 6))]
    path, code = filled_form(shop_db, tmp_path, marks, PLAIN, version=1)
    reading = _read(shop_db, path)
    assert (reading.code, reading.score, reading.needs_check) == (code, None, True)
    assert reading.why == "score: a mark round the number 6 above the boxes"


def test_a_pen_stroke_across_the_qr_code_does_not_stop_it(
    shop_db: Database, tmp_path: Path
) -> None:
    path, code = filled_form(shop_db, tmp_path, [("cross", 6)], PLAIN)
    image = Image.open(path).convert("L")
    w, h = image.size
    ImageDraw.Draw(image).line((w * 0.75, h * 0.06, w * 0.92, h * 0.16), fill=30, width=6)
    image.save(path)
    reading = _read(shop_db, path)
    assert (reading.code, reading.score) == (code, 6)


def test_a_form_whose_qr_code_cannot_be_read_is_not_guessed(
    shop_db: Database, tmp_path: Path
) -> None:
    path, _code = filled_form(shop_db, tmp_path, [("cross", 6)], Scan(dpi=200))
    image = Image.open(path).convert("L")
    w, h = image.size  # (the QR code is 164–190 mm across, 22–48 mm down an A4 page)
    ImageDraw.Draw(image).rectangle((w * 0.77, h * 0.07, w * 0.91, h * 0.17), fill=255)
    image.save(path)
    reading = _read(shop_db, path)
    assert reading.code is None and reading.kind == "form" and reading.needs_check
    assert "QR code could not be read" in reading.why and not reading.recordable


def test_blank_pages_and_other_papers_are_listed_never_attributed(
    shop_db: Database, tmp_path: Path
) -> None:
    blank = Image.new("L", (1240, 1754), 250)
    other = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(other)
    for n in range(30):
        draw.text((120, 100 + n * 50), f"Invoice line {n}: 2 x potted orchid, 24.00", fill=0)
    foreign = Image.new("L", (1240, 1754), 255)
    code = zxingcpp.create_barcode("https://example.org/S-2345678", zxingcpp.BarcodeFormat.QRCode)
    qr = np.asarray(zxingcpp.write_barcode_to_image(code, scale=8))
    foreign.paste(Image.fromarray(qr).resize((300, 300)), (800, 100))
    seen: dict[str, str] = {}
    kinds = [read_page(shop_db, Page(tmp_path / "x.png", n, image), seen)
             for n, image in enumerate((blank, other, foreign), 1)]  # fmt: skip
    assert [r.kind for r in kinds] == ["blank", "other", "other"]
    assert all(r.code is None and not r.recordable for r in kinds)
    assert "example.org" in kinds[2].why


def test_unknown_and_already_entered_forms_are_named_not_read_again(
    shop_db: Database, tmp_path: Path
) -> None:
    path, code = filled_form(shop_db, tmp_path, [("cross", 9)], PLAIN)
    surveys.record_answer(shop_db, AnswerForm(score=9), code=code)
    entered = _read(shop_db, path)
    assert entered.needs_check and not entered.recordable
    assert f"Form {code} was already entered" in entered.why
    twice = list(read_files(shop_db, [path, path]))
    assert "in this batch already" in twice[1].why
    with Database.open(tmp_path / "other.crmdesk", create=True) as other:
        set_up_shop(other)
        foreign, foreign_code = filled_form(other, tmp_path, [("cross", 1)], PLAIN)
    unknown = _read(shop_db, foreign)
    assert unknown.code == foreign_code and unknown.needs_check and unknown.form is None
    assert f"No survey form has the code {foreign_code}" in unknown.why


def test_multi_page_tiff_and_pdf_are_read_page_by_page(shop_db: Database, tmp_path: Path) -> None:
    ids = add_people(shop_db)[:2]
    first, code1 = filled_form(shop_db, tmp_path, [("cross", 0)], PLAIN, client_id=ids[0])
    second, code2 = filled_form(shop_db, tmp_path, [("tick", 10)], PLAIN, client_id=ids[1])
    images = [Image.open(p).convert("L") for p in (first, second)]
    images.insert(1, Image.new("L", images[0].size, 255))  # a blank back side
    tiff, pdf = tmp_path / "stack.tif", tmp_path / "stack.pdf"
    images[0].save(tiff, save_all=True, append_images=images[1:], compression="tiff_lzw")
    images[0].save(pdf, save_all=True, append_images=images[1:], resolution=200)
    for path in (tiff, pdf):
        got = [(r.file, r.page, r.kind, r.code, r.score) for r in read_files(shop_db, [path])]
        assert got == [(path.name, 1, "form", code1, 0), (path.name, 2, "blank", None, None),
                       (path.name, 3, "form", code2, 10)]  # fmt: skip
