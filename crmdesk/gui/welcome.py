"""The first run: with no database yet, the window shows a welcome page instead of an empty
list. It offers four ways in: start a new shop (its name, address, country and currency, who
signs its letters), look around in the demo, import clients, or open a copy brought from
another machine. Everything it asks can be changed later (Edit ▸ Settings, Edit ▸ Shop
details for letters).

`WelcomePage` is the widget; `Welcome` the controller that acts on what is chosen there."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from crmdesk import paths
from crmdesk.errors import CrmError, ValidationError
from crmdesk.gui.controller import Controller
from crmdesk.gui.problems import show_problem
from crmdesk.gui.widgets import FieldError, fit_combo

# (the services are imported when the page is made: the controllers are made on every start,
# just after the list's first paint, and the welcome page only on the first)

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtGui import QAction

    from crmdesk.gui.app_state import AppState
    from crmdesk.gui.controller import OnScreen
    from crmdesk.services.new_shop import NewShop

Choices = tuple[str, list[tuple[str, str]], list[tuple[str, str]]]

NO_IMPORT_YET = "Importing clients comes with File ▸ Import clients… (not in this version yet)."


class WelcomePage(QWidget):
    start_requested = Signal(object)  # NewShop, checked
    demo_requested = Signal()
    open_requested = Signal()
    import_requested = Signal(object)  # NewShop, checked: start it, then import into it

    def __init__(self, parent: QWidget | None = None, can_import: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        self.setAccessibleName("Welcome")
        self.errors: dict[str, FieldError] = {}
        self.busy = False

        title = QLabel("<h1>Welcome to crmdesk</h1>", self)
        intro = QLabel(
            "Your clients, what they bought and what they told you, kept on this computer. "
            "Start your shop below, or look around in the demo first.",
            self,
        )
        intro.setWordWrap(True)

        form_box = QGroupBox("Start your shop", self)
        form = self.form = QFormLayout(form_box)
        self.name = QLineEdit(form_box)
        self.name.setPlaceholderText("e.g. Webber & Daughters, Florist")
        self.address = QPlainTextEdit(form_box)
        self.address.setTabChangesFocus(True)
        self.address.setPlaceholderText("One line per line of the letterhead")
        self.address.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        # the countries and currencies are filled in by show_choices (the lists are made on
        # a worker: Babel's names and the phone rules take about 0.3 s on a first run)
        self.ready = False
        self.country = QComboBox(form_box)
        self.country.addItem("Finding the countries…", "")
        self.country.setEnabled(False)
        self.currency = QComboBox(form_box)
        self.currency.addItem("", "")  # the country's: named by _on_country_changed
        self.currency.setEnabled(False)
        self.signature_name = QLineEdit(form_box)
        self.signature_name.setPlaceholderText("e.g. Margaret Webber")
        self.signature_title = QLineEdit(form_box)
        self.signature_title.setPlaceholderText("e.g. Owner (may stay empty)")
        self._add(form, "name", "Shop's &name:", self.name)
        self._add(form, "address", "&Address:", self.address)
        self._add(form, "country", "&Country:", self.country,
                  "Phone numbers without a country code are from here; it also gives the "
                  "usual dates, numbers and currency.")  # fmt: skip
        self._add(form, "currency", "C&urrency:", self.currency)
        self._add(form, "signature_name", "Letters &signed by:", self.signature_name)
        self._add(form, "signature_title", "Their &title:", self.signature_title)
        self.start = QPushButton("&Start the shop", form_box)
        self.start.setAccessibleName("Start the shop")
        self.start.setDefault(True)
        later = QLabel(
            "All of this can be changed later: Edit ▸ Settings and Edit ▸ Shop details.", form_box
        )
        later.setWordWrap(True)
        later.setStyleSheet("color: palette(mid);")
        self.general_error = FieldError("start", form_box)
        form.addRow(self.general_error)
        form.addRow(later)
        form.addRow(self.start)

        other = QGroupBox("Or", self)
        column = QVBoxLayout(other)
        self.demo = self._choice(
            column, "Look around in the &demo",
            "A made-up shop with 60 clients to try everything on; your own shop is not touched.",
        )  # fmt: skip
        self.import_clients = self._choice(
            column, "Start the shop and &import clients…",
            "From a phone, Google Contacts, Outlook or a spreadsheet (CSV, vCard); the shop "
            "is started from the form first.",
        )  # fmt: skip
        self.open_copy = self._choice(
            column, "&Open a copy from another computer…",
            "A .crmdesk file, or an encrypted copy made there with File ▸ Copy for another "
            "machine.",
        )  # fmt: skip
        column.addStretch(1)
        if not can_import:
            self.import_clients.setEnabled(False)
            self.import_clients.setToolTip(NO_IMPORT_YET)

        row = QHBoxLayout()
        row.addWidget(form_box, 3)
        row.addWidget(other, 2)
        inner = QWidget(self)
        inner.setMaximumWidth(1000)
        layout = QVBoxLayout(inner)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addStretch(1)
        area = QScrollArea(self)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidgetResizable(True)
        holder = QWidget(area)
        centred = QHBoxLayout(holder)
        centred.addWidget(inner, 0, Qt.AlignmentFlag.AlignHCenter)
        area.setWidget(holder)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(area)

        self.country.currentIndexChanged.connect(self._on_country_current_index_changed)
        self.start.clicked.connect(self._on_start_clicked)
        self.demo.clicked.connect(self.demo_requested)
        self.open_copy.clicked.connect(self.open_requested)
        self.import_clients.clicked.connect(self._on_import_clients_clicked)
        self.name.returnPressed.connect(self._on_start_clicked)

    def show_choices(self, choices: Choices) -> None:
        """Fill in the countries (the machine's chosen) and the currencies."""
        machine, countries, currencies = choices
        with QSignalBlocker(self.country):
            self.country.clear()
            if not machine:
                self.country.addItem("Choose the shop's country…", "")
            for code, label in countries:
                self.country.addItem(label, code)
            self.country.setCurrentIndex(max(0, self.country.findData(machine)))
        for code, label in currencies:
            self.currency.addItem(label, code)
        for box in (self.country, self.currency):
            fit_combo(box)
            box.setEnabled(not self.busy)
        self.ready = True
        self._on_country_current_index_changed()

    def _add(
        self, form: QFormLayout, name: str, label: str, widget: QWidget, hint: str = ""
    ) -> None:
        widget.setObjectName(name)
        widget.setAccessibleName(label.rstrip(":").replace("&", ""))
        if hint:
            widget.setToolTip(hint)
        error = self.errors[name] = FieldError(name, self)
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(error)
        form.addRow(label, box)

    def _choice(self, column: QVBoxLayout, text: str, words: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(text.replace("&", ""))
        button.setAccessibleDescription(words)
        label = QLabel(words, self)
        label.setWordWrap(True)
        column.addWidget(button)
        column.addWidget(label)
        column.addSpacing(8)
        return button

    # ------------------------------------------------------------------ what was typed

    def typed(self) -> NewShop:
        from crmdesk.services.new_shop import NewShop

        return NewShop(
            name=self.name.text(),
            address=self.address.toPlainText(),
            country=str(self.country.currentData() or ""),
            currency=str(self.currency.currentData() or ""),
            signature_name=self.signature_name.text(),
            signature_title=self.signature_title.text(),
        )

    def checked(self) -> NewShop | None:
        """What was typed, or None with each problem shown at its field (the first focused)."""
        from crmdesk.services import new_shop

        new = self.typed()
        try:
            new_shop.check(new)
        except ValidationError as exc:
            self.show_problems(exc.problems)
            return None
        self.show_problems({})
        return new

    def show_problems(self, problems: dict[str, str]) -> None:
        from crmdesk.services.new_shop import FIELDS

        for name, error in self.errors.items():
            error.show_problem(problems.get(name))
        self.general_error.show_problem(
            "; ".join(text for key, text in problems.items() if key not in self.errors)
        )
        first = next((n for n in FIELDS if n in problems), None)
        if first is not None:
            field = self.findChild(QWidget, first)
            if field is not None:
                field.setFocus()

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        for button in (self.start, self.demo, self.open_copy):
            button.setEnabled(not busy)
        for box in (self.country, self.currency):
            box.setEnabled(self.ready and not busy)
        self.start.setText("Starting the shop…" if busy else "&Start the shop")

    # ------------------------------------------------------------------ slots

    def _on_country_current_index_changed(self, _index: int = 0) -> None:
        """The currency's first choice names the new country's own."""
        if not self.ready:
            return
        from crmdesk.services import amounts, settings

        code = str(self.country.currentData() or "")
        own = settings.currency_of_country(code)
        labels = dict(amounts.currency_choices())
        self.currency.setItemText(
            0, f"The country's ({labels.get(own, own)})" if own else "The country's"
        )
        self.errors["country"].show_problem(None)

    def _on_start_clicked(self) -> None:
        if not self.busy and (new := self.checked()) is not None:
            self.start_requested.emit(new)

    def _on_import_clients_clicked(self) -> None:
        if not self.busy and (new := self.checked()) is not None:
            self.import_requested.emit(new)


def _choices() -> Choices:
    """The machine's country, and the countries and currencies to choose from (on a worker:
    the services and their data load here on a first run)."""
    from crmdesk.services import amounts, settings

    return settings.machine_region(), settings.country_choices(), amounts.currency_choices()


class Welcome(Controller):
    """Starts the shop the page describes (on the write lane), or opens the demo or a copy."""

    def __init__(
        self,
        state: AppState,
        widget: QWidget,
        screen: OnScreen,
        open_file: Callable[[Path], None],
        ask_file: Callable[[], None],
        open_demo: Callable[[], None],
        import_action: QAction | None,
    ) -> None:
        super().__init__(state, widget, screen)
        self.open_file = open_file
        self.ask_file = ask_file
        self.open_demo = open_demo
        self.import_action = import_action  # File ▸ Import clients…, once it exists
        self.page: WelcomePage | None = None

    def make_page(self, parent: QWidget) -> WelcomePage:
        page = self.page = WelcomePage(parent, can_import=self.import_action is not None)

        def show(choices: Choices) -> None:
            if isValid(page):  # (the demo or a copy may have taken the page's place by then)
                page.show_choices(choices)

        self.state.runner.op(_choices).success(show).read()
        page.start_requested.connect(self.start)
        page.import_requested.connect(self._on_page_import_requested)
        page.demo_requested.connect(self.open_demo)
        page.open_requested.connect(self.ask_file)
        return page

    def start(self, new: NewShop, then: Callable[[], None] | None = None) -> None:
        """Make the shop's database (the default one) with what was typed, then open it."""
        from crmdesk.services import new_shop

        page = self.page
        path = paths.default_database()
        if page is not None:
            page.set_busy(True)
        self.screen.say(f"Starting {new.name.strip()}…")

        def done(made: Path) -> None:
            if page is not None:
                page.set_busy(False)
            if then is not None:  # (once the shop is open, after the views have followed)
                self.state.opened.connect(self._once(lambda: QTimer.singleShot(0, then)))
            self.open_file(made)

        def failed(error: Exception) -> None:
            if page is not None:
                page.set_busy(False)
            self.screen.say("")
            if isinstance(error, ValidationError) and page is not None:
                page.show_problems(error.problems)
            elif isinstance(error, CrmError):
                show_problem(self.widget, "The shop could not be started", error)
            else:
                raise error

        self.state.runner.writes.run(lambda: new_shop.start_shop(path, new), done, failed)

    def _once(self, then: Callable[[], None]) -> Callable[..., None]:
        def call(*_args: object) -> None:
            self.state.opened.disconnect(call)
            then()

        return call

    def _on_page_import_requested(self, new: NewShop) -> None:
        action = self.import_action
        if action is not None:
            self.start(new, then=action.trigger)
