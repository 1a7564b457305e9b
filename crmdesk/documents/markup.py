"""Letter text (CommonMark: paragraphs, **bold**, *italic*, lists) to ReportLab flowables,
and to plain text for the client's history. A single line break is kept as a line break,
as in a letter ("Warm regards,⏎Anna")."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape as xml_escape

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Flowable


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # No raw HTML, no images: what is typed is what prints.
    return MarkdownIt("commonmark", {"html": False, "breaks": True}).disable("image")


def _tree(text: str) -> SyntaxTreeNode:
    from markdown_it.tree import SyntaxTreeNode

    return SyntaxTreeNode(_parser().parse(text))


def to_flowables(text: str, body: ParagraphStyle, heading: ParagraphStyle) -> list[Flowable]:
    return [f for node in _tree(text).children for f in _block(node, body, heading)]


def _block(node: SyntaxTreeNode, body: ParagraphStyle, heading: ParagraphStyle) -> list[Any]:
    from reportlab.platypus import ListFlowable, ListItem, Paragraph

    kind = node.type
    if kind == "paragraph":
        return [Paragraph(_inline(node.children[0]), body)]
    if kind == "heading":
        return [Paragraph(_inline(node.children[0]), heading)]
    if kind in ("bullet_list", "ordered_list"):
        items = [
            ListItem([f for child in item.children for f in _block(child, body, heading)])
            for item in node.children
        ]
        bullet = {"bulletFontName": body.fontName, "bulletFontSize": body.fontSize}
        if kind == "bullet_list":
            return [ListFlowable(items, bulletType="bullet", start="•", leftIndent=14, **bullet)]
        start = int(str(node.attrs.get("start", 1)))
        return [ListFlowable(items, bulletType="1", start=start, leftIndent=18, **bullet)]
    if kind == "blockquote":
        from reportlab.platypus import Indenter

        inner = [f for child in node.children for f in _block(child, body, heading)]
        return [Indenter(left=18), *inner, Indenter(left=-18)]
    if kind in ("code_block", "fence"):
        return [Paragraph(xml_escape(node.content).replace("\n", "<br/>"), body)]
    if kind == "hr":
        from reportlab.platypus import HRFlowable

        return [HRFlowable(width="100%", thickness=0.5, spaceBefore=4, spaceAfter=8)]
    return []


def _inline(node: SyntaxTreeNode) -> str:
    """ReportLab paragraph markup for an inline node (text escaped for its XML)."""
    out: list[str] = []
    for child in node.children:
        kind = child.type
        if kind == "text":
            out.append(xml_escape(child.content))
        elif kind in ("softbreak", "hardbreak"):
            out.append("<br/>")
        elif kind == "strong":
            out.append(f"<b>{_inline(child)}</b>")
        elif kind == "em":
            out.append(f"<i>{_inline(child)}</i>")
        elif kind == "code_inline":
            out.append(xml_escape(child.content))
        else:  # links print as their text
            out.append(_inline(child))
    return "".join(out)


def to_plain(text: str) -> str:
    """The letter as plain text (for the history entry): markup and escapes resolved."""
    blocks = [_plain_block(node, "") for node in _tree(text).children]
    return "\n\n".join(b for b in blocks if b)


def _plain_block(node: SyntaxTreeNode, indent: str) -> str:
    kind = node.type
    if kind in ("paragraph", "heading"):
        return indent + _plain_inline(node.children[0]).replace("\n", "\n" + indent)
    if kind in ("bullet_list", "ordered_list"):
        lines = []
        start = int(str(node.attrs.get("start", 1)))
        for n, item in enumerate(node.children, start):
            mark = "• " if kind == "bullet_list" else f"{n}. "
            body = "\n".join(_plain_block(c, "") for c in item.children)
            lines.append(indent + mark + body.replace("\n", "\n" + indent + "  "))
        return "\n".join(lines)
    if kind == "blockquote":
        return "\n".join(_plain_block(c, indent + "  ") for c in node.children)
    if kind in ("code_block", "fence"):
        return node.content.rstrip("\n")
    return ""


def _plain_inline(node: SyntaxTreeNode) -> str:
    out = []
    for child in node.children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        else:
            out.append(_plain_inline(child))
    return "".join(out)
