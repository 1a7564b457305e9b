"""The passphrase of a copy for another machine: chosen when the copy is written, typed when
an encrypted copy is merged or opened. The keyring is looked up off the GUI thread (it may
wait for the user to unlock it); the dialogs are told what was found with `keyring_found`.

Typing a copy's passphrase to merge or open it keeps one dialog on screen: it says
`submitted`, shows it is trying, and is either closed (`succeeded`) or told why not
(`refused`), with the passphrase selected to type again."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.services.passphrases import MIN_LENGTH, check_passphrase

_PROBLEM_STYLE = "color: #b00020;"
_QUIET_STYLE = "color: palette(placeholder-text);"
LOOKING = "Looking for this computer's keyring…"


def _secret(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


def _remember_box() -> QCheckBox:
    box = QCheckBox("Remember it on &this computer")
    box.setAccessibleName("Remember the passphrase on this computer")
    box.setEnabled(False)
    box.setToolTip(LOOKING)
    return box


def _keyring_note() -> QLabel:
    """Says, beside the Remember box, that the keyring is being looked for."""
    note = QLabel(LOOKING)
    note.setStyleSheet(_QUIET_STYLE)
    note.setAccessibleName("Keyring")
    return note


def _set_keyring(box: QCheckBox, note: QLabel, keyring_name: str) -> None:
    box.setEnabled(bool(keyring_name))
    box.setChecked(bool(keyring_name))
    box.setToolTip(
        f"Kept in {keyring_name}, never in a file."
        if keyring_name
        else "This computer has no keyring to keep it in: type it each time."
    )
    note.setVisible(not keyring_name)
    note.setText("" if keyring_name else "(no keyring on this computer: type it each time)")


def _problem_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(_PROBLEM_STYLE)
    label.setWordWrap(True)
    label.setVisible(bool(text))
    label.setAccessibleName("Problem")
    return label


class CopyPassphraseDialog(QDialog):
    """Encrypt the copy with a new or the remembered passphrase, or write it in the clear."""

    def __init__(self, folder_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Copy for another machine")
        self._remembered: str | None = None
        intro = QLabel(
            f"The copy written to <b>{folder_name}</b> holds every client's personal data. "
            "Encrypted, it can only be read with the passphrase: a lost stick gives away "
            "nothing."
        )
        intro.setWordWrap(True)
        self.encrypt = QRadioButton("&Encrypt it with a passphrase (recommended)")
        self.plain = QRadioButton("Write it &unencrypted: anyone with the stick can read it")
        group = QButtonGroup(self)
        group.addButton(self.encrypt)
        group.addButton(self.plain)
        self.encrypt.setChecked(True)
        self.use_remembered = QCheckBox("Use the passphrase &remembered for this business")
        self.use_remembered.setAccessibleName("Use the remembered passphrase")
        self.use_remembered.setVisible(False)
        self.passphrase = _secret("Passphrase")
        self.repeat = _secret("The same passphrase again")
        self.fields = QWidget()
        form = QFormLayout(self.fields)
        form.setContentsMargins(24, 0, 0, 0)
        form.addRow("&Passphrase:", self.passphrase)
        form.addRow("The same &again:", self.repeat)
        self.remember = _remember_box()
        self.keyring_note = _keyring_note()
        self.problem = _problem_label()
        self._left_field = False  # the length is judged once the field is left (or Write)
        hint = QLabel(
            "Give it to whoever merges the copy on the other machine, not with the stick. "
            "At least 8 characters; a few unrelated words are easy to remember and hard to guess."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet(_QUIET_STYLE)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("&Write the copy")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.encrypt)
        layout.addWidget(self.use_remembered)
        layout.addWidget(self.fields)
        layout.addWidget(hint)
        layout.addWidget(self.remember)
        layout.addWidget(self.keyring_note)
        layout.addWidget(self.plain)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.passphrase.setFocus()  # typing goes into the passphrase at once

        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.encrypt.toggled.connect(self._on_choice_toggled)
        self.use_remembered.toggled.connect(self._on_choice_toggled)
        self.passphrase.textChanged.connect(self._on_passphrase_text_changed)
        self.repeat.textChanged.connect(self._on_passphrase_text_changed)
        self.passphrase.editingFinished.connect(self._on_passphrase_editing_finished)
        self._update()

    def keyring_found(self, keyring_name: str, remembered: str | None) -> None:
        """What the keyring holds for this business (called once it has been looked up)."""
        self._remembered = remembered
        _set_keyring(self.remember, self.keyring_note, keyring_name)
        if remembered:
            self.use_remembered.setVisible(True)
            self.use_remembered.setChecked(True)
            if not self.passphrase.text():
                self.ok.setFocus()  # nothing to type: Enter writes the copy
        self._update()

    @property
    def chosen(self) -> str | None:
        """The passphrase to encrypt with; None: write the copy unencrypted."""
        if self.plain.isChecked():
            return None
        if self._remembered and self.use_remembered.isChecked():
            return self._remembered
        return self.passphrase.text()

    @property
    def remember_it(self) -> bool:
        """Remember the chosen passphrase (a new one; the remembered one stays)."""
        new = not (self._remembered and self.use_remembered.isChecked())
        return self.encrypt.isChecked() and new and self.remember.isChecked()

    def _on_choice_toggled(self, _on: bool) -> None:
        self._update()

    def _on_passphrase_text_changed(self, _text: str) -> None:
        self._update()

    def _on_passphrase_editing_finished(self) -> None:
        self._left_field = bool(self.passphrase.text())
        self._update()

    def _on_buttons_accepted(self) -> None:
        """Write: with a passphrase too short, say so (and stay) rather than do nothing."""
        self._left_field = True
        self._update()
        if self.ok.isEnabled():
            self.accept()
        elif self.encrypt.isChecked() and check_passphrase(self.passphrase.text()):
            self.passphrase.setFocus()

    def _update(self) -> None:
        encrypt = self.encrypt.isChecked()
        remembered = bool(self._remembered) and self.use_remembered.isChecked()
        self.use_remembered.setEnabled(encrypt)
        self.fields.setEnabled(encrypt and not remembered)
        self.remember.setVisible(not remembered)
        self.keyring_note.setVisible(not remembered and bool(self.keyring_note.text()))
        problem = ""
        if encrypt and not remembered:
            typed, again = self.passphrase.text(), self.repeat.text()
            too_short = check_passphrase(typed)
            # the length is said once the field is left (or Write pressed), not while typing
            if typed and too_short and (self._left_field or len(again) >= MIN_LENGTH):
                problem = too_short
            elif again and again != typed[: len(again)]:
                problem = "The two passphrases are not the same."
            ready = bool(typed) and again == typed and not too_short
        else:
            ready = True
        if not encrypt:
            problem = "Anyone who finds the stick can open the copy and read every client's data."
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.ok.setEnabled(ready)


class TypedPassphraseDialog(QDialog):
    """The passphrase of an encrypted copy, typed to use it. Stays open while it is tried:
    OK says `submitted(passphrase, remember)`; the caller then calls `succeeded()` or
    `refused(why)`."""

    submitted = Signal(str, bool)

    def __init__(
        self,
        title: str,
        intro_html: str,
        action: str,
        keyring_name: str,
        problem: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        intro = QLabel(intro_html)
        intro.setWordWrap(True)
        self.passphrase = _secret("Passphrase")
        form = QFormLayout()
        form.addRow("&Passphrase:", self.passphrase)
        self.remember = _remember_box()
        self.keyring_note = _keyring_note()
        _set_keyring(self.remember, self.keyring_note, keyring_name)
        self._keyring = bool(keyring_name)
        self.problem = _problem_label(problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(action)
        self.ok.setEnabled(False)
        layout = self._layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.remember)
        layout.addWidget(self.keyring_note)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.passphrase.setFocus()
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.passphrase.textChanged.connect(self._on_passphrase_text_changed)

    @property
    def trying(self) -> bool:
        """A passphrase was submitted and has not been answered yet."""
        return not self.passphrase.isEnabled()

    def succeeded(self) -> None:
        self.accept()

    def refused(self, why: str) -> None:
        """The passphrase did not do: say why, and select it to be typed again."""
        self._say(why)
        self.passphrase.setEnabled(True)
        self.remember.setEnabled(self._keyring)
        self.ok.setEnabled(bool(self.passphrase.text()))
        self.passphrase.selectAll()
        self.passphrase.setFocus()

    def _on_buttons_accepted(self) -> None:
        if not self.passphrase.text() or self.trying:
            return
        self._say("Trying the passphrase…")
        self.passphrase.setEnabled(False)
        self.remember.setEnabled(False)
        self.ok.setEnabled(False)
        self.submitted.emit(self.passphrase.text(), self.remember.isChecked())

    def _on_passphrase_text_changed(self, text: str) -> None:
        self.ok.setEnabled(bool(text) and not self.trying)

    def _say(self, text: str) -> None:
        """Show `text` as the problem, growing the dialog to fit (never squeezing the
        wrapped intro under the field)."""
        self.problem.setText(text)
        self.problem.setVisible(True)
        self._layout.activate()
        wanted = self._layout.totalHeightForWidth(self.width())
        if wanted > self.height():
            self.resize(self.width(), wanted)


class MergePassphraseDialog(TypedPassphraseDialog):
    """The passphrase of an encrypted copy being merged."""

    def __init__(
        self, copy_name: str, keyring_name: str, problem: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(
            "Merge an encrypted copy",
            f"<b>{copy_name}</b> is encrypted. Type the passphrase chosen when it was written.",
            "&Merge",
            keyring_name,
            problem,
            parent,
        )


class OpenPassphraseDialog(TypedPassphraseDialog):
    """The passphrase of an encrypted copy being opened: decrypted into a database here."""

    def __init__(
        self,
        copy_name: str,
        target: Path,
        keyring_name: str,
        problem: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "Open an encrypted copy",
            f"<b>{copy_name}</b> is encrypted. Type the passphrase chosen when it was "
            "written: the copy is decrypted into a database of its own on this computer, "
            f"<b>{target.name}</b> in {target.parent}, and that is opened. The copy itself "
            "is left as it is.",
            "&Open",
            keyring_name,
            problem,
            parent,
        )
