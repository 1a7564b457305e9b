"""How big a value in a letter is, or an operation would make it, found without making it.

`template_limits` fills letters in on a budget; this module holds the estimates it checks
before an operation runs, and the checks that refuse one that would make too much:

- `text_length(value)`: about how long `str(value)` is;
- `percent_length`, `spec_length`, `join_length`: how long `%`, `str.format` and joins
  come out;
- `work(*values)`: about how many things one operation that goes through all of them
  visits (a comparison, `in`, a hash, a copy): every item of every list inside lists, and
  the text in them, a list held twice counted twice. One comparison of two big lists is a
  single call into C that holds the interpreter, so no clock can stop it once it runs:
  its cost must be known before;
- `check_binop`, `check_method` and `FILTER_CHECKS`: an operator, a str/bytes/int method or
  a filter refused before it runs if it would make a text or a list longer than a letter
  (`MAX_LETTER_CHARS`), a number longer than `MAX_NUMBER_DIGITS` digits, or a list holding
  more than `MAX_WORK` things in all; `check_work` refuses any other operation that would
  go through more than that.

Nothing here knows about the clock or the sandbox; going over raises `LimitExceeded`.
"""

from __future__ import annotations

import codecs
import operator
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from itertools import compress
from typing import Any

MAX_LETTER_CHARS = 200_000  # one letter (about 60 pages), and any one text or list in it
MAX_NUMBER_DIGITS = 1_000
# things one operation may go through: about 0.1 s at the slowest (a hash of tuples, some
# 50 ns a thing); comparing two lists of lists of a letter's words takes far less than 1,000
MAX_WORK = 1_000_000
CHARS_PER_VISIT = 16  # comparing or searching this much text costs about one visit
MAX_NESTING = 50  # lists inside lists deeper than this count as too much work

FLOAT_CHARS = 320  # '%f' of the largest float: 309 digits, the point and 6 decimals
_MAX_NUMBER_BITS = int(MAX_NUMBER_DIGITS * 3.3219) + 1  # log2(10) bits a digit
_SEQUENCES = (str, bytes, list, tuple)
_ITEMS_VIEW: Any = type({}.items())  # its (key, value) pairs are made as it is read
_DICT_VIEWS: Any = type({}.keys()) | type({}.values()) | _ITEMS_VIEW
_NUMBERS = (int, float)
_ATOMS = frozenset({int, float, bool, type(None)})
_FLAT = frozenset({list, tuple, set, frozenset, type({}.keys()), type({}.values())})
_TEXTS = frozenset({str, bytes})
_LEAVES = _ATOMS | _TEXTS
_CONTAINERS: Any = list | tuple | dict | set | frozenset | _DICT_VIEWS

_SLOW_CODECS = frozenset({"idna", "punycode"})  # pure Python, quadratic or per character

COMPARING = "Comparing these would go through"
COMPARE_LESS = "compare smaller things, such as one field."


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
    seen: dict[int, tuple[Any, int]] = {}  # id -> (the value, kept alive; its length)

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
            return seen[id(v)][1]
        total = 2
        for part in parts:
            total += length(part, quoted=True) + 2
            if total > MAX_LETTER_CHARS:
                break
        seen[id(v)] = (v, total)
        return total

    return length(value, quoted=False)


def work(*values: Any, limit: int = MAX_WORK) -> int:
    """About how many things one operation that goes through all of `values` visits: one
    for each value, each item of a list, tuple, set or dict (its keys and its values) and of
    every one inside it, and one for every `CHARS_PER_VISIT` characters of text. A list
    held in several places is counted in each, as a comparison goes through it each time,
    but looked at once. The count stops soon after it passes `limit` (then it is
    `limit + 1`), and so does anything nested more than `MAX_NESTING` deep."""
    over = limit + 1
    seen: dict[int, tuple[Any, int]] = {}  # id -> (the value, kept alive; its visits)

    def visits(v: Any, depth: int) -> int:
        kind = type(v)
        if kind in _ATOMS:
            return 1
        if kind is str or kind is bytes or isinstance(v, (str, bytes)):
            return 1 + len(v) // CHARS_PER_VISIT
        groups: tuple[Any, ...]
        if kind in _FLAT:
            groups = (v,)
        elif isinstance(v, Mapping):
            groups = (v.keys(), v.values())
        elif isinstance(v, _ITEMS_VIEW):
            groups = (v.mapping.keys(), v.mapping.values())
        else:
            return 1  # a loop, a macro, a method: no items to go through
        if id(v) in seen:
            return seen[id(v)][1]
        total = over if depth > MAX_NESTING else 1
        for group in groups if total <= limit else ():
            total += items_visits(group, depth + 1)
            if total > limit:
                total = over
                break
        seen[id(v)] = (v, total)
        return total

    def items_visits(items: Any, depth: int) -> int:
        """The visits of all of `items`. Text and numbers are counted in C; the loop in
        Python goes once over each different list (or other thing) among them, so a list
        repeated n times is looked at once and its visits counted n times."""
        kinds = list(map(type, items))
        texts = compress(items, map(_TEXTS.__contains__, kinds))
        total = len(kinds) + sum(map(len, texts)) // CHARS_PER_VISIT
        if _LEAVES.issuperset(kinds):
            return total
        others = list(compress(items, map(operator.not_, map(_LEAVES.__contains__, kinds))))
        times = Counter(map(id, others))
        for key, thing in dict(zip(map(id, others), others, strict=True)).items():
            total += times[key] * (visits(thing, depth) - 1)  # its own visit is counted
            if total > limit:
                break
        return total

    total = 0
    for value in values:
        total += visits(value, 0)
        if total > limit:
            return over
    return total


def check_work(visits: int, doing: str, instead: str) -> None:
    """Refuse an operation that `work` says would go through more than `MAX_WORK` things;
    `doing` says what it is ("Comparing these would go through"), `instead` what to do."""
    if visits > MAX_WORK:
        raise LimitExceeded(
            f"{doing} more than {MAX_WORK:,} things in all (every item of the lists inside "
            f"lists, and their text); {instead}"
        )


def check_list_work(value: Any) -> Any:
    """`value` (a list, tuple or dict just made), if it holds at most `MAX_WORK` things."""
    check_work(work(value), "This list holds", "make smaller lists, or nest them less.")
    return value


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


_REPEATING = "Repeating this list makes one holding"
_REPEAT_LESS = "repeat it fewer times, or repeat a list that holds less."


def check_binop(operator: str, left: Any, right: Any) -> None:
    if isinstance(left, _NUMBERS) and isinstance(right, _NUMBERS):
        if operator in ("*", "**"):
            _check_number_binop(operator, left, right)
        return
    if operator == "*":
        for sequence, count in ((left, right), (right, left)):
            if isinstance(sequence, _SEQUENCES) and isinstance(count, int):
                times = max(count, 0)
                _check_size(sequence, len(sequence) * times)
                if times and not isinstance(sequence, str | bytes):
                    each = work(sequence, limit=MAX_WORK // times)
                    check_work(each * times, _REPEATING, _REPEAT_LESS)
                return
    elif operator == "+":
        if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
            _check_size(left, len(left) + len(right))
            if not isinstance(left, str | bytes):
                check_work(work(left, right), "Adding these lists makes one holding", _REPEAT_LESS)
    elif operator == "-":  # between the keys or items of a dict and a list: a set
        check_work(work(left, right), "Taking these apart would go through", "use smaller lists.")
    elif operator == "%" and isinstance(left, str | bytes):
        form = left if isinstance(left, str) else left.decode("latin-1")
        check_text(percent_length(form, right))


def _check_number_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "*":
        if isinstance(left, int) and isinstance(right, int):
            check_bits(left.bit_length() + right.bit_length())
    elif isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
        if right > _MAX_NUMBER_BITS:
            check_bits(right)
        check_bits(int(right * (abs(left).bit_length() - 1)) + 1)


def _length_argument(args: tuple[Any, ...], kwargs: Mapping[str, Any], name: str) -> int:
    return _spec_number(args[0] if args else kwargs.get(name, 0))


def _check_codec(encoding: Any) -> None:
    """Refuse the text encodings written in Python whose work grows faster than the text:
    one call would run for seconds or hours with no check in between."""
    try:
        codec = codecs.lookup(encoding).name if isinstance(encoding, str) else ""
    except LookupError:
        return  # the call itself says it is unknown
    if codec in _SLOW_CODECS:
        raise LimitExceeded(
            f"The {codec} encoding is not for letters: on a long text it takes seconds, or "
            "hours. "
            "Leave out .encode() and .decode()."
        )


def _check_strip(text: Any, chars: Any) -> None:
    """Stripping looks each character up among `chars` one by one: the text's length
    times theirs."""
    if isinstance(chars, str | bytes) and isinstance(text, str | bytes):
        visits = len(text) * len(chars) // CHARS_PER_VISIT
        check_work(visits, "Stripping these characters would go through", "strip fewer.")


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
        elif name in ("strip", "lstrip", "rstrip") and args:
            _check_strip(owner, args[0])
        elif name in ("encode", "decode"):
            _check_codec(args[0] if args else kwargs.get("encoding", "utf-8"))
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
    elif isinstance(owner, _CONTAINERS):  # count, index, get...: compare or hash each item
        check_work(work(owner, *args, *kwargs.values()), COMPARING, COMPARE_LESS)
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


def _check_round(value: Any, precision: Any = 0, method: Any = "common") -> Any:
    """`round` works out 10 ** precision (for a whole number, or to floor or ceil): a
    precision of a hundred million digits is one pow in C that runs for minutes."""
    if isinstance(precision, int):
        check_bits(abs(precision) * 33219 // 10000)
    return value


def _check_trim(value: Any, chars: Any = None) -> Any:
    check_stringified(value)
    _check_strip(str(value), chars)
    return value


def _check_text_filter(value: Any, *args: Any, **kwargs: Any) -> Any:
    check_stringified(value)
    return value


# filter -> a check of its arguments that returns the value to filter (join's, as a list)
FILTER_CHECKS: dict[str, Callable[..., Any]] = {
    "join": _check_join,
    "replace": _check_replace,
    "format": _check_format,
    "round": _check_round,
    "trim": _check_trim,
    **dict.fromkeys(
        ("upper", "lower", "title", "capitalize", "truncate", "wordcount"),
        _check_text_filter,
    ),
}
