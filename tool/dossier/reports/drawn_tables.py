"""The tables of a report's PDF, laid out and drawn here instead of by WeasyPrint.

WeasyPrint lays out about 1,500 table cells a second; the quarterly report of the 100,000-item
archive has 15,000 (a row per customer, a row per customer with proposed changes), which took
it 25 of the report's 28 s. Here a table is measured with the glyph widths of glyphs.py, cut
into page-sized parts and drawn as PDF operators (about 0.02 ms a cell); WeasyPrint only lays
out an empty block of each part's height (render_pdf.py), so the pages and page breaks stay
WeasyPrint's.

The look follows report.css (table.figures): 8 pt text, header row bold on blue-grey, every
other row shaded, totals bold with a rule above, amounts right-aligned, negative amounts red,
the header repeated on every page. Columns are sized as an automatic table layout does: each
column's widest content, shared out in proportion when the page is wider, and long text
wrapped (at any Chinese character, at spaces elsewhere) when it is narrower.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .glyphs import Glyphs
from .model import AMOUNT, INT, RATIO, Column, Table

MM = 72 / 25.4  # points
FONT_SIZE = 8.0  # points
PAD_X, PAD_Y, PAD_Y_HEAD = 1.2 * MM, 0.7 * MM, 1.0 * MM
WIDE_MIN = 28 * MM  # a column of long text is never narrower
TEXT, NEGATIVE = (0.067, 0.067, 0.067), (0.69, 0.0, 0.0)  # #111, #b00000
HEAD_FILL, HEAD_RULE = (0.867, 0.906, 0.945), (0.557, 0.663, 0.757)  # #dde7f1, #8ea9c1
STRIPE_FILL, TOTAL_FILL = (0.973, 0.98, 0.988), (0.949, 0.949, 0.949)  # #f8fafc, #f2f2f2
GRID, TOTAL_RULE = (0.718, 0.78, 0.839), (0.333, 0.333, 0.333)  # #b7c7d6, #555
GRID_WIDTH, TOTAL_RULE_WIDTH = 0.5, 1.0
NO_BREAK_BEFORE = "，。；：、！？）》」』】’”%,.;:!?)]}"
NO_BREAK_AFTER = "（《「『【‘“([{"


@dataclass(frozen=True)
class Cell:
    lines: tuple[str, ...]
    align: str  # left / right / center
    colour: tuple[float, float, float] = TEXT


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    height: float  # points
    bold: bool = False
    fill: tuple[float, float, float] | None = None
    total: bool = False  # a totals row: the rule above it is heavier


@dataclass(frozen=True)
class TableText:
    """A table's cells as the PDF shows them: header labels, rows and totals rows."""

    columns: list[Column]
    labels: list[str]
    body: list[list[str]]
    totals: list[list[str]]

    @classmethod
    def of(cls, table: Table) -> TableText:
        from .render_html import format_cell

        def texts(row: dict) -> list[str]:
            return [" ".join(format_cell(row.get(c.key), c.kind).split()) for c in table.columns]

        return cls(table.columns, [c.label for c in table.columns], [texts(row) for row in table.rows],
                   [texts(row) for row in table.totals])

    def characters(self) -> tuple[set[str], set[str]]:
        """The characters drawn: (regular, bold)."""
        regular = {c for cells in self.body for text in cells for c in text}
        bold = {c for text in self.labels for c in text} | {c for cells in self.totals for text in cells for c in text}
        return regular, bold

    def drawable(self, glyphs: Glyphs) -> bool:
        regular, bold = self.characters()
        return glyphs.covers("".join(regular), False) and glyphs.covers("".join(bold), True)


class TableLayout:
    """A table measured for a given width (points): column widths and rows of wrapped lines."""

    def __init__(self, text: TableText, glyphs: Glyphs, width: float):
        self.glyphs = glyphs
        self._widths: dict[tuple[str, bool], float] = {}
        self._cut: dict[tuple[str, bool], list[tuple[str, float, float]]] = {}
        self.line = (glyphs.ascent + glyphs.descent) * FONT_SIZE  # CSS line-height: normal
        self.columns = text.columns
        self.widths = self._column_widths(text.labels, text.body, text.totals, width)
        self.width = sum(self.widths)
        self.header = self._row(text.labels, bold=True, fill=HEAD_FILL, head=True)
        self.rows = [self._row(cells, fill=STRIPE_FILL if i % 2 else None) for i, cells in enumerate(text.body)]
        self.rows += [self._row(cells, bold=True, fill=TOTAL_FILL, total=True) for cells in text.totals]

    @property
    def least(self) -> float:
        """The height of the smallest part: the header and one row."""
        return self.header.height + self.rows[0].height

    def pages(self, first: float, full: float) -> list[list[Row]]:
        """The rows in parts: the first part fits in `first` points, the others in `full`;
        every part starts with the header and holds at least one row."""
        parts: list[list[Row]] = [[]]
        space = first if first >= self.least else full
        used = self.header.height
        for row in self.rows:
            if parts[-1] and used + row.height > space:
                parts.append([])
                space, used = full, self.header.height
            parts[-1].append(row)
            used += row.height
        return parts

    def height(self, part: list[Row]) -> float:
        return self.header.height + sum(row.height for row in part)

    # --- measuring ---------------------------------------------------------------------------

    def _wraps(self, column: Column) -> bool:
        return column.wide and column.kind not in (AMOUNT, RATIO, INT)

    def _column_widths(self, labels: list[str], body: list[list[str]], totals: list[list[str]],
                       width: float) -> list[float]:
        least, most = [], []
        for j, column in enumerate(self.columns):
            regular = max((self._width(cells[j], False) for cells in body), default=0.0)
            bold = max((self._width(cells[j], True) for cells in totals), default=0.0)
            label_least = max(self._width(unit.strip(), True) for unit in _units(labels[j]) or [""])
            content = max(regular, bold)
            if self._wraps(column):
                longest = max((unit[1] for cells in body for unit in self._units(cells[j], False)), default=0.0)
                least.append(max(WIDE_MIN, longest, label_least) + 2 * PAD_X)
            else:
                least.append(max(content, label_least) + 2 * PAD_X)
            most.append(max(content, self._width(labels[j], True), least[-1] - 2 * PAD_X) + 2 * PAD_X)
        return _share(least, most, width)

    def _width(self, text: str, bold: bool) -> float:
        key = (text, bold)
        if key not in self._widths:  # the same characters and words come back again and again
            self._widths[key] = self.glyphs.width(text, bold) * FONT_SIZE
        return self._widths[key]

    def _units(self, text: str, bold: bool) -> list[tuple[str, float, float]]:
        """`text` cut where lines may break: (unit, its width without and with its spaces)."""
        key = (text, bold)
        if key not in self._cut:  # a long text is measured once for the column widths and the lines
            self._cut[key] = [(unit, self._width(unit.rstrip(), bold), self._width(unit, bold)) for unit in _units(text)]
        return self._cut[key]

    def _row(self, cells: list[str], bold: bool = False, fill=None, total: bool = False, head: bool = False) -> Row:
        made = []
        for text, column, width in zip(cells, self.columns, self.widths):
            wraps = head or self._wraps(column)
            lines = self._wrap(text, width - 2 * PAD_X, bold) if wraps else (text,)
            numeric = column.kind in (AMOUNT, RATIO, INT)
            colour = NEGATIVE if numeric and text.startswith("-") else TEXT
            made.append(Cell(lines, "center" if head else "right" if numeric else "left", colour))
        pad = PAD_Y_HEAD if head else PAD_Y
        # collapsed borders: a row holds half of the rule above it and half of the one below
        rules = (TOTAL_RULE_WIDTH + GRID_WIDTH) / 2 if total else GRID_WIDTH
        height = max(len(cell.lines) for cell in made) * self.line + 2 * pad + rules
        return Row(tuple(made), height, bold, fill, total)

    def _wrap(self, text: str, width: float, bold: bool) -> tuple[str, ...]:
        lines: list[str] = []
        line, used = "", 0.0
        for unit, trimmed, full in self._units(text, bold):
            pieces = [(unit, trimmed, full)] if trimmed <= width else self._fit(unit, width, bold)
            for piece, piece_trimmed, piece_full in pieces:
                if line and used + piece_trimmed > width:
                    lines.append(line.rstrip())
                    line, used = "", 0.0
                line += piece
                used += piece_full
        return tuple(lines + [line.rstrip()])

    def _fit(self, unit: str, width: float, bold: bool) -> list[tuple[str, float, float]]:
        """A unit wider than `width` in pieces that are not, broken between characters."""
        pieces = [""]
        for c in unit:
            if pieces[-1] and self._width((pieces[-1] + c).rstrip(), bold) > width:
                pieces.append("")
            pieces[-1] += c
        return [(piece, self._width(piece.rstrip(), bold), self._width(piece, bold)) for piece in pieces]

    # --- drawing -----------------------------------------------------------------------------

    def draw(self, part: list[Row], left: float, top: float, fonts: dict[str, str]) -> str:
        """PDF operators drawing `part` (with the header) from its top-left corner (points, in
        a y-up page space); `fonts` names the sheet's fonts as the page's resources do."""
        rows = [self.header, *part]
        tops = [top]
        for row in rows:
            tops.append(tops[-1] - row.height)
        ops = [self._fills(rows, tops, left), self._rules(rows, tops, left), "BT"]
        for row, y in zip(rows, tops):
            ops.append(self._text(row, left, y, fonts))
        ops.append("ET")
        return "\n".join(ops)

    def _fills(self, rows: list[Row], tops: list[float], left: float) -> str:
        return "\n".join(f"{_rgb(row.fill)} rg {left:.2f} {y - row.height:.2f} {self.width:.2f} {row.height:.2f} re f"
                         for row, y in zip(rows, tops) if row.fill)

    def _rules(self, rows: list[Row], tops: list[float], left: float) -> str:
        edges = [left]
        for width in self.widths:
            edges.append(edges[-1] + width)
        body_top, bottom = tops[1], tops[-1]
        ops = [f"{GRID_WIDTH} w {_rgb(GRID)} RG"]
        ops += [f"{left:.2f} {y:.2f} m {edges[-1]:.2f} {y:.2f} l" for y in tops[2:]]
        ops += [f"{x:.2f} {body_top:.2f} m {x:.2f} {bottom:.2f} l" for x in edges]
        ops.append(f"S {_rgb(HEAD_RULE)} RG")
        ops += [f"{left:.2f} {y:.2f} m {edges[-1]:.2f} {y:.2f} l" for y in tops[:2]]
        ops += [f"{x:.2f} {tops[0]:.2f} m {x:.2f} {body_top:.2f} l" for x in edges]
        ops.append("S")
        totals = [f"{left:.2f} {y:.2f} m {edges[-1]:.2f} {y:.2f} l" for row, y in zip(rows, tops) if row.total]
        if totals:
            ops += [f"{TOTAL_RULE_WIDTH} w {_rgb(TOTAL_RULE)} RG", *totals, "S"]
        return "\n".join(ops)

    def _text(self, row: Row, left: float, top: float, fonts: dict[str, str]) -> str:
        ops = []
        x = left
        head = row is self.header
        pad = PAD_Y_HEAD if head else PAD_Y
        for cell, width in zip(row.cells, self.widths):
            # the header sits at the bottom of its cells, the other rows at the top
            y = top - GRID_WIDTH / 2 - pad - self.glyphs.ascent * FONT_SIZE
            if head:
                y -= (row.height - GRID_WIDTH - 2 * pad - len(cell.lines) * self.line)
            for line in cell.lines:
                if line:
                    ops.append(self._show(line, cell, x, width, y, row.bold, fonts))
                y -= self.line
            x += width
        return "\n".join(ops)

    def _show(self, line: str, cell: Cell, x: float, width: float, y: float, bold: bool,
              fonts: dict[str, str]) -> str:
        advance = self._width(line, bold)
        if cell.align == "right":
            x += width - PAD_X - advance
        elif cell.align == "center":
            x += (width - advance) / 2
        else:
            x += PAD_X
        return show(self.glyphs, line, x, y, FONT_SIZE, bold, cell.colour, fonts)


def show(glyphs: Glyphs, text: str, x: float, y: float, size: float, bold: bool,
         colour: tuple[float, float, float], fonts: dict[str, str]) -> str:
    """PDF operators (inside BT … ET) showing `text` from (x, y) on its baseline; `fonts` names
    the glyph sheet's fonts as the page's resources do."""
    runs = " ".join(f"/{fonts[font]} {size:g} Tf <{codes}> Tj" for font, codes in glyphs.runs(text, bold))
    return f"{_rgb(colour)} rg 1 0 0 1 {x:.2f} {y:.2f} Tm {runs}"


def _share(least: list[float], most: list[float], width: float) -> list[float]:
    """Column widths filling `width`: in proportion to the widest content when that fits,
    between the narrowest and the widest otherwise (CSS 2.1 automatic table layout)."""
    low, high = sum(least), sum(most)
    if high <= width:
        return [m * width / high for m in most]
    if low >= width:
        return least
    spare = (width - low) / (high - low)
    return [lo + (hi - lo) * spare for lo, hi in zip(least, most)]


_CJK = "\u2e80-\u9fff\uf900-\uffef"
# a unit: what may not be broken, with the punctuation that stays with it and the spaces after it
_UNIT = re.compile(f"[{re.escape(NO_BREAK_AFTER)}]*(?:[{_CJK}]|[^\\s{_CJK}]+)[{re.escape(NO_BREAK_BEFORE)}]*\\s*|\\s+")


def _units(text: str) -> list[str]:
    """`text` cut where a line may break: after spaces and beside Chinese characters, except
    before closing and after opening punctuation."""
    return _UNIT.findall(text)


@lru_cache(maxsize=None)  # a handful of colours, for every cell
def _rgb(colour: tuple[float, float, float]) -> str:
    return " ".join(f"{v:.3f}" for v in colour)
