"""A person's data on request: everything the file holds about one client, as a PDF and as
JSON, on real database files (every kind of record, names in many scripts)."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest

from crmdesk.documents.letters import Cancelled
from crmdesk.errors import CrmError, MissingFolderError, NotFoundError
from crmdesk.model.partial_date import PartialDate
from crmdesk.services import (
    clients,
    complaints,
    erase,
    facts,
    history,
    letters,
    notes,
    person_export,
    personal_data,
    referrals,
    retention,
    settings,
    shop,
    surveys,
    sync,
)
from crmdesk.services.clients import ClientForm, Labelled
from crmdesk.store.database import Database
from tests.pdf_glyphs import box_problems
from tests.sync_helpers import edit_client, machine

AT = datetime(2026, 11, 20, 10, 30)
OTHER_SECRET = "Zebrafish-allergy-of-the-other-client"


@dataclass
class People:
    path: Path
    cid: str  # the person who asked
    referrer: str  # who brought them
    friend: str  # whom they brought
    other: str  # someone else
    form_code: str
    letter_text: str
    ids: dict[str, list[str]]  # table -> ids of the person's rows


def _client(db: Database, **fields: object) -> str:
    made = clients.create_client(db, ClientForm(**fields)).created_id  # type: ignore[arg-type]
    assert made
    return made


def _fill(db: Database, tmp: Path, given: str, family: str, street: str, city: str) -> People:
    """A client with every kind of record, one of each deleted (in the Trash), a referrer and
    a friend they referred; and another client with private data of their own."""
    settings.set_phone_region(db, "GB")
    shop.save_shop(db, shop.ShopProfile(name="Webber & Daughters", address="12 Market St\nLeeds"))
    referrer = _client(db, given_name="Ольга", family_name="Смирнова", city="Москва")
    cid = _client(db, given_name=given, family_name=family, salutation="Ms",
                  phones=[Labelled("mobile", "07911 123456")],
                  emails=[Labelled("home", "asker@example.org")], street=street,
                  postcode="10110", city=city, country="TH", birthday=PartialDate(2, 29, 1984),
                  marketing_consent=True, tags=["VIP", "Σοφία's friends"],
                  found_via="देव recommended us", referred_by_id=referrer)  # fmt: skip
    friend = _client(db, given_name="Σοφία", family_name="Παπαδοπούλου", referred_by_id=cid)
    ids: dict[str, list[str]] = {}

    def keep(table: str, made: str | None) -> str:
        assert made
        ids.setdefault(table, []).append(made)
        return made

    keep("facts", facts.add_fact(db, cid, "Dog", "Biscuit", date(2019, 4, 1)).created_id)
    gone = keep("facts", facts.add_fact(db, cid, "Old flame", "Not any more").created_id)
    facts.delete_fact(db, gone)
    keep("notes", notes.add_note(db, cid, "First note: likes peonies", pinned=True,
                                 written_at=datetime(2025, 1, 5, 9, 0)).created_id)  # fmt: skip
    note = keep(
        "notes",
        notes.add_note(
            db, cid, "Second note, deleted later", written_at=datetime(2025, 2, 5, 9, 0)
        ).created_id,
    )
    notes.delete_note(db, note)
    keep("history", history.log_contact(db, cid, history.ContactForm(
        kind="call", subject="Asked about the wedding order", body="Wants white roses",
        occurred_at=datetime(2025, 3, 1, 11, 0), follow_up_on=date(2025, 3, 8),
    )).created_id)  # fmt: skip
    visit = keep(
        "history",
        history.log_contact(
            db,
            cid,
            history.ContactForm(
                kind="visit", subject="Dropped in", occurred_at=datetime(2025, 3, 2, 15, 0)
            ),
        ).created_id,
    )
    history.delete_entry(db, visit)
    keep("purchases", retention.record_purchase(
        db, cid, "1,234.50", "Wedding flowers", bought_at=datetime(2025, 3, 10, 12, 0),
        confirmed=True).created_id)  # fmt: skip
    keep("purchases", retention.record_purchase(
        db, cid, "0.05", "A single pin", bought_at=datetime(2025, 4, 1, 12, 0),
        confirmed=True).created_id)  # fmt: skip
    case = keep("complaints", complaints.open_complaint(db, cid, complaints.ComplaintForm(
        description="Roses wilted in a day", category="product", severity="high",
        opened_at=datetime(2025, 3, 12, 9, 0))).created_id)  # fmt: skip
    keep("history", history.log_contact(db, cid, history.ContactForm(
        kind="call", subject="Sorry about the roses", occurred_at=datetime(2025, 3, 12, 10, 0),
        complaint_id=case)).created_id)  # fmt: skip
    # a letter printed for them alone: its text is kept in their history
    template = letters.TemplateRecord(
        "", "Thank you", "Dear {{ client.greeting_name }},\n\nThank you for choosing us."
    )
    batch = letters.prepare(db, template, [cid])
    run = letters.produce(db, batch, tmp / "letter.pdf", include_without_address=True)
    letter_text = f"Dear Ms {family},"
    assert run.letters == 1
    survey = surveys.builtin_survey(db)
    forms = surveys.print_forms(db, survey, tmp / "forms.pdf", client_ids=[cid])
    code = forms.forms[0].code
    keep("survey_answers", surveys.record_answer(db, surveys.AnswerForm(
        score=3, reason="Slow delivery", extra={"1": "2"}, consent_contact=True,
        referral_name="ราม", referral_phone="0812345678",
        answered_at=datetime(2025, 5, 1, 9, 30)), code=code).created_id)  # fmt: skip
    retention.record_purchase(db, friend, "99.00", "Friend's own purchase", confirmed=True)
    referrals.give_reward(db, friend, "£10 voucher", date(2025, 6, 1))
    referrals.give_reward(db, cid, "Referrer's bottle of wine", date(2025, 6, 2))
    # someone else, with private data of their own
    other = _client(db, given_name="Margaret", family_name="Webber", city="Harrogate")
    notes.add_note(db, other, OTHER_SECRET)
    facts.add_fact(db, other, "Secret", OTHER_SECRET)
    retention.record_purchase(db, other, "777.77", OTHER_SECRET, confirmed=True)
    history.log_contact(db, other, history.ContactForm(subject=OTHER_SECRET))
    return People(db.path, cid, referrer, friend, other, code, letter_text, ids)


@pytest.fixture
def people(db: Database, tmp_path: Path) -> People:
    return _fill(db, tmp_path, "สมชาย", "山田", "ถนนสุขุมวิท 12", "กรุงเทพมหานคร")


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)


def test_every_record_of_theirs_is_in_the_json_and_nothing_of_anyone_else(
    db: Database, people: People, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    done = person_export.export_person(db, people.cid, out, at=AT)
    data = json.loads(done.json.read_text(encoding="utf-8"))
    assert data == personal_data.collect(db, people.cid, AT)  # the file is the document
    assert data["format"] == "crmdesk personal data" and data["format_version"] == 2
    assert data["exported_at"] == "2026-11-20T10:30:00"
    profile = data["profile"]
    assert (profile["given_name"], profile["family_name"], profile["city"]) == (
        "สมชาย", "山田", "กรุงเทพมหานคร")  # fmt: skip
    assert profile["phones"] == [
        {"label": "mobile", "number": "+447911123456", "display": "07911 123456"}
    ]
    assert profile["emails"] == [{"label": "home", "address": "asker@example.org"}]
    assert profile["birthday"] == "1984-02-29" and profile["marketing_consent"] is True
    assert profile["tags"] == ["VIP", "Σοφία's friends"]
    assert profile["referral_code"] == clients.referral_code(people.cid)
    assert profile["loyalty_stage"]["stage"] == "advocate"  # their friend bought
    for key, table in (("things_to_remember", "facts"), ("notes", "notes"),
                       ("purchases", "purchases"), ("complaints", "complaints"),
                       ("survey_answers", "survey_answers")):  # fmt: skip
        assert {r["id"] for r in data[key]} == set(people.ids[table]), key
    assert set(people.ids["history"]) <= {h["id"] for h in data["history"]}
    # deleted records are still held: listed, marked with when they were deleted
    deleted = {r["id"] for key in ("things_to_remember", "notes", "history")
               for r in data[key] if r["deleted_at"]}  # fmt: skip
    assert len(deleted) == 3
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+", r["deleted_at"])
               for key in ("notes", "history") for r in data[key] if r["deleted_at"])  # fmt: skip
    # amounts as strings, exactly as stored (minor units), in the shop's currency
    assert [(p["amount"], p["amount_minor_units"], p["currency"]) for p in data["purchases"]] == [
        ("1234.50", "123450", "GBP"),
        ("0.05", "5", "GBP"),
    ]
    [letter] = [x for x in data["letters_sent"] if x["subject"] == "Thank you"]
    assert people.letter_text in letter["text"] and "Thank you for choosing us." in letter["text"]
    assert any(x["subject"] == surveys.FORM_SUBJECT for x in data["letters_sent"])
    [answer] = data["survey_answers"]
    assert (answer["score"], answer["form_code"], answer["consent_contact"]) == (
        3, people.form_code, True)  # fmt: skip
    assert answer["extra_answers"][0]["answer"] == 2 and answer["handwriting"] == []  # typed
    assert (answer["referral_name"], answer["referral_phone"]) == ("ราม", "0812345678")
    assert [f["code"] for f in data["survey_forms"]] == [people.form_code]
    assert data["survey_forms"][0]["answered"] is True
    [case] = data["complaints"]
    assert len(case["history_ids"]) == 1
    assert data["referrals"] == {
        "referred_by": {"name": "Ольга Смирнова"},
        "referred": [{"name": "Σοφία Παπαδοπούλου", "added_on": data["referrals"]["referred"][0]
                      ["added_on"], "reward_given": "£10 voucher",
                      "reward_given_on": "2025-06-01", "reward_owed": False}],
    }  # fmt: skip
    follow = [f for f in data["follow_ups"] if f["kind"] == "contact"]
    assert [(f["due"], f["open"]) for f in follow] == [("2025-03-08", False)]  # later calls
    text = done.json.read_text(encoding="utf-8")
    # nothing of the other client's, and of the others only their names
    for private in (OTHER_SECRET, "Margaret", "777.77", "77777", "Referrer's bottle of wine",
                    "Friend's own purchase", "99.00", "Москва", people.other, people.friend,
                    people.referrer):  # fmt: skip
        assert private not in text
    assert "\\u" not in text  # UTF-8, not escapes


def test_the_pdf_holds_every_section_in_order_and_nothing_of_anyone_else(
    db: Database, people: People, tmp_path: Path
) -> None:
    done = person_export.export_person(db, people.cid, tmp_path, at=AT)
    text = _pdf_text(done.pdf)
    order = ["Personal data held about", "Profile", "Things to remember", "Biscuit",
             "Old flame", "Notes", "First note: likes peonies", "Second note, deleted later",
             "History", "Asked about the wedding order", "Dropped in", "Sorry about the roses",
             "Letters sent", "Thank you for choosing us.", "Purchases", "£1,234.50", "£0.05",
             "Complaints", "Roses wilted in a day", "Survey answers", "Slow delivery",
             "Survey forms printed for them", people.form_code, "Referrals", "Ольга Смирнова",
             "Σοφία Παπαδοπούλου", "£10 voucher", "Follow-ups"]  # fmt: skip
    at = 0
    for word in order:
        found = text.find(word, at)
        assert found >= 0, f"{word!r} not found after position {at}"
        at = found + len(word)
    for name in ("สมชาย", "山田", "กรุงเทพมหานคร", "Σοφία's friends", "देव"):
        assert name in text, name
    assert text.count("in the Trash, still held in the file") == 3
    for private in (OTHER_SECRET, "Margaret", "777.77", "Referrer's bottle of wine"):
        assert private not in text
    assert box_problems(done.pdf) == []


def _render(pdf: Path, png: Path, page: int = 0) -> None:
    document = pdfium.PdfDocument(pdf)
    try:
        document[page].render(scale=1.3).to_pil().save(png)
    finally:
        document.close()


@pytest.mark.parametrize(
    ("given", "family", "street", "city"),
    [("דוד", "כהן", "רחוב הרצל 12", "תל אביב"), ("محمد", "العلي", "شارع الملك فهد", "الرياض"),
     ("สมชาย", "山田", "ถนนสุขุมวิท 12", "กรุงเทพมหานคร"), ("देव", "शर्मा", "MG Road 5", "मुंबई"),
     ("Łukasz", "Nguyễn", "ul. Długa 5", "Hà Nội")],
)  # fmt: skip
def test_names_print_in_their_own_script(
    db: Database, tmp_path: Path, given: str, family: str, street: str, city: str
) -> None:
    person = _fill(db, tmp_path, given, family, street, city)
    notes.add_note(db, person.cid, f"{given} {family} " * 40)  # a long note in their script
    done = person_export.export_person(db, person.cid, tmp_path, at=AT)
    assert box_problems(done.pdf) == []  # every glyph real: nothing drawn as an empty box
    text = unicodedata.normalize("NFKC", _pdf_text(done.pdf))  # (Arabic: presentation forms)
    # (a Devanagari conjunct, र्मा, is drawn as one glyph a PDF reader cannot copy back)
    for word in (given, city) if given == "देव" else (given, family, city):
        assert word in text, word
    _render(done.pdf, tmp_path / "page-1.png")  # (looked at while writing this: see README)
    assert (tmp_path / "page-1.png").stat().st_size > 10_000


def test_a_client_in_the_trash_is_exported_and_says_so(
    db: Database, people: People, tmp_path: Path
) -> None:
    clients.delete_client(db, people.cid)
    done = person_export.export_person(db, people.cid, tmp_path, at=AT)
    data = json.loads(done.json.read_text(encoding="utf-8"))
    assert data["profile"]["deleted_at"] is not None
    assert len(data["notes"]) == 2
    assert "This client was deleted on" in _pdf_text(done.pdf)


def test_the_referrer_sees_the_reward_they_were_given_not_what_their_friend_bought(
    db: Database, people: People, tmp_path: Path
) -> None:
    data = personal_data.collect(db, people.referrer, AT)
    [brought] = data["referrals"]["referred"]
    assert brought["reward_given"] == "Referrer's bottle of wine"
    text = json.dumps(data, ensure_ascii=False)
    assert "1234.50" not in text and "Wedding flowers" not in text and "peonies" not in text


def test_a_merge_s_values_not_kept_are_in_it(db_path: Path, tmp_path: Path) -> None:
    with machine(db_path, "A") as a:
        cid = _client(a, given_name="Ана", family_name="Петровић", city="Beograd")
    b_path = Path(shutil.copy(db_path, tmp_path / "b.crmdesk"))
    with machine(db_path, "A") as a:
        edit_client(a, cid, city="Novi Sad")
    with machine(b_path, "B") as b:
        edit_client(b, cid, city="Niš")
    with machine(db_path, "A") as a:
        sync.merge(a, b_path)
        [conflict] = personal_data.collect(a, cid, AT)["conflict_log"]
    assert (conflict["field"], conflict["kept_value"], conflict["other_value"]) == (
        "city", "Niš", "Novi Sad")  # fmt: skip


def test_refusals_say_what_is_wrong_and_write_nothing(
    db: Database, people: People, tmp_path: Path
) -> None:
    with pytest.raises(NotFoundError, match="No client with id nobody"):
        person_export.export_person(db, "nobody", tmp_path)
    with pytest.raises(MissingFolderError, match="does not exist"):
        person_export.export_person(db, people.cid, tmp_path / "missing")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(CrmError, match="is a file; name a folder"):
        person_export.export_person(db, people.cid, tmp_path / "file.txt")
    if Path("/sys/kernel").is_dir():  # a folder nobody may write to, not even root
        with pytest.raises(CrmError, match="Nothing was written into /sys"):
            person_export.export_person(db, people.cid, Path("/sys"))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(Cancelled):
        person_export.export_person(db, people.cid, out, progress=lambda n, _t: n < 3)
    assert list(out.iterdir()) == []  # a cancel leaves neither file
    erase.erase_client(db, people.friend)
    with pytest.raises(CrmError, match=r"was erased on .*nothing about them to export"):
        person_export.export_person(db, people.friend, out)


def test_a_second_export_never_overwrites_the_first(
    db: Database, people: People, tmp_path: Path
) -> None:
    first = person_export.export_person(db, people.cid, tmp_path, at=AT)
    second = person_export.export_person(db, people.cid, tmp_path, at=AT)
    assert first.pdf.name == "personal-data-สมชาย-山田-2026-11-20.pdf"
    assert second.pdf.name == "personal-data-สมชาย-山田-2026-11-20-2.pdf"
    assert first.pdf.exists() and second.json.exists()


def test_a_detractor_still_to_call_back_is_a_follow_up(db: Database) -> None:
    cid = _client(db, given_name="Ольга", family_name="Петрова")
    surveys.record_answer(db, surveys.AnswerForm(score=2, reason="Rude", channel="phone"),
                          client_id=cid)  # fmt: skip
    [follow] = personal_data.collect(db, cid, AT)["follow_ups"]
    assert (follow["kind"], follow["open"]) == ("survey answer", True)
    assert follow["what"] == "call back (answered 2/10)"


def test_a_birthday_without_its_year_is_exported_without_one(
    db: Database, people: People, tmp_path: Path
) -> None:
    from crmdesk.services import birthdays

    birthdays.set_birthday(db, people.cid, PartialDate(4, 15))
    out = tmp_path / "out"
    out.mkdir()
    done = person_export.export_person(db, people.cid, out, at=AT)
    data = json.loads(done.json.read_text(encoding="utf-8"))
    assert data["profile"]["birthday"] == "--04-15"
    text = _pdf_text(done.pdf)
    assert "15 April" in text
    assert not re.search(r"\b(1900|1904)\b", text)  # (no year made up; ids hold any digits)
