"""`crmdesk duplicates`, `not-the-same` and `merge-clients`, run as a user would."""

from __future__ import annotations

import json
from pathlib import Path

from crmdesk.services import clients, notes
from crmdesk.services.clients import Labelled
from crmdesk.store.database import Database
from tests.integration.test_cli import crmdesk
from tests.sync_helpers import add_client


def test_list_dismiss_and_merge_from_the_command_line(db_path: Path, data_dir: Path) -> None:
    with Database.open(db_path) as db:
        ann = add_client(db, given_name="Ann", family_name="Webber",
                         emails=[Labelled("home", "ann@example.org")])  # fmt: skip
        annie = add_client(db, given_name="Annie", family_name="Webber", city="York",
                           emails=[Labelled("work", "Ann@Example.org")])  # fmt: skip
        dev = add_client(db, given_name="देव", family_name="शर्मा", city="Leeds")
        dev2 = add_client(db, given_name="देव", family_name="शर्मा", city="Leeds")
        notes.add_note(db, annie, "Likes lilies")
    db_arg = ("--db", str(db_path))
    listed = crmdesk("duplicates", "--json", *db_arg, data_dir=data_dir)
    assert listed.returncode == 0, listed.stderr
    pairs = json.loads(listed.stdout)["pairs"]
    assert {frozenset((p["first_id"], p["second_id"])) for p in pairs} == {
        frozenset((ann, annie)),
        frozenset((dev, dev2)),
    }
    text = crmdesk("duplicates", *db_arg, data_dir=data_dir).stdout
    assert "Same email ann@example.org" in text and "2 likely pairs." in text
    assert crmdesk("not-the-same", dev, dev2, *db_arg, data_dir=data_dir).returncode == 0
    bad = crmdesk("merge-clients", ann, annie, "--take", "town=other", *db_arg, data_dir=data_dir)
    assert bad.returncode == 2 and "“town=other” is not FIELD=kept|other|both" in bad.stderr
    merged = crmdesk(
        "merge-clients", ann, annie, "--take", "given_name=kept", *db_arg, data_dir=data_dir
    )
    assert merged.returncode == 0, merged.stderr
    assert merged.stdout.strip() == "Merge Annie Webber into Ann Webber."
    assert "No likely duplicates." in crmdesk("duplicates", *db_arg, data_dir=data_dir).stdout
    with Database.open(db_path) as db:
        record = clients.get_client(db, ann)
        assert (record.given_name, record.city) == ("Ann", "York")
        assert [n.text for n in notes.notes_of(db, ann)] == ["Likes lilies"]
