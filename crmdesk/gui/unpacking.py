"""Opening an encrypted copy (File ▸ Open…, Open recent, `crmdesk --db COPY`): it is
decrypted into a database of its own on this computer, and that is opened.

The passphrase remembered for a business of this computer's databases is tried first; else
it is asked for in one dialog that stays open until it opens the copy or the user gives up.
Where the new database would go is taken (an empty clients.crmdesk made at first start,
say), the user chooses another name: nothing is ever decrypted over a file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from crmdesk import paths
from crmdesk.errors import CrmError, TargetExistsError, WrongPassphraseError
from crmdesk.gui.controller import Controller
from crmdesk.gui.problems import show_problem

if TYPE_CHECKING:
    from crmdesk.gui.app_state import AppState
    from crmdesk.gui.controller import OnScreen
    from crmdesk.gui.dialogs.passphrase_dialogs import OpenPassphraseDialog
    from crmdesk.services.unpacking import Unpacked


class Unpacking(Controller):
    def __init__(
        self, state: AppState, widget: QWidget, screen: OnScreen, open_file: Callable[[Path], None]
    ) -> None:
        super().__init__(state, widget, screen)
        self.open_file = open_file
        self.dialog: OpenPassphraseDialog | None = None  # while the passphrase is asked for

    def open_copy(self, copy: Path) -> None:
        """Decrypt the encrypted copy `copy` into a new database here, then open that."""
        from crmdesk.services import unpacking

        target = unpacking.default_target(copy)
        if target.exists():
            chosen = self._ask_where(copy, target)
            if chosen is None:
                return
            target = chosen
        from crmdesk.services import passphrases, recent

        db = self.state.db
        known = ([db.path] if db is not None else []) + recent.recent_files()
        self.screen.say(f"Opening {copy.name}…")

        def work() -> tuple[Unpacked | None, str]:
            found = unpacking.unpack_with_remembered(copy, known, target)
            return found, passphrases.keyring_name()

        def done(result: tuple[Unpacked | None, str]) -> None:
            unpacked, keyring_name = result
            if unpacked is not None:
                self._opened(unpacked, "with the passphrase remembered for this business")
            else:
                self._ask_passphrase(copy, target, keyring_name)

        self.state.runner.writes.run(work, done, self._failed)

    def _ask_where(self, copy: Path, taken: Path) -> Path | None:
        """The new database's file, when `taken` (the name it would get) is in use."""
        from crmdesk.services import unpacking

        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Open an encrypted copy",
            f"{copy.name} is decrypted into a database of its own on this computer, but "
            f"{taken} already exists, and it is never written over.",
            parent=self.widget,
        )
        box.setInformativeText(
            "Choose another name for the new database. (If "
            f"{taken.name} is this business's database, merge the copy into it instead: "
            "File ▸ Merge another copy….)"
        )
        choose = box.addButton("&Choose a name…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(choose)
        box.exec()
        chosen = box.clickedButton() is choose
        box.deleteLater()
        if not chosen:
            return None
        name, _ = QFileDialog.getSaveFileName(
            self.widget,
            f"The database decrypted from {copy.name}",
            str(unpacking.free_target(taken)),
            f"crmdesk databases (*{paths.DB_SUFFIX})",
        )
        if not name:
            return None
        return Path(name if name.endswith(paths.DB_SUFFIX) else name + paths.DB_SUFFIX)

    def _ask_passphrase(self, copy: Path, target: Path, keyring_name: str) -> None:
        from crmdesk.gui.dialogs.passphrase_dialogs import OpenPassphraseDialog
        from crmdesk.services import unpacking

        self.screen.say("")
        dialog = OpenPassphraseDialog(copy.name, target, keyring_name, parent=self.widget)
        self.dialog = dialog

        def submitted(passphrase: str, remember: bool) -> None:
            def work() -> Unpacked:
                unpacked = unpacking.unpack(copy, passphrase, target)
                if remember:
                    unpacking.remember_passphrase(unpacked, passphrase)
                return unpacked

            # (the user may have closed the dialog meanwhile: it is then gone)
            def done(unpacked: Unpacked) -> None:
                if self.dialog is dialog:
                    dialog.succeeded()
                self._opened(unpacked, "")  # written by now: opened even if they gave up

            def failed(error: Exception) -> None:
                asking = self.dialog is dialog
                if isinstance(error, WrongPassphraseError):
                    if asking:
                        dialog.refused(
                            "That passphrase does not open it; nothing was written. Try again."
                        )
                    return
                if asking:
                    dialog.reject()
                self._failed(error)

            self.state.runner.writes.run(work, done, failed)

        def finished(_result: int) -> None:
            if self.dialog is dialog:
                self.dialog = None
            dialog.deleteLater()

        dialog.submitted.connect(submitted)
        dialog.finished.connect(finished)
        dialog.open()

    def _opened(self, unpacked: Unpacked, how: str) -> None:
        self.open_file(unpacked.path)
        said = f" {how}" if how else ""
        self.screen.say(
            f"Decrypted {unpacked.copy.name}{said} into {unpacked.path}, checked.", 10000
        )

    def _failed(self, error: Exception) -> None:
        if not isinstance(error, CrmError):
            raise error
        self.screen.say("")
        title = "Not opened" if isinstance(error, TargetExistsError) else "Cannot open this copy"
        show_problem(self.widget, title, error)
