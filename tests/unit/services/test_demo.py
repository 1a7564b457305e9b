"""The demo database looks like a real shop's."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crmdesk.services import client_list, clients, demo, facts, history, notes, search
from crmdesk.services.client_list import SortKey
from crmdesk.store.database import Database


def scripts(text: str) -> set[str]:
    return {unicodedata.name(ch).split()[0] for ch in text if ch.isalpha()}


def test_demo_has_sixty_rich_clients_in_several_scripts(demo_db: Database) -> None:
    rows = client_list.client_page(demo_db, SortKey.NAME, False, 0, 100)
    assert len(rows) == 60
    assert {"LATIN", "GREEK", "CYRILLIC"} <= set().union(*(scripts(r.name) for r in rows))
    assert any(not r.name.isascii() and scripts(r.name) == {"LATIN"} for r in rows)  # Łukasz, Zoë…
    year_ago = datetime.now() - timedelta(days=366)
    for row in rows:
        assert facts.facts_of(demo_db, row.id), row.name
        assert notes.notes_of(demo_db, row.id), row.name
        timeline = history.timeline(demo_db, row.id, limit=1000)
        assert 2 <= len(timeline) <= 25
        assert all(e.occurred_at > year_ago for e in timeline)
    assert sum(1 for r in rows if clients.get_client(demo_db, r.id).referred_by_id) >= 3


def test_same_seed_same_clients(tmp_path: Path) -> None:
    def names(path: Path) -> list[str]:
        with Database.open(path) as db:
            return [r.name for r in client_list.client_page(db, SortKey.NAME, False, 0, 100)]

    a = names(demo.create_demo(tmp_path / "a.crmdesk", clients=20, seed=3))
    b = names(demo.create_demo(tmp_path / "b.crmdesk", clients=20, seed=3))
    c = names(demo.create_demo(tmp_path / "c.crmdesk", clients=20, seed=4))
    assert a == b != c


def test_every_demo_client_saves_unchanged_from_the_edit_form(demo_db: Database) -> None:
    """What the demo shows in the form is valid: opening a client and pressing Save works."""
    for row in client_list.client_page(demo_db, SortKey.NAME, False, 0, 100):
        record = clients.get_client(demo_db, row.id)
        clients.update_client(demo_db, row.id, record.to_form())
        assert clients.get_client(demo_db, row.id).phones == record.phones


def test_the_demo_shop_has_a_letterhead_and_survey_answers(demo_db: Database) -> None:
    from crmdesk.services import nps, shop, surveys

    assert shop.get_shop(demo_db).name.startswith("Webber & Daughters")
    total = nps.overall(demo_db)
    assert 10 <= total.answers <= 35 and total.nps is not None
    assert total.promoters and total.detractors
    asked = demo_db.query("SELECT count(*) FROM history WHERE subject LIKE 'Survey answer:%'")
    assert asked[0][0] == total.answers
    assert surveys.follow_ups(demo_db) or surveys.close_the_loop_rate(demo_db)[0]


# what a man's and a woman's form of a family name look like, across the demo's cultures
_WOMANS = ("ska", "cka", "dzka", "ová", "ou", "Ní ", "Nic ", "ая", "ина", "ова", "ева")
_MEN = {"Mr", "Herr", "M.", "Sr"}
_WOMEN = {"Mrs", "Ms", "Miss", "Mme", "Frau", "Sra"}


def test_demo_names_agree_in_gender_and_so_does_the_salutation(tmp_path: Path) -> None:
    """Not "Mr Paweł Dąbrowska": Paweł Dąbrowski, Zofia Dąbrowska, Siobhán Ní Bhriain."""
    samples = demo.load_samples()
    gender = {g: s for c in samples["cultures"] for g, s in zip(c["given"], c["genders"],
                                                                 strict=True)}  # fmt: skip
    path = demo.create_demo(tmp_path / "many.crmdesk", clients=400, seed=11)
    seen: set[str] = set()
    with Database.open(path) as db:
        for row in client_list.client_page(db, SortKey.NAME, False, 0, 400):
            c = clients.get_client(db, row.id)
            womans_form = c.family_name.endswith(_WOMANS) or c.family_name.startswith(_WOMANS)
            who = f"{c.salutation} {c.given_name} {c.family_name}"
            if gender[c.given_name] == "m":
                assert not womans_form and c.salutation not in _WOMEN, who
            else:
                assert c.salutation not in _MEN, who
            seen.add(f"{c.given_name} {c.family_name}")
    # both forms of the same names are there, each with its own given names
    assert {"Paweł Dąbrowski", "Zofia Dąbrowska"} <= seen
    assert {"Ciarán Ó Briain", "Siobhán Ní Bhriain"} <= seen
    assert {"Γιώργος Παπαδόπουλος", "Ελένη Παπαδοπούλου"} <= seen


def test_every_complaint_in_the_history_is_on_the_complaints_tab(tmp_path: Path) -> None:
    from crmdesk.services import complaints

    path = demo.create_demo(tmp_path / "many.crmdesk", clients=400, seed=11)
    with Database.open(path) as db:
        cases = 0
        for row in client_list.client_page(db, SortKey.NAME, False, 0, 400):
            on_tab = {k.id: k for k in complaints.complaints_of(db, row.id)}
            said = [e for e in history.timeline(db, row.id, limit=1000)
                    if "complain" in f"{e.subject} {e.outcome}".lower()]  # fmt: skip
            linked = db.query(
                "SELECT complaint_id FROM history WHERE client_id = ? AND complaint_id IS NOT"
                " NULL AND deleted_at IS NULL",
                (row.id,),
            )
            for entry in said:  # what looks like a complaint is a case on the tab
                assert on_tab, f"{row.name}: “{entry.subject}” is not on the Complaints tab"
            assert {r[0] for r in linked} == set(on_tab), row.name  # and each case is told
            cases += len(on_tab)
        assert cases >= 3


def test_a_demo_built_in_chunks_leaves_its_search_index_in_one_segment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each chunk's transaction adds its own index segments; a search at 1,000,000 history
    entries reads them all unless they are merged (FTS5 optimize) once the data is in."""
    monkeypatch.setattr(demo, "CHUNK", 50)
    path = demo.create_demo(tmp_path / "chunked.crmdesk", clients=200, seed=11)
    with Database.open(path) as db:
        for table in ("search_people", "search_text"):
            [(segments,)] = db.query(f"SELECT count(DISTINCT segid) FROM {table}_idx")
            assert segments == 1, table
        assert [h.client_id for h in search.search(db, "hospital")]  # still finds
