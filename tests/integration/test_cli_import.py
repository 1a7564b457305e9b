"""`crmdesk import`: the JSON summary, exit codes, --dry-run, --on-match and --region."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from tests.import_helpers import FIXTURES
from tests.integration.test_cli import crmdesk


def _run(*args: str, db: Path, data_dir: Path) -> tuple[int, dict[str, object], str]:
    done = crmdesk("import", *args, "--db", str(db), "--json", data_dir=data_dir)
    return done.returncode, json.loads(done.stdout or "{}"), done.stderr


def test_import_lists_problems_and_exits_2_then_adds_nothing_again(
    db_path: Path, data_dir: Path
) -> None:
    files = [str(FIXTURES / "generated/outlook-de.csv"), str(FIXTURES / "generated/google-3.0.vcf")]
    code, said, err = _run(*files, "--region", "DE", db=db_path, data_dir=data_dir)
    assert code == 2, err
    assert (said["added"], said["updated"], said["skipped"]) == (2, 0, 0)
    problems = said["problems"]
    assert isinstance(problems, list)
    message = "“0171 33333” is not a phone number; kept as a thing to remember"
    assert {"file": "outlook-de.csv", "line": 2, "message": message} in problems
    again_code, again, _err = _run(*files, "--region", "DE", db=db_path, data_dir=data_dir)
    assert (again["added"], again["updated"], again["skipped"]) == (0, 0, 2)
    assert again_code == 0 and again["problems"] == []


def test_dry_run_writes_nothing(db_path: Path, data_dir: Path, tmp_path: Path) -> None:
    file = tmp_path / "c.csv"
    file.write_text("Name,E-mail\nAnn Lee,ann@example.org\nΣοφία Π,sofia@example.gr\n", "utf-8")
    code, said, err = _run(str(file), "--dry-run", db=db_path, data_dir=data_dir)
    assert code == 0, err
    assert said["added"] == 2
    with sqlite3.connect(db_path) as conn:
        for table in ("clients", "history", "facts"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)


def test_on_match_skip_and_an_unreadable_file(
    db_path: Path, data_dir: Path, tmp_path: Path
) -> None:
    file = tmp_path / "c.csv"
    file.write_text("Name,E-mail\nAnn Lee,ann@example.org\n", "utf-8")
    assert _run(str(file), db=db_path, data_dir=data_dir)[1]["added"] == 1
    other = tmp_path / "d.csv"
    other.write_text("Name,E-mail,Town\nAnn Lee,ANN@example.org,Leeds\n", "utf-8")
    empty = tmp_path / "empty.vcf"
    empty.write_bytes(b"")
    code, said, _err = _run(str(empty), str(other), "--on-match", "skip", db=db_path,
                            data_dir=data_dir)  # fmt: skip
    assert code == 2
    assert (said["added"], said["skipped"]) == (0, 1)
    [problem] = said["problems"]  # type: ignore[misc]
    assert problem["file"] == "empty.vcf" and problem["line"] == 0


def test_plain_output_names_each_file(db_path: Path, data_dir: Path, tmp_path: Path) -> None:
    file = Path(shutil.copy(FIXTURES / "generated/thunderbird.csv", tmp_path / "tb.csv"))
    done = crmdesk("import", str(file), "--db", str(db_path), data_dir=data_dir)
    assert done.stdout.startswith("tb.csv: ")
    assert "added" in done.stdout


def test_a_folder_is_a_problem_not_a_traceback(
    db_path: Path, data_dir: Path, tmp_path: Path
) -> None:
    code, said, err = _run(str(tmp_path), db=db_path, data_dir=data_dir)
    assert code == 2 and "Traceback" not in err
    [problem] = said["problems"]  # type: ignore[misc]
    assert problem["file"] == tmp_path.name and problem["line"] == 0


def test_the_same_person_twice_is_one_client(db_path: Path, data_dir: Path, tmp_path: Path) -> None:
    file = tmp_path / "c.csv"
    file.write_text("Name,E-mail,Town\nДмитрий Орлов,dima@example.ru,\n"
                    "Dmitri Orlov,Dima@example.ru,Leeds\n", "utf-8")  # fmt: skip
    code, said, err = _run(str(file), "--dry-run", db=db_path, data_dir=data_dir)
    assert (said["added"], said["folded"]) == (1, 1), err
    code, said, err = _run(str(file), db=db_path, data_dir=data_dir)
    assert (code, said["added"], said["updated"], said["folded"]) == (0, 1, 0, 1), err
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT given_name, city FROM clients").fetchall() == [
            ("Дмитрий", "Leeds")
        ]
    plain = crmdesk("import", str(file), "--db", str(db_path), "--on-match", "new",
                    data_dir=data_dir)  # fmt: skip
    assert plain.stdout.startswith("c.csv: 0 added")  # (imported before: nothing twice)
