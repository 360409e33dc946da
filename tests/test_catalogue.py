"""`dossier render catalogue`: the electronic catalogue 电子文件归档目录, read back as an
archivist's spreadsheet would be (openpyxl) and as csv (the csv module)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import stat

import openpyxl
import pytest

from conftest import SAMPLE, SAMPLE_SEES_ALL, SEES_ALL, act_as, init_repo
from dossier.paper.export_catalogue import HEADER, NOT_BOUND, build_catalogue

HEADER_ROW = ["档号", "电子编码", "题名", "日期", "客户", "客户经理", "页数", "保管期限", "密级", "备注"]
CONTRACT = "records/2/2025/2-2025-S02-0001.yaml"
PAPER = "Z001-KH·2025-D30-C2-0001"
# Filed and bound items of the base archive, in catalogue order; D-2025-S02-0001 is a draft.
FILED = ["1-2025-S02-0001", "2-2025-S02-0001", "3-2025-S02-0001", "3-2025-S04-0001", "5-2025-S01-0001"]


def bind(archive, rel=CONTRACT, paper=PAPER, shelf="A区2排"):
    """Edit a fixture item as `dossier bind` leaves it: status bound, with its paper block."""
    path = archive / rel
    text = path.read_text(encoding="utf-8").replace("status: filed", "status: bound")
    volume = paper.rsplit("-", 1)[0] + "-V01"
    path.write_text(text.replace("signatures:", f"paper: {{archive_number: {paper}, volume: {volume}, "
                                                f"shelf: {shelf}}}\nsignatures:", 1), encoding="utf-8")


def render(run, archive, out, *args):
    return run("--archive", archive, "render", "catalogue", "--output", out, "--lang", "en", *args)


def rows_of(sheet):
    """Data rows below the title row and the header: lists of cell values."""
    return [list(row) for row in sheet.iter_rows(min_row=3, values_only=True)]


def codes_of(workbook):
    return [row[1] for sheet in workbook.worksheets[1:] for row in rows_of(sheet)]


@pytest.fixture
def out(tmp_path):
    return tmp_path / "out"


def test_sheet_has_title_frozen_header_filter_and_cjk_widths(base_archive, run, out):
    result = render(run, base_archive, out, "--year", "2025", "--category", "2", "--format", "xlsx")
    assert result.code == 0, result.err
    assert "电子目录-Z001-2025-C2.xlsx: 1 item(s), 0 of them bound" in result.out
    assert sorted(p.name for p in out.iterdir()) == ["电子目录-Z001-2025-C2.xlsx"]  # no temporary file left
    workbook = openpyxl.load_workbook(out / "电子目录-Z001-2025-C2.xlsx")
    assert workbook.sheetnames == ["2 合同协议"]  # one category: one sheet, no index
    sheet = workbook.active
    title = sheet["A1"].value
    assert "太原龙城会馆" in title and "Z001" in title and "2025年度" in title and "合同协议" in title
    assert [c.value for c in sheet[2]] == HEADER_ROW == list(HEADER)
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == "A2:J3"
    widths = {letter: dim.width for letter, dim in sheet.column_dimensions.items()}
    default = 13  # openpyxl's default column width, wider than Excel's 8.43
    title_text = "山西晋能集团有限公司2025年度会议及客房协议"
    assert widths["C"] > default and widths["C"] >= 2 * len(title_text) - 10  # CJK counted as two
    assert widths["C"] > widths["B"] > default  # title wider than the code, the code wider than default


def test_row_values_are_typed_and_complete(base_archive, run, out):
    assert render(run, base_archive, out, "--category", "1", "--format", "xlsx").code == 0
    sheet = openpyxl.load_workbook(out / "电子目录-Z001-C1.xlsx").active
    [row] = rows_of(sheet)
    assert row[:3] == [NOT_BOUND, "1-2025-S02-0001", "山西晋能集团有限公司入会登记表"]
    assert row[3] == dt.datetime(2025, 3, 10) and sheet["D3"].number_format == "yyyy-mm-dd"  # a real date
    assert row[4:6] == ["C0001 山西晋能集团有限公司", "王伟"]  # customer card's name, manager's name
    assert row[6] == 3 and isinstance(row[6], int)  # 2 pages and a 1-page attachment
    assert row[7:9] == ["30年", "内部"]
    assert row[9] == "records/1/2025/1-2025-S02-0001.yaml"  # not bound: the electronic storage address


def test_one_sheet_per_category_plus_index_rows_in_catalogue_order(base_archive, run, out):
    # an earlier year and a higher serial, so catalogue order is not the order files are found in
    contract = (base_archive / CONTRACT).read_text(encoding="utf-8")
    older = contract.replace("2-2025-S02-0001", "2-2024-S02-0003").replace("date: 2025-04-01", "date: 2024-04-01")
    (base_archive / "records/2/2024").mkdir()
    (base_archive / "records/2/2024/2-2024-S02-0003.yaml").write_text(older, encoding="utf-8")
    (base_archive / "records/2/2025/2-2025-S02-0010.yaml").write_text(
        contract.replace("2-2025-S02-0001", "2-2025-S02-0010"), encoding="utf-8")
    assert render(run, base_archive, out, "--format", "xlsx").code == 0
    workbook = openpyxl.load_workbook(out / "电子目录-Z001.xlsx")
    assert workbook.sheetnames == ["目录索引", "1 客户基础资料", "2 合同协议", "3 欠款还款", "5 行业动态"]
    assert codes_of(workbook) == ["1-2025-S02-0001", "2-2024-S02-0003", "2-2025-S02-0001", "2-2025-S02-0010",
                                  *FILED[2:]]
    for sheet in workbook.worksheets[1:]:
        assert [c.value for c in sheet[2]] == HEADER_ROW
        assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref == f"A2:J{sheet.max_row}"
    index = workbook["目录索引"]
    assert "全部年度" in index["A1"].value and index.freeze_panes == "A3" and index.auto_filter.ref
    counts = {row[0]: row[2] for row in rows_of(index)}
    assert counts == {"1": 1, "2": 3, "3": 2, "4": 0, "5": 1, "6": 0, "D": 0, "合计": 7}
    link = next(row for row in index.iter_rows(min_row=3) if row[0].value == "2")[-1]
    assert link.value == "2 合同协议" and link.hyperlink.location == "'2 合同协议'!A1"


def test_bound_item_shows_paper_number_and_shelf(base_archive, run, out):
    bind(base_archive)
    assert run("--archive", base_archive, "validate").code == 0  # the edited fixture is a valid bound item
    result = render(run, base_archive, out, "--year", "2025", "--format", "xlsx")
    assert result.code == 0 and "5 item(s), 1 of them bound" in result.out
    workbook = openpyxl.load_workbook(out / "电子目录-Z001-2025.xlsx")
    [contract] = rows_of(workbook["2 合同协议"])
    assert contract[0] == PAPER
    assert contract[9] == f"{PAPER} A区2排"
    [unbound] = rows_of(workbook["1 客户基础资料"])
    assert unbound[0] == NOT_BOUND and "未装订" in unbound[0]
    assert unbound[9] == "records/1/2025/1-2025-S02-0001.yaml"
    index = {row[0]: row for row in rows_of(workbook["目录索引"])}
    assert index["2"][3:5] == [1, 0] and index["合计"][3:5] == [1, 4]  # bound, not bound


def test_storage_address_is_the_path_in_the_repository(tmp_path, run, out):
    repo = tmp_path / "repo"
    from conftest import FIXTURES, copy_archive

    copy_archive(FIXTURES / "base", repo / "archive")
    init_repo(repo, SEES_ALL)
    assert render(run, repo / "archive", out, "--category", "3", "--format", "csv").code == 0
    rows = list(csv.reader(io.StringIO((out / "电子目录-Z001-C3.csv").read_text(encoding="utf-8-sig"))))
    assert [row[9] for row in rows[1:]] == ["archive/records/3/2025/3-2025-S02-0001.yaml",
                                            "archive/records/3/2025/3-2025-S04-0001.yaml"]


def test_csv_has_bom_and_round_trips(base_archive, run, out):
    bind(base_archive)
    assert render(run, base_archive, out, "--year", "2025").code == 0
    assert sorted(p.name for p in out.iterdir()) == ["电子目录-Z001-2025.csv", "电子目录-Z001-2025.xlsx"]
    raw = (out / "电子目录-Z001-2025.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == HEADER_ROW
    assert [row[1] for row in rows[1:]] == FILED
    contract = rows[2]
    assert contract == [PAPER, "2-2025-S02-0001", "山西晋能集团有限公司2025年度会议及客房协议", "2025-04-01",
                        "C0001 山西晋能集团有限公司", "王伟", "4", "30年", "秘密", f"{PAPER} A区2排"]
    assert rows[5][4] == ""  # industry trends concern no customer
    # the same rows as the workbook
    workbook = openpyxl.load_workbook(out / "电子目录-Z001-2025.xlsx")
    xlsx = [row for sheet in workbook.worksheets[1:] for row in rows_of(sheet)]
    as_text = [[v.date().isoformat() if isinstance(v, dt.datetime) else "" if v is None else str(v) for v in row]
               for row in xlsx]
    assert as_text == rows[1:]
    umask = os.umask(0o022)
    os.umask(umask)
    mode = stat.S_IMODE(os.stat(out / "电子目录-Z001-2025.csv").st_mode)
    assert mode == 0o666 & ~umask  # as any new file, not the temporary file's 0600


def test_filters_and_drafts(base_archive, run, out):
    assert render(run, base_archive, out, "--category", "3", "--format", "csv").code == 0
    rows = list(csv.reader(io.StringIO((out / "电子目录-Z001-C3.csv").read_text(encoding="utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["3-2025-S02-0001", "3-2025-S04-0001"]
    result = render(run, base_archive, out, "--year", "2024", "--format", "csv")
    assert result.code == 0 and "0 item(s)" in result.out
    assert (out / "电子目录-Z001-2024.csv").read_text(encoding="utf-8-sig").splitlines() == [",".join(HEADER_ROW)]
    assert render(run, base_archive, out, "--category", "D", "--format", "csv").code == 0
    assert len((out / "电子目录-Z001-CD.csv").read_text(encoding="utf-8-sig").splitlines()) == 1  # a draft only
    assert render(run, base_archive, out, "--category", "D", "--include-drafts", "--format", "xlsx").code == 0
    sheet = openpyxl.load_workbook(out / "电子目录-Z001-CD.xlsx").active
    assert sheet.title == "D 日常档案" and "含草稿" in sheet["A1"].value
    assert [row[1] for row in rows_of(sheet)] == ["D-2025-S02-0001"]


def test_library_builds_rows_without_writing(base_archive):
    catalogue = build_catalogue(base_archive, 2025, "3")
    assert [row.code for row in catalogue.rows] == ["3-2025-S02-0001", "3-2025-S04-0001"]
    assert catalogue.file_stem == "电子目录-Z001-2025-C3"
    assert [row.remarks for row in catalogue] == ["records/3/2025/3-2025-S02-0001.yaml",
                                                  "records/3/2025/3-2025-S04-0001.yaml"]
    with_drafts = build_catalogue(base_archive, include_drafts=True)
    assert [row.code for row in with_drafts.rows] == [*FILED, "D-2025-S02-0001"]
    assert not list(base_archive.parent.glob("电子目录*"))


def test_default_output_is_the_current_folder(base_archive, run, tmp_path, monkeypatch):
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    result = run("--archive", base_archive, "render", "catalogue", "--category", "5", "--lang", "zh")
    assert result.code == 0
    assert "已写出 电子目录-Z001-C5.xlsx：共 1 件，其中已装订 0 件" in result.out
    assert sorted(p.name for p in here.iterdir()) == ["电子目录-Z001-C5.csv", "电子目录-Z001-C5.xlsx"]


@pytest.mark.parametrize("args", [
    ["--format", "pdf"],
    ["--category", "7"],
    ["--year", "twenty"],
    ["--year", "25"],
    ["--no-such-option"],
    ["extra-argument"],
])
def test_usage_errors_exit_2(base_archive, run, out, args):
    result = render(run, base_archive, out, *args)
    assert result.code == 2, result
    assert not out.exists()


def test_output_that_is_a_file_is_a_usage_error(base_archive, run, tmp_path):
    target = tmp_path / "a-file"
    target.write_text("x")
    result = render(run, base_archive, target)
    assert result.code == 2 and "is a file: name a folder, or a file ending in .xlsx, .csv" in result.err
    assert target.read_text() == "x"


def test_unreadable_item_is_named_and_exits_1(base_archive, run, out):
    (base_archive / "records/3/2025/3-2025-S04-0001.yaml").write_bytes(b"code: [unclosed\n")
    result = render(run, base_archive, out, "--category", "3", "--format", "csv")
    assert result.code == 1
    assert "records/3/2025/3-2025-S04-0001.yaml:2:1: yaml:" in result.err
    assert "1 item file(s) could not be read and are missing from the catalogue" in result.err
    rows = (out / "电子目录-Z001-C3.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 2 and "3-2025-S02-0001" in rows[1]
    assert "Traceback" not in result.out + result.err


def test_render_help_lists_every_render_command(run):
    result = run("render", "--help")
    assert result.code == 0 and "catalogue" in result.out
    assert "volume" in result.out
    assert "--include-drafts" in run("render", "catalogue", "--help").out


def test_sample_archive_catalogue_is_sane(run, out, monkeypatch):
    act_as(monkeypatch, SAMPLE_SEES_ALL)
    result = run("--archive", SAMPLE, "render", "catalogue", "--year", "2025", "--output", out, "--lang", "en")
    assert result.code == 0, result.err
    workbook = openpyxl.load_workbook(out / "电子目录-Z001-2025.xlsx")
    expected = build_catalogue(SAMPLE, 2025)
    assert codes_of(workbook) == [row.code for row in expected.rows] and len(expected.rows) > 100
    for sheet in workbook.worksheets[1:]:
        category = sheet.title.split()[0]
        for row in rows_of(sheet):
            assert row[1].startswith(f"{category}-2025-") and isinstance(row[3], dt.datetime)
            assert isinstance(row[6], int) and row[6] >= 1 and row[5] and row[2]
    csv_rows = list(csv.reader(io.StringIO((out / "电子目录-Z001-2025.csv").read_text(encoding="utf-8-sig"))))
    assert len(csv_rows) == len(expected.rows) + 1
