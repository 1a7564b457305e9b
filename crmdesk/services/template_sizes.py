"""How big a value in a letter is, or an operation would make it, found without making it.

`template_limits` fills letters in on a budget; this module holds the estimates it checks
before an operation runs, and the checks that refuse one that would make too much:

- `text_length(value)`: about how long `str(value)` is;
- `percent_length`, `spec_length`, `join_length`: how long `%`, `str.format` and joins
  come out;
- `check_binop`, `check_method` and `FILTER_CHECKS`: an operator, a str/bytes/int method or
  a filter refused before it runs if it would make a text or a list longer than a letter
  (`MAX_LETTER_CHARS`) or a number longer than `MAX_NUMBER_DIGITS` digits.

Nothing here knows about the clock or the sandbox; going over raises `LimitExceeded`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

MAX_LETTER_CHARS = 200_000  # one letter (about 60 pages), and any one text or list in it
MAX_NUMBER_DIGITS = 1_000

FLOAT_CHARS = 320  # '%f' of the largest float: 309 digits, the point and 6 decimals
_MAX_NUMBER_BITS = int(MAX_NUMBER_DIGITS * 3.3219) + 1  # log2(10) bits a digit
_SEQUENCES = (str, bytes, list, tuple)
_DICT_VIEWS: Any = type({}.keys()) | type({}.values()) | type({}.items())


class LimitExceeded(Exception):  # noqa: N818 - it reads as what happened
    """Filling in the letter would cost more than its budget; `line` if known (else 0)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


# ---------------------------------------------------------------------- sizes


def check_text(chars: int) -> None:
    if chars > MAX_LETTER_CHARS:
        raise LimitExceeded(
            f"This makes a text of {chars:,} characters, longer than a whole letter may be "
            f"({MAX_LETTER_CHARS:,} characters, about 60 pages); repeat or pad text less."
        )


def check_items(items: int) -> None:
    if items > MAX_LETTER_CHARS:
        raise LimitExceeded(
            f"This makes a list of {items:,} things; a list in a letter holds at most "
            f"{MAX_LETTER_CHARS:,}. Repeat the list fewer times."
        )


def check_bits(bits: int) -> None:
    if bits > _MAX_NUMBER_BITS:
        digits = bits * 30103 // 100000 + 1
        raise LimitExceeded(
            f"This makes a number of about {digits:,} digits; a number in a letter has at "
            f"most {MAX_NUMBER_DIGITS:,} digits."
        )


def _check_size(like: Any, size: int) -> None:
    """`size` characters if `like` is text, else things in a list."""
    if isinstance(like, str | bytes):
        check_text(size)
    else:
        check_items(size)


def text_length(value: Any) -> int:
    """About how long `str(value)` is, found without making it; the count stops soon after
    it passes the limit, so a list of a list of long texts costs no more than the limit."""
    seen: dict[int, int] = {}

    def length(v: Any, quoted: bool) -> int:
        if isinstance(v, str):
            return len(v) + (2 if quoted else 0)
        if isinstance(v, bytes):
            return 4 * len(v) + 3
        if isinstance(v, bool) or v is None:
            return 5
        if isinstance(v, int):
            return v.bit_length() * 30103 // 100000 + 2
        if isinstance(v, float):
            return 25
        if isinstance(v, Mapping):
            parts: Iterable[Any] = (p for pair in v.items() for p in pair)
        elif isinstance(v, list | tuple | set | frozenset | _DICT_VIEWS):
            parts = v
        else:
            return 100  # a loop, a macro, a method: their text is short
        if id(v) in seen:
            return seen[id(v)]
        total = 2
        for part in parts:
            total += length(part, quoted=True) + 2
            if total > MAX_LETTER_CHARS:
                break
        seen[id(v)] = total
        return total

    return length(value, quoted=False)


def check_stringified(value: Any) -> None:
    if not isinstance(value, str):
        check_text(text_length(value))


_PERCENT = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?[#0\- +]*(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d*))?[hlL]?"
    r"(?P<kind>.?)",
    re.DOTALL,
)


def _spec_number(value: Any) -> int:
    if isinstance(value, str):
        return int(value) if value and len(value) <= 9 else (0 if not value else 10**9)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def percent_length(form: str, values: Any) -> int:
    """At most how long `form % values` comes out, from the widths in `form`."""
    positional = list(values) if isinstance(values, tuple) else [values]
    mapping = values if isinstance(values, Mapping) else None
    taken = 0

    def take() -> Any:
        nonlocal taken
        taken += 1
        return positional[taken - 1] if taken <= len(positional) else None

    total = len(form)
    for spec in _PERCENT.finditer(form):
        if spec["kind"] == "%":
            continue
        width = _spec_number(take() if spec["width"] == "*" else spec["width"])
        precision = _spec_number(take() if spec["precision"] == "*" else spec["precision"])
        value = mapping.get(spec["key"]) if mapping is not None and spec["key"] else take()
        own = FLOAT_CHARS if isinstance(value, float) else text_length(value)
        total += width + precision + own
        if total > MAX_LETTER_CHARS:
            break
    return total


def spec_length(spec: str) -> int:
    """At most how much width and precision a str.format spec such as '>10.3' asks for."""
    return sum(_spec_number(run) for run in re.findall(r"\d+", spec))


def join_length(separator: Any, items: list[Any]) -> int:
    total = max(len(items) - 1, 0) * text_length(separator)
    for item in items:
        if total > MAX_LETTER_CHARS:
            break
        total += text_length(item)
    return total


# ---------------------------------------------------------------------- operators and calls


def check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "*":
        for sequence, count in ((left, right), (right, left)):
            if isinstance(sequence, _SEQUENCES) and isinstance(count, int):
                _check_size(sequence, len(sequence) * max(count, 0))
                return
        if isinstance(left, int) and isinstance(right, int):
            check_bits(left.bit_length() + right.bit_length())
    elif operator == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
            if right > _MAX_NUMBER_BITS:
                check_bits(right)
            check_bits(int(right * (abs(left).bit_length() - 1)) + 1)
    elif operator == "+":
        if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
            _check_size(left, len(left) + len(right))
    elif operator == "%" and isinstance(left, str | bytes):
        form = left if isinstance(left, str) else left.decode("latin-1")
        check_text(percent_length(form, right))


def _length_argument(args: tuple[Any, ...], kwargs: Mapping[str, Any], name: str) -> int:
    return _spec_number(args[0] if args else kwargs.get(name, 0))


def check_method(method: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> tuple[Any, ...]:
    """Refuse a str/bytes/int method call that would make too much; the arguments to call it
    with (an iterable to join is taken into a list first, to be measured)."""
    owner: Any = getattr(method, "__self__", None)
    name = getattr(method, "__name__", "")
    if isinstance(owner, str | bytes):
        text: Any = owner  # str or bytes alike
        if name in ("ljust", "rjust", "center", "zfill"):
            check_text(max(len(owner), _length_argument(args, kwargs, "width")))
        elif name == "expandtabs":
            tab = _spec_number(args[0] if args else kwargs.get("tabsize", 8))
            tabs = text.count(b"\t" if isinstance(text, bytes) else "\t")
            check_text(len(text) + tabs * tab)
        elif name == "replace" and len(args) >= 2 and type(args[0]) is type(args[1]) is type(owner):
            found = text.count(args[0])
            if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
                found = min(found, args[2])
            check_text(len(owner) + found * max(len(args[1]) - len(args[0]), 0))
        elif name == "join" and args:
            items = list(args[0])
            check_text(join_length(owner, items))
            return (items, *args[1:])
        elif name == "translate" and args:
            table = args[0]
            longest = max(
                (len(v) for v in (table.values() if isinstance(table, Mapping) else ())
                 if isinstance(v, str | bytes)),
                default=1,
            )  # fmt: skip
            check_text(len(owner) * max(longest, 1))
    elif isinstance(owner, int) and name == "to_bytes":
        check_text(_length_argument(args, kwargs, "length"))
    return args


# ---------------------------------------------------------------------- filters


def _check_join(value: Any, d: Any = "", attribute: Any = None) -> Any:
    items = list(value)
    check_text(join_length(d, items))
    return items


def _check_replace(s: Any, old: Any, new: Any, count: Any = None) -> Any:
    for part in (s, old, new):
        check_stringified(part)
    text, old_text, new_text = str(s), str(old), str(new)
    found = text.count(old_text)
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    check_text(len(text) + found * max(len(new_text) - len(old_text), 0))
    return s


def _check_format(value: Any, *args: Any, **kwargs: Any) -> Any:
    check_stringified(value)
    check_text(percent_length(str(value), kwargs or args))
    return value


def _check_text_filter(value: Any, *args: Any, **kwargs: Any) -> Any:
    check_stringified(value)
    return value


# filter -> a check of its arguments that returns the value to filter (join's, as a list)
FILTER_CHECKS: dict[str, Callable[..., Any]] = {
    "join": _check_join,
    "replace": _check_replace,
    "format": _check_format,
    **dict.fromkeys(
        ("upper", "lower", "title", "capitalize", "trim", "truncate", "wordcount"),
        _check_text_filter,
    ),
}
