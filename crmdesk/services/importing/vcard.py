"""vCard 2.1, 3.0 and 4.0 files as phones and address books write them.

A pre-pass of our own turns the file's lines into logical lines, each with the number of the
line it starts on: folded lines joined (also inside values), quoted-printable soft line
breaks joined, 2.1's unindented base64 lines joined, CR CR LF taken as one line end. vobject
then parses each logical line (group, name, parameters old and new, value), and the rest —
decoding (quoted-printable in its CHARSET, base64), unescaping, labels from TYPE parameters
and from Apple's grouped X-ABLabel, ALTID alternatives — is done here, so a problem can name
its line and one bad line never costs the rest of the card.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import io
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from vobject.base import ParseError, parseLine

from crmdesk.services.importing.detect import FALLBACK_ERRORS, TextEncoding, physical_lines
from crmdesk.services.importing.file_dates import read_date
from crmdesk.services.importing.records import (
    ContactDraft,
    ImportedContact,
    Labelled,
    Origin,
    Photo,
    PostalAddress,
    Problem,
    RememberedDate,
)

MAX_PHOTO_BYTES = 5 * 1024 * 1024
_BASE64_LINE = re.compile(rb"[A-Za-z0-9+/=]+")
_BASE64_TEXT = re.compile(r"[A-Za-z0-9+/\s]{16,}={0,2}\s*")
_APPLE_LABEL = re.compile(r"_\$!<(.*)>!\$_")
_APPLE_WORDS = {"AssistantPhone": "assistant", "HomePage": "website", "Other": "other"}
# properties that hold no data about the person (versions, ids, layout, sync stamps)
_TECHNICAL = frozenset(
    {"VERSION", "PRODID", "REV", "UID", "X-ABUID", "SORT-STRING", "CLASS", "PROFILE",
     "NAME", "SOURCE", "MAILER", "X-GENERATOR", "X-MS-OL-DESIGN", "X-MS-OL-DEFAULT-POSTAL-ADDRESS",
     "X-EVOLUTION-FILE-AS", "X-EVOLUTION-LIST", "X-EVOLUTION-LIST-SHOW-ADDRESSES", "KIND",
     "X-ABSHOWAS", "X-ABLABEL", "X-ABADR", "TZ", "GEO", "X-MOZILLA-HTML", "X-MOZILLA-PROPERTY",
     "X-COUCHDB-APPLICATION-ANNOTATIONS", "X-IRMC-LUID", "X-ACCOUNT", "X-WAB-GENDER",
     "CLIENTPIDMAP", "X-SHARED-PHOTO-DISPLAY-PREF", "X-IMAGETYPE", "X-IMAGEHASH", "LANG",
     "X-ANDROID-CUSTOM", "X-MS-CARDPICTURE", "KEY", "LOGO", "SOUND", "FBURL", "X-MS-TEL",
     "CALURI", "CALADRURI"}
)  # fmt: skip
_ANNIVERSARY = frozenset(
    {"ANNIVERSARY", "X-ANNIVERSARY", "X-MS-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY"}
)
_EXTRA_LABELS = {
    "URL": "Website", "ROLE": "Role", "X-AIM": "AIM", "X-ICQ": "ICQ", "X-JABBER": "Jabber",
    "X-SKYPE": "Skype", "X-MSN": "MSN", "X-YAHOO": "Yahoo", "IMPP": "Messaging",
    "X-MS-IMADDRESS": "Messaging", "X-MS-MANAGER": "Manager", "X-MS-ASSISTANT": "Assistant",
    "X-EVOLUTION-MANAGER": "Manager", "X-EVOLUTION-ASSISTANT": "Assistant",
    "X-EVOLUTION-SPOUSE": "Spouse", "X-MS-SPOUSE": "Spouse", "X-SPOUSE": "Spouse",
    "RELATED": "Related", "X-PHONETIC-FIRST-NAME": "Given name (phonetic)",
    "X-PHONETIC-LAST-NAME": "Family name (phonetic)", "X-PHONETIC-MIDDLE-NAME":
    "Middle name (phonetic)", "GENDER": "Gender", "X-GENDER": "Gender", "LABEL": "Address",
    "TITLE": "Job title", "MEMBER": "Member", "EXPERTISE": "Expertise", "HOBBY": "Hobby",
    "INTEREST": "Interest", "X-MAIDENNAME": "Maiden name", "X-ABDATE": "Date",
    "BDAY": "Birthday", "ANNIVERSARY": "Anniversary", "X-ANNIVERSARY": "Anniversary",
    "X-MS-ANNIVERSARY": "Anniversary", "X-EVOLUTION-ANNIVERSARY": "Anniversary",
}  # fmt: skip


@dataclass(frozen=True)
class Line:
    """One logical line of a card: where it starts, its group, name, parameters, value."""

    number: int
    group: str
    name: str
    params: dict[str, list[str]]
    value: str

    def param(self, key: str) -> str:
        values = self.params.get(key, [])
        return values[0] if values else ""

    @property
    def types(self) -> set[str]:
        """TYPE values in lower case, from TYPE=a,b; type=a;type=b and 2.1's bare ;HOME;CELL."""
        return {t.strip().lower() for t in self.params.get("TYPE", []) if t.strip()}

    @property
    def preferred(self) -> bool:
        return "pref" in self.types or bool(self.param("PREF"))


def byte_lines(raw: IO[bytes], encoding: TextEncoding) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes without the line end) for each line of the file. Lines are
    unfolded as bytes, before decoding, because phones fold inside a UTF-8 character. CR LF,
    LF and (in a file without LF) CR end a line; CR CR LF ends one line, not two. A UTF-16
    or UTF-32 file is decoded first and its lines given as UTF-8."""
    if not encoding.ascii_compatible:
        text = io.TextIOWrapper(raw, encoding=encoding.name, errors="replace", newline="")
        try:
            for number, decoded in physical_lines(text):
                yield number, decoded.encode("utf-8")
        finally:
            text.detach()  # the caller closes the file it opened
        return
    number = 0
    for chunk in raw:
        if number == 0 and chunk.startswith(codecs.BOM_UTF8):
            chunk = chunk[len(codecs.BOM_UTF8) :]
        if chunk.endswith(b"\n"):  # a CR inside a line that ends in LF is the value's
            lines = [chunk.rstrip(b"\r\n")]
        else:  # the end of the file, or a file whose lines end with CR alone (old Macs)
            lines = chunk.rstrip(b"\r").split(b"\r")
        for line in lines:
            number += 1
            yield number, line


def logical_lines(lines: Iterator[tuple[int, bytes]]) -> Iterator[tuple[int, bytes]]:
    """Join folded lines, quoted-printable soft breaks and 2.1's bare base64 lines."""
    current: bytes | None = None
    start = 0
    quoted_printable = in_base64 = False
    for number, text in lines:
        if not text.strip():
            # a blank line ends 2.1's base64 data, and Android's quoted-printable values
            # that end on a soft break
            if current is not None:
                yield start, current
            current, in_base64 = None, False
            continue
        if current is not None:
            if quoted_printable and current.endswith(b"="):
                current = current[:-1] + text
                continue
            if text[:1] in (b" ", b"\t"):
                current += text[1:]
                continue
            if in_base64 and _BASE64_LINE.fullmatch(text) and b":" not in text:
                current += text
                continue
            yield start, current
        current, start = text, number
        head = _params_part(text.decode("latin-1")).upper()
        quoted_printable = "QUOTED-PRINTABLE" in head
        in_base64 = "BASE64" in head or "ENCODING=B" in head
    if current is not None:
        yield start, current


def _decode(raw: bytes, encoding: TextEncoding) -> str:
    """A logical line as text: in the file's encoding, or, for a value written in 8 bits
    with a CHARSET of its own (vCard 2.1), in that charset."""
    if raw.isascii():
        return raw.decode("ascii")
    name = encoding.name if encoding.ascii_compatible else "utf-8"
    head = _params_part(raw.decode("latin-1"))
    found = re.search(r";CHARSET=([^;:]+)", head, re.IGNORECASE)
    value = raw[len(head) + 1 :]
    if found and value.isascii() is False and "QUOTED-PRINTABLE" not in head.upper():
        return head + ":" + _charset_text(value, found[1].strip('"'))
    errors = FALLBACK_ERRORS if name.startswith("utf") else "replace"
    return raw.decode(name, errors=errors)


def _params_part(text: str) -> str:
    """The line up to its first colon outside quotes (name and parameters)."""
    colon = text.find(":")
    if colon < 0 or '"' not in text[:colon]:
        return text if colon < 0 else text[:colon]
    quoted = False
    for at, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            return text[:at]
    return text


def parse(number: int, text: str) -> Line:
    """A logical line as a Line; raises ValueError when it is not a content line."""
    try:
        name, raw_params, value, group = parseLine(text, number)
    except ParseError:
        raise ValueError("not a vCard line") from None
    params: dict[str, list[str]] = {}
    for param in raw_params:
        key, values = param[0].upper(), param[1:]
        if not values:  # vCard 2.1: ;HOME;CELL;QUOTED-PRINTABLE
            if key in ("QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT"):
                params.setdefault("ENCODING", []).append(key)
            else:
                params.setdefault("TYPE", []).append(key)
            continue
        for v in values:
            params.setdefault(key, []).extend(p for p in v.split(",") if key == "TYPE" or p)
            if key != "TYPE" and not v:
                params.setdefault(key, [])
    return Line(number, (group or "").upper(), name.upper(), params, value)


def _charset_text(data: bytes, charset: str) -> str:
    """Quoted-printable bytes as text: in their CHARSET when it is one Python knows, else
    UTF-8; a byte that does not fit is read as Windows-1252 (one letter, not the value)."""
    try:
        if charset and codecs.lookup(charset).name != "utf-8":
            return data.decode(charset, errors="replace")
    except LookupError:
        pass
    return data.decode("utf-8", errors=FALLBACK_ERRORS)


def _raw(line: Line) -> str:
    """The value with quoted-printable decoded in its CHARSET (still escaped)."""
    if line.param("ENCODING").upper() == "QUOTED-PRINTABLE":
        data = quopri.decodestring(line.value.encode("utf-8"))
        return _charset_text(data, line.param("CHARSET"))
    return line.value


def _unescape(text: str) -> str:
    """\\n is a new line; a backslash before punctuation (\\, \\; \\: \\" \\\\) stands for
    the character; before a letter it is kept (a Windows path in a note)."""

    if "\\" not in text:
        return text.replace("\r\n", "\n")

    def one(found: re.Match[str]) -> str:
        ch = found[1]
        if ch in "nN":
            return "\n"
        return ch if not ch.isalnum() else "\\" + ch

    return re.sub(r"\\(.)", one, text).replace("\r\n", "\n")


def _split(text: str, sep: str = ";") -> list[str]:
    """A structured value's parts (N, ADR, ORG): split on separators not escaped."""
    parts = re.split(rf"(?<!\\){re.escape(sep)}", text)
    return [_unescape(p).strip() for p in parts]


def _text(line: Line) -> str:
    return _unescape(_raw(line)).strip()


def _phone_label(types: set[str], custom: str) -> str:
    if custom:
        return custom
    place = "home" if "home" in types else "work" if "work" in types else ""
    if "fax" in types:
        return f"{place} fax".strip()
    for words, label in (
        ({"cell", "mobile", "iphone"}, "mobile"),
        ({"pager"}, "pager"),
        ({"main"}, "main"),
        ({"car"}, "car"),
    ):
        if types & words:
            return label
    if place:
        return place
    other = sorted(types - {"voice", "pref", "internet", "x400", "text", "msg", "video"})
    return "other" if "other" in other else other[0].removeprefix("x-") if other else ""


def _email_label(types: set[str], custom: str) -> str:
    if custom:
        return custom
    for label in ("home", "work", "other"):
        if label in types:
            return label
    return ""


def _apple_label(text: str) -> str:
    """X-ABLabel: Apple's own labels are written _$!<Mobile>!$_; a user's are plain words."""
    found = _APPLE_LABEL.fullmatch(text.strip())
    if not found:
        return _APPLE_WORDS.get(text.strip(), text.strip())
    return _APPLE_WORDS.get(found[1], found[1].lower())


def _photo(line: Line, draft: ContactDraft) -> None:
    value = _raw(line).strip()
    mime = ""
    encoded = line.param("ENCODING").upper() in ("B", "BASE64")
    if value.lower().startswith("data:"):  # vCard 4.0: data:image/jpeg;base64,...
        header, _, value = value.partition(",")
        mime = header[5:].split(";")[0]
        encoded = ";base64" in header.lower()
    if not encoded and _BASE64_TEXT.fullmatch(value):
        encoded = True  # Thunderbird writes base64 with no ENCODING: not a link, the picture
    if not encoded:
        draft.problem("the photo is a link to a web page; it was not downloaded", line.number)
        draft.extra("Photo", value)
        return
    packed = re.sub(r"\s", "", value).rstrip("=")
    try:
        data = base64.b64decode(packed + "=" * (-len(packed) % 4), validate=True)
    except (binascii.Error, ValueError):
        draft.problem("the photo could not be read; it was left out", line.number)
        return
    if len(data) > MAX_PHOTO_BYTES:
        draft.problem("the photo is larger than 5 MB; it was left out", line.number)
        return
    if not data:
        return
    if not mime:
        kind = (line.param("TYPE") or line.param("MEDIATYPE")).lower()
        mime = kind if "/" in kind else _sniff_image(data) or (f"image/{kind}" if kind else "")
    if draft.photo is None:
        draft.photo = Photo(data, mime or "application/octet-stream")


def _sniff_image(data: bytes) -> str:
    for magic, mime in (
        (b"\xff\xd8", "image/jpeg"),
        (b"\x89PNG", "image/png"),
        (b"GIF8", "image/gif"),
        (b"BM", "image/bmp"),
    ):
        if data.startswith(magic):
            return mime
    return ""


class _Card:
    """One card being read: its lines go in one by one, a contact comes out."""

    def __init__(self, origin: Origin, locale: str) -> None:
        self.draft = ContactDraft(origin)
        self.locale = locale
        self.lines: list[Line] = []

    def add(self, line: Line) -> None:
        self.lines.append(line)

    def finish(self) -> ImportedContact:
        labels = {
            line.group: _apple_label(_text(line))
            for line in self.lines
            if line.name == "X-ABLABEL" and line.group
        }
        seen_altids: set[tuple[str, str]] = set()
        has_address = any(line.name == "ADR" for line in self.lines)
        for line in self.lines:
            if line.name == "LABEL" and has_address:
                continue  # the same address as one text, for printing
            altid = line.param("ALTID")
            if altid:  # vCard 4.0: the same value in other languages or scripts
                if (line.name, altid) in seen_altids:
                    continue
                seen_altids.add((line.name, altid))
            try:
                self._take(line, labels.get(line.group, "") if line.group else "")
            except ValueError as error:
                label = _EXTRA_LABELS.get(line.name, line.name.title())
                self.draft.problem(f"{label}: {error}; kept as a fact", line.number)
                self.draft.extra(label, _text(line))
        return self.draft.freeze()

    def _take(self, line: Line, custom: str) -> None:
        d, name = self.draft, line.name
        if name in _TECHNICAL:
            return
        if name == "N":
            parts = [*_split(_raw(line)), "", "", "", "", ""]
            join = lambda text: " ".join(_split(text, ",")).strip()  # noqa: E731
            d.family_name, d.given_name, d.middle_name, d.salutation, d.suffix = (
                " ".join(p.split()) for p in parts[:5]
            )
            d.middle_name = join(d.middle_name)
        elif name in ("FN", "NICKNAME"):
            field = "display_name" if name == "FN" else "nickname"
            if not getattr(d, field):
                setattr(d, field, _text(line))
            elif getattr(d, field) != _text(line):  # a second name: kept, not dropped
                d.extra("Name" if name == "FN" else "Nickname", _text(line))
        elif name == "ORG":
            parts = [p for p in _split(_raw(line)) if p]
            if parts and not d.company:
                d.company, d.department = parts[0], " / ".join(parts[1:])
            elif parts:
                d.extra("Organisation", " / ".join(parts))
        elif name == "TITLE" and not d.job_title:
            d.job_title = _text(line)
        elif name == "TEL":
            number = _text(line)
            if number.lower().startswith("tel:"):
                number, _, ext = number[4:].partition(";ext=")
                number = f"{number} ext. {ext}" if ext else number
            if number:
                d.phones.append(Labelled(number, _phone_label(line.types, custom), line.preferred))
        elif name == "EMAIL":
            address = _text(line).removeprefix("mailto:")
            if address:
                d.emails.append(Labelled(address, _email_label(line.types, custom), line.preferred))
        elif name == "ADR":
            parts = [*_split(_raw(line)), "", "", "", "", "", "", ""]
            label = custom or next((t for t in ("home", "work", "other") if t in line.types), "")
            postal = PostalAddress(label, parts[2], parts[1], parts[0], *parts[3:7])
            if not postal.is_empty():
                d.addresses.append(postal)
        elif name == "BDAY":
            omit = line.param("X-APPLE-OMIT-YEAR")
            when = read_date(
                _text(line), self.locale, omit_year=int(omit) if omit.isdigit() else None
            )
            if when is not None and d.birthday not in (None, when):
                d.extra("Birthday", _text(line))
            elif when is not None:
                d.birthday = when
        elif name in _ANNIVERSARY or name == "X-ABDATE":
            label = custom or ("anniversary" if name in _ANNIVERSARY else "date")
            omit = line.param("X-APPLE-OMIT-YEAR")
            when = read_date(
                _text(line), self.locale, omit_year=int(omit) if omit.isdigit() else None
            )
            if when is not None:
                d.dates.append(RememberedDate(label, when))
        elif name == "NOTE":
            if _text(line):
                d.notes.append(_text(line))
        elif name == "CATEGORIES":
            # split on every comma: Thunderbird escapes the commas between its categories
            for group in _unescape(_raw(line)).split(","):
                d.group(group)
        elif name == "PHOTO":
            _photo(line, d)
        elif name == "X-ABRELATEDNAMES":
            d.extra(custom.title() or "Related", _text(line))
        else:
            label = _EXTRA_LABELS.get(name) or name.removeprefix("X-").replace("-", " ").title()
            d.extra(custom.title() if custom and custom != "website" else label, _text(line))


def read_vcards(
    raw: IO[bytes],
    encoding: TextEncoding,
    file: str,
    *,
    locale: str = "en_US",
    problems: list[Problem] | None = None,
) -> Iterator[ImportedContact]:
    """The contacts in a vCard file, one per card, in order, as the file is read.

    `raw` is the file opened in binary, `encoding` what detect found; `file` the name
    problems give;
    `locale` reads dates that are not ISO; `problems` collects those that belong to no card
    (text outside any card)."""
    outside: list[Problem] = problems if problems is not None else []
    card: _Card | None = None
    depth = count = 0
    for number, line in logical_lines(byte_lines(raw, encoding)):
        text = _decode(line, encoding)
        word = text.strip().upper()
        if word == "BEGIN:VCARD":
            depth += 1
            if depth == 1:
                count += 1
                card = _Card(Origin(file, number, count), locale)
            continue
        if word == "END:VCARD" and depth:
            depth -= 1
            if depth == 0 and card is not None:
                yield card.finish()
                card = None
            continue
        if card is None:
            outside.append(Problem("text outside any card was left out", file, number))
            continue
        if depth > 1:  # a card inside a card (2.1's AGENT): not a client of the shop
            continue
        try:
            card.add(parse(number, text))
        except ValueError as error:
            card.draft.problem(f"{error}: “{text[:60]}”", number)
    if card is not None:
        card.draft.problem("the card has no END:VCARD; it was read to the end of the file")
        yield card.finish()
