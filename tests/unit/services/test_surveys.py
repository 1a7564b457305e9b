"""Survey forms printed and read back, answers entered, and closing the loop."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp

from crmdesk.documents.form_geometry import page_size
from crmdesk.documents.survey_form import form_layout
from crmdesk.errors import CrmError, NotFoundError, ValidationError
from crmdesk.services import history, surveys
from crmdesk.services.history import ContactForm
from crmdesk.services.surveys import AnswerForm
from crmdesk.store.database import Database
from tests.letters_helpers import add_people, pdf_pages, set_up_shop


def _forms(db: Database, tmp_path: Path, n_clients: int = 2, blank: int = 0) -> surveys.FormRun:
    set_up_shop(db)
    ids = add_people(db)[:n_clients]
    survey = surveys.builtin_survey(db)
    return surveys.print_forms(db, survey, tmp_path / "forms.pdf", client_ids=ids, blank=blank)


def test_forms_pdf_has_names_codes_and_readable_qr_codes(db: Database, tmp_path: Path) -> None:
    run = _forms(db, tmp_path, n_clients=2, blank=1)
    pages = pdf_pages(run.path)
    assert len(pages) == 3
    assert "Łukasz Wróbel" in pages[0] and "Thị Hoa Nguyễn" in pages[1]
    assert "Your name (optional)" in pages[2]
    pdf = pdfium.PdfDocument(run.path)
    try:
        for page, form in zip(pdf, run.forms, strict=True):
            assert form.code in page.get_textpage().get_text_range()
            image = page.render(scale=200 / 72).to_pil()
            assert [r.text for r in zxingcpp.read_barcodes(image)] == [form.code]
    finally:
        pdf.close()


def test_the_boxes_are_where_the_geometry_says(db: Database, tmp_path: Path) -> None:
    """Render a page: every 0–10 box has ink on its edge and is white inside; the corner
    marks are solid black."""
    run = _forms(db, tmp_path, n_clients=1)
    text = surveys.form_text(db, surveys.builtin_survey(db))
    geo = form_layout(text, "A4")
    scale = 150 / 72
    pdf = pdfium.PdfDocument(run.path)
    try:
        image = pdf[0].render(scale=scale).to_pil().convert("L")
    finally:
        pdf.close()
    height = page_size("A4")[1]

    def px(x: float, y: float) -> int:
        return int(image.getpixel((round(x * scale), round((height - y) * scale))))

    assert len(geo.score_boxes) == 11
    for x, y, w, h in geo.score_boxes:
        assert px(x, y + h / 2) < 100 and px(x + w, y + h / 2) < 100  # left and right edges
        assert px(x + w / 2, y) < 100 and px(x + w / 2, y + h) < 100  # bottom and top
        assert px(x + w / 2, y + h / 2) > 200  # empty inside, room for a tick
        assert w >= 39 and h >= 33  # at least 14 × 12 mm
    for x, y, w, h in geo.corners:
        assert px(x + w / 2, y + h / 2) < 60
    assert px(geo.reason_box[0] + 20, geo.reason_box[1] + 20) > 200


def test_issued_forms_are_recorded_and_in_the_clients_history(db: Database, tmp_path: Path) -> None:
    run = _forms(db, tmp_path)
    for form in run.forms:
        info = surveys.look_up_form(db, form.code.lower().replace("-", " "))  # as typed
        assert (info.code, info.client_id, info.client_name) == (
            form.code, form.client_id, form.client_name)  # fmt: skip
        assert form.client_id is not None
        entries = history.timeline(db, form.client_id)
        assert entries[0].subject == "Survey form" and form.code in entries[0].body


def test_unknown_and_duplicate_codes_are_refused(db: Database, tmp_path: Path) -> None:
    run = _forms(db, tmp_path, n_clients=1)
    code = run.forms[0].code
    with pytest.raises(NotFoundError, match="No survey form has the code S-XXXXXXX"):
        surveys.record_answer(db, AnswerForm(score=9), code="S-XXXXXXX")
    surveys.record_answer(db, AnswerForm(score=9, reason="Lovely flowers"), code=code)
    with pytest.raises(CrmError, match=f"Form {code} was already entered"):
        surveys.record_answer(db, AnswerForm(score=3), code=code)
    with pytest.raises(ValidationError, match="0 to 10"):
        surveys.record_answer(db, AnswerForm(score=11))
    assert db.query("SELECT count(*) FROM survey_answers")[0][0] == 1


def test_a_detractor_goes_in_the_queue_and_a_call_closes_it(db: Database, tmp_path: Path) -> None:
    run = _forms(db, tmp_path)
    sad, happy = run.forms
    surveys.record_answer(db, AnswerForm(score=3, reason="Late delivery"), code=sad.code)
    surveys.record_answer(db, AnswerForm(score=10, reason="Wonderful"), code=happy.code)
    queue = surveys.follow_ups(db)
    assert [(f.client_id, f.score, f.action) for f in queue] == [
        (sad.client_id, 3, "call back"),
        (happy.client_id, 10, "thank and ask for a referral or a review"),
    ]
    assert queue[0].due_at - queue[0].answered_at == timedelta(hours=48)
    assert not queue[0].overdue(queue[0].answered_at + timedelta(hours=47))
    assert queue[0].overdue(queue[0].answered_at + timedelta(hours=49))
    assert surveys.close_the_loop_rate(db) == (0, 2)
    assert sad.client_id is not None
    history.log_contact(db, sad.client_id, ContactForm(
        kind="call", direction="out", subject="Sorry about the delivery",
        occurred_at=datetime.now() + timedelta(minutes=1)))  # fmt: skip
    assert [f.client_id for f in surveys.follow_ups(db)] == [happy.client_id]
    assert surveys.close_the_loop_rate(db) == (1, 2)


def test_answers_by_phone_need_no_code(db: Database) -> None:
    ids = add_people(db)[:1]
    surveys.record_answer(db, AnswerForm(score=6, channel="phone"), client_id=ids[0])
    assert [f.score for f in surveys.follow_ups(db)] == [6]
    assert history.timeline(db, ids[0])[0].subject == "Survey answer: 6/10"


@pytest.mark.parametrize(
    ("typed", "printed"),
    [("S-7K3M9QA", "S-7K3M9QA"), ("s-7k3m9qa", "S-7K3M9QA"), ("7K3M9QA", "S-7K3M9QA"),
     ("S7K3M9QA", "S-7K3M9QA"), (" s 7k3 m9qa ", "S-7K3M9QA"), ("SABCDEF", "S-SABCDEF"),
     ("", "")],
)  # fmt: skip
def test_codes_are_read_however_they_are_typed(typed: str, printed: str) -> None:
    assert surveys.normalise_code(typed) == printed
