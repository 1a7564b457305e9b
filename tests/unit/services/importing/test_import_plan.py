"""The preview of an import: each row new, matching a client (and why, and what would
change), imported before, or a problem — before anything is written."""

from __future__ import annotations

import csv
from pathlib import Path

from crmdesk.services import client_list, clients, settings
from crmdesk.services.clients import ClientForm, Labelled
from crmdesk.services.importing import PartialDate, open_import
from crmdesk.services.importing.drafts import draft_of
from crmdesk.services.importing.matching import ClientIndex
from crmdesk.services.importing.plan import Status
from crmdesk.services.importing.preview import preview_file
from crmdesk.services.importing.records import ImportedContact, Origin
from crmdesk.services.importing.records import Labelled as Typed
from crmdesk.store.database import Database

HEADER = ["First Name", "Last Name", "E-mail Address", "Mobile Phone", "Home Street",
          "Home City", "Home Postal Code", "Birthday", "Notes", "Shoe size"]  # fmt: skip


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def client(db: Database, **fields: object) -> str:
    form = ClientForm(**fields)  # type: ignore[arg-type]
    return str(clients.create_client(db, form).created_id)


def test_each_row_says_whom_it_matches_and_why(db: Database, tmp_path: Path) -> None:
    settings.set_phone_region(db, "GB")
    by_email = client(db, given_name="Σοφία", family_name="Παπαδοπούλου",
                      emails=[Labelled("home", "Sofia@Example.org")])  # fmt: skip
    by_phone = client(db, given_name="Ольга", family_name="Иванова",
                      phones=[Labelled("mobile", "07911 123456")])  # fmt: skip
    by_name = client(db, given_name="Łukasz", family_name="Nowak", postcode="LS1 4AB",
                     city="Leeds")  # fmt: skip
    client(db, given_name="Łukasz", family_name="Nowak", city="York")  # another Łukasz
    file = write_csv(tmp_path / "contacts.csv", [
        ["Sofia", "Papadopoulou", "sofia@example.ORG", "", "", "", "", "", "", ""],
        ["Olga", "Ivanova", "", "+44 7911 123456", "", "", "", "", "", ""],
        ["Lukasz", "Nowak", "", "", "", "Leeds", "LS1 4AB", "", "", ""],
        ["山田", "太郎", "", "", "", "", "", "", "", ""],
        ["Lukasz", "Nowak", "", "", "", "Bradford", "BD1 1AA", "", "", ""],
    ])  # fmt: skip
    preview = preview_file(db, open_import(file))
    rows = preview.rows
    assert [r.status for r in rows] == [Status.MATCH, Status.MATCH, Status.MATCH, Status.NEW,
                                        Status.NEW]  # fmt: skip
    assert rows[0].match is not None and rows[0].match.client_id == by_email
    assert rows[0].match.reason == "same email sofia@example.org"
    assert rows[1].match is not None and rows[1].match.client_id == by_phone
    assert rows[1].match.reason == "same phone +447911123456"
    assert rows[2].match is not None and rows[2].match.client_id == by_name
    assert rows[2].match.reason.startswith("similar name (")
    assert rows[2].match.reason.endswith("and same postcode LS1 4AB")
    assert rows[0].status_text().startswith("matches Σοφία Παπαδοπούλου (same email")
    assert [r.contact.origin.line for r in rows] == [2, 3, 4, 5, 6]


def test_a_match_says_what_an_update_would_change(db: Database, tmp_path: Path) -> None:
    settings.set_phone_region(db, "DE")
    client(db, given_name="Jürgen", family_name="Weiß", city="München",
           emails=[Labelled("", "jw@example.de")])  # fmt: skip
    file = write_csv(tmp_path / "c.csv", [
        ["Jürgen", "Weiß", "jw@example.de", "0171 2345678", "Hauptstr. 1", "Berlin", "10115",
         "15.04.1975", "Mag Kaffee", "44"],
    ])  # fmt: skip
    [row] = preview_file(db, open_import(file, locale="de_DE")).rows
    assert row.status is Status.MATCH and row.update is not None
    update = row.update
    assert update.fills == {"street": "Hauptstr. 1", "postcode": "10115",
                            "birthday": PartialDate(4, 15, 1975)}  # fmt: skip
    assert update.differing == ["City: Berlin (here: München)"]
    assert [p["number"] for p in update.phones] == ["+491712345678"]
    text = update.describe()
    assert "fills street, postcode, birthday" in text
    assert "adds phone 0171 2345678" in text
    assert "keeps 1 different value in a note: City: Berlin (here: München)" in text
    assert client_list.count_clients(db) == 1  # a preview writes nothing


def test_the_user_can_unmatch_a_row(db: Database, tmp_path: Path) -> None:
    client(db, given_name="Ann", family_name="Lee", emails=[Labelled("", "ann@example.org")])
    file = write_csv(tmp_path / "c.csv", [["Ann", "Lee", "ann@example.org"] + [""] * 7])
    [row] = preview_file(db, open_import(file)).rows
    row.unmatch()
    assert (row.status, row.match, row.update) == (Status.NEW, None, None)


def test_a_row_with_nothing_of_a_person_is_a_problem_that_keeps_what_it_held(
    db: Database, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "c.csv", [["", "", "", "", "", "", "", "", "", "46"]])
    [row] = preview_file(db, open_import(file)).rows
    assert row.status is Status.PROBLEM
    [problem] = row.draft.problems
    assert problem.line == 2 and "Shoe size: 46" in problem.text


def test_matching_100000_clients_is_lookups_not_a_scan() -> None:
    index = ClientIndex()
    for n in range(100_000):
        values = {
            "given_name": f"Given{n}",
            "family_name": f"Family{n % 5000}",
            "company": "",
            "postcode": f"PC{n % 3000}",
            "city": f"Town{n % 200}",
        }
        index.add(f"id{n}", values, [f"p{n}@example.org"], [f"+4479111{n:05d}"])
    contacts = [
        ImportedContact(Origin("f.csv", n + 2, n + 1), given_name=f"Given{n}",
                        family_name=f"Family{n % 5000}",
                        phones=(Typed(f"+44 7911 1{n:05d}"),))
        for n in range(0, 100_000, 100)
    ]  # fmt: skip
    drafts = [draft_of(c, "GB") for c in contacts]

    class Looked(dict[str, str]):
        """A dict that counts lookups and notices being walked through."""

        gets = walks = 0

        def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
            Looked.gets += 1
            return super().get(key, default)

        def __iter__(self):  # type: ignore[no-untyped-def]
            Looked.walks += 1
            return super().__iter__()

        def items(self):  # type: ignore[no-untyped-def]
            Looked.walks += 1
            return super().items()

        def values(self):  # type: ignore[no-untyped-def]
            Looked.walks += 1
            return super().values()

    index.by_email, index.by_phone = Looked(index.by_email), Looked(index.by_phone)
    found = [index.match(d) for d in drafts]
    assert all(m is not None and m.reason.startswith("same phone") for m in found)
    # each row is looked up by its number (no email to try first), never by going through
    # the 100,000 clients (a benchmark, B14, measures the time: not a test)
    assert (Looked.gets, Looked.walks) == (len(drafts), 0)


def test_addresses_and_numbers_are_read_as_the_client_form_reads_them() -> None:
    """The import's quick checks say what the form's checks say (they only cost less)."""
    from crmdesk.services.importing.drafts import email, phone
    from crmdesk.services.validation import normalise_email, normalise_phone

    addresses = ["Ann.Lee@Example.ORG", "o'brien@x.ie", "x@localhost.test", "x@a.example.local",
                 "x@123.45", "x@a-.com", "a..b@x.org", ".a@x.org", "jürgen@müller.de",
                 "Jane <jane@x.org>", "mailto:j@x.org", "x@TEST", "a@b.c", "no address",
                 "a" * 65 + "@x.org", "δοκιμή@παράδειγμα.δοκιμή"]  # fmt: skip
    for typed in addresses:
        try:
            expected: str | None = normalise_email(typed)
        except ValueError:
            expected = None
        assert email(typed) == expected, typed
    numbers = ["07400 123456", "+44 7911 123456", "0121 234 5678", "+49 30 12345678",
               "call me", "0171 33333", "+33 1 23 45 67 89", "911"]  # fmt: skip
    for typed in numbers:
        try:
            wanted: tuple[str, str] | None = normalise_phone(typed, "GB")
        except ValueError:
            wanted = None
        assert phone(typed, "GB") == wanted, typed


def test_names_are_folded_word_by_word_as_they_would_be_whole() -> None:
    from crmdesk.model.folding import fold
    from crmdesk.services.importing.matching import _name_key

    names = [("Łukasz", "Nowak-Wójcik"), ("Σοφία", "Παπαδοπούλου"), ("Ольга", "Иванова"),
             ("محمد", "الحسيني"), ("דוד", "כהן"), ("山田", "太郎"), ("สมชาย", "ใจดี"),
             ("देव", "शर्मा"), ("Nguyễn", "Thị Lan"), ("ＡＮＮ", "Ｌｅｅ"), ("Ann\u00a0Marie", "Lee"),
             ("", "Straße"), ("O’Brien", "Ægir")]  # fmt: skip
    for given, family in names:
        whole = " ".join(sorted(fold(f"{given} {family}".strip()).split()))
        assert _name_key(given, family, "Firma") == whole, (given, family)
    assert _name_key("", "", "Müller & Söhne") == "& muller sohne"  # (no name: the company)


def test_a_rows_mark_is_what_it_was_for_every_fixture() -> None:
    """The marks of rows imported before are in shops' files: the quicker way of making
    them must make the same ones (repr of every field but the origin and the problems)."""
    import base64
    import hashlib

    from crmdesk.services.importing.drafts import fingerprint
    from tests.import_helpers import FIXTURES, read

    def as_before(contact: ImportedContact) -> str:
        parts = [repr(v) for k, v in contact.__dict__.items() if k not in ("origin", "problems")]
        digest = hashlib.sha1("\x1e".join(parts).encode(), usedforsecurity=False).digest()
        return base64.urlsafe_b64encode(digest[:8]).decode()[:11]

    seen = 0
    for folder in ("generated", "real"):
        for path in sorted((FIXTURES / folder).iterdir()):
            if path.suffix in (".py", ".md") or path.name.startswith("LICENSE"):
                continue
            options = {"legacy": "cp932"} if "shiftjis" in path.name else {}
            contacts, _source = read(f"{folder}/{path.name}", **options)
            for contact in contacts:
                assert fingerprint(contact) == as_before(contact), (path.name, contact.name)
                seen += 1
    assert seen > 60
