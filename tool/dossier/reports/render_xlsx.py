"""Reports as xlsx (openpyxl): a first sheet with the title, period and how the figures are
computed, then one sheet per table: a bold header row, frozen, with filters; amounts as
numbers with two decimals (the currency in its own column), ratios as percentages, dates as
dates, widths fitted to the content. openpyxl is imported only here."""

from __future__ import annotations

import io
import re
import unicodedata
from decimal import Decimal

from ..sheets.sheet_cells import protect_workbook
from .labels import label
from .model import AMOUNT, DATE, INT, RATIO, Document

AMOUNT_FORMAT = "#,##0.00;[Red]-#,##0.00"
RATIO_FORMAT = "0.00%"
DATE_FORMAT = "yyyy-mm-dd"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sheet_name(wanted: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", wanted).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def render_xlsx(doc: Document) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    cover = book.active
    taken: set[str] = set()
    cover.title = _sheet_name(doc.title, taken)
    cover["A1"] = f"{doc.organisation} {doc.title}".strip()
    cover["A1"].font = Font(bold=True, size=14)
    row = 3
    for name, value in doc.meta:
        cover.cell(row=row, column=1, value=name).font = Font(color="555555")
        cover.cell(row=row, column=2, value=value)
        row += 1
    row += 1
    cover.cell(row=row, column=1, value=label("rules", doc.lang)).font = Font(bold=True)
    for note in doc.notes:
        row += 1
        cell = cover.cell(row=row, column=1, value=note)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cover.merge_cells(start_row=row, start_column=1, end_row=row, end_column=8)
        cover.row_dimensions[row].height = 15 * (1 + _width(note) // 150)
    cover.column_dimensions["A"].width = 18
    cover.column_dimensions["B"].width = 60

    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE7F1")
    total_fill = PatternFill("solid", fgColor="F2F2F2")
    thin = Side(style="thin", color="8EA9C1")
    for table in doc.tables():
        sheet = book.create_sheet(_sheet_name(table.sheet, taken))
        widths = []
        for col, column in enumerate(table.columns, start=1):
            cell = sheet.cell(row=1, column=col, value=column.label)
            cell.font, cell.fill = header_font, header_fill
            cell.border = Border(bottom=thin)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            widths.append(_width(column.label))
        for r, values in enumerate([*table.rows, *table.totals], start=2):
            is_total = r - 2 >= len(table.rows)
            for col, column in enumerate(table.columns, start=1):
                value = values.get(column.key)
                cell = sheet.cell(row=r, column=col, value=value)
                if column.kind == AMOUNT:
                    cell.number_format = AMOUNT_FORMAT
                    shown = f"{value:,.2f}" if isinstance(value, Decimal) else ""
                elif column.kind == RATIO:
                    cell.number_format = RATIO_FORMAT
                    shown = "100.00%" if value is not None else ""
                elif column.kind == DATE:
                    cell.number_format = DATE_FORMAT
                    shown = "2026-01-01" if value is not None else ""
                elif column.kind == INT:
                    shown = str(value) if value is not None else ""
                else:
                    shown = "" if value is None else str(value)
                    if column.wide:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
                if is_total:
                    cell.font, cell.fill = header_font, total_fill
                widths[col - 1] = max(widths[col - 1], _width(shown))
        for col, (column, width) in enumerate(zip(table.columns, widths), start=1):
            limit = 60 if column.wide else 40
            sheet.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 8), limit)
        sheet.freeze_panes = "A2"
        if not table.rows and not table.totals and table.empty:
            sheet.cell(row=2, column=1, value=table.empty).font = Font(italic=True, color="555555")
        if table.rows:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
        sheet.row_dimensions[1].height = 30
    protect_workbook(book)  # a customer's name starting with = is a name, not a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
