"""Every typed field has a length limit, refused in the service naming the field and the
limit (the dialogs show the same words at the field)."""

from __future__ import annotations

from datetime import datetime

import pytest

from crmdesk.errors import ValidationError
from crmdesk.model.enums import Direction, HistoryKind
from crmdesk.services import (
    clients,
    complaints,
    facts,
    history,
    limits,
    notes,
    retention,
    settings,
    surveys,
)
from crmdesk.services.clients import ClientForm, Labelled
from crmdesk.services.complaints import ComplaintForm
from crmdesk.services.history import ContactForm
from crmdesk.services.surveys import AnswerForm
from crmdesk.store.database import Database


@pytest.fixture
def client_id(db: Database) -> str:
    settings.set_phone_region(db, "GB")
    return str(clients.create_client(db, ClientForm(given_name="Ann")).created_id)


def _problems(call: object, *args: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as err:
        call(*args)  # type: ignore[operator]
    return err.value.problems


def test_a_5000_character_name_is_refused_naming_the_field_and_the_limit(db: Database) -> None:
    problems = _problems(clients.create_client, db, ClientForm(given_name="Ann " * 1250))
    assert problems == {
        "given_name": "The given name can be at most 100 characters long; this is 4,999. "
        "Shorten it."
    }


@pytest.mark.parametrize("name", sorted(limits.CLIENT))
def test_every_client_field_fits_its_limit_and_not_one_more(db: Database, name: str) -> None:
    limit = limits.CLIENT[name].chars
    other = {"given_name": "Ann"} if name == "family_name" else {"family_name": "Lee"}
    form = ClientForm(**other, **{name: "W" * limit})  # type: ignore[arg-type]
    made = clients.create_client(db, form)
    assert getattr(clients.get_client(db, str(made.created_id)), name) == "W" * limit
    longer = ClientForm(**other, **{name: "W" * (limit + 1)})  # type: ignore[arg-type]
    said = _problems(clients.create_client, db, longer)[name]
    assert f"at most {limit:,} characters" in said and f"this is {limit + 1:,}" in said


def test_phone_email_label_and_tag_limits(db: Database) -> None:
    settings.set_phone_region(db, "GB")
    problems = _problems(
        clients.create_client,
        db,
        ClientForm(
            given_name="Ann",
            phones=[Labelled("home", "0" * 41)],
            emails=[Labelled("x" * 31, "ann@example.org")],
            tags=["T" * 41],
        ),
    )
    assert problems["phones"].startswith("A phone number can be at most 40 characters")
    assert problems["emails"].startswith("A label can be at most 30 characters")
    assert "A tag can be at most 40 characters" in problems["tags"]


def test_contacts_notes_facts_purchases_complaints_and_answers(
    db: Database, client_id: str
) -> None:
    contact = ContactForm(
        HistoryKind.CALL.value, Direction.IN.value, datetime(2024, 5, 1, 10),
        "S" * 201, "", "", None,
    )  # fmt: skip
    assert "at most 200" in _problems(history.log_contact, db, client_id, contact)["subject"]
    assert "at most 20,000" in _problems(notes.add_note, db, client_id, "n" * 20_001)["text"]
    said = _problems(facts.add_fact, db, client_id, "Dog", "v" * 501, None)
    assert "at most 500" in said["value"]
    said = _problems(retention.record_purchase, db, client_id, "12.50", "w" * 201)
    assert set(said) == {"what"} and "at most 200" in said["what"]
    complaint = ComplaintForm("d" * 10_001, "in person", "c" * 61, "low", "open", "", None, None)
    said = _problems(complaints.open_complaint, db, client_id, complaint)
    assert set(said) == {"description", "category"}
    answer = AnswerForm(score=9, reason="r" * 1_001, referral_name="n" * 101, channel="phone")
    with pytest.raises(ValidationError) as err:
        surveys.record_answer(db, answer, client_id=client_id)
    said = err.value.problems
    assert set(said) == {"reason", "referral_name"}
