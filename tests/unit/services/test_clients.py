"""Client profiles on a real file: create, edit, delete, restore, and bad input refused whole."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crmdesk.errors import NotFoundError, ValidationError
from crmdesk.model.partial_date import PartialDate
from crmdesk.services import client_list, clients, settings
from crmdesk.services.clients import ClientForm, Labelled
from crmdesk.store.database import Database


@pytest.fixture(autouse=True)
def shop_in_leeds(db: Database) -> None:
    """The shop is in the UK: numbers without a country code are British."""
    settings.set_phone_region(db, "GB")


def webber(**changes: object) -> ClientForm:
    form = ClientForm(
        given_name="Margaret",
        family_name="Webber",
        salutation="Mrs",
        preferred_name="Peggy",
        phones=[Labelled("mobile", "07911 123456")],
        emails=[Labelled("home", "Peggy.Webber@Example.org")],
        street="12 Brudenell Road",
        postcode="LS6 2AB",
        city="Leeds",
        birthday=PartialDate(4, 2, 1961),
        preferred_contact="phone",
        marketing_consent=True,
        tags=["vip", " wedding ", "vip"],
        found_via="Walk-in",
    )
    for key, value in changes.items():
        setattr(form, key, value)
    return form


def test_create_keeps_the_whole_profile_normalised(db: Database) -> None:
    made = clients.create_client(db, webber())
    record = clients.get_client(db, str(made.created_id))
    assert record.display_name == "Margaret Webber"
    assert record.address_name == "Peggy"
    assert [(p.label, p.number, p.display) for p in record.phones] == [
        ("mobile", "+447911123456", "07911 123456")
    ]
    assert [e.address for e in record.emails] == ["Peggy.Webber@example.org"]
    assert record.tags == ("vip", "wedding")
    assert record.marketing_consent and record.consent_at is not None
    assert record.birthday == PartialDate(4, 2, 1961)
    assert made.label == "New client Margaret Webber"


def test_foreign_numbers_keep_their_country_code(db: Database) -> None:
    made = clients.create_client(db, webber(phones=[Labelled("mobile", "+48 512 345 678")]))
    phone = clients.get_client(db, str(made.created_id)).phones[0]
    assert (phone.number, phone.display) == ("+48512345678", "+48 512 345 678")


def test_phone_region_comes_from_settings(db: Database) -> None:
    settings.set_phone_region(db, "de")
    made = clients.create_client(db, webber(phones=[Labelled("Handy", "0151 23456789")]))
    assert clients.get_client(db, str(made.created_id)).phones[0].number == "+4915123456789"
    with pytest.raises(ValidationError) as err:
        settings.set_phone_region(db, "XX")
    assert "not a country code" in err.value.problems["phone_region"]


def test_bad_values_are_reported_per_field_and_nothing_is_saved(db: Database) -> None:
    form = webber(
        given_name=" ",
        family_name="",
        emails=[Labelled("home", "peggy@")],
        phones=[Labelled("mobile", "12")],
        birthday=PartialDate.of(date.today() + timedelta(days=3)),
    )
    with pytest.raises(ValidationError) as err:
        clients.create_client(db, form)
    problems = err.value.problems
    assert set(problems) == {"given_name", "emails", "phones", "birthday"}
    assert "peggy@" in problems["emails"]
    assert "“12”" in problems["phones"]
    assert client_list.count_clients(db) == 0


def test_a_failed_edit_changes_nothing(db: Database) -> None:
    cid = str(clients.create_client(db, webber()).created_id)
    form = clients.get_client(db, cid).to_form()
    form.city = "York"
    form.emails = [Labelled("work", "not an address")]
    with pytest.raises(ValidationError):
        clients.update_client(db, cid, form)
    assert clients.get_client(db, cid).city == "Leeds"


def test_edit_and_consent_withdrawn(db: Database) -> None:
    cid = str(clients.create_client(db, webber()).created_id)
    form = clients.get_client(db, cid).to_form()
    form.marketing_consent = False
    form.preferred_name = ""
    changes = clients.update_client(db, cid, form)
    record = clients.get_client(db, cid)
    assert record.consent_at is None and not record.marketing_consent
    assert record.address_name == "Mrs Webber"
    assert changes.undo is not None and changes.client_ids == {cid}


def test_referred_by_another_client(db: Database) -> None:
    anna = str(clients.create_client(db, webber(given_name="Anna")).created_id)
    made = clients.create_client(db, webber(given_name="Zoë", referred_by_id=anna))
    assert clients.get_client(db, str(made.created_id)).referred_by_name == "Anna Webber"
    with pytest.raises(ValidationError, match="themselves"):
        clients.update_client(db, anna, webber(given_name="Anna", referred_by_id=anna))


def test_delete_moves_to_trash_and_restore_brings_back(db: Database) -> None:
    cid = str(clients.create_client(db, webber()).created_id)
    clients.delete_client(db, cid)
    assert client_list.count_clients(db) == 0
    with pytest.raises(NotFoundError):
        clients.update_client(db, cid, webber())
    clients.restore_client(db, cid)
    assert client_list.count_clients(db) == 1
    assert clients.get_client(db, cid).deleted_at is None


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("home 01423 555012", ("home", "01423 555012")),
        ("mobile: 07911 123456", ("mobile", "07911 123456")),
        ("work - 0113 496 0000", ("work", "0113 496 0000")),
        ("01423 555012 (home)", ("home", "01423 555012")),
        ("Mum's mobile +44 7911 123456", ("Mum's mobile", "+44 7911 123456")),
        ("01423 555012", ("phone", "01423 555012")),
        ("call me", ("phone", "call me")),
    ],
)
def test_a_phone_line_keeps_its_label(typed: str, kept: tuple[str, str]) -> None:
    assert clients.parse_phones(typed) == [Labelled(*kept)]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Jane <jane@example.org>", ("email", "Jane <jane@example.org>")),
        ("home: ann@example.org", ("home", "ann@example.org")),
        ("work ann@example.org", ("work", "ann@example.org")),
        ("mailto:ann@example.org", ("email", "mailto:ann@example.org")),
    ],
)
def test_an_email_line_keeps_its_label(typed: str, kept: tuple[str, str]) -> None:
    assert clients.parse_emails(typed) == [Labelled(*kept)]


def test_a_labelled_phone_and_a_pasted_address_are_saved_as_meant(db: Database) -> None:
    form = webber(
        phones=clients.parse_phones("home 01423 555012\n07911 123456 (mobile)"),
        emails=clients.parse_emails("Jane Webber <Jane@Example.org>"),
    )
    record = clients.get_client(db, str(clients.create_client(db, form).created_id))
    assert [(p.label, p.number) for p in record.phones] == [
        ("home", "+441423555012"),
        ("mobile", "+447911123456"),
    ]
    assert [(e.label, e.address) for e in record.emails] == [("email", "Jane@example.org")]
    text = clients.format_lines(record.to_form().phones)
    assert clients.parse_phones(text) == record.to_form().phones  # the box reads back the same


def test_the_client_picker_finds_a_name_as_typed_without_its_accents(db) -> None:
    from crmdesk.services import clients as svc
    from tests.sync_helpers import add_client

    add_client(db, given_name="Łukasz", family_name="Dąbrowski", city="Łódź")
    add_client(db, given_name="Lucy", family_name="Dabney", city="Leeds")
    assert [m.label for m in svc.name_matches(db, "lukasz dab")] == ["Łukasz Dąbrowski — Łódź"]
    assert [m.label for m in svc.name_matches(db, "Dąb")] == [
        "Lucy Dabney — Leeds",
        "Łukasz Dąbrowski — Łódź",
    ]
    assert svc.name_matches(db, "Łódź") == []  # a town is no name
