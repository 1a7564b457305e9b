"""Checking and normalising what a user typed: email addresses and phone numbers.

Messages say plainly what is wrong and how to type it, with an example in the shop's own
country's style: "“call me” is not a phone number — type it like 0121 234 5678"."""

from __future__ import annotations

import email.utils

# phonenumbers and email_validator load on first use: they are not needed to show the list.

EMAIL_EXAMPLE = "ann@example.org"


def email_address(raw: str) -> str:
    """The address in what was typed or pasted: "Jane <jane@example.org>",
    "jane@example.org (Jane)" and "mailto:jane@example.org" are all jane@example.org."""
    text = raw.strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :].strip()
    if "<" in text or "(" in text:
        _name, address = email.utils.parseaddr(text)
        if address and "@" in address:
            return address.strip()
    return text


def normalise_email(raw: str) -> str:
    """Return the address in normal form, or raise ValueError saying what is wrong."""
    from email_validator import EmailNotValidError, validate_email

    text = email_address(raw)
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValueError(
            f"“{raw.strip()}” is not an email address ({_email_reason(text)}) — "
            f"type it like {EMAIL_EXAMPLE}."
        ) from None


def _email_reason(text: str) -> str:
    local, at, domain = text.rpartition("@")
    if not at:
        return "it has no @"
    if any(c.isspace() for c in text):
        return "it has a space in it"
    if not local:
        return "nothing comes before the @"
    if not domain:
        return "nothing comes after the @"
    if "." not in domain:
        return "the part after the @ needs a dot, as in example.org"
    return "some of its characters cannot be in an address"


def example_phone(region: str) -> str:
    """A made-up number as people of `region` write one ("0121 234 5678" in the UK)."""
    import phonenumbers

    number = phonenumbers.example_number(region.upper())
    if number is None:
        return "+44 121 234 5678"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def country_name(region: str) -> str:
    from babel import Locale

    name: str = Locale.parse("en").territories.get(region.upper(), region.upper())
    return f"the {name}" if name.startswith(("United", "Netherlands", "Czech")) else name


def normalise_phone(raw: str, region: str) -> tuple[str, str]:
    """Return (E.164, display form) for a number typed in the shop's `region`.

    Numbers from the shop's own country are displayed in national format, others in
    international format. Raises ValueError saying what is wrong and how to type it.
    """
    import phonenumbers

    text = raw.strip()
    example = example_phone(region)
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValueError(f"“{text}” is not a phone number — type it like {example}.") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(
            f"“{text}” is not a whole phone number in {country_name(region)} — type it like "
            f"{example}; a number from abroad starts with its country code, like +33."
        )
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    own = number.country_code == phonenumbers.country_code_for_region(region)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if own
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return e164, phonenumbers.format_number(number, style)


def is_region(code: str) -> bool:
    import phonenumbers

    return code.upper() in phonenumbers.SUPPORTED_REGIONS
