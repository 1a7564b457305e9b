"""Find anyone at once: substrings of names, contact details, facts, notes and history."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from crmdesk.services import clients, facts, history, notes, search, settings
from crmdesk.services.clients import ClientForm, Labelled
from crmdesk.services.history import ContactForm
from crmdesk.store.database import Database


@pytest.fixture
def shop(db: Database) -> dict[str, str]:
    settings.set_phone_region(db, "GB")
    ids = {}
    for given, family, phone, email in (
        ("Anna", "Webber", "07911 123456", "anna@example.org"),
        ("Łukasz", "Wiśniewski", "+48 512 345 678", "lukasz@example.com"),
        ("Zoë", "Brontë", "", ""),
        ("Ελένη", "Παπαδοπούλου", "", ""),
    ):
        form = ClientForm(given_name=given, family_name=family)
        form.phones = [Labelled("mobile", phone)] if phone else []
        form.emails = [Labelled("home", email)] if email else []
        ids[family] = str(clients.create_client(db, form).created_id)
    facts.add_fact(db, ids["Brontë"], "Dog", "Biscuit, a spaniel")
    notes.add_note(db, ids["Webber"], "Daughter Emma is getting married in June")
    history.log_contact(
        db, ids["Wiśniewski"],
        ContactForm(occurred_at=datetime(2026, 5, 1, 10), subject="Complaint",
                    body="The parcel arrived with a broken hinge"),
    )  # fmt: skip
    return ids


def found(db: Database, query: str) -> list[str]:
    return [h.client_id for h in search.search(db, query)]


def test_part_of_a_name_finds_the_client(db: Database, shop: dict[str, str]) -> None:
    assert found(db, "ebb") == [shop["Webber"]]
    assert found(db, "śniew") == [shop["Wiśniewski"]]
    assert found(db, "ΠΑΠΑΔ") == [shop["Παπαδοπούλου"]]  # Greek, any case


def test_contact_details_are_searchable(db: Database, shop: dict[str, str]) -> None:
    assert found(db, "07911 123") == [shop["Webber"]]
    assert found(db, "+48512") == [shop["Wiśniewski"]]
    assert found(db, "lukasz@") == [shop["Wiśniewski"]]


def test_a_hit_in_a_note_or_a_call_shows_the_words_that_matched(
    db: Database, shop: dict[str, str]
) -> None:
    [hit] = search.search(db, "married")
    assert (hit.client_id, hit.where, hit.matched) == (shop["Webber"], "Note", ["married"])
    assert "Daughter Emma is getting married in June" in hit.snippet
    [hit] = search.search(db, "broken hinge")
    assert hit.where == "History" and hit.matched == ["broken", "hinge"]
    [hit] = search.search(db, "spaniel")
    assert hit.where == "Remember" and hit.client_id == shop["Brontë"]


def test_index_follows_edits_and_deletes(db: Database, shop: dict[str, str]) -> None:
    form = clients.get_client(db, shop["Webber"]).to_form()
    form.family_name = "Harrison"
    clients.update_client(db, shop["Webber"], form)
    assert found(db, "Webber") == []
    assert found(db, "Harris") == [shop["Webber"]]
    clients.delete_client(db, shop["Brontë"])
    assert found(db, "spaniel") == []  # a deleted client's notes are not found either
    clients.restore_client(db, shop["Brontë"])
    assert found(db, "spaniel") == [shop["Brontë"]]


def test_short_queries_match_the_start_of_names(db: Database, shop: dict[str, str]) -> None:
    assert found(db, "we") == [shop["Webber"]]
    assert found(db, "") == []


def test_every_word_must_match(db: Database, shop: dict[str, str]) -> None:
    assert found(db, "parcel hinge") == [shop["Wiśniewski"]]
    assert found(db, "parcel Biscuit") == []


def test_quotes_and_operators_are_just_text(db: Database, shop: dict[str, str]) -> None:
    assert found(db, 'Emma" OR "x') == []
    assert found(db, "AND OR NOT") == []


def test_deleted_clients_leave_the_index_and_come_back(db: Database, shop: dict[str, str]) -> None:
    def indexed(client_id: str) -> list[str]:
        return sorted(
            s
            for (s,) in db.query("SELECT source FROM search_docs WHERE client_id = ?", (client_id,))
        )

    everything = indexed(shop["Wiśniewski"])
    assert everything == ["clients", "history"]
    clients.delete_client(db, shop["Wiśniewski"])
    assert indexed(shop["Wiśniewski"]) == []
    assert found(db, "hinge") == []
    clients.restore_client(db, shop["Wiśniewski"])
    assert indexed(shop["Wiśniewski"]) == everything
    assert found(db, "hinge") == [shop["Wiśniewski"]]


# ------------------------------------------------------------ accents, case, every script


@pytest.mark.parametrize(
    ("given", "family", "query"),
    [
        ("Văn", "Đặng", "dang"),
        ("Şükrü", "Yılmaz", "sukru"),
        ("Łukasz", "Łódź", "lodz"),
        ("Jürgen", "Müller", "jurgen"),
        ("Γιώργος", "Παπαδόπουλος", "παπαδοπουλος"),
        ("Søren", "Ørsted", "orsted"),
        ("Gunnar", "Þórsson", "thors"),
        ("Heinz", "Straßer", "strasser"),
    ],
)
def test_accents_and_case_are_ignored_in_every_script(
    db: Database, given: str, family: str, query: str
) -> None:
    client_id = str(
        clients.create_client(db, ClientForm(given_name=given, family_name=family)).created_id
    )
    clients.create_client(db, ClientForm(given_name="Anna", family_name="Webber"))
    [hit] = search.search(db, query)
    assert hit.client_id == client_id
    # the list shows the name as it was written, the matched part in bold
    assert f"{given} {family}" in hit.snippet
    assert query not in hit.snippet
    assert len(hit.matched) == 1 and hit.matched[0] in f"{given} {family}"
    assert search.search(db, query.upper())[0].client_id == client_id
    assert search.search(db, family)[0].client_id == client_id  # as written, too


def test_the_matched_words_are_marked_in_the_text_as_written(db: Database) -> None:
    client_id = str(clients.create_client(db, ClientForm(given_name="Zoë")).created_id)
    notes.add_note(db, client_id, "Ordered the Łódź print from Jürgen's gallery")
    [hit] = search.search(db, "lodz jurgen")
    assert hit.where == "Note"
    assert hit.matched == ["Łódź", "Jürgen"]
    assert hit.snippet == "Ordered the Łódź print from Jürgen's gallery"


def test_an_emoji_in_a_note_can_be_found(db: Database) -> None:
    cake, other = (
        str(clients.create_client(db, ClientForm(given_name=g)).created_id) for g in ("Ann", "Bo")
    )
    notes.add_note(db, cake, "Loves the lemon cake 🎂 — order one for June")
    notes.add_note(db, other, "Prefers the party hats 🎉")
    [hit] = search.search(db, "🎂")
    assert (hit.client_id, hit.matched) == (cake, ["🎂"])
    assert "lemon cake 🎂 — order" in hit.snippet
    assert found(db, "🎉") == [other]


def test_chinese_and_japanese_names_are_found_by_one_or_two_characters(db: Database) -> None:
    wang = str(clients.create_client(db, ClientForm(given_name="伟", family_name="王")).created_id)
    yamada = str(
        clients.create_client(db, ClientForm(given_name="太郎", family_name="山田")).created_id
    )
    notes.add_note(db, yamada, "東京の本店で会った")
    assert found(db, "王") == [wang]
    assert found(db, "本店") == [yamada]


def test_printed_letters_are_found_by_template_not_by_the_letterhead(
    db: Database, tmp_path: Path
) -> None:
    """After letters to 17 clients from "Webber & Daughters", "ebb" finds only the clients
    whose own data has it; the letters are found by their template's name."""
    from crmdesk.services import letters
    from tests.letters_helpers import set_up_shop

    set_up_shop(db)  # the letterhead and signature: "Webber & Daughters", Anna Webber
    ids = []
    for n in range(17):
        form = ClientForm(given_name=f"Client{n:02}", family_name="Brown", city="Harrogate",
                          street=f"{n} High Street", postcode="HG1 2RS")  # fmt: skip
        ids.append(str(clients.create_client(db, form).created_id))
    ebba = str(clients.create_client(db, ClientForm(given_name="Ebba", family_name="Lund"))
               .created_id)  # fmt: skip
    notes.add_note(db, ids[3], "Her cousin works for Webber Joinery")
    batch = letters.prepare(db, letters.find_template(db, "Thank you after a first purchase"), ids)
    letters.produce(db, batch, tmp_path / "thanks.pdf")
    assert "Webber & Daughters" in history.timeline(db, ids[0])[0].body  # the text is kept

    assert sorted(found(db, "ebb")) == sorted([ebba, ids[3]])
    assert found(db, "Anna Webber") == []
    by_template = search.search(db, "thank you after")
    assert sorted(h.client_id for h in by_template) == sorted(ids)
    assert {h.where for h in by_template} == {"History"}
    assert sorted(found(db, "first purchase printed")) == sorted(ids)


def test_a_letter_typed_by_the_owner_is_searched_as_typed(db: Database) -> None:
    client_id = str(clients.create_client(db, ClientForm(given_name="Ann")).created_id)
    history.log_contact(
        db, client_id,
        ContactForm(occurred_at=datetime(2026, 5, 1, 10), kind="letter", subject="Sorry",
                    body="Wrote to say the walnut table will be late"),
    )  # fmt: skip
    assert found(db, "walnut") == [client_id]
