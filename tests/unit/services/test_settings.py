"""Settings declared once: defaults that follow the country, checks, one write with its
changes, stamped so that a merge carries them, and read by the services that use them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from crmdesk.errors import ConfirmationNeededError, ValidationError
from crmdesk.services import clients, referrals, reminders, retention, settings
from crmdesk.services.clients import ClientForm
from crmdesk.store.database import Database


def test_every_setting_is_declared_once_with_a_label_and_a_default(db: Database) -> None:
    keys = [s.key for s in settings.SETTINGS]
    assert len(keys) == len(set(keys))
    values = settings.read_all(db)
    assert set(values) == set(keys)
    assert all(s.label for s in settings.SETTINGS)


def test_the_country_is_named_and_gives_the_locale_and_currency(db: Database) -> None:
    assert ("GB", "United Kingdom (+44)") in settings.country_choices()
    assert ("DE", "Germany (+49)") in settings.country_choices()
    settings.write(db, {settings.COUNTRY.key: "de"})
    values = settings.read_all(db)
    assert (settings.shop_locale(values), settings.currency(values)) == ("de_DE", "EUR")
    settings.write(db, {settings.COUNTRY.key: "JP"})
    values = settings.read_all(db)
    assert (settings.shop_locale(values), settings.currency(values)) == ("ja_JP", "JPY")
    settings.write(db, {settings.LOCALE.key: "en_US", settings.CURRENCY.key: "usd"})
    values = settings.read_all(db)
    assert (settings.shop_locale(values), settings.currency(values)) == ("en_US", "USD")
    assert settings.money(db)(1250) == "$12.50"


def test_a_write_checks_everything_first_and_returns_its_changes(db: Database) -> None:
    with pytest.raises(ValidationError) as refused:
        settings.write(db, {"regular_purchases": 1, "referral_reward": "  ",
                            "touch_by_tag": "VIP thirty"})  # fmt: skip
    assert set(refused.value.problems) == {"regular_purchases", "referral_reward", "touch_by_tag"}
    assert "2 to 100" in refused.value.problems["regular_purchases"]
    assert "like “VIP: 30”" in refused.value.problems["touch_by_tag"]
    assert retention.rules(db).regular_purchases == 4  # nothing saved
    changes = settings.write(db, {"regular_purchases": 3, "touch_by_tag": "VIP: 30\nwholesale: 60"})
    assert changes.touches("meta")
    assert retention.rules(db).regular_purchases == 3
    assert reminders.touch_rules(db) == {"VIP": 30, "wholesale": 60}
    stamps = db.query("SELECT row_id FROM field_changes WHERE table_name = 'meta'")
    assert {"regular_purchases", "touch_by_tag"} <= {r[0] for r in stamps}


def test_the_services_read_their_settings_through_the_module(db: Database) -> None:
    referrals.set_default_reward(db, "£10 voucher")
    assert settings.get(db, settings.REFERRAL_REWARD) == "£10 voucher"
    assert referrals.default_reward(db) == "£10 voucher"
    retention.set_rules(db, retention.StageRules(2, 6))
    assert settings.get(db, settings.REGULAR_MONTHS) == 6


def _client(db: Database) -> str:
    return str(clients.create_client(db, ClientForm(given_name="Ann", family_name="T")).created_id)


def test_zero_or_far_above_the_usual_asks_first(db: Database) -> None:
    settings.write(db, {settings.COUNTRY.key: "GB"})
    ann = _client(db)
    with pytest.raises(ConfirmationNeededError, match=r"Record a purchase of £0\.00\?"):
        retention.record_purchase(db, ann, "0")
    with pytest.raises(ConfirmationNeededError, match=r"more than £1,000\.00"):
        retention.record_purchase(db, ann, "1500")  # a first purchase above the threshold
    assert retention.purchases_of(db, ann) == []  # asked, nothing saved
    retention.record_purchase(db, ann, "20", bought_at=datetime(2026, 1, 1, 10))
    retention.record_purchase(db, ann, "30", bought_at=datetime(2026, 2, 1, 10))
    retention.record_purchase(db, ann, "250")  # 10× her usual £25 is fine
    with pytest.raises(ConfirmationNeededError, match=r"more than 10 times .* usual"):
        retention.record_purchase(db, ann, "400")
    retention.record_purchase(db, ann, "400", confirmed=True)
    assert retention.purchases_of(db, ann)[0].amount_cents == 40000
    assert retention.spending(db, ann).first == date(2026, 1, 1)


def test_an_amount_refused_saves_nothing(db: Database) -> None:
    settings.write(db, {settings.COUNTRY.key: "GB"})
    ann = _client(db)
    for bad in ("twelve", "", "-5", "1e9", "2 for 10", "10p", "12.505", "999999999999", "$20"):
        with pytest.raises(ValidationError) as refused:
            retention.record_purchase(db, ann, bad, confirmed=True)
        assert "amount" in refused.value.problems
    assert retention.purchases_of(db, ann) == []
