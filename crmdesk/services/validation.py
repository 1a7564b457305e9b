"""Checking and normalising what a user typed: email addresses and phone numbers."""

from __future__ import annotations

# phonenumbers and email_validator load on first use: they are not needed to show the list.


def normalise_email(raw: str) -> str:
    """Return the address in normal form, or raise ValueError saying what is wrong."""
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"“{raw.strip()}” is not a valid email address: {exc}") from exc


def normalise_phone(raw: str, region: str) -> tuple[str, str]:
    """Return (E.164, display form) for a number typed in the shop's `region`.

    Numbers from the shop's own country are displayed in national format, others in
    international format. Raises ValueError saying what is wrong.
    """
    import phonenumbers

    text = raw.strip()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"“{text}” is not a phone number ({exc._msg}).") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(
            f"“{text}” is not a valid phone number for {region}; "
            "add the country code (e.g. +44) if it is from abroad."
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
