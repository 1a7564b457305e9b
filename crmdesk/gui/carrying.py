"""Carrying the database, from the main window: a copy for another machine, merging a copy
back (with its summary and the conflict review), backups and restoring one, checking the
file, erasing a person, and what happens by itself: a check and a backup when a file is
opened (and a word if an older copy was dragged over it, or it lives on a stick or a cloud
folder), and a backup every hour while something changed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox

from crmdesk import paths
from crmdesk.errors import CrmError
from crmdesk.gui import dialogs
from crmdesk.gui.problems import show_problem
from crmdesk.gui.taskman import TaskManager

if TYPE_CHECKING:
    from crmdesk.gui.main_window import MainWindow
    from crmdesk.services.backups import CheckReport, LostWork
    from crmdesk.services.sync import MergeSummary
    from crmdesk.store.database import Database

HOURLY_MS = 60 * 60 * 1000


class Carrying(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        # checks and automatic backups only read the file: they run beside the user's work
        self.background = TaskManager(self)
        self._backed_up_at = ""  # the file's clock at the last backup
        self.summary_box: QMessageBox | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(HOURLY_MS)
        self.timer.timeout.connect(self.backup_if_changed)
        act = window._action
        self.act_copy = act("&Copy for another machine…", self.ask_copy)
        self.act_merge = act("&Merge another copy…", self.ask_merge)
        self.act_conflicts = act("Review con&flicts…", self.review_conflicts)
        self.act_backups = act("&Backups…", self.show_backups)
        self.act_check = act("Chec&k database", self.check)
        self.act_erase = act("&Erase personal data…", self.ask_erase)
        window.database_opened.connect(self.on_database_opened)

    @property
    def db_actions(self) -> tuple[Any, ...]:
        return (self.act_copy, self.act_merge, self.act_conflicts, self.act_backups, self.act_check)

    def wait(self) -> None:
        self.background.wait()

    # ------------------------------------------------------------------ on open, hourly

    def on_database_opened(self, db: Database) -> None:
        from crmdesk.services import backups
        from crmdesk.services.location import location_warning

        if warning := location_warning(db.path):
            QMessageBox.warning(self.window, "The database is not on this computer's disk", warning)

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

    def _after_open_check(self, db: Database, report: CheckReport, lost: LostWork | None) -> None:
        if db is not self.window.db:
            return
        if not report.ok:
            QMessageBox.critical(
                self.window,
                "The database is damaged",
                f"{db.path} failed its check when it was opened:\n\n"
                + "\n".join(report.problems[:5])
                + "\n\nDo not go on working in it. Choose a backup to restore in the window "
                "that opens next (the damaged file is backed up first).",
            )
            self.show_backups()
            return
        self.window.statusBar().showMessage("Checked and backed up.", 4000)
        if lost is not None:
            answer = QMessageBox.question(
                self.window,
                "This file lacks work done on this computer",
                f"{db.path.name} does not hold changes made on this computer up to "
                f"{lost.made_at:%d %b %Y %H:%M}: an older copy was probably copied over it.\n\n"
                "Merge them back in from the backup that holds them? Nothing in the file is "
                "lost by merging.",
            )
            if answer == QMessageBox.StandardButton.Yes:
                from crmdesk.services import backups

                self._merge(lambda: backups.merge_back(db, lost))

    def backup_if_changed(self) -> None:
        from crmdesk.services import backups

        db = self.window.db
        if db is None or backups.last_change(db) == self._backed_up_at:
            return
        self._backed_up_at = backups.last_change(db)
        self.background.run(lambda: backups.backup_now(db, "hourly"), lambda _path: None)

    # ------------------------------------------------------------------ copy and merge

    def ask_copy(self) -> None:
        db = self.window.db
        if db is None:
            return
        folder = QFileDialog.getExistingDirectory(
            self.window, "Copy for another machine: choose the stick or shared folder"
        )
        if folder:
            self.copy_to(Path(folder))

    def copy_to(self, folder: Path) -> None:
        from crmdesk.services import sync

        db = self.window.need_db()
        self.window.statusBar().showMessage(f"Writing a copy to {folder}…")

        def done(target: Path) -> None:
            self.window.statusBar().showMessage(f"Wrote {target}, checked.", 10000)
            QMessageBox.information(
                self.window,
                "Copy written",
                f"Wrote {target.name} to {target.parent} and checked it.\n\nOn the other "
                "machine, use File ▸ Merge another copy… (or open it there if that machine "
                "has no database yet).",
            )

        self.window.tasks.run(lambda: sync.copy_for_another_machine(db, folder), done, self._failed)

    def ask_merge(self) -> None:
        if self.window.db is None:
            return
        name, _ = QFileDialog.getOpenFileName(
            self.window,
            "Merge another copy of this database",
            str(paths.data_dir()),
            f"crmdesk databases (*{paths.DB_SUFFIX});;All files (*)",
        )
        if name:
            self.merge_from(Path(name))

    def merge_from(self, other: Path) -> None:
        from crmdesk.services import sync

        db = self.window.need_db()
        self.window.statusBar().showMessage(f"Merging {other.name}…")
        self._merge(lambda: sync.merge(db, other))

    def _merge(self, work: Any) -> None:
        self.window.tasks.run(work, self._show_summary, self._failed)

    def _show_summary(self, summary: MergeSummary) -> None:
        w = self.window
        w.undo_stack.clear()  # undo steps from before the merge could overwrite what came in
        w.apply_changes(summary.as_changes())
        w.statusBar().showMessage(f"Merged {summary.other.name}.", 10000)
        box = QMessageBox(QMessageBox.Icon.Information, "Merged", "", parent=w)
        box.setText(f"Merged {summary.other.name} into {w.need_db().path.name}.")
        detail = "\n".join(summary.lines())
        if summary.conflicts:
            detail += (
                f"\n\n{summary.conflicts} change(s) were made on both machines: the later one "
                "was kept. Review them to keep the other value where it was the right one."
            )
            review = box.addButton("Review conflicts…", QMessageBox.ButtonRole.AcceptRole)
            review.clicked.connect(self.review_conflicts)
        box.setInformativeText(detail + f"\n\nBackup made before merging: {summary.backup.name}")
        box.addButton(QMessageBox.StandardButton.Close)
        self.summary_box = box
        box.open()

    def review_conflicts(self) -> None:
        if self.window.db is not None:
            self.window.run_dialog(
                dialogs.ConflictsDialog(self.window.db, self.window.apply_changes, self.window)
            )

    # ------------------------------------------------------------------ backups and checks

    def show_backups(self) -> None:
        db = self.window.db
        if db is None:
            return
        dialog = dialogs.BackupsDialog(db, parent=self.window)
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

        w = self.window
        db = w.need_db()
        path, lineage = db.path, db.lineage_id
        self.wait()
        w.db = None
        db.close()
        w.undo_stack.clear()

        def done(before: Path) -> None:
            w.open_database(path)
            w.statusBar().showMessage(
                f"Restored {backup.name}. The database as it was is kept in {before.name}.", 15000
            )

        def failed(error: Exception) -> None:
            w.open_database(path)
            self._failed(error)

        w.tasks.run(lambda: backups.restore(path, backup, lineage), done, failed)

    def check(self) -> None:
        from crmdesk.services import backups

        db = self.window.need_db()

        def done(report: CheckReport) -> None:
            if report.ok:
                QMessageBox.information(
                    self.window,
                    "Check database",
                    f"{db.path.name}: no problems found (integrity and references).",
                )
                return
            QMessageBox.critical(
                self.window,
                "Check database",
                f"{db.path.name} has problems:\n\n"
                + "\n".join(report.problems[:10])
                + "\n\nRestore a backup in the window that opens next.",
            )
            self.show_backups()

        self.window.statusBar().showMessage("Checking the database…")
        self.window.tasks.run(lambda: backups.check_database(db.path), done, self._failed)

    # ------------------------------------------------------------------ erasing

    def ask_erase(self) -> None:
        w = self.window
        record = w.page.record if w.db is not None else None
        if record is None:
            return
        answer = QMessageBox.warning(
            w,
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

        w = self.window
        db = w.need_db()

        def done(changes: Any) -> None:
            w.undo_stack.clear()  # its steps could write the erased data back
            w.apply_changes(changes)
            w.statusBar().showMessage(
                "Erased, here and from this machine's backups. Only an anonymous tombstone "
                "is left.",
                10000,
            )

        w.statusBar().showMessage("Erasing, and going through the backups…")
        w.tasks.run(lambda: erase.erase_client(db, client_id), done, self._failed)

    def _failed(self, error: Exception) -> None:
        if not isinstance(error, CrmError):
            raise error
        self.window.statusBar().clearMessage()
        show_problem(self.window, "Nothing was changed", error)
