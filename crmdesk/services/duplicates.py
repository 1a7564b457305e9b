"""Finding clients who are likely the same person, and remembering pairs that are not.

A pair is found by what two live clients share: the same email address (letter case
aside), the same phone number (E.164, as every number is kept), or a similar name (typos
and word order aside, rapidfuzz) with the same postcode or the same town. Each pair has its
reasons and a score from 0 to 100.

Never all pairs: clients are grouped by key first (an address, a number; a place and the
first letter of a name), and only clients in one group are compared. The address and number
groups are made by SQLite; within a place, each distinct name is compared with the others
of its letter once (the first letter of the name's first word in alphabetical order, so
"Smith John" meets "John Smith"). A key shared by more than MAX_SHARED clients (an office
number, a shop's own address, a name common in a town) says nothing about one person: it
is left out and counted. At 100,000 clients the scan takes less time than SQLite takes to
join the clients with themselves on email and phone (benchmark B15).

The user's "not the same person" is a record in the file (model.NotDuplicate), carried to
other copies like any other: the scan leaves those pairs out everywhere.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from crmdesk.model.names import display_name
from crmdesk.services.changes import Changes, from_write
from crmdesk.store.database import Database

Progress = Callable[[int, int], bool]  # (done, total) -> go on

STEPS = 100  # the progress a scan reports goes from 0 to STEPS
MAX_SHARED = 6  # more clients than this on one key: shared, not one person's
NAME_SIMILAR = 85  # rapidfuzz token_sort_ratio from which two names count as similar
PART_SIMILAR = 75  # and given with given, family with family (rapidfuzz ratio)
# how sure each reason alone makes a match (reasons together: 1 - the product of doubts)
EMAIL, PHONE, SAME_NAME, NAME = 0.9, 0.75, 0.8, 0.5
_PAIR_IDS = uuid.UUID("1d0e4d2b-5a51-4c55-9b64-2f3c8e1a7d90")

_EMAILS = """
SELECT lower(trim(j.value ->> 'address')) AS address_key, group_concat(c.id, ' ') AS ids,
       count(DISTINCT c.id) AS n
FROM clients AS c, json_each(c.emails) AS j
WHERE c.deleted_at IS NULL AND trim(coalesce(j.value ->> 'address', '')) <> ''
GROUP BY 1 HAVING count(DISTINCT c.id) > 1
"""
_PHONES = """
SELECT j.value ->> 'number' AS address_key, group_concat(c.id, ' ') AS ids,
       count(DISTINCT c.id) AS n, min(j.value ->> 'display') AS shown
FROM clients AS c, json_each(c.phones) AS j
WHERE c.deleted_at IS NULL AND coalesce(j.value ->> 'number', '') <> ''
GROUP BY 1 HAVING count(DISTINCT c.id) > 1
"""
_PLACES = """
SELECT id, given_name, family_name, company, postcode, city FROM clients
WHERE deleted_at IS NULL AND (postcode <> '' OR city <> '')
"""


class ScanCancelled(Exception):  # noqa: N818 (what the user did, not an error)
    """The user cancelled the scan."""


@dataclass(frozen=True)
class DuplicatePair:
    first_id: str
    second_id: str
    first_name: str
    second_name: str
    score: int  # 0-100
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass
class ScanResult:
    pairs: list[DuplicatePair] = field(default_factory=list)
    # keys left out because more than MAX_SHARED clients share them
    shared_emails: int = 0
    shared_phones: int = 0
    common_names: int = 0

    @property
    def left_out(self) -> str:
        """What the scan did not pair, in words ("" if nothing)."""
        parts = []
        if self.shared_emails:
            parts.append(f"{self.shared_emails:,} email addresses")
        if self.shared_phones:
            parts.append(f"{self.shared_phones:,} phone numbers")
        if self.common_names:
            parts.append(f"{self.common_names:,} names")
        if not parts:
            return ""
        return (
            f"Left out: {', '.join(parts)} shared by more than {MAX_SHARED} clients each"
            " (a household, an office or a common name, not one person)."
        )


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def name_key(text: str) -> str:
    """A name as compared: accents and letter case aside, spaces collapsed."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        text = unicodedata.normalize("NFC", bare)
    return " ".join(text.casefold().split())


def place_key(text: str) -> str:
    """A postcode or town as compared: "ls6 2ab" is "LS6 2AB"."""
    return "".join(name_key(text).replace("-", " ").split())


class _Keys(dict[str, str]):
    """name_key (or place_key) of each text, worked out once: names and towns repeat."""

    def __init__(self, make: Callable[[str], str]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, text: str) -> str:
        key = self[text] = self.make(text)
        return key


class _Found:
    """The pairs found so far, with their reasons and how sure each makes them."""

    def __init__(self, dismissed: set[tuple[str, str]]) -> None:
        self.dismissed = dismissed
        self.reasons: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.weights: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.named: set[tuple[str, str]] = set()  # pairs with a name reason (one is enough)

    def add(self, a: str, b: str, reason: str, weight: float, *, name: bool = False) -> None:
        key = pair_key(a, b)
        if a == b or key in self.dismissed or reason in self.reasons[key]:
            return
        if name:
            if key in self.named:  # the same name in the same postcode and the same town
                return
            self.named.add(key)
        self.reasons[key].append(reason)
        self.weights[key].append(weight)


def scan(db: Database, progress: Progress | None = None) -> ScanResult:
    """The likely duplicates among the live clients, the surest first. `progress(n, STEPS)`
    is called as the scan goes; when it returns False, ScanCancelled is raised."""

    def step(done: int) -> None:
        if progress is not None and not progress(done, STEPS):
            raise ScanCancelled

    step(0)
    result = ScanResult()
    found = _Found(dismissed_pairs(db))
    for row in db.query(_EMAILS):
        if row[2] > MAX_SHARED:
            result.shared_emails += 1
            continue
        _pair_all(found, row[1].split(), f"Same email {row[0]}", EMAIL)
    step(30)
    for row in db.query(_PHONES):
        if row[2] > MAX_SHARED:
            result.shared_phones += 1
            continue
        _pair_all(found, row[1].split(), f"Same phone {row[3] or row[0]}", PHONE)
    step(55)
    names = _similar_names(db, found, result, step)
    step(95)
    result.pairs = _pairs(db, found, names)
    step(STEPS)
    return result


def _pair_all(
    found: _Found, ids: list[str], reason: str, weight: float, *, name: bool = False
) -> None:
    unique = sorted(set(ids))
    for i, a in enumerate(unique):
        for b in unique[i + 1 :]:
            found.add(a, b, reason, weight, name=name)


def _similar_names(
    db: Database, found: _Found, result: ScanResult, step: Callable[[int], None]
) -> dict[str, str]:
    """Pairs with a similar name in the same postcode, or else in the same town; returns
    every live client's name as compared (id → key), for scoring the other pairs."""
    from rapidfuzz import fuzz, process

    # (postcode or town, the place, first letter of the name's first word in alphabetical
    # order) → name → ids
    blocks: dict[tuple[str, str, str], dict[str, list[str]]] = defaultdict(dict)
    shown_place: dict[tuple[str, str], str] = {}
    names: dict[str, str] = {}
    parts: dict[str, tuple[str, str]] = {}  # name → (given, family), as compared
    named, placed = _Keys(name_key), _Keys(place_key)
    for cid, given, family, company, postcode, city in db.query(_PLACES):
        if given or family:
            parted = (named[given], named[family])
            key = f"{parted[0]} {parted[1]}".strip()
        else:
            parted = ("", "")
            key = named[company]
        if not key:
            continue
        names[cid] = key
        parts.setdefault(key, parted)
        first = min(key.split())[:1]  # of the first word in order: written either way round
        for kind, place in (("postcode", postcode), ("town", city)):
            if place:
                spot = (kind, placed[place])
                if spot[1]:
                    shown_place.setdefault(spot, place.strip())
                    blocks[(kind, spot[1], first)].setdefault(key, []).append(cid)
    step(70)
    common: set[str] = set()
    # postcodes first: a pair in the same postcode says so, not "same town" as well
    ordered = sorted(blocks.items(), key=lambda item: item[0][0] != "postcode")
    for n, ((kind, place, _first), by_name) in enumerate(ordered):
        if n % 200 == 0:
            step(70 + 25 * n // max(len(ordered), 1))
        where = f"{kind} {shown_place[(kind, place)]}"
        keys = list(by_name)
        for i, key in enumerate(keys):
            group = by_name[key]
            if len(group) > MAX_SHARED:
                common.add(key)
                continue
            _pair_all(found, group, f"Same name, same {where}", SAME_NAME, name=True)
            rest = keys[i + 1 :]
            if not rest:
                continue
            for other, score, _index in process.extract(
                key, rest, scorer=fuzz.token_sort_ratio, score_cutoff=NAME_SIMILAR, limit=None
            ):
                others = by_name[other]
                if len(group) + len(others) > MAX_SHARED or not _parts_alike(
                    parts[key], parts[other], fuzz.ratio
                ):
                    continue
                weight = NAME + (SAME_NAME - NAME) * (score - NAME_SIMILAR) / (100 - NAME_SIMILAR)
                reason = f"Similar name ({round(score)}%), same {where}"
                for a in group:
                    for b in others:
                        found.add(a, b, reason, weight, name=True)
    result.common_names = len(common)
    return names


def _parts_alike(
    one: tuple[str, str], other: tuple[str, str], ratio: Callable[[str, str], float]
) -> bool:
    """Given names alike and family names alike (or crosswise: written the other way
    round), when both have both: "Zoë Lefèvre" is not "Noël Lefèvre"."""
    if not all((*one, *other)):
        return True  # a company, or one name only: the whole name decided
    straight = min(ratio(one[0], other[0]), ratio(one[1], other[1]))
    crossed = min(ratio(one[0], other[1]), ratio(one[1], other[0]))
    return max(straight, crossed) >= PART_SIMILAR


def _pairs(db: Database, found: _Found, names: dict[str, str]) -> list[DuplicatePair]:
    from rapidfuzz import fuzz

    ids = {i for key in found.reasons for i in key}
    shown = {
        cid: display_name(given, family, company)
        for cid, given, family, company in db.query_ids(
            "SELECT id, given_name, family_name, company FROM clients WHERE id IN ({ids})",
            list(ids),
        )
    }
    pairs = []
    for (a, b), reasons in found.reasons.items():
        doubt = 1.0
        for weight in found.weights[(a, b)]:
            doubt *= 1 - weight
        sure = 1 - doubt
        named = [r for r in reasons if "name" in r]
        if not named:  # the same number or address under other names: a household?
            alike = fuzz.token_sort_ratio(
                names.get(a) or name_key(shown.get(a, "")),
                names.get(b) or name_key(shown.get(b, "")),
            )
            if alike < 60:
                sure *= 0.7
                reasons = [*reasons, "different names"]
        pairs.append(
            DuplicatePair(
                a, b, shown.get(a, ""), shown.get(b, ""), round(100 * sure), tuple(reasons)
            )
        )
    pairs.sort(
        key=lambda p: (-p.score, p.first_name.casefold(), p.second_name.casefold(), p.first_id)
    )
    return pairs


# --------------------------------------------------------------------- not the same person


def dismissed_pairs(db: Database) -> set[tuple[str, str]]:
    rows = db.query("SELECT first_id, second_id FROM not_duplicates WHERE deleted_at IS NULL")
    return {(a, b) for a, b in rows}


def not_the_same(db: Database, pairs: Iterable[tuple[str, str]]) -> Changes:
    """Remember that each pair of clients is not the same person (one step for Undo)."""
    from crmdesk import model

    keys = list(dict.fromkeys(pair_key(a, b) for a, b in pairs if a != b))
    with db.write() as w:
        for first, second in keys:
            row_id = str(uuid.uuid5(_PAIR_IDS, f"{first}|{second}"))
            row = w.session.get(model.NotDuplicate, row_id)
            if row is None:
                w.session.add(model.NotDuplicate(id=row_id, first_id=first, second_id=second))
            elif row.deleted_at is not None:  # dismissed, undone, dismissed again
                row.deleted_at = None
    label = "Not the same person" if len(keys) == 1 else f"Not the same person ({len(keys)} pairs)"
    written = from_write(label, w)  # (about the two clients, not the record's own id)
    return replace(written, client_ids=frozenset(i for pair in keys for i in pair))
