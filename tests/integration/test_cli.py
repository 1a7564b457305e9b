"""The command line: the same services, scriptable without a screen."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import digest


def crmdesk(
    *args: str, data_dir: Path, env: dict[str, str] | None = None, typed: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `crmdesk ARGS` as a user would, with no terminal on stdin (nothing can be typed;
    or `typed`, the lines a person types) and keyring's fail backend (the keyring of the
    machine running the tests is left alone)."""
    inherited = {k: v for k, v in os.environ.items() if k != "CRMDESK_PASSPHRASE"}
    return subprocess.run(
        [sys.executable, "-m", "crmdesk", *args],
        capture_output=True,
        text=True,
        **({"input": typed} if typed is not None else {"stdin": subprocess.DEVNULL}),
        env={
            **inherited,
            "CRMDESK_DATA_DIR": str(data_dir),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            **(env or {}),
        },
        timeout=120,
    )


def test_help_describes_the_commands(data_dir: Path) -> None:
    out = crmdesk("--help", data_dir=data_dir).stdout
    for word in ("--db", "--demo", "--resume", "demo", "check", "Ctrl+L"):
        assert word in out


def test_demo_then_check(tmp_path: Path, data_dir: Path) -> None:
    out = tmp_path / "sample.crmdesk"
    made = crmdesk("demo", "--out", str(out), "--clients", "25", "--seed", "3", data_dir=data_dir)
    assert made.returncode == 0, made.stderr
    checked = crmdesk("check", str(out), data_dir=data_dir)
    assert checked.returncode == 0
    assert "a crmdesk database, 25 clients" in checked.stdout
    again = crmdesk("demo", "--out", str(out), data_dir=data_dir)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_check_refuses_a_foreign_file_untouched(tmp_path: Path, data_dir: Path) -> None:
    bad = tmp_path / "letter.crmdesk"
    bad.write_bytes(b"%PDF-1.7 not a database")
    before = digest(bad)
    result = crmdesk("check", str(bad), data_dir=data_dir)
    assert result.returncode == 2
    assert str(bad) in result.stderr and "not an SQLite file" in result.stderr
    assert digest(bad) == before


def test_demo_window_starts_and_closes_cleanly(tmp_path: Path, data_dir: Path) -> None:
    """`crmdesk --demo` on a fresh machine: the demo is made and opened; a SIGTERM (logout,
    Ctrl+C) closes it the normal way, leaving no lock or journal beside the file."""
    env = {**os.environ, "CRMDESK_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "offscreen"}
    demo = data_dir / "data" / "demo.crmdesk"
    lock = demo.with_name(demo.name + ".lock")
    with subprocess.Popen([sys.executable, "-m", "crmdesk", "--demo"], env=env) as app:
        deadline = time.monotonic() + 60
        while not lock.exists() and app.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert lock.exists(), "the demo database was not opened"
        time.sleep(0.5)
        app.send_signal(signal.SIGTERM)
        assert app.wait(timeout=30) == 0
    assert sorted(p.name for p in demo.parent.iterdir() if p.name.startswith(demo.name)) == [
        demo.name
    ]
    checked = crmdesk("check", str(demo), data_dir=data_dir)
    assert "a crmdesk database, 60 clients" in checked.stdout


def test_letters_from_the_command_line(tmp_path: Path, data_dir: Path) -> None:
    from crmdesk.services import letters
    from crmdesk.store.database import Database
    from tests.letters_helpers import add_people, pdf_pages, set_up_shop

    db_file = tmp_path / "shop.crmdesk"
    with Database.open(db_file, create=True) as db:
        set_up_shop(db)
        ids = add_people(db)
        tag_ids = ids[:2]
        from crmdesk.services import clients

        for cid in tag_ids:
            form = clients.get_client(db, cid).to_form()
            form.tags = ["vip"]
            clients.update_client(db, cid, form)
    out, labels = tmp_path / "thanks.pdf", tmp_path / "labels.pdf"
    template = "thank you after a first purchase"  # names are matched ignoring case
    done = crmdesk("letters", "--db", str(db_file), "--template", template, "--tag", "vip",
                   "-o", str(out), "--labels", str(labels), data_dir=data_dir)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Wrote 2 letters (2 pages)" in done.stdout
    pages = pdf_pages(out)
    assert "Nguyễn" in pages[0] and "Łukasz Wróbel" in pages[1]  # in name order
    assert len(pdf_pages(labels)) == 1
    with Database.open(db_file) as db:
        assert letters.find_template(db, "Birthday")  # the file is fine and unlocked
        logged = db.query("SELECT count(*) FROM history WHERE kind = 'letter'")[0][0]
        assert logged == 2
    wrong = crmdesk("letters", "--db", str(db_file), "--template", "Birthdy", "--tag", "vip",
                    "-o", str(tmp_path / "x.pdf"), data_dir=data_dir)  # fmt: skip
    assert wrong.returncode == 2 and "no letter template called “Birthdy”" in wrong.stderr
    assert "“Birthday”" in wrong.stderr and not (tmp_path / "x.pdf").exists()


def test_a_template_that_asks_too_much_is_refused_from_the_command_line(
    tmp_path: Path, data_dir: Path
) -> None:
    """A shop's template repeating a name 100 million times: refused at the first letter,
    at once, with the line and what to do; no PDF, nothing logged."""
    from crmdesk.services import letters
    from crmdesk.store.database import Database
    from tests.letters_helpers import add_people, set_up_shop

    db_file = tmp_path / "shop.crmdesk"
    with Database.open(db_file, create=True) as db:
        set_up_shop(db)
        ids = add_people(db)
        body = "Dear {{ client.greeting_name }},\n\n{{ client.first_name * 10**8 }}\n"
        letters.save_template(db, None, "Hostile", body)
    out = tmp_path / "hostile.pdf"
    start = time.monotonic()
    refused = crmdesk("letters", "--db", str(db_file), "--template", "hostile", "--client",
                      *ids, "-o", str(out), data_dir=data_dir)  # fmt: skip
    assert time.monotonic() - start < 20  # the old code filled in 6 letters of 800 MB each
    assert refused.returncode == 2, refused.stderr
    assert refused.stderr.startswith("crmdesk: Line 3: This makes a text of ")
    assert "longer than a whole letter may be" in refused.stderr
    assert refused.stderr.count("Line 3") == 1  # said once, not once for every client
    assert not out.exists()
    with Database.open(db_file) as db:
        assert db.query("SELECT count(*) FROM history WHERE kind = 'letter'")[0][0] == 0


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("{{ (['a' * 1000] * 199) | join }}", "a line of more than 10,000 characters"),
        ("{{ (['x'] * 99990) | join('\\n') }}", "more than 3,000 lines"),
        ("{{ (['x'] * 66000) | join('\\n\\n') }}", "more than 3,000 lines"),
    ],
    ids=["long word", "many lines", "many paragraphs"],
)
def test_letters_too_big_to_lay_out_stop_at_the_first_letter_at_once(
    tmp_path: Path, data_dir: Path, body: str, says: str
) -> None:
    """Within every fill-in limit of old, these took 133 s for 7 letters (a long word) or
    never finished (many lines); now the first letter is refused with the line."""
    from crmdesk.services import letters
    from crmdesk.store.database import Database
    from tests.letters_helpers import add_people, set_up_shop

    db_file = tmp_path / "shop.crmdesk"
    with Database.open(db_file, create=True) as db:
        set_up_shop(db)
        ids = add_people(db)
        letters.save_template(db, None, "Long word", f"Dear {{{{ client.first_name }}}},\n{body}")
    out = tmp_path / "long.pdf"
    start = time.monotonic()
    refused = crmdesk("letters", "--db", str(db_file), "--template", "Long word", "--client",
                      *ids, "-o", str(out), data_dir=data_dir)  # fmt: skip
    assert time.monotonic() - start < 10  # Python and Qt-free imports included
    assert refused.returncode == 2, refused.stderr
    assert refused.stderr.startswith("crmdesk: Line 2: This letter "), refused.stderr
    assert says in refused.stderr and refused.stderr.count("Line 2") == 1
    assert not out.exists()


def test_a_long_batch_shows_its_progress(tmp_path: Path, data_dir: Path) -> None:
    from crmdesk.services import letters
    from crmdesk.store.database import Database
    from tests.letters_helpers import add_people, pdf_pages, set_up_shop

    db_file = tmp_path / "shop.crmdesk"
    with Database.open(db_file, create=True) as db:
        set_up_shop(db)
        ids = add_people(db)
        # about 20 pages and a third of a second each (well within the 2 s a letter may
        # take to lay out, even on a busy machine): two seconds in all
        body = "{{ (['a' * 9999] * 7) | join('\\n') }}"
        letters.save_template(db, None, "Long", body)
    out = tmp_path / "long.pdf"
    done = crmdesk("letters", "--db", str(db_file), "--template", "Long", "--client", *ids,
                   "-o", str(out), data_dir=data_dir)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "crmdesk: writing letter " in done.stderr and " of 6…" in done.stderr
    assert "Wrote 6 letters" in done.stdout and len(pdf_pages(out)) > 6 * 15


def test_survey_forms_and_nps_from_the_command_line(tmp_path: Path, data_dir: Path) -> None:
    import json

    from crmdesk.services import surveys
    from crmdesk.services.surveys import AnswerForm
    from crmdesk.store.database import Database
    from tests.letters_helpers import add_people, pdf_pages, set_up_shop

    db_file = tmp_path / "shop.crmdesk"
    with Database.open(db_file, create=True) as db:
        set_up_shop(db)
        ids = add_people(db)[:2]
    out = tmp_path / "forms.pdf"
    done = crmdesk("survey-forms", "--db", str(db_file), "--client", *ids, "--paper", "letter",
                   "-o", str(out), data_dir=data_dir)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Wrote 2 forms" in done.stdout
    assert len(pdf_pages(out)) == 2
    with Database.open(db_file) as db:
        codes = [r[0] for r in db.query("SELECT code FROM survey_forms ORDER BY issued_at")]
        for code, score in zip(codes, (10, 4), strict=True):
            surveys.record_answer(db, AnswerForm(score=score), code=code)
    table = crmdesk("nps", "--db", str(db_file), "--by", "year", data_dir=data_dir)
    assert table.returncode == 0 and "(fewer than 30 answers)" in table.stdout
    data = json.loads(crmdesk("nps", "--db", str(db_file), "--json", data_dir=data_dir).stdout)
    assert data["overall"]["nps"] == 0 and data["overall"]["answers"] == 2
    assert data["to_follow_up"] == 2 and data["followed_up"] == 0
    none = crmdesk("survey-forms", "--db", str(db_file), "--tag", "nobody", "-o",
                   str(tmp_path / "x.pdf"), data_dir=data_dir)  # fmt: skip
    assert none.returncode == 2 and "No client has the tag “nobody”" in none.stderr


def test_report_and_today_from_the_command_line(tmp_path: Path, data_dir: Path) -> None:
    import json
    from datetime import datetime

    from crmdesk.services import history, reports, retention
    from crmdesk.services.history import ContactForm
    from crmdesk.store.database import Database
    from tests.letters_helpers import pdf_pages
    from tests.retention_helpers import add_client, backdate

    db_file = tmp_path / "shop.crmdesk"
    with Database.open(db_file, create=True) as db:
        anna, ben = add_client(db, "Anna"), add_client(db, "Ben")
        for who in (anna, ben):
            backdate(db, who, datetime(2026, 1, 1))
        retention.record_purchase(db, anna, "300", "Wedding", datetime(2026, 8, 1, 10))
        retention.record_purchase(db, ben, "100", "Roses", datetime(2026, 8, 2, 10))
        retention.record_purchase(db, ben, "20", "Card", datetime(2026, 9, 2, 10))
        history.log_contact(db, ben, ContactForm(subject="Quote for the shop window",
                            follow_up_on=datetime.now().date()))  # fmt: skip
        expected = reports.report(db, reports.parse_period("2026-Q3"))
    out = tmp_path / "report.pdf"
    done = crmdesk("report", "--db", str(db_file), "--period", "2026-Q3", "-o", str(out),
                   data_dir=data_dir)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "revenue 420.00 from 2 clients, 3 purchases" in done.stdout
    text = " ".join(pdf_pages(out)).replace("\r\n", " ").replace("\n", " ")
    assert "Report 2026-Q3" in text and "420.00" in text
    assert f"brought {round(expected.pareto.top_share * 100)}% of the revenue" in text  # 300/420
    assert "Anna Test" in text and "Repeat-purchase rate" in text
    bad = crmdesk("report", "--db", str(db_file), "--period", "summer", "-o", str(out),
                  data_dir=data_dir)  # fmt: skip
    assert bad.returncode == 2 and "write 2026-Q3" in bad.stderr
    listed = json.loads(crmdesk("today", "--db", str(db_file), "--json", data_dir=data_dir).stdout)
    follow = next(s for s in listed if s["section"] == "Follow-ups due")
    assert [(r["name"], r["text"]) for r in follow["rows"]] == [
        ("Ben Test", "Follow up: Quote for the shop window")]  # fmt: skip


def test_copy_merge_backup_restore_and_check_from_the_command_line(
    tmp_path: Path, data_dir: Path
) -> None:
    from crmdesk.services import clients
    from tests.sync_helpers import edit_client, machine

    shop = tmp_path / "shop.crmdesk"
    assert crmdesk("demo", "--out", str(shop), "--clients", "12", data_dir=data_dir).returncode == 0
    stick = tmp_path / "stick"
    stick.mkdir()  # (plugged in)
    copied = crmdesk("copy", str(stick), "--db", str(shop), "--no-passphrase", data_dir=data_dir)
    assert copied.returncode == 0, copied.stderr
    [copy] = stick.glob("*.crmdesk")
    assert copy.name.startswith("shop from ") and "checked, NOT encrypted" in copied.stdout
    assert copy.read_bytes().startswith(b"SQLite format 3")
    with machine(copy, "B") as laptop:
        cid = clients.find_by_name(laptop, "")[0][0]
        edit_client(laptop, cid, city="Whitby")
    merged = crmdesk("merge", str(copy), "--db", str(shop), data_dir=data_dir)
    assert merged.returncode == 0, merged.stderr
    assert "Clients: 1 updated" in merged.stdout and "Backup before merging" in merged.stdout
    listed = crmdesk("backup", "--list", "--db", str(shop), data_dir=data_dir).stdout
    assert "before merge" in listed
    restored = crmdesk("restore", "1", "--db", str(shop), data_dir=data_dir)
    assert restored.returncode == 0, restored.stderr
    checked = crmdesk("check", str(shop), data_dir=data_dir)
    assert checked.returncode == 0 and "integrity and references check out" in checked.stdout
    refused = crmdesk("merge", str(tmp_path / "none.crmdesk"), "--db", str(shop), data_dir=data_dir)
    assert refused.returncode == 2 and "does not exist" in refused.stderr


def test_an_encrypted_copy_from_the_command_line(tmp_path: Path, data_dir: Path) -> None:
    """The laptop writes an encrypted copy with a passphrase file; the front desk merges it
    with the passphrase in the environment, then refuses it with a wrong one, without one,
    and once a byte of it is changed, each time leaving its database as it was."""
    from crmdesk.services import clients
    from tests.sync_helpers import copy_to, edit_client, machine

    shop = tmp_path / "shop.crmdesk"
    assert crmdesk("demo", "--out", str(shop), "--clients", "12", data_dir=data_dir).returncode == 0
    laptop = copy_to(shop, tmp_path / "laptop.crmdesk")
    with machine(laptop, "B") as b:
        cid = clients.find_by_name(b, "")[0][0]
        edit_client(b, cid, city="Whitby")
    secret = tmp_path / "passphrase.txt"
    secret.write_text("a kettle of fish and chips\n")
    stick = tmp_path / "stick"
    stick.mkdir()  # (plugged in)
    copied = crmdesk("copy", str(stick), "--db", str(laptop), "--passphrase-file", str(secret),
                     data_dir=data_dir)  # fmt: skip
    assert copied.returncode == 0, copied.stderr
    assert "encrypted and checked" in copied.stdout
    assert "No keyring on this computer: the passphrase was not remembered" in copied.stdout
    [copy] = stick.iterdir()
    assert copy.name.startswith("laptop from ") and copy.suffix == ".crmdesk-encrypted"
    assert b"Whitby" not in copy.read_bytes()

    before = digest(shop)
    for given, words in [
        ({"CRMDESK_PASSPHRASE": "a kettle of fish"}, "another passphrase"),
        ({}, "needs its passphrase"),
    ]:
        refused = crmdesk("merge", str(copy), "--db", str(shop), data_dir=data_dir, env=given)
        assert refused.returncode == 2
        assert words in refused.stderr and "--passphrase-file" in refused.stderr
        assert digest(shop) == before

    good = {"CRMDESK_PASSPHRASE": "a kettle of fish and chips"}
    changed = tmp_path / "changed.crmdesk-encrypted"
    data = bytearray(copy.read_bytes())
    data[len(data) // 3] ^= 0x04
    changed.write_bytes(data)
    damaged = crmdesk("merge", str(changed), "--db", str(shop), data_dir=data_dir, env=good)
    assert damaged.returncode == 2
    assert "was changed or damaged after it was written" in damaged.stderr
    assert "write a new one" in damaged.stderr
    assert digest(shop) == before

    merged = crmdesk("merge", str(copy), "--db", str(shop), data_dir=data_dir, env=good)
    assert merged.returncode == 0, merged.stderr
    assert "Clients: 1 updated" in merged.stdout
    with machine(shop, "A") as a:
        assert clients.get_client(a, cid).city == "Whitby"

    opened = crmdesk("check", str(copy), data_dir=data_dir)
    assert opened.returncode == 2
    assert "is an encrypted copy for another machine" in opened.stderr
    assert "crmdesk merge" in opened.stderr


def test_copy_refuses_without_a_passphrase_or_no_passphrase(tmp_path: Path, data_dir: Path) -> None:
    shop = tmp_path / "shop.crmdesk"
    assert crmdesk("demo", "--out", str(shop), "--clients", "5", data_dir=data_dir).returncode == 0
    stick = tmp_path / "stick"
    stick.mkdir()  # (plugged in)
    refused = crmdesk("copy", str(stick), "--db", str(shop), data_dir=data_dir)
    assert refused.returncode == 2
    for words in ("--passphrase-file FILE", "CRMDESK_PASSPHRASE", "--no-passphrase"):
        assert words in refused.stderr
    assert not stick.exists() or not any(stick.iterdir())
    short = crmdesk("copy", str(stick), "--db", str(shop), data_dir=data_dir,
                    env={"CRMDESK_PASSPHRASE": "short"})  # fmt: skip
    assert short.returncode == 2 and "at least 8 characters" in short.stderr
    helped = crmdesk("copy", "--help", data_dir=data_dir).stdout
    assert "--no-passphrase" in helped and "AES-256-GCM" in helped


def test_letters_count_only_what_was_written_and_name_who_was_held_back(
    tmp_path: Path, data_dir: Path
) -> None:
    from crmdesk.services import clients
    from crmdesk.services.clients import ClientForm
    from crmdesk.store.database import Database
    from tests.letters_helpers import pdf_pages, set_up_shop

    db_file = tmp_path / "shop.crmdesk"
    with Database.open(db_file, create=True) as db:
        set_up_shop(db)
        for given, family in (("محمد", "العلي"), ("太郎", "山田"), ("Tashi", "བཀྲ་ཤིས")):
            form = ClientForm(given_name=given, family_name=family, street="1 Road",
                              postcode="1", city="Town", tags=["vip"])  # fmt: skip
            clients.create_client(db, form)
    out = tmp_path / "b.pdf"
    done = crmdesk("letters", "--db", str(db_file), "--template", "Birthday", "--tag", "vip",
                   "-o", str(out), data_dir=data_dir)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Wrote 2 letters (2 pages)" in done.stdout and "1 client left out" in done.stdout
    assert "no letter for Tashi བཀྲ་ཤིས: no font here can print U+0F56" in done.stderr
    assert "Tashi" not in "".join(pdf_pages(out))


def test_a_db_before_the_command_is_the_one_used(
    demo_path: Path, db_path: Path, data_dir: Path
) -> None:
    checked = crmdesk("--db", str(demo_path), "check", data_dir=data_dir)
    assert checked.returncode == 0 and str(demo_path) in checked.stdout, checked.stderr
    today = crmdesk("--db", str(db_path), "today", "--json", data_dir=data_dir)
    assert today.returncode == 0, today.stderr
    assert json.loads(today.stdout) == json.loads(
        crmdesk("today", "--json", "--db", str(db_path), data_dir=data_dir).stdout
    )


def test_output_cut_short_by_the_reader_ends_quietly(demo_path: Path, data_dir: Path) -> None:
    """`crmdesk today | head -1`: no traceback when the reader stops reading."""
    env = {**os.environ, "CRMDESK_DATA_DIR": str(data_dir)}
    with subprocess.Popen(
        [sys.executable, "-m", "crmdesk", "today", "--db", str(demo_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        child.stdout.readline()
        child.stdout.close()
        errors = child.stderr.read().decode()
        assert child.wait(timeout=60) == 0
    assert "Traceback" not in errors and "BrokenPipe" not in errors


def test_a_new_machine_starts_from_an_encrypted_copy(tmp_path: Path, data_dir: Path) -> None:
    """A new laptop (no database) is told to unpack rather than merge; `crmdesk unpack`
    refuses a wrong passphrase leaving nothing, then decrypts the copy into the data folder
    and every later command uses it; a second unpack never replaces it."""
    shop = tmp_path / "shop.crmdesk"
    assert crmdesk("demo", "--out", str(shop), "--clients", "12", data_dir=data_dir).returncode == 0
    secret = tmp_path / "passphrase.txt"
    secret.write_text("a kettle of fish and chips\n")
    front_desk = tmp_path / "front desk"
    (tmp_path / "stick").mkdir()  # (plugged in)
    copied = crmdesk("copy", str(tmp_path / "stick"), "--db", str(shop), "--passphrase-file",
                     str(secret), data_dir=front_desk)  # fmt: skip
    assert copied.returncode == 0, copied.stderr
    [copy] = (tmp_path / "stick").iterdir()

    merged = crmdesk("merge", str(copy), data_dir=data_dir)  # nothing here to merge into
    assert merged.returncode == 2
    assert "There is no database to merge" in merged.stderr
    assert f"crmdesk unpack '{copy}'" in merged.stderr
    checked = crmdesk("check", str(copy), data_dir=data_dir)
    assert checked.returncode == 2
    assert "it was copied from" not in checked.stderr
    assert "crmdesk merge" in checked.stderr and "crmdesk unpack" in checked.stderr

    missing = crmdesk("unpack", str(copy), "--passphrase-file", str(tmp_path / "nope.txt"),
                      data_dir=data_dir)  # fmt: skip
    assert missing.returncode == 2
    assert f"The passphrase file {tmp_path / 'nope.txt'} does not exist." in missing.stderr
    assert "Errno" not in missing.stderr
    wrong = crmdesk("unpack", str(copy), data_dir=data_dir,
                    env={"CRMDESK_PASSPHRASE": "a kettle of fish"})  # fmt: skip
    assert wrong.returncode == 2 and "another passphrase" in wrong.stderr
    assert not (data_dir / "data").exists() or not list((data_dir / "data").glob("*.crmdesk"))

    before = digest(copy)
    unpacked = crmdesk("unpack", str(copy), "--passphrase-file", str(secret), data_dir=data_dir)
    assert unpacked.returncode == 0, unpacked.stderr
    made = data_dir / "data" / "shop.crmdesk"
    assert f"into {made}, checked" in unpacked.stdout
    assert digest(copy) == before
    today = crmdesk("check", data_dir=data_dir)  # the one used last: the new database
    assert today.returncode == 0, today.stderr
    assert f"{made}: a crmdesk database, 12 clients" in today.stdout

    again = crmdesk("unpack", str(copy), "--passphrase-file", str(secret), data_dir=data_dir)
    assert again.returncode == 2
    assert "already exists" in again.stderr and "--out FILE" in again.stderr
    other = tmp_path / "second.crmdesk"
    elsewhere = crmdesk("unpack", str(copy), "--out", str(other), "--passphrase-file",
                        str(secret), data_dir=data_dir)  # fmt: skip
    assert elsewhere.returncode == 0, elsewhere.stderr
    assert other.exists()

    restored = crmdesk("restore", str(copy), data_dir=data_dir)
    assert restored.returncode == 2
    assert "not a backup" in restored.stderr and "damaged" not in restored.stderr
    empty = tmp_path / "empty.crmdesk-encrypted"
    empty.write_bytes(b"")
    cut = crmdesk("merge", str(empty), data_dir=data_dir)
    assert cut.returncode == 2
    assert "is empty (0 bytes)" in cut.stderr and "SQLite" not in cut.stderr


def test_export_from_the_command_line(tmp_path: Path, data_dir: Path) -> None:
    import csv

    import icalendar
    import vobject

    db = tmp_path / "demo.crmdesk"
    assert crmdesk("demo", "--out", str(db), "--clients", "40", data_dir=data_dir).returncode == 0
    out = tmp_path / "vip.csv"
    done = crmdesk("export", "--db", str(db), "--format", "csv", "--tag", "vip",
                   "--columns", "family_name,given_name,birthday", "-o", str(out),
                   data_dir=data_dir)  # fmt: skip
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and list(rows[0]) == ["Family name", "Given name", "Birthday"]
    assert done.stdout == f"Wrote {len(rows)} clients to {out}.\n"
    cards = tmp_path / "all.vcf"
    done = crmdesk("export", "--db", str(db), "--format", "vcard", "--vcard-version", "3.0",
                   "-o", str(cards), data_dir=data_dir)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(list(vobject.readComponents(cards.read_text(encoding="utf-8")))) == 40
    ics = tmp_path / "birthdays.ics"
    done = crmdesk("export", "--db", str(db), "--format", "ics", "-o", str(ics),
                   data_dir=data_dir)  # fmt: skip
    assert done.returncode == 0, done.stderr
    events = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert events and all(e["RRULE"]["FREQ"] == ["YEARLY"] for e in events)
    wrong = crmdesk("export", "--db", str(db), "--format", "csv", "--columns", "shoe",
                    "-o", str(tmp_path / "x.csv"), data_dir=data_dir)  # fmt: skip
    assert wrong.returncode == 2 and "No column “shoe”" in wrong.stderr
    assert not (tmp_path / "x.csv").exists()
