"""Referrals: who brought whom, the rewards owed and given, and the best referrers. The
thank-you letter is one click; so is marking the reward given."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from crmdesk.gui.columns import AMOUNT, DATE, NAME, TEXT, ColumnFitter
from crmdesk.gui.record_models import Column, RecordTableModel
from crmdesk.gui.widgets import resize_within_screen
from crmdesk.services import referrals, settings
from crmdesk.services.date_text import day_text
from crmdesk.services.referrals import Referral, Referrer
from crmdesk.services.today import TodayRow
from crmdesk.store.database import Database
from crmdesk.wording import count


def _view(name: str, model: RecordTableModel[object]) -> QTableView:
    view = QTableView()
    view.setAccessibleName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    ColumnFitter(view, model.sizings())  # (kept by the view)
    return view


class ReferralsDialog(QDialog):
    changed = Signal(object)  # Changes
    letter_requested = Signal(object)  # TodayRow: the thank-you letter for a referrer

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Referrals")
        self.setAccessibleName("Referrals")
        resize_within_screen(self, 900, 560)
        self.db = db
        self._money = settings.money(db)  # in the shop's currency
        self.referrals_model: RecordTableModel[Referral] = RecordTableModel(
            [
                Column("Referred by", lambda r: r.referrer_name, sizing=NAME),
                Column("New client", lambda r: r.referred_name, sizing=NAME),
                Column("Since", lambda r: day_text(r.since), sizing=DATE),
                Column("First purchase", lambda r: day_text(r.first_purchase)
                       if r.first_purchase else "not yet", sizing=DATE),
                Column("Reward", lambda r: f"{r.reward}, {day_text(r.reward_given_on)}"
                       if r.reward_given_on else ("owed" if r.reward_owed else ""),
                       sizing=TEXT),
            ],
            self,
        )  # fmt: skip
        self.best_model: RecordTableModel[Referrer] = RecordTableModel(
            [
                Column("Referrer", lambda b: b.name, sizing=NAME),
                Column("Brought", lambda b: str(b.referred), sizing=AMOUNT),
                Column("Who bought", lambda b: str(b.bought), sizing=AMOUNT),
                Column("They spent", lambda b: self._money(b.revenue_cents), sizing=AMOUNT),
                Column("Rewards owed", lambda b: str(b.rewards_owed or ""), sizing=AMOUNT),
            ],
            self,
        )
        self.list = _view("Referrals", self.referrals_model)  # type: ignore[arg-type]
        self.best = _view("Best referrers", self.best_model)  # type: ignore[arg-type]
        self.give_button = QPushButton("Mark reward &given")
        self.give_button.setAccessibleName("Mark reward given")
        self.letter_button = QPushButton("&Thank-you letter…")
        self.letter_button.setAccessibleName("Thank-you letter")
        self.owed = QLabel()
        self.owed.setObjectName("rewards_owed")
        tabs = QTabWidget()
        first = QWidget()
        column = QVBoxLayout(first)
        column.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(self.owed, 1)
        row.addWidget(self.give_button)
        row.addWidget(self.letter_button)
        column.addLayout(row)
        tabs.addTab(first, "&Referrals")
        tabs.addTab(self.best, "&Best referrers")
        close = QPushButton("Close")
        layout = QVBoxLayout(self)
        layout.addWidget(tabs, 1)
        layout.addWidget(close)
        close.clicked.connect(self.reject)
        self.give_button.clicked.connect(self._on_give_button_clicked)
        self.letter_button.clicked.connect(self._on_letter_button_clicked)
        self.refresh()

    def refresh(self) -> None:
        every = referrals.referrals(self.db)
        self.referrals_model.set_records(every)
        self.best_model.set_records(referrals.best_referrers(self.db))
        owed = sum(1 for r in every if r.reward_owed)
        reward = referrals.default_reward(self.db)
        self.owed.setText(f"{count(owed, 'reward')} owed ({reward})")
        if every:
            self.list.selectRow(0)

    def selected(self) -> Referral | None:
        rows = self.list.selectionModel().selectedRows()
        return self.referrals_model.record(rows[0].row()) if rows else None

    def _on_give_button_clicked(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.changed.emit(referrals.give_reward(self.db, chosen.referred_id))
            self.refresh()

    def _on_letter_button_clicked(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.letter_requested.emit(TodayRow(
                chosen.referrer_id, chosen.referrer_name, "", "", False,
                referrals.THANK_YOU_TEMPLATE))  # fmt: skip
