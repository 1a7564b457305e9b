"""The user guide (Help ▸ User guide): the README's sections for the people who use crmdesk,
shipped as resources/guide.md so that an installed crmdesk has it without its source tree.

`python -m crmdesk.guide` writes it again from README.md; a test fails while the two differ.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from crmdesk import paths

# The README's top-level sections that are the guide (with everything under them), in order;
# the others (Two commands, Performance, Development, Known limits) are for developers.
USER_SECTIONS = ("What you can do", "Command line", "Where your data is")
_IMAGE = re.compile(r"^!\[[^\]]*\]\([^)]*\)\s*$")
_CODE = re.compile(r"(`+)(.+?)\1")  # a code span (`…`), where "<" is shown as typed


def _angles_as_typed(line: str) -> str:
    """`line` with each "<" outside code spans written "&lt;": the README means "<file>" or
    "Jane <jane@example.org>" as text, but the help window's Markdown takes a "<" before a
    letter for HTML, which swallowed every section after it."""
    out, at = [], 0
    for code in _CODE.finditer(line):
        out += [line[at : code.start()].replace("<", "&lt;"), code.group(0)]
        at = code.end()
    return "".join([*out, line[at:].replace("<", "&lt;")])


def _outside_fences(lines: list[str]) -> list[str]:
    """The lines, "<" shown as typed in each outside a fenced code block (```)."""
    out, fenced = [], False
    for line in lines:
        if line.lstrip().startswith("```"):
            fenced = not fenced
        out.append(line if fenced or line.lstrip().startswith("```") else _angles_as_typed(line))
    return out


def guide_file() -> Path:
    return paths.resources_dir() / "guide.md"


def readme_file() -> Path:
    return paths.resources_dir().parent / "README.md"


def user_guide(readme: str) -> str:
    """The guide made from the README's text: its opening paragraphs and USER_SECTIONS,
    without the pictures (docs/ is not shipped)."""
    parts: list[list[str]] = [[]]  # the opening, then one list of lines per "## " section
    for line in readme.splitlines():
        if line.startswith("## "):
            parts.append([])
        parts[-1].append(line)
    opening = [ln for ln in parts[0] if not _IMAGE.match(ln)]
    sections = {part[0][3:].strip(): part for part in parts[1:]}
    missing = [name for name in USER_SECTIONS if name not in sections]
    if missing:
        raise ValueError(f"README.md has no section {missing[0]!r} (crmdesk/guide.py)")
    kept = [opening[0].replace("# crmdesk", "# crmdesk user guide", 1), *opening[1:]]
    for name in USER_SECTIONS:
        kept += [ln for ln in sections[name] if not _IMAGE.match(ln)]
    text = "\n".join(_outside_fences(kept))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def read_guide() -> str:
    """The shipped guide's Markdown ("" if it is missing: the window says so)."""
    try:
        return guide_file().read_text(encoding="utf-8")
    except OSError:
        return ""


def main() -> int:
    guide_file().write_text(user_guide(readme_file().read_text(encoding="utf-8")), "utf-8")
    print(f"wrote {guide_file()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
