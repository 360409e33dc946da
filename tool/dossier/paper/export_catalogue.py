"""The electronic catalogue 电子文件归档目录: one row per item, as xlsx and csv.

Two sets, one content (两套制): the electronic catalogue's remarks give each bound item's
paper archive number 档号 and shelf location; an item not bound yet says so, and its
remarks give the electronic storage address (its path in the repository) instead.

Data flows one way: load (catalogue.entries) → rows (build_catalogue) → write
(xlsx_bytes / csv_bytes, then write_catalogue writes the files atomically).
openpyxl is imported only by the xlsx writer.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..archive import codes
from ..git import gitrepo
from ..access.rights import Reader, named
from ..archive.catalogue import Filters, entries
from ..archive.config import CATEGORIES, open_archive
from ..archive.fsutil import atomic_write_bytes
from ..archive.loader import LoadError, load_file
from ..sheets.sheet_cells import display_width
from ..sheets.sheet_cells import escape, protect_workbook

NOT_BOUND = "未装订 / not bound yet"
HEADER = ("档号", "电子编码", "题名", "日期", "客户", "客户经理", "页数", "保管期限", "密级", "备注")
FORMATS = ("xlsx", "csv")
RETENTION_LABELS = {"Y": "永久", "D30": "30年", "D10": "10年"}
DATE_FORMAT = "yyyy-mm-dd"
BOM = "\ufeff"

# Column widths in Excel character units: at least the header, at most these (the text wraps).
MIN_WIDTH = 6
MAX_WIDTHS = {"题名": 60, "客户": 40, "备注": 56}
DEFAULT_MAX_WIDTH = 30


@dataclass(frozen=True)
class CatalogueRow:
    """One item of the catalogue, with plain typed values (no formatting)."""

    category: str  # "1"–"6" or "D", from the electronic code
    code: str  # 电子编码
    archive_number: str | None  # 档号 of the paper set, once bound
    shelf: str | None  # 存址 of the paper set, once bound
    storage: str  # electronic storage address: the item's path in the repository
    title: str
    date: dt.date | str | None  # a date, or the text as written when it is not a valid date
    customer: str  # "C0001 山西晋能集团有限公司", or "" for items without a customer
    manager: str  # name from people.yaml (the id when people.yaml does not list it)
    pages: int  # bound: the pages it takes in its volume (the manifest's); else its and its attachments' declared pages
    retention: str  # 永久 / 30年 / 10年 (the code as written when unknown)
    secrecy: str
    status: str

    @property
    def bound(self) -> bool:
        return bool(self.archive_number)

    @property
    def remarks(self) -> str:
        """备注: paper archive number and shelf when bound, else the electronic storage address."""
        if self.bound:
            return " ".join(part for part in (self.archive_number, self.shelf) if part)
        return self.storage

    def cells(self) -> list:
        """The row's values in HEADER's order."""
        return [self.archive_number or NOT_BOUND, self.code, self.title, self.date, self.customer, self.manager,
                self.pages, self.retention, self.secrecy, self.remarks]


@dataclass
class Catalogue:
    """The rows in catalogue order (category, year, section, serial), with what the title needs."""

    fonds_code: str
    fonds_name: str
    organisation: str
    category_names: dict[str, str]  # "1" → 客户基础资料, in catalogue order
    year: int | None
    category: str | None
    include_drafts: bool
    rows: list[CatalogueRow] = field(default_factory=list)
    failures: list[LoadError] = field(default_factory=list)  # item files that could not be read
    hidden: int = 0  # items left out because the reader may not read them
    reader: str = ""  # whose catalogue this is, when items were left out

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def rows_of(self, category: str) -> list[CatalogueRow]:
        return [row for row in self.rows if row.category == category]

    def scope(self, category: str | None = None) -> str:
        """What the catalogue (or its sheet of `category`) covers, e.g. "2025年度 · 第2类 合同协议"."""
        category = category or self.category
        parts = [f"{self.year}年度" if self.year is not None else "全部年度"]
        parts.append(category_label(category, self.category_names) if category else "全部类别")
        if self.include_drafts:
            parts.append("含草稿")
        if self.hidden:  # a partial catalogue says so on every sheet
            parts.append(f"仅列 {self.reader} 可查阅者，另有 {self.hidden} 件未列")
        return " · ".join(parts)

    def title(self, category: str | None = None) -> str:
        """The title row: the fonds, then the scope."""
        fonds = f"{self.fonds_name}（全宗号 {self.fonds_code}）" if self.fonds_name else f"全宗号 {self.fonds_code}"
        return f"{fonds} 电子文件归档目录 — {self.scope(category)}"

    @property
    def file_stem(self) -> str:
        """电子目录-Z001-2025-C3; the year and category parts only when the scope names them."""
        parts = ["电子目录", self.fonds_code or "archive"]
        if self.year is not None:
            parts.append(str(self.year))
        if self.category is not None:
            parts.append(f"C{self.category}")
        return "-".join(parts)


def category_label(category: str, names: dict[str, str]) -> str:
    """"第2类 合同协议"; the daily archives by name only ("日常档案")."""
    name = names.get(category, "")
    if category == "D":
        return name or "日常档案"
    return f"第{category}类 {name}".strip()


def build_catalogue(root: Path, year: int | None = None, category: str | None = None, *,
                    include_drafts: bool = False, reader: Reader | None = None) -> Catalogue:
    """Load the items the scope admits and turn each into a CatalogueRow, in catalogue order.

    Filed and bound items; drafts only with include_drafts; with a `reader`, only the items that
    person may read (the others are counted in `hidden`). Files that cannot be read are returned
    in `failures`, never silently left out.
    """
    root = Path(root)
    archive = open_archive(root)
    settings = archive.settings.data
    fonds = settings.get("fonds") if isinstance(settings.get("fonds"), dict) else {}
    names = {c: str(archive.settings.category(c).get("name", "")) for c in CATEGORIES}
    found, failures = entries(root, Filters(category=category, year=year))
    prefix = _repository_prefix(root)
    customers = _CustomerNames(root)
    statuses = ("filed", "bound", "draft") if include_drafts else ("filed", "bound")
    listed = [entry for entry in found if entry.data.get("status") in statuses]
    listed, hidden = reader.visible(listed) if reader is not None else (listed, 0)
    printed = bound_pages(root)
    rows = [_row(entry.code, entry.data, prefix, customers, archive.people, printed) for entry in listed]
    return Catalogue(
        fonds_code=str(fonds.get("code", "")),
        fonds_name=str(fonds.get("name", "")),
        organisation=str(settings.get("organisation", "")),
        category_names=names,
        year=year,
        category=category,
        include_drafts=include_drafts,
        rows=rows,
        failures=failures,
        hidden=hidden,
        reader=named(reader.person) if hidden else "",
    )


def bound_pages(root: Path) -> dict[str, int]:
    """Electronic code → the pages a bound item takes in its volume, from the manifests: the one
    count the volume prints, its contents and cover show and check-paper reads back."""
    from ..regulation.fixity import manifests

    try:
        found = manifests(root)
    except LoadError:
        return {}  # validate reports the manifest; the declared pages stand meanwhile
    pages = {}
    for manifest in found:
        for item in manifest.data.get("items") or []:
            first, last = (item.get("first_page"), item.get("last_page")) if isinstance(item, dict) else (None, None)
            if isinstance(first, int) and isinstance(last, int) and last >= first:
                pages[str(item.get("code"))] = last - first + 1
    return pages


def _row(code: codes.Code, data: dict, prefix: str, customers: "_CustomerNames", people: dict,
         printed: dict[str, int]) -> CatalogueRow:
    paper = data.get("paper") if isinstance(data.get("paper"), dict) else {}
    manager_id = data.get("manager")
    person = people.get(manager_id) if isinstance(manager_id, str) else None
    retention = data.get("retention")
    return CatalogueRow(
        category=code.category,
        code=str(code),
        archive_number=_text(paper.get("archive_number")) or None,
        shelf=_text(paper.get("shelf")) or None,
        storage=prefix + code.path,
        title=_text(data.get("title")),
        date=_date(data.get("date")),
        customer=customers.label(data.get("customer")),
        manager=person.name if person else _text(manager_id),
        pages=printed.get(str(code)) if paper.get("archive_number") and str(code) in printed else declared_pages(data),
        retention=RETENTION_LABELS.get(retention, _text(retention)) if isinstance(retention, str) else _text(retention),
        secrecy=_text(data.get("secrecy")),
        status=_text(data.get("status")),
    )


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _date(value: object) -> dt.date | str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else _text(value)
    except ValueError:
        return value  # shown as written; validate reports it


def declared_pages(data: dict) -> int:
    """The pages an item says it has: its `pages` plus its attachments' `pages`."""
    def count(value: object) -> int:
        return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0

    attachments = data.get("attachments") if isinstance(data.get("attachments"), list) else []
    return count(data.get("pages")) + sum(count(a.get("pages")) for a in attachments if isinstance(a, dict))


def _repository_prefix(root: Path) -> str:
    """Where the archive sits inside its git repository ("archive/"), "" at the top or outside git."""
    try:
        result = gitrepo.run(["rev-parse", "--show-prefix"], root, check=False)
    except FileNotFoundError:  # git itself is not installed
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


class _CustomerNames:
    """Customer cards, each read once: "C0001 山西晋能集团有限公司"."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.names: dict[str, str] = {}

    def label(self, customer: object) -> str:
        if not isinstance(customer, str) or not customer:
            return ""
        if customer not in self.names:
            self.names[customer] = self._read(customer)
        name = self.names[customer]
        return f"{customer} {name}" if name else customer

    def _read(self, customer: str) -> str:
        path = self.root / "customers" / f"{customer}.yaml"
        if "/" in customer or "\\" in customer or not path.is_file():
            return ""
        try:
            data = load_file(path, f"customers/{customer}.yaml").data
        except LoadError:
            return ""  # validate reports the card; the catalogue still names the id
        return _text(data.get("name")) if isinstance(data, dict) else ""


# --- writers ----------------------------------------------------------------------------------


def csv_bytes(catalogue: Catalogue) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in catalogue.rows:
        writer.writerow([_csv_text(value) for value in row.cells()])
    return (BOM + buffer.getvalue()).encode("utf-8")


def _csv_text(value: object) -> object:
    """A title starting with = stays text in every spreadsheet program (sheet_cells)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return escape(value) if isinstance(value, str) else value


def xlsx_bytes(catalogue: Catalogue) -> bytes:
    """A workbook: with a category chosen, one sheet; otherwise an index sheet 目录索引 and
    one sheet per category that has items. Every sheet has a title row naming the fonds and
    the scope, the header frozen below it and the auto-filter on."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.properties.title = catalogue.title()
    workbook.properties.creator = "dossier"
    first = workbook.active
    if catalogue.category is not None:
        first.title = sheet_name(catalogue.category, catalogue.category_names)
        _fill_sheet(first, catalogue.rows, catalogue.title())
    else:
        first.title = INDEX_SHEET
        for category in catalogue.category_names:
            rows = catalogue.rows_of(category)
            if not rows:
                continue
            sheet = workbook.create_sheet(sheet_name(category, catalogue.category_names))
            _fill_sheet(sheet, rows, catalogue.title(category))
        _fill_index(first, catalogue)
    protect_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


INDEX_SHEET = "目录索引"
INDEX_HEADER = ("类别", "类目名称", "件数", "已装订", "未装订", "页数", "工作表")


def sheet_name(category: str, names: dict[str, str]) -> str:
    """"2 合同协议": at most 31 characters, none of the characters Excel refuses."""
    name = f"{category} {names.get(category, '')}".strip()
    for bad in '[]:*?/\\':
        name = name.replace(bad, " ")
    return name[:31]


def _fill_sheet(sheet, rows: list[CatalogueRow], title: str) -> None:
    from openpyxl.styles import Alignment, Font

    _title_row(sheet, title, len(HEADER))
    sheet.append(list(HEADER))
    for row in rows:
        sheet.append(row.cells())
    last = sheet.max_row
    date_column = HEADER.index("日期") + 1
    pages_column = HEADER.index("页数") + 1
    for (cell,) in sheet.iter_rows(min_row=3, min_col=date_column, max_col=date_column):
        if isinstance(cell.value, (dt.date, dt.datetime)):
            cell.number_format = DATE_FORMAT
    for (cell,) in sheet.iter_rows(min_row=3, min_col=pages_column, max_col=pages_column):
        cell.number_format = "0"
    wrap = Alignment(vertical="top", wrap_text=True)
    for column in ("题名", "客户", "备注"):
        index = HEADER.index(column) + 1
        for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
            cell.alignment = wrap
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{_column_letter(len(HEADER))}{max(last, 2)}"
    _set_widths(sheet, HEADER, [row.cells() for row in rows])
    _print_setup(sheet)


def _fill_index(sheet, catalogue: Catalogue) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    _title_row(sheet, catalogue.title(), len(INDEX_HEADER))
    sheet.append(list(INDEX_HEADER))
    table = []
    for category, name in catalogue.category_names.items():
        rows = catalogue.rows_of(category)
        bound = sum(row.bound for row in rows)
        target = sheet_name(category, catalogue.category_names) if rows else ""
        values = [category, name, len(rows), bound, len(rows) - bound, sum(row.pages for row in rows), target]
        sheet.append(values)
        table.append(values)
        if target:
            link = sheet.cell(row=sheet.max_row, column=len(INDEX_HEADER))
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{target}'!A1")  # within the workbook
            link.style = "Hyperlink"
    total = ["合计", "", len(catalogue.rows), sum(r.bound for r in catalogue.rows),
             sum(not r.bound for r in catalogue.rows), sum(r.pages for r in catalogue.rows), ""]
    sheet.append(total)
    table.append(total)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{_column_letter(len(INDEX_HEADER))}{sheet.max_row - 1}"
    _set_widths(sheet, INDEX_HEADER, table)
    _print_setup(sheet)


def _title_row(sheet, title: str, columns: int) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    cell = sheet.cell(row=1, column=1)
    cell.font = Font(bold=True, size=14)
    cell.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 24


def _set_widths(sheet, header, rows: list[list]) -> None:
    """Column widths from the widest value, counting CJK (wide) characters as two."""
    for index, name in enumerate(header):
        widest = max([display_width(str(name))] + [display_width(_shown(row[index])) for row in rows])
        limit = MAX_WIDTHS.get(name, DEFAULT_MAX_WIDTH)
        sheet.column_dimensions[_column_letter(index + 1)].width = min(max(widest, MIN_WIDTH), limit) + 2


def _shown(value: object) -> str:
    """The text a cell shows (a date as yyyy-mm-dd)."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return "0000-00-00"
    return str(value)


def _print_setup(sheet) -> None:
    """A4 landscape, one page wide, the title and header repeated on every printed page."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:2"


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


# --- files ------------------------------------------------------------------------------------


def write_catalogue(catalogue: Catalogue, paths: list[Path]) -> list[Path]:
    """Write the catalogue to each of `paths`, as its extension says (xlsx, csv), atomically;
    returns the files written."""
    writers = {".xlsx": xlsx_bytes, ".csv": csv_bytes}
    for path in paths:
        atomic_write_bytes(path, writers[path.suffix.lower()](catalogue))
    return paths
