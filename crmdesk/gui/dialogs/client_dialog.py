"""New client / edit client."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from crmdesk.errors import ValidationError
from crmdesk.gui.date_field import BirthdayField
from crmdesk.gui.dialogs.form_dialog import FormDialog
from crmdesk.model.enums import ContactPreference
from crmdesk.services import clients, limits, settings
from crmdesk.services.changes import Changes
from crmdesk.services.clients import ClientForm, ClientRecord, format_lines
from crmdesk.store.database import Database


class ClientDialog(FormDialog):
    def __init__(
        self, db: Database, record: ClientRecord | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__("Edit client" if record else "New client", parent, limits.CLIENT)
        self._db = db
        self._record = record
        self._referrer_ids: dict[str, str] = {}
        self.given_name = self.add_field("given_name", "&Given name:", QLineEdit())
        self.family_name = self.add_field("family_name", "&Family name:", QLineEdit())
        self.salutation = self.add_field("salutation", "Sa&lutation:", QLineEdit(), "Mrs, Mr, Dr…")
        self.preferred_name = self.add_field(
            "preferred_name", "Prefers to be called:", QLineEdit(), "e.g. Peggy for Margaret"
        )
        self.company = self.add_field("company", "Compan&y:", QLineEdit())
        self.phones = self.add_field(
            "phones", "&Phones:", QPlainTextEdit(), "One per line, e.g. “mobile 07911 123456”"
        )
        self.emails = self.add_field(
            "emails", "E&mails:", QPlainTextEdit(), "One per line, e.g. “home: ann@example.org”"
        )
        for box in (self.phones, self.emails):
            assert isinstance(box, QPlainTextEdit)
            box.setTabChangesFocus(True)
            box.setFixedHeight(52)
        self.street = self.add_field("street", "S&treet:", QLineEdit())
        self.postcode = self.add_field("postcode", "Postcode:", QLineEdit())
        self.city = self.add_field("city", "Cit&y / town:", QLineEdit())
        self.country = self.add_field("country", "Country:", QLineEdit())
        self.birthday = self.add_field(
            "birthday", "&Birthday:", BirthdayField(settings.locale_for(db))
        )
        contact = QComboBox()
        for pref in ContactPreference:
            contact.addItem(pref.label, pref.value)
        self.preferred_contact = self.add_field("preferred_contact", "Best contacted by:", contact)
        self.marketing_consent = self.add_field(
            "marketing_consent",
            "Marketing:",
            QCheckBox("Agreed to receive offers and news"),
        )
        self.tags = self.add_field("tags", "Ta&gs:", QLineEdit(), "Separate with commas")
        self.found_via = self.add_field(
            "found_via", "Found us through:", QLineEdit(), "Walk-in, Google, a friend…"
        )
        self.referred_by = self.add_field(
            "referred_by_id",
            "&Referred by:",
            QLineEdit(),
            "A client's name, or the code on their letter (R-7K3M9Q2A)",
        )
        self._completions = QStringListModel(self)
        completer = QCompleter(self._completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        assert isinstance(self.referred_by, QLineEdit)
        self.referred_by.setPlaceholderText("a client's name, or the code on their letter")
        self.referred_by.setCompleter(completer)
        self.referred_by.textEdited.connect(self._on_referred_by_text_edited)
        if record is not None:
            self._fill(record)
        self.on_save_later(self._save_client)

    def _fill(self, r: ClientRecord) -> None:
        form = r.to_form()
        for name in (
            "given_name", "family_name", "salutation", "preferred_name", "company",
            "street", "postcode", "city", "country", "found_via",
        ):  # fmt: skip
            widget = getattr(self, name)
            widget.setText(getattr(form, name))
            widget.setCursorPosition(0)  # a long value reads from its start
        self.phones.setPlainText(format_lines(form.phones))  # type: ignore[attr-defined]
        self.emails.setPlainText(format_lines(form.emails))  # type: ignore[attr-defined]
        self.birthday.set_birthday(r.birthday)  # type: ignore[attr-defined]
        combo = self.preferred_contact
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(max(0, combo.findData(r.preferred_contact)))
        self.marketing_consent.setChecked(r.marketing_consent)  # type: ignore[attr-defined]
        self.tags.setText(", ".join(r.tags))  # type: ignore[attr-defined]
        if r.referred_by_id:
            self._referrer_ids[r.referred_by_name] = r.referred_by_id
            self.referred_by.setText(r.referred_by_name)  # type: ignore[attr-defined]

    def form_values(self) -> ClientForm:
        def text(name: str) -> str:
            return str(getattr(self, name).text())

        combo = self.preferred_contact
        assert isinstance(combo, QComboBox)
        referrer = text("referred_by").strip()
        return ClientForm(
            given_name=text("given_name"),
            family_name=text("family_name"),
            salutation=text("salutation"),
            preferred_name=text("preferred_name"),
            company=text("company"),
            phones=clients.parse_phones(self.phones.toPlainText()),  # type: ignore[attr-defined]
            emails=clients.parse_emails(self.emails.toPlainText()),  # type: ignore[attr-defined]
            street=text("street"),
            postcode=text("postcode"),
            city=text("city"),
            country=text("country"),
            birthday=self.birthday.birthday(),  # type: ignore[attr-defined]
            preferred_contact=str(combo.currentData()),
            marketing_consent=self.marketing_consent.isChecked(),  # type: ignore[attr-defined]
            tags=[t for t in text("tags").split(",") if t.strip()],
            found_via=text("found_via"),
            referred_by_id=self._referrer_id(referrer) if referrer else None,
        )

    def _referrer_id(self, typed: str) -> str | None:
        """The client picked by name, or whose referral code (from a referral letter) was
        typed."""
        if typed in self._referrer_ids:
            return self._referrer_ids[typed]
        found = clients.client_with_referral_code(self._db, typed.split(" ")[0])
        own = self._record.id if self._record else None
        return found[0] if found and found[0] != own else None

    def _save_client(self) -> Callable[[], Changes]:
        form = self.form_values()
        referrer = self.referred_by.text().strip()  # type: ignore[attr-defined]
        if referrer and form.referred_by_id is None:
            if clients.looks_like_referral_code(referrer.split(" ")[0]):
                raise ValidationError({"referred_by_id": (
                    f"No client has the referral code {referrer}; check it against the "
                    "letter, or type the referrer's name.")})  # fmt: skip
            raise ValidationError(
                {"referred_by_id": f"No client called “{referrer}”; pick one from the list."}
            )
        db, record = self._db, self._record
        if record is None:
            return lambda: clients.create_client(db, form)
        return lambda: clients.update_client(db, record.id, form)

    def _on_referred_by_text_edited(self, text: str) -> None:
        if len(text.strip()) < 2:
            return
        own = self._record.id if self._record else None
        by_code = clients.client_with_referral_code(self._db, text)
        if by_code is not None and by_code[0] != own:  # offer "R-7K3M9Q2A (Anna Webber)"
            shown = f"{text.strip()} ({by_code[1]})"
            self._referrer_ids[shown] = by_code[0]
            self._completions.setStringList([shown])
            return
        found = clients.find_by_name(self._db, text)
        self._referrer_ids.update({name: cid for cid, name in found if cid != own})
        self._completions.setStringList([name for cid, name in found if cid != own])
