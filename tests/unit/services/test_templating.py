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
