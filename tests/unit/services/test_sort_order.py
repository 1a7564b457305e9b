"""The client list sorts in the shop's alphabet: the country (or the chosen locale) decides.

A Danish list ends in Æ, Ø, Å and Aa (Aa is Å); a German one files Ö with the Os; a Swedish
one puts Å, Ä, Ö after Z. The keys are kept per file and follow every way a name or the
setting can change: typing, a setting, a merge from a copy set up elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crmdesk.services import client_list, settings, sync
from crmdesk.services.client_list import SortKey
from crmdesk.store.database import Database
from tests.sync_helpers import add_client, copy_to, edit_client, machine

FAMILIES = [
    "Aagaard",
    "Andersen",
    "Ørsted",
    "Zahle",
    "Østergaard",
    "Ærø",
    "Åberg",
    "Olsen",
    "Öberg",
]


def families(db: Database) -> list[str]:
    """The family names as the list shows them, top to bottom."""
    rows = client_list.client_page(db, SortKey.NAME, False, 0, 100)
    return [row.name.partition(",")[0] for row in rows]


@pytest.fixture
def shop(db: Database) -> Database:
    settings.write(db, {settings.COUNTRY.key: "GB"})
    for family in FAMILIES:
        add_client(db, given_name="Kim", family_name=family)
    return db


def test_an_english_shop_files_every_accented_letter_with_its_base_letter(shop: Database) -> None:
    assert families(shop) == [
        "Aagaard", "Åberg", "Ærø", "Andersen", "Öberg", "Olsen", "Ørsted", "Østergaard", "Zahle",
    ]  # fmt: skip


def test_a_danish_shop_puts_the_danish_letters_after_z(shop: Database) -> None:
    settings.write(shop, {settings.COUNTRY.key: "DK"})
    assert families(shop) == [
        "Andersen", "Olsen", "Zahle", "Ærø", "Öberg", "Ørsted", "Østergaard", "Åberg", "Aagaard",
    ]  # fmt: skip


def test_the_locale_setting_decides_over_the_country(shop: Database) -> None:
    settings.write(shop, {settings.COUNTRY.key: "DK", settings.LOCALE.key: "sv_SE"})
    order = families(shop)
    assert order.index("Zahle") < order.index("Åberg") < order.index("Ærø") < order.index("Öberg")
    settings.write(shop, {settings.LOCALE.key: "de_DE"})
    assert families(shop)[:4] == ["Aagaard", "Åberg", "Ærø", "Andersen"]


def test_names_typed_later_take_their_place_in_the_shops_alphabet(shop: Database) -> None:
    settings.write(shop, {settings.COUNTRY.key: "DK"})
    cid = add_client(shop, given_name="Ib", family_name="Aabenraa")
    assert families(shop)[-3:] == ["Aabenraa", "Åberg", "Aagaard"]  # Aa is Å, the last letter
    edit_client(shop, cid, family_name="Bech")
    assert families(shop)[:3] == ["Andersen", "Bech", "Olsen"]


def test_a_second_machine_sorts_in_the_alphabet_it_receives(db_path: Path, tmp_path: Path) -> None:
    """The setting travels with a merge; the sort names are each file's own and follow it,
    also for clients that arrive from a copy sorted in another alphabet."""
    with machine(db_path, "A") as a:
        settings.write(a, {settings.COUNTRY.key: "GB"})
        for family in ("Andersen", "Ørsted", "Zahle"):
            add_client(a, given_name="Kim", family_name=family)
    laptop = copy_to(db_path, tmp_path / "laptop.crmdesk")
    with machine(laptop, "B") as b:
        settings.write(b, {settings.COUNTRY.key: "DK"})
        add_client(b, given_name="Ib", family_name="Aabenraa")
        assert families(b) == ["Andersen", "Zahle", "Ørsted", "Aabenraa"]
    with machine(db_path, "A") as a:
        add_client(a, given_name="Jo", family_name="Åberg")
        assert families(a) == ["Åberg", "Andersen", "Ørsted", "Zahle"]
        sync.merge(a, laptop)
        assert families(a) == ["Andersen", "Zahle", "Ørsted", "Aabenraa", "Åberg"]
    with machine(laptop, "B") as b:
        sync.merge(b, db_path)
        assert families(b) == ["Andersen", "Zahle", "Ørsted", "Aabenraa", "Åberg"]


def test_a_file_opened_where_the_keys_are_of_another_alphabet_is_sorted_again(
    shop: Database,
) -> None:
    """A file made before sorting followed the locale (or by another program) holds keys of
    another alphabet: the open path sorts it again, once."""
    settings.write(shop, {settings.COUNTRY.key: "DK"})
    shop.resort("en_GB")  # as if the keys had been made in another alphabet
    assert families(shop)[0] == "Aagaard"
    assert settings.keep_sort_order(shop) is True
    assert families(shop)[0] == "Andersen"
    assert settings.keep_sort_order(shop) is False  # once is enough


def test_alphabets_changed_at_once_from_two_threads_leave_one_alphabet(shop: Database) -> None:
    """A change of alphabet reads and writes the names in one write transaction, and every
    writer of a name reads the file's alphabet inside its own: whatever runs at the same
    time, every key is in the alphabet the file says."""
    import threading

    from crmdesk.model.names import client_sort_name
    from crmdesk.store import sorting

    for n in range(300):
        add_client(shop, given_name=f"Kim {n}", family_name=FAMILIES[n % len(FAMILIES)])
    threads = [
        threading.Thread(target=shop.resort, args=(locale,))
        for locale in ("da_DK", "en_GB", "sv_SE", "da_DK")
    ]
    for t in threads:
        t.start()
    add_client(shop, given_name="Ib", family_name="Aabenraa")  # a name written meanwhile
    for t in threads:
        t.join()
    [(stored,)] = shop.query("SELECT value FROM meta WHERE key = ?", (sorting.SORT_LOCALE,))
    rows = shop.query("SELECT given_name, family_name, company, sort_name FROM clients")
    assert all(client_sort_name(g, f, c, stored) == key for g, f, c, key in rows)
