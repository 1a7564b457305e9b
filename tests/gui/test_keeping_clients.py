"""Purchases, loyalty, complaints, referrals and reports, driven through the window."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from crmdesk.gui.dialogs import ComplaintDialog, LoyaltyDialog, PurchaseDialog
from crmdesk.gui.letters_dialog import LettersDialog
from crmdesk.gui.main_window import MainWindow
from crmdesk.services import complaints, referrals, retention, settings
from crmdesk.services.complaints import ComplaintForm
from crmdesk.store.database import Database
from tests.gui.conftest import answer_dialog, open_window, settled_today
from tests.letters_helpers import pdf_pages
from tests.retention_helpers import add_client


def _plain(window: MainWindow) -> str:
    """The loyalty line as the user reads it (without its markup)."""
    import re

    return re.sub("<[^>]+>", "", window.page.keeping.text())


def _on_client(qtbot: QtBot, window: MainWindow, name: str) -> None:
    window.client_list.search_box.setText(name)
    qtbot.keyClick(window.client_list.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.client_list.search_pending)  # on the read lane
    assert window.page.record is not None and window.page.record.display_name == name
    assert window.right.currentWidget() is window.page  # type: ignore[union-attr]


def test_record_purchases_from_the_keyboard_and_see_the_stage(qtbot: QtBot, db_path: Path) -> None:
    with Database.open(db_path) as db:
        settings.set_phone_region(db, "GB")  # a British shop: pounds, 45.50
        anna = add_client(db, "Anna")
        retention.record_purchase(db, anna, "20", "Roses", datetime.now() - timedelta(days=30))
    window = open_window(qtbot, db_path)
    _on_client(qtbot, window, "Anna Test")
    assert "First-time since" in _plain(window)

    def buy(d: PurchaseDialog) -> None:
        assert d.amount.hasFocus()
        d.amount.setText("twelve")
        qtbot.keyClick(d, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))
        assert "not an amount" in d.problems()["amount"]  # said, and nothing saved
        d.amount.setText("45.50")
        d.what.setText("Wedding bouquet")
        qtbot.keyClick(d, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))

    answer_dialog(qtbot, PurchaseDialog, buy, window.keeping.act_purchase.trigger)
    keeping = _plain(window)
    assert "Repeat since" in keeping and "2 purchases, £65.50 in all, £32.75 on average" in keeping
    assert "usually every 30 days" in keeping
    assert window.page.tabs.tabText(3) == "P&urchases (2)"

    def by_hand(d: LoyaltyDialog) -> None:
        d.stage.setCurrentIndex(d.stage.findData("regular"))
        d.touch.setValue(21)
        d.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))

    answer_dialog(qtbot, LoyaltyDialog, by_hand, window.page.loyalty_button.click)
    assert "Regular (set by hand)" in _plain(window)
    assert "stay in touch every 21 days" in _plain(window)
    window.close()


def test_resolving_a_complaint_offers_the_apology_letter(
    qtbot: QtBot, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Database.open(db_path) as db:
        ben = add_client(db, "Ben")
        complaints.open_complaint(db, ben, ComplaintForm(
            "Roses wilted", opened_at=datetime.now() - timedelta(hours=30)))  # fmt: skip
    window = open_window(qtbot, db_path)
    _on_client(qtbot, window, "Ben Test")
    assert window.page.tabs.tabText(4) == "Complai&nts (1, 1 open)"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)

    def resolve(d: ComplaintDialog) -> None:
        d.status.setCurrentText("resolved")
        d.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))
        assert "resolution" in d.problems()  # how it was put right, first
        d.resolution.setPlainText("New bouquet delivered with a card")
        d.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))

    def letter(d: LettersDialog) -> None:
        assert d.name.text() == "Apology after a complaint"
        assert d.recipients.currentText() == "this client (Ben Test)"
        d.reject()

    def edit() -> None:
        answer_dialog(qtbot, LettersDialog, letter, lambda: window.page.complaint_requested.emit(
            window.page.complaints_model.record(0)))  # fmt: skip

    answer_dialog(qtbot, ComplaintDialog, resolve, edit)
    assert window.page.tabs.tabText(4) == "Complai&nts (1)"
    assert window.page.complaints_model.record(0).status == "resolved"
    window.close()


def test_referral_rewards_and_the_report_window(
    qtbot: QtBot, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crmdesk.gui.referrals_dialog import ReferralsDialog
    from crmdesk.gui.reports_dialog import ReportsDialog

    with Database.open(db_path) as db:
        anna = add_client(db, "Anna")
        cleo = add_client(db, "Cleo", referred_by=anna)
        retention.record_purchase(db, cleo, "80", "Orchid", datetime.now() - timedelta(days=2))
    window = open_window(qtbot, db_path)
    [owed] = settled_today(qtbot, window).rows("rewards")
    assert (owed.name, owed.letter) == ("Anna Test", "Thank you for the referral")

    def give(d: ReferralsDialog) -> None:
        assert d.owed.text() == "1 reward owed (a thank-you gift)"
        d.give_button.click()
        assert d.owed.text() == "0 rewards owed (a thank-you gift)"
        assert d.best_model.record(0).name == "Anna Test"
        d.reject()

    answer_dialog(qtbot, ReferralsDialog, give, window.keeping.act_referrals.trigger)
    assert settled_today(qtbot, window).rows("rewards") == []
    assert referrals.rewards_owed(window.need_db()) == []
    out = tmp_path / "report.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))

    def report(d: ReportsDialog) -> None:
        qtbot.waitUntil(lambda: not d.working, timeout=10000)  # (made in the background)
        assert d.preview.page_count >= 1
        assert "revenue 80.00 from 1 client;" in d.summary.text()
        d.period.setEditText("summer")
        assert "write 2026-Q3" in d.summary.text()
        d.period.setCurrentIndex(0)
        assert not d.save_button.isEnabled()  # not before the report on screen is the period's
        qtbot.waitUntil(lambda: not d.working, timeout=10000)
        d.save_button.click()
        d.reject()

    answer_dialog(qtbot, ReportsDialog, report, window.keeping.act_reports.trigger)
    text = " ".join(pdf_pages(out))
    assert "Who brings the revenue" in text and "Cleo Test" in text
    window.close()
