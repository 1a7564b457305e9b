from __future__ import annotations

from enum import StrEnum


class HistoryKind(StrEnum):
    CALL = "call"
    VISIT = "visit"
    EMAIL = "email"
    LETTER = "letter"
    SMS = "sms"
    MEETING = "meeting"
    OTHER = "other"

    @property
    def label(self) -> str:
        return "SMS" if self is HistoryKind.SMS else self.value.capitalize()


class Direction(StrEnum):
    OUT = "out"
    IN = "in"

    @property
    def label(self) -> str:
        return "Outgoing" if self is Direction.OUT else "Incoming"


class ContactPreference(StrEnum):
    ANY = "any"
    PHONE = "phone"
    EMAIL = "email"
    SMS = "sms"
    LETTER = "letter"
    IN_PERSON = "in_person"

    @property
    def label(self) -> str:
        return {
            "any": "No preference",
            "phone": "Phone call",
            "email": "Email",
            "sms": "Text message",
            "letter": "Letter",
            "in_person": "In person",
        }[self.value]
