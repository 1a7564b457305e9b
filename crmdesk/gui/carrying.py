"""Carrying the database: a copy for another machine, merging a copy back (with its summary
and the conflict review), backups and restoring one, checking the file, erasing a person,
and what happens by itself: a check and a backup when a file is opened (and a word if an
older copy was dragged over it, or it lives on a stick or a cloud folder), and a backup
every hour while something changed."""

from __future__ import annotations

import html
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from crmdesk import paths
from crmdesk.errors import CrmError
from crmdesk.gui import collector, dialogs
from crmdesk.gui.controller import Controller
from crmdesk.gui.problems import show_problem

if TYPE_CHECKING:
    from crmdesk.gui.app_state import AppState
    from crmdesk.gui.controller import OnScreen
    from crmdesk.gui.dialogs.passphrase_dialogs import MergePassphraseDialog
    from crmdesk.services.backups import CheckReport, LostWork
    from crmdesk.services.sync import MergeSummary
    from crmdesk.store.database import Database

HOURLY_MS = 60 * 60 * 1000
SETTLE_MS = 1000
SETTLE_AT_MOST_MS = 20_000
# the core modules behind Letters, Surveys and Reports (ReportLab, Jinja2, the markup):
# loaded in the background after opening rather than when the window is first opened
WARM_UP = (
    "crmdesk.gui.letters_dialog",  # (classes only: no widget is made off the GUI thread)
    "crmdesk.gui.surveys_dialog",
    "crmdesk.gui.reports_dialog",
    "crmdesk.services.letters",
    "crmdesk.documents.letters",
    "crmdesk.documents.survey_form",
    "crmdesk.documents.report",
    "crmdesk.services.reports",
)


def conflicts_sentence(count: int) -> str:
    """What the merge summary says about `count` conflicts (at least one)."""
    if count == 1:
        return (
            "1 change was made on both machines: the later one was kept. Review it to keep "
            "the other value if that was the right one."
        )
    return (
        f"{count} changes were made on both machines: the later one was kept each time. "
        "Review them to keep the other value where it was the right one."
    )


class Carrying(Controller):
    def __init__(
        self,
        state: AppState,
        widget: QWidget,
        screen: OnScreen,
        open_file: Callable[[Path], None],
        quiet: Callable[[], bool] = lambda: True,
    ) -> None:
        super().__init__(state, widget, screen)
        self.open_file = open_file
        self.quiet = quiet  # the window has no work of its own under way (Today)
        self._waited = 0
        # checks and automatic backups only read the file: they run beside the user's work
        self.background = state.runner.reads
        self._backed_up_at = ""  # the file's clock at the last backup
        self.summary_box: QMessageBox | None = None
        self.copy_box: QMessageBox | None = None
        self.passphrase_dialog: QDialog | None = None  # the copy's, while it is open
        self.merge_dialog: MergePassphraseDialog | None = None  # an encrypted copy's, while open
        self.timer = QTimer(self)
        self.timer.setInterval(HOURLY_MS)
        self.timer.timeout.connect(self.backup_if_changed)
        self._settle = QTimer(self)  # the on-open work waits for the window to settle
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._after_settling)
        act = self._action
        self.act_copy = act("&Copy for another machine…", self.ask_copy)
        self.act_merge = act("&Merge another copy…", self.ask_merge)
        self.act_conflicts = act("Review con&flicts…", self.review_conflicts)
        self.act_backups = act("&Backups…", self.show_backups)
        self.act_check = act("Chec&k database", self.check)
        self.act_erase = act("&Erase personal data…", self.ask_erase)
        self._update_actions()

    def _update_actions(self) -> None:
        has_db = self._has_db()
        for action in (self.act_copy, self.act_merge, self.act_conflicts, self.act_backups):
            action.setEnabled(has_db)
        self.act_check.setEnabled(has_db)
        self.act_erase.setEnabled(self._has_client())

    def wait(self) -> None:
        self.background.wait()

    # ------------------------------------------------------------------ on open, hourly

    def on_database_opened(self, db: Database) -> None:
        """Check and back up the file just opened, then load what the first save, Letters,
        Surveys and Reports need, in the background (the window calls this once the list
        and the page are on screen). Both start once the window has settled — a second
        later, and Today worked out (at most 20 s later): beside that work, or Today's at
        100,000 clients, they left the window no core and made its repaints wait."""
        from crmdesk.services.location import location_warning

        if warning := location_warning(db.path):
            QMessageBox.warning(self.widget, "The database is not on this computer's disk", warning)
        self._waited = 0
        self._settle.start()

    def _after_settling(self) -> None:
        db = self.state.db
        if db is None:
            return
        if not self.quiet() and self._waited < SETTLE_AT_MOST_MS:  # (Today being worked out:
            self._waited += SETTLE_MS  # 2–3 s at 100,000 clients; two of these at once on
            self._settle.start()  # two cores left the window none)
            return
        self._waited = 0
        self._check_and_back_up(db)
        self._warm_up(db)

    def _check_and_back_up(self, db: Database) -> None:
        from crmdesk.services import backups

        def work() -> tuple[CheckReport, LostWork | None]:
            report = backups.quick_check(db.path)
            if not report.ok:
                return report, None
            lost = backups.lost_work(db)
            backups.backup_now(db, "on-open")
            return report, lost

        self._backed_up_at = backups.last_change(db)
        self.background.run(work, lambda result: self._after_open_check(db, *result))
        self.timer.start()

    def _warm_up(self, db: Database) -> None:
        """Load what the first save, Letters, Surveys and Reports need (the ORM, ReportLab,
        Jinja2, the letter font: about a second of Python)."""

        def work() -> None:
            db.warm_up()  # a first save soon after opening need not load the ORM
            for module in WARM_UP:  # what Letters, Surveys and Reports load (0.2 s)
                importlib.import_module(module)
            from crmdesk.documents import fonts, markup, scripts
            from crmdesk.services import letters, templating

            templating.check("{{ client.first_name }}")  # Jinja2 (Letters checks on the spot)
            letters.all_tags(db)  # (their tag lists: 0.25 s at 100,000 clients, kept)
            fonts.register()  # the letter font's tables, read once (0.15 s of Python)
            # what a letter's first preview would work out beside the window: the parser
            # of the letter text, and which characters the Latin font sets alone
            markup.blocks("**Dear** client,\n\n- a list")
            scripts.is_simple("Zoë")

        self.background.run(work, lambda _none: collector.settled())

    @property
    def busy(self) -> bool:
        """The on-open check, backup or warm-up is running or still to come."""
        return self.background.busy or self._settle.isActive()

    def _after_open_check(self, db: Database, report: CheckReport, lost: LostWork | None) -> None:
        if db is not self.state.db:
            return
        if not report.ok:
            QMessageBox.critical(
                self.widget,
                "The database is damaged",
                f"{db.path} failed its check when it was opened:\n\n"
                + "\n".join(report.problems[:5])
                + "\n\nDo not go on working in it. Choose a backup to restore in the window "
                "that opens next (the damaged file is backed up first).",
            )
            self.show_backups()
            return
        self.screen.say("Checked and backed up.", 4000)
        if lost is not None:
            answer = QMessageBox.question(
                self.widget,
                "This file lacks work done on this computer",
                f"{db.path.name} does not hold changes made on this computer up to "
                f"{lost.made_at:%d %b %Y %H:%M}: an older copy was probably copied over it.\n\n"
                "Merge them back in from the backup that holds them? Nothing in the file is "
                "lost by merging.",
            )
            if answer == QMessageBox.StandardButton.Yes:
                from crmdesk.services import sync

                self._merge(lambda: sync.merge_back(db, lost))

    def backup_if_changed(self) -> None:
        from crmdesk.services import backups

        db = self.state.db
        if db is None or backups.last_change(db) == self._backed_up_at:
            return
        self._backed_up_at = backups.last_change(db)
        self.background.run(lambda: backups.backup_now(db, "hourly"), lambda _path: None)

    # ------------------------------------------------------------------ copy and merge

    def ask_copy(self) -> None:
        db = self.state.db
        if db is None:
            return
        folder = QFileDialog.getExistingDirectory(
            self.widget, "Copy for another machine: choose the stick or shared folder"
        )
        if folder:
            self.copy_to(Path(folder))

    def copy_to(self, folder: Path) -> None:
        """Ask for the copy's passphrase (or none), then write it into `folder`."""
        from crmdesk.gui.dialogs.passphrase_dialogs import CopyPassphraseDialog
        from crmdesk.services import passphrases

        db = self.state.need_db()
        dialog = CopyPassphraseDialog(folder.name or str(folder), self.widget)
        self.passphrase_dialog = dialog
        lineage = db.lineage_id

        def found(result: tuple[str, str | None]) -> None:
            if self.passphrase_dialog is dialog:
                dialog.keyring_found(*result)

        self.background.run(
            lambda: (passphrases.keyring_name(), passphrases.remembered(lineage)), found
        )
        try:
            if not dialog.exec():
                return
            passphrase, remember = dialog.chosen, dialog.remember_it
        finally:
            self.passphrase_dialog = None
            dialog.deleteLater()
        self.write_copy(folder, passphrase, remember=remember)

    def write_copy(self, folder: Path, passphrase: str | None, *, remember: bool = False) -> None:
        """Write a copy into `folder`, encrypted with `passphrase` (None: unencrypted)."""
        from crmdesk.services import passphrases, sync

        db = self.state.need_db()
        self.screen.say(f"Writing a copy to {folder}…")

        def work() -> tuple[Path, bool]:
            target = sync.copy_for_another_machine(db, folder, passphrase=passphrase)
            kept = remember and passphrase is not None
            return target, kept and passphrases.remember(db.lineage_id, passphrase or "")

        def done(result: tuple[Path, bool]) -> None:
            w, (target, remembered) = self.widget, result
            encrypted = passphrase is not None
            how = "encrypted and checked" if encrypted else "checked, not encrypted"
            self.screen.say(f"Wrote {target}, {how}.", 10000)
            text = f"Wrote {target.name} to {target.parent}, {how}."
            if passphrase is None:
                text += (
                    "\n\nIt is not encrypted: keep the stick safe and delete the copy once "
                    "it has been merged."
                )
            elif remembered:
                text += "\n\nThe passphrase is remembered on this computer."
            text += "\n\nOn the other machine, use File ▸ Merge another copy…"
            if passphrase is None:
                text += " (or open it there if that machine has no database yet)."
            else:
                text += " and type the passphrase."
            box = QMessageBox(QMessageBox.Icon.Information, "Copy written", text, parent=w)
            box.addButton(QMessageBox.StandardButton.Close)
            self.copy_box = box
            box.open()

        self.state.runner.writes.run(work, done, self._failed)

    def ask_merge(self) -> None:
        if self.state.db is None:
            return
        from crmdesk.services.sync import ENCRYPTED_SUFFIX

        name, _ = QFileDialog.getOpenFileName(
            self.widget,
            "Merge another copy of this database",
            str(paths.data_dir()),
            f"crmdesk copies (*{paths.DB_SUFFIX} *{ENCRYPTED_SUFFIX});;All files (*)",
        )
        if name:
            self.merge_from(Path(name))

    def merge_from(
        self, other: Path, passphrase: str | None = None, *, remember: bool = False
    ) -> None:
        """Merge `other`. An encrypted copy is tried with `passphrase`, else with the one
        remembered for this business; without either, or with a wrong one, the passphrase
        is asked for (saying what was wrong) and the merge tried again."""
        from crmdesk.services import passphrases, sync

        db = self.state.need_db()
        self.screen.say(f"Merging {other.name}…")
        if not sync.is_encrypted(other):
            self._merge(lambda: sync.merge(db, other))
            return

        keyring: list[str] = []  # the keyring's name, looked up on the worker

        def work() -> MergeSummary:
            keyring.append(passphrases.keyring_name())
            used = passphrase if passphrase is not None else passphrases.remembered(db.lineage_id)
            summary = sync.merge(db, other, used)
            if remember and passphrase is not None:
                passphrases.remember(db.lineage_id, passphrase)
            return summary

        def failed(error: Exception) -> None:
            from crmdesk.errors import PassphraseNeededError, WrongPassphraseError

            asking = self.merge_dialog
            if isinstance(error, WrongPassphraseError) and passphrase is not None:
                if asking is not None:  # (else the user gave up while it was tried)
                    asking.refused("That passphrase does not open it; nothing was merged. "
                                   "Try again.")  # fmt: skip
            elif isinstance(error, PassphraseNeededError):
                self.ask_passphrase(other, keyring[0], "")
            elif isinstance(error, WrongPassphraseError):
                self.ask_passphrase(
                    other,
                    keyring[0],
                    "The passphrase remembered for this business does not open it.",
                )
            else:
                if asking is not None:
                    asking.reject()
                self._failed(error)

        def merged(summary: MergeSummary) -> None:
            if self.merge_dialog is not None:
                self.merge_dialog.succeeded()
            self._show_summary(summary)

        self.state.runner.writes.run(work, merged, failed)

    def ask_passphrase(self, other: Path, keyring_name: str, problem: str) -> None:
        """Ask for the passphrase of the encrypted copy `other` (a window-modal dialog, open
        until the merge is done or the user gives up: a wrong passphrase is said in it)."""
        from crmdesk.gui.dialogs.passphrase_dialogs import MergePassphraseDialog

        self.screen.say("")
        dialog = MergePassphraseDialog(other.name, keyring_name, problem, parent=self.widget)
        self.merge_dialog = dialog

        def submitted(passphrase: str, remember: bool) -> None:
            self.merge_from(other, passphrase, remember=remember)

        def finished(_result: int) -> None:
            if self.merge_dialog is dialog:
                self.merge_dialog = None
            dialog.deleteLater()

        dialog.submitted.connect(submitted)
        dialog.finished.connect(finished)
        dialog.open()

    def _merge(self, work: Any) -> None:
        self.state.runner.writes.run(work, self._show_summary, self._failed)

    def _show_summary(self, summary: MergeSummary) -> None:
        w = self.widget
        self.state.undo_stack.clear()  # its steps could overwrite what came in
        self.state.apply(summary.as_changes(), self)
        self.screen.say(f"Merged {summary.other.name}.", 10000)
        box = QMessageBox(QMessageBox.Icon.Information, "Merged", "", parent=w)
        box.setText(f"Merged {summary.other.name} into {self.state.need_db().path.name}.")
        detail = "<br>".join(html.escape(line) for line in summary.lines())
        if summary.conflicts:
            detail += f"<br><br>{html.escape(conflicts_sentence(summary.conflicts))}"
            review = box.addButton("Review conflicts…", QMessageBox.ButtonRole.AcceptRole)
            review.clicked.connect(self.review_conflicts)
        if summary.backup is not None:
            # rich text (Qt tells by the tags): the backup's name on a line of its own, unbroken
            detail += (
                "<br><br>Backup made before merging:<br>"
                f'<span style="white-space:nowrap">{html.escape(summary.backup.name)}</span>'
            )
        box.setInformativeText(f"<p>{detail}</p>")  # (a tag: Qt reads it as rich text)
        box.addButton(QMessageBox.StandardButton.Close)
        self.summary_box = box
        box.open()

    def review_conflicts(self) -> None:
        if self.state.db is not None:
            self.state.run_dialog(dialogs.ConflictsDialog(self.state.need_db(), self.widget))

    # ------------------------------------------------------------------ backups and checks

    def show_backups(self) -> None:
        db = self.state.db
        if db is None:
            return
        dialog = dialogs.BackupsDialog(db, parent=self.widget)
        try:
            chosen = dialog.chosen if dialog.exec() else None
        finally:
            dialog.deleteLater()
        if chosen is not None:
            self.restore(chosen)

    def restore(self, backup: Path) -> None:
        """Put `backup` in place of the open file: it is closed, backed up, replaced, and
        opened again."""
        from crmdesk.services import backups

        db = self.state.need_db()
        path, lineage = db.path, db.lineage_id
        self.state.close()  # (its background work is waited for; Undo forgets its steps)

        def done(before: Path) -> None:
            self.open_file(path)
            self.screen.say(
                f"Restored {backup.name}. The database as it was is kept in {before.name}.", 15000
            )

        def failed(error: Exception) -> None:
            self.open_file(path)
            self._failed(error)

        self.state.runner.writes.run(lambda: backups.restore(path, backup, lineage), done, failed)

    def check(self) -> None:
        from crmdesk.services import backups

        db = self.state.need_db()

        def done(report: CheckReport) -> None:
            if report.ok:
                QMessageBox.information(
                    self.widget,
                    "Check database",
                    f"{db.path.name}: no problems found (integrity and references).",
                )
                return
            QMessageBox.critical(
                self.widget,
                "Check database",
                f"{db.path.name} has problems:\n\n"
                + "\n".join(report.problems[:10])
                + "\n\nRestore a backup in the window that opens next.",
            )
            self.show_backups()

        self.screen.say("Checking the database…")
        self.state.runner.writes.run(lambda: backups.check_database(db.path), done, self._failed)

    # ------------------------------------------------------------------ erasing

    def ask_erase(self) -> None:
        record = self.screen.client() if self.state.db is not None else None
        if record is None:
            return
        answer = QMessageBox.warning(
            self.widget,
            "Erase personal data",
            f"Erase everything about {record.display_name}: their profile, notes, things to "
            "remember, history and complaints? Purchases and survey scores stay, with no name."
            "\n\nThey are erased from the backups kept on this machine too. This cannot be "
            "undone, and it reaches the other machine's copy (and its backups) at the next "
            "merge. Do it only when the person asked to be forgotten.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.erase(record.id)

    def erase(self, client_id: str) -> None:
        from crmdesk.services import erase

        w = self.widget
        db = self.state.need_db()

        def done(changes: Any) -> None:
            self.state.undo_stack.clear()  # its steps could write the erased data back
            self.state.apply(changes, self)
            if changes.warnings:
                QMessageBox.warning(
                    w,
                    "Erased, but not everywhere yet",
                    "The person is erased from this database. Not finished:\n\n"
                    + "\n\n".join(changes.warnings),
                )
                return
            self.screen.say(
                "Erased, here and from this machine's backups. Only an anonymous tombstone "
                "is left.",
                10000,
            )

        self.screen.say("Erasing, and going through the backups…")
        self.state.runner.writes.run(lambda: erase.erase_client(db, client_id), done, self._failed)

    def _failed(self, error: Exception) -> None:
        if not isinstance(error, CrmError):
            raise error
        self.screen.say("")
        show_problem(self.widget, "Nothing was changed", error)
