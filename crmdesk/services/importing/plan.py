"""The preview of an import: for each contact read, whether it becomes a new client, matches
a client already here (with the reason, and what an update would change), is the same
person as an earlier row of the file, was imported before, or cannot be imported at all —
before anything is written.

    index, marks, kept = read_index(db), imported_marks(db), KeptRows()
    for row in plan_rows(db, source.contacts(), region, index, marks, first_rows=kept.by_number):
        kept.append(row)  # row.status, row.match, row.update (what it would change)

Rows are planned in chunks of `CHUNK`: the clients a chunk matches are read once for the
chunk (what an update would change), so a file of 100,000 rows is planned in flat memory
when its rows are not kept (the command line's import), or kept as the preview's table.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from crmdesk.model.folding import fold
from crmdesk.model.partial_date import PartialDate
from crmdesk.services.importing.drafts import (
    FIELD_NAMES,
    TEXT_FIELDS,
    ClientDraft,
    FactDraft,
    draft_of,
)
from crmdesk.services.importing.earlier_rows import EarlierRows
from crmdesk.services.importing.matching import ClientIndex, Keys, Match, match_first
from crmdesk.services.importing.records import ImportedContact, Problem
from crmdesk.store.database import Database

CHUNK = 500
IMPORTED_FROM = "Imported from "
# the history entry "Imported from <file>" says "Line 12 [Kx3Jd9_a0Qe]": the line, and the
# mark of the row's content (short: the search index holds every character of it)
_MARKS = re.compile(r"\[([A-Za-z0-9_-]{11})\]")


def history_body(line: int, mark: str) -> str:
    return f"Line {line} [{mark}]"


class Status(enum.StrEnum):
    NEW = "new"
    MATCH = "match"
    SAME = "same as an earlier row"  # taken into the client that row becomes or updates
    DONE = "imported before"
    PROBLEM = "problem"


class OnMatch(enum.StrEnum):
    UPDATE = "update"  # fill the client's empty fields; a different value goes to a note
    SKIP = "skip"
    NEW = "new"  # add the contact as a new client all the same


@dataclass
class Update:
    """What importing a contact would change on the client it matches: empty fields
    filled, phones, emails and tags added, things to remember and notes not there yet;
    a value that differs from the client's own is not taken, it goes into a note."""

    fills: dict[str, Any] = field(default_factory=dict)  # text fields and birthday
    phones: list[dict[str, str]] = field(default_factory=list)
    emails: list[dict[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    facts: list[FactDraft] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    differing: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.fills or self.phones or self.emails or self.tags or self.facts
                    or self.notes)  # fmt: skip

    def describe(self) -> str:
        """ "fills city, postcode; adds phone +44…; keeps 1 different value in a note" """
        said = []
        if self.fills:
            said.append("fills " + ", ".join(FIELD_NAMES[k].lower() for k in self.fills))
        added = [f"phone {p['display']}" for p in self.phones]
        added += [f"email {e['address']}" for e in self.emails]
        added += [f"tag {t}" for t in self.tags]
        if self.facts:
            added.append(f"{len(self.facts)} thing{'s' * (len(self.facts) != 1)} to remember")
        plain_notes = len(self.notes) - bool(self.differing)
        if plain_notes:
            added.append(f"{plain_notes} note{'s' * (plain_notes != 1)}")
        if added:
            said.append("adds " + ", ".join(added))
        if self.differing:
            n = len(self.differing)
            said.append(f"keeps {n} different value{'s' * (n != 1)} in a note: "
                        + "; ".join(self.differing))  # fmt: skip
        return "; ".join(said) or "nothing new"


@dataclass
class PlannedRow:
    contact: ImportedContact
    draft: ClientDraft
    status: Status
    match: Match | None = None  # a client here; or (SAME) the earlier row, by its number
    update: Update | None = None  # for a match: what updating would change
    same_as_line: int = 0  # SAME: the line of the earlier row

    @property
    def number(self) -> int:
        return self.contact.origin.number

    @property
    def same_as(self) -> int | None:
        """SAME: the number (among the file's rows) of the earlier row it is taken into."""
        if self.status is Status.SAME and self.match is not None:
            return int(self.match.client_id)
        return None

    def unmatch(self) -> None:
        """The user says it is not that client (or not that earlier row's person): the row
        becomes a new client."""
        if self.status in (Status.MATCH, Status.SAME):
            self.status, self.match, self.update = Status.NEW, None, None

    def status_text(self) -> str:
        if self.status is Status.MATCH and self.match is not None:
            return f"matches {self.match.name} ({self.match.reason})"
        if self.status is Status.SAME and self.match is not None:
            return f"same as line {self.same_as_line}, {self.match.name} ({self.match.reason})"
        if self.status is Status.PROBLEM:
            return "not imported: " + (self.draft.problems[-1].text if self.draft.problems
                                       else "nothing to import")  # fmt: skip
        return str(self.status)


@dataclass(frozen=True)
class Current:
    """A matched client as the file holds them now (what an update is worked out from)."""

    values: dict[str, Any]
    phones: list[str]
    emails: list[str]
    tags: list[str]
    facts: set[tuple[str, str]]
    notes: set[str]

    def take(self, update: Update) -> None:
        """The client as `update` leaves them (for the next row of the same person)."""
        for name, value in update.fills.items():
            self.values[name] = value
        self.phones.extend(p["number"] for p in update.phones)
        self.emails.extend(e["address"] for e in update.emails)
        self.tags.extend(update.tags)
        self.facts.update((f.label, f.value) for f in update.facts)
        self.notes.update(update.notes)


def different_note(draft: ClientDraft, contact: ImportedContact, differing: list[str]) -> str:
    """The note that keeps the values the client already had otherwise (always the same
    text for the same row: importing it again adds it again only if it is not there)."""
    head = f"{contact.origin.file}, line {contact.origin.line}, gave other values (not taken):"
    return "\n".join([head, *differing])


def adds_the_year(new: Any, old: Any) -> bool:
    """A birthday kept as "15 April" here, given with its year in the file: filled in."""
    return (
        isinstance(new, PartialDate) and isinstance(old, PartialDate) and old.year is None
        and new.year is not None and (new.month, new.day) == (old.month, old.day)
    )  # fmt: skip


def work_out_update(draft: ClientDraft, contact: ImportedContact, current: Current) -> Update:
    update = Update()
    for name in (*TEXT_FIELDS, "birthday"):
        new, old = draft.values[name], current.values.get(name)
        if new in ("", None):
            continue
        if old in ("", None) or adds_the_year(new, old):
            update.fills[name] = new
        elif fold(str(new)).strip() != fold(str(old)).strip():
            update.differing.append(f"{FIELD_NAMES[name]}: {new} (here: {old})")
    update.phones = [p for p in draft.values["phones"] if p["number"] not in current.phones]
    have = {e.casefold() for e in current.emails}
    update.emails = [e for e in draft.values["emails"] if e["address"].casefold() not in have]
    tags = {t.casefold() for t in current.tags}
    update.tags = [t for t in draft.values["tags"] if t.casefold() not in tags]
    update.facts = [f for f in draft.facts if (f.label, f.value) not in current.facts]
    update.notes = [n for n in draft.notes if n not in current.notes]
    if update.differing:
        note = different_note(draft, contact, update.differing)
        if note not in current.notes:
            update.notes.append(note)
        else:
            update.differing = []  # told before, in that very note
    return update


Reader = Callable[[str, Sequence[str]], list[Any]]


def read_current(query_ids: Reader, ids: Sequence[str]) -> dict[str, Current]:
    """The matched clients' fields, things to remember and notes, by id."""
    found: dict[str, Current] = {}
    rows = query_ids(
        "SELECT id, given_name, family_name, salutation, preferred_name, company, street,"
        " postcode, city, country, birthday, phones, emails, tags FROM clients"
        " WHERE id IN ({ids}) AND deleted_at IS NULL",  # (one in the Trash is not updated)
        ids,
    )
    facts: dict[str, set[tuple[str, str]]] = {i: set() for i in ids}
    for cid, label, value in query_ids(
        "SELECT client_id, label, value FROM facts WHERE deleted_at IS NULL"
        " AND client_id IN ({ids})", ids):  # fmt: skip
        facts[cid].add((label, value))
    notes: dict[str, set[str]] = {i: set() for i in ids}
    for cid, text in query_ids(
        "SELECT client_id, text FROM notes WHERE deleted_at IS NULL AND client_id IN ({ids})",
        ids,
    ):
        notes[cid].add(text)
    for row in rows:
        cid = row[0]
        values = dict(zip(TEXT_FIELDS, row[1:10], strict=True))
        values["birthday"] = PartialDate.from_stored(row[10])
        found[cid] = Current(
            values,
            [p["number"] for p in json.loads(row[11] or "[]")],
            [e["address"] for e in json.loads(row[12] or "[]")],
            list(json.loads(row[13] or "[]")),
            facts[cid],
            notes[cid],
        )
    return found


def imported_marks(db: Database) -> set[str]:
    """The marks of every row imported before (and not undone since)."""
    marks: set[str] = set()
    with db.rows(
        "SELECT body FROM history WHERE deleted_at IS NULL AND kind = 'other' AND subject LIKE ?",
        (IMPORTED_FROM + "%",),
    ) as rows:
        for (body,) in rows:
            marks.update(_MARKS.findall(body))
    return marks


def _root(row: PlannedRow) -> str:
    """The row a row is indexed under: the earlier row it is the same person as, else itself."""
    return row.match.client_id if row.status is Status.SAME and row.match else str(row.number)


class _Earlier:
    """The rows of the file planned so far, as an index of the same kind as the clients':
    each row is indexed under the row it is the same person as (or its own number)."""

    def __init__(self) -> None:
        self.index = ClientIndex()
        self.lines: dict[str, int] = {}

    def add(self, row: PlannedRow, keys: Keys) -> None:
        root = _root(row)
        self.lines.setdefault(root, row.contact.origin.line)
        self.index.add_keys(root, row.draft.name, keys)

    def line_of(self, root: str) -> int:
        return self.lines[root]

    def close(self) -> None:
        pass


class _EarlierOnDisk:
    """The same, in a temporary SQLite file (the streaming import: memory stays flat)."""

    def __init__(self) -> None:
        self.index = EarlierRows()

    def add(self, row: PlannedRow, keys: Keys) -> None:
        self.index.add_row(_root(row), row.contact.origin.line, row.draft.name, keys)

    def line_of(self, root: str) -> int:
        return self.index.line_of(root)

    def close(self) -> None:
        self.index.close()


class _EarlierSpilling:
    """In memory for the first `in_memory` rows, then on disk (the window's preview of a
    large file): the rows added so far are added to the file, in the same order, so it
    answers as the index in memory would."""

    def __init__(self, in_memory: int) -> None:
        self._memory: _Earlier | None = _Earlier()
        self._added: list[tuple[str, int, str, Keys]] = []
        self._disk: _EarlierOnDisk | None = None
        self._in_memory = in_memory
        self.index: ClientIndex | EarlierRows = self._memory.index

    def add(self, row: PlannedRow, keys: Keys) -> None:
        if self._disk is not None:
            self._disk.add(row, keys)
            return
        assert self._memory is not None
        self._memory.add(row, keys)
        self._added.append((_root(row), row.contact.origin.line, row.draft.name, keys))
        if len(self._added) >= self._in_memory:
            self._disk = _EarlierOnDisk()
            for added in self._added:
                self._disk.index.add_row(*added)
            self.index, self._memory, self._added = self._disk.index, None, []

    def line_of(self, root: str) -> int:
        if self._disk is not None:
            return self._disk.line_of(root)
        assert self._memory is not None
        return self._memory.line_of(root)

    def close(self) -> None:
        if self._disk is not None:
            self._disk.close()


def plan_contact(
    contact: ImportedContact,
    region: str,
    index: ClientIndex,
    marks: set[str],
    earlier: _Earlier | _EarlierOnDisk | _EarlierSpilling | None = None,
) -> PlannedRow:
    draft = draft_of(contact, region)
    if draft.fingerprint in marks:
        return PlannedRow(contact, draft, Status.DONE)
    if not contact.has_data() or not (
        draft.values["given_name"] or draft.values["family_name"] or draft.values["company"]
        or draft.values["phones"] or draft.values["emails"]
    ):  # fmt: skip
        text = "no name, phone number or email address: not imported"
        if contact.extras or contact.notes:
            kept = "; ".join([*(f"{k}: {v}" for k, v in contact.extras), *contact.notes])
            text = f"{text} (it held: {kept})"
        draft.problems.append(_problem(contact, text))
        return PlannedRow(contact, draft, Status.PROBLEM)
    keys = Keys.of(draft)
    found = match_first(keys, index) if earlier is None else match_first(keys, index, earlier.index)
    if found is None:
        row = PlannedRow(contact, draft, Status.NEW)
    elif found[0] == 0:
        row = PlannedRow(contact, draft, Status.MATCH, found[1])
    else:
        assert earlier is not None
        row = PlannedRow(contact, draft, Status.SAME, found[1])
        row.same_as_line = earlier.line_of(found[1].client_id)
    if earlier is not None:
        earlier.add(row, keys)
    return row


def current_of(draft: ClientDraft) -> Current:
    """An earlier row of the file as the client it will be (what a later row of the same
    person would change is worked out from it)."""
    return Current(
        {name: draft.values[name] for name in (*TEXT_FIELDS, "birthday")},
        draft.phone_numbers(),
        draft.email_addresses(),
        list(draft.values["tags"]),
        {(f.label, f.value) for f in draft.facts},
        set(draft.notes),
    )


def _problem(contact: ImportedContact, text: str) -> Problem:
    return Problem(text, contact.origin.file, contact.origin.line)


def plan_rows(
    db: Database,
    contacts: Iterable[ImportedContact],
    region: str,
    index: ClientIndex,
    marks: set[str],
    *,
    on_disk: bool = False,
    first_rows: Callable[[int], PlannedRow | None] | None = None,
    in_memory: int = 0,
) -> Generator[PlannedRow, None, None]:
    """Each contact, planned, in order: matched against the clients here, then against the
    rows before it. `on_disk`: the rows before are indexed in a temporary SQLite file, not
    in memory, so a file streamed through is planned in flat memory (the index is deleted
    when the rows are all planned, or the generator is closed). `first_rows`: where the
    caller keeps the rows already yielded, by number (the preview's rows); given, what each
    match's update would change is worked out (the preview shows it; writing works it out
    again in its own transaction), and the index of the rows before is in memory for the
    first `in_memory` rows only, on disk after."""
    assert not (first_rows and on_disk), "on disk, or in the caller's rows: not both"
    contacts = iter(contacts)
    earlier: _Earlier | _EarlierOnDisk | _EarlierSpilling
    if on_disk:
        earlier = _EarlierOnDisk()
    elif first_rows is not None:
        earlier = _EarlierSpilling(in_memory)
    else:
        earlier = _Earlier()
    try:
        while chunk := list(islice(contacts, CHUNK)):
            planned = [plan_contact(c, region, index, marks, earlier) for c in chunk]
            if first_rows is not None:
                _describe(db, planned, _first_row_of(planned, first_rows))
            yield from planned
            del planned  # (let go before the next chunk is read)
    finally:
        earlier.close()


def _first_row_of(
    planned: list[PlannedRow], first_rows: Callable[[int], PlannedRow | None]
) -> Callable[[str], PlannedRow | None]:
    """A person's first row by its root (its number): among this chunk's rows, else the
    caller's."""
    here = {str(r.number): r for r in planned}

    def find(root: str) -> PlannedRow | None:
        row = here.get(root)
        return first_rows(int(root)) if row is None else row

    return find


def _describe(
    db: Database, planned: list[PlannedRow], first_row: Callable[[str], PlannedRow | None]
) -> None:
    """What each matched row's update would change on its client (or on the client of the
    earlier row of the same person)."""
    ids = [r.match.client_id for r in planned if r.status is Status.MATCH and r.match]
    current = read_current(db.query_ids, ids) if ids else {}
    for row in planned:
        if row.match is None:
            continue
        now_there: Current | None = None
        if row.status is Status.MATCH:  # (a client gone since the index was read: none)
            now_there = current.get(row.match.client_id)
        elif row.status is Status.SAME:
            first = first_row(row.match.client_id)
            now_there = current_of(first.draft) if first is not None else None
        if now_there is not None:
            row.update = work_out_update(row.draft, row.contact, now_there)
