"""Letter text (CommonMark: paragraphs, **bold**, *italic*, lists) to ReportLab flowables,
and to plain text for the client's history. A single line break is kept as a line break,
as in a letter ("Warm regards,⏎Anna").

ReportLab lays out a paragraph that runs onto the next page by wrapping all the rest of
it again, page after page: a paragraph of 3,000 lines takes seconds. So a long paragraph is
laid out as pieces of at most `PIECE_LINES` lines (or `PIECE_CHARS` characters), cut at
its line breaks, with no space between them: the page looks the same.

A batch of letters repeats most paragraphs word for word, so the text is parsed a block
(blank-line separated) at a time and each block's result is remembered: 1,000 letters
parse the shared paragraphs once. Splitting at blank lines keeps a letter's meaning: a
list interrupted by a blank line continues its numbering (CommonMark keeps the start).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape as xml_escape

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Flowable

# A block is one of:
#   ("p", markup, plain) / ("h", markup, plain) / ("code", markup, plain)
#   ("list", ordered, start, items)   items: tuple of tuples of blocks
#   ("quote", blocks) / ("hr",)
Block = tuple[Any, ...]

_BLANK_LINES = re.compile(r"\n[ \t]*\n")
_BREAK = "<br/>"
_TAG = re.compile(r"<(/?)([bi])>")
PIECE_LINES = 40  # about a page
PIECE_CHARS = 5_000


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # No raw HTML, no images: what is typed is what prints.
    return MarkdownIt("commonmark", {"html": False, "breaks": True}).disable("image")


def blocks(text: str) -> list[Block]:
    return [b for chunk in _BLANK_LINES.split(text) if chunk.strip() for b in _chunk(chunk)]


# A chunk of plain words (no character CommonMark gives a meaning to unless escaped, as
# templates escape what they put in, and no line that could start a list, heading, quote or
# code block) is one paragraph of its lines, as the parser reads it; so is one line in bold
# (a referral code). Most of a letter's personal lines are such ("Dear Mrs Petrova,"), and are
# read without the parser (a tenth of the letters' text work in B8).
# tests/unit/documents/test_markup.py holds the two to the same result.
_ESCAPED = r"\\[!-/:-@\[-`{-~]"  # a backslash before ASCII punctuation: that character
_WORD_CHAR = rf"(?:[^\n\t\r\v\f`~*_\[\]<>&!\\|]|{_ESCAPED})"
_FIRST_CHAR = rf"(?:[^\s\d+=>#`~*_\[\]<&!\\|-]|{_ESCAPED})"  # no list, heading, quote, code
_PLAIN_LINE = rf"[ ]{{0,3}}{_FIRST_CHAR}{_WORD_CHAR}*"
_PLAIN_CHUNK = re.compile(rf"{_PLAIN_LINE}(?:\n{_PLAIN_LINE})*\n?")
_BOLD_LINE = re.compile(rf"\*\*((?!\s){_WORD_CHAR}+(?<!\s))\*\*\n?")
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_LINE_END = re.compile(r" *\n *")
_ODD = re.compile(r"[^\S \n]|[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # other spaces, controls


@lru_cache(maxsize=2048)
def _chunk(chunk: str) -> tuple[Block, ...]:
    if _plain_words(chunk):
        text = _UNESCAPE.sub(r"\1", _LINE_END.sub("\n", chunk.strip(" \n")))
        return (("p", xml_escape(text).replace("\n", _BREAK), text),)
    bold = _BOLD_LINE.fullmatch(chunk)
    if bold and _ODD.search(bold[1]) is None:
        text = _UNESCAPE.sub(r"\1", bold[1])
        return (("p", f"<b>{xml_escape(text)}</b>", text),)
    from markdown_it.tree import SyntaxTreeNode

    return tuple(_block(node) for node in SyntaxTreeNode(_parser().parse(chunk)).children)


def _plain_words(chunk: str) -> bool:
    return _PLAIN_CHUNK.fullmatch(chunk) is not None and _ODD.search(chunk) is None


def _block(node: SyntaxTreeNode) -> Block:
    kind = node.type
    if kind in ("paragraph", "heading"):
        inline = node.children[0]
        return ("p" if kind == "paragraph" else "h", _inline(inline), _plain(inline))
    if kind in ("bullet_list", "ordered_list"):
        items = tuple(tuple(_block(child) for child in item.children) for item in node.children)
        return ("list", kind == "ordered_list", int(str(node.attrs.get("start", 1))), items)
    if kind == "blockquote":
        return ("quote", tuple(_block(child) for child in node.children))
    if kind in ("code_block", "fence"):
        text = node.content.rstrip("\n")
        return ("code", xml_escape(text).replace("\n", "<br/>"), text)
    return ("hr",)


def _inline(node: SyntaxTreeNode) -> str:
    """ReportLab paragraph markup for an inline node (text escaped for its XML)."""
    out: list[str] = []
    for child in node.children:
        kind = child.type
        if kind in ("text", "code_inline"):
            out.append(xml_escape(child.content))
        elif kind in ("softbreak", "hardbreak"):
            out.append("<br/>")
        elif kind == "strong":
            out.append(f"<b>{_inline(child)}</b>")
        elif kind == "em":
            out.append(f"<i>{_inline(child)}</i>")
        else:  # links print as their text
            out.append(_inline(child))
    return "".join(out)


def _plain(node: SyntaxTreeNode) -> str:
    out = []
    for child in node.children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        else:
            out.append(_plain(child))
    return "".join(out)


# ---------------------------------------------------------------------- to the page


def to_flowables(text: str, body: ParagraphStyle, heading: ParagraphStyle) -> list[Flowable]:
    return [f for block in blocks(text) for f in _flowables(block, body, heading, 0)]


@lru_cache(maxsize=32)
def _indented(style: ParagraphStyle, level: int) -> ParagraphStyle:
    """`style` for list items `level` deep: the text indented, the bullet hanging left."""
    from reportlab.lib.styles import ParagraphStyle

    step = style.fontSize * 1.5
    return ParagraphStyle(
        f"{style.name}-list{level}", parent=style, leftIndent=style.leftIndent + step * level,
        bulletIndent=style.leftIndent + step * (level - 1) + 2, bulletFontName=style.fontName,
        spaceAfter=style.spaceAfter / 2,
    )  # fmt: skip


def _flowables(
    block: Block, body: ParagraphStyle, heading: ParagraphStyle, level: int
) -> list[Any]:
    """Lists are paragraphs with a hanging bullet (ReportLab's bulletText): the same look
    as a ListFlowable at a fraction of the layout work."""

    kind = block[0]
    style = _indented(body, level) if level else body
    if kind in ("p", "code"):
        return _paragraphs(block[1], style)
    if kind == "h":
        return _paragraphs(block[1], heading)
    if kind == "list":
        _, ordered, start, items = block
        out: list[Any] = []
        for n, item in enumerate(items, start):
            bullet = f"{n}." if ordered else "•"
            for k, part in enumerate(item):
                if part[0] in ("p", "code") and k == 0:
                    out += _paragraphs(part[1], _indented(body, level + 1), bulletText=bullet)
                else:
                    out += _flowables(part, body, heading, level + 1)
        if not level:  # the list ends with a paragraph's space after it
            from reportlab.platypus import Spacer

            out.append(Spacer(1, body.spaceAfter / 2))
        return out
    if kind == "quote":
        from reportlab.platypus import Indenter

        inner = [f for b in block[1] for f in _flowables(b, body, heading, level)]
        return [Indenter(left=18), *inner, Indenter(left=-18)]
    from reportlab.platypus import HRFlowable

    return [HRFlowable(width="100%", thickness=0.5, spaceBefore=4, spaceAfter=8)]


def _paragraphs(markup: str, style: ParagraphStyle, bulletText: str = "") -> list[Any]:  # noqa: N803
    """One paragraph, as pieces that each take at most about a page (see the top)."""
    from crmdesk.documents.scripts import paragraph

    bullet = {"bulletText": bulletText} if bulletText else {}
    parts = pieces(markup)
    if len(parts) == 1:
        return [paragraph(markup, style, **bullet)]
    last = len(parts) - 1
    return [
        paragraph(part, _piece_style(style, n == 0, n == last), **(bullet if n == 0 else {}))
        for n, part in enumerate(parts)
    ]


def pieces(markup: str) -> list[str]:
    """`markup` cut at line breaks into pieces of at most PIECE_LINES lines or about
    PIECE_CHARS characters, each well formed (bold and italics closed and opened again)."""
    if markup.count(_BREAK) < PIECE_LINES and len(markup) <= PIECE_CHARS:
        return [markup]
    out: list[str] = []
    lines = markup.split(_BREAK)
    start, size, opened = 0, 0, ""
    open_tags: list[str] = []
    for n, line in enumerate(lines):
        size += len(line)
        for closing, tag in _TAG.findall(line):
            if closing and tag in open_tags:
                open_tags.remove(tag)
            elif not closing:
                open_tags.append(tag)
        if n == len(lines) - 1 or n + 1 - start >= PIECE_LINES or size >= PIECE_CHARS:
            closed = "".join(f"</{t}>" for t in reversed(open_tags))
            out.append(opened + _BREAK.join(lines[start : n + 1]) + closed)
            opened = "".join(f"<{t}>" for t in open_tags)
            start, size = n + 1, 0
    return out


@lru_cache(maxsize=64)
def _piece_style(style: ParagraphStyle, first: bool, last: bool) -> ParagraphStyle:
    """`style` for a piece of a paragraph: the space after only after the last piece; a
    piece after the first may start at the foot of a page, as its line would."""
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(
        f"{style.name}-piece{int(first)}{int(last)}", parent=style,
        spaceBefore=style.spaceBefore if first else 0,
        spaceAfter=style.spaceAfter if last else 0,
        allowOrphans=getattr(style, "allowOrphans", 0) if first else 1,
    )  # fmt: skip


# ---------------------------------------------------------------------- as plain text


def to_plain(text: str) -> str:
    """The letter as plain text (for the history entry): markup and escapes resolved."""
    return "\n\n".join(p for p in (_plain_block(b, "") for b in blocks(text)) if p)


def _plain_block(block: Block, indent: str) -> str:
    kind = block[0]
    if kind in ("p", "h", "code"):
        return indent + block[2].replace("\n", "\n" + indent)
    if kind == "list":
        _, ordered, start, items = block
        lines = []
        for n, item in enumerate(items, start):
            mark = f"{n}. " if ordered else "• "
            body = "\n".join(_plain_block(b, "") for b in item)
            lines.append(indent + mark + body.replace("\n", "\n" + indent + "  "))
        return "\n".join(lines)
    if kind == "quote":
        return "\n".join(_plain_block(b, indent + "  ") for b in block[1])
    return ""
