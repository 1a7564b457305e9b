"""The person checking doubtful pages: accept, correct, no answer, skip; a code typed for a
page whose QR code did not read."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from crmdesk.documents.form_geometry import FormSpec, layout_of
from crmdesk.errors import CrmError
from crmdesk.services import surveys
from crmdesk.services.scan_in.batch import read_files
from crmdesk.services.scan_in.check import Decision, decide, with_code
from crmdesk.services.scan_in.recording import record_pages
from crmdesk.services.survey_questions import Question
from crmdesk.store.database import Database
from tests.letters_helpers import set_up_shop
from tests.scan_set.degrade import Scan
from tests.scan_set.forms import filled_form

SCAN = Scan(dpi=200, skew=-1.0, noise=4)


def test_doubtful_pages_are_decided_then_recorded(db: Database, tmp_path: Path) -> None:
    set_up_shop(db)
    two, code_two = filled_form(db, tmp_path, [("cross", 2), ("cross", 7)], SCAN)
    cancelled, code_cancelled = filled_form(db, tmp_path, [("filled", 1), ("tick", 6)], SCAN)
    later, _ = filled_form(db, tmp_path, [("cross", 4), ("tick", 5)], SCAN)
    first, second, third = read_files(db, [two, cancelled, later])
    assert first.needs_check and second.needs_check and third.needs_check
    with pytest.raises(CrmError, match="Type the score"):
        decide(first, Decision("accept"))  # two marks: nothing proposed to accept
    decided = [decide(first, Decision("score", 7)), decide(second, Decision("accept")),
               decide(third, Decision("skip"))]  # fmt: skip
    done = record_pages(db, decided)
    assert [(r.code, r.score) for r in done.saved] == [(code_two, 7), (code_cancelled, 6)]
    answers = db.query("SELECT score FROM survey_answers ORDER BY score")
    assert [a[0] for a in answers] == [6, 7]
    assert decide(third, Decision("none")).recordable is False


def test_a_code_typed_for_an_unreadable_qr_code_reads_the_page(
    db: Database, tmp_path: Path
) -> None:
    set_up_shop(db)
    path, code = filled_form(db, tmp_path, [("tick", 3), ("cross", "quote")],
                             Scan(dpi=200, skew=1.5, turn=180))  # fmt: skip
    image = Image.open(path).convert("L")
    w, h = image.size  # turned 180°: the QR code is at the bottom left
    ImageDraw.Draw(image).rectangle((w * 0.09, h * 0.83, w * 0.23, h * 0.93), fill=255)
    image.save(path)
    (unread,) = read_files(db, [path])
    assert unread.code is None and "QR code could not be read" in unread.why
    with pytest.raises(CrmError, match="not a form that can be recorded"):
        decide(unread, Decision("score", 3))
    read = with_code(db, unread, code.lower().replace("-", " "))  # as typed
    assert (read.code, read.score, read.needs_check, read.recordable) == (code, 3, False, True)
    assert read.consents == {"contact": False, "quote": True} and "score" in read.images
    record_pages(db, [read])
    with pytest.raises(CrmError, match="already entered"):
        surveys.look_up_form(db, code)


def test_a_doubtful_consent_is_asked_not_taken_as_no(db: Database, tmp_path: Path) -> None:
    set_up_shop(db)
    path, _ = filled_form(db, tmp_path, [("cross", 8), ("filled", "contact")], SCAN)
    (reading,) = read_files(db, [path])
    assert reading.needs_check and not reading.recordable and reading.score == 8
    assert [(d.row, d.proposal) for d in reading.doubts] == [("contact", None)]
    with pytest.raises(CrmError, match="Press Y if the “may we contact you” box says yes"):
        decide(reading, Decision("accept"))  # nothing proposed: no silent "no"
    with pytest.raises(CrmError, match="Press Y"):
        decide(reading, Decision("score", 5))  # a score is not an answer to a consent
    given, refused = decide(reading, Decision("yes")), decide(reading, Decision("no"))
    assert given.recordable and given.score == 8
    assert given.consents == {"contact": True, "quote": False}
    assert refused.consents["contact"] is False and refused.recordable
    assert decide(reading, Decision("skip")) is reading  # skipped: left as it was
    record_pages(db, [given])
    assert db.query("SELECT consent_contact FROM survey_answers")[0][0] == 1


def test_rows_whose_boxes_are_not_found_are_each_asked_proposing_nothing(
    db: Database, tmp_path: Path
) -> None:
    """An old form (no layout kept) of a survey that has gained a question since: its
    consents and questions are not where the survey now puts them; each is asked (a ticked
    consent is not recorded as "no"), then the page is recorded as decided."""
    set_up_shop(db)
    path, code = filled_form(db, tmp_path, [("cross", 8), ("tick", "contact")], SCAN,
                             version=1)  # fmt: skip
    survey = surveys.builtin_survey(db)
    more = (Question("yesno", "Did you find parking?"), *survey.definition.extra)
    surveys.save_survey(db, survey.id, survey.name, replace(survey.definition, extra=more))
    (reading,) = read_files(db, [path])
    assert reading.score == 8 and reading.needs_check
    rows = [(d.row, d.proposal) for d in reading.doubts]
    assert rows == [("contact", None), ("quote", None), ("question 1", None),
                    ("question 2", None)]  # fmt: skip
    for decision in (Decision("yes"), Decision("no"), Decision("none")):
        reading = decide(reading, decision)
        assert reading.needs_check and not reading.recordable  # rows left
    with pytest.raises(CrmError, match="question 2, 1 to 5"):
        decide(reading, Decision("choice", 6))
    done = decide(reading, Decision("choice", 3))
    assert (done.needs_check, done.recordable, done.why) == (False, True, "checked: 8/10")
    assert done.consents == {"contact": True, "quote": False} and done.extra == [None, 3]
    record_pages(db, [done])
    [(contact, quote)] = db.query("SELECT consent_contact, consent_quote FROM survey_answers")
    assert (contact, quote) == (1, 0)
    with pytest.raises(CrmError, match="already entered"):
        surveys.look_up_form(db, code)


def test_a_page_not_laid_on_its_form_asks_every_row(db: Database, tmp_path: Path) -> None:
    """Its score boxes gone (whited out here): nothing on the page is read, so the score,
    both consents and the question are each asked, none proposed, on the whole page."""
    set_up_shop(db)
    path, code = filled_form(db, tmp_path, [("cross", 8), ("tick", "contact")],
                             Scan(dpi=200, noise=4))  # fmt: skip
    info = surveys.look_up_form(db, code)
    assert info.layout is not None and info.paper is not None
    geo = layout_of(FormSpec.from_json(info.layout, info.paper))
    image = Image.open(path).convert("L")
    k = image.height / geo.page[1]  # pixels per point (the scan neither skewed nor scaled)
    (x0, y0, _, h0), (x1, _, w1, _) = geo.score_boxes[0], geo.score_boxes[-1]
    top, bottom = (geo.page[1] - y0 - h0) * k - 20, (geo.page[1] - y0) * k + 20
    ImageDraw.Draw(image).rectangle((x0 * k - 20, top, (x1 + w1) * k + 20, bottom), fill=255)
    image.save(path)
    (reading,) = read_files(db, [path], keep_images=True)
    assert "score boxes are not where this form's layout puts them" in reading.why
    assert reading.images == {}  # (shown whole)
    rows = [(d.row, d.proposal) for d in reading.doubts]
    assert rows == [("score", None), ("contact", None), ("quote", None), ("question 1", None)]
    for decision in (Decision("score", 8), Decision("yes"), Decision("no")):
        reading = decide(reading, decision)
    done = decide(reading, Decision("none"))  # question 1: no answer
    assert (done.recordable, done.score, done.extra) == (True, 8, [None])
    assert done.consents == {"contact": True, "quote": False}
