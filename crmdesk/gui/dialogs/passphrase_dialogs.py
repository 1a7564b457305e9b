"""The passphrase of a copy for another machine: chosen when the copy is written, typed when
an encrypted copy is merged. The keyring is looked up off the GUI thread (it may wait for
the user to unlock it); the dialogs are told what was found with `keyring_found`."""

from __future__ import annotations

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

from crmdesk.services.passphrases import check_passphrase

_PROBLEM_STYLE = "color: #b00020;"


def _secret(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


def _remember_box() -> QCheckBox:
    box = QCheckBox("&Remember it on this computer")
    box.setAccessibleName("Remember the passphrase on this computer")
    box.setEnabled(False)
    box.setToolTip("Looking for this computer's keyring…")
    return box


def _set_keyring(box: QCheckBox, keyring_name: str) -> None:
    box.setEnabled(bool(keyring_name))
    box.setChecked(bool(keyring_name))
    box.setToolTip(
        f"Kept in {keyring_name}, never in a file."
        if keyring_name
        else "This computer has no keyring to keep it in: type it each time."
    )
    if not keyring_name:
        box.setText("Remember it on this computer (no keyring here)")


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
        self.problem = QLabel()
        self.problem.setStyleSheet(_PROBLEM_STYLE)
        self.problem.setWordWrap(True)
        hint = QLabel(
            "Give it to whoever merges the copy on the other machine, not with the stick. "
            "At least 8 characters; a few unrelated words are easy to remember and hard to guess."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")
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
        layout.addWidget(self.plain)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.encrypt.toggled.connect(self._on_choice_toggled)
        self.use_remembered.toggled.connect(self._on_choice_toggled)
        self.passphrase.textChanged.connect(self._on_passphrase_text_changed)
        self.repeat.textChanged.connect(self._on_passphrase_text_changed)
        self._update()

    def keyring_found(self, keyring_name: str, remembered: str | None) -> None:
        """What the keyring holds for this business (called once it has been looked up)."""
        self._remembered = remembered
        _set_keyring(self.remember, keyring_name)
        if remembered:
            self.use_remembered.setVisible(True)
            self.use_remembered.setChecked(True)
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

    def _update(self) -> None:
        encrypt = self.encrypt.isChecked()
        remembered = bool(self._remembered) and self.use_remembered.isChecked()
        self.use_remembered.setEnabled(encrypt)
        self.fields.setEnabled(encrypt and not remembered)
        self.remember.setVisible(not remembered)
        problem = ""
        if encrypt and not remembered:
            typed, again = self.passphrase.text(), self.repeat.text()
            if typed and check_passphrase(typed):
                problem = check_passphrase(typed)
            elif again and again != typed[: len(again)]:
                problem = "The two passphrases are not the same."
            ready = bool(typed) and again == typed and not problem
        else:
            ready = True
        if not encrypt:
            problem = "Anyone who finds the stick can open the copy and read every client's data."
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.ok.setEnabled(ready)


class MergePassphraseDialog(QDialog):
    """The passphrase of an encrypted copy being merged."""

    def __init__(
        self, copy_name: str, keyring_name: str, problem: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Merge an encrypted copy")
        intro = QLabel(
            f"<b>{copy_name}</b> is encrypted. Type the passphrase chosen when it was written."
        )
        intro.setWordWrap(True)
        self.passphrase = _secret("Passphrase")
        form = QFormLayout()
        form.addRow("&Passphrase:", self.passphrase)
        self.remember = _remember_box()
        _set_keyring(self.remember, keyring_name)
        self.problem = QLabel(problem)
        self.problem.setStyleSheet(_PROBLEM_STYLE)
        self.problem.setWordWrap(True)
        self.problem.setVisible(bool(problem))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("&Merge")
        self.ok.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.remember)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.passphrase.textChanged.connect(self._on_passphrase_text_changed)

    def _on_passphrase_text_changed(self, text: str) -> None:
        self.ok.setEnabled(bool(text))
