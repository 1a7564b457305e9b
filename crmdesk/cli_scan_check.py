"""`crmdesk scan-in --check`: the check of doubtful pages at the terminal, as the window
asks it (crmdesk.services.scan_in.check): for each row in doubt, why and the reading
proposed, then a line typed — Enter accepts, a number corrects, N no answer, Y a consent
given, S skips the page; a page whose QR code did not read asks for its code."""

from __future__ import annotations

from collections.abc import Callable

from crmdesk.errors import CrmError
from crmdesk.services.scan_in.check import (
    current,
    decide,
    decision_of,
    hint,
    to_check,
    with_code,
)
from crmdesk.services.scan_in.reading import PageReading
from crmdesk.store.database import Database

KEYS = "S skip the page"


def check_pages(db: Database, readings: list[PageReading],
                ask: Callable[[str], str]) -> list[PageReading]:  # fmt: skip
    """The pages with each doubtful one decided by what `ask(prompt)` returns (a page
    skipped is left as it was; input ending leaves the rest unchecked)."""
    todo = [n for n, r in enumerate(readings) if to_check(r)]
    checked = list(readings)
    for done, n in enumerate(todo):
        try:
            checked[n] = _check_page(db, checked[n], ask, f"[{done + 1}/{len(todo)}]")
        except EOFError:
            print("(input ended: the pages not yet checked are not recorded)")
            break
    return checked


def _check_page(db: Database, r: PageReading, ask: Callable[[str], str],
                counter: str) -> PageReading:  # fmt: skip
    while to_check(r):
        where = f"{counter} {r.file} page {r.page}"
        if r.code is None:
            print(f"{where}: {r.why}")
            typed = ask("Code printed under the QR code (S skip the page): ").strip()
            if typed.lower() == "s":
                return r
            try:
                again = with_code(db, r, typed)
            except CrmError as exc:
                print(f"  {exc}")
                continue
            if again.form is None:  # a code never printed, or already entered
                print(f"  {again.why}")
                continue
            r = again
            continue
        doubt = current(r)
        who = (r.form.client_name or "a blank form") if r.form is not None else ""
        print(f"{where}: form {r.code} — {who}: {doubt.why}")
        typed = ask(hint(r, doubt, KEYS) + "\n> ")
        try:
            decision = decision_of(typed, r)
            if decision.action == "skip":
                return r
            r = decide(r, decision)
        except CrmError as exc:
            print(f"  {exc}")
    return r
