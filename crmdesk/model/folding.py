"""Text folded for search: case, accents and letter variants set aside, in every script.

`fold()` is what the search index holds (the store registers it on every connection as the
SQL function `crm_fold`, used by the index's triggers) and what a query is turned into, so
"dang" finds Đặng, "sukru" Şükrü, "lodz" Łódź and "παπαδοπουλος" Παπαδόπουλος:

- NFKD splits letters from their accents (and full-width or ligature forms into plain
  letters); the accents of Latin, Greek, Cyrillic, Hebrew and Arabic are dropped. Marks
  that change a letter in other scripts (Japanese voicing, Indic vowel signs and virama,
  Thai tone marks) are kept, and NFC puts those letters back together.
- casefold() sets case aside (Greek final sigma included), and letters NFKD does not split
  are written as their base letters (đ→d, ł→l, ø→o, ß→ss, æ→ae, ı→i, þ→th…).
- The trigram index needs three characters, so each emoji and each CJK, kana or Hangul
  character is written three times: "🎂" or "王" alone can be found, and a string is still
  found wherever it occurs (the folded text of a run is the runs of its characters folded).

Pure functions, no I/O; cheap for ASCII text (most of it), which is only lowercased.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# letters that NFKD leaves whole, after casefold()
_LETTERS = str.maketrans(
    {
        "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ł": "l", "ŀ": "l", "ø": "o", "œ": "oe",
        "æ": "ae", "þ": "th", "ŧ": "t", "ŋ": "n", "ĸ": "k", "ſ": "s",
        "’": "'", "‘": "'", "ʼ": "'",  # O’Brien is found by o'brien
    }
)  # fmt: skip

# accents to drop: the combining diacritics (Latin, Greek, Cyrillic), Cyrillic titlo,
# Hebrew points, Arabic vowel marks, and the emoji variation selectors
_ACCENTS = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
    "\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f]+"
)

# written three times: emoji and other pictographs, CJK ideographs, kana, Hangul syllables
_SINGLES = (
    "\u2190-\u21ff\u2300-\u23ff\u25a0-\u27bf\u2b00-\u2bff\u3040-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff"
    "\U0001f000-\U0001faff\U00020000-\U0003134f"
)


@cache
def _single() -> re.Pattern[str]:
    """Compiled at the first non-ASCII text folded, not on import: it takes ~3 ms and the
    window imports this module before its first paint (benchmark B1)."""
    return re.compile(f"[{_SINGLES}]")


# a character with the marks that follow it: the unit mapped back to the text as written
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u064b-\u065f\u1ab0-\u1aff\u1dc0-\u1dff"
    "\u20d0-\u20ff\ufe00-\ufe0f\u3099\u309a"
)
_CLUSTER = re.compile(f"[\\x00-\\x7f]+(?![{_MARKS}])|.[{_MARKS}]*", re.DOTALL)


def fold(text: str) -> str:
    """`text` as the search index holds it (see the module's description)."""
    if text.isascii():
        return text.lower()
    folded = _ACCENTS.sub("", unicodedata.normalize("NFKD", text))
    folded = unicodedata.normalize("NFC", folded.casefold().translate(_LETTERS))
    return _single().sub(lambda m: m.group() * 3, folded)


def sql_fold(text: str | bytes | int | float | None) -> str | bytes | int | float | None:
    """fold() as an SQL function: NULL and numbers pass through."""
    return fold(text) if isinstance(text, str) else text


def find_folded(text: str, words: list[str]) -> list[tuple[int, int]]:
    """Where in `text` (as written) each of `words` (already folded) occurs once folded:
    (start, end) spans in `text`, in order, not overlapping. So the list can mark "Łódź"
    in bold for the query "lodz"."""
    starts: list[int] | None = None
    if text.isascii():
        folded = text.lower()
    else:
        pieces: list[str] = []
        starts = []
        for m in _CLUSTER.finditer(text):
            chunk = m.group()
            if chunk.isascii():
                pieces.append(chunk.lower())
                starts += range(m.start(), m.end())
            else:
                piece = fold(chunk)
                pieces.append(piece)
                starts += [m.start()] * len(piece)
        folded = "".join(pieces)
        starts.append(len(text))
    spans: list[tuple[int, int]] = []
    for word in words:
        if not word:
            continue
        at = folded.find(word)
        while at >= 0:
            spans.append((at, at + len(word)))
            at = folded.find(word, at + len(word))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    if starts is None:
        return merged
    return [(starts[s], _end(starts, e)) for s, e in merged]


def _end(starts: list[int], end: int) -> int:
    """The end in the text as written of a match ending before folded position `end`:
    the whole cluster (a letter with its accents) is inside the match."""
    first = starts[end - 1]
    while end < len(starts) - 1 and starts[end] == first:
        end += 1
    return starts[end]
