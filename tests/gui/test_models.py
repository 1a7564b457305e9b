"""The Qt models behave as Qt expects (qtmodeltester), searching or not."""

from __future__ import annotations

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
    model.show_hits(search.search(demo_db, "late delivery"))
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
