"""Letters from the window: pick a template, see the real PDF, save it, find it in the
client's timeline; mistakes in a template block printing and point at their line."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QPushButton
from pytestqt.qtbot import QtBot

from crmdesk.gui.client_list_model import ID_ROLE
from crmdesk.gui.letters_dialog import LettersDialog
from crmdesk.gui.main_window import MainWindow
from crmdesk.store.database import Database
from tests.gui.conftest import open_window
from tests.letters_helpers import pdf_pages, set_up_shop


@pytest.fixture
def shop_window(qtbot: QtBot, demo_path: Path) -> MainWindow:
    with Database.open(demo_path) as db:
        set_up_shop(db)
    window = open_window(qtbot, demo_path)
    window.client_list.table.setCurrentIndex(window.client_list.model.index(3, 0))
    return window


def _dialog(qtbot: QtBot, window: MainWindow) -> LettersDialog:
    dialog = window.paperwork.letters_dialog()
    assert isinstance(dialog, LettersDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_pick_preview_save_and_find_the_letter_in_the_timeline(
    qtbot: QtBot, shop_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = shop_window
    record = window.page.record
    assert record is not None
    dialog = _dialog(qtbot, window)
    with qtbot.waitSignal(dialog.preview_updated):
        dialog.choose_template("Birthday")
    assert dialog.preview.page_count == 1  # the real PDF, rendered
    assert dialog.recipients.currentText() == f"this client ({record.display_name})"
    assert dialog.count.text() == "1 letter"
    out = tmp_path / "birthday.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    with qtbot.waitSignal(dialog.changed, timeout=20000):
        qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    pages = pdf_pages(out)
    assert len(pages) == 1 and record.family_name in pages[0] and "Happy birthday!" in pages[0]
    dialog.close()
    timeline = window.page.timeline_model
    newest = [timeline.index(0, c).data() for c in range(timeline.columnCount())]
    assert "Birthday" in newest and any("Letter" in str(v) for v in newest)
    assert window.undoing.act_undo.text() == "&Undo Letter “Birthday” to 1 client"


def test_a_mistake_is_shown_at_its_line_and_blocks_printing(
    qtbot: QtBot, shop_window: MainWindow
) -> None:
    dialog = _dialog(qtbot, shop_window)
    with qtbot.waitSignal(dialog.preview_updated, timeout=5000):
        dialog.editor.setPlainText("Dear {{ client.greeting_name }},\n\n{{ client.dogs_name }}")
    assert dialog.problems.text().startswith("Line 3: Unknown field “client.dogs_name”")
    assert not dialog.pdf_button.isEnabled() and not dialog.print_button.isEnabled()
    assert len(dialog.editor.extraSelections()) == 1
    assert dialog.editor.extraSelections()[0].cursor.blockNumber() == 2
    with qtbot.waitSignal(dialog.preview_updated, timeout=5000):
        dialog.editor.setPlainText("Dear {{ client.greeting_name }},")
    assert dialog.problems.text() == "" and dialog.pdf_button.isEnabled()
    dialog._dirty = False  # leave without the "save changes?" question
    dialog.close()


@pytest.mark.parametrize(
    ("hostile", "says"),
    [
        ("Dear {{ client.greeting_name }}, {{ client.first_name * 10**8 }}",
         "longer than a whole letter may be"),
        ("{% set s = 'a' * 199000 %}{% for i in s[:19000] %}{% if s.split('a') %}{% endif %}"
         "{% endfor %}", "takes more than 0.5 seconds"),
        ("{% set a = ('a '*99999).split() %}{% set c = a + [] %}{{ [a]*199999 == [c]*199999 }}",
         "more than 1,000,000 things"),
    ],
    ids=["too long", "too slow", "too much work"],
)  # fmt: skip
def test_a_template_that_asks_too_much_is_refused_while_the_window_keeps_responding(
    qtbot: QtBot, shop_window: MainWindow, hostile: str, says: str
) -> None:
    """The preview is made on the worker: typing such a template never freezes the window,
    and the refusal shows under the text, marks the line and blocks printing."""
    dialog = _dialog(qtbot, shop_window)
    qtbot.waitUntil(lambda: not dialog.tasks.busy, timeout=10000)  # the first preview
    dialog.editor.selectAll()
    qtbot.keyClicks(dialog.editor, hostile)
    ticks: list[float] = []
    heartbeat = QTimer(dialog)
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(lambda: ticks.append(time.monotonic()))
    heartbeat.start()
    qtbot.waitUntil(lambda: says in dialog.problems.text(), timeout=10000)
    heartbeat.stop()
    assert len(ticks) > 5  # the 300 ms pause before checking, and the refusal's time
    assert max(b - a for a, b in itertools.pairwise(ticks)) < 0.25  # never stalled
    assert dialog.problems.text().startswith("Line 1: ")
    assert says in dialog.preview.message.text()
    assert not dialog.pdf_button.isEnabled() and not dialog.print_button.isEnabled()
    assert [s.cursor.blockNumber() for s in dialog.editor.extraSelections()] == [0]
    dialog._dirty = False  # leave without the "save changes?" question
    dialog.close()


def test_a_selection_gets_one_letter_each(
    qtbot: QtBot, shop_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = shop_window
    view = window.client_list.table
    view.selectRow(1)
    for row in (2, 3):
        view.selectionModel().select(
            window.client_list.model.index(row, 0),
            view.selectionModel().SelectionFlag.Select | view.selectionModel().SelectionFlag.Rows,
        )
    dialog = _dialog(qtbot, window)
    qtbot.waitUntil(lambda: dialog.pdf_button.isEnabled(), timeout=10000)  # the preview
    dialog.recipients.setCurrentIndex(1)
    assert dialog.recipients.currentText() == "the 3 clients selected in the list"
    assert dialog.count.text() == "3 letters"
    out = tmp_path / "thanks.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    with qtbot.waitSignal(dialog.changed, timeout=20000):
        qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    assert dialog.last_run is not None and dialog.last_run.letters == 3
    assert len(pdf_pages(out)) == 3
    dialog.close()


def test_printing_sends_every_page_of_the_letters(
    qtbot: QtBot, shop_window: MainWindow, tmp_path: Path
) -> None:
    """What Print does after the system print dialog, with a printer that writes a PDF."""
    from PySide6.QtPrintSupport import QPrinter

    from crmdesk.gui.pdf_view import send_to_printer
    from crmdesk.services import letters

    db = shop_window.db
    assert db is not None
    ids = [shop_window.client_list.model.index(row, 0).data(ID_ROLE) for row in range(3)]
    batch = letters.prepare(db, letters.find_template(db, "Birthday"), ids)
    run = letters.produce(db, batch, tmp_path / "birthday.pdf")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert send_to_printer(run.path, printer) == 3
    assert len(pdf_pages(tmp_path / "printed.pdf")) == 3
    # edge to edge: the ink sits where it sits in the letter itself (not shrunk into margins)
    assert _ink_box(tmp_path / "printed.pdf") == pytest.approx(_ink_box(run.path), abs=3)


def _ink_box(path: Path) -> tuple[int, int, int, int]:
    import pypdfium2 as pdfium
    from PIL import ImageOps

    pdf = pdfium.PdfDocument(path)
    try:
        image = pdf[0].render(scale=100 / 72).to_pil().convert("L")
    finally:
        pdf.close()
    box = ImageOps.invert(image).point(lambda v: 255 if v > 60 else 0).getbbox()
    assert box is not None
    return box


def test_shop_details_are_checked_at_their_fields_then_saved(
    qtbot: QtBot, window: MainWindow
) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from crmdesk.gui.dialogs.shop_dialog import ShopDialog
    from crmdesk.services import shop
    from tests.gui.conftest import answer_dialog

    def fill(dialog: ShopDialog) -> None:
        dialog.name.setText("Webber & Daughters")
        dialog.email.setText("hello@")
        dialog.paper.setCurrentIndex(dialog.paper.findData("Letter"))
        save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
        assert dialog.isVisible()  # stays open, nothing typed is lost
        assert "is not an email address (nothing comes after the @)" in dialog.problems()["email"]
        dialog.email.setText("hello@webber.example")
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)

    db = window.db
    assert db is not None
    answer_dialog(qtbot, ShopDialog, fill, window.paperwork.act_shop.trigger)
    saved = shop.get_shop(db)
    assert (saved.name, saved.email, saved.paper) == (
        "Webber & Daughters",
        "hello@webber.example",
        "Letter",
    )


class _SlowPreview:
    """letters.preview taking `seconds` more, stopping early when told to if `stops`."""

    def __init__(self, seconds: float, stops: bool) -> None:
        import threading

        from crmdesk.services import letters

        self.seconds, self.stops, self.preview = seconds, stops, letters.preview
        self.started, self.ended = threading.Event(), threading.Event()
        self.cancelled_after: float | None = None

    def __call__(self, db: object, body: str, client: object, out: object,
                 cancelled: Callable[[], bool] | None = None) -> int:  # fmt: skip
        from crmdesk.documents.letters import Cancelled

        self.started.set()
        start = time.monotonic()
        try:
            while time.monotonic() - start < self.seconds:
                if self.stops and cancelled is not None and cancelled():
                    self.cancelled_after = time.monotonic() - start
                    raise Cancelled()
                time.sleep(0.01)
            return int(self.preview(db, body, client, out))  # type: ignore[arg-type]
        finally:
            self.ended.set()


def _start_a_slow_preview(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, slow: _SlowPreview
) -> LettersDialog:
    from crmdesk.services import letters

    dialog = _dialog(qtbot, window)
    qtbot.waitUntil(lambda: dialog.pdf_button.isEnabled(), timeout=10000)  # the first preview
    monkeypatch.setattr(letters, "preview", slow)
    dialog.editor.appendPlainText("A longer letter.")
    dialog._dirty = False  # leave without the "save changes?" question
    qtbot.waitUntil(slow.started.is_set, timeout=5000)
    return dialog


def test_while_a_preview_is_made_it_says_so_and_printing_waits_for_it(
    qtbot: QtBot, shop_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = _SlowPreview(1.0, stops=True)
    dialog = _start_a_slow_preview(qtbot, shop_window, monkeypatch, slow)
    assert dialog.preview_status.isVisible()
    assert dialog.preview_status.text() == "Making the preview…"
    assert dialog.preview.page_count == 1  # the old letter stays on screen meanwhile
    assert not dialog.print_button.isEnabled() and not dialog.pdf_button.isEnabled()
    assert dialog.print_button.toolTip() == "Wait for the preview of this text."
    qtbot.waitUntil(lambda: dialog.print_button.isEnabled(), timeout=5000)
    assert dialog.pdf_button.isEnabled() and not dialog.preview_status.isVisible()
    dialog._dirty = False  # leave without the "save changes?" question
    dialog.close()


@pytest.mark.parametrize("stops", [True, False], ids=["stops when told", "does not stop"])
def test_closing_the_window_during_a_slow_preview_returns_at_once(
    qtbot: QtBot, shop_window: MainWindow, monkeypatch: pytest.MonkeyPatch, stops: bool
) -> None:
    """Closing used to wait for the preview (17.6 s of a frozen app for a long letter)."""
    from crmdesk.gui.taskman import wait_for_abandoned

    slow = _SlowPreview(3.0, stops=stops)
    dialog = _start_a_slow_preview(qtbot, shop_window, monkeypatch, slow)
    gone: list[bool] = []
    dialog.destroyed.connect(lambda: gone.append(True))
    dialog._dirty = False
    start = time.monotonic()
    dialog.close()
    assert time.monotonic() - start < 0.5
    qtbot.waitUntil(lambda: bool(gone), timeout=5000)
    assert time.monotonic() - start < 1.0  # deleted, without waiting either
    if not stops:
        assert not slow.ended.is_set()  # still running, on its own
    else:
        qtbot.waitUntil(slow.ended.is_set, timeout=5000)
        assert slow.cancelled_after is not None and slow.cancelled_after < 1.0
    wait_for_abandoned()  # (its result goes nowhere: no callback on the deleted window)
    qtbot.wait(50)


def test_a_saved_template_is_a_step_undo_takes_back(qtbot: QtBot, shop_window: MainWindow) -> None:
    """Saving or deleting a template is a change like any other: Ctrl+Z in the main window
    takes it back."""
    from crmdesk.services import letters

    window = shop_window
    dialog = _dialog(qtbot, window)
    [new] = [b for b in dialog.findChildren(QPushButton) if b.accessibleName() == "New template"]
    qtbot.mouseClick(new, Qt.MouseButton.LeftButton)
    dialog.name.setText("Spring opening")
    dialog.editor.setPlainText("Dear {{ client.greeting_name }},\n\nWe open on Saturday.")
    with qtbot.waitSignal(dialog.changed):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    dialog.close()
    names = {t.name for t in letters.list_templates(window.need_db())}
    assert "Spring opening" in names
    undo = window.undoing.act_undo
    assert undo.isEnabled() and "Spring opening" in undo.toolTip()
    undo.trigger()
    assert "Spring opening" not in {t.name for t in letters.list_templates(window.need_db())}


def test_birthdays_in_a_month_and_a_tag_are_counted_and_fields_offered(
    qtbot: QtBot, shop_window: MainWindow
) -> None:
    from crmdesk.services import letters
    from crmdesk.wording import count

    db = shop_window.db
    assert db is not None
    busiest = max(range(1, 13), key=lambda m: len(letters.clients_with_birthday_in(db, m)))
    month = letters.clients_with_birthday_in(db, busiest)
    tags = letters.all_tags(db)
    dialog = _dialog(qtbot, shop_window)
    dialog.recipients.setCurrentIndex(dialog.recipients.findText("birthdays in"))
    dialog.month.setCurrentIndex(dialog.month.findData(busiest))
    qtbot.waitUntil(lambda: dialog.count.text() != "Counting…")  # counted in the background
    assert dialog.count.text() == count(len(month), "letter") and len(month) > 1
    dialog.recipients.setCurrentIndex(dialog.recipients.findText("every client tagged"))
    dialog.tag.setCurrentIndex(dialog.tag.findText(tags[0]))
    qtbot.waitUntil(lambda: dialog.count.text() != "Counting…")
    tagged = letters.clients_with_tag(db, tags[0])
    assert dialog.count.text() == count(len(tagged), "letter")
    menu = dialog.insert_button.menu()
    facts = next(a.menu() for a in menu.actions() if a.text() == "Things to remember")
    qtbot.waitUntil(facts.isEnabled)  # the labels people remember, read in the background
    assert [a.text() for a in facts.actions()] == letters.fact_labels(db)


def test_the_window_stays_until_its_letters_are_written_and_logged(
    qtbot: QtBot, shop_window: MainWindow, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, shop_window)
    qtbot.waitUntil(lambda: dialog.pdf_button.isEnabled(), timeout=10000)  # the preview
    with qtbot.waitSignal(dialog.changed, timeout=20000):
        dialog.save_pdf(tmp_path / "one.pdf")  # on the app's write lane
        assert dialog.writing
        dialog.close()
        dialog.reject()  # (Esc)
        assert dialog.isVisible()  # not closed under the letters being logged
    assert not dialog.writing and (tmp_path / "one.pdf").exists()
    dialog.close()
    assert not dialog.isVisible()


def test_every_client_tagged_is_offered_when_the_tags_come_after_the_window(
    qtbot: QtBot, shop_window: MainWindow
) -> None:
    from crmdesk.services import letters, notes

    db = shop_window.db
    assert db is not None and shop_window.page.record is not None
    notes.add_note(db, shop_window.page.record.id, "A write: the tags kept are stale", False)
    assert letters.tags_if_known(db) is None  # read again, in the window's background
    dialog = _dialog(qtbot, shop_window)
    qtbot.waitUntil(lambda: dialog.recipients.findText("every client tagged") >= 0)
    assert dialog.tag.count() == len(letters.all_tags(db)) > 0
    items = [dialog.recipients.itemText(i) for i in range(dialog.recipients.count())]
    assert items[-2:] == ["every client tagged", "birthdays in"]
