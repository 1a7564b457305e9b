"""Survey forms printed and read back, answers entered, and closing the loop."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp

from crmdesk.documents.form_geometry import VERSION, FormSpec, layout_of, page_size
from crmdesk.documents.survey_form import form_layout
from crmdesk.errors import CrmError, NotFoundError, ValidationError
from crmdesk.services import history, surveys
from crmdesk.services.history import ContactForm
from crmdesk.services.survey_questions import Question
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
    """Render a page: every 0–10 box has ink on its edge and only its faint number inside
    (no black), the boxes are 3 mm apart; the corner marks are solid black but the top left
    one, which is hollow; the score row's anchors are solid."""
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

    def darkest_inside(x: float, y: float, w: float, h: float) -> int:
        return min(px(x + i * w / 20, y + j * h / 20) for i in range(2, 19) for j in range(2, 19))

    assert len(geo.score_boxes) == 11
    for x, y, w, h in geo.score_boxes:
        assert px(x, y + h / 2) < 100 and px(x + w, y + h / 2) < 100  # left and right edges
        assert px(x + w / 2, y) < 100 and px(x + w / 2, y + h) < 100  # bottom and top
        assert 150 < darkest_inside(x, y, w, h) < 235  # the number, faint: room for a tick
        assert w >= 36 and h >= 33  # at least 13 × 12 mm
    for (x0, _, w0, _), (x1, _, _, _) in itertools.pairwise(geo.score_boxes):
        assert x1 - (x0 + w0) >= 8.5  # 3 mm apart
    for n, (x, y, w, h) in enumerate(geo.corners):
        centre = px(x + w / 2, y + h / 2)
        assert (centre > 200) if n == 0 else (centre < 60)
        assert px(x + w / 6, y + h / 6) < 60
    for x, y, w, h in geo.score_anchors:
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


def test_a_form_keeps_the_paper_and_layout_it_was_printed_with(
    db: Database, tmp_path: Path
) -> None:
    """Editing the survey's questions after printing does not move the boxes of the forms
    already handed out: each keeps the layout it was printed with."""
    set_up_shop(db)
    survey = surveys.builtin_survey(db)
    run = surveys.print_forms(db, survey, tmp_path / "f.pdf", blank=1, paper="letter")
    wider = replace(survey.definition, extra=(Question("yesno", "Parking easy?"),
                                             Question("text", "Anything else?")))  # fmt: skip
    surveys.save_survey(db, survey.id, survey.name, wider)
    info = surveys.look_up_form(db, run.forms[0].code)
    assert info.paper == "Letter" and info.layout is not None
    spec = FormSpec.from_json(info.layout, info.paper)
    assert spec.version == VERSION and spec.extra == (("rating", 5),)
    assert len(layout_of(spec).extra_boxes) == 1 and layout_of(spec).page == page_size("Letter")


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


# ---------------------------------------------------------------------- every question


def _wedding_survey(db: Database) -> surveys.SurveyRecord:
    from crmdesk.services.surveys import Question, SurveyDefinition

    definition = SurveyDefinition(extra=(
        Question("yesno", "Was the bouquet ready on time?"),
        Question("choice", "Which bouquet did you have?", ("Roses", "Peonies", "Wild flowers")),
        Question("text", "Anything else?"),
    ))  # fmt: skip
    created = surveys.save_survey(db, None, "After the wedding", definition).created_id
    assert created is not None
    return surveys.get_survey(db, created)


def test_every_question_on_the_form_is_kept_and_shown(db: Database, tmp_path: Path) -> None:
    """The built-in form's service rating, the consents and the referral are stored, in the
    client's history entry for the answer and in the survey results."""
    from crmdesk.services import nps

    run = _forms(db, tmp_path, n_clients=1)
    form = run.forms[0]
    answer = AnswerForm(score=8, reason="Quick, but the card was missing", extra={"1": "4"},
                        consent_contact=True, referral_name="Anna Lee",
                        referral_phone="07700 900123")  # fmt: skip
    changes = surveys.record_answer(db, answer, code=form.code.lower())
    assert changes.created_id is not None
    saved = surveys.get_answer(db, changes.created_id)
    assert str(saved) == f"8/10 (passive) from Łukasz Wróbel, form {form.code}"
    question = surveys.builtin_survey(db).definition.extra[0].text
    assert form.client_id is not None
    [entry] = [e for e in history.timeline(db, form.client_id) if e.subject.startswith("Survey a")]
    assert entry.subject == "Survey answer: 8/10"
    assert entry.body.splitlines() == [
        "Quick, but the card was missing",
        f"{question} — 4 of 5",
        "May contact them about their answer",
        "Who else would enjoy us: Anna Lee, 07700 900123",
    ]
    [row] = nps.answers_in(db, "month", f"{datetime.now():%Y-%m}")
    assert row.client_name == "Łukasz Wróbel" and row.other == tuple(entry.body.splitlines()[1:])


def test_extra_answers_are_checked_as_typed(db: Database) -> None:
    survey = _wedding_survey(db)
    [cid] = add_people(db)[:1]

    answered = iter(datetime(2026, 11, 2, 10) + timedelta(hours=n) for n in range(5))

    def answer(extra: dict[str, object]) -> surveys.SavedAnswer:
        typed = AnswerForm(score=10, channel="in person", extra=extra, answered_at=next(answered))
        changes = surveys.record_answer(db, typed, client_id=cid, survey_id=survey.id)
        assert changes.created_id is not None
        return surveys.get_answer(db, changes.created_id)

    with pytest.raises(ValidationError) as refused:
        answer({"1": "maybe", "2": "Tulips"})
    assert refused.value.problems == {
        "extra1": "Question 1: type yes or no, or leave it empty.",
        "extra2": "Question 2: choose one of Roses, Peonies, Wild flowers, or leave it empty.",
    }
    saved = answer({"1": "y", "2": "peonies", "3": ""})  # any case; a blank is not answered
    assert str(saved) == "10/10 (promoter) from Łukasz Wróbel, in person"
    stored = db.query("SELECT extra FROM survey_answers WHERE id = ?", (saved.id,))[0][0]
    assert json.loads(stored) == {
        "1": {"question": "Was the bouquet ready on time?", "answer": "Yes"},
        "2": {"question": "Which bouquet did you have?", "answer": "Peonies"},
    }
    answer({"2": "3"})  # a choice by its number, as ticked
    assert history.timeline(db, cid)[0].body == "Which bouquet did you have? — Wild flowers"
    # the built-in survey's 1–5 rating
    with pytest.raises(ValidationError, match="type 1 to 5"):
        surveys.record_answer(db, AnswerForm(score=5, extra={"1": "6"}), client_id=cid)


def test_a_blank_form_is_anonymous_or_the_client_whose_name_is_written_on_it(
    db: Database, tmp_path: Path
) -> None:
    run = _forms(db, tmp_path, n_clients=1, blank=2)
    named, anonymous = run.forms[1:]
    [cid] = [f.client_id for f in run.forms if f.client_id]
    first = surveys.record_answer(db, AnswerForm(score=3), code=named.code, client_id=cid)
    second = surveys.record_answer(db, AnswerForm(score=9), code=anonymous.code)
    assert first.created_id and second.created_id
    assert str(surveys.get_answer(db, first.created_id)).endswith(
        f"from Łukasz Wróbel, form {named.code}"
    )
    assert str(surveys.get_answer(db, second.created_id)) == (
        f"9/10 (promoter) anonymous, form {anonymous.code}"
    )


# ---------------------------------------------------------------------- closing the loop


def _detractor(db: Database) -> tuple[str, str]:
    """A shop with two clients; the first answered 3/10 yesterday by phone."""
    set_up_shop(db)
    sad, other = add_people(db)[:2]
    surveys.record_answer(db, AnswerForm(score=3, reason="Late", channel="phone",
                                         answered_at=datetime.now() - timedelta(days=1)),
                          client_id=sad)  # fmt: skip
    return sad, other


def _called_back(db: Database, client_id: str) -> bool:
    from crmdesk.services import at_risk, today

    queued = client_id in {f.client_id for f in surveys.follow_ups(db)}
    risky = {r.client_id for r in at_risk.at_risk(db, datetime.now().date())
             if "detractor" in r.kinds}  # fmt: skip
    sections = {s.key: s for s in today.today(db, datetime.now().date(), datetime.now())}
    listed = client_id in {r.client_id for r in sections["detractors"].rows}
    assert queued == (client_id in risky) == listed  # the three lists agree
    return not queued


def test_a_letter_printed_for_many_leaves_a_detractor_to_call_back(
    db: Database, tmp_path: Path
) -> None:
    from crmdesk.services import letters

    sad, other = _detractor(db)
    event = letters.find_template(db, "Event or new programme")
    letters.produce(db, letters.prepare(db, event, [sad, other]), tmp_path / "event.pdf")
    assert not _called_back(db, sad)
    assert surveys.close_the_loop_rate(db) == (0, 1)
    # survey forms are not a call back either
    surveys.print_forms(db, surveys.builtin_survey(db), tmp_path / "f.pdf", client_ids=[sad])
    assert not _called_back(db, sad)
    # a letter written to her alone is
    apology = letters.find_template(db, "Apology after a complaint")
    letters.produce(db, letters.prepare(db, apology, [sad]), tmp_path / "sorry.pdf")
    assert _called_back(db, sad)
    assert surveys.close_the_loop_rate(db) == (1, 1)


def test_a_logged_call_closes_the_loop(db: Database) -> None:
    sad, _ = _detractor(db)
    history.log_contact(db, sad, ContactForm(kind="call", subject="Sorry about the delay"))
    assert _called_back(db, sad)


def test_looking_at_the_built_in_survey_writes_nothing_until_forms_or_answers_name_it(
    db: Database, tmp_path: Path
) -> None:
    """Opening Surveys on a new file is a read (it wrote the survey on the window's thread);
    the first forms, answer or edit write it, and both copies agree on its id."""

    def stored() -> list[tuple[str, str]]:
        return db.query("SELECT id, name FROM surveys")

    version = db.query("PRAGMA data_version")
    survey = surveys.builtin_survey(db, keep=False)
    assert [s.id for s in surveys.list_surveys(db)] == [surveys.BUILTIN_ID]
    assert survey.definition.extra[0].text.startswith("How did we do on service today?")
    assert stored() == [] and db.query("PRAGMA data_version") == version
    surveys.print_forms(db, survey, tmp_path / "forms.pdf", blank=1)
    assert stored() == [(surveys.BUILTIN_ID, "How are we doing?")]
    assert surveys.builtin_survey(db) == survey


def test_an_answer_by_phone_or_an_edit_writes_the_built_in_survey_first(db: Database) -> None:
    set_up_shop(db)
    [cid] = add_people(db)[:1]
    surveys.record_answer(db, AnswerForm(score=9, channel="phone"), client_id=cid)
    assert db.query("SELECT count(*) FROM surveys") == [(1,)]
    with Database.open(db.path.with_name("other.crmdesk"), create=True) as other:
        edited = replace(surveys.BUILTIN, extra=())
        surveys.save_survey(other, surveys.BUILTIN_ID, "Wie war es?", edited)
        assert surveys.builtin_survey(other).name == "Wie war es?"
