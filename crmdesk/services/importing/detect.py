"""What a file is, read from its first bytes: its text encoding and its format.

The extension says nothing reliable (Outlook saves a ".csv" that is tab-separated UTF-16,
phones share ".vcf" files named ".txt"), so the content decides. The encoding: a byte order
mark; UTF-16 without one (every other byte zero); UTF-8 when the bytes are valid UTF-8; else
charset-normalizer's guess, with the shop's 8-bit code page (Windows-1252 unless told) taking
precedence over the other Latin code pages it confuses on short files.
"""

from __future__ import annotations

import codecs
import enum
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import charset_normalizer

from crmdesk.services.importing.records import ImportFileError

HEAD_SIZE = 64 * 1024
# charset-normalizer cannot tell these apart on a few accented names ("Núñez" is as likely
# "Núńez" to it); the shop's own code page (what Outlook and Excel write on its machines)
# is the better guess among them
_LATIN_CODE_PAGES = frozenset(
    {"cp1250", "cp1252", "cp1254", "cp1257", "latin_1", "iso8859_2", "iso8859_15",
     "iso8859_1", "iso8859_9", "iso8859_13", "iso8859_16", "mac_roman", "mac_latin2",
     "cp850", "cp437", "cp858", "ascii"}
)  # fmt: skip
# the 8-bit code pages charset-normalizer chooses among (left to choose among all, it
# guesses Shift-JIS or Johab for a few accented Latin names); a shop in East Asia names its
# own code page as `legacy`
_SINGLE_BYTE = (
    "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
    "koi8_r", "cp866", "mac_roman", "cp850", "iso8859_15",
)  # fmt: skip
FALLBACK_ERRORS = "crmdesk-import-cp1252"


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Bytes that are not UTF-8 inside a UTF-8 file (a name pasted from an old program):
    read as Windows-1252, so nothing is lost and nothing stops the import."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bytes(bad).decode("cp1252", errors="replace"), error.end


codecs.register_error(FALLBACK_ERRORS, _cp1252_fallback)


class FileKind(enum.StrEnum):
    VCARD = "vcard"
    CSV = "csv"
    ICALENDAR = "icalendar"


@dataclass(frozen=True)
class TextEncoding:
    name: str  # a Python codec name: "utf-8", "utf-16", "cp1252" …
    bom: bool = False

    @property
    def ascii_compatible(self) -> bool:
        """Whether ASCII text is the same bytes in it (not UTF-16 or UTF-32)."""
        return not self.name.startswith(("utf-16", "utf-32"))

    @property
    def errors(self) -> str:
        return FALLBACK_ERRORS if self.name in ("utf-8", "utf-8-sig") else "replace"


def _utf16_without_bom(head: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when every other byte of mostly-ASCII text is zero."""
    sample = head[: 4096 - 4096 % 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _valid_utf8(head: bytes, complete: bool) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # a character cut at the end of the sample is not an error in the file
        return not complete and error.start >= len(head) - 3 and error.reason.startswith("unex")
    return True


def detect_encoding(head: bytes, *, complete: bool = True, legacy: str = "cp1252") -> TextEncoding:
    """The encoding of a file whose first bytes are `head` (`complete`: the whole file).
    `legacy`: the 8-bit code page the shop's programs write (Windows-1252 in Western Europe
    and the Americas)."""
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            return TextEncoding(name, bom=True)
    utf16 = _utf16_without_bom(head)
    if utf16:
        return TextEncoding(utf16)
    if _valid_utf8(head, complete) or _mostly_utf8(head):
        return TextEncoding("utf-8")
    if not _reads_as_letters(head, legacy):
        # not the shop's code page: symbols where names have letters (Shift-JIS, GBK, Big5
        # or EUC-KR read as Windows-1252); charset-normalizer chooses among all it knows
        anything = charset_normalizer.from_bytes(head).best()
        if anything is not None:
            return TextEncoding(_codec(anything.encoding))
    candidates = [legacy, *(c for c in _SINGLE_BYTE if c != legacy)]
    best = charset_normalizer.from_bytes(head, cp_isolation=candidates).best()
    guess = _codec(best.encoding) if best else _codec(legacy)
    if guess in _LATIN_CODE_PAGES and _decodes(head, legacy):
        return TextEncoding(_codec(legacy))
    return TextEncoding(guess)


def _codec(name: str) -> str:
    return codecs.lookup(name).name.replace("-", "_")


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _reads_as_letters(data: bytes, encoding: str) -> bool:
    """Whether the bytes above ASCII are nearly all letters in `encoding` (names are)."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return False
    high = [ch for ch in text if ord(ch) > 0x7F]
    letters = sum(1 for ch in high if unicodedata.category(ch).startswith("L"))
    return not high or letters >= 0.8 * len(high)


def _mostly_utf8(head: bytes) -> bool:
    """UTF-8 with a few stray 8-bit bytes (one value pasted from an old program): more
    characters read as UTF-8 than bytes that do not fit it."""
    text = head.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    return good > bad


def sniff_kind(text: str) -> FileKind | None:
    """vCard or iCalendar from their first line (anything before it that is blank or junk
    is allowed for a few lines); otherwise None (the caller tries it as a table)."""
    for line in text.lstrip("\ufeff").splitlines()[:20]:
        word = line.strip().upper()
        if word.startswith("BEGIN:VCARD"):
            return FileKind.VCARD
        if word.startswith("BEGIN:VCALENDAR"):
            return FileKind.ICALENDAR
    return None


@dataclass(frozen=True)
class Sniffed:
    kind: FileKind
    encoding: TextEncoding
    head: str  # the first characters of the text, for the readers' own sniffing


def sniff(path: Path, *, legacy: str = "cp1252") -> Sniffed:
    """The format and encoding of the file at `path`, from its first 64 KB. Raises
    ImportFileError for a file that cannot be read or holds no text."""
    try:
        with path.open("rb") as f:
            head = f.read(HEAD_SIZE)
            complete = not f.read(1)
    except OSError as error:
        raise ImportFileError(path, f"cannot be read ({error.strerror or error}).") from None
    if not head.strip():
        raise ImportFileError(path, "is empty.")
    encoding = detect_encoding(head, complete=complete, legacy=legacy)
    text = head.decode(encoding.name, errors=encoding.errors)
    if "\x00" in text.rstrip("\x00") and encoding.name not in ("utf-16", "utf-32"):
        raise ImportFileError(path, "is not a text file (a vCard, CSV or iCalendar file).")
    kind = sniff_kind(text) or FileKind.CSV
    return Sniffed(kind, encoding, text)


def open_text(path: Path, encoding: TextEncoding) -> IO[str]:
    """The file as text, decoded as it streams; line ends are left as they are
    (`newline=""`): the readers count lines themselves, and CSV cells may hold newlines."""
    raw = path.open("rb")
    return io.TextIOWrapper(raw, encoding=encoding.name, errors=encoding.errors, newline="")


def physical_lines(stream: IO[str]) -> Iterator[tuple[int, str]]:
    """(line number, text without its line end) for each line. CR LF, LF and CR each end
    a line; CR CR LF (what some Windows programs write) ends one line, not two."""
    number = 0
    after_cr = False
    for raw in stream:
        if after_cr and raw in ("\n", "\r\n"):
            after_cr = False  # the LF of a CR CR LF
            continue
        number += 1
        after_cr = raw.endswith("\r")
        yield number, raw.rstrip("\r\n")
