"""Merge fields in letters: a Jinja2 sandbox that sees plain dicts and fails loudly.

A template is checked before it is used (`check`): a syntax error, an unknown field or a
reach for Python internals is reported with its line, and printing is blocked. Rendering
runs in Jinja2's ImmutableSandboxedEnvironment with StrictUndefined, so a value that is
missing for one client (a thing to remember they do not have) is an error naming it, never
a blank in a printed letter.

Values are escaped for the letter markup (Markdown), so a client called "*Bob*" prints
with his asterisks and a street name cannot start a list.

Filling in one letter has a budget (`template_limits`): a template that would repeat text
into megabytes, compare lists of lists for hours, loop inside loops for minutes or take
more than half a second is refused with `TemplateLimitError`, before the work is done.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from types import TracebackType
from typing import TYPE_CHECKING, Any

from crmdesk.errors import CrmError

if TYPE_CHECKING:
    from jinja2.nodes import Node

    from crmdesk.services.template_limits import LetterEnvironment

TEMPLATE_NAME = "<template>"  # the file name Jinja2 gives templates made from strings

# name -> what it holds (shown in the field picker)
CLIENT_FIELDS = {
    "greeting_name": "How to address them: “Mrs Webber”, or the name they prefer",
    "salutation": "Their title: Mrs, Mr, Dr…",
    "first_name": "First name",
    "last_name": "Family name",
    "full_name": "First and family name",
    "company": "Company",
    "address": "Postal address (several lines)",
    "street": "Street",
    "postcode": "Postcode",
    "city": "City",
    "country": "Country",
    "email": "Email address",
    "phone": "Phone number",
    "birthday": "Birthday: “14 May 1961”, or “14 May” when the year is not known",
    "age": "Age in years today (empty when the birth year is not known)",
    "last_visit": "Date of their last visit (empty if none)",
    "last_contact": "Date of the last contact of any kind (empty if none)",
    "client_since": "Date they became a client",
    "referral_code": "Their personal referral code",
    "facts": 'Things to remember, by label: client.facts["Dog"]',
}
SHOP_FIELDS = {
    "name": "The shop's name",
    "address": "The shop's address",
    "phone": "The shop's phone",
    "email": "The shop's email",
    "website": "The shop's website",
    "signature_name": "Who signs the letters",
    "signature_title": "Their title",
}
TOP_FIELDS = {"client": CLIENT_FIELDS, "shop": SHOP_FIELDS, "today": "Today's date"}

# Jinja2 filters a letter may use; everything else (attr, map, xmlattr...) is refused.
ALLOWED_FILTERS = frozenset(
    {"default", "d", "upper", "lower", "title", "capitalize", "trim", "replace", "join",
     "length", "first", "last", "truncate", "wordcount", "int", "round", "format"}
)  # fmt: skip

_TOO_DEEP = (
    "This template goes too deep: a recursive loop that never stops, or brackets inside "
    "brackets hundreds deep. Make it simpler."
)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~&])")


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based; 0 when the template has no line to point at
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}" if self.line else self.message


class TemplateError(CrmError):
    """The template cannot be printed; `problems` say where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class TemplateLimitError(TemplateError):
    """The template asks for more than one letter may take (too long, too many loops, too
    slow): the template is at fault, not one client's details."""


def escape(value: Any) -> str:
    """A merged value as literal letter text (Markdown punctuation backslash-escaped)."""
    if value is None:
        return ""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(value))


@cache
def environment() -> LetterEnvironment:
    from jinja2 import StrictUndefined

    from crmdesk.services.template_limits import LetterEnvironment, bounded_finalize

    env = LetterEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        finalize=bounded_finalize(escape),
        keep_trailing_newline=True,
    )
    env.bounded_filters(ALLOWED_FILTERS)
    env.globals.clear()
    return env


def check(source: str) -> list[Problem]:
    """Everything wrong with `source`, each with its line; [] if it can be printed."""
    return list(_check(source))


@lru_cache(maxsize=64)
def _check(source: str) -> tuple[Problem, ...]:
    from jinja2 import TemplateSyntaxError

    try:
        tree = environment().parse(source, name=TEMPLATE_NAME)
        problems = list(_field_problems(tree))
    except TemplateSyntaxError as exc:
        return (Problem(exc.lineno or 0, _syntax_message(exc.message or str(exc))),)
    except RecursionError:
        return (Problem(0, _TOO_DEEP),)
    return tuple(sorted(set(problems), key=lambda p: (p.line, p.message)))


def render(source: str, context: Mapping[str, Any]) -> str:
    """The letter text with the fields merged; raises TemplateError with the line."""
    from jinja2 import TemplateError as JinjaError
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    from crmdesk.services import template_limits as limits

    problems = check(source)
    if problems:
        raise TemplateError(problems)
    try:
        with limits.budget():
            return limits.write_out(compiled(source), context, TEMPLATE_NAME)
    except limits.LimitExceeded as exc:
        line = exc.line or _template_line(exc.__traceback__)
        raise TemplateLimitError([Problem(line, str(exc))]) from exc
    except RecursionError as exc:
        line = _template_line(exc.__traceback__)
        raise TemplateLimitError([Problem(line, _TOO_DEEP)]) from exc
    except TemplateSyntaxError as exc:  # pragma: no cover - check() found these
        raise TemplateError([Problem(exc.lineno or 0, exc.message or str(exc))]) from exc
    except UndefinedError as exc:
        line = _template_line(exc.__traceback__)
        raise TemplateError([Problem(line, _undefined_message(str(exc)))]) from exc
    except SecurityError as exc:
        line = _template_line(exc.__traceback__)
        raise TemplateError([Problem(line, f"Not allowed in a letter: {exc}")]) from exc
    except (JinjaError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
        line = _template_line(exc.__traceback__)
        raise TemplateError([Problem(line, f"Cannot fill this in: {exc}")]) from exc


@lru_cache(maxsize=64)
def compiled(source: str) -> Any:
    """The template, its loops counted and its `~` joins measured (template_limits)."""
    env = environment()
    return env.from_string(env.counted(env.parse(source, name=TEMPLATE_NAME)))


# ---------------------------------------------------------------------- static checks


def _field_problems(tree: Node) -> Iterator[Problem]:
    from jinja2 import nodes

    defined = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    defined.add("loop")
    for node in tree.find_all((nodes.Name, nodes.Getattr, nodes.Getitem, nodes.Filter)):
        line = node.lineno
        if isinstance(node, nodes.Name) and node.ctx == "load":
            if node.name not in TOP_FIELDS and node.name not in defined:
                yield Problem(line, f"Unknown field “{node.name}”. {_did_you_mean(node.name)}")
        elif isinstance(node, nodes.Filter) and node.name not in ALLOWED_FILTERS:
            yield Problem(line, f"The filter “{node.name}” is not allowed in a letter.")
        elif isinstance(node, nodes.Getattr | nodes.Getitem):
            key = _key(node)
            if key is None:
                continue
            if key.startswith("_"):
                yield Problem(line, f"“{key}” is not a field; names starting with _ are refused.")
                continue
            owner = node.node
            if isinstance(owner, nodes.Name) and owner.name in ("client", "shop"):
                known = CLIENT_FIELDS if owner.name == "client" else SHOP_FIELDS
                if key not in known:
                    hint = _did_you_mean(key, [f"{owner.name}.{k}" for k in known])
                    yield Problem(line, f"Unknown field “{owner.name}.{key}”. {hint}")


def _key(node: Any) -> str | None:
    from jinja2 import nodes

    if isinstance(node, nodes.Getattr):
        return str(node.attr)
    if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
        return node.arg.value
    return None


def all_fields() -> list[str]:
    fields = [f"client.{k}" for k in CLIENT_FIELDS if k != "facts"]
    return fields + [f"shop.{k}" for k in SHOP_FIELDS] + ["today"]


def _did_you_mean(name: str, candidates: list[str] | None = None) -> str:
    import difflib

    pool = candidates or all_fields()
    bare = {c.rpartition(".")[2]: c for c in pool}
    close = difflib.get_close_matches(name, list(bare), n=1, cutoff=0.6)
    if close:
        return f"Did you mean {{{{ {bare[close[0]]} }}}}?"
    return "Use Insert field to pick one."


def _syntax_message(message: str) -> str:
    return f"The template is not complete or not well formed: {message}"


def _undefined_message(message: str) -> str:
    fact = re.search(r"has no attribute '(.+)'", message)
    if fact:
        return (
            f"This client has no “{fact.group(1)}”. Add it to their things to remember, "
            f'or give a default: {{{{ client.facts["{fact.group(1)}"] | default("…") }}}}'
        )
    return f"Missing value: {message}"


def _template_line(tb: TracebackType | None) -> int:
    """The template line Jinja2 reports in the traceback of a rendering error."""
    line = 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == TEMPLATE_NAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
