"""The first run, from an empty data folder: the welcome page instead of an empty list, and
from it a shop with its first client, the demo, or a copy brought from another computer."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QFileDialog, QSplitter, QToolBar
from pytestqt.qtbot import QtBot

from crmdesk import cli, paths
from crmdesk.gui.main_window import MainWindow
from crmdesk.gui.welcome import NO_IMPORT_YET, WelcomePage
from crmdesk.services import recent, settings
from crmdesk.services.shop import get_shop
from crmdesk.store.database import Database
from tests.gui.test_front_desk import new_client, type_into


@pytest.fixture
def first_run(qtbot: QtBot) -> Iterator[MainWindow]:
    """The window as `crmdesk` opens it the first time: no database in the data folder."""
    assert not any(paths.data_dir().glob("*.crmdesk"))
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_welcome()
    page = _page(window)
    # the countries and currencies are made on a worker: the page shows at once without them
    assert not page.ready and not page.country.isEnabled()
    qtbot.waitUntil(lambda: page.ready, timeout=20000)
    assert page.country.isEnabled() and page.country.findData("DE") >= 0
    yield window
    window.close()


def _page(window: MainWindow) -> WelcomePage:
    page = window.centralWidget()
    assert isinstance(page, WelcomePage)
    return page


def test_from_an_empty_data_folder_to_a_shop_with_its_first_client(
    qtbot: QtBot, first_run: MainWindow
) -> None:
    window = first_run
    page = _page(window)
    assert page.isVisible() and window.windowTitle() == "Welcome — crmdesk"
    assert page.name.hasFocus()
    toolbar = window.findChild(QToolBar, "main_toolbar")
    assert toolbar is not None and not toolbar.isVisible()  # (its actions need a file)

    # Start with nothing typed: told at the field, and nothing is made
    qtbot.mouseClick(page.start, Qt.MouseButton.LeftButton)
    assert page.errors["name"].isVisible()
    assert "shop's name" in page.errors["name"].text()
    assert not paths.default_database().exists()

    # a German shop, in several scripts; the currency follows the country
    type_into(qtbot, page.name, "Blumen Groß & Søn")
    type_into(qtbot, page.address, "Königstraße 5\n70173 Stuttgart")
    page.country.setCurrentIndex(page.country.findData("DE"))
    assert page.currency.currentText() == "The country's (Euro (EUR, €))"
    type_into(qtbot, page.signature_name, "Jürgen Groß")
    type_into(qtbot, page.signature_title, "Inhaber")
    with qtbot.waitSignal(window.database_opened, timeout=20000):
        qtbot.mouseClick(page.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=20000)

    # the shop's own database, named and set up as typed; the list in the welcome's place
    db = window.db
    assert db is not None and db.path == paths.default_database()
    assert isinstance(window.centralWidget(), QSplitter) and not window.welcome_shown()
    assert toolbar.isVisible()
    shop = get_shop(db)
    assert shop.name == "Blumen Groß & Søn"
    assert shop.address_lines == ["Königstraße 5", "70173 Stuttgart"]
    assert (shop.signature_name, shop.signature_title) == ("Jürgen Groß", "Inhaber")
    values = settings.read_all(db)
    assert (settings.country(values), settings.currency(values)) == ("DE", "EUR")
    assert shop.money(123450) == "1.234,50\xa0€"
    assert recent.recent_files()[0] == db.path  # `make run` opens it next time

    # the first client, with a German number written as Germans do
    new_client(qtbot, window, "Łukasz", "Nowak", "0711 123456")
    assert window.client_list.model.rowCount() == 1
    assert window.page.name.text() == "Łukasz Nowak"
    record = window.page.record
    assert record is not None and record.phones[0].number == "+49711123456"  # (the shop's country)


def test_a_wrong_country_code_or_missing_country_is_told_at_its_field(
    qtbot: QtBot, first_run: MainWindow
) -> None:
    page = _page(first_run)
    type_into(qtbot, page.name, "Σοφία's")
    page.country.insertItem(0, "Nowhere", "XX")
    page.country.setCurrentIndex(0)
    qtbot.mouseClick(page.start, Qt.MouseButton.LeftButton)
    assert "“XX” is not a country code" in page.errors["country"].text()
    assert page.country.hasFocus()
    page.country.setItemData(0, "")
    qtbot.mouseClick(page.start, Qt.MouseButton.LeftButton)
    assert "Choose the shop's country" in page.errors["country"].text()
    assert page.name.text() == "Σοφία's"  # nothing typed is lost
    assert not paths.default_database().exists()


def test_look_around_in_the_demo(qtbot: QtBot, first_run: MainWindow) -> None:
    page = _page(first_run)
    with qtbot.waitSignal(first_run.database_opened, timeout=60000):
        qtbot.mouseClick(page.demo, Qt.MouseButton.LeftButton)
    assert first_run.db is not None and first_run.db.path == paths.demo_database()
    assert first_run.client_list.model.rowCount() == 60
    assert not paths.default_database().exists()  # the shop is still to start
    qtbot.waitUntil(lambda: not first_run.tasks.busy, timeout=20000)


def test_the_demo_chosen_before_the_countries_are_listed(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page goes as soon as the demo opens; the countries made for it meanwhile are let
    go (no error, nothing shown on a page that is gone)."""
    from crmdesk.gui import welcome

    page_gone = threading.Event()
    made = welcome._choices

    def slow_choices() -> welcome.Choices:
        page_gone.wait(20)  # the lists come only once the demo has taken the page's place
        return made()

    monkeypatch.setattr(welcome, "_choices", slow_choices)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.show_welcome()
    page = _page(window)
    page.destroyed.connect(lambda *_: page_gone.set())
    with qtbot.waitSignal(window.database_opened, timeout=60000):
        page.demo.click()
    qtbot.waitUntil(page_gone.is_set, timeout=20000)
    qtbot.waitUntil(lambda: not window.tasks.busy and not window.state.runner.busy, timeout=20000)
    assert not window.welcome_shown() and window.client_list.model.rowCount() == 60
    window.close()


def test_import_waits_for_the_importer(first_run: MainWindow) -> None:
    """Until File ▸ Import clients… exists, its button says so instead of doing nothing."""
    page = _page(first_run)
    if first_run.controllers.import_clients is None:
        assert not page.import_clients.isEnabled()
        assert page.import_clients.toolTip() == NO_IMPORT_YET
    else:
        assert page.import_clients.isEnabled()


def test_open_a_copy_from_another_computer(
    qtbot: QtBot, first_run: MainWindow, demo_path: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    brought = Path(shutil.copy(demo_path, tmp_path / "front desk.crmdesk"))
    page = _page(first_run)
    asked: list[str] = []

    def choose(_parent: object, title: str, *_args: object) -> tuple[str, str]:
        asked.append(title)
        return str(brought), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(choose))
    with qtbot.waitSignal(first_run.database_opened, timeout=20000):
        qtbot.mouseClick(page.open_copy, Qt.MouseButton.LeftButton)
    assert asked == ["Open database"]
    assert first_run.db is not None and first_run.db.path == brought
    assert not first_run.welcome_shown()
    qtbot.waitUntil(lambda: not first_run.tasks.busy, timeout=20000)


def test_crmdesk_and_make_run_show_the_welcome_page_the_first_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`crmdesk` and `crmdesk --resume` (make run) open the welcome page while there is no
    database; then the shop's database, and --resume the last one used."""
    from crmdesk.gui import app

    opened: list[Path | None] = []
    monkeypatch.setattr(app, "run", lambda path, **_kw: opened.append(path) or 0)
    cli.main([])
    cli.main(["--resume"])
    assert opened == [None, None]
    Database.open(paths.default_database(), create=True).close()
    demo = paths.demo_database()
    Database.open(demo, create=True).close()
    recent.remember(demo)
    cli.main([])
    cli.main(["--resume"])
    assert opened[2:] == [paths.default_database(), demo]


def test_settings_of_a_file_that_never_said_its_country(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a machine whose locale names no country (C.UTF-8), an older file without a country
    has no currency: Settings says so instead of showing a country it never chose."""
    from crmdesk.gui.dialogs import SettingsDialog

    real = settings.system_locale.setlocale
    monkeypatch.setattr(
        settings.system_locale, "setlocale",
        lambda category, locale=None: "C.UTF-8" if locale is None else real(category, locale),
    )  # fmt: skip
    dialog = SettingsDialog(db)
    qtbot.addWidget(dialog)
    country = dialog.fields[settings.COUNTRY.key]
    currency = dialog.fields[settings.CURRENCY.key]
    assert isinstance(country, QComboBox) and isinstance(currency, QComboBox)
    assert country.currentText() == "Not set: choose the shop's country"
    assert currency.itemText(0) == "None yet: choose the shop's country or a currency"
    country.setCurrentIndex(country.findData("JP"))
    assert currency.itemText(0) == "The country's (Japanese Yen (JPY, ¥))"


def test_start_the_shop_and_import_clients(qtbot: QtBot) -> None:
    """The importer's File ▸ Import clients… is hooked to the welcome page in one line
    (WindowControllers.import_clients): the shop is started, then the import is asked for."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    asked: list[str] = []
    importer = QAction("Import clients…", window)
    importer.triggered.connect(lambda: asked.append(str(window.db.path if window.db else "")))
    window.controllers.welcome.import_action = importer  # (what the hook line sets)
    window.show_welcome()
    qtbot.waitUntil(lambda: _page(window).ready, timeout=20000)
    page = _page(window)
    assert page.import_clients.isEnabled()
    type_into(qtbot, page.name, "山田商店")
    page.country.setCurrentIndex(page.country.findData("JP"))
    qtbot.mouseClick(page.import_clients, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(asked), timeout=20000)
    assert asked == [str(paths.default_database())]  # into the new shop's database
    assert window.db is not None and get_shop(window.db).name == "山田商店"
    assert get_shop(window.db).money(1234) == "￥1,234"
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=20000)
    window.close()


def test_start_the_shop_and_import_clients_with_the_real_importer(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The welcome page's button starts the shop, then File ▸ Import clients… asks for the
    files (the action is enabled only once the new database is open)."""
    asked: list[str] = []

    def choose(_parent: object, title: str, *_args: object) -> tuple[list[str], str]:
        asked.append(title)
        return [], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(choose))
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.show_welcome()
    qtbot.waitUntil(lambda: _page(window).ready, timeout=20000)
    page = _page(window)
    assert window.controllers.import_clients is window.importing.act_import
    assert page.import_clients.isEnabled()
    type_into(qtbot, page.name, "Webber & Daughters")
    page.country.setCurrentIndex(page.country.findData("GB"))
    qtbot.mouseClick(page.import_clients, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(asked), timeout=20000)
    assert asked == ["Import clients"]
    assert window.db is not None and get_shop(window.db).name == "Webber & Daughters"
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=20000)
    window.close()
