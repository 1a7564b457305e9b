"""How well a generated set was read: the figures the issue asks for."""

from __future__ import annotations

from dataclasses import dataclass, field

from crmdesk.services.scan_in.reading import PageReading
from tests.scan_set.forms import Truth


@dataclass
class Accuracy:
    pages: int = 0
    checked: int = 0  # pages sent to the check
    marks_read: int = 0  # answers (score, consents, extra) read without asking
    marks_right: int = 0
    wrong_form: int = 0  # pages given another form's code: must be 0
    missed_doubts: int = 0  # pages that had to go to the check and did not: must be 0
    clear: int = 0  # pages marked clearly (one box, any pen): these should not need a check
    clear_checked: int = 0
    errors: list[str] = field(default_factory=list)
    needless: list[str] = field(default_factory=list)  # clear pages sent to the check

    def add(self, reading: PageReading, truth: Truth) -> None:
        self.pages += 1
        where = f"{reading.file} ({truth.marks}; {truth.scan.describe()})"
        if reading.code is not None and reading.code != truth.code:
            self.wrong_form += 1
            self.errors.append(f"{where}: read as form {reading.code}, is {truth.code}")
        if truth.score_check == "no":
            self.clear += 1
        if reading.needs_check:
            self.checked += 1
            if truth.score_check == "no":
                self.clear_checked += 1
                self.needless.append(f"{where}: sent to the check: {reading.why}")
            return
        if truth.score_check == "must":
            self.missed_doubts += 1
            self.errors.append(f"{where}: not sent to the check ({reading.score})")
            return
        pairs = [("score", reading.score, truth.score)]
        pairs += [(k, reading.consents.get(k), v) for k, v in truth.consents.items()]
        answers = zip(reading.extra, truth.extra, strict=True)
        pairs += [(f"question {n}", got, want) for n, (got, want) in enumerate(answers, 1)]
        for name, got, want in pairs:
            self.marks_read += 1
            if got == want:
                self.marks_right += 1
            else:
                self.errors.append(f"{where}: {name} read {got!r}, is {want!r}")

    def report(self) -> str:
        right = 100 * self.marks_right / self.marks_read if self.marks_read else 100.0
        checked = 100 * self.checked / self.pages if self.pages else 0.0
        clear = 100 * self.clear_checked / self.clear if self.clear else 0.0
        return (
            f"{self.pages} pages; {self.marks_read} marks read without asking, {right:.2f}% "
            f"right; {self.wrong_form} attributed to the wrong form; {self.missed_doubts} "
            f"doubtful pages not sent to the check; {checked:.1f}% of pages sent to the check "
            f"(the set's mix is a third doubtful on purpose); of the {self.clear} pages marked "
            f"clearly, {clear:.1f}% sent to the check"
        )

    @property
    def right_share(self) -> float:
        return self.marks_right / self.marks_read if self.marks_read else 1.0
