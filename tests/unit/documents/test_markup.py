"""Letter text read as CommonMark: the quick reading of plain paragraphs gives exactly what
the parser gives, for any text (what prints and what history keeps must not depend on it)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from crmdesk.documents import markup
from crmdesk.services import letters

# every character CommonMark gives a meaning to, spaces of all kinds, digits (lists) and
# letters in several scripts
ALPHABET = list("ab Z.,:;'\"()?%$@/\n\n   \t\r*_`~[]<>&!\\|#=+-0123456789") + list(
    "ÉéßΣοφίαОльгаשלוםمرحبا山田สมชายनमस्ते\u00a0\u2003\u200b\u3000\x00"
)


def _parsed(chunk: str) -> tuple[markup.Block, ...]:
    from markdown_it.tree import SyntaxTreeNode

    tree = SyntaxTreeNode(markup._parser().parse(chunk))
    return tuple(markup._block(node) for node in tree.children)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_a_plain_chunk_reads_as_the_parser_reads_it(text: str) -> None:
    for chunk in markup._BLANK_LINES.split(text):
        if chunk.strip():  # (read quickly or by the parser: the same either way)
            markup._chunk.cache_clear()
            assert markup._chunk(chunk) == _parsed(chunk), repr(chunk)


# mostly what plain lines hold, with a few characters that make a line not plain
PLAIN_ISH = (
    list("abcdefgh  ijk  lmn,.;:'\"()?%$@/\n\n\n   ")
    + list("ÉéßΣοφίαОльгашаломمرحبا山田สมชายनमस्ते")
    + list("-1#>*\u00a0\u2003\x01")
)


# what templates put in a letter is escaped (`Webber \\& Daughters`); `\\1` is no escape
ESCAPED = ["\\" + ch for ch in "-&*#\\_[.!<|`1"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PLAIN_ISH + ESCAPED), max_size=60).map("".join))
def test_plain_looking_text_reads_as_the_parser_reads_it(text: str) -> None:
    for chunk in [*markup._BLANK_LINES.split(text), f"**{text}**", f"**{text.strip()}**\n"]:
        if chunk.strip():
            markup._chunk.cache_clear()
            assert markup._chunk(chunk) == _parsed(chunk), repr(chunk)


def test_letters_read_the_same_with_and_without_the_quick_reading() -> None:
    """The shipped templates' paragraphs, with the names and places letters put in them."""
    people = ["Mrs Ζωή Παπαδοπούλου", "Mr Łukasz Wróbel", "Dr 山田 太郎", "Ms O'Brien-Smith"]
    for template in letters.builtin_templates():
        for person in people:
            text = template.body.replace("{{ client.greeting_name }}", person)
            for chunk in markup._BLANK_LINES.split(text):
                if chunk.strip():
                    markup._chunk.cache_clear()
                    assert markup._chunk(chunk) == _parsed(chunk), repr(chunk)


def test_plain_lines_keep_their_line_breaks_and_lose_the_spaces_at_their_ends() -> None:
    assert markup.blocks("  Dear Mrs Petrova,  \n   see you soon \nAnna") == [
        ("p", "Dear Mrs Petrova,<br/>see you soon<br/>Anna",
         "Dear Mrs Petrova,\nsee you soon\nAnna"),
    ]  # fmt: skip
    assert markup.blocks("**K7Q-2M9**") == [("p", "<b>K7Q-2M9</b>", "K7Q-2M9")]
    # a line that starts a list is not plain: the parser reads it
    assert markup.blocks("Dear all,\n- one\n- two")[1][0] == "list"
