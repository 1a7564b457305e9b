"""How numbers are said in the app's words: "1 complaint", "3 complaints", "1 entry",
"2 entries". One helper for every count the window, the CLI and the PDFs show, so a count
of one is never "1 complaints" (and never "complaint(s)")."""

from __future__ import annotations

_IRREGULAR = {
    "entry": "entries",
    "person": "people",
    "reply": "replies",
    "copy": "copies",
}


def plural(word: str) -> str:
    """The plural of an English noun as the app uses them: "form" → "forms"."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    head, _, last = word.rpartition(" ")  # "low survey score" → "low survey scores"
    if head:
        return f"{head} {plural(last)}"
    return word + "s"


def count(n: int, word: str, many: str | None = None) -> str:
    """`n` and the word in the number that goes with it: count(1, "day") → "1 day",
    count(12000, "client") → "12,000 clients"."""
    return f"{n:,} {word if n == 1 else many or plural(word)}"
