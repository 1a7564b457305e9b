"""What the Help menu shows: the user guide (Markdown, with a find box), the keyboard
shortcuts (read from the window's menus), the log, and About (version, where the data is,
the licences of Qt, the fonts and the libraries)."""

from __future__ import annotations

import html
import platform
from collections.abc import Iterable
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMenuBar,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from crmdesk import __version__, licences, paths
from crmdesk.gui.runner import Runner
from crmdesk.gui.widgets import resize_within_screen

LOG_TAIL_BYTES = 200_000  # the end of a long log is what matters


def _close_buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
    return buttons


class GuideWindow(QDialog):
    """The user guide, searchable: type in Find, Enter (or F3) for the next place,
    Shift+Enter (Shift+F3) for the one before; it wraps round at the end."""

    def __init__(self, markdown: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("crmdesk user guide")
        self.setAccessibleName("User guide")
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("guide")
        self.browser.setAccessibleName("User guide text")
        self.browser.setOpenExternalLinks(True)
        missing = "# The guide is missing\n\nIt was not installed; README.md holds the same text."
        self.browser.setMarkdown(markdown or missing)
        self.find_box = QLineEdit(self)
        self.find_box.setObjectName("find")
        self.find_box.setAccessibleName("Find in the guide")
        self.find_box.setPlaceholderText("Find in the guide (Enter: next, Shift+Enter: previous)")
        self.find_box.setClearButtonEnabled(True)
        self.found = QLabel(self)
        self.found.setAccessibleName("Find result")
        row = QHBoxLayout()
        label = QLabel("&Find:", self)
        label.setBuddy(self.find_box)
        row.addWidget(label)
        row.addWidget(self.find_box, 1)
        row.addWidget(self.found)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.browser, 1)
        layout.addWidget(_close_buttons(self))
        for keys, backward in ((QKeySequence.StandardKey.FindNext, False),
                               (QKeySequence.StandardKey.FindPrevious, True)):  # fmt: skip
            act = QAction(self)
            act.setShortcuts(keys)
            act.triggered.connect(lambda _=False, b=backward: self.find_text(backward=b))
            self.addAction(act)
        self.find_box.textEdited.connect(self._on_find_box_text_edited)
        self.find_box.returnPressed.connect(self._on_find_box_return_pressed)
        resize_within_screen(self, 860, 760)

    def find_text(self, text: str | None = None, backward: bool = False) -> bool:
        """Select the next place `text` (else the find box's) is in the guide; False and
        "Not in the guide" if it is nowhere."""
        text = self.find_box.text() if text is None else text
        if not text:
            self.found.clear()
            return False
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        hit = self.browser.find(text, flags)
        if not hit:  # wrap round
            cursor = self.browser.textCursor()
            cursor.movePosition(
                cursor.MoveOperation.End if backward else cursor.MoveOperation.Start
            )
            self.browser.setTextCursor(cursor)
            hit = self.browser.find(text, flags)
        self.found.setText("" if hit else "Not in the guide")
        self.found.setStyleSheet("" if hit else "color: #b00020;")
        return hit

    def _on_find_box_text_edited(self, text: str) -> None:
        cursor = self.browser.textCursor()  # look again from where this match starts
        cursor.setPosition(cursor.selectionStart())
        self.browser.setTextCursor(cursor)
        self.find_text(text)

    def _on_find_box_return_pressed(self) -> None:
        shift = QGuiApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier
        self.find_text(backward=bool(shift))


def shortcut_rows(menubar: QMenuBar) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every action in the window's menus with a shortcut, in
    menu order: what the user can press, as the menus themselves have it."""
    rows: list[tuple[str, str, str]] = []

    def walk(menu: QMenu, path: str) -> None:
        for act in menu.actions():
            sub = act.menu()
            if isinstance(sub, QMenu):
                walk(sub, f"{path} ▸ {_plain(sub.title())}")
            elif not act.isSeparator() and (keys := _typed_keys(act)):
                rows.append((path, _plain(act.text()), keys))

    for top in menubar.actions():
        sub = top.menu()
        if isinstance(sub, QMenu):
            walk(sub, _plain(sub.title()))
    return rows


def _typed_keys(act: QAction) -> str:
    """ "Ctrl+Z or Alt+Backspace": the action's keys that are typed on a keyboard, leaving out
    the special keys some keyboards have for it (an "Undo" or "Open" key)."""
    typed = [
        k.toString(QKeySequence.SequenceFormat.NativeText)
        for k in act.shortcuts()
        if k.count() and k[0].key() < Qt.Key.Key_Super_L  # type: ignore[index]  # (to F35: typed)
    ]
    return " or ".join(typed)


def _plain(text: str) -> str:
    """An action's text as read: no mnemonic "&" (a "&&" is one "&"), no "…"."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…")


class ShortcutsDialog(QDialog):
    def __init__(self, rows: Iterable[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtGui import QStandardItem, QStandardItemModel

        self.setWindowTitle("Keyboard shortcuts")
        self.setAccessibleName("Keyboard shortcuts")
        model = self.model = QStandardItemModel(0, 3, self)
        model.setHorizontalHeaderLabels(["Menu", "Action", "Keys"])
        for row in rows:
            items = [QStandardItem(text) for text in row]
            for item in items:
                item.setEditable(False)
            model.appendRow(items)
        view = self.view = QTreeView(self)
        view.setAccessibleName("Shortcuts")
        view.setRootIsDecorated(False)
        view.setAlternatingRowColors(True)
        view.setModel(model)
        for column in range(3):
            view.resizeColumnToContents(column)
        note = QLabel("Read from the menus as they are now. In the client list, Del moves the "
                      "chosen clients to the Trash.", self)  # fmt: skip
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(view, 1)
        layout.addWidget(note)
        layout.addWidget(_close_buttons(self))
        resize_within_screen(self, 620, 620)


def open_folder(folder: Path) -> bool:
    """Show `folder` in the system's file manager (False if none could be started)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def log_tail(file: Path) -> str:
    """The end of the log (its last LOG_TAIL_BYTES), or "" if nothing was ever logged."""
    try:
        with file.open("rb") as log:
            log.seek(0, 2)
            size = log.tell()
            log.seek(max(0, size - LOG_TAIL_BYTES))
            data = log.read()
    except OSError:
        return ""
    text = data.decode("utf-8", errors="replace")
    return text.partition("\n")[2] if size > LOG_TAIL_BYTES else text


class LogDialog(QDialog):
    """The log (crmdesk.log in the data folder): what went wrong, to copy into a report."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("crmdesk log")
        self.setAccessibleName("Log")
        file = paths.log_file()
        text = log_tail(file)
        where = QLabel(str(file), self)
        where.setTextFormat(Qt.TextFormat.PlainText)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("log")
        self.text.setAccessibleName("Log text")
        self.text.setReadOnly(True)
        self.text.setPlainText(text or "Nothing has been logged: nothing has gone wrong so far.")
        self.text.moveCursor(self.text.textCursor().MoveOperation.End)
        self.copy = QPushButton("&Copy", self)
        self.copy.setAccessibleName("Copy the log")
        self.copy.setEnabled(bool(text))
        self.copy.clicked.connect(self._on_copy_clicked)
        self.folder = QPushButton("Open the &folder", self)
        self.folder.setAccessibleName("Open the data folder")
        self.folder.clicked.connect(lambda: open_folder(file.parent))
        buttons = _close_buttons(self)
        buttons.addButton(self.copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.folder, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(where)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        resize_within_screen(self, 860, 560)

    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())
        self.copy.setText("Copied")


def about_html(database: Path | None, libraries: list[licences.Library] | None) -> str:
    """What Help ▸ About says: the version, where the data is, and whose work crmdesk uses
    under which licence (Qt, the fonts, every library, from their installed metadata; None
    while they are still being read)."""
    e = html.escape
    rows = (
        "".join(
            f"<tr><td>{e(lib.name)}</td><td>{e(lib.version)}</td><td>{e(lib.licence)}</td></tr>"
            for lib in libraries or ()
        )
        or "<tr><td colspan='3'>Reading the installed libraries…</td></tr>"
    )
    fonts = "".join(
        f"<li>{e(f.fonts)}: {e(f.licence)} (<a href='{QUrl.fromLocalFile(str(f.file)).toString()}'>"
        f"{e(f.file.name)}</a>)</li>"
        for f in licences.font_licences()
    )
    db = e(str(database)) if database else "none open"
    return (
        f"<h2>crmdesk {e(__version__)}</h2>"
        "<p>Client profiles, notes and history for a small shop, kept on this computer.</p>"
        f"<p><b>Database:</b> {db}<br><b>Data folder</b> (backups, log, settings of this "
        f"computer): {e(str(paths.data_dir()))}<br><b>Log:</b> {e(str(paths.log_file()))}</p>"
        f"<p>Python {e(platform.python_version())} on {e(platform.platform(terse=True))}.</p>"
        "<h3>Qt</h3>"
        f"<p>Qt {e(qVersion())} and Qt for Python (PySide6) {e(pyside_version)}, © The Qt "
        "Company, used under the GNU Lesser General Public License v3 (LGPL-3.0): you may "
        "replace the Qt libraries crmdesk runs with by your own build of them. "
        "<a href='https://www.qt.io/licensing/open-source-lgpl-obligations'>Qt's LGPL "
        "obligations</a>.</p>"
        f"<h3>Fonts (in letters, reports and the window)</h3><ul>{fonts}</ul>"
        "<h3>Libraries</h3><table cellspacing='0' cellpadding='2'>"
        f"<tr><th align='left'>Name</th><th align='left'>Version</th>"
        f"<th align='left'>Licence</th></tr>{rows}</table>"
    )


class AboutDialog(QDialog):
    """Shown at once; the libraries' metadata (about 50 packages: a tenth of a second of
    file reading) is read on a worker and fills the table when it is there."""

    def __init__(
        self, database: Path | None, runner: Runner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.libraries: list[licences.Library] | None = None
        self.setWindowTitle("About crmdesk")
        self.setAccessibleName("About crmdesk")
        self.text = QTextBrowser(self)
        self.text.setAccessibleName("About crmdesk text")
        self.text.setOpenLinks(False)  # (a font's licence file opens in the system's viewer)
        self.text.anchorClicked.connect(QDesktopServices.openUrl)
        self.text.setHtml(about_html(database, None))
        runner.reads.run(licences.libraries, lambda found: self._show(database, found))
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(_close_buttons(self))
        resize_within_screen(self, 700, 680)

    def _show(self, database: Path | None, libraries: list[licences.Library]) -> None:
        self.libraries = libraries
        self.text.setHtml(about_html(database, libraries))
