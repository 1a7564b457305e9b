"""The main window's menus and toolbar, laid out from its actions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu, QToolButton

if TYPE_CHECKING:
    from crmdesk.gui.main_window import MainWindow


def build_menus(w: MainWindow) -> QMenu:
    """File, Edit, Client and View menus and the toolbar; returns File ▸ Open recent."""
    bar = w.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addActions([w.act_new_db, w.act_open])
    recent = file_menu.addMenu("Open &recent")
    file_menu.addAction(w.act_open_demo)
    file_menu.addSeparator()
    c = w.carrying
    file_menu.addActions([c.act_copy, c.act_merge, c.act_conflicts])
    file_menu.addSeparator()
    file_menu.addActions([c.act_backups, c.act_check])
    file_menu.addSeparator()
    file_menu.addAction(w.act_quit)
    edit_menu = bar.addMenu("&Edit")
    edit_menu.addActions([w.act_undo, w.act_redo])
    edit_menu.addSeparator()
    edit_menu.addActions([w.act_find, w.act_settings, w.act_shop])
    client_menu = bar.addMenu("&Client")
    client_menu.addActions([w.act_new_client, w.act_edit_client, w.act_delete_client])
    client_menu.addSeparator()
    client_menu.addActions([w.act_log, w.act_fact, w.act_note, w.act_purchase, w.act_complaint])
    client_menu.addSeparator()
    client_menu.addActions([w.act_letters, w.act_surveys])
    client_menu.addSeparator()
    client_menu.addAction(w.carrying.act_erase)
    view_menu = bar.addMenu("&View")
    view_menu.addActions([w.act_today, w.act_reports, w.act_referrals])
    view_menu.addSeparator()
    view_menu.addAction(w.act_trash)
    toolbar = w.addToolBar("Main")
    toolbar.setObjectName("main_toolbar")
    toolbar.setMovable(False)
    toolbar.addActions(
        [w.act_today, w.act_new_client, w.act_log, w.act_purchase, w.act_fact, w.act_note,
         w.act_letters, w.act_surveys, w.act_reports]
    )  # fmt: skip
    toolbar.addSeparator()
    toolbar.addActions([w.act_undo, w.act_trash])
    more = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")  # a narrow screen's »
    if more is not None:
        more.setAccessibleName("More tools")
        more.setToolTip("More tools")
    return recent
