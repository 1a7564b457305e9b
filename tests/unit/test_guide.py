"""The guide shipped with crmdesk is the README's user sections, kept in step."""

from __future__ import annotations

import pytest

from crmdesk import guide


def test_the_shipped_guide_is_the_readme_user_sections() -> None:
    made = guide.user_guide(guide.readme_file().read_text(encoding="utf-8"))
    assert guide.read_guide() == made, (
        "resources/guide.md differs from README.md's user sections: "
        "run `python -m crmdesk.guide` and commit resources/guide.md"
    )


def test_the_guide_holds_the_user_sections_and_not_the_developers() -> None:
    text = guide.read_guide()
    for heading in ("## What you can do", "### The first start", "### Money and dates",
                    "### Help", "## Command line", "## Where your data is"):  # fmt: skip
        assert f"\n{heading}\n" in text, heading
    for heading in ("## Two commands", "## Performance", "## Development", "## Known limits"):
        assert heading not in text, heading
    assert "![" not in text  # (the pictures are in docs/, which is not shipped)


def test_a_readme_without_a_user_section_is_refused() -> None:
    with pytest.raises(ValueError, match="Command line"):
        guide.user_guide("# crmdesk\n\nText.\n\n## What you can do\n\n## Where your data is\n")


def test_angle_brackets_are_shown_as_typed_outside_code() -> None:
    """The help window's Markdown reads "<file>" as HTML and showed nothing after it."""
    made = guide.user_guide(
        "# crmdesk\n\nText.\n\n## What you can do\n\nSays “Imported from <file>”; pasted "
        '"Jane <jane@example.org>"; `crmdesk export -o <file>` and ``a <b> c``.\n\n'
        "```\ncrmdesk import <file>\n```\n\n## Command line\n\n## Where your data is\n"
    )
    assert "Imported from &lt;file&gt;" not in made  # (">" needs nothing)
    assert "Imported from &lt;file>" in made and "Jane &lt;jane@example.org>" in made
    assert "`crmdesk export -o <file>`" in made and "``a <b> c``" in made
    assert "```\ncrmdesk import <file>\n```" in made
