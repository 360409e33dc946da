"""`dossier import` / `dossier export`: department sheets in and out, all or nothing.

Sheets are real files: xlsx written and read back with openpyxl, csv with the csv module
(UTF-8 with a byte-order mark, and GB18030 as Chinese Excel saves it). The archive is the
base fixture, in a real git repository where the test needs commits.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from conftest import FIXTURES, SAMPLE_SEES_ALL, SEES_ALL, act_as, git, init_repo
from dossier.sheets import spreadsheet as S
from dossier.archive.loader import load_file
from dossier.sheets.spreadsheet_import import period_label, period_of

SHEETS = FIXTURES / "spreadsheets"
HEADER = ["客户编号", "客户名称", "联系人", "电话", "地址", "国家/地区", "客户等级", "客户性质", "客户类别", "业务员",
          "信用额度", "付款方式", "外销"]
GOOD = [
    [None, "太原市迎泽区人民政府办公室", "刘红", "0351-4040404", "太原市迎泽区迎泽大街1号", "中国", "B", "政府机构", "一般",
     "王伟", 80000, "签单挂账，月结30天", "否"],
    [None, "山西汾河物流有限公司", "赵强", "0351-6060606", "太原市小店区长风街2号", "中国", "C", "一般公司", "分散",
     "wang.wei", "30,000.50", "现金", "否"],
    [None, "Nordic Foods AB", "Erik", "+46 8 123456", "Stockholm", "瑞典", "D", "一般公司", "分散", "陈晓雨", "5000 USD",
     "T/T 30天", "是"],
]
SALES_HEADER = ["客户编号", "客户名称", "日期", "项目", "金额", "单据号", "结算方式"]
SALES = [
    ["C0001", None, dt.date(2025, 1, 12), "餐饮", 23770, "CY25011253", "签单挂账"],
    ["C0001", "山西晋能集团有限公司", "2025/2/5", "客房", "1,250.00", "KF25020572", "签单挂账"],
    [None, "山西晋能集团有限公司", dt.date(2025, 4, 3), "会议", 8000.5, "HY25040301", "签单挂账"],
    ["C0002", None, "2025年3月20日", "外销商品", "1200.00 EUR", "EX2503", "转账"],
]


# --- helpers ---------------------------------------------------------------------------------


def write_xlsx(path: Path, header: list, rows: list[list], sheet: str = "客户管理表", title: str | None = None) -> Path:
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    workbook.save(path)
    return path


def write_csv(path: Path, header: list, rows: list[list], encoding: str = "utf-8-sig") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, dt.date) else v for v in row])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the archive (not git's, not the validation cache) and its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and ".git" not in p.parts and ".dossier" not in p.parts}


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def card(root: Path, card_id: str) -> dict:
    return load_file(root / "customers" / f"{card_id}.yaml", card_id).data


@pytest.fixture
def repo(base_archive):
    """The base archive as a git repository; li.na (the sales manager, who may write every customer's
    card and items: write rights follow read rights) acts."""
    init_repo(base_archive, SEES_ALL)
    return base_archive


def imp(run, root, *args, lang="en"):
    return run("--archive", root, "import", *args, "--lang", lang)


# --- all or nothing ----------------------------------------------------------------------------


def test_a_sheet_with_one_bad_cell_writes_nothing_and_names_the_cell(repo, run, tmp_path):
    rows = [list(r) for r in GOOD]
    rows[2][6] = "F"  # 客户等级 of the third data row: row 4 of the sheet (header on row 1) → G4
    rows.insert(0, list(GOOD[0]))
    rows[0][1] = "山西太行旅游有限公司"  # a fourth, good row first: the bad cell is G5
    sheet = write_xlsx(tmp_path / "customers.xlsx", HEADER, rows)
    before, commit = snapshot(repo), head(repo)
    result = imp(run, repo, "customers", sheet)
    assert result.code == 1
    assert "客户管理表!G5: cell: 客户等级: 'F' is not one of the values the mapping knows; use one of: A, B, C, D, E" \
        in result.out
    assert "nothing was written" in result.err
    assert snapshot(repo) == before and head(repo) == commit
    zh = imp(run, repo, "customers", sheet, lang="zh")
    assert "客户管理表!G5: cell: 客户等级：'F' 不是映射规定的值；请使用：A, B, C, D, E" in zh.out
    assert "未写入任何文件" in zh.err


def test_every_bad_cell_is_named_at_once(repo, run, tmp_path):
    rows = [list(r) for r in GOOD]
    rows[0][3] = "电话号码"  # a schema pattern: 电话 (D2)
    rows[1][9] = "无名氏"  # not in people.yaml (J3)
    rows[1][10] = "12.345"  # more than two decimals (K3)
    rows[2][5] = None  # an export customer needs 国家/地区 (F4) …
    rows[2][11] = None  # … and 付款方式 (L4)
    result = imp(run, repo, "customers", write_xlsx(tmp_path / "c.xlsx", HEADER, rows))
    assert result.code == 1
    lines = result.out.splitlines()
    assert any(line.startswith("客户管理表!D2: schema: 电话: '电话号码' is not in the expected form") for line in lines)
    assert any(line.startswith("客户管理表!J3: cell: 业务员: '无名氏' is neither the id nor the name") for line in lines)
    assert any(line.startswith("客户管理表!K3: cell: 信用额度: '12.345' has more than two decimals") for line in lines)
    assert any(line.startswith("客户管理表!F4: schema:") and "'国家/地区'" in line for line in lines)
    assert any(line.startswith("客户管理表!L4: schema:") and "'付款方式'" in line for line in lines)
    assert len(lines) == 5  # each problem once, the missing fields each at their own cell
    assert not (repo / "customers" / "C0003.yaml").exists()


def test_a_required_column_left_empty_names_the_cell_and_a_missing_column_the_row(repo, run, tmp_path):
    rows = [list(r) for r in GOOD]
    rows[1][1] = None
    result = imp(run, repo, "customers", write_xlsx(tmp_path / "c.xlsx", HEADER, rows))
    assert result.code == 1 and "客户管理表!B3: cell: 客户名称 is empty; fill it in" in result.out
    header = [h for h in HEADER if h != "客户名称"]
    result = imp(run, repo, "customers", write_xlsx(tmp_path / "d.xlsx", header, [r[:1] + r[2:] for r in GOOD]))
    assert result.code == 1 and "客户管理表!1:1: sheet: the sheet has no column 客户名称" in result.err


# --- a clean sheet ---------------------------------------------------------------------------


def test_a_clean_sheet_imports_translated_and_the_archive_validates(repo, run, tmp_path):
    sheet = write_xlsx(tmp_path / "customers.xlsx", HEADER, GOOD, title="王伟 客户管理表")
    result = imp(run, repo, "customers", sheet)
    assert result.code == 0, result.out + result.err
    assert "new customers/C0003.yaml (from 客户管理表!3:3)" in result.out  # the header was found on row 2
    assert "customers.xlsx: 3 row(s): 3 new, 0 changed, 0 unchanged" in result.out
    government = card(repo, "C0003")
    assert government == {
        "id": "C0003", "name": "太原市迎泽区人民政府办公室", "address": "太原市迎泽区迎泽大街1号", "phone": "0351-4040404",
        "nature": "government", "manager": "wang.wei", "grade": "B", "volume_class": "general",
        "time_class": "existing", "country": "中国", "export": False, "credit_limit": "80000.00 CNY",
        "payment_terms": "签单挂账，月结30天", "contacts": [{"name": "刘红"}], "status": "active",
    }
    assert card(repo, "C0004")["credit_limit"] == "30000.50 CNY" and card(repo, "C0004")["manager"] == "wang.wei"
    export = card(repo, "C0005")
    assert export["export"] is True and export["credit_limit"] == "5000.00 USD" and export["manager"] == "chen.xiaoyu"
    assert list(government)[:4] == ["id", "name", "address", "phone"]  # the card schema's order
    validated = run("--archive", repo, "validate", "--lang", "en")
    assert validated.code == 0 and "0 error(s)" in validated.out  # only the export-terms warning of C0005
    message = git(repo, "log", "-1", "--format=%B")
    assert message.startswith("Import customers.xlsx: 3 new, 0 changed customer card(s)")
    assert "Dossier-Action: import" in message and "Reason:" not in message
    assert git(repo, "status", "--porcelain") == ""


def test_reimport_changes_nothing(repo, run, tmp_path):
    sheet = write_xlsx(tmp_path / "customers.xlsx", HEADER, GOOD)
    assert imp(run, repo, "customers", sheet).code == 0
    before, commit = snapshot(repo), head(repo)
    again = imp(run, repo, "customers", sheet)
    assert again.code == 0 and "3 row(s): 0 new, 0 changed, 3 unchanged" in again.out
    assert "committed" not in again.out
    assert snapshot(repo) == before and head(repo) == commit


def test_a_row_without_id_finds_its_card_by_name(repo, run, tmp_path):
    rows = [[None, "山西晋能集团有限公司"] + [None] * 11]
    result = imp(run, repo, "customers", write_xlsx(tmp_path / "c.xlsx", HEADER, rows))
    assert result.code == 0 and "1 row(s): 0 new, 0 changed, 1 unchanged" in result.out


# --- modifications need a reason -----------------------------------------------------------------


def test_a_changed_row_needs_a_reason_and_is_committed_with_it(repo, run, tmp_path):
    rows = [["C0001", "山西晋能集团有限公司", None, None, None, None, "B", None, None, None, "250000", None, None]]
    sheet = write_xlsx(tmp_path / "c.xlsx", HEADER, rows)
    before, commit = snapshot(repo), head(repo)
    refused = imp(run, repo, "customers", sheet)
    assert refused.code == 2
    assert "changed customers/C0001.yaml (from 客户管理表!2:2): grade: A → B; credit_limit: 200000.00 CNY → " \
           "250000.00 CNY" in refused.out
    assert "a modification needs its reason: add --reason TEXT" in refused.err
    assert snapshot(repo) == before and head(repo) == commit
    done = imp(run, repo, "customers", sheet, "--reason", "季度评审上调等级与额度")
    assert done.code == 0, done.err
    assert "committed" in done.out
    message = git(repo, "log", "-1", "--format=%B")
    assert "\nReason: 季度评审上调等级与额度\n" in message and "Dossier-Action: import" in message
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["customers/C0001.yaml"]
    changed = card(repo, "C0001")
    assert changed["grade"] == "B" and changed["credit_limit"] == "250000.00 CNY"
    assert changed["contacts"] == [{"name": "王建国", "title": "行政总监", "phone": "0351-7654321", "signatory": True}]
    assert imp(run, repo, "customers", sheet).out.count("0 changed, 1 unchanged") == 1


def test_dry_run_shows_the_changes_and_writes_nothing(repo, run, tmp_path):
    rows = [["C0001", "山西晋能集团有限公司"] + [None] * 4 + ["C"] + [None] * 6] + GOOD[:1]
    before, commit = snapshot(repo), head(repo)
    result = imp(run, repo, "customers", write_xlsx(tmp_path / "c.xlsx", HEADER, rows), "--dry-run")
    assert result.code == 0
    assert "changed customers/C0001.yaml (from 客户管理表!2:2): grade: A → C" in result.out
    assert "new customers/C0003.yaml" in result.out
    assert "the real run needs --reason TEXT" in result.out and "dry run: nothing was written" in result.out
    assert snapshot(repo) == before and head(repo) == commit


def test_a_failed_commit_puts_every_file_back(repo, run, tmp_path):
    hook = repo / ".git" / "hooks" / "commit-msg"
    hook.write_text("#!/bin/sh\necho refused by a hook >&2\nexit 1\n")
    hook.chmod(0o755)
    rows = [["C0001", "山西晋能集团有限公司"] + [None] * 4 + ["C"] + [None] * 6] + GOOD
    before, commit = snapshot(repo), head(repo)
    result = imp(run, repo, "customers", write_xlsx(tmp_path / "c.xlsx", HEADER, rows), "--reason", "测试")
    assert result.code == 1 and "refused by a hook" in result.err and "nothing was changed" in result.err
    assert snapshot(repo) == before and head(repo) == commit
    assert git(repo, "status", "--porcelain") == ""


def test_uncommitted_edits_to_a_card_are_never_swept_into_the_import(repo, run, tmp_path):
    path = repo / "customers" / "C0001.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "remarks: 手工修改\n", encoding="utf-8")
    rows = [["C0001", "山西晋能集团有限公司"] + [None] * 4 + ["C"] + [None] * 6]
    result = imp(run, repo, "customers", write_xlsx(tmp_path / "c.xlsx", HEADER, rows), "--reason", "测试")
    assert result.code == 1 and "uncommitted changes in customers/C0001.yaml" in result.err
    assert "remarks: 手工修改" in path.read_text(encoding="utf-8") and "grade: A" in path.read_text(encoding="utf-8")


def test_an_archive_outside_git_is_written_without_a_commit(base_archive, run, tmp_path):
    result = imp(run, base_archive, "customers", write_xlsx(tmp_path / "c.xlsx", HEADER, GOOD))
    assert result.code == 0 and "committed" not in result.out
    assert card(base_archive, "C0005")["name"] == "Nordic Foods AB"
    assert not list((base_archive / "customers").glob(".*.tmp"))  # atomic writes leave no temporary file


def test_large_sheets_are_built_on_every_core_with_the_same_outcome(repo, run, tmp_path, monkeypatch):
    from dossier.sheets import spreadsheet_import

    monkeypatch.setattr(spreadsheet_import, "PARALLEL_THRESHOLD", 2)  # the pool, for three rows
    monkeypatch.setattr(spreadsheet_import.os, "cpu_count", lambda: 2)
    rows = [list(r) for r in GOOD]
    rows[1][3] = "电话号码"
    before = snapshot(repo)
    result = imp(run, repo, "customers", write_xlsx(tmp_path / "bad.xlsx", HEADER, rows))
    assert result.code == 1 and "客户管理表!D3: schema: 电话: '电话号码' is not in the expected form" in result.out
    assert snapshot(repo) == before
    result = imp(run, repo, "customers", write_xlsx(tmp_path / "good.xlsx", HEADER, GOOD))
    assert result.code == 0 and "3 new, 0 changed" in result.out
    assert [card(repo, f"C000{n}")["name"] for n in (3, 4, 5)] == [row[1] for row in GOOD]
    assert "0 new, 0 changed, 3 unchanged" in imp(run, repo, "customers", tmp_path / "good.xlsx").out


# --- sheet layout and rows -------------------------------------------------------------------------


def test_unknown_columns_are_warned_and_duplicate_rows_refused(repo, run, tmp_path):
    header = HEADER + ["微信号"]
    rows = [GOOD[0] + ["liuhong"], GOOD[0] + [None], ["C0001", "山西晋能集团有限公司"], ["C0001"]]
    result = imp(run, repo, "customers", write_xlsx(tmp_path / "c.xlsx", header, rows))
    assert result.code == 1
    assert "客户管理表!N1: sheet: warning: the column 微信号 is not in the mapping dossier/defaults/mappings/" \
           "customers.yaml and is not imported" in result.out
    assert "客户管理表!B3: row: this row is the same customer (太原市迎泽区人民政府办公室) as row 2" in result.out
    assert "客户管理表!B5: cell: 客户名称 is empty" in result.out
    assert "客户管理表!A4" not in result.out  # C0001 once is fine


def test_a_heading_used_twice_is_refused(repo, run, tmp_path):
    header = HEADER + ["客户经理"]  # an alias of 业务员
    result = imp(run, repo, "customers", write_xlsx(tmp_path / "c.xlsx", header, [GOOD[0] + ["王伟"]]))
    assert result.code == 1 and "客户管理表!N1: sheet: the column 客户经理 means the same field as 客户管理表!J1" in result.err


def test_csv_in_gb18030_with_a_title_row_imports(repo, run):
    sheet = SHEETS / "客户管理表-gb18030.csv"
    result = imp(run, repo, "customers", sheet)
    assert result.code == 0, result.out + result.err
    assert "客户管理表-gb18030.csv: 3 row(s): 2 new, 0 changed, 1 unchanged" in result.out
    assert card(repo, "C0003")["credit_limit"] == "80000.00 CNY" and card(repo, "C0003")["nature"] == "government"
    assert card(repo, "C0004")["credit_limit"] == "30000.00 CNY"
    assert imp(run, repo, "customers", sheet).out.count("0 new, 0 changed, 3 unchanged") == 1


def test_csv_errors_name_the_cell_after_the_file(repo, run, tmp_path):
    rows = [list(r) for r in GOOD]
    rows[0][10] = "八万"
    result = imp(run, repo, "customers", write_csv(tmp_path / "客户管理表.csv", HEADER, rows))
    assert result.code == 1 and "客户管理表!K2: cell: 信用额度: '八万' is not an amount" in result.out


def test_a_custom_mapping_and_the_archive_own_default(repo, run, tmp_path):
    rows = [[None, "太原理工大学", "B", "王伟", "政府", "中"]]
    sheet = write_xlsx(tmp_path / "名单.xlsx", ["编号", "名称", "级别", "经理", "性质", "规模"], rows, sheet="客户名单")
    result = imp(run, repo, "customers", sheet, "--mapping", SHEETS / "mapping-short.yaml")
    assert result.code == 0, result.out + result.err
    assert card(repo, "C0003") == {"id": "C0003", "name": "太原理工大学", "nature": "government", "manager": "wang.wei",
                                   "grade": "B", "volume_class": "general", "time_class": "new", "status": "prospect"}
    (repo / "mappings").mkdir()
    shutil.copy(SHEETS / "mapping-short.yaml", repo / "mappings" / "customers.yaml")
    assert "0 new, 0 changed, 1 unchanged" in imp(run, repo, "customers", sheet).out  # no --mapping needed now


def test_a_broken_mapping_is_named_by_file_line_and_column(repo, run, tmp_path):
    sheet = write_xlsx(tmp_path / "c.xlsx", HEADER, GOOD)
    result = imp(run, repo, "customers", sheet, "--mapping", SHEETS / "mapping-broken.yaml")
    assert result.code == 2
    assert "mapping-broken.yaml:6:40: schema: columns[2].type: 'colour' is not allowed" in result.err
    records = imp(run, repo, "records", sheet)  # the customers mapping is not a records mapping
    assert records.code == 1 or records.code == 2
    wrong = imp(run, repo, "records", sheet, "--mapping", S.MAPPINGS / "customers.yaml")
    assert wrong.code == 2 and "is for customers, not records" in wrong.err


# --- records: rows grouped into sales-record items ------------------------------------------------------


def test_sales_rows_become_draft_items_per_customer_and_quarter(repo, run, tmp_path):
    sheet = write_xlsx(tmp_path / "sales.xlsx", SALES_HEADER, SALES, sheet="销售记录表")
    result = imp(run, repo, "records", sheet)
    assert result.code == 0, result.out + result.err
    assert "sales.xlsx: 4 row(s): 3 new, 0 changed, 0 unchanged" in result.out
    q1 = load_file(repo / "records/6/2025/6-2025-S02-0001.yaml", "q1").data
    assert q1["title"] == "山西晋能集团有限公司2025年第一季度消费对账单"
    assert (q1["customer"], q1["manager"], q1["handler"], q1["status"]) == ("C0001", "wang.wei", "li.na", "draft")
    assert q1["date"] == "2025-02-05" and q1["signatures"] == {"handler": {"person": "li.na", "date": "2025-02-05"}}
    assert q1["content"] == {
        "period_start": "2025-01-01", "period_end": "2025-03-31",
        "lines": [{"date": "2025-01-12", "product": "餐饮", "amount": "23770.00 CNY", "bill": "CY25011253"},
                  {"date": "2025-02-05", "product": "客房", "amount": "1250.00 CNY", "bill": "KF25020572"}],
        "total": "25020.00 CNY", "settlement": "credit",
    }
    q2 = load_file(repo / "records/6/2025/6-2025-S02-0002.yaml", "q2").data
    assert q2["content"]["total"] == "8000.50 CNY" and q2["content"]["period_start"] == "2025-04-01"
    export = load_file(repo / "records/6/2025/6-2025-S04-0001.yaml", "x").data  # chen.xiaoyu's section
    assert export["manager"] == "chen.xiaoyu" and export["content"]["total"] == "1200.00 EUR"
    assert run("--archive", repo, "validate").code == 0
    message = git(repo, "log", "-1", "--format=%B")
    assert "Dossier-Item: 6-2025-S02-0001" in message and "Dossier-Item: 6-2025-S04-0001" in message
    before, commit = snapshot(repo), head(repo)
    assert "0 new, 0 changed, 3 unchanged" in imp(run, repo, "records", sheet).out
    assert snapshot(repo) == before and head(repo) == commit


def test_new_rows_join_the_item_of_their_period_and_a_filed_item_needs_a_reason(repo, run, tmp_path, monkeypatch):
    act_as(monkeypatch, "wang.wei@example.cn")  # C0001's own manager: his rows are his to write
    sheet = write_xlsx(tmp_path / "sales.xlsx", SALES_HEADER, SALES[:2], sheet="销售记录表")
    assert imp(run, repo, "records", sheet).code == 0
    item = repo / "records/6/2025/6-2025-S02-0001.yaml"
    signed = ("filed: 2025-04-07\nsignatures:\n  customer: {name: 王建国, date: 2025-04-05}\n"
              "  supervisor: {person: zhang.min, date: 2025-04-06}\n")  # filed, as the three signatures allow
    text = item.read_text(encoding="utf-8").replace("status: draft", "status: filed")
    item.write_text(text.replace("signatures:\n", signed), encoding="utf-8")
    git(repo, "commit", "-qam", "归档")
    more = write_xlsx(tmp_path / "more.xlsx", SALES_HEADER,
                      SALES[:2] + [["C0001", None, dt.date(2025, 3, 30), "康体", 600, "KT0330", "签单挂账"]],
                      sheet="销售记录表")
    refused = imp(run, repo, "records", more)
    assert refused.code == 2 and "a modification needs its reason" in refused.err
    assert "changed records/6/2025/6-2025-S02-0001.yaml (from 销售记录表!2:2): " \
           "content.lines[2].date: — → 2025-03-30; " in refused.out
    done = imp(run, repo, "records", more, "--reason", "补录3月康体消费")
    assert done.code == 0, done.err
    assert "note: this commit is on main" in done.err and "`git branch import-records`" in done.err  # for approval
    data = load_file(item, "i").data
    assert data["status"] == "filed" and data["content"]["total"] == "25620.00 CNY"
    assert [line["bill"] for line in data["content"]["lines"]] == ["CY25011253", "KF25020572", "KT0330"]
    history = run("--archive", repo, "history", "6-2025-S02-0001", "--lang", "en")
    assert "补录3月康体消费" in history.out and "content.total: 25020.00 CNY → 25620.00 CNY" in history.out


def test_a_bound_item_never_changes(repo, run, tmp_path):
    sheet = write_xlsx(tmp_path / "sales.xlsx", SALES_HEADER, SALES[:1], sheet="销售记录表")
    assert imp(run, repo, "records", sheet).code == 0
    item = repo / "records/6/2025/6-2025-S02-0001.yaml"
    item.write_text(item.read_text(encoding="utf-8").replace("status: draft", "status: bound"), encoding="utf-8")
    git(repo, "commit", "-qam", "装订")
    changed = write_xlsx(tmp_path / "b.xlsx", SALES_HEADER, [SALES[0][:4] + [23880] + SALES[0][5:]], sheet="销售记录表")
    result = imp(run, repo, "records", changed, "--reason", "更正")
    assert result.code == 1 and "销售记录表!2:2: row: 6-2025-S02-0001 is bound into a paper volume" in result.out


def test_record_rows_are_checked_against_customers_codes_and_periods(repo, run, tmp_path):
    assert imp(run, repo, "records", write_xlsx(tmp_path / "s.xlsx", SALES_HEADER, SALES[:1], sheet="销售记录表")).code == 0
    header = ["电子编码"] + SALES_HEADER
    rows = [
        [None, "C0009", None, dt.date(2025, 1, 1), "餐饮", 10, None, None],  # no such card
        [None, "C0001", "晋能", dt.date(2025, 1, 1), "餐饮", 10, None, None],  # not its name
        [None, None, "不存在的客户", dt.date(2025, 1, 1), "餐饮", 10, None, None],
        ["6-2025-S02-0009", "C0001", None, dt.date(2025, 1, 1), "餐饮", 10, None, None],  # no such item
        ["6-2025-S02-0001", "C0001", None, dt.date(2025, 5, 1), "餐饮", 10, None, None],  # outside its period
        [None, "C0001", None, "2025-02-30", "餐饮", 10, None, None],  # no such day
        [None, "C0001", None, dt.date(2025, 1, 2), "餐饮", 10, None, "签单挂账"],
        [None, "C0001", None, dt.date(2025, 1, 3), "餐饮", 10, None, "现金"],  # one settlement per item
        [None, "C0001", None, dt.date(2025, 1, 4), "烧烤", 10, None, None],  # not a product the schema knows
    ]
    result = imp(run, repo, "records", write_xlsx(tmp_path / "bad.xlsx", header, rows, sheet="销售记录表"))
    assert result.code == 1
    out = result.out
    assert "销售记录表!B2: cell: 客户编号: there is no customer card C0009" in out
    assert "销售记录表!C3: cell: 客户名称: '晋能' is not the name of C0001 (山西晋能集团有限公司)" in out
    assert "销售记录表!C4: cell: 客户名称: no customer card is named '不存在的客户'" in out
    assert "销售记录表!A5: cell: 电子编码: there is no sales-record item 6-2025-S02-0009" in out
    assert "销售记录表!D6: cell: 2025-05-01 is outside the period of 6-2025-S02-0001 (2025-01-01 – 2025-03-31)" in out
    assert "销售记录表!D7: cell: 日期: '2025-02-30' is not a date" in out
    assert "销售记录表!H9: cell: 结算方式 differs from row 8 ('签单挂账') of the same item" in out
    assert "销售记录表!E10: schema: 项目: '烧烤' is not allowed; use one of: 客房, 餐饮" in out


# --- export ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_round_trips_unchanged(repo, run, tmp_path, fmt, monkeypatch):
    assert imp(run, repo, "customers", write_xlsx(tmp_path / "c.xlsx", HEADER, GOOD)).code == 0
    assert imp(run, repo, "records", write_xlsx(tmp_path / "s.xlsx", SALES_HEADER, SALES, sheet="销售记录表")).code == 0
    out = tmp_path / "out"
    act_as(monkeypatch, SEES_ALL)  # who exports every card and item
    customers = run("--archive", repo, "export", "customers", "--format", fmt, "--output", out, "--lang", "en")
    assert customers.code == 0 and f"客户管理表.{fmt}: 5 row(s)" in customers.out
    items = run("--archive", repo, "export", "items", "--format", fmt, "--output", out, "--lang", "en")
    assert items.code == 0 and f"销售记录表.{fmt}: 4 row(s)" in items.out
    before, commit = snapshot(repo), head(repo)
    again = imp(run, repo, "customers", out / f"客户管理表.{fmt}")
    assert again.code == 0 and "5 row(s): 0 new, 0 changed, 5 unchanged" in again.out, again.out + again.err
    again = imp(run, repo, "records", out / f"销售记录表.{fmt}")
    assert again.code == 0 and "4 row(s): 0 new, 0 changed, 3 unchanged" in again.out, again.out + again.err
    assert snapshot(repo) == before and head(repo) == commit


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_mapping_with_its_header_on_row_3_round_trips(repo, run, tmp_path, fmt, monkeypatch):
    act_as(monkeypatch, SEES_ALL)
    mapping = tmp_path / "m.yaml"
    mapping.write_text((SHEETS / "mapping-short.yaml").read_text(encoding="utf-8").replace("header_row: 1",
                                                                                            "header_row: 3"))
    out = tmp_path / "out"
    assert run("--archive", repo, "export", "customers", "--format", fmt, "--output", out, "--mapping", mapping).code == 0
    result = imp(run, repo, "customers", out / f"客户名单.{fmt}", "--mapping", mapping)
    assert result.code == 0 and "2 row(s): 0 new, 0 changed, 2 unchanged" in result.out, result.out + result.err


def test_the_sample_archive_round_trips(tmp_path, run, monkeypatch):
    from conftest import SAMPLE

    act_as(monkeypatch, SAMPLE_SEES_ALL)
    archive = tmp_path / "sample"
    shutil.copytree(SAMPLE, archive, ignore=shutil.ignore_patterns(".dossier"))
    before = snapshot(archive)
    # what export names a sheet imports back under the same word: records (or items, either way)
    for what, kind, sheet in (("customers", "customers", "客户管理表"), ("records", "records", "销售记录表"),
                              ("items", "items", "销售记录表")):
        assert run("--archive", archive, "export", what, "--output", tmp_path / "out").code == 0
        result = run("--archive", archive, "import", kind, tmp_path / "out" / f"{sheet}.xlsx", "--lang", "en")
        assert result.code == 0 and " 0 new, 0 changed" in result.out, result.out + result.err
    assert snapshot(archive) == before


def test_the_exported_sheet_is_formatted(repo, run, tmp_path, monkeypatch):
    assert imp(run, repo, "customers", write_xlsx(tmp_path / "c.xlsx", HEADER, GOOD)).code == 0
    act_as(monkeypatch, SEES_ALL)
    assert run("--archive", repo, "export", "customers", "--output", tmp_path).code == 0
    ws = openpyxl.load_workbook(tmp_path / "客户管理表.xlsx").active
    assert ws.title == "客户管理表" and "太原龙城会馆销售部" in ws["A1"].value
    header = [c.value for c in ws[2]]
    assert header[:3] == ["客户编号", "客户名称", "简称"] and "业务员" in header and "信用额度" in header
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == f"A2:Y{ws.max_row}"
    column = {name: openpyxl.utils.get_column_letter(i + 1) for i, name in enumerate(header)}
    row = {name: ws[f"{column[name]}3"] for name in header}  # C0001 山西晋能集团有限公司
    assert row["信用额度"].value == 200000 and row["信用额度"].number_format == "#,##0.00"
    assert header[header.index("信用额度") + 1] == "信用额度币种" and row["信用额度币种"].value == "CNY"
    assert row["客户性质"].value == "一般公司" and row["客户类别"].value == "主要客户" and row["业务员"].value == "王伟"
    sweden = {name: ws[f"{column[name]}7"].value for name in header}
    assert sweden["信用额度"] == 5000 and sweden["信用额度币种"] == "USD" and sweden["外销"] == "是"  # a number, its currency beside
    phone = ws[f"{column['电话']}5"]
    assert phone.value == "0351-4040404" and phone.number_format == "@"  # digits stay text when edited
    widths = {name: ws.column_dimensions[column[name]].width for name in header}
    assert widths["客户名称"] >= 2 * len("太原市迎泽区人民政府办公室") and widths["客户编号"] < widths["客户名称"]
    lists = {str(dv.sqref).split(":")[0][:-1]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists[column["客户等级"]] == '"A,B,C,D,E"' and lists[column["外销"]] == '"是,否"'


def test_exported_items_have_real_dates_and_amounts(repo, run, tmp_path):
    assert imp(run, repo, "records", write_xlsx(tmp_path / "s.xlsx", SALES_HEADER, SALES, sheet="销售记录表")).code == 0
    assert run("--archive", repo, "export", "items", "--output", tmp_path).code == 0
    ws = openpyxl.load_workbook(tmp_path / "销售记录表.xlsx").active
    assert [c.value for c in ws[2]][:4] == ["电子编码", "客户编号", "客户名称", "日期"]
    first = [c for c in ws[3]]
    assert first[0].value == "6-2025-S02-0001" and first[2].value == "山西晋能集团有限公司"
    assert first[3].value == dt.datetime(2025, 1, 12) and first[3].number_format == "yyyy-mm-dd"
    amount = first[[c.value for c in ws[2]].index("金额")]
    assert amount.value == 23770 and amount.number_format == "#,##0.00"
    assert ws["A2"].font.bold and ws.freeze_panes == "A3"
    raw = (tmp_path / "out.csv")
    assert run("--archive", repo, "export", "items", "--format", "csv", "--output", tmp_path).code == 0
    text = (tmp_path / "销售记录表.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf") and not raw.exists()
    lines = text.decode("utf-8-sig").splitlines()
    assert lines[1].startswith("6-2025-S02-0001,C0001,山西晋能集团有限公司,2025-01-12,餐饮,,,,23770.00,CNY,CY25011253,签单挂账,")


def test_a_file_that_would_put_a_list_into_a_cell_is_named_and_left_out(repo, run, tmp_path):
    assert imp(run, repo, "records", write_xlsx(tmp_path / "s.xlsx", SALES_HEADER, SALES, sheet="销售记录表")).code == 0
    item = repo / "records/6/2025/6-2025-S02-0001.yaml"
    text = item.read_text(encoding="utf-8")
    item.write_text(text.replace("amount: 23770.00 CNY", "amount: {value: 23770}", 1), encoding="utf-8")
    result = run("--archive", repo, "export", "records", "--output", tmp_path / "out", "--lang", "en")
    line = 1 + text[:text.index("amount: 23770.00 CNY")].count("\n")
    assert result.code == 1 and f"6-2025-S02-0001.yaml:{line}:13: export: content.lines[0].amount holds a list" in result.err
    ws = openpyxl.load_workbook(tmp_path / "out" / "销售记录表.xlsx").active
    assert "6-2025-S02-0001" not in [row[0].value for row in ws.iter_rows(min_row=3)]  # none of its lines
    assert "Traceback" not in result.err and "internal error" not in result.err


# --- cells --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    (12000, "12000.00 CNY"), (12000.5, "12000.50 CNY"), (0.1 + 0.2, "0.30 CNY"), (Decimal("7"), "7.00 CNY"),
    ("12,000.50", "12000.50 CNY"), ("¥8000", "8000.00 CNY"), ("8000元", "8000.00 CNY"), ("120.00 USD", "120.00 USD"),
    ("USD 120", "120.00 USD"), ("-35.5", "-35.50 CNY"), ("-0", "0.00 CNY"), ("RMB 100", "100.00 CNY"),
])
def test_amounts(raw, expected):
    assert S.parse_amount(raw, "CNY") == expected


@pytest.mark.parametrize("raw", ["八万", "12.345", "1e3x", True, "USD 1 EUR", "NaN"])
def test_not_amounts(raw):
    with pytest.raises(S.CellError):
        S.parse_amount(raw, "CNY")


@pytest.mark.parametrize("raw, expected", [
    (dt.datetime(2025, 3, 14), "2025-03-14"), (dt.date(2025, 3, 14), "2025-03-14"), ("2025-03-14", "2025-03-14"),
    ("2025/3/4", "2025-03-04"), ("2025.3.4", "2025-03-04"), ("2025年3月4日", "2025-03-04"), ("20250304", "2025-03-04"),
    ("2025-03-14 00:00:00", "2025-03-14"),
])
def test_dates(raw, expected):
    assert S.parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["2025-02-30", "3/4/2025", 45678, "明天"])
def test_not_dates(raw):
    with pytest.raises(S.CellError):
        S.parse_date(raw)


def test_cell_references():
    assert S.cell_ref("客户管理表", 5, 7) == "客户管理表!G5"
    assert S.cell_ref("客户管理表", 17, 0) == "客户管理表!17:17"
    assert S.cell_ref("Sheet 1", 2, 28) == "'Sheet 1'!AB2"
    assert S.cell_ref("客户管理表", 0, 0) == "客户管理表"


def test_periods():
    assert period_of("2025-05-17", "quarter") == ("2025-04-01", "2025-06-30")
    assert period_of("2024-02-10", "month") == ("2024-02-01", "2024-02-29")
    assert period_of("2025-12-31", "quarter") == ("2025-10-01", "2025-12-31")
    assert period_label("2025-10-01", "2025-12-31") == "2025年第四季度"
    assert period_label("2025-02-01", "2025-02-28") == "2025年2月"
    assert period_label("2025-01-01", "2025-12-31") == "2025年度"


# --- text that lies --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["山西晋能集团有\u200b限公司", "山西晋能集团有限公司\u2060", "ｈａｎｓｅ Trading GmbH",
                                  "Hanse  Trading\u00a0GmbH"])
def test_a_look_alike_of_an_existing_customer_name_is_refused_not_made_a_second_card(repo, run, tmp_path, name):
    """A zero-width space, a word joiner, full-width letters or other spaces: the name reads
    like an existing customer's, so import would silently make a look-alike duplicate card."""
    rows = [[None, name, "刘红", "0351-4040404", "太原", "中国", "B", "一般公司", "一般", "王伟", 80000, "现金", "否"]]
    sheet = write_xlsx(tmp_path / "c.xlsx", HEADER, rows)
    before, commit = snapshot(repo), head(repo)
    result = imp(run, repo, "customers", sheet)
    assert result.code == 1, result.out + result.err
    other = "C0001" if "晋能" in name else "C0002"
    assert f"客户管理表!B2: row: customer name '{name}' reads the same as {other}'s" in result.out, result.out
    assert snapshot(repo) == before and head(repo) == commit
    zh = imp(run, repo, "customers", sheet, lang="zh")
    assert "看起来相同" in zh.out and f"客户编号 {other}" in zh.out


def test_two_new_rows_that_read_the_same_are_refused_and_distinct_names_pass(repo, run, tmp_path):
    rows = [[None, "太原迎泽宾馆", *GOOD[0][2:]], [None, "太原迎泽宾\u200d馆", *GOOD[0][2:]]]
    result = imp(run, repo, "customers", write_xlsx(tmp_path / "c.xlsx", HEADER, rows))
    assert result.code == 1 and "客户管理表!B3: row: customer name '太原迎泽宾\u200d馆' reads the same as C0003's" \
        in result.out, result.out
    assert "客户管理表!B3: text-hidden: 客户名称 holds the hidden character U+200D ZERO WIDTH JOINER" in result.out
    rows[1][1] = "太原迎泽宾馆二部"
    result = imp(run, repo, "customers", write_xlsx(tmp_path / "c.xlsx", HEADER, rows))
    assert result.code == 0, result.out + result.err


def test_a_title_with_a_right_to_left_override_is_refused_by_import(repo, run, tmp_path):
    rows = [list(r) for r in GOOD[:1]]
    rows[0][11] = "签单挂账\u202e天03结月"
    result = imp(run, repo, "customers", write_xlsx(tmp_path / "c.xlsx", HEADER, rows))
    assert result.code == 1
    assert "客户管理表!L2: text-hidden: 付款方式 holds the hidden character U+202E RIGHT-TO-LEFT OVERRIDE " \
        "(character 5)" in result.out, result.out


def test_a_negative_credit_limit_is_refused_although_it_would_be_stored_encrypted(repo, run, tmp_path):
    """The card's credit limit is confidential: once sealed, no schema can see its sign, so
    import checks the values in clear before encrypting them."""
    rows = [list(GOOD[0])]
    rows[0][10] = -80000
    result = imp(run, repo, "customers", write_xlsx(tmp_path / "c.xlsx", HEADER, rows))
    assert result.code == 1
    assert "客户管理表!K2: schema: 信用额度: '-80000.00 CNY' is not in the expected form: an amount that cannot be " \
        "negative" in result.out, result.out
