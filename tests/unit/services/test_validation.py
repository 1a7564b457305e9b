"""Phone numbers and email addresses as people type and paste them: kept when they are one,
refused in plain words with an example in the shop's own style when they are not."""

from __future__ import annotations

import pytest

from crmdesk.services.validation import (
    email_address,
    example_phone,
    normalise_email,
    normalise_phone,
)


def test_the_example_number_is_the_shops_countrys() -> None:
    assert example_phone("GB") == "0121 234 5678"
    assert example_phone("DE") == "030 123456"
    assert example_phone("US") == "(201) 555-0123"


def test_words_are_not_a_phone_number_and_the_message_says_how_to_type_one() -> None:
    with pytest.raises(ValueError) as err:
        normalise_phone("call me", "GB")
    assert str(err.value) == "“call me” is not a phone number — type it like 0121 234 5678."


def test_a_short_number_names_the_country_and_the_country_code() -> None:
    with pytest.raises(ValueError) as err:
        normalise_phone("01423 55", "GB")
    said = str(err.value)
    assert said.startswith("“01423 55” is not a whole phone number in the United Kingdom")
    assert "type it like 0121 234 5678" in said and "country code, like +33" in said
    with pytest.raises(ValueError) as err:
        normalise_phone("030 12", "DE")
    assert "in Germany — type it like 030 123456" in str(err.value)


def test_numbers_at_home_and_abroad() -> None:
    assert normalise_phone("01423 555012", "GB") == ("+441423555012", "01423 555012")
    assert normalise_phone("+33 1 23 45 67 89", "GB") == ("+33123456789", "+33 1 23 45 67 89")


@pytest.mark.parametrize(
    "pasted",
    [
        "Jane <jane@example.org>",
        '"Smith, Jane" <jane@example.org>',
        "jane@example.org (Jane)",
        "<jane@example.org>",
        "mailto:jane@example.org",
        "  jane@example.org  ",
    ],
)
def test_a_pasted_address_keeps_the_address(pasted: str) -> None:
    assert email_address(pasted) == "jane@example.org"
    assert normalise_email(pasted) == "jane@example.org"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("jane", "it has no @"),
        ("jane@", "nothing comes after the @"),
        ("@example.org", "nothing comes before the @"),
        ("jane@example", "the part after the @ needs a dot, as in example.org"),
        ("jane smith@example.org", "it has a space in it"),
    ],
)
def test_a_bad_address_says_plainly_what_is_wrong(typed: str, reason: str) -> None:
    with pytest.raises(ValueError) as err:
        normalise_email(typed)
    assert str(err.value) == (
        f"“{typed}” is not an email address ({reason}) — type it like ann@example.org."
    )
