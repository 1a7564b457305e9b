"""The Qt models behave as Qt expects (qtmodeltester), searching or not."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.modeltest import ModelTester

from crmdesk.gui.client_list_model import LAST_CONTACT, NAME, ClientListModel
from crmdesk.gui.record_models import TimelineModel
from crmdesk.services import client_list, history, search
from crmdesk.services.client_list import SortKey
from crmdesk.store.database import Database


def test_client_list_model(qtmodeltester: ModelTester, demo_db: Database) -> None:
    model = ClientListModel()
    model.set_database(demo_db)
    qtmodeltester.check(model)
    assert model.rowCount() == 60
    model.sort(LAST_CONTACT)
    first = client_list.client_page(demo_db, SortKey.LAST_CONTACT, False, 0, 1)[0]
    assert model.index(0, NAME).data() == first.name
    model.show_hits(search.search(demo_db, "complaint"))
    qtmodeltester.check(model)
    assert 0 < model.rowCount() < 60


def test_timeline_model_fetches_more_as_it_scrolls(
    qtmodeltester: ModelTester, demo_db: Database
) -> None:
    busiest = max(
        client_list.client_page(demo_db, SortKey.NAME, False, 0, 60),
        key=lambda r: history.count_entries(demo_db, r.id),
    )
    model = TimelineModel()
    model.PAGE = 5
    model.show(demo_db, busiest.id)
    assert model.rowCount() == 5 and model.total > 10
    inserted: list[tuple[int, int, int]] = []
    model.rowsAboutToBeInserted.connect(lambda _p, s, e: inserted.append((s, e, model.rowCount())))
    while model.canFetchMore():
        model.fetchMore()
    assert all(start == before for start, _end, before in inserted)  # always appended
    shown = [model.record(r).id for r in range(model.rowCount())]
    assert shown == [e.id for e in history.timeline(demo_db, busiest.id, limit=1000)]
    # Qt's own tester re-enters fetchMore while checking, so check the loaded model
    qtmodeltester.check(model)


def test_client_list_keeps_a_bounded_number_of_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scrolling 100,000 clients must not keep 100,000 rows in memory."""
    from crmdesk.gui import client_list_model
    from crmdesk.services import demo

    monkeypatch.setattr(client_list_model, "KEEP_PAGES", 3)
    with Database.open(demo.create_demo(tmp_path / "many.crmdesk", clients=1200, seed=5)) as db:
        model = ClientListModel()
        model.set_database(db)
        names = [model.index(row, NAME).data() for row in range(model.rowCount())]
        assert len(model._pages) <= client_list_model.KEEP_PAGES
        assert names[0] == model.index(0, NAME).data()  # read again after being dropped
        assert names == [r.name for r in client_list.client_page(db, SortKey.NAME, False, 0, 2000)]
