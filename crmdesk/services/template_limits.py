"""What filling in one letter may cost, so that no template hangs the app or eats its memory.

A letter template is text with fields, but Jinja2 also lets it repeat text (`'a' * 10**9`),
pad it (`'%999999999s' | format('a')`), join it and loop inside loops. So every letter is
filled in on a `Budget`, and `LetterEnvironment` (the sandbox the letters use) checks the
operations that can make something big *before* it is made:

- no text or list is longer than a whole letter may be (`MAX_LETTER_CHARS`), no number has
  more than `MAX_NUMBER_DIGITS` digits;
- all the text made along the way adds up to at most `MAX_TEXT_MADE`;
- the loops go round `MAX_LOOP_ROUNDS` times in all, loops inside loops included;
- the letter is counted as it is written and stops at `MAX_LETTER_CHARS`;
- each of these checks looks at the clock, so a letter takes at most `MAX_SECONDS`, on any
  thread (the budget is a context variable; no signals, no watchdog thread).

Going over raises `LimitExceeded`, whose message says what is too big and what to do;
`templating.render` adds the template's line.

    with limits.budget():
        text = limits.write_out(template, context)
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jinja2 import nodes
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedFormatter
from jinja2.visitor import NodeTransformer

MAX_LETTER_CHARS = 200_000  # one letter (about 60 pages), and any one text or list in it
MAX_TEXT_MADE = 2_000_000  # all the text made while filling in one letter
MAX_LOOP_ROUNDS = 20_000  # rounds of all the loops in one letter, nested ones counted in full
MAX_NUMBER_DIGITS = 1_000
MAX_SECONDS = 0.5  # to fill in one letter; a real one takes a few milliseconds

_MAX_NUMBER_BITS = int(MAX_NUMBER_DIGITS * 3.3219) + 1  # log2(10) bits a digit
_FLOAT_CHARS = 320  # '%f' of the largest float: 309 digits, the point and 6 decimals
_SEQUENCES = (str, bytes, list, tuple)
_DICT_VIEWS: Any = type({}.keys()) | type({}.values()) | type({}.items())


class LimitExceeded(Exception):  # noqa: N818 - it reads as what happened
    """Filling in the letter would cost more than its budget; `line` if known (else 0)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Budget:
    deadline: float
    rounds: int = 0
    made: int = 0

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitExceeded(
                f"Filling in this letter takes more than {MAX_SECONDS:g} seconds (a letter "
                "takes a few thousandths of a second); repeat text less or loop over fewer "
                "things."
            )

    def count_round(self) -> None:
        self.rounds += 1
        if self.rounds > MAX_LOOP_ROUNDS:
            raise LimitExceeded(
                f"The loops in this letter go round more than {MAX_LOOP_ROUNDS:,} times in "
                "all (a loop inside a loop goes round for every round of the outer one); "
                "loop over fewer things, such as the client's things to remember."
            )
        self.check_time()

    def count_made(self, chars: int) -> None:
        self.made += chars
        if self.made > MAX_TEXT_MADE:
            raise LimitExceeded(
                f"Filling in this letter makes more than {MAX_TEXT_MADE:,} characters of "
                "text along the way; repeat, pad or join text less, or loop over fewer things."
            )
        self.check_time()


_current: ContextVar[Budget | None] = ContextVar("letter_budget", default=None)


@contextmanager
def budget() -> Iterator[Budget]:
    """Everything filled in inside the block, on this thread, shares one budget."""
    spending = Budget(time.monotonic() + MAX_SECONDS)
    token = _current.set(spending)
    try:
        yield spending
    finally:
        _current.reset(token)


def _check_time() -> None:
    spending = _current.get()
    if spending is not None:
        spending.check_time()


def _made(chars: int) -> None:
    spending = _current.get()
    if spending is not None:
        spending.count_made(chars)


# ---------------------------------------------------------------------- sizes


def _check_text(chars: int) -> None:
    if chars > MAX_LETTER_CHARS:
        raise LimitExceeded(
            f"This makes a text of {chars:,} characters, longer than a whole letter may be "
            f"({MAX_LETTER_CHARS:,} characters, about 60 pages); repeat or pad text less."
        )


def _check_items(items: int) -> None:
    if items > MAX_LETTER_CHARS:
        raise LimitExceeded(
            f"This makes a list of {items:,} things; a list in a letter holds at most "
            f"{MAX_LETTER_CHARS:,}. Repeat the list fewer times."
        )


def _check_bits(bits: int) -> None:
    if bits > _MAX_NUMBER_BITS:
        digits = bits * 30103 // 100000 + 1
        raise LimitExceeded(
            f"This makes a number of about {digits:,} digits; a number in a letter has at "
            f"most {MAX_NUMBER_DIGITS:,} digits."
        )


def _check_size(like: Any, size: int) -> None:
    """`size` characters if `like` is text, else things in a list."""
    if isinstance(like, str | bytes):
        _check_text(size)
    else:
        _check_items(size)


def measured(value: Any) -> Any:
    """`value`, once it is known to be within the limits (and counted if it is text)."""
    if isinstance(value, str | bytes):
        _check_text(len(value))
        _made(len(value))
    elif isinstance(value, list | tuple | dict):
        _check_items(len(value))
    elif isinstance(value, int):
        _check_bits(value.bit_length())
    return value


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


def _check_stringified(value: Any) -> None:
    if not isinstance(value, str):
        _check_text(text_length(value))


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
        own = _FLOAT_CHARS if isinstance(value, float) else text_length(value)
        total += width + precision + own
        if total > MAX_LETTER_CHARS:
            break
    return total


def _spec_length(spec: str) -> int:
    """At most how much width and precision a str.format spec such as '>10.3' asks for."""
    return sum(_spec_number(run) for run in re.findall(r"\d+", spec))


class _BoundedFormatter(SandboxedFormatter):
    """str.format in a letter: each field is checked before it is formatted."""

    def __init__(self, env: ImmutableSandboxedEnvironment, form: str) -> None:
        super().__init__(env)
        self._total = len(form)

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        _check_stringified(value)  # {0!r} makes the repr first
        return super().convert_field(value, conversion)

    def format_field(self, value: Any, format_spec: str) -> Any:
        own = _FLOAT_CHARS if isinstance(value, float) else text_length(value)
        _check_text(self._total + _spec_length(format_spec) + own)
        text = super().format_field(value, format_spec)
        self._total += len(text)
        _made(len(text))
        return text


def _join_length(separator: Any, items: list[Any]) -> int:
    total = max(len(items) - 1, 0) * text_length(separator)
    for item in items:
        if total > MAX_LETTER_CHARS:
            break
        total += text_length(item)
    return total


# ---------------------------------------------------------------------- operators and calls


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "*":
        for sequence, count in ((left, right), (right, left)):
            if isinstance(sequence, _SEQUENCES) and isinstance(count, int):
                _check_size(sequence, len(sequence) * max(count, 0))
                return
        if isinstance(left, int) and isinstance(right, int):
            _check_bits(left.bit_length() + right.bit_length())
    elif operator == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
            if right > _MAX_NUMBER_BITS:
                _check_bits(right)
            _check_bits(int(right * (abs(left).bit_length() - 1)) + 1)
    elif operator == "+":
        if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
            _check_size(left, len(left) + len(right))
    elif operator == "%" and isinstance(left, str | bytes):
        form = left if isinstance(left, str) else left.decode("latin-1")
        _check_text(percent_length(form, right))


def _length_argument(args: tuple[Any, ...], kwargs: Mapping[str, Any], name: str) -> int:
    return _spec_number(args[0] if args else kwargs.get(name, 0))


def _check_method(method: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> tuple[Any, ...]:
    """Refuse a str/bytes/int method call that would make too much; the arguments to call it
    with (an iterable to join is taken into a list first, to be measured)."""
    owner: Any = getattr(method, "__self__", None)
    name = getattr(method, "__name__", "")
    if isinstance(owner, str | bytes):
        text: Any = owner  # str or bytes alike
        if name in ("ljust", "rjust", "center", "zfill"):
            _check_text(max(len(owner), _length_argument(args, kwargs, "width")))
        elif name == "expandtabs":
            tab = _spec_number(args[0] if args else kwargs.get("tabsize", 8))
            tabs = text.count(b"\t" if isinstance(text, bytes) else "\t")
            _check_text(len(text) + tabs * tab)
        elif name == "replace" and len(args) >= 2 and type(args[0]) is type(args[1]) is type(owner):
            found = text.count(args[0])
            if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
                found = min(found, args[2])
            _check_text(len(owner) + found * max(len(args[1]) - len(args[0]), 0))
        elif name == "join" and args:
            items = list(args[0])
            _check_text(_join_length(owner, items))
            return (items, *args[1:])
        elif name == "translate" and args:
            table = args[0]
            longest = max(
                (len(v) for v in (table.values() if isinstance(table, Mapping) else ())
                 if isinstance(v, str | bytes)),
                default=1,
            )  # fmt: skip
            _check_text(len(owner) * max(longest, 1))
    elif isinstance(owner, int) and name == "to_bytes":
        _check_text(_length_argument(args, kwargs, "length"))
    return args


# ---------------------------------------------------------------------- filters


def _check_join(value: Any, d: Any = "", attribute: Any = None) -> Any:
    items = list(value)
    _check_text(_join_length(d, items))
    return items


def _check_replace(s: Any, old: Any, new: Any, count: Any = None) -> Any:
    for part in (s, old, new):
        _check_stringified(part)
    text, old_text, new_text = str(s), str(old), str(new)
    found = text.count(old_text)
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    _check_text(len(text) + found * max(len(new_text) - len(old_text), 0))
    return s


def _check_format(value: Any, *args: Any, **kwargs: Any) -> Any:
    _check_stringified(value)
    _check_text(percent_length(str(value), kwargs or args))
    return value


def _check_text_filter(value: Any, *args: Any, **kwargs: Any) -> Any:
    _check_stringified(value)
    return value


# filter -> a check of its arguments that returns the value to filter (join's, as a list)
_FILTER_CHECKS: dict[str, Callable[..., Any]] = {
    "join": _check_join,
    "replace": _check_replace,
    "format": _check_format,
    **dict.fromkeys(
        ("upper", "lower", "title", "capitalize", "trim", "truncate", "wordcount"),
        _check_text_filter,
    ),
}


def _bounded_filter(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` checked before it runs (if it can make text bigger) and measured after."""
    check = _FILTER_CHECKS.get(name)
    passed = 1 if hasattr(fn, "jinja_pass_arg") else 0  # the environment or eval context

    @functools.wraps(fn)  # keeps jinja_pass_arg, so Jinja2 still passes it
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _check_time()
        if check is not None and len(args) > passed:
            value = check(*args[passed:], **kwargs)
            args = (*args[:passed], value, *args[passed + 1 :])
        return measured(fn(*args, **kwargs))

    return bounded


# ---------------------------------------------------------------------- the environment


class LetterEnvironment(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox, with every way to make something big checked first."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def bounded_filters(self, allowed: frozenset[str]) -> None:
        self.filters = {k: _bounded_filter(k, v) for k, v in self.filters.items() if k in allowed}

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _check_time()
        _check_binop(operator, left, right)
        return measured(super().call_binop(context, operator, left, right))

    def concat(self, pieces: Iterable[Any]) -> str:
        """Joins what a macro, a {% set %}...{% endset %} or a {% filter %} block wrote."""
        return measured(self.bounded_concat(pieces))

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        _check_time()
        if isinstance(obj, LoopContext) and args:  # loop(...) in a recursive loop
            args = (self.counted_rounds(args[0]), *args[1:])
        args = _check_method(obj, args, kwargs)
        return measured(super().call(context, obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None or type(value.__self__) is not str:
            return wrapped
        form: str = value.__self__
        is_format_map = value.__name__ == "format_map"

        def bounded(*args: Any, **kwargs: Any) -> str:
            if is_format_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                return _BoundedFormatter(self, form).vformat(form, (), args[0])
            return _BoundedFormatter(self, form).vformat(form, args, kwargs)

        return functools.update_wrapper(bounded, value)

    def counted_rounds(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """Every {% for %} loops over this: each round counts against the budget."""
        spending = _current.get()
        for item in iterable:
            if spending is not None:
                spending.count_round()
            yield item

    def bounded_concat(self, pieces: Iterable[Any]) -> str:
        """`~`, and the text a block wrote, joined once it is known to fit in a letter."""
        return "".join(p if isinstance(p, str) else str(p) for p in self._fitting(pieces))

    def _fitting(self, pieces: Iterable[Any]) -> list[Any]:
        parts = list(pieces)
        total = 0
        for part in parts:
            total += text_length(part)
            _check_text(total)
        return parts

    def counted(self, tree: nodes.Template) -> nodes.Template:
        """`tree` with its loops counted and its `~` joined through `bounded_concat`."""
        return _Counted(self).visit(tree)


class _Counted(NodeTransformer):
    def __init__(self, env: LetterEnvironment) -> None:
        self.env = env

    def _call(self, name: str, arg: Any) -> nodes.Call:
        call = nodes.Call(nodes.EnvironmentAttribute(name), [arg], [], None, None)
        call.set_lineno(arg.lineno)
        call.set_environment(self.env)
        return call

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = self._call("counted_rounds", node.iter)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        parts = nodes.List(node.nodes)
        parts.set_lineno(node.lineno)
        return self._call("bounded_concat", parts)


def bounded_finalize(escape: Callable[[Any], str]) -> Callable[[Any], str]:
    """`escape` for each {{ field }}, with the value measured before it becomes text."""

    def finalize(value: Any) -> str:
        _check_stringified(value)
        return measured(escape(value))

    return finalize


def write_out(template: Any, context: Mapping[str, Any], name: str) -> str:
    """The letter, counted as it is written: stops as soon as it is longer than a letter may
    be. `name` is the template's file name in tracebacks (to find the line being written)."""
    written: list[str] = []
    total = 0
    stream = template.generate(context)
    for piece in stream:
        total += len(piece)
        if total > MAX_LETTER_CHARS:
            line = _writing_line(template, stream, name)
            stream.close()
            raise LimitExceeded(
                f"This letter comes to more than {MAX_LETTER_CHARS:,} characters (about 60 "
                "pages), longer than a letter may be; repeat text less or loop over fewer "
                "things.",
                line,
            )
        _check_time()
        written.append(piece)
    return "".join(written)


def _writing_line(template: Any, stream: Any, name: str) -> int:
    """The template line a paused `generate()` stream was writing."""
    line = 0
    while stream is not None:
        frame = getattr(stream, "gi_frame", None)
        if frame is not None and frame.f_code.co_filename == name:
            line = template.get_corresponding_lineno(frame.f_lineno)
        stream = getattr(stream, "gi_yieldfrom", None)
    return line


__all__ = [
    "MAX_LETTER_CHARS",
    "MAX_LOOP_ROUNDS",
    "MAX_NUMBER_DIGITS",
    "MAX_SECONDS",
    "MAX_TEXT_MADE",
    "Budget",
    "LetterEnvironment",
    "LimitExceeded",
    "bounded_finalize",
    "budget",
    "text_length",
    "write_out",
]
