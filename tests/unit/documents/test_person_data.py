"""Lines of the personal-data PDF: broken where each script allows, in the right direction,
and nothing drawn as an empty box."""

from __future__ import annotations

import unicodedata

from crmdesk.documents import scripts
from crmdesk.documents.person_data import is_rtl, shown, wrap

THAI = "สวัสดีครับ ผมชื่อสมชาย ผมชอบดอกไม้สีขาวและสีชมพูมากที่สุดในร้านนี้"
JAPANESE = "山田太郎です。今日はいい天気ですね。明日も来ます。"


def test_every_line_fits_and_no_text_is_lost() -> None:
    for text in (THAI * 4, JAPANESE * 4, "Łukasz Wróbel, ul. Długa 5 " * 10, "מעדיף שיחות " * 30):
        lines = wrap(text, 9, 120)
        assert len(lines) > 1
        assert all(scripts.width(line, 9, rtl=rtl) <= 120 for line, rtl, _ in lines)
        assert "".join(line for line, _, _ in lines).replace(" ", "") == text.replace(" ", "")


def test_thai_breaks_between_words_never_inside_a_syllable() -> None:
    for line, _, _ in wrap(THAI * 3, 9, 100):
        assert unicodedata.category(line[0])[0] != "M"  # no line starts with a vowel or tone mark
    pieces = [line for line, _, _ in wrap("ผมชื่อสมชาย", 9, 30)]
    assert pieces[0] in ("ผม", "ผมชื่อ")  # a word, not letters cut anywhere


def test_a_right_to_left_paragraph_reads_right_to_left_and_long_ones_are_flush_right() -> None:
    assert is_rtl("محمد العلي prefers mornings") and not is_rtl("Call محمد")
    [(short, rtl, flush)] = wrap("דוד כהן", 9, 300)
    assert (short, rtl, flush) == ("דוד כהן", True, False)  # one line: beside its label
    long = wrap("הוא מעדיף שיחות בבוקר. " * 10, 9, 200)
    assert len(long) > 2 and all(rtl and flush for _, rtl, flush in long)
    assert [line for line, _, _ in wrap("Latin first\nעברית שנייה", 9, 300)] == [
        "Latin first",
        "עברית שנייה",
    ]


def test_a_character_no_font_has_is_shown_as_its_code() -> None:
    assert shown("Ada \U0010fffd Lovelace") == "Ada [U+10FFFD] Lovelace"
    assert shown("tab\there\x07") == "tab    here"  # (a bell draws nothing)
    assert shown("Σοφία 山田 สมชาย") == "Σοφία 山田 สมชาย"
