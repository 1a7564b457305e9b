"""Letters for one client or a selection: real PDFs opened and read, history written."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmdesk.errors import ValidationError
from crmdesk.services import clients, history, letters, shop
from crmdesk.services.clients import ClientForm
from crmdesk.services.letters import Cancelled, TemplateRecord
from crmdesk.store.database import Database
from tests.letters_helpers import PEOPLE, add_fact, add_people, pdf_pages, set_up_shop

REFERRAL = "Referral request"


def test_one_letter_per_client_with_every_merged_value(db: Database, tmp_path: Path) -> None:
    set_up_shop(db)
    ids = add_people(db)[:3]
    batch = letters.prepare(db, letters.find_template(db, REFERRAL), ids)
    run = letters.produce(db, batch, tmp_path / "referrals.pdf")
    assert run.letters == 3
    pages = pdf_pages(tmp_path / "referrals.pdf")
    assert len(pages) == 3  # one page each
    for page, cid, (given, family, title, street, postcode, city, _country) in zip(
        pages, ids, PEOPLE, strict=False
    ):
        # the town as its country's post writes it (often in capitals: test_addresses.py)
        assert postcode in page and city.upper() in page.upper(), (city, page)
        for value in (f"{title} {given} {family}", street,
                      f"Dear {title} {family},", clients.referral_code(cid),
                      "Webber & Daughters", "Anna Webber", "12 Market Street"):  # fmt: skip
            assert value in page, (value, page)
        assert page.count("Dear ") == 1  # one letter on this page, not two


def test_unicode_names_survive_into_the_pdf_text(db: Database, tmp_path: Path) -> None:
    set_up_shop(db)
    ids = add_people(db)
    batch = letters.prepare(db, letters.find_template(db, "Birthday"), ids)
    letters.produce(db, batch, tmp_path / "birthday.pdf")
    text = "\n".join(pdf_pages(tmp_path / "birthday.pdf"))
    for name in ("Łukasz Wróbel", "Thị Hoa Nguyễn", "Søren Ørsted", "Σοφία Παπαδοπούλου",
                 "Ольга Смирнова", "Çağlar Şahin"):  # fmt: skip
        assert name in text
    for town in ("ΑΘΉΝΑ", "İSTANBUL"):  # towns in capitals, as the post there asks
        assert town in text


def test_every_letter_is_written_into_its_clients_history(db: Database, tmp_path: Path) -> None:
    set_up_shop(db)
    ids = add_people(db)[:2]
    batch = letters.prepare(db, letters.find_template(db, "We miss you"), ids)
    run = letters.produce(db, batch, tmp_path / "miss.pdf")
    assert run.changes.touches("history") and run.changes.client_ids == set(ids)
    for cid, (_g, family, title, *_rest) in zip(ids, PEOPLE, strict=False):
        entries = history.timeline(db, cid)
        assert len(entries) == 1
        entry = entries[0]
        assert (entry.kind, entry.subject) == ("letter", "We miss you")
        assert entry.body.startswith(f"Dear {title} {family},")
        assert "**" not in entry.body and "\\" not in entry.body  # plain text, not markup


def test_a_cancelled_batch_leaves_no_file_and_no_history(db: Database, tmp_path: Path) -> None:
    set_up_shop(db)
    ids = add_people(db)
    batch = letters.prepare(db, letters.find_template(db, "Birthday"), ids)
    out = tmp_path / "birthday.pdf"
    with pytest.raises(Cancelled):
        letters.produce(db, batch, out, progress=lambda n, total: n < 3)
    assert list(tmp_path.glob("birthday*")) == []
    assert all(history.count_entries(db, cid) == 0 for cid in ids)


def test_clients_without_a_postal_address_are_listed_and_skipped_unless_included(
    db: Database, tmp_path: Path
) -> None:
    set_up_shop(db)
    ids = add_people(db)[:2]
    nowhere = str(
        clients.create_client(db, ClientForm(given_name="Ida", family_name="Nowhere")).created_id
    )
    batch = letters.prepare(db, letters.find_template(db, "Birthday"), [*ids, nowhere])
    assert batch.without_address == [(nowhere, "Ida Nowhere")]
    skipped = letters.produce(db, batch, tmp_path / "a.pdf")
    assert skipped.letters == 2 and history.count_entries(db, nowhere) == 0
    included = letters.produce(db, batch, tmp_path / "b.pdf", include_without_address=True)
    assert included.letters == 3 and history.count_entries(db, nowhere) == 1
    assert "Dear Ida Nowhere," in pdf_pages(tmp_path / "b.pdf")[2]


def test_a_client_missing_a_fact_is_reported_and_the_others_get_their_letter(
    db: Database, tmp_path: Path
) -> None:
    set_up_shop(db)
    ids = add_people(db)[:2]
    add_fact(db, ids[0], "Dog", "Biscuit")
    template = TemplateRecord(
        "", "Dog", 'Dear {{ client.first_name }},\n\nHow is {{ client.facts["Dog"] }}?'
    )
    batch = letters.prepare(db, template, ids)
    assert [cid for cid, _ in batch.letters] == [ids[0]]
    assert batch.problems == [(
        "Thị Hoa Nguyễn",
        'Line 3: This client has no “Dog”. Add it to their things to remember, or give a '
        'default: {{ client.facts["Dog"] | default("…") }}',
    )]  # fmt: skip
    letters.produce(db, batch, tmp_path / "dog.pdf")
    assert "How is Biscuit?" in pdf_pages(tmp_path / "dog.pdf")[0]


def test_a_template_with_a_mistake_cannot_be_printed(db: Database) -> None:
    from crmdesk.services.templating import TemplateError

    with pytest.raises(TemplateError, match=r"Line 2: Unknown field “client\.nme”"):
        letters.prepare(db, TemplateRecord("", "X", "Hello\n{{ client.nme }}"), [])


def test_labels_land_in_the_label_grid(db: Database, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    from crmdesk.documents.labels import AVERY_L7160

    set_up_shop(db)
    many = [str(clients.create_client(db, ClientForm(
        given_name=f"Person{n:02}", family_name="Label", street=f"{n} High Street",
        postcode="HG1 2RS", city="Harrogate")).created_id) for n in range(23)]  # fmt: skip
    batch = letters.prepare(db, letters.find_template(db, "Birthday"), many)
    letters.produce(db, batch, tmp_path / "l.pdf", labels=tmp_path / "labels.pdf")
    names = [letter.recipient[0] for _, letter in batch.letters]
    pdf = pdfium.PdfDocument(tmp_path / "labels.pdf")
    try:
        assert len(pdf) == 2  # 21 labels on a sheet
        assert pdf[0].get_size() == pytest.approx(AVERY_L7160.page, abs=0.5)
        for n, name in enumerate(names):
            page = pdf[n // AVERY_L7160.per_page].get_textpage()
            x, y, w, h = AVERY_L7160.cell(n)
            inside = page.get_text_bounded(x, y, x + w, y + h)
            assert name in inside and "High Street" in inside, (n, inside)
    finally:
        pdf.close()


def test_editing_a_builtin_replaces_it_and_deleting_the_edit_brings_it_back(db: Database) -> None:
    shipped = letters.find_template(db, "Birthday")
    assert shipped.shipped
    saved = letters.save_template(
        db, shipped, "Birthday", "Happy birthday, {{ client.first_name }}!"
    )
    edited = letters.find_template(db, "Birthday")
    assert edited.id == saved.created_id and edited.builtin == shipped.builtin
    assert [t.name for t in letters.list_templates(db)].count("Birthday") == 1
    letters.delete_template(db, edited.id)
    assert letters.find_template(db, "Birthday") == shipped


def test_template_names_are_unique(db: Database) -> None:
    letters.save_template(db, None, "Spring sale", "Hello {{ client.first_name }}")
    with pytest.raises(ValidationError, match="already a template called “Spring sale”"):
        letters.save_template(db, None, "spring SALE", "x")
    with pytest.raises(ValidationError, match="Give the template a name"):
        letters.save_template(db, None, "  ", "x")


def test_selections_by_tag_search_and_birthday_month(demo_db: Database) -> None:
    tags = letters.all_tags(demo_db)
    assert tags
    tagged = letters.clients_with_tag(demo_db, tags[0])
    assert tagged and all(tags[0] in clients.get_client(demo_db, c).tags for c in tagged)
    family = demo_db.query("SELECT family_name FROM clients LIMIT 1")[0][0]
    found = letters.clients_found(demo_db, family)
    assert found and len(found) == len(set(found))
    assert all(family in clients.get_client(demo_db, c).family_name for c in found[:1])
    may = letters.clients_with_birthday_in(demo_db, 5)
    assert all(clients.get_client(demo_db, c).birthday.month == 5 for c in may)  # type: ignore[union-attr]
    with pytest.raises(ValidationError):
        letters.clients_with_birthday_in(demo_db, 13)


def test_the_shop_is_saved_whole_or_not_at_all(db: Database) -> None:
    with pytest.raises(ValidationError) as bad:
        shop.save_shop(db, shop.ShopProfile(name="", email="not-an-email", logo=b"GIF89a..."))
    assert set(bad.value.problems) == {"name", "email", "logo"}
    assert shop.get_shop(db).name == ""
    saved = shop.save_shop(db, shop.ShopProfile(name="Webber", paper="Letter",
                                                date_format="month-day-year"))  # fmt: skip
    assert (saved.name, saved.paper, saved.logo) == ("Webber", "Letter", None)
    from datetime import date

    assert saved.format_date(date(2026, 11, 23)) == "November 23, 2026"


TOO_BIG_TO_LAY_OUT = {  # within every fill-in limit of old; each took 10 s to hours to lay out
    "long words": ("{{ (['a' * 1000] * 199) | join }}", "a line of more than 10,000 characters"),
    "many lines": ("{{ (['x'] * 99999) | join('\\n') }}", "This letter comes to more than"),
    "many paragraphs": ("{{ (['x'] * 66000) | join('\\n\\n') }}", "more than 3,000 lines"),
}


@pytest.mark.parametrize(("body", "says"), TOO_BIG_TO_LAY_OUT.values(), ids=TOO_BIG_TO_LAY_OUT)
def test_a_letter_too_big_to_lay_out_is_refused_at_once_with_its_line(
    db: Database, body: str, says: str
) -> None:
    import io
    import time

    from crmdesk.services.templating import TemplateLimitError

    set_up_shop(db)
    start = time.thread_time()  # the work done (a loaded machine slows the clock, not this)
    with pytest.raises(TemplateLimitError) as refused:
        letters.preview(db, "Dear {{ client.greeting_name }},\n\n" + body, None, io.BytesIO())
    assert time.thread_time() - start < 1.5
    assert str(refused.value).startswith("Line 3: ") and says in str(refused.value)


def test_a_long_letter_within_the_limits_is_laid_out_in_under_a_second(
    db: Database, tmp_path: Path
) -> None:
    """100,000 characters in 10 lines of one unbreakable word (ReportLab measures such a word
    letter by letter, and wrapped all the rest of a paragraph again on every page)."""
    import time

    set_up_shop(db)
    start = time.thread_time()  # the work done (a loaded machine slows the clock, not this)
    pages = letters.preview(db, "{{ (['a' * 9999] * 10) | join('\\n') }}", None, tmp_path / "a.pdf")
    assert time.thread_time() - start < 1.5  # 0.45 s here; 199 words of 1,000: 5.5 s before
    assert 25 < pages < 35 and pages == len(pdf_pages(tmp_path / "a.pdf"))


def test_a_letter_past_100_pages_is_stopped_as_that_page_starts(db: Database) -> None:
    """1,499 paragraphs of wide letters are within the text limits, and run past 100 pages."""
    import io
    import time

    from crmdesk.services.templating import TemplateLimitError

    set_up_shop(db)
    start = time.thread_time()
    with pytest.raises(TemplateLimitError, match="This letter runs past 100 pages"):
        letters.preview(db, "{{ (['W' * 130] * 1499) | join('\\n\\n') }}", None, io.BytesIO())
    assert time.thread_time() - start < 1.5


def test_the_first_letter_too_slow_to_lay_out_stops_the_batch(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crmdesk.documents import letters as documents
    from crmdesk.services.templating import TemplateLimitError

    set_up_shop(db)
    ids = add_people(db)[:3]
    template = TemplateRecord("", "Slow", "{{ (['Some words to wrap'] * 300) | join('\\n') }}")
    batch = letters.prepare(db, template, ids)
    monkeypatch.setattr(documents, "MAX_LAYOUT_SECONDS", 0.0)  # every page is too slow
    with pytest.raises(TemplateLimitError, match="Letter 1 of 3 takes more than 2 seconds"):
        letters.produce(db, batch, tmp_path / "slow.pdf")
    assert not (tmp_path / "slow.pdf").exists()
    assert db.query("SELECT count(*) FROM history WHERE kind = 'letter'")[0][0] == 0


def test_a_preview_is_cancelled_at_the_next_page(db: Database, tmp_path: Path) -> None:
    set_up_shop(db)
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 2

    with pytest.raises(Cancelled):
        letters.preview(db, "{{ (['x'] * 2000) | join('\\n') }}", None, tmp_path / "p.pdf",
                        cancelled=cancelled)  # fmt: skip
    assert len(asked) == 3  # the third page


def test_a_long_paragraph_laid_out_in_pieces_reads_as_one(db: Database, tmp_path: Path) -> None:
    """Cut at its line breaks, bold carried over a cut, no space between the pieces."""
    from crmdesk.documents.markup import PIECE_LINES, pieces

    lines = [f"line {n}" for n in range(PIECE_LINES * 3)]
    lines[PIECE_LINES - 1] = "**bold from here"
    lines[PIECE_LINES + 2] = "to here**"
    body = "\n".join(lines) + "\n\nKind regards"
    set_up_shop(db)
    pages = letters.preview(db, body, None, tmp_path / "p.pdf")
    text = "\n".join(pdf_pages(tmp_path / "p.pdf"))
    assert pages == 3 and all(f"line {n}\r\n" in text for n in range(2, PIECE_LINES * 3, 17))
    cut = pieces("<br/>".join(["<b>a"] + ["b"] * PIECE_LINES + ["c</b>"]))
    assert len(cut) == 2 and cut[0].endswith("</b>") and cut[1].startswith("<b>")


def test_letters_sharing_paragraphs_print_exactly_as_if_each_were_read_alone(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch reads each repeated paragraph once and its letters share what was read: the
    PDF must be byte for byte the one made by reading every paragraph afresh."""
    from reportlab import rl_config
    from reportlab.platypus import Paragraph

    from crmdesk.documents import scripts

    monkeypatch.setattr(rl_config, "invariant", 1)  # no date or random id in the file
    set_up_shop(db)
    ids = add_people(db)
    body = (
        "Dear {{ client.greeting_name }},\n\nThank you for **ten years** with us, and"
        " *welcome* back. A long shared paragraph that wraps over several lines of the"
        " letter, the same in every letter of the batch, word for word, line for line.\n\n"
        "- first, for {{ client.first_name }}\n- second, the same for all\n\n"
        "> Σοφία, Ольга, 你好, שלום, مرحبا, สวัสดี, नमस्ते\n\nWarm regards,\nAnna"
    )
    template = TemplateRecord("", "Shared", body)
    batch = letters.prepare(db, template, ids)
    chosen = [letter for _, letter in batch.letters]
    head = letters.letterhead(batch.shop)
    shared = letters.lay_out(tmp_path / "shared.pdf", chosen, head)
    monkeypatch.setattr(scripts, "_parsed", lambda text, style: Paragraph(text, style).frags)
    alone = letters.lay_out(tmp_path / "alone.pdf", chosen, head)
    assert shared == alone == len(ids)
    assert (tmp_path / "shared.pdf").read_bytes() == (tmp_path / "alone.pdf").read_bytes()
    pages = pdf_pages(tmp_path / "shared.pdf")
    for page, (given, *_rest) in zip(pages, PEOPLE, strict=False):
        assert f"first, for {given}" in page and "ten years" in page
