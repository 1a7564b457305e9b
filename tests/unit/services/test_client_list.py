"""The client list pages and sorts in SQL."""

from __future__ import annotations

from crmdesk.services import client_list
from crmdesk.services.client_list import SortKey
from crmdesk.store.database import Database


def test_pages_cover_the_whole_list_in_order(demo_db: Database) -> None:
    total = client_list.count_clients(demo_db)
    rows = [
        r
        for o in range(0, total, 25)
        for r in client_list.client_page(demo_db, SortKey.NAME, False, o, 25)
    ]
    assert len(rows) == total == 60
    assert len({r.id for r in rows}) == 60
    assert rows == client_list.client_page(demo_db, SortKey.NAME, False, 0, 100)


def test_names_sort_as_people_expect(demo_db: Database) -> None:
    names = [r.name for r in client_list.client_page(demo_db, SortKey.NAME, False, 0, 100)]
    latin = [n for n in names if n[0].isascii() or n[0] in "ÓØŁÇÖ"]
    first_letters = [n[0] for n in latin]
    # Ó Briain files under O and Ørsted under O, not after Z
    assert any(n.startswith("Ó") for n in latin) and any(n.startswith("Ø") for n in latin)
    folded = [{"Ó": "O", "Ø": "O", "Ł": "L", "Ç": "C", "Ö": "O"}.get(c, c) for c in first_letters]
    assert folded == sorted(folded)


def test_sorting_by_last_contact_and_finding_a_position(demo_db: Database) -> None:
    rows = client_list.client_page(demo_db, SortKey.LAST_CONTACT, True, 0, 100)
    dates = [r.last_contact_at for r in rows if r.last_contact_at]
    assert dates == sorted(dates, reverse=True)
    target = rows[37]
    assert client_list.position_of(demo_db, target.id, SortKey.LAST_CONTACT, True) == 37
    assert client_list.position_of(demo_db, "no-such-id", SortKey.NAME, False) is None


def test_no_page_of_the_list_needs_sorting(demo_db: Database) -> None:
    """Every sort reads an index in order: a page deep in 100,000 clients costs a few
    milliseconds, not a sort of the whole table (which the planner once chose)."""
    from crmdesk.services.client_list import _listed, _order_by

    for key in SortKey:
        for descending in (False, True):
            sql = f"SELECT id FROM {_listed(key)} ORDER BY {_order_by(key, descending)} LIMIT 100"
            plan = " ".join(str(row[-1]) for row in demo_db.query("EXPLAIN QUERY PLAN " + sql))
            assert "TEMP B-TREE" not in plan, (key, descending, plan)
            assert "INDEX" in plan


def test_the_client_count_follows_every_change(demo_db: Database) -> None:
    """The count the status bar shows is kept by triggers; it must agree with a real count
    after adding, trashing, restoring, undoing and writing with plain SQL."""
    from crmdesk.services import clients, trash, undo
    from crmdesk.services.clients import ClientForm

    def real() -> int:
        return int(demo_db.query("SELECT count(*) FROM clients WHERE deleted_at IS NULL")[0][0])

    assert client_list.count_clients(demo_db) == real() == 60
    added = clients.create_client(demo_db, ClientForm(given_name="Ada", family_name="Byron"))
    assert client_list.count_clients(demo_db) == 61
    gone = clients.delete_client(demo_db, str(added.created_id))
    assert client_list.count_clients(demo_db) == 60
    undo.apply(demo_db, gone.undo)
    assert client_list.count_clients(demo_db) == 61
    clients.delete_client(demo_db, str(added.created_id))
    trash.restore(demo_db, "clients", str(added.created_id))
    assert client_list.count_clients(demo_db) == 61 == real()
    with demo_db.write() as w:  # a writer that is not crmdesk's services (a merge, a shell)
        w.session.connection().exec_driver_sql(
            "UPDATE clients SET deleted_at = '2026-01-01'"
            " WHERE id IN (SELECT id FROM clients WHERE deleted_at IS NULL LIMIT 5)"
        )
    assert client_list.count_clients(demo_db) == real() < 61


def test_every_client_is_found_at_its_row_in_every_sort(demo_db: Database) -> None:
    """The position the window jumps to after a change is the row the client is shown on,
    in every sort and direction (ties of city or name broken as the list breaks them)."""
    for key in SortKey:
        for descending in (False, True):
            rows = client_list.client_page(demo_db, key, descending, 0, 100)
            for row_number in (0, 1, 17, 30, len(rows) - 1):
                found = client_list.position_of(demo_db, rows[row_number].id, key, descending)
                assert found == row_number, (key, descending)
