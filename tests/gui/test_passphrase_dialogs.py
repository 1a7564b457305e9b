"""The passphrase dialogs as a user types in them: the cursor starts in the passphrase, the
"too short" warning waits until the field is left (or Write is pressed), the keyring being
looked for is said in words, and every Alt+letter in a dialog is its own."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QLabel
from pytestqt.qtbot import QtBot

from crmdesk.gui.dialogs.passphrase_dialogs import (
    LOOKING,
    CopyPassphraseDialog,
    MergePassphraseDialog,
    OpenPassphraseDialog,
)
from tests.gui.test_encrypted_copies import shot


def shown(qtbot: QtBot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def mnemonics(dialog: QDialog) -> list[str]:
    """The Alt+letters of the dialog's buttons and labels (hidden ones too: they appear)."""
    texts = [w.text() for w in dialog.findChildren(QAbstractButton)]
    texts += [
        w.text() for w in dialog.findChildren(QLabel) if w.textFormat() != Qt.TextFormat.RichText
    ]
    return [m.lower() for t in texts for m in re.findall(r"&([^&\s])", t.replace("&&", ""))]


DIALOGS = {
    "copy": lambda: CopyPassphraseDialog("STICK"),
    "merge": lambda: MergePassphraseDialog("shop from vm.crmdesk-encrypted", ""),
    "open": lambda: OpenPassphraseDialog(
        "shop from vm.crmdesk-encrypted", Path("/home/ann/crmdesk/shop.crmdesk"), "Secret Service"
    ),
}


@pytest.mark.parametrize("which", DIALOGS)
def test_each_alt_letter_is_used_once(qtbot: QtBot, which: str) -> None:
    dialog = shown(qtbot, DIALOGS[which]())
    if isinstance(dialog, CopyPassphraseDialog):
        dialog.keyring_found("Secret Service", "an old passphrase")  # every widget shown
    keys = mnemonics(dialog)
    assert len(keys) >= 3  # (Cancel has no Alt+letter on every platform)
    twice = [k for k, n in Counter(keys).items() if n > 1]
    assert not twice, f"Alt+{twice[0].upper()} is used more than once in {which}: {keys}"


@pytest.mark.parametrize("which", DIALOGS)
def test_typing_goes_into_the_passphrase_at_once(qtbot: QtBot, which: str) -> None:
    dialog = shown(qtbot, DIALOGS[which]())
    assert dialog.focusWidget() is dialog.passphrase  # type: ignore[attr-defined]
    qtbot.keyClicks(QApplication.focusWidget(), "abc")
    assert dialog.passphrase.text() == "abc"  # type: ignore[attr-defined]


def test_too_short_is_said_once_the_field_is_left_or_write_pressed(qtbot: QtBot) -> None:
    d = shown(qtbot, CopyPassphraseDialog("STICK"))
    assert isinstance(d, CopyPassphraseDialog)
    d.keyring_found("", None)
    qtbot.keyClicks(d.passphrase, "otte")
    assert not d.problem.isVisible()  # still typing: no red at the first keystroke
    qtbot.keyClick(d.passphrase, Qt.Key.Key_Tab)  # on to the second field
    assert d.focusWidget() is d.repeat
    assert d.problem.isVisible() and "at least 8 characters" in d.problem.text()
    shot(d, "copy-too-short")
    qtbot.keyClicks(d.passphrase, "rs in the river")
    assert not d.problem.isVisible()

    d2 = shown(qtbot, CopyPassphraseDialog("STICK"))
    assert isinstance(d2, CopyPassphraseDialog)
    d2.passphrase.setText("short")
    assert not d2.problem.isVisible()
    d2.buttons.accepted.emit()  # Write (Enter): says why, does not close
    assert d2.isVisible() and "at least 8 characters" in d2.problem.text()
    assert d2.focusWidget() is d2.passphrase


def test_looking_for_the_keyring_is_said(qtbot: QtBot) -> None:
    d = shown(qtbot, CopyPassphraseDialog("STICK"))
    assert isinstance(d, CopyPassphraseDialog)
    assert d.keyring_note.isVisible() and d.keyring_note.text() == LOOKING
    assert not d.remember.isEnabled()
    shot(d, "copy-looking-for-keyring")
    d.keyring_found("Secret Service", None)
    assert not d.keyring_note.isVisible() and d.remember.isEnabled()
    d.keyring_found("", None)
    assert d.keyring_note.isVisible() and "no keyring" in d.keyring_note.text()


def test_with_a_remembered_passphrase_enter_writes_the_copy(qtbot: QtBot) -> None:
    d = shown(qtbot, CopyPassphraseDialog("STICK"))
    assert isinstance(d, CopyPassphraseDialog)
    d.keyring_found("Secret Service", "an old passphrase")
    assert d.focusWidget() is d.ok and d.ok.isEnabled()
    shot(d, "copy-remembered-focus")
