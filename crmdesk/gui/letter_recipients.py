"""Who gets the letters, below the Letters window's editor: the client on screen, the rows
selected in the list, the clients a search found, every client with a tag, or the clients
with a birthday in a month — and how many letters that makes, counted in the background."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMessageBox, QWidget

from crmdesk.gui.tags import when_tags_known
from crmdesk.gui.taskman import TaskManager
from crmdesk.gui.widgets import elide, fit_combo
from crmdesk.services import letters
from crmdesk.services.letters import LetterBatch
from crmdesk.services.shop import MONTHS
from crmdesk.store.database import Database
from crmdesk.wording import count


@dataclass(frozen=True)
class Selection:
    """Who the main window can offer as recipients."""

    current: tuple[str, str] | None = None  # (id, name) of the client on screen
    selected: tuple[str, ...] = ()  # rows selected in the list
    search_text: str = ""
    found: tuple[str, ...] = ()  # clients the search shows


class RecipientsPicker(QWidget):
    def __init__(
        self, db: Database, selection: Selection, lane: TaskManager, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.db, self.selection, self._lane = db, selection, lane
        self._counts_asked = 0
        self.recipients = QComboBox()
        self.recipients.setAccessibleName("Recipients")
        self.tag = QComboBox()
        self.tag.setAccessibleName("Tag")
        self.month = QComboBox()
        self.month.setAccessibleName("Month")
        for n, month in enumerate(MONTHS, 1):
            self.month.addItem(month, n)
        self.count = QLabel()
        self.count.setAccessibleName("Number of letters")
        self._fill()
        when_tags_known(db, lane, self._add_tags)  # (read in the background if not known)
        fit_combo(self.recipients)
        label = QLabel("&Letters for:")
        label.setBuddy(self.recipients)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (label, self.recipients, self.tag, self.month):
            row.addWidget(widget)
        row.addWidget(self.count, 1)
        for combo in (self.recipients, self.tag, self.month):
            combo.currentIndexChanged.connect(self._on_changed)
        self._on_changed()

    def _fill(self) -> None:
        s = self.selection
        if s.current:
            name = elide(s.current[1], self)
            self.recipients.addItem(f"this client ({name})", ("ids", (s.current[0],)))
        if len(s.selected) > 1:
            self.recipients.addItem(f"the {len(s.selected)} clients selected in the list",
                                    ("ids", s.selected))  # fmt: skip
        if s.search_text:
            found = f"the clients found by “{elide(s.search_text, self, 16)}”"
            self.recipients.addItem(found, ("ids", s.found))
        self.recipients.addItem("birthdays in", ("month", None))

    def _add_tags(self, tags: list[str]) -> None:
        """The shop's tags, once known: "every client tagged" is offered if there are any
        (before the birthdays; the window may already be open when they come)."""
        if not tags:
            return
        self.tag.addItems(tags)
        fit_combo(self.tag)
        at = self.recipients.findData(("month", None))
        self.recipients.insertItem(at, "every client tagged", ("tag", None))
        fit_combo(self.recipients)

    def finder(self) -> Callable[[], list[str]]:
        """Who is chosen, as a read that may run on any thread (the choice is taken now)."""
        db, (kind, ids) = self.db, self.recipients.currentData()
        if kind == "tag":
            tag = self.tag.currentText()
            return lambda: letters.clients_with_tag(db, tag)
        if kind == "month":
            month = int(self.month.currentData())
            return lambda: letters.clients_with_birthday_in(db, month)
        return lambda: list(ids)

    def _on_changed(self) -> None:
        """Count the letters for who is chosen: a tag or a month of birthdays is counted
        in the background (a month's birthdays take 50–100 ms to find at 100,000)."""
        kind = self.recipients.currentData()[0] if self.recipients.count() else ""
        self.tag.setVisible(kind == "tag")
        self.month.setVisible(kind == "month")
        self._counts_asked += 1
        asked = self._counts_asked
        if kind in ("tag", "month"):
            self.count.setText("Counting…")
            find = self.finder()
            self._lane.run(lambda: len(find()), lambda n: self._show_count(asked, n))
        else:
            self._show_count(asked, len(self.finder()()) if kind else 0)  # (ids at hand)

    def _show_count(self, asked: int, n: int) -> None:
        if asked == self._counts_asked:  # (not a count for an earlier choice)
            self.count.setText(count(n, "letter"))


def ask_about_missing(parent: QWidget, batch: LetterBatch) -> bool | None:
    """Include clients without a postal address? None: the user cancelled."""
    if not batch.without_address and not batch.problems:
        return False
    lines = []
    if batch.problems:
        lines.append(f"{count(len(batch.problems), 'letter')} cannot be written (left out):")
        lines += [f"• {name}: {problem}" for name, problem in batch.problems[:10]]
    if batch.without_address:
        names = ", ".join(name for _, name in batch.without_address[:20])
        more = len(batch.without_address) - 20
        lines.append(f"{count(len(batch.without_address), 'client')} without a postal address: "
                     f"{names}{f' and {more} more' if more > 0 else ''}.")  # fmt: skip
    box = QMessageBox(
        QMessageBox.Icon.Question, "Some clients need a look", "\n".join(lines), parent=parent
    )
    include = skip = None
    if batch.without_address:
        include = box.addButton("Include them", QMessageBox.ButtonRole.AcceptRole)
        skip = box.addButton("Skip them", QMessageBox.ButtonRole.AcceptRole)
    else:
        skip = box.addButton("Write the others", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    clicked = box.clickedButton()
    if clicked is include and include is not None:
        return True
    if clicked is skip:
        return False
    return None
