"""Who in the database an imported contact already is, and why we think so.

In order: the same email address (case aside), the same phone number (in E.164, so
"07911 123456" and "+44 7911 123456" are one number), then a similar name (rapidfuzz, at
least `NAME_SCORE`) with the same postcode or the same town; names that differ in their
numbers are not similar ("Studio 54" and "Studio 45", "Ann Lee 2" and "Ann Lee"). The
index is read once, in one pass over the clients (a fifth of a second at 100,000), into
dictionaries: matching a row is a few look-ups, never a scan.

The rows of the file read so far are an index of the same kind (`match_first` asks the
clients first, then the earlier rows, rule by rule), so the same person twice in one
file is found as they are found among the clients: in memory for the window's preview
(which keeps every row anyway), on disk for the command line's streaming import
(`earlier_rows.py`), so its memory stays flat however long the file.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from crmdesk.model.folding import fold
from crmdesk.model.names import display_name
from crmdesk.services.importing.drafts import ClientDraft
from crmdesk.store.database import Database

NAME_SCORE = 88  # token_sort_ratio: "Jon Smith" ~ "John Smith" (95), not "Joan Smyth" (80)


@dataclass(frozen=True)
class Match:
    client_id: str  # the client's id; for an earlier row of the file, the row's number
    name: str  # the client's name as the list shows it
    reason: str  # "same email ann@example.org", "similar name (94%) and same postcode LS1 4AB"


@lru_cache(maxsize=8192)
def _folded_words(text: str) -> tuple[str, ...]:
    """The words of `text`, folded: names and places repeat (a file of 10,000 people has a
    few hundred first names and towns), so each is folded once."""
    return tuple(fold(text).split())


def _place(text: str) -> str:
    return "".join(_folded_words(text))


def _name_key(given: str, family: str, company: str) -> str:
    """The name folded, its words in order (so "Smith John" is "John Smith"): compared with
    rapidfuzz's plain ratio, it is token_sort_ratio without sorting each name again."""
    words = _folded_words(given) + _folded_words(family) or _folded_words(company)
    return " ".join(sorted(words))


def name_block(name_key: str) -> str:
    """The block a name is compared within: the first letter of its words in order, and the
    numbers in it (names with other numbers are other people), so a similar name is looked
    for among a few, not a whole town."""
    return name_key[:1] + "".join(filter(str.isdigit, name_key))


@dataclass(frozen=True)
class Keys:
    """What a contact is matched by, worked out once for all the indexes asked."""

    emails: list[str]  # as written
    phones: list[str]  # E.164
    name: str  # _name_key
    places: list[tuple[str, str, str]]  # (kind, folded place, as written)

    @classmethod
    def of(cls, draft: ClientDraft) -> Keys:
        v = draft.values
        places = [(kind, _place(typed), typed)
                  for kind, typed in (("postcode", v["postcode"]), ("city", v["city"]))
                  if typed]  # fmt: skip
        return cls(
            draft.email_addresses(),
            draft.phone_numbers(),
            _name_key(v["given_name"], v["family_name"], v["company"]),
            [p for p in places if p[1]],
        )


@dataclass
class ClientIndex:
    by_email: dict[str, str] = field(default_factory=dict)
    by_phone: dict[str, str] = field(default_factory=dict)
    # (place kind, folded place, block) → ([ids], [folded names]), compared in C
    by_place: dict[tuple[str, str, str], tuple[list[str], list[str]]] = field(
        default_factory=lambda: defaultdict(lambda: ([], []))
    )
    names: dict[str, str] = field(default_factory=dict)  # id → name as shown

    def add(
        self, cid: str, values: dict[str, object], emails: list[str], phones: list[str]
    ) -> None:
        given, family, company = (str(values[k] or "") for k in ("given_name", "family_name",
                                                                   "company"))  # fmt: skip
        self.names[cid] = display_name(given, family, company)
        places = [(kind, _place(str(values[kind] or ""))) for kind in ("postcode", "city")]
        self._add(cid, _name_key(given, family, company), places, emails, phones, once=False)

    def add_keys(self, cid: str, name: str, keys: Keys) -> None:
        """Add one under `cid`, by keys worked out before (a row of the file)."""
        self.names.setdefault(cid, name)
        places = [(kind, place) for kind, place, _typed in keys.places]
        self._add(cid, keys.name, places, keys.emails, keys.phones, once=True)

    def _add(self, cid: str, key: str, places: list[tuple[str, str]], emails: list[str],
             phones: list[str], *, once: bool) -> None:  # fmt: skip
        """`once`: a name added under `cid` before in the same block is not added again
        (the rows of one person; a client is added once anyway)."""
        for address in emails:
            self.by_email.setdefault(address.casefold(), cid)
        for number in phones:
            self.by_phone.setdefault(number, cid)
        if not key:
            return
        block = name_block(key)
        for kind, place in places:
            if place:
                ids, names = self.by_place[(kind, place, block)]
                if not (once and key in names and ids[names.index(key)] == cid):
                    ids.append(cid)
                    names.append(key)

    def match(self, draft: ClientDraft) -> Match | None:
        found = match_first(Keys.of(draft), self)
        return None if found is None else found[1]

    def email_match(self, keys: Keys) -> Match | None:
        for address in keys.emails:
            cid = self.by_email.get(address.casefold())
            if cid is not None:
                return Match(cid, self.names[cid], f"same email {address}")
        return None

    def phone_match(self, keys: Keys) -> Match | None:
        for number in keys.phones:
            cid = self.by_phone.get(number)
            if cid is not None:
                return Match(cid, self.names[cid], f"same phone {number}")
        return None

    def name_match(self, keys: Keys) -> Match | None:
        if not keys.name or not self.by_place:
            return None
        block = name_block(keys.name)
        for kind, place, typed in keys.places:
            found_in = self.by_place.get((kind, place, block))
            if found_in is None:
                continue
            from rapidfuzz import fuzz, process  # (only when there are names to compare)

            found = process.extractOne(keys.name, found_in[1], scorer=fuzz.ratio,
                                       score_cutoff=NAME_SCORE)  # fmt: skip
            if found is not None:
                _name, score, at = found
                cid = found_in[0][at]
                what = "postcode" if kind == "postcode" else "town"
                return Match(
                    cid, self.names[cid], f"similar name ({score:.0f}%) and same {what} {typed}"
                )
        return None


class Index(Protocol):
    """What a contact is matched against: the clients here (`ClientIndex`), or the rows
    of the file read so far (in memory, or on disk: `earlier_rows.EarlierRows`)."""

    def email_match(self, keys: Keys) -> Match | None: ...
    def phone_match(self, keys: Keys) -> Match | None: ...
    def name_match(self, keys: Keys) -> Match | None: ...


def match_first(keys: Keys, *indexes: Index) -> tuple[int, Match] | None:
    """The first match, rule by rule (email, phone, similar name), each rule asking the
    indexes in order; with the place of the index that found it among those given."""
    for rule in ("email_match", "phone_match", "name_match"):
        for at, index in enumerate(indexes):
            found: Match | None = getattr(index, rule)(keys)
            if found is not None:
                return at, found
    return None


_LIVE = "deleted_at IS NULL AND erased_at IS NULL"
_CLIENTS = f"SELECT id, given_name, family_name, company, postcode, city FROM clients WHERE {_LIVE}"
_VALUES = (  # each phone's number or email's address, taken out of the JSON by SQLite
    "SELECT c.id, json_extract(j.value, '$.{key}') FROM clients AS c, json_each(c.{column}) AS j"
    f" WHERE c.{_LIVE.replace(' AND ', ' AND c.')}"
)


def read_index(db: Database) -> ClientIndex:
    """Every live client's emails, phones, name and place, in three reads (about a second
    at 100,000 clients)."""
    index = ClientIndex()
    with db.rows(_CLIENTS) as rows:
        for cid, given, family, company, postcode, city in rows:
            values = {"given_name": given, "family_name": family, "company": company,
                      "postcode": postcode, "city": city}  # fmt: skip
            index.add(cid, values, [], [])
    with db.rows(_VALUES.format(key="address", column="emails")) as rows:
        for cid, address in rows:
            if address:
                index.by_email.setdefault(str(address).casefold(), cid)
    with db.rows(_VALUES.format(key="number", column="phones")) as rows:
        for cid, number in rows:
            if number:
                index.by_phone.setdefault(str(number), cid)
    return index
