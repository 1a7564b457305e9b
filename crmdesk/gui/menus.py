"""The main window's menus and toolbar, laid out from the controllers' actions (and the
window's own few: Find, Today, Settings)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QToolButton

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMainWindow

    from crmdesk.gui.carrying import Carrying
    from crmdesk.gui.client_actions import ClientActions
    from crmdesk.gui.duplicates import Duplicates
    from crmdesk.gui.exporting import Exporting
    from crmdesk.gui.files import Files
    from crmdesk.gui.help import Help
    from crmdesk.gui.importing import Importing
    from crmdesk.gui.keeping import Keeping
    from crmdesk.gui.paperwork import Paperwork
    from crmdesk.gui.undoing import Undoing


def build_menus(
    window: QMainWindow,
    *,
    files: Files,
    undoing: Undoing,
    clients: ClientActions,
    keeping: Keeping,
    paperwork: Paperwork,
    carrying: Carrying,
    exporting: Exporting,
    duplicates: Duplicates,
    importing: Importing,
    find: QAction,
    today: QAction,
    settings: QAction,
    help: Help,
) -> None:
    """File, Edit, Client, View and Help menus and the toolbar."""
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addActions([files.act_new_db, files.act_open])
    file_menu.addMenu(files.recent_menu)
    file_menu.addAction(files.act_open_demo)
    file_menu.addSeparator()
    file_menu.addAction(importing.act_import)
    file_menu.addSeparator()
    file_menu.addActions([carrying.act_copy, carrying.act_merge, carrying.act_conflicts])
    file_menu.addSeparator()
    file_menu.addActions([carrying.act_backups, carrying.act_check])
    file_menu.addSeparator()
    file_menu.addAction(exporting.act_export)
    file_menu.addSeparator()
    file_menu.addAction(files.act_quit)
    edit_menu = bar.addMenu("&Edit")
    edit_menu.addActions([undoing.act_undo, undoing.act_redo])
    edit_menu.addSeparator()
    edit_menu.addActions([find, settings, paperwork.act_shop])
    client_menu = bar.addMenu("&Client")
    client_menu.addActions(
        [clients.act_new_client, clients.act_edit_client, clients.act_delete_client]
    )
    client_menu.addSeparator()
    client_menu.addActions(
        [clients.act_log, clients.act_fact, clients.act_note, keeping.act_purchase,
         keeping.act_complaint]
    )  # fmt: skip
    client_menu.addSeparator()
    client_menu.addActions([paperwork.act_letters, paperwork.act_surveys])
    client_menu.addSeparator()
    client_menu.addActions([clients.act_export_personal, carrying.act_erase])
    view_menu = bar.addMenu("&View")
    view_menu.addActions([today, keeping.act_reports, keeping.act_referrals])
    view_menu.addSeparator()
    view_menu.addAction(duplicates.act_duplicates)
    view_menu.addSeparator()
    view_menu.addAction(clients.act_trash)
    help_menu = bar.addMenu("&Help")
    help_menu.addActions([help.act_guide, help.act_shortcuts])
    help_menu.addSeparator()
    help_menu.addActions([help.act_data_folder, help.act_log])
    help_menu.addSeparator()
    help_menu.addAction(help.act_about)
    toolbar = window.addToolBar("Main")
    toolbar.setObjectName("main_toolbar")
    toolbar.setMovable(False)
    toolbar.addActions(
        [today, clients.act_new_client, clients.act_log, keeping.act_purchase, clients.act_fact,
         clients.act_note, paperwork.act_letters, paperwork.act_surveys, keeping.act_reports]
    )  # fmt: skip
    toolbar.addSeparator()
    toolbar.addActions([undoing.act_undo, clients.act_trash])
    more = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")  # a narrow screen's »
    if more is not None:
        more.setAccessibleName("More tools")
        more.setToolTip("More tools")
