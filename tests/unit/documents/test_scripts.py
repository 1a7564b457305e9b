"""Every name prints in its own script: letters, labels and survey forms for clients from ten
scripts, read back from the real PDFs, with no empty box drawn anywhere."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.pdfgen.canvas import Canvas

from crmdesk.documents import fonts, scripts
from crmdesk.services import clients, letters, surveys
from crmdesk.services.clients import ClientForm
from crmdesk.store.database import Database
from tests.letters_helpers import pdf_pages, set_up_shop
from tests.pdf_glyphs import box_problems

# given, family, street, city
NAMES = [
    ("Łukasz", "Wiśniewski", "ul. Długa 5", "Warszawa"),
    ("Thị", "Nguyễn Đặng", "12 Phố Huế", "Hà Nội"),
    ("Σοφία", "Παπαδοπούλου", "Οδός Ερμού 10", "Αθήνα"),
    ("Ольга", "Смирнова", "ул. Тверская 1", "Москва"),
    ("דוד", "כהן", "רחוב הרצל 12", "תל אביב"),
    ("محمد", "العلي", "12 Main Street", "دبي"),
    ("太郎", "山田", "銀座1-2-3", "東京"),
    ("민준", "김", "세종대로 110", "서울"),
    ("สมชาย", "ใจดี", "ถนนสุขุมวิท 5", "กรุงเทพ"),
    ("देवेंद्र", "शर्मा", "12 MG Road", "मुंबई"),
]
# As a PDF reader gets them back: scripts read left to right exactly; right-to-left ones
# word by word (a reader may give the words in visual order); shaped ones by their letters.
READABLE = ["Łukasz Wiśniewski", "Thị Nguyễn Đặng", "Σοφία Παπαδοπούλου", "Ольга Смирнова",
            "太郎 山田", "민준 김"]  # fmt: skip
RIGHT_TO_LEFT = [("דוד", "כהן"), ("محمد", "العلي")]


def _add(db: Database, given: str, family: str, street: str, city: str) -> str:
    form = ClientForm(given_name=given, family_name=family, street=street, postcode="1",
                      city=city)  # fmt: skip
    return str(clients.create_client(db, form).created_id)


@pytest.fixture
def people(db: Database) -> list[str]:
    set_up_shop(db)
    return [_add(db, *row) for row in NAMES]


def _assert_reads_back(text: str) -> None:
    for name in READABLE:
        assert name in text, name
    for words in RIGHT_TO_LEFT:
        for word in words:
            assert word in text, word
    assert "สมชาย" in text and "ใจดี" in text
    assert "शर्मा" in text or "शमा" in text  # the reph is a glyph of its own


def test_letters_and_labels_print_every_script(db: Database, people: list[str],
                                               tmp_path: Path) -> None:  # fmt: skip
    batch = letters.prepare(db, letters.find_template(db, "Birthday"), people)
    assert batch.problems == []
    run = letters.produce(db, batch, tmp_path / "l.pdf", labels=tmp_path / "labels.pdf")
    assert run.letters == len(NAMES)
    _assert_reads_back("\n".join(pdf_pages(tmp_path / "l.pdf")))
    _assert_reads_back("\n".join(pdf_pages(tmp_path / "labels.pdf")))
    assert box_problems(tmp_path / "l.pdf") == []
    assert box_problems(tmp_path / "labels.pdf") == []


def test_survey_forms_print_every_script(db: Database, people: list[str],
                                         tmp_path: Path) -> None:  # fmt: skip
    run = surveys.print_forms(db, surveys.builtin_survey(db), tmp_path / "f.pdf",
                              client_ids=people)  # fmt: skip
    assert len(run.forms) == len(NAMES) and run.held_back == []
    _assert_reads_back("\n".join(pdf_pages(tmp_path / "f.pdf")))
    assert box_problems(tmp_path / "f.pdf") == []


def test_the_box_check_fails_when_a_glyph_is_missing(tmp_path: Path) -> None:
    """The check itself: a character no font has, drawn anyway, is found."""
    fonts.register()
    canvas = Canvas(str(tmp_path / "box.pdf"))
    canvas.setFont(fonts.REGULAR, 12)
    canvas.drawString(50, 700, "Anna \U0010fffd Webber")
    canvas.drawString(50, 680, "Tibetan: \u0f40")
    canvas.save()
    problems = box_problems(tmp_path / "box.pdf")
    assert len(problems) == 2, problems


def test_a_name_no_font_can_print_is_held_back_and_named(db: Database, people: list[str],
                                                         tmp_path: Path) -> None:  # fmt: skip
    odd = _add(db, "Tashi", "བཀྲ་ཤིས", "1 Road", "Lhasa")  # Tibetan: no shipped font
    batch = letters.prepare(db, letters.find_template(db, "Birthday"), [*people, odd])
    assert [name for name, _ in batch.problems] == ["Tashi བཀྲ་ཤིས"]
    assert "U+0F56 (TIBETAN LETTER BA)" in batch.problems[0][1]
    run = letters.produce(db, batch, tmp_path / "l.pdf", labels=tmp_path / "labels.pdf")
    assert run.letters == len(NAMES)
    assert "Tashi" not in "".join(pdf_pages(tmp_path / "labels.pdf"))
    forms = surveys.print_forms(db, surveys.builtin_survey(db), tmp_path / "f.pdf",
                                client_ids=[people[0], odd])  # fmt: skip
    assert len(forms.forms) == 1
    assert forms.held_back[0][0] == "Tashi བཀྲ་ཤིས"


def test_arabic_is_joined_and_right_to_left(tmp_path: Path) -> None:
    fonts.register()
    canvas = Canvas(str(tmp_path / "ar.pdf"))
    scripts.draw(canvas, 50, 700, "12 Main Street, محمد العلي", 14)
    canvas.save()
    # joined: the shaped letters are the contextual forms, not the isolated letters
    (run,) = [r for r in scripts.runs("محمد العلي") if r.family is fonts.ARABIC]
    shaped, _ = scripts._shaped(run.text, fonts.ARABIC.regular, 14)
    isolated = {"\u0645", "\u062d", "\u062f", "\ufee1", "\ufea1", "\ufea9"}
    assert "\ufee3" in shaped and "\ufea4" in shaped  # initial meem, medial hah
    assert not isolated & set(str(shaped)[-3:])  # م ح (initial, medial) on the right
    # right to left: the first letter of محمد stands right of its last, and the name right
    # of the Latin street
    pdf = pdfium.PdfDocument(tmp_path / "ar.pdf")
    try:
        page = pdf[0].get_textpage()
        text = page.get_text_range()
        boxes = {ch: page.get_charbox(text.index(ch)) for ch in ("م", "د", "S", "ع")}
        assert boxes["م"][0] > boxes["د"][0]
        assert boxes["د"][0] > boxes["S"][0]
        assert boxes["ع"][0] < boxes["م"][0]  # العلي is left of محمد (read second)
    finally:
        pdf.close()


def test_bidi_orders_runs_and_keeps_latin_simple() -> None:
    fonts.register()
    assert scripts.runs("Ольга Смирнова") == (scripts.Run("Ольга Смирнова", fonts.LATIN, False),)
    order = [(r.text, r.rtl) for r in scripts.runs("Dear דוד כהן, hello")]
    assert order == [("Dear ", False), ("דוד כהן", True), (", hello", False)]
    assert scripts.unprintable("山田 김민준 สมชาย देव محمد") == ""
    assert scripts.unprintable("a\U0010fffdb") == "\U0010fffd"
