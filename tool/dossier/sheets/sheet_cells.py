"""Spreadsheet cells are data 单元格只是数据: nothing the tool writes into an xlsx or csv file
becomes a formula, and what it wrote reads back unchanged.

A title or a customer name starting with `=`, `+`, `-` or `@` (or a tab or carriage return,
which some programs skip before looking) is a live formula when a spreadsheet program opens
the file: `=HYPERLINK("http://…", "点击")`, or a DDE call. Following the OWASP guidance on CSV
injection:

- csv: such a cell is written with a leading apostrophe `'` (and quoted by the csv module
  where it holds a separator, a quote or a line break); a cell that already starts with an
  apostrophe followed by one of those characters gets one more, so the escape stays
  reversible. Reading takes exactly one apostrophe off again (`unescape`).
- xlsx: every text cell is a text cell (never a formula), and one starting with those
  characters carries Excel's quote prefix, so editing it in Excel keeps it text; its value
  is the text itself.

A plain number such as `-12.50` is data for every program and stays as it is.
"""

from __future__ import annotations

import re

TRIGGERS = frozenset("=+-@\t\r")
ESCAPE = "'"
_PLAIN_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)")


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet program take this text for a formula (or strip a character first)?"""
    return text[:1] in TRIGGERS and not _PLAIN_NUMBER.fullmatch(text)


def _is_escaped(text: str) -> bool:
    return text[:1] == ESCAPE and (text[1:2] == ESCAPE or is_formula_like(text[1:]))


def escape(text: str) -> str:
    """The csv form of a text cell: an apostrophe before formula-like text, and before text that
    would otherwise read back as escaped."""
    return ESCAPE + text if is_formula_like(text) or _is_escaped(text) else text


def unescape(text: str) -> str:
    """The text a cell holds, from its csv form (the inverse of `escape`); any other text as it is."""
    return text[1:] if _is_escaped(text) else text


def protect_workbook(workbook) -> None:
    """Make every text cell of an openpyxl workbook text: openpyxl takes a string starting with
    `=` for a formula; here no cell of the tool's is one. Called just before saving."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and (cell.data_type == "f" or is_formula_like(cell.value)):
                    cell.data_type = "s"
                    cell.quotePrefix = True  # Excel's leading apostrophe: shown and edited as text


def display_width(text: str) -> int:
    """Columns `text` takes in a sheet (and on a terminal): CJK characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
