"""What the command line says: every command's --help reads as written (no "20%%"), an
output folder that does not exist is a message and exit status 2 (not a traceback), a tag
or id nobody has is named; and the report PDF says what it means ("so far", "Jan 2026",
0 and −50 on its axis, the same answer limit as the window, days for long waits)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from crmdesk.cli import COMMANDS
from crmdesk.documents.report import write_report
from crmdesk.services import complaints, nps, reports
from crmdesk.services.clients import ClientForm, create_client
from crmdesk.store.database import Database
from tests.integration.test_cli import crmdesk


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    path = folder / "shop.crmdesk"
    made = crmdesk("demo", "--out", str(path), data_dir=folder)
    assert made.returncode == 0, made.stderr
    return path


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_every_help_text_reads_as_written(command: str, data_dir: Path) -> None:
    shown = crmdesk(*([command] if command else []), "--help", data_dir=data_dir)
    assert shown.returncode == 0, shown.stderr
    assert "%%" not in shown.stdout and "%(" not in shown.stdout
    assert "(s)" not in shown.stdout


def test_the_report_help_says_20_percent(data_dir: Path) -> None:
    shown = crmdesk("report", "--help", data_dir=data_dir).stdout
    assert "top 20% of clients" in " ".join(shown.split())


@pytest.mark.parametrize(
    "args",
    [
        ["letters", "--template", "Birthday", "--tag", "vip"],
        ["survey-forms", "--blank", "3"],
        ["report", "--period", "2026-Q3"],
    ],
)
def test_an_output_folder_that_does_not_exist_is_a_message_and_status_2(
    args: list[str], demo_file: Path, tmp_path: Path, data_dir: Path
) -> None:
    out = tmp_path / "missing" / "x.pdf"
    done = crmdesk(*args, "-o", str(out), "--db", str(demo_file), data_dir=data_dir)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"the folder {out.parent} does not exist" in done.stderr
    assert "mkdir" in done.stderr  # and what to do
    assert not out.parent.exists()


def test_labels_into_a_missing_folder_leave_no_letters_and_no_history(
    demo_file: Path, tmp_path: Path, data_dir: Path
) -> None:
    out, labels = tmp_path / "letters.pdf", tmp_path / "missing" / "labels.pdf"
    with Database.open(demo_file) as db:
        before = db.query("SELECT count(*) FROM history")[0][0]
    done = crmdesk("letters", "--template", "Birthday", "--tag", "vip", "-o", str(out),
                   "--labels", str(labels), "--db", str(demo_file), data_dir=data_dir)  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert not out.exists()
    with Database.open(demo_file) as db:
        assert db.query("SELECT count(*) FROM history")[0][0] == before


@pytest.mark.parametrize(
    "args",
    [
        ["letters", "--template", "Birthday", "--tag", "vipp", "-o", "x.pdf"],
        ["survey-forms", "--tag", "vipp", "-o", "x.pdf"],
        ["nps", "--tag", "vipp"],
    ],
)
def test_an_unknown_tag_is_named(args: list[str], demo_file: Path, data_dir: Path) -> None:
    done = crmdesk(*args, "--db", str(demo_file), data_dir=data_dir)
    assert done.returncode == 2
    assert "No client has the tag “vipp”." in done.stderr
    assert "vip" in done.stderr.split("The tags are:")[1]  # and the tags there are


@pytest.mark.parametrize("command", ["letters", "survey-forms"])
def test_an_unknown_client_id_is_named(command: str, demo_file: Path, data_dir: Path) -> None:
    extra = ["--template", "Birthday"] if command == "letters" else []
    done = crmdesk(command, *extra, "--client", "not-an-id", "-o", "x.pdf",
                   "--db", str(demo_file), data_dir=data_dir)  # fmt: skip
    assert done.returncode == 2
    assert "No client with id not-an-id." in done.stderr


def test_labels_start_at_a_label_of_the_sheet(
    demo_file: Path, tmp_path: Path, data_dir: Path
) -> None:
    labels = tmp_path / "labels.pdf"
    bad = crmdesk("letters", "--template", "Birthday", "--tag", "vip", "-o",
                  str(tmp_path / "l.pdf"), "--labels", str(labels), "--start-at", "22",
                  "--db", str(demo_file), data_dir=data_dir)  # fmt: skip
    assert bad.returncode == 2 and "Start at label 1 to 21" in bad.stderr
    done = crmdesk("letters", "--template", "Birthday", "--tag", "vip", "-o",
                   str(tmp_path / "l.pdf"), "--labels", str(labels), "--start-at", "20",
                   "--db", str(demo_file), data_dir=data_dir)  # fmt: skip
    assert done.returncode == 0, done.stderr
    pdf = pdfium.PdfDocument(labels)
    assert len(pdf) >= 2  # two labels left on the used sheet, the rest on the next
    pdf.close()


def test_one_complaint_is_one_complaint(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "one.crmdesk"
    with Database.open(path, create=True) as db:
        cid = create_client(db, ClientForm(given_name="Ann", family_name="Lee")).created_id
        assert cid is not None
        complaints.open_complaint(db, cid, complaints.ComplaintForm(description="Late"))
    done = crmdesk("report", "-o", str(tmp_path / "r.pdf"), "--db", str(path),
                   data_dir=data_dir)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "1 complaint opened" in done.stdout and "0 answers" in done.stdout


def _text(pdf_path: Path) -> str:
    pdf = pdfium.PdfDocument(pdf_path)
    try:
        pages = (page.get_textpage().get_text_range() for page in pdf)
        return "\n".join(pages).replace("\r\n", "\n")
    finally:
        pdf.close()


def test_the_report_pdf_says_what_it_means(demo_file: Path, tmp_path: Path) -> None:
    today = date.today()
    with Database.open(demo_file) as db:
        quarter = reports.report(db, reports.current_quarter(today), today)
        back = today - timedelta(days=200)  # a month the demo has answers in
        month = reports.report(db, reports.parse_period(f"{back:%Y-%m}"), today)
    write_report(tmp_path / "q.pdf", quarter, "Webber & Daughters, Florists", "A4")
    write_report(tmp_path / "m.pdf", month, "Webber & Daughters, Florists", "A4")
    q, m = _text(tmp_path / "q.pdf"), _text(tmp_path / "m.pdf")

    label = reports.current_quarter(today).label
    assert f"Report {label} (so far)" in q  # a partial quarter is not a collapse
    assert "so far up to" in q and "\nso far\n" in q  # under its bar too
    assert "Webber & Daughters, Florists\nReport" in q  # the shop's name on its own line
    assert f"Report {back:%b %Y}" in m and "so far" not in m
    assert f"\n{back:%b %Y}\n" in m and f"{back:%Y-%m}" not in m  # under its bars too
    for text in (q, m):
        axis = text.split("What clients say (NPS)")[1]
        assert "−50" in axis and "+0" not in axis and "-50" not in axis
        assert "\n0\n" in axis
        assert f"fewer than {nps.MIN_ANSWERS} answers" in text and "10 answers" not in text


def test_a_long_median_wait_is_said_in_days(tmp_path: Path) -> None:
    path = tmp_path / "waits.crmdesk"
    opened = datetime(2026, 5, 4, 9, 0)
    with Database.open(path, create=True) as db:
        cid = create_client(db, ClientForm(given_name="Ann", family_name="Lee")).created_id
        assert cid is not None
        complaints.open_complaint(db, cid, complaints.ComplaintForm(
            description="Late", status="resolved", resolution="Refunded", opened_at=opened,
            resolved_at=opened + timedelta(hours=200)))  # fmt: skip
        figures = reports.report(db, reports.parse_period("2026-05"), date(2026, 7, 1))
    write_report(tmp_path / "r.pdf", figures)
    text = _text(tmp_path / "r.pdf")
    assert "1 (median 8 days)" in text and " h)" not in text
