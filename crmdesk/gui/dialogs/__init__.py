"""The dialogs, loaded when first opened (PEP 562): none is needed to show the main window,
and each pulls in its own imports (phone regions, validation…)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crmdesk.lazy import lazy_attributes

if TYPE_CHECKING:
    from crmdesk.gui.dialogs.backups_dialog import BackupsDialog
    from crmdesk.gui.dialogs.client_dialog import ClientDialog
    from crmdesk.gui.dialogs.conflicts_dialog import ConflictsDialog
    from crmdesk.gui.dialogs.entry_dialogs import ContactDialog, FactDialog, NoteDialog
    from crmdesk.gui.dialogs.keeping_dialogs import ComplaintDialog, LoyaltyDialog, PurchaseDialog
    from crmdesk.gui.dialogs.settings_dialog import SettingsDialog
    from crmdesk.gui.dialogs.shop_dialog import ShopDialog
    from crmdesk.gui.dialogs.survey_dialog import SurveyDialog
    from crmdesk.gui.dialogs.trash_dialog import TrashDialog

_LAZY = {
    "BackupsDialog": "crmdesk.gui.dialogs.backups_dialog",
    "ConflictsDialog": "crmdesk.gui.dialogs.conflicts_dialog",
    "ClientDialog": "crmdesk.gui.dialogs.client_dialog",
    "ContactDialog": "crmdesk.gui.dialogs.entry_dialogs",
    "FactDialog": "crmdesk.gui.dialogs.entry_dialogs",
    "NoteDialog": "crmdesk.gui.dialogs.entry_dialogs",
    "PurchaseDialog": "crmdesk.gui.dialogs.keeping_dialogs",
    "ComplaintDialog": "crmdesk.gui.dialogs.keeping_dialogs",
    "LoyaltyDialog": "crmdesk.gui.dialogs.keeping_dialogs",
    "SettingsDialog": "crmdesk.gui.dialogs.settings_dialog",
    "ShopDialog": "crmdesk.gui.dialogs.shop_dialog",
    "SurveyDialog": "crmdesk.gui.dialogs.survey_dialog",
    "TrashDialog": "crmdesk.gui.dialogs.trash_dialog",
}


__getattr__ = lazy_attributes(__name__, _LAZY)

__all__ = [
    "BackupsDialog",
    "ClientDialog",
    "ComplaintDialog",
    "ConflictsDialog",
    "ContactDialog",
    "FactDialog",
    "LoyaltyDialog",
    "NoteDialog",
    "PurchaseDialog",
    "SettingsDialog",
    "ShopDialog",
    "SurveyDialog",
    "TrashDialog",
]
