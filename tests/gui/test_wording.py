"""What the windows say, as a shop owner reads it: no "&" shown as text where a keyboard
shortcut was meant, Redo on the key the menu shows, a score of 11 told why it is refused,
months as "Jan 2026", a period not over yet said to be "so far"."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from crmdesk.gui import dialogs
from crmdesk.gui.letters_dialog import LettersDialog, Selection
from crmdesk.gui.main_window import MainWindow
from crmdesk.gui.referrals_dialog import ReferralsDialog
from crmdesk.gui.reports_dialog import ReportsDialog
from crmdesk.gui.surveys_dialog import SurveysDialog
from crmdesk.services import clients
from crmdesk.store.database import Database


def literal_ampersands(widget: QWidget) -> list[str]:
    """Labels that show an "&" meant as a shortcut (Sur&vey:) as text: a label only turns
    "&v" into an underlined v when it has a buddy to give the focus to."""
    shown = []
    for label in widget.findChildren(QLabel):
        text = label.text().replace("&&", "")
        rich = label.textFormat() == Qt.TextFormat.RichText or (
            label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text)
        )  # (rich text has no shortcuts: "&amp;" is an ampersand there)
        if re.search(r"&[^\s&]", text) and label.buddy() is None and not rich:
            shown.append(label.text())  # ("Webber & Daughters" is a name, not a shortcut)
    return shown


def _windows(db: Database, window: MainWindow) -> Iterator[tuple[str, Callable[[], QWidget]]]:
    one = clients.find_by_name(db, "a")[0]
    selection = Selection(current=one, selected=(one[0],))
    record = clients.get_client(db, one[0])
    yield "main window", lambda: window
    yield "Surveys", lambda: SurveysDialog(db, selection, window)
    yield "Letters", lambda: LettersDialog(db, selection, window)
    yield "Reports", lambda: ReportsDialog(db, window)
    yield "Referrals", lambda: ReferralsDialog(db, window)
    yield "New client", lambda: dialogs.ClientDialog(db, None, window)
    yield "Edit client", lambda: dialogs.ClientDialog(db, record, window)
    yield "Log contact", lambda: dialogs.ContactDialog(db, one[0], one[1], parent=window)
    yield "Thing to remember", lambda: dialogs.FactDialog(db, one[0], parent=window)
    yield "Note", lambda: dialogs.NoteDialog(db, one[0], parent=window)
    yield "Purchase", lambda: dialogs.PurchaseDialog(db, one[0], one[1], window)
    yield "Complaint", lambda: dialogs.ComplaintDialog(db, one[0], one[1], parent=window)
    yield "Loyalty", lambda: dialogs.LoyaltyDialog(db, one[0], one[1], "", None, window)
    yield "Settings", lambda: dialogs.SettingsDialog(db, window)
    yield "Shop", lambda: dialogs.ShopDialog(db, window)
    yield "Survey", lambda: dialogs.SurveyDialog(db, None, window)
    yield "Trash", lambda: dialogs.TrashDialog(db, window)
    yield "Conflicts", lambda: dialogs.ConflictsDialog(db, window)
    yield "Backups", lambda: dialogs.BackupsDialog(db, window)


def test_no_label_shows_an_ampersand_meant_as_a_shortcut(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    window = demo_window
    db = window.need_db()
    found = {}
    for name, make in _windows(db, window):
        shown = make()
        shown.show()
        QApplication.processEvents()
        if literal := literal_ampersands(shown):
            found[name] = literal
        if shown is not window:
            shown.close()
            shown.deleteLater()
    assert found == {}


def test_the_survey_label_gives_its_shortcut_to_the_survey_box(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    dialog = demo_window.paperwork.surveys_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    labels = [x for x in dialog.findChildren(QLabel) if x.text() == "Sur&vey:"]
    assert [x.buddy() for x in labels] == [dialog.survey_choice]


def test_redo_is_on_the_platforms_redo_keys_and_the_readme_says_what_the_menu_shows(
    qtbot: QtBot, window: MainWindow
) -> None:
    from crmdesk.services.clients import ClientForm, create_client

    redo = window.undoing.act_redo
    keys = [k.toString() for k in redo.shortcuts()]
    platform = QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
    assert keys[0] == platform[0].toString()  # the menu shows the system's own key
    assert {"Ctrl+Shift+Z", "Ctrl+Y"} <= set(keys)  # and both common keys redo
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert "| Undo / Redo | Ctrl+Z / Ctrl+Shift+Z or Ctrl+Y" in readme

    db = window.need_db()
    window.state.apply(create_client(db, ClientForm(given_name="Ann", family_name="Lee")))
    window.client_list.table.setFocus()
    for key, total in (("Ctrl+Z", 0), ("Ctrl+Shift+Z", 1), ("Ctrl+Z", 0), ("Ctrl+Y", 1)):
        qtbot.keySequence(window.client_list.table, QKeySequence(key))
        qtbot.waitUntil(lambda total=total: window.client_list.model.total == total)


def test_the_nps_chart_writes_months_as_people_read_them(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    from crmdesk.gui.nps_chart import NpsChart
    from crmdesk.services.nps import PeriodScore

    chart = NpsChart()
    qtbot.addWidget(chart)
    this_month = f"{date.today():%Y-%m}"
    chart.show_periods([PeriodScore("2026-01", 5, 1, 1), PeriodScore(this_month, 1, 1, 1)])
    wide = chart.names(200)
    assert wide[0] == ("Jan 2026", "")
    assert wide[1] == (f"{date.today():%b %Y}", "so far")  # not over yet
    months = [PeriodScore(f"{2025 + m // 12}-{m % 12 + 1:02d}", 1, 0, 0) for m in range(11, 14)]
    chart.show_periods(months)  # Dec 2025, Jan 2026, Feb 2026, in narrow bars
    assert chart.names(20) == [("Dec", "2025"), ("Jan", "2026"), ("Feb", "")]


@pytest.mark.parametrize("typed", ["11", "12", "99"])
def test_a_score_of_11_says_why_it_is_refused(
    qtbot: QtBot, demo_window: MainWindow, typed: str
) -> None:
    dialog = demo_window.paperwork.surveys_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentWidget(dialog.entry)
    entry = dialog.entry
    entry.score.setFocus()
    qtbot.keyClicks(entry.score, typed)
    assert entry.score.text() == typed  # kept as typed, not cut to "1"
    qtbot.waitUntil(entry.score_error.isVisible)
    assert "a score is 0 to 10" in entry.score_error.text()
    entry.score.clear()
    qtbot.keyClicks(entry.score, "10")
    assert not entry.score_error.isVisible()
