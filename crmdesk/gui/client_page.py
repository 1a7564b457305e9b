"""One client: who they are, how to reach them, what to remember, and everything said."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from crmdesk.errors import NotFoundError
from crmdesk.gui.client_tabs import Tab
from crmdesk.gui.columns import AMOUNT, DATE, LABEL, TEXT, ColumnFitter
from crmdesk.gui.handwriting import Handwriting
from crmdesk.gui.record_models import Column, RecordTableModel, TimelineModel
from crmdesk.gui.widgets import ElidedLabel, elide, never_wider
from crmdesk.model.enums import ContactPreference, HistoryKind
from crmdesk.services import (
    answer_images,
    clients,
    complaints,
    dates,
    facts,
    notes,
    reminders,
    retention,
    settings,
)
from crmdesk.services.clients import ClientRecord
from crmdesk.services.complaints import ComplaintRecord
from crmdesk.services.date_text import day_text, moment_text
from crmdesk.services.facts import FactRecord
from crmdesk.services.notes import NoteRecord
from crmdesk.services.retention import PurchaseRecord
from crmdesk.store.database import Database
from crmdesk.wording import count

if TYPE_CHECKING:
    from crmdesk.gui.app_state import AppState
    from crmdesk.services.changes import Changes


def _table(name: str, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setObjectName(name)
    view.setAccessibleName(name.replace("_", " ").capitalize())
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.setWordWrap(False)
    return view


def _button(text: str, name: str, parent: QWidget) -> QPushButton:
    button = QPushButton(text, parent)
    button.setAccessibleName(name)
    return button


# rows a table of the page is measured on (besides those on screen): a client with years
# of history is not measured entry by entry every time they are shown
PAGE_ROWS = 100


class ClientPage(QWidget):
    """Shows the client chosen in the list. Buttons ask to act (signals the window passes to
    its controllers)."""

    edit_requested = Signal()
    log_requested = Signal()
    fact_requested = Signal(object)  # FactRecord | None (None: add)
    fact_delete_requested = Signal(object)
    note_requested = Signal(object)  # NoteRecord | None
    note_delete_requested = Signal(object)
    entry_requested = Signal(object)  # HistoryRecord
    entry_delete_requested = Signal(object)
    purchase_requested = Signal()
    purchase_delete_requested = Signal(object)  # PurchaseRecord
    complaint_requested = Signal(object)  # ComplaintRecord | None (None: new)
    loyalty_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Client page")
        self._db: Database | None = None
        self._locale = "en_GB"
        self._money: Callable[[int], str] = str  # the shop's currency once a file is open
        self.record: ClientRecord | None = None

        self.name = ElidedLabel("", self)  # a long name is cut with "…", whole in its tooltip
        self.name.setObjectName("client_name")
        self.name.setAccessibleName("Client name")
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.name.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.name.setFont(font)
        self.details = QLabel(self)
        self.details.setObjectName("client_details")
        self.details.setAccessibleName("Client details")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)
        never_wider(self.details)
        self.edit_button = _button("&Edit…", "Edit client", self)
        self.loyalty_button = _button("Lo&yalty…", "Loyalty and keeping in touch", self)
        self.keeping = QLabel(self)
        self.keeping.setObjectName("client_keeping")
        self.keeping.setAccessibleName("Loyalty and spending")
        self.keeping.setWordWrap(True)
        self.keeping.setTextFormat(Qt.TextFormat.RichText)
        self.log_button = _button("&Log contact…", "Log contact", self)

        # Timeline
        self.timeline_model = TimelineModel(self)
        self.timeline = _table("timeline", self)
        self.timeline.setModel(self.timeline_model)
        self.timeline_columns = ColumnFitter(
            self.timeline, self.timeline_model.sizings(), sample_rows=100
        )
        self.kind_filter = QComboBox(self)
        self.kind_filter.setAccessibleName("Show kinds")
        self.kind_filter.addItem("Everything", None)
        for kind in HistoryKind:
            self.kind_filter.addItem(
                kind.label + ("s" if kind is not HistoryKind.SMS else ""), kind.value
            )
        self.timeline_count = QLabel(self)
        self.entry_delete = _button("Delete", "Delete history entry", self)
        # under the entry chosen: what the client wrote on a scanned form, kept as images
        self.handwriting = Handwriting(self)

        # Things to remember
        self.facts_model: RecordTableModel[FactRecord] = RecordTableModel(
            [
                Column("About", lambda f: f.label, sizing=LABEL),
                Column("Remember", lambda f: f.value, sizing=TEXT),
                Column("Date", lambda f: day_text(f.on_date) if f.on_date else "", sizing=DATE),
            ],
            self,
        )
        self.facts = _table("things_to_remember", self)
        self.facts.setModel(self.facts_model)
        self.facts_columns = ColumnFitter(self.facts, self.facts_model.sizings(), PAGE_ROWS)
        self.fact_add = _button("&Add…", "Add thing to remember", self)
        self.fact_delete = _button("Delete", "Delete thing to remember", self)

        # Notes
        self.notes_model: RecordTableModel[NoteRecord] = RecordTableModel(
            [
                Column("Written", lambda n: day_text(n.written_at), sizing=DATE),
                Column(
                    "Note",
                    lambda n: ("Pinned: " if n.pinned else "") + " ".join(n.text.split()),
                    tooltip=lambda n: ("Pinned\n\n" if n.pinned else "") + n.text,
                    sizing=TEXT,
                ),
            ],
            self,
        )
        self.notes = _table("notes", self)
        self.notes.setModel(self.notes_model)
        self.notes_columns = ColumnFitter(self.notes, self.notes_model.sizings(), PAGE_ROWS)
        self.note_add = _button("Add &note…", "Add note", self)
        self.note_delete = _button("Delete", "Delete note", self)

        # Purchases
        self.purchases_model: RecordTableModel[PurchaseRecord] = RecordTableModel(
            [
                Column("Date", lambda p: moment_text(p.bought_at), sizing=DATE),
                Column("What", lambda p: p.what, sizing=TEXT),
                Column("Amount", lambda p: self._money(p.amount_cents), sizing=AMOUNT),
            ],
            self,
        )
        self.purchases = _table("purchases", self)
        self.purchases.setModel(self.purchases_model)
        self.purchases_columns = ColumnFitter(
            self.purchases, self.purchases_model.sizings(), sample_rows=100
        )
        self.purchase_add = _button("Record &purchase…", "Record purchase", self)
        self.purchase_delete = _button("Delete", "Delete purchase", self)

        # Complaints
        now = datetime.now
        self.complaints_model: RecordTableModel[ComplaintRecord] = RecordTableModel(
            [
                Column("Opened", lambda c: day_text(c.opened_at), sizing=DATE),
                Column("Status", lambda c: c.status),
                Column("Severity", lambda c: c.severity),
                Column("About", lambda c: c.description, sizing=TEXT,
                       tooltip=lambda c: "\n\n".join(
                           t for t in (c.description, c.resolution and
                                       f"Resolution: {c.resolution}") if t)),
                Column("Age", lambda c: ("took " if c.resolved_at else "")
                       + complaints.describe_age(c.age(now()))),
            ],
            self,
        )  # fmt: skip
        self.complaints = _table("complaints", self)
        self.complaints.setModel(self.complaints_model)
        self.complaints_columns = ColumnFitter(
            self.complaints, self.complaints_model.sizings(), sample_rows=100
        )
        self.complaint_add = _button("New co&mplaint…", "New complaint", self)

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Client sections")
        self.tabs.addTab(
            self._panel(
                self.timeline,
                [self.kind_filter, self.timeline_count],
                [self.entry_delete],
                under=self.handwriting,
            ),
            "&Timeline",
        )
        self.tabs.addTab(
            self._panel(self.facts, [], [self.fact_add, self.fact_delete]), "Things to &remember"
        )
        self.tabs.addTab(self._panel(self.notes, [], [self.note_add, self.note_delete]), "N&otes")
        self.tabs.addTab(
            self._panel(self.purchases, [], [self.purchase_add, self.purchase_delete]), "P&urchases"
        )
        self.tabs.addTab(self._panel(self.complaints, [], [self.complaint_add]), "Complai&nts")

        top = QHBoxLayout()
        top.addWidget(self.name, 1)
        top.addWidget(self.log_button)
        top.addWidget(self.loyalty_button)
        top.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details)
        layout.addWidget(self.keeping)
        layout.addWidget(self.tabs, 1)

        self.edit_button.clicked.connect(self.edit_requested)
        self.log_button.clicked.connect(self.log_requested)
        self.kind_filter.currentIndexChanged.connect(self._on_kind_filter_current_index_changed)
        self.fact_add.clicked.connect(lambda: self.fact_requested.emit(None))
        self.fact_delete.clicked.connect(self._on_fact_delete_clicked)
        self.facts.doubleClicked.connect(
            lambda i: self.fact_requested.emit(self.facts_model.record(i.row()))
        )
        self.note_add.clicked.connect(lambda: self.note_requested.emit(None))
        self.note_delete.clicked.connect(self._on_note_delete_clicked)
        self.notes.doubleClicked.connect(
            lambda i: self.note_requested.emit(self.notes_model.record(i.row()))
        )
        self.timeline.doubleClicked.connect(
            lambda i: self.entry_requested.emit(self.timeline_model.record(i.row()))
        )
        self.entry_delete.clicked.connect(self._on_entry_delete_clicked)
        self.timeline.selectionModel().currentRowChanged.connect(
            self._on_timeline_current_row_changed
        )
        self.loyalty_button.clicked.connect(self.loyalty_requested)
        self.purchase_add.clicked.connect(self.purchase_requested)
        self.purchase_delete.clicked.connect(self._on_purchase_delete_clicked)
        self.complaint_add.clicked.connect(lambda: self.complaint_requested.emit(None))
        self.complaints.doubleClicked.connect(
            lambda i: self.complaint_requested.emit(self.complaints_model.record(i.row()))
        )
        self.show_client(None, None)

    def _panel(self, view: QTableView, above: list[QWidget], below: list[QWidget],
               under: QWidget | None = None) -> QWidget:  # fmt: skip
        panel = QWidget(self)
        layout = QVBoxLayout(panel)
        if above:
            row = QHBoxLayout()
            for w in above:
                row.addWidget(w)
            row.addStretch(1)
            layout.addLayout(row)
        layout.addWidget(view, 1)
        if under is not None:
            layout.addWidget(under)
        row = QHBoxLayout()
        row.addStretch(1)
        for w in below:
            row.addWidget(w)
        layout.addLayout(row)
        return panel

    # ------------------------------------------------------------------ showing

    def show_client(self, db: Database | None, client_id: str | None) -> None:
        self._db = db
        self._money = settings.money(db) if db else str
        self._locale = settings.locale_for(db) if db else "en_GB"
        try:
            self.record = clients.get_client(db, client_id) if db and client_id else None
        except NotFoundError:
            self.record = None
        if self.record is not None and self.record.deleted_at is not None:
            self.record = None
        has = self.record is not None
        for w in (self.edit_button, self.log_button, self.loyalty_button, self.tabs):
            w.setEnabled(has)
        self._show_profile()
        self.refresh_lists()

    def refresh(self) -> None:
        self.show_client(self._db, self.record.id if self.record else None)

    def follow(self, state: AppState) -> None:
        """Refresh the page after a change to what it shows of its client. (A change to the
        clients or their history needs nothing here: the list chooses the client again,
        which shows them anew.)"""
        state.changed.connect(self._on_state_changed)

    def _on_state_changed(self, changes: Changes, _initiator: object) -> None:
        if changes.touches("clients", "history", "meta"):
            return
        if self.record is not None and self.record.id in changes.client_ids:
            self.refresh_lists()

    def show_tab(self, tab: Tab) -> None:
        self.tabs.setCurrentIndex(tab)

    def refresh_lists(self) -> None:
        db, r = self._db, self.record
        cid = r.id if r else None
        self.facts_model.set_records(facts.facts_of(db, cid) if db and cid else [])
        self.notes_model.set_records(notes.notes_of(db, cid) if db and cid else [])
        kind = self.kind_filter.currentData()
        self.timeline_model.show(db, cid, [kind] if kind else None)
        self.handwriting.show_images([])  # (no entry is chosen in the list shown anew)
        total = self.timeline_model.total
        self.timeline_count.setText(f"{total} entr{'y' if total == 1 else 'ies'}" if cid else "")
        self.tabs.setTabText(Tab.FACTS, f"Things to &remember ({self.facts_model.rowCount()})")
        self.tabs.setTabText(Tab.NOTES, f"N&otes ({self.notes_model.rowCount()})")
        self.purchases_model.set_records(retention.purchases_of(db, cid) if db and cid else [])
        self.complaints_model.set_records(complaints.complaints_of(db, cid) if db and cid else [])
        self.tabs.setTabText(Tab.PURCHASES, f"P&urchases ({self.purchases_model.rowCount()})")
        opened = sum(1 for c in self.complaints_model.records() if c.status != "resolved")
        self.tabs.setTabText(
            Tab.COMPLAINTS, f"Complai&nts ({self.complaints_model.rowCount()}"
            + (f", {opened} open)" if opened else ")"))  # fmt: skip
        self._show_keeping()

    def _show_keeping(self) -> None:
        """Stage (and since when), spending, visits and how often to stay in touch."""
        db, r = self._db, self.record
        if db is None or r is None:
            self.keeping.setText("")
            return
        stage = retention.client_stage(db, r.id)
        since = stage.reached.get(stage.stage)
        parts = [f"<b>{html.escape(stage.label.capitalize())}</b>"
                 + (f" since {day_text(since)}" if since else "")]  # fmt: skip
        spent = retention.spending(db, r.id)
        if spent.count:
            parts.append(f"{count(spent.count, 'purchase')}, "
                         f"{self._money(spent.total_cents)} in all, "
                         f"{self._money(spent.average_cents)} on "
                         "average")  # fmt: skip
            assert spent.first is not None and spent.last is not None  # (count > 0)
            visits = f"first {day_text(spent.first)}, last {day_text(spent.last)}"
            if spent.usual_interval_days:
                visits += f", usually every {count(spent.usual_interval_days, 'day')}"
            parts.append(visits)
        row = db.query("SELECT touch_every_days, tags FROM clients WHERE id = ?", (r.id,))
        every = row[0][0] if row else None
        if every:
            parts.append(f"stay in touch every {count(every, 'day')}")
        else:
            rules = reminders.touch_rules(db)
            by_tag = sorted((rules[t], t) for t in r.tags if t in rules)
            if by_tag:
                parts.append(
                    f"stay in touch every {count(by_tag[0][0], 'day')} (tag {by_tag[0][1]})"
                )
        self.keeping.setText(" · ".join(parts))

    def _show_profile(self) -> None:
        r = self.record
        if r is None:
            self.name.setText("No client selected")
            self.details.setText("Choose a client on the left, or press Ctrl+N to add one.")
            return
        self.name.setText(r.display_name)
        cut: list[str] = []  # what was too long to show whole: the tooltip has it

        def e(text: str) -> str:
            shown = elide(text, self.details, 30)
            if shown != text:
                cut.append(text)
            return html.escape(shown)

        lines = []
        calls = [r.address_name and f"Address as <b>{e(r.address_name)}</b>"]
        if r.company:
            calls.append(e(r.company))
        lines.append(" · ".join(c for c in calls if c))
        contact = [
            f"☎ {e(p.display or p.number)} <span style='color:gray'>({e(p.label)})</span>"
            for p in r.phones
        ]
        contact += [f"✉ {e(m.address)}" for m in r.emails]
        if contact:
            lines.append("&nbsp;&nbsp; ".join(contact))
        address = ", ".join(
            x for x in (r.street.replace("\n", ", "), r.postcode, r.city, r.country) if x
        )
        if address:
            lines.append(f"⌂ {e(address)}")
        facts_line = []
        if r.birthday:
            shown = dates.show_birthday(r.birthday, self._locale)  # "15 April": year unknown
            facts_line.append(f"Birthday {shown}")
        facts_line.append(f"Prefers: {ContactPreference(r.preferred_contact).label}")
        consent = (
            f"yes, since {day_text(r.consent_at)}"
            if r.marketing_consent and r.consent_at
            else ("yes" if r.marketing_consent else "no")
        )
        facts_line.append(f"Marketing: {consent}")
        lines.append(" · ".join(facts_line))
        origin = []
        if r.found_via:
            origin.append(f"Found us through {e(r.found_via)}")
        if r.referred_by_name:
            origin.append(f"referred by <b>{e(r.referred_by_name)}</b>")
        origin.append(f"client since {r.created_at:%B %Y}")
        lines.append(", ".join(origin))
        if r.tags:
            lines.append(
                " ".join(
                    f"<span style='background:#e8eef7'>&nbsp;{e(t)}&nbsp;</span>" for t in r.tags
                )
            )
        self.details.setText("<br>".join(lines))
        self.details.setToolTip("\n".join(cut))

    # ------------------------------------------------------------------ slots

    def _on_kind_filter_current_index_changed(self, _index: int) -> None:
        self.refresh_lists()

    def _selected(self, view: QTableView) -> int | None:
        rows = view.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _on_fact_delete_clicked(self) -> None:
        row = self._selected(self.facts)
        if row is not None:
            self.fact_delete_requested.emit(self.facts_model.record(row))

    def _on_note_delete_clicked(self) -> None:
        row = self._selected(self.notes)
        if row is not None:
            self.note_delete_requested.emit(self.notes_model.record(row))

    def _on_purchase_delete_clicked(self) -> None:
        row = self._selected(self.purchases)
        if row is not None:
            self.purchase_delete_requested.emit(self.purchases_model.record(row))

    def _on_timeline_current_row_changed(self, current: QModelIndex, _previous: object) -> None:
        """Under the entry chosen, the handwriting kept with the answer it records (one
        indexed read of a few KB)."""
        db = self._db
        if db is None or not current.isValid():
            self.handwriting.show_images([])
            return
        entry = self.timeline_model.record(current.row())
        self.handwriting.show_images(
            answer_images.of_entry(db, entry.id) if entry.kind == HistoryKind.OTHER.value else []
        )

    def _on_entry_delete_clicked(self) -> None:
        row = self._selected(self.timeline)
        if row is not None:
            self.entry_delete_requested.emit(self.timeline_model.record(row))
