"""The demo database looks like a real shop's."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from pathlib import Path

from crmdesk.services import client_list, clients, demo, facts, history, notes
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
