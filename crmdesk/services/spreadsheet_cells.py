"""A spreadsheet runs a cell that starts with = + - @ (or a TAB or CR before one) as a
formula: a name like "=HYPERLINK(…)" typed into a client's record must not become one when
the shop opens an export in Excel. The export writes such a cell with a leading apostrophe,
which spreadsheets show as text and hide; reading a CSV back takes exactly that apostrophe
off again, so a crmdesk export imports as it was."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: str) -> str:
    """`cell` as a spreadsheet will show it and never run it."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def restored(cell: str) -> str:
    """The cell `neutralised` wrote, as it was ("'+44 7911 123456" → "+44 7911 123456");
    any other cell as it is."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell
