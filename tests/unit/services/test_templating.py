"""Merge fields: mistakes are reported at their line, injection runs nothing."""

from __future__ import annotations

import pytest

from crmdesk.services import templating
from crmdesk.services.templating import Problem, TemplateError

CLIENT = {"client": {"greeting_name": "Mrs Webber", "first_name": "Margaret",
                     "facts": {"Dog": "Biscuit"}}}  # fmt: skip


def test_a_misspelled_field_is_reported_at_its_line_with_a_suggestion() -> None:
    problems = templating.check(
        "Dear {{ client.greeting_name }},\n\nHow is {{ client.frist_name }}?"
    )
    assert problems == [
        Problem(3, "Unknown field “client.frist_name”. Did you mean {{ client.first_name }}?")
    ]
    assert templating.check("{{ shop.name }}\n{{ shopname }}")[0].line == 2


def test_a_syntax_error_is_reported_at_its_line() -> None:
    problems = templating.check(
        "Dear {{ client.greeting_name }},\n\n{% if client.first_name %}\nHi"
    )
    assert len(problems) == 1 and problems[0].line == 3  # the {% if %} never closed
    assert "not complete" in problems[0].message
    assert templating.check("Hello {{ client.first_name ")[0].line == 1


def test_a_good_template_has_no_problems_and_merges_plain_values() -> None:
    source = 'Dear {{ client.greeting_name }},\n{{ client.facts["Dog"] | upper }}'
    assert templating.check(source) == []
    assert templating.render(source, CLIENT) == "Dear Mrs Webber,\nBISCUIT"


@pytest.mark.parametrize(
    "payload",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ client.__class__.__init__.__globals__ }}",
        "{{ client|attr('__class__') }}",
        "{{ client|attr('_' ~ '_class_' ~ '_') }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
        "{{ lipsum.__globals__ }}",
        "{{ client['__class__'] }}",
    ],
)
def test_injection_payloads_are_refused_and_run_nothing(payload: str) -> None:
    assert templating.check(payload), payload
    with pytest.raises(TemplateError) as refused:
        templating.render(payload, CLIENT)
    assert refused.value.problems[0].line == 1


def test_the_sandbox_refuses_what_the_check_lets_through() -> None:
    """str.format reaches attributes through its format string; the sandbox stops it."""
    payload = '{{ "{0.__class__}".format(client.first_name) }}'
    assert templating.check(payload) == []
    with pytest.raises(TemplateError, match="Not allowed"):
        templating.render(payload, CLIENT)


def test_an_unknown_encoding_is_a_problem_with_the_template_not_a_crash() -> None:
    with pytest.raises(TemplateError, match="Line 1: Cannot fill this in: unknown encoding"):
        templating.render("{{ client.first_name.encode('nope') }}", CLIENT)


def test_a_missing_thing_to_remember_is_an_error_never_a_blank() -> None:
    source = 'Dear {{ client.greeting_name }},\n\nHow is {{ client.facts["Cat"] }}?'
    with pytest.raises(TemplateError) as missing:
        templating.render(source, CLIENT)
    problem = missing.value.problems[0]
    assert problem.line == 3 and "no “Cat”" in problem.message
    with_default = 'How is {{ client.facts["Cat"] | default("your cat") }}?'
    assert templating.render(with_default, CLIENT) == "How is your cat?"


def test_merged_values_cannot_change_the_formatting() -> None:
    source = "Dear {{ client.first_name }},"
    rendered = templating.render(source, {"client": {"first_name": "**Bob** <b>"}})
    from crmdesk.documents.markup import to_plain

    assert to_plain(rendered) == "Dear **Bob** <b>,"


# ---------------------------------------------------------------------- limits

# Run in a child process: the time and the memory of one render, measured after a first
# letter has warmed everything up (peak RSS, and the peak of what Python allocated, as
# tracemalloc sees it); address space is capped so that a template that still ate memory
# fails here instead of swapping the machine.
_CHILD = """
import json, resource, sys, time, tracemalloc
resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))
from crmdesk.services import templating
context = json.loads(sys.argv[2])
templating.render("{{ client.greeting_name }}", context)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
start = time.thread_time()  # the work done, as the limits count it (not the machine's load)
try:
    result = {"text": len(templating.render(sys.argv[1], context))}
except templating.TemplateError as exc:
    result = {"refused": str(exc), "lines": [p.line for p in exc.problems]}
result["seconds"] = time.thread_time() - start
result["allocated_mb"] = tracemalloc.get_traced_memory()[1] / 1024**2
result["grew_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(json.dumps(result))
"""


def _render_in_child(source: str) -> dict[str, object]:
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    import crmdesk

    root = str(Path(crmdesk.__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, source, json.dumps(CLIENT)],
        capture_output=True, text=True, env=env, timeout=30,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)  # type: ignore[no-any-return]


_TOO_LONG = "longer than a whole letter may be (200,000 characters"
_TOO_MUCH_WORK = "more than 1,000,000 things in all"
_WORDS = "{% set a = ('a ' * 99999).split() %}"  # 99,999 words, each a short text


def _doubled(name: str) -> str:
    """`name` = a list holding itself twice, 30 times over: 2**31 things, small to write."""
    return f"{{% set {name} = ('a', 'b') %}}" + f"{{% set {name} = ({name}, {name}) %}}" * 30


HOSTILE = {
    "repeat": ("{{ 'a' * 10**9 }}", "a text of 1,000,000,000 characters, " + _TOO_LONG),
    "repeat a field": ("{{ client.first_name * 10**8 }}", "a text of 800,000,000 characters"),
    "pad": ("{{ '%999999999s' | format('a') }}", _TOO_LONG),
    "pad with str.format": ("{{ '{:>999999999}'.format('a') }}", _TOO_LONG),
    "loops in loops": (
        "{% set s = client.first_name * 1000 %}"
        "{% for a in s %}{% for b in s %}{% for c in s %}{% endfor %}{% endfor %}{% endfor %}",
        "go round more than 20,000 times in all",
    ),
    "join": (
        "{% set x = client.first_name * 100 %}{{ x | join('x' * 10**5) }}",
        "a text of 79,900,000 characters",
    ),
    "huge number": ("{{ 2 ** (10**9) }}", "a number in a letter has at most 1,000 digits"),
    "round to a huge precision": (  # minutes: round(5, -10**8) works out 10 ** 10**8
        "{{ 5 | round(-100000000) }}{{ 5 | round(100000000, 'floor') }}",
        "a number in a letter has at most 1,000 digits",
    ),
    "long letter": (
        "{% for i in client.first_name * 2500 %}{{ 'word ' * 20 }}\n{% endfor %}",
        "This letter comes to more than 200,000 characters",
    ),
    "text made along the way": (
        "{% set s = client.first_name * 50 %}{% set kept %}"
        "{% for a in s %}{% for b in s %}{{ 'z' * 100000 }}{% endfor %}{% endfor %}"
        "{% endset %}{{ kept | length }}",
        "makes more than 2,000,000 characters of text along the way",
    ),
    "slow": (
        "{% set s = 'a' * 199000 %}{% for i in s[:19000] %}{% if s.split('a') %}{% endif %}"
        "{% endfor %}",
        "takes more than 0.5 seconds",
    ),
    # One comparison, `in` or hash of big lists is a single call into C: no clock stops it,
    # so its work is counted first. Each took seconds to hours before (see the comments).
    "compare lists of lists": (  # 16 s
        _WORDS + "{% set c = a + [] %}{{ [a] * 199999 == [c] * 199999 }}",
        _TOO_MUCH_WORK,
    ),
    "order lists of lists": (  # 13 s
        _WORDS + "{% set c = a + [] %}{{ [a] * 199999 < [c] * 199999 }}",
        _TOO_MUCH_WORK,
    ),
    "compare lists of dicts": (  # 19 s
        _WORDS + "{% set c = a + [] %}{{ [{'k': a}] * 199999 != [{'k': c}] * 199999 }}",
        _TOO_MUCH_WORK,
    ),
    "in a repeated text": (  # 0.8 s on an idle machine
        "{% set s = 'a' * 199998 ~ 'b' %}{{ ('a' * 199999) in [s] * 199999 }}",
        _TOO_MUCH_WORK,
    ),
    "compare with a test": (  # more than 10 s
        _WORDS + "{% set c = a + [] %}{{ ([a] * 199999) is eq ([c] * 199999) }}",
        _TOO_MUCH_WORK,
    ),
    "count in a list": (  # more than 20 s
        _WORDS + "{% set c = a + [] %}{{ ([a] * 199999).count(c) }}",
        _TOO_MUCH_WORK,
    ),
    "changed": (  # more than 20 s
        _WORDS + "{% set c = a + [] %}{% for x in 'ab' %}"
        "{{ loop.changed([a] * 199999 if loop.first else [c] * 199999) }}{% endfor %}",
        _TOO_MUCH_WORK,
    ),
    "keys minus a list": (  # more than 20 s
        "{% set t = ('a',) * 199999 %}{{ (client.facts.keys() - [t] * 199999) | length }}",
        _TOO_MUCH_WORK,
    ),
    "lists inside lists written out": (  # hours
        _doubled("t") + _doubled("u") + "{{ t == u }}",
        _TOO_MUCH_WORK,
    ),
    "a deep key": (_doubled("t") + "{{ client.facts[t] | default('') }}", _TOO_MUCH_WORK),  # 1 min
    "strip many characters": (  # 1 s, longer for text beyond Latin-1
        "{% set s = 'a' * 199999 %}{{ s | trim('b' * 199998 ~ 'a') }}"
        "{{ s.rstrip('b' * 199998 ~ 'a') }}",
        "Stripping these characters would go through more than 1,000,000 things",
    ),
    "compare two big lists": (  # allowed each, too much together (only the comparison counts)
        "{% set a = ('ab ' * 66666).split() %}{% set c = ('ab ' * 66666).split() %}"
        "{{ [a] * 13 == [c] * 13 }}",
        "Comparing these would go through more than 1,000,000 things",
    ),
    "idna": (  # 2.6 s
        "{{ ('\u00e4' * 199999).encode('idna') | length }}",
        "The idna encoding is not",
    ),
    "punycode": (  # 4 s for 4,000 different characters, four times as long for twice that
        "{% set s %}{% for i in 'x' * 1000 %}{{ '%c' | format(loop.index + 1000) }}{% endfor %}"
        "{% endset %}{{ s.encode('punycode') | length }}",
        "The punycode encoding is not",
    ),
}


@pytest.mark.parametrize(("source", "says"), HOSTILE.values(), ids=HOSTILE.keys())
def test_a_template_asking_too_much_is_refused_at_once_with_memory_flat(
    source: str, says: str
) -> None:
    measured = _render_in_child(source)
    assert says in str(measured.get("refused")), measured
    assert str(measured["refused"]).startswith("Line 1: ") and measured["lines"] == [1]
    assert float(measured["seconds"]) < 1.0, measured  # type: ignore[arg-type]
    assert float(measured["grew_mb"]) < 50, measured  # type: ignore[arg-type]
    assert float(measured["allocated_mb"]) < 50, measured  # type: ignore[arg-type]


# 12 times a list of 66,666 words: allowed alone (each 900,000 things), not two together
_NEAR = "{% set a = ('ab ' * 66666).split() %}{% set b = [a] * 12 %}{% set c = [a + []] * 12 %}"
COMPARING = {
    "==": "{{ b == c }}",
    "<=": "{{ b <= c }}",
    "in": "{{ c in [b] }}",
    "not in": "{{ c not in [b] }}",
    "chained": "{{ b[0] == c[0] != b == c }}",
    "is eq": "{{ b is eq c }}",
    "is in": "{{ c is in [b] }}",
    "count": "{{ b.count(c) }}",
    "index": "{{ c.index(b) }}",
    "get": "{{ {}.get((b, c)) }}",
    "loop.changed": "{% for x in [b, c] %}{{ loop.changed(x, a) }}{% endfor %}",
    "keys minus": "{{ client.facts.keys() - [b, c] }}",
    "a list written out": "{% set d = [b, c] %}",
    "a dict written out": "{% set d = {'b': b, 'c': c} %}",
    "a list added": "{% set d = b + c %}",
}


@pytest.mark.parametrize("source", COMPARING.values(), ids=COMPARING.keys())
def test_every_comparison_counts_its_work_before_it_runs(source: str) -> None:
    """The big lists of `_NEAR` each pass; one operation that goes through both is refused
    before it runs, whichever way the template writes it."""
    templating.render(_NEAR + "{{ a in b }} {{ b[0] == c[0] }} {{ b | length }}", CLIENT)
    with pytest.raises(templating.TemplateLimitError, match="more than 1,000,000 things"):
        templating.render(_NEAR + source, CLIENT)


def test_the_limits_hold_on_a_worker_thread() -> None:
    """The letters window fills letters in on a worker: the clock works there too."""
    import threading
    import time

    source, says = HOSTILE["slow"]
    seen: list[BaseException] = []
    worked: list[float] = []

    def fill_in() -> None:
        start = time.thread_time()
        try:
            templating.render(source, CLIENT)
        except TemplateError as exc:
            seen.append(exc)
        worked.append(time.thread_time() - start)

    worker = threading.Thread(target=fill_in)
    worker.start()
    worker.join(timeout=30)
    assert len(seen) == 1 and says in str(seen[0])
    assert worked[0] < 1.0  # the worker's own work, as the limit counts it


def test_the_line_that_asks_too_much_is_named() -> None:
    source = "Dear {{ client.greeting_name }},\n\nThank you.\n{{ client.first_name * 10**8 }}"
    with pytest.raises(templating.TemplateLimitError) as refused:
        templating.render(source, CLIENT)
    assert refused.value.problems[0].line == 4
    long_letter = (
        "Dear {{ client.greeting_name }},\n{% for i in 'ab' * 1000 %}\n{{ 'x' * 100 }}{% endfor %}"
    )
    with pytest.raises(templating.TemplateLimitError) as too_long:
        templating.render(long_letter, CLIENT)
    assert too_long.value.problems[0].line == 3


def _plain_render(source: str, context: dict[str, object]) -> str:
    """What Jinja2's own sandbox, set up as the letters were before limits, makes."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, finalize=templating.escape,
        keep_trailing_newline=True,
    )  # fmt: skip
    return env.from_string(source).render(context)


def _builtin_bodies() -> list[str]:
    from crmdesk.services import letters

    return [t.body for t in letters.builtin_templates()]


EVERYDAY = [
    '{{ "%.2f" | format(12.5) }} and {{ "%s owes %d" | format(client.first_name, 3) }}',
    "{{ client.first_name * 3 }} {{ '-' * 20 }} {{ 2 ** 10 }} {{ 7 % 3 }} {{ 'a' + 'b' }}",
    "{% for label, value in client.facts.items() %}- {{ label }}: {{ value }}\n{% endfor %}",
    "{{ client.facts.values() | join(', ') }} {{ client.greeting_name ~ '!' }}",
    "{{ client.greeting_name | replace('Mrs', 'Ms') | upper }} {{ 'a long text' | truncate(9) }}",
    "{{ '{} is {:>8}'.format(client.first_name, 'here') }} {{ client.first_name.center(14) }}",
    "{% set sig %}{{ client.first_name }} & co{% endset %}{{ sig }} {{ sig | wordcount }}",
    "{% for c in client.first_name %}{{ loop.index }}{{ c }}{% if not loop.last %},{% endif %}"
    "{% endfor %}",
    "{% if client.first_name == 'Margaret' and 'Dog' in client.facts %}yes{% endif %} "
    "{{ 1 < 2 < 3 }} {{ 3 > 2 > 5 }} {{ 'x' not in 'abc' }} {{ [1, 2] != [1, client] }}",
    "{% for k, v in [(client.first_name, 1), ('b', 2)] %}{{ k }}={{ v }};{% endfor %} "
    "{{ {'a': client.first_name, 'b': 2}['a'] }} {{ [client.first_name, 'x'] | join('/') }}",
    "{% for c in client.first_name %}{% if loop.changed(c) %}{{ c }}{% endif %}{% endfor %} "
    "{{ ' x-' | trim }}{{ '-x-' | trim('-') }}{{ '..x'.lstrip('.') }} "
    "{{ 2.345 | round(2) }} {{ 1234 | round(-2) }} {{ 2.5 | round(0, 'floor') }} "
    "{{ client.first_name is eq 'Margaret' }} {{ 'a' is in ['a'] }} {{ 10 - 3 }} "
    "{{ [1, 2] + [client.first_name] }} {{ (client.facts.keys() - ['Cat']) | length }}",
]


@pytest.mark.parametrize("source", _builtin_bodies() + EVERYDAY)
def test_everyday_templates_fill_in_as_before(source: str) -> None:
    from crmdesk.services import letters
    from tests.letters_helpers import SHOP

    context = {"client": letters.sample_client_fields(SHOP, "GB"), "shop": SHOP.fields(),
               "today": "1 May 2026"}  # fmt: skip
    assert templating.render(source, context) == _plain_render(source, context)


def test_a_template_too_deep_to_read_is_a_problem_not_a_crash() -> None:
    nested = "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}"
    assert "too deep" in str(templating.check(nested)[0])
    endless = "{% for a in [[1]] recursive %}{{ loop([[1]]) }}{% endfor %}"
    with pytest.raises(templating.TemplateLimitError, match="too deep"):
        templating.render(endless, CLIENT)
