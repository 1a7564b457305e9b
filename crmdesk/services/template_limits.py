"""What filling in one letter may cost, so that no template hangs the app or eats its memory.

A letter template is text with fields, but Jinja2 also lets it repeat text (`'a' * 10**9`),
pad it (`'%999999999s' | format('a')`), join it and loop inside loops. So every letter is
filled in on a `Budget`, and `LetterEnvironment` (the sandbox the letters use) checks the
operations that can make something big *before* it is made:

- no text or list is longer than a whole letter may be (`MAX_LETTER_CHARS`), no number has
  more than `MAX_NUMBER_DIGITS` digits (the estimates and these checks are in
  `template_sizes`);
- one comparison (`==`, `<`, `in`... and the tests `is eq`, `is in`), a hash, a list
  repeated, added or written out goes through at most `MAX_WORK` things, counted before it
  runs: it is one call into C that holds the interpreter, so the clock below cannot stop
  it (`_Counted` turns the template's comparisons and lists into calls that check them);
- all the text made along the way adds up to at most `MAX_TEXT_MADE`;
- the loops go round `MAX_LOOP_ROUNDS` times in all, loops inside loops included;
- the letter is counted as it is written and stops at `MAX_LETTER_CHARS`, at
  `MAX_LETTER_LINES` lines or at a line longer than `MAX_LINE_CHARS`: what is laid out on
  the page afterwards is then small enough to lay out in about a second (the page count is
  capped while the PDF is made, `documents.letters.MAX_LETTER_PAGES`);
- each of these checks looks at the clock, so a letter takes at most `MAX_SECONDS`, on any
  thread (the budget is a context variable; no signals, no watchdog thread).

Going over raises `LimitExceeded`, whose message says what is too big and what to do;
`templating.render` adds the template's line.

    with limits.budget():
        text = limits.write_out(template, context)
"""

from __future__ import annotations

import functools
import operator
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, cast

from jinja2 import nodes
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedFormatter
from jinja2.visitor import NodeTransformer

from crmdesk.services.template_sizes import (
    COMPARE_LESS,
    COMPARING,
    FILTER_CHECKS,
    FLOAT_CHARS,
    MAX_LETTER_CHARS,
    MAX_NUMBER_DIGITS,
    MAX_WORK,
    LimitExceeded,
    check_binop,
    check_bits,
    check_items,
    check_list_work,
    check_method,
    check_stringified,
    check_text,
    check_work,
    spec_length,
    text_length,
    work,
)

MAX_TEXT_MADE = 2_000_000  # all the text made while filling in one letter
MAX_LOOP_ROUNDS = 20_000  # rounds of all the loops in one letter, nested ones counted in full
MAX_SECONDS = 0.5  # to fill in one letter; a real one takes a few milliseconds
# The shape of the letter written: lines are what the layout costs (about 50 a page, so
# at most ~1,500 paragraphs, each needing a blank line), and one line without a break is
# wrapped onto as many printed lines as it needs (10,000 characters: about 2½ pages).
MAX_LETTER_LINES = 3_000
MAX_LINE_CHARS = 10_000


@dataclass
class Budget:
    # the work of the thread filling the letter in (time.thread_time), not the clock: a
    # machine busy with something else slows a letter down but does not make it refused
    deadline: float
    rounds: int = 0
    made: int = 0

    def check_time(self) -> None:
        if time.thread_time() > self.deadline:
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
    spending = Budget(time.thread_time() + MAX_SECONDS)
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


def measured(value: Any) -> Any:
    """`value`, once it is known to be within the limits (and counted if it is text)."""
    if isinstance(value, str | bytes):
        check_text(len(value))
        _made(len(value))
    elif isinstance(value, list | tuple | dict):
        check_items(len(value))
    elif isinstance(value, int):
        check_bits(value.bit_length())
    return value


class _BoundedFormatter(SandboxedFormatter):
    """str.format in a letter: each field is checked before it is formatted."""

    def __init__(self, env: ImmutableSandboxedEnvironment, form: str) -> None:
        super().__init__(env)
        self._total = len(form)

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        check_stringified(value)  # {0!r} makes the repr first
        return super().convert_field(value, conversion)

    def format_field(self, value: Any, format_spec: str) -> Any:
        own = FLOAT_CHARS if isinstance(value, float) else text_length(value)
        check_text(self._total + spec_length(format_spec) + own)
        text = super().format_field(value, format_spec)
        self._total += len(text)
        _made(len(text))
        return text


def _bounded_filter(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` checked before it runs (if it can make text bigger) and measured after."""
    check = FILTER_CHECKS.get(name)
    passed = 1 if hasattr(fn, "jinja_pass_arg") else 0  # the environment or eval context

    @functools.wraps(fn)  # keeps jinja_pass_arg, so Jinja2 still passes it
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _check_time()
        if check is not None and len(args) > passed:
            value = check(*args[passed:], **kwargs)
            args = (*args[:passed], value, *args[passed + 1 :])
        return measured(fn(*args, **kwargs))

    return bounded


# the tests (`x is eq y`, `x is in y`...) that compare their value with their argument
_COMPARING_TESTS = frozenset(
    {"in", "==", "eq", "equalto", "!=", "ne", ">", "gt", "greaterthan", ">=", "ge",
     "<", "lt", "lessthan", "<=", "le"}
)  # fmt: skip


def _bounded_test(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn`, checked first if it compares: one comparison cannot be stopped once it runs."""
    if name not in _COMPARING_TESTS:
        return fn

    @functools.wraps(fn)
    def bounded(value: Any, *args: Any) -> Any:
        _check_time()
        check_work(work(value, *args), COMPARING, COMPARE_LESS)
        return fn(value, *args)

    return bounded


# compared at once: a text in a letter is at most MAX_LETTER_CHARS long (a memcmp)
_PLAIN = frozenset({str, int, float, bool, type(None)})

# Compare nodes' operators (`nodes.Operand.op`)
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "gteq": operator.ge,
    "lt": operator.lt,
    "lteq": operator.le,
    "in": lambda left, right: left in right,
    "notin": lambda left, right: left not in right,
}


# ---------------------------------------------------------------------- the environment


class LetterEnvironment(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox, with every way to make something big checked first."""

    intercepted_binops = frozenset({"*", "**", "%", "+", "-"})

    def bounded_filters(self, allowed: frozenset[str]) -> None:
        self.filters = {k: _bounded_filter(k, v) for k, v in self.filters.items() if k in allowed}
        tests = cast("dict[str, Callable[..., Any]]", self.tests)
        self.tests = {k: _bounded_test(k, v) for k, v in tests.items()}

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _check_time()
        check_binop(operator, left, right)
        return measured(super().call_binop(context, operator, left, right))

    def concat(self, pieces: Iterable[Any]) -> str:
        """Joins what a macro, a {% set %}...{% endset %} or a {% filter %} block wrote."""
        return measured(self.bounded_concat(pieces))

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        if getattr(obj, "__self__", None) is self:  # compare, counted_rounds...: our own,
            return obj(*args)  # checked inside (kwargs holds only Jinja2's _loop_vars)
        _check_time()
        if isinstance(obj, LoopContext) and args:  # loop(...) in a recursive loop
            args = (self.counted_rounds(args[0]), *args[1:])
        elif isinstance(getattr(obj, "__self__", None), LoopContext):  # loop.changed(...)
            check_work(work(*args), COMPARING, COMPARE_LESS)
        args = check_method(obj, args, kwargs)
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

    def compare(self, left: Any, *chain: Any) -> Any:
        """`left op right op ...` (`chain` alternates the operators of a Compare node and
        the values on their right), each comparison checked before it runs. Unlike Python's
        chain, the values are all worked out first; the comparing stops at the first false."""
        result: Any = True
        for op, right in zip(chain[::2], chain[1::2], strict=True):
            _check_time()
            if type(left) not in _PLAIN or type(right) not in _PLAIN:
                check_work(work(left, right), COMPARING, COMPARE_LESS)
            result = _COMPARE[op](left, right)
            if not result:
                return result
            left = right
        return result

    def bounded_literal(self, value: Any) -> Any:
        """A list or tuple written in the template, once it is known to hold little."""
        return check_list_work(value)

    def bounded_dict(self, pairs: list[tuple[Any, Any]]) -> dict[Any, Any]:
        """A dict written in the template, made once its keys are known to be quick to
        hash (a tuple's hash goes through all of it, every time)."""
        return dict(check_list_work(pairs))

    def bounded_concat(self, pieces: Iterable[Any]) -> str:
        """`~`, and the text a block wrote, joined once it is known to fit in a letter."""
        return "".join(p if isinstance(p, str) else str(p) for p in self._fitting(pieces))

    def _fitting(self, pieces: Iterable[Any]) -> list[Any]:
        parts = list(pieces)
        total = 0
        for part in parts:
            total += text_length(part)
            check_text(total)
        return parts

    def counted(self, tree: nodes.Template) -> nodes.Template:
        """`tree` with its loops counted, its `~` joined through `bounded_concat`, its
        comparisons made by `compare` and the lists and dicts it writes checked."""
        return _Counted(self).visit(tree)


class _Counted(NodeTransformer):
    def __init__(self, env: LetterEnvironment) -> None:
        self.env = env

    def _call(self, name: str, *args: Any) -> nodes.Call:
        call = nodes.Call(nodes.EnvironmentAttribute(name), list(args), [], None, None)
        call.set_lineno(args[0].lineno)
        call.set_environment(self.env)
        return call

    def visit_Compare(self, node: nodes.Compare) -> nodes.Node:
        self.generic_visit(node)
        chain = [part for op in node.ops for part in (nodes.Const(op.op), op.expr)]
        return self._call("compare", node.expr, *chain)

    def visit_List(self, node: nodes.List) -> nodes.Node:
        self.generic_visit(node)
        return node if _constant(node.items) else self._call("bounded_literal", node)

    def visit_Tuple(self, node: nodes.Tuple) -> nodes.Node:
        self.generic_visit(node)
        if node.ctx != "load" or _constant(node.items):  # {% for a, b in ... %} names
            return node
        return self._call("bounded_literal", node)

    def visit_Dict(self, node: nodes.Dict) -> nodes.Node:
        self.generic_visit(node)
        if _constant([n for pair in node.items for n in (pair.key, pair.value)]):
            return node
        pairs = [nodes.Tuple([p.key, p.value], "load", lineno=p.lineno) for p in node.items]
        return self._call("bounded_dict", nodes.List(pairs, lineno=node.lineno))

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = self._call("counted_rounds", node.iter)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        parts = nodes.List(node.nodes)
        parts.set_lineno(node.lineno)
        return self._call("bounded_concat", parts)


def _constant(items: list[nodes.Expr]) -> bool:
    """Only constants: what the template itself spells out, so it holds little."""
    return all(isinstance(item, nodes.Const) for item in items)


def bounded_finalize(escape: Callable[[Any], str]) -> Callable[[Any], str]:
    """`escape` for each {{ field }}, with the value measured before it becomes text."""

    def finalize(value: Any) -> str:
        check_stringified(value)
        return measured(escape(value))

    return finalize


def write_out(template: Any, context: Mapping[str, Any], name: str) -> str:
    """The letter, counted as it is written: stops as soon as it is longer than a letter may
    be, has too many lines or too long a line. `name` is the template's file name in
    tracebacks (to find the line being written)."""
    written: list[str] = []
    total = 0
    shape = _Shape()
    stream = template.generate(context)
    for piece in stream:
        total += len(piece)
        too_much = _too_long(total) or shape.add(piece)
        if too_much:
            line = _writing_line(template, stream, name)
            stream.close()
            raise LimitExceeded(too_much, line)
        _check_time()
        written.append(piece)
    return "".join(written)


def _too_long(total: int) -> str:
    if total <= MAX_LETTER_CHARS:
        return ""
    return (
        f"This letter comes to more than {MAX_LETTER_CHARS:,} characters (about 60 pages), "
        "longer than a letter may be; repeat text less or loop over fewer things."
    )


@dataclass
class _Shape:
    """Counts the lines of the letter as it is written, and the length of the line being
    written; `add` says what is too much, or "" if nothing is."""

    lines: int = 1
    line_chars: int = 0

    def add(self, piece: str) -> str:
        breaks = piece.count("\n")
        if breaks:
            self.lines += breaks
            if self.lines > MAX_LETTER_LINES:
                return (
                    f"This letter comes to more than {MAX_LETTER_LINES:,} lines (about 60 "
                    "pages), longer than a letter may be; join lines, repeat text less or "
                    "loop over fewer things."
                )
            first, _, rest = piece.partition("\n")
            longest = max(self.line_chars + len(first), _longest_line(rest))
            self.line_chars = len(rest) - rest.rfind("\n") - 1
        else:
            self.line_chars += len(piece)
            longest = self.line_chars
        if longest > MAX_LINE_CHARS:
            return (
                f"This letter has a line of more than {MAX_LINE_CHARS:,} characters without a "
                "line break (about 2½ pages in one paragraph); start new lines or paragraphs, "
                "or repeat text less."
            )
        return ""


def _longest_line(text: str) -> int:
    """The length of the longest line of `text`: at most MAX_LETTER_LINES lines, as the
    lines were counted first."""
    return max(map(len, text.split("\n")))


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
    "MAX_LETTER_LINES",
    "MAX_LINE_CHARS",
    "MAX_LOOP_ROUNDS",
    "MAX_NUMBER_DIGITS",
    "MAX_SECONDS",
    "MAX_TEXT_MADE",
    "MAX_WORK",
    "Budget",
    "LetterEnvironment",
    "LimitExceeded",
    "bounded_finalize",
    "budget",
    "text_length",
    "write_out",
]
