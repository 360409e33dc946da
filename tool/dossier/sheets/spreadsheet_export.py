"""`dossier export customers|items`: the archive as the department's sheets, through the same
mapping import reads, so that an exported sheet imports without changing anything.

xlsx: a title row above the header (unless the mapping fixes the header on row 1), the
header frozen, filters on, widths that count CJK characters as two, amounts as numbers with
two decimals, dates as real dates, drop-down lists for columns with fixed values. csv:
UTF-8 with a byte-order mark, amounts and dates as text (12000.00, 2025-03-14).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable

from ..access.rights import Reader
from ..archive.catalogue import Filters, entries
from ..archive.config import Archive
from ..archive.fsutil import atomic_write_bytes
from ..archive.loader import Document
from ..archive.problems import Problem
from ..archive.progress import track
from .sheet_cells import display_width
from ..archive.schema_errors import field_path
from .sheet_cells import escape, protect_workbook
from .spreadsheet import BOM, Column, Mapping, People, column_letter, export_value, get_path
from ..archive.catalogue import load_cards

AMOUNT_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
MIN_WIDTH, MAX_WIDTH = 6, 40


@dataclass
class Table:
    """What export writes: stored values per row and column (None: empty), the files that
    could not be read (named, never silently left out), and how many cards or items were left
    out because the reader may not read them."""

    mapping: Mapping
    title: str
    rows: list[list[object]] = field(default_factory=list)
    failures: list[Problem] = field(default_factory=list)
    hidden: int = 0


def customers_table(archive: Archive, mapping: Mapping, reader: Reader | None = None,
                    reveal: Callable[[dict], dict] = lambda data: data) -> Table:
    """One row per customer card, in the order of their ids (with a `reader`, the cards that person may read)."""
    cards, failures = load_cards(archive.root)
    shown, hidden = reader.visible_cards(sorted(cards)) if reader is not None else (sorted(cards), 0)
    table = Table(mapping, _title(archive, mapping), failures=failures, hidden=hidden)
    for card_id in track(shown, len(shown), "progress-export"):
        data = reveal(cards[card_id].data) if isinstance(cards[card_id].data, dict) else {}
        paths = [column.path for column in mapping.sheet_columns]
        _add_rows(table, cards[card_id], [([get_path(data, path) for path in paths], paths)])
    return table


def _add_rows(table: Table, doc: Document, rows: list[tuple[list, list[tuple]]]) -> None:
    """A file's rows (values with the path each came from), or, if one of them would put a mapping
    or a list into a cell (a file validate reports too), none of them and the file among the
    failures, named at that value."""
    for values, paths in rows:
        for value, path in zip(values, paths):
            if isinstance(value, (dict, list)):
                table.failures.append(Problem(doc.file, *doc.position(path), "export", "export-not-a-value",
                                              {"field": field_path(path)}))
                return
    table.rows += [values for values, _ in rows]


def items_table(archive: Archive, schemas, mapping: Mapping, reader: Reader | None = None,
                reveal: Callable[[dict], dict] = lambda data: data) -> Table:
    """One row per line of every item of the mapping's type, in catalogue order (with a `reader`,
    of the items that person may read)."""
    category = str(schemas.dispatch.category_of[mapping.item_type])
    found, failures = entries(archive.root, Filters(category=category, type=mapping.item_type))
    found, hidden = reader.visible(found) if reader is not None else (found, 0)
    cards, _ = load_cards(archive.root)
    table = Table(mapping, _title(archive, mapping), failures=[f.problem for f in failures], hidden=hidden)
    for entry in track(found, len(found), "progress-export"):
        data = reveal(entry.data)  # confidential values decrypted, or shown as 已加密 / encrypted
        content = data.get("content") if isinstance(data.get("content"), dict) else {}
        lines = content.get(mapping.lines) if isinstance(content.get(mapping.lines), list) else []
        customer = data.get("customer")
        card: Document | None = cards.get(customer) if isinstance(customer, str) else None
        name = card.data.get("name") if card is not None and isinstance(card.data, dict) else None
        rows = []
        for number, line in enumerate(lines):
            line = line if isinstance(line, dict) else {}
            row, paths = [], []
            for column in mapping.sheet_columns:
                head = column.path[0]
                if column.field == "code":
                    row.append(str(entry.code))
                    paths.append(("code",))
                elif column.field in ("customer", "customer_name"):
                    row.append(customer if column.field == "customer" else name)
                    paths.append(("customer",))
                elif head == "line":
                    row.append(line.get(column.path[1]))
                    paths.append(("content", mapping.lines, number, column.path[1]))
                else:  # content.X: the item's value, on each of its lines
                    row.append(content.get(column.path[1]))
                    paths.append(("content", column.path[1]))
            rows.append((row, paths))
        _add_rows(table, entry.doc, rows)
    return table


def _title(archive: Archive, mapping: Mapping) -> str:
    organisation = archive.settings.data.get("organisation", "")
    return f"{organisation} {mapping.sheet}".strip()


# --- writers ----------------------------------------------------------------------------------


def csv_bytes(table: Table, people: People) -> bytes:
    """The header on the first line (on the mapping's header_row, below the title, when it
    fixes one), then the rows; UTF-8 with a byte-order mark for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for number in range(1, table.mapping.header_row or 1):
        writer.writerow([escape(table.title)] if number == 1 else [])
    writer.writerow([escape(column.header) for column in table.mapping.sheet_columns])
    for row in table.rows:
        cells = [export_value(column, value, people, for_csv=True) for column, value in zip(table.mapping.sheet_columns, row)]
        writer.writerow(["" if cell is None else _csv_text(cell) for cell in cells])
    return (BOM + buffer.getvalue()).encode("utf-8")


def _csv_text(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return escape(str(value))  # a text that a spreadsheet would run as a formula gets its apostrophe


def xlsx_bytes(table: Table, people: People) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    mapping = table.mapping
    columns = mapping.sheet_columns
    workbook = Workbook()
    workbook.properties.title = table.title
    workbook.properties.creator = "dossier"
    sheet = workbook.active
    sheet.title = mapping.sheet
    header_row = mapping.header_row or 2
    if header_row > 1:  # the title row, as the department's own sheets have one
        sheet.cell(row=1, column=1, value=table.title).font = Font(bold=True, size=14)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
        sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
        sheet.row_dimensions[1].height = 24
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=header_row, column=index, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
    shown: list[list[str]] = [[column.header] for column in columns]
    formats = [_number_format(column) for column in columns]
    for offset, row in enumerate(table.rows, start=1):
        number = header_row + offset
        for index, (column, value) in enumerate(zip(columns, row), start=1):
            out = export_value(column, value, people, for_csv=False)
            if out is None:
                continue
            cell = sheet.cell(row=number, column=index, value=out)
            if isinstance(out, (Decimal, int, float)) and not isinstance(out, bool) and column.type == "amount":
                cell.number_format = AMOUNT_FORMAT
            elif isinstance(out, dt.date):
                cell.number_format = DATE_FORMAT
            elif formats[index - 1] == TEXT_FORMAT and isinstance(out, str):
                cell.number_format = TEXT_FORMAT  # typed digits (phones, ids) stay text
            shown[index - 1].append(_shown(out))
    last_row = header_row + max(len(table.rows), 1)
    last_column = column_letter(len(columns))
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{last_row}"
    for index, texts in enumerate(shown, start=1):
        widest = max(display_width(text) for text in texts)
        sheet.column_dimensions[column_letter(index)].width = min(max(widest, MIN_WIDTH), MAX_WIDTH) + 2
    for index, column in enumerate(columns, start=1):
        options = _options(column, people)
        if not options:
            continue
        listing = ",".join(options)
        if len(listing) > 250 or any("," in o or '"' in o for o in options):
            continue  # Excel's in-cell lists hold at most 255 characters
        validation = DataValidation(type="list", formula1=f'"{listing}"', allow_blank=True, showErrorMessage=False)
        letter = column_letter(index)
        validation.add(f"{letter}{header_row + 1}:{letter}{max(last_row, header_row + 1000)}")
        sheet.add_data_validation(validation)
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    protect_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _number_format(column: Column) -> str | None:
    if column.type == "amount":
        return AMOUNT_FORMAT
    if column.type == "date":
        return DATE_FORMAT
    if column.type == "text" and not column.values:
        return TEXT_FORMAT
    return None


def _options(column: Column, people: People) -> list[str]:
    """The texts a drop-down list offers: the mapping's values (booleans: 是/否)."""
    if column.values or column.type == "boolean":
        return [str(option) for option in column.options]
    return []


def _shown(value: object) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return "0000-00-00"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


def write_table(table: Table, people: People, path: Path, fmt: str) -> Path:
    """The sheet as `fmt` at `path` (the folder made if missing), written atomically."""
    data = xlsx_bytes(table, people) if fmt == "xlsx" else csv_bytes(table, people)
    atomic_write_bytes(path, data)
    return path
