"""The xlsx reader (sheets/xlsx_reader.py: calamine in a child process) gives what openpyxl gave
(issue 18): the same sheet name and rows, cell for cell and type for type, on every xlsx the test
suite writes, on export's own sheets, on fuzzed workbooks and on workbooks written part by part
with what openpyxl never writes (shared strings, rich text, error cells, cached formula values).

The normalisation, written down (`trimmed`), each part one the import cannot see:
- rows without the empty cells at their ends, and no empty rows at the sheet's end: openpyxl pads
  rows to the width its <dimension> gives, calamine to its range's; nothing reads past a row's last
  value (find_layout, data_row);
- an empty text '' (openpyxl gives it for an empty shared string) is None: is_empty takes both;
- an integral float below 2**53 is its int (openpyxl gives 1.0 for a number written "1.0", the
  reader gives 1): cell_text, parse_amount, _number and parse_date give the same for both.
Everything else — None for an empty cell, int for a number written without a point, datetime for a
date, the text of an error cell — the reader gives as openpyxl does, type for type. The differences
that remain are pinned by the tests at the end.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import openpyxl
import pytest

from conftest import SEES_ALL, act_as, init_repo
from dossier.sheets import xlsx_reader
from dossier.archive.errors import DossierError
from dossier.sheets.spreadsheet import SheetProblems
from test_fuzz import xlsx_mutant
from test_sheet_cells import FORMULAS, HEADER, hostile_rows
from test_spreadsheet import GOOD, SALES, SALES_HEADER, write_xlsx
from xlsx_parts import write_parts

# openpyxl's note on the part-by-part workbooks' minimal styles: nothing the test compares
pytestmark = pytest.mark.filterwarnings("ignore:Workbook contains no default style")


def normal(value: object) -> object:
    if value == "":
        return None
    if type(value) is float and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def trimmed(rows: list[tuple]) -> list[tuple]:
    """The normalisation (see above)."""
    rows = [tuple(map(normal, row)) for row in rows]
    rows = [tuple(row[:max((i + 1 for i, v in enumerate(row) if v is not None), default=0)]) for row in rows]
    while rows and not rows[-1]:
        rows.pop()
    return rows


def typed(rows: list[tuple]) -> list[tuple]:
    """Cells with their types: True is not 1, 1 is not 1.0, a datetime is not a date."""
    return [tuple((type(v).__name__, v) for v in row) for row in rows]


def by_openpyxl(path: Path, wanted: str) -> tuple[str, list[tuple]]:
    """What read_sheet gave before issue 18."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    name = wanted if wanted in book.sheetnames else book.sheetnames[0]
    rows = list(book[name].iter_rows(values_only=True))
    book.close()
    return name, trimmed(rows)


def by_calamine(path: Path, wanted: str) -> tuple[str, list[tuple]]:
    """What calamine gives, through the reader's adapter, whatever the search for its blind spots says."""
    name, rows = xlsx_reader._answer(path, *xlsx_reader._Child(path, wanted, "calamine").result())
    return name, trimmed(rows)


def assert_same(path: Path, wanted: str) -> None:
    """The reader gives openpyxl's sheet; so does calamine itself unless the reader leaves it out."""
    name, expected = by_openpyxl(path, wanted)
    got_name, got = xlsx_reader.read_xlsx(path, wanted)
    assert (got_name, typed(trimmed(got))) == (name, typed(expected))
    if not xlsx_reader._beyond_calamine(path):
        assert typed(by_calamine(path, wanted)[1]) == typed(expected)


# --- the test suite's own workbooks (openpyxl writes them) ---------------------------------------


def test_the_suites_sheets(tmp_path):
    books = [
        (write_xlsx(tmp_path / "c.xlsx", HEADER, hostile_rows()), "客户管理表"),
        (write_xlsx(tmp_path / "t.xlsx", HEADER, hostile_rows(), title="王伟 客户管理表"), "客户管理表"),
        (write_xlsx(tmp_path / "s.xlsx", SALES_HEADER, SALES, sheet="销售记录表"), "销售记录表"),
        (write_xlsx(tmp_path / "g.xlsx", ["客户编号", "客户名称"], [row[:2] for row in GOOD]), "客户管理表"),
    ]
    for path, sheet in books:
        assert not xlsx_reader._beyond_calamine(path)
        assert_same(path, sheet)


def test_what_export_writes(base_archive, run, tmp_path, monkeypatch):
    init_repo(base_archive, SEES_ALL)
    act_as(monkeypatch, SEES_ALL)
    out = tmp_path / "out"
    for what, sheet in (("customers", "客户管理表"), ("items", "销售记录表")):
        assert run("--archive", base_archive, "export", what, "--output", out).code == 0
        assert not xlsx_reader._beyond_calamine(out / f"{sheet}.xlsx")
        assert_same(out / f"{sheet}.xlsx", sheet)


def test_fuzzed_workbooks(tmp_path):
    """test_fuzz's mutations of an exported-like sheet. Cells changed through openpyxl (valid
    workbooks): the same rows, or both readers refuse. XML edited to lie about a cell's type, and
    blind damage: the reader gives rows or a message, never anything else (the two readers may
    disagree on such a file: see test_cells_lying_about_their_type)."""
    base = write_xlsx(tmp_path / "base.xlsx", HEADER, hostile_rows(), title="王伟 客户管理表").read_bytes()
    for seed in range(60):
        path = tmp_path / f"m{seed}.xlsx"
        path.write_bytes(xlsx_mutant(random.Random(seed), base))
        if random.Random(seed).choice(("cells", "cells", "cells", "xml", "blind")) != "cells":  # xlsx_mutant's draw
            try:
                xlsx_reader.read_xlsx(path, "客户管理表")
            except (DossierError, SheetProblems):
                pass
            continue
        try:
            by_openpyxl(path, "客户管理表")
        except Exception:  # noqa: BLE001 - openpyxl refuses it: so must the reader, with a message
            with pytest.raises((DossierError, SheetProblems)):
                xlsx_reader.read_xlsx(path, "客户管理表")
            continue
        assert_same(path, "客户管理表")


# --- what openpyxl never writes ------------------------------------------------------------------

SHARED = ["<t>客户编号</t>", "<t>a\nb</t>", '<t xml:space="preserve"> 前后空格 </t>',
          '<r><t xml:space="preserve">rich </t></r><r><rPr><b/></rPr><t>text</t></r>', "<t></t>", "<t>'=1+1</t>",
          '<t>=HYPERLINK("http://a","b")</t>', '<r><t>注音</t></r><rPh sb="0" eb="1"><t>ちゅうおん</t></rPh>',
          "<t>13800138000</t>", "<t>0351-4040404</t>"]
FORMATS = ["yyyy-mm-dd", "yyyy/m/d h:mm", "h:mm:ss", "[h]:mm:ss", "0.00", "@", 'yyyy"年"m"月"d"日"', "m/d/yy"]


def _cells(row: int, values: list[str]) -> str:
    """A row's cells from column B on (data starting at B3: the reader must not shift it to A1)."""
    return f'<row r="{row}">' + "".join(f'<c r="{chr(66 + n)}{row}"{v}</c>' for n, v in enumerate(values)) + "</row>"


PLAIN = _cells(3, [f' t="s"><v>{n}</v>' for n in range(len(SHARED))]) + _cells(4, [
    "><v>1</v>", "><v>1.0</v>", "><v>0.1</v>", "><v>1E+20</v>", "><v>-0</v>", "><v>-12.5</v>", "><v>13800138000</v>",
    "><v>999999999999999</v>", ' t="b"><v>1</v>', ' t="b"><v>0</v>', "><f>1+1</f><v>2</v>",
    ' t="str"><f>"a"&amp;"b"</f><v>ab</v>', ' t="b"><f>TRUE()</f><v>1</v>', "><f>1+1</f>",
    ' t="inlineStr"><is><t>行内</t></is>', ' t="d"><v>2025-03-14T10:30:00</v>', ' t="s" s="11"><v>6</v>']) + _cells(5, [
    f' s="{n}"><v>{v}</v>' for n, v in enumerate(["45730", "45730.5", "0.75", "1.25", "45730", "45730", "45730",
                                                   "45730", "45730", "45730.25"], 1)]) + _cells(6, [
    ' s="1"><v>0</v>', ' s="1"><v>60</v>', ' s="1"><v>61</v>', ' s="4"><v>0.5</v>'])


def test_shared_strings_numbers_dates_and_formulas(tmp_path):
    sheets = {"目录": '<sheetData><row r="1"><c r="A1"><v>5</v></c></row></sheetData>',
              "客户管理表": f'<dimension ref="B3:R7"/><sheetData>{PLAIN}<row r="7" hidden="1">'
                         '<c r="B7" t="s"><v>0</v></c></row></sheetData><mergeCells count="1">'
                         '<mergeCell ref="B9:D10"/></mergeCells>'}
    for macro, suffix in ((False, "xlsx"), (True, "xlsm")):
        path = write_parts(tmp_path / f"book.{suffix}", sheets, SHARED, FORMATS, macro=macro, hidden=("目录",))
        assert not xlsx_reader._beyond_calamine(path)
        assert_same(path, "客户管理表")
        assert_same(path, "目录")
    name, rows = xlsx_reader.read_xlsx(path, "客户管理表")
    assert rows[2][1:3] == ("客户编号", "a\nb") and rows[3][1:3] == (1, 1)
    assert rows[4][1] == dt.datetime(2025, 3, 14) and rows[4][3] == dt.time(18)


BEYOND = {  # each thing calamine gives otherwise than openpyxl: the reader has openpyxl read it
    "error cell": ' t="e"><v>#N/A</v>',
    "error of a formula": ' t="e"><f>1/0</f><v>#DIV/0!</v>',
    "escaped carriage return": ' t="inlineStr"><is><t>a_x000D_b</t></is>',
    "leading space unpreserved": ' t="inlineStr"><is><t> x</t></is>',
    "trailing tab unpreserved": ' t="inlineStr"><is><t>x\t</t></is>',
    "rich text run ending in a space": ' t="inlineStr"><is><r><t>a </t></r><r><t>b</t></r></is>',
    "17-digit integer": "><v>12345678901234567</v>",
}


@pytest.mark.parametrize("what", BEYOND)
def test_what_calamine_gives_otherwise_is_read_by_openpyxl(tmp_path, what):
    body = f'<sheetData>{_cells(1, [" t=" + chr(34) + "s" + chr(34) + "><v>0</v>", BEYOND[what]])}</sheetData>'
    path = write_parts(tmp_path / "b.xlsx", {"客户管理表": body}, SHARED)
    assert xlsx_reader._beyond_calamine(path)
    assert by_calamine(path, "客户管理表")[1] != by_openpyxl(path, "客户管理表")[1]  # the search is needed
    assert_same(path, "客户管理表")


def test_shared_strings_with_an_escape_are_read_by_openpyxl(tmp_path):
    body = f'<sheetData>{_cells(1, [" t=" + chr(34) + "s" + chr(34) + "><v>1</v>"])}</sheetData>'
    path = write_parts(tmp_path / "b.xlsx", {"客户管理表": body}, ["<t>x</t>", "<t>a_x000D_\nb</t>"])
    assert xlsx_reader._beyond_calamine(path)
    assert_same(path, "客户管理表")
    assert xlsx_reader.read_xlsx(path, "客户管理表")[1][0][1] == "a_x000D_\nb"  # openpyxl keeps the escape


# --- the differences that remain ------------------------------------------------------------------


def test_a_dimension_smaller_than_the_sheet_no_longer_hides_cells(tmp_path):
    """openpyxl's read-only mode trusts the sheet's <dimension>: a program that writes it too small
    loses the cells beyond it. calamine reads every cell: the import now sees them."""
    body = ('<dimension ref="A1"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
            '<row r="3"><c r="C3"><v>3</v></c></row></sheetData>')
    path = write_parts(tmp_path / "d.xlsx", {"客户管理表": body})
    assert by_openpyxl(path, "客户管理表")[1] == [(1,)]
    assert xlsx_reader.read_xlsx(path, "客户管理表")[1] == [(1,), (), (None, None, 3)]


def test_a_negative_date_is_a_time_of_day(tmp_path):
    """A date cell holding a negative number (Excel shows ####; only a program writes one) is, to
    calamine, a time of day, which the import refuses as a date (cell-date, naming the cell);
    openpyxl counted back from 1899-12-30 and the import took 1899-12-28."""
    body = '<sheetData><row r="1"><c r="A1" s="1"><v>-1.5</v></c></row></sheetData>'
    path = write_parts(tmp_path / "n.xlsx", {"客户管理表": body}, formats=["yyyy-mm-dd"])
    assert by_openpyxl(path, "客户管理表")[1] == [(dt.datetime(1899, 12, 28, 12),)]
    assert xlsx_reader.read_xlsx(path, "客户管理表")[1] == [(dt.time(12),)]


def test_formula_like_text_keeps_its_apostrophe_as_a_text(tmp_path):
    """Text cells with Excel's quote prefix (what export writes for =, +, -, @) read as the text."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "客户管理表"
    for text in FORMULAS:
        sheet.append([text])
    from dossier.sheets.sheet_cells import protect_workbook

    protect_workbook(workbook)
    workbook.save(tmp_path / "f.xlsx")
    assert_same(tmp_path / "f.xlsx", "客户管理表")
    assert [row[0] for row in xlsx_reader.read_xlsx(tmp_path / "f.xlsx", "客户管理表")[1]] == FORMULAS


def test_cells_lying_about_their_type(tmp_path):
    """XML no program writes (test_fuzz's edits): a shared-string cell holding inline text is empty
    to openpyxl and the text to calamine; a boolean cell holding 1000 is TRUE to openpyxl, and
    calamine refuses the workbook (sheet-unreadable, naming the file)."""
    inline = '<sheetData><row r="1"><c r="A1" t="s"><is><t>文本</t></is></c></row></sheetData>'
    path = write_parts(tmp_path / "s.xlsx", {"客户管理表": inline})
    assert by_openpyxl(path, "客户管理表")[1] == []
    assert xlsx_reader.read_xlsx(path, "客户管理表")[1] == [("文本",)]
    boolean = '<sheetData><row r="1"><c r="A1" t="b"><v>1000</v></c></row></sheetData>'
    path = write_parts(tmp_path / "b.xlsx", {"客户管理表": boolean})
    assert by_openpyxl(path, "客户管理表")[1] == [(True,)]
    with pytest.raises(DossierError, match="sheet-unreadable"):
        xlsx_reader.read_xlsx(path, "客户管理表")
