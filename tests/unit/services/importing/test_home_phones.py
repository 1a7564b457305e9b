"""The quick way with the shop's own numbers gives what phonenumbers gives, or leaves the
number to phonenumbers: checked on every region's example numbers, written the ways files
write them, and on numbers one digit off."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from crmdesk.services.importing.drafts import phone, phonenumbers_phone
from crmdesk.services.importing.home_phones import quick_phone

KINDS = [t for t in vars(phonenumbers.PhoneNumberType).values() if isinstance(t, int)]


def written(region: str, rng: random.Random) -> list[str]:
    """The region's example numbers as files write them, and each one digit off."""
    found = []
    for kind in KINDS:
        number = phonenumbers.example_number_for_type(region, kind)
        if number is None:
            continue
        for style in (phonenumbers.PhoneNumberFormat.NATIONAL,
                      phonenumbers.PhoneNumberFormat.INTERNATIONAL,
                      phonenumbers.PhoneNumberFormat.E164):  # fmt: skip
            text = phonenumbers.format_number(number, style)
            found += [text, text.replace("-", " "), text.replace(" ", "").replace("-", "")]
    off = []
    for text in found:
        digits = [at for at, c in enumerate(text) if c.isdigit()]
        at = rng.choice(digits)
        off.append(text[:at] + str(rng.randrange(10)) + text[at + 1 :])  # one digit changed
        off.append(text + str(rng.randrange(10)))  # one more
        off.append(text[:-1])  # one fewer
    return found + off


@pytest.mark.parametrize("region", sorted(phonenumbers.SUPPORTED_REGIONS))
def test_the_quick_way_agrees_with_phonenumbers(region: str) -> None:
    rng = random.Random(region)
    for text in written(region, rng):
        quick = quick_phone(text, region)
        if quick is not None:
            assert quick == phonenumbers_phone(text, region), text


def test_the_quick_way_answers_for_the_numbers_shops_write() -> None:
    # (if it never answered, the test above would hold and nothing would be quicker)
    assert quick_phone("07400 123456", "GB") == ("+447400123456", "07400 123456")
    assert quick_phone("+44 7400 123456", "GB") == ("+447400123456", "07400 123456")
    assert quick_phone("0171 2345678", "DE") == ("+491712345678", "0171 2345678")
    assert quick_phone("01 23 45 67 89", "FR") == ("+33123456789", "01 23 45 67 89")
    answered = sum(
        quick_phone(text, region) is not None
        for region in ("GB", "DE", "FR", "NL", "ES", "AU", "JP", "IN", "PL")
        for text in written(region, random.Random(1))
    )
    assert answered > 100


def test_what_the_quick_way_leaves_is_read_by_phonenumbers() -> None:
    assert quick_phone("+49 30 12345678", "GB") is None  # another country
    assert phone("+49 30 12345678", "GB") == ("+493012345678", "+49 30 12345678")
    assert quick_phone("(0)7911-123456", "GB") is None  # punctuation
    assert phone("(0)7911-123456", "GB") == ("+447911123456", "07911 123456")
    assert quick_phone("07911 12345", "GB") is None  # a digit short: not valid
    assert phone("07911 12345", "GB") is None
    assert quick_phone("٠٧٩١١ ١٢٣٤٥٦", "GB") is None  # Arabic-Indic digits
    assert phone("٠٧٩١١ ١٢٣٤٥٦", "GB") == ("+447911123456", "07911 123456")
