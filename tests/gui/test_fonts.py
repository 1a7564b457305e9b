"""The window shows names with the fonts the PDFs embed, also on a machine without them."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from crmdesk.gui.app import add_fonts


def test_the_shipped_fonts_are_in_the_font_database_after_start_up(qtbot: QtBot) -> None:
    assert QApplication.instance() is not None
    added = set(add_fonts())
    expected = {"DejaVu Sans", "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans Thai",
                "Noto Sans Devanagari", "WenQuanYi Micro Hei"}  # fmt: skip
    assert expected <= added
    assert expected <= set(QFontDatabase.families())
    systems = QFontDatabase.WritingSystem
    for system, family in [
        (systems.Arabic, "Noto Sans Arabic"),
        (systems.Thai, "Noto Sans Thai"),
        (systems.Korean, "WenQuanYi Micro Hei"),
        (systems.Devanagari, "Noto Sans Devanagari"),
    ]:
        assert family in QFontDatabase.families(system), family
    label = QLabel("김민준")
    qtbot.addWidget(label)
    label.setFont(QFont("WenQuanYi Micro Hei"))
    assert QFontInfo(label.font()).family() == "WenQuanYi Micro Hei"
