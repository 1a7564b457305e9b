"""`crmdesk person-export ID -o DIR`: a person's data from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from crmdesk.services import notes
from tests.integration.test_cli import crmdesk
from tests.sync_helpers import add_client, machine


def test_person_export_writes_both_files_and_refuses_clearly(
    db_path: Path, tmp_path: Path, data_dir: Path
) -> None:
    with machine(db_path, "A") as a:
        cid = add_client(a, given_name="Ольга", family_name="Смирнова", city="Москва")
        notes.add_note(a, cid, "Любит пионы")
    out = tmp_path / "out"
    out.mkdir()
    done = crmdesk("person-export", cid, "-o", str(out), "--db", str(db_path), data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    [data_file] = out.glob("*.json")
    pdf = data_file.with_suffix(".pdf")
    assert pdf.name.startswith("personal-data-Ольга-Смирнова-20")
    assert pdf.exists() and f"Wrote {pdf}" in done.stdout
    assert json.loads(data_file.read_text(encoding="utf-8"))["notes"][0]["text"] == "Любит пионы"

    unknown = crmdesk("person-export", "no-such-id", "-o", str(out), "--db", str(db_path),
                      data_dir=data_dir)  # fmt: skip
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == "crmdesk: No client with id no-such-id."
    missing = crmdesk("person-export", cid, "-o", str(tmp_path / "nowhere"), "--db",
                      str(db_path), data_dir=data_dir)  # fmt: skip
    assert missing.returncode == 2
    assert "nowhere: does not exist" in missing.stderr and "mkdir -p" in missing.stderr
    assert len(list(out.iterdir())) == 2  # nothing more was written
    helped = crmdesk("person-export", "--help", data_dir=data_dir)
    assert "GDPR" in helped.stdout and "-o DIR" in helped.stdout
