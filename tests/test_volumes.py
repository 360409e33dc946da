"""Paper volumes: `render volume`, `bind`, `check-paper` and the `bound-changed` rule, in real
git repositories, with the PDFs read back (pdftotext word boxes, pypdf).

The archive is tests/fixtures/base with tests/fixtures/volumes laid over it: category 3,
2025 holds three filed items in two sections (a credit limit with a scanned PNG and a debt
ledger in S02, export terms with a two-page US-Letter PDF in S04) and one draft. It is
rendered and bound once per module; tests that change it work on copies (the render
cache comes along, so they stay fast).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pdfa_check
import pytest
from pypdf import PdfReader, PdfWriter

from conftest import FIXTURES, TODAY, copy_archive, git, init_repo
from dossier.paper import volumes
from dossier.cli.main import main
from dossier.archive.config import open_archive
from dossier.archive.loader import load_file
from dossier.paper.render.cache import cache_folder
from dossier.paper.render.readback import cells, read_volume, Word

VOLUME = "Z001-KH·2025-D30-C3-V01"
SUPPLEMENT = "Z001-KH·2025-D30-C3-V02"
CODES = ["3-2025-S02-0001", "3-2025-S02-0002", "3-2025-S04-0001"]  # filed, in volume order
DRAFT = "3-2025-S02-0003"
ARCHIVIST = "zhou.jing@example.cn"


def dossier(root: Path, *args: str) -> tuple[int, str, str]:
    """`dossier --archive ROOT ARGS…` in-process (usable in module-scoped fixtures)."""
    out, err = io.StringIO(), io.StringIO()
    saved = os.environ.get("DOSSIER_TODAY")
    os.environ["DOSSIER_TODAY"] = TODAY
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--archive", str(root), *map(str, args)])
    finally:
        if saved is None:
            os.environ.pop("DOSSIER_TODAY", None)
        else:
            os.environ["DOSSIER_TODAY"] = saved
    return code, out.getvalue(), err.getvalue()


def make_archive(target: Path) -> Path:
    root = copy_archive(FIXTURES / "base", target)
    shutil.copytree(FIXTURES / "volumes" / "records", root / "records", dirs_exist_ok=True)
    with open(root / "access.yaml", "a", encoding="utf-8") as access:  # the archivist may read what she prints
        access.write("  - {person: zhou.jing, category: 3, approved_by: li.na, approved_on: 2025-01-10, "
                     "expires: 2027-01-10, reason: 年度装订}\n")
    init_repo(root, ARCHIVIST)
    return root


def head(root: Path, rev: str = "HEAD") -> str:
    return git(root, "rev-parse", rev).strip()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The archive rendered before binding, then bound and rendered again."""
    base = tmp_path_factory.mktemp("volumes")
    root = make_archive(base / "archive")
    draft_pdf = base / "draft"
    code, out, err = dossier(root, "render", "volume", "3", "2025", "--output", draft_pdf, "--lang", "en")
    assert code == 0, err
    unbound_commit = head(root)
    code, bind_out, err = dossier(root, "bind", "3", "2025", "--checked-by", "li.na", "--lang", "en")
    assert code == 0, err
    bound_pdf = base / "bound"
    code, out, err = dossier(root, "render", "volume", "3", "2025", "--output", bound_pdf, "--lang", "en")
    assert code == 0 and err == "", err
    return {"root": root, "draft": draft_pdf / f"{VOLUME}.pdf", "pdf": bound_pdf / f"{VOLUME}.pdf",
            "unbound_commit": unbound_commit, "bind_out": bind_out, "render_out": out}


@pytest.fixture
def bound_copy(built, tmp_path) -> Path:
    """A private copy of the bound repository (with its render cache)."""
    return Path(shutil.copytree(built["root"], tmp_path / "archive", symlinks=True))


def manifest(root: Path, number: str = VOLUME) -> dict:
    return load_file(root / "volumes" / f"{number}.yaml", f"volumes/{number}.yaml").data


def body_ranges(pdf) -> dict[str, tuple[int, int]]:
    """Each item's pages in the PDF, found from the page numbers stamped on the pages: an item
    starts on the page that shows its electronic code in its form."""
    starts = {}
    for position, index in enumerate(pdf.body, 1):
        text = pdf.pages[index].text
        for code in CODES:
            if f"电子编码{code}" in text and code not in starts:
                starts[code] = position
    ordered = sorted(starts.items(), key=lambda kv: kv[1])
    return {code: (first, (ordered[n + 1][1] - 1) if n + 1 < len(ordered) else len(pdf.body))
            for n, (code, first) in enumerate(ordered)}


# --- the rendered volume ----------------------------------------------------------------------


def test_the_cover_carries_the_gbt_9705_fields(built):
    pdf = read_volume(built["pdf"])
    cover = pdf.cover.text
    assert pdf.archive_number == VOLUME
    for expected in ("档号Z001-KH·2025-D30-C3-V01", "全宗名称太原龙城会馆（全宗号Z001）", "类目名称客户档案（KH）·第3类欠款还款",
                     "案卷题名太原龙城会馆销售部2025年度客户档案·欠款还款（定期30年）第1卷",
                     "起止日期自2025年4月10日至2025年7月5日", "保管期限定期30年", "密级机密",
                     "立卷时间2026年11月23日"):
        assert expected in cover, (expected, cover)
    assert pdf.cover_count("件数", "件") == 3  # the draft stays out
    assert pdf.cover_count("页数", "页") == len(pdf.body)
    assert "未装订" not in cover and "未装订" in read_volume(built["draft"]).cover.text


def test_every_contents_row_has_its_archive_number_page_range_and_electronic_code(built):
    root, pdf = built["root"], read_volume(built["pdf"])
    data = manifest(root)
    commit = data["bound_from"]
    assert commit == built["unbound_commit"]
    actual = body_ranges(pdf)
    assert [row.index for row in pdf.rows] == [1, 2, 3]
    for row, entry, code in zip(pdf.rows, data["items"], CODES):
        record = load_file(root / f"records/3/2025/{code}.yaml", code).data
        assert row.archive_number == entry["archive_number"] == record["paper"]["archive_number"]
        assert row.page_range() == (entry["first_page"], entry["last_page"]) == actual[code]
        assert row.code == code and row.address == f"records/3/2025/{code}.yaml" and row.commit == commit[:10]
        assert row.title == record["title"].replace(" ", "") and row.date == record["date"].replace("-", "")
        assert row.secrecy == record["secrecy"] and row.responsible == "太原龙城会馆销售部"
    assert [r.archive_number for r in pdf.rows] == [f"Z001-KH·2025-D30-C3-{n:04d}" for n in (1, 2, 3)]
    # sections 卷章 S02 then S04, in code order; the draft is not in the volume
    contents = "".join(pdf.pages[i].text for i in pdf.contents)
    assert contents.index("卷章S02客户经理王伟") < contents.index("卷章S04客户经理陈晓雨")
    assert DRAFT not in contents


def test_page_numbers_run_through_items_and_attachments_and_nowhere_else(built):
    pdf = read_volume(built["pdf"])
    assert [pdf.pages[i].stamp() for i in pdf.body] == list(range(1, len(pdf.body) + 1))
    assert pdf.contents == [1] and len(pdf.back) == 1
    assert pdf.body == list(range(2, len(pdf.pages) - 1))
    for index in [0, *pdf.contents, *pdf.back]:  # cover, contents, 备考表: no number in the corner
        page = pdf.pages[index]
        assert page.stamp() is None
        assert not [w for w in page.words if w.y0 < 70 and w.x1 > page.width - 70]
    assert "卷内备考表" in pdf.pages[pdf.back[0]].text and "卷内目录" in pdf.pages[1].text


def test_attachments_are_in_place_and_the_page_count_adds_up(built):
    pdf = read_volume(built["pdf"])
    reader = PdfReader(built["pdf"])
    ranges = body_ranges(pdf)
    # the export terms: their own page, then the two pages of the PDF attachment, fitted to A4
    first, last = ranges["3-2025-S04-0001"]
    assert last - first + 1 == 1 + 2
    attachment = [pdf.pages[pdf.body[n - 1]].text for n in (first + 1, first + 2)]
    assert "STANDBYLETTEROFCREDIT" in attachment[0] and "SBLC-2025-0417" in attachment[0]
    assert "GUARANTEETERMS" in attachment[1]
    for n in (first + 1, first + 2):
        box = reader.pages[pdf.body[n - 1]].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    # the credit limit: its page, then the scan on a page of its own, scaled to the page
    first, last = ranges["3-2025-S02-0001"]
    assert last - first + 1 == 2
    scan = reader.pages[pdf.body[last - 1]]
    assert len(scan.images) == 1 and "附件1签字页扫描件" in pdf.pages[pdf.body[last - 1]].text
    # every numbered page belongs to one item, and front + body + back is the whole file
    assert sum(b - a + 1 for a, b in ranges.values()) == len(pdf.body) == manifest(built["root"])["pages"]
    assert len(reader.pages) == 1 + len(pdf.contents) + len(pdf.body) + len(pdf.back)
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline[:2] == ["案卷封面", "卷内目录"] and outline[-1] == "卷内备考表"


def test_the_back_table_names_the_electronic_counterpart(built):
    root = built["root"]
    pdf = read_volume(built["pdf"])
    back = pdf.back_text
    assert manifest(root)["bound_from"] in back
    assert sha256(root / "volumes" / f"{VOLUME}.yaml") in back
    assert f"volumes/{VOLUME}.yaml" in back
    # no repository in archive.yaml and no server remote: it says so, never a folder of this computer
    assert str(root) not in back and "/tmp" not in back and "未登记" in back and "repository" in back
    assert "立卷人：周静" in back and "检查人：李娜" in back and "立卷时间：2026年11月23日" in back
    assert "本卷共有文件3件" in back and f"{DRAFT}" in back  # the draft left out is accounted for
    assert "本卷文件齐全，无缺件、无破损。" in back and "样稿" not in back
    draft = read_volume(built["draft"]).back_text
    assert built["unbound_commit"] in draft and "尚未装订" in draft
    # a draft asserts nothing it has not checked: it says it is a draft
    assert "样稿" in draft and "本卷为样稿" in draft and "齐全，无缺件" not in draft


def test_the_back_table_names_the_configured_repository(built, tmp_path):
    root = Path(shutil.copytree(built["root"], tmp_path / "archive", symlinks=True))
    with open(root / "archive.yaml", "a", encoding="utf-8") as settings:
        settings.write("repository: {name: 销售部客户档案库, url: 'https://git.example.cn/sales/archive.git'}\n")
    git(root, "remote", "add", "origin", str(tmp_path / "elsewhere.git"))  # a local path: never shown
    assert dossier(root, "render", "volume", "3", "2025", "--output", tmp_path / "pdf")[0] == 0
    back = read_volume(tmp_path / "pdf" / f"{VOLUME}.pdf").back_text
    assert "销售部客户档案库（https://git.example.cn/sales/archive.git）" in back and "elsewhere" not in back


def test_repository_names_a_server_never_a_folder():
    assert volumes.repository_name({"name": "客户档案库"}, "/srv/x.git") == "客户档案库"
    assert volumes.repository_name(None, "git@git.example.cn:sales/a.git") == "git@git.example.cn:sales/a.git"
    assert volumes.repository_name(None, "https://git.example.cn/a.git") == "https://git.example.cn/a.git"
    for local in ("/home/li/archive", "file:///srv/a.git", "../a.git", "C:\\archive", ""):
        assert volumes.repository_name(None, local) == volumes.UNNAMED_REPOSITORY, local


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def test_a_signature_block_never_stands_on_a_page_without_its_items_archive_number(tmp_path):
    """A ledger just long enough to run over to a second page (with 11 more entries, the
    stylesheet of before left the totals row and the signatures alone under a repeated header):
    its continuation page names the item by 档号 and title, and carries its last rows, the
    totals and the signatures; every page holding signatures names its item."""
    root = make_archive(tmp_path / "archive")
    item = root / "records/3/2025/3-2025-S02-0002.yaml"
    lines = "".join(f"  - {{date: 2025-04-{1 + n % 28:02d}, kind: charge, amount: 10.00 CNY, due: 2025-06-30, "
                    f"reference: KF2504{n:04d}}}\n" for n in range(11))
    text = item.read_text(encoding="utf-8").replace("  closing_balance: 8400.00 CNY",
                                                    lines + "  closing_balance: 8510.00 CNY")
    item.write_text(text, encoding="utf-8")
    git(root, "commit", "-qam", "长台账")
    code, _, err = dossier(root, "render", "volume", "3", "2025", "--output", tmp_path / "pdf", "--jobs", "1")
    assert code == 0, err
    pages = page_texts(tmp_path / "pdf" / f"{VOLUME}.pdf")
    numbers = re.compile(r"Z001-KH·2025-D30-C3-\d{4}")
    signed = [text for text in pages if "直接领导审批" in text]
    assert len(signed) == 3 and all(numbers.search(text) for text in signed)
    ledger = [text for text in pages if "档号 Z001-KH·2025-D30-C3-0002" in text]
    assert len(ledger) == 2 and "直接领导审批" in ledger[-1] and "山西晋能集团2025年上半年欠款还款台账" in ledger[-1]
    assert "直接领导审批" not in "".join(ledger[:-1])  # the block stays whole, on the item's last page
    # and the totals row never stands alone under the repeated header: the last rows come with it
    assert "KF25040009" in ledger[-1] and "KF25040010" in ledger[-1] and "计（14 笔）" in ledger[-1]


def test_the_catalogue_counts_the_pages_the_volume_prints_and_bind_says_where_they_differ(tmp_path):
    root = make_archive(tmp_path / "archive")
    item = root / "records/3/2025/3-2025-S02-0002.yaml"
    item.write_text(item.read_text(encoding="utf-8").replace("\npages: 1\n", "\npages: 5\n"), encoding="utf-8")
    git(root, "commit", "-qam", "页数登记为 5")
    code, _, err = dossier(root, "bind", "3", "2025", "--lang", "en")
    assert code == 0, err
    assert "3-2025-S02-0002 says it has 5 page(s)" in err and "but it takes 1 in" in err
    printed = {i["code"]: i["last_page"] - i["first_page"] + 1 for i in manifest(root)["items"]}
    assert dossier(root, "render", "catalogue", "--year", "2025", "--category", "3", "--format", "csv",
                   "--output", tmp_path / "cat")[0] == 0
    [csv_file] = (tmp_path / "cat").glob("*.csv")
    rows = {row[1]: row for row in __import__("csv").reader(io.StringIO(csv_file.read_text(encoding="utf-8-sig")))
            if len(row) > 6 and row[1] in printed}
    assert {code: int(row[6]) for code, row in rows.items()} == printed
    assert dossier(root, "render", "volume", "3", "2025", "--output", tmp_path / "pdf")[0] == 0
    cover = read_volume(tmp_path / "pdf" / f"{VOLUME}.pdf")
    assert f"{sum(printed.values())}页" in cover.pages[0].text.replace(" ", "")


def test_items_are_laid_out_by_their_types_template_with_chinese_labels(built):
    pdf = read_volume(built["pdf"])
    ranges = body_ranges(pdf)
    ledger = "".join(pdf.pages[pdf.body[n - 1]].text for n in range(ranges["3-2025-S02-0002"][0],
                                                                    ranges["3-2025-S02-0002"][1] + 1))
    for expected in ("全宗号年度保管期限件号Z0012025定期30年0002", "欠款还款台账", "台账期间2025年1月1日至2025年6月30日",
                     "期初余额12,000.00元", "序号日期摘要单据号欠款金额还款金额应还日期", "20250203欠款（签单）CY2502030123,770.00元",
                     "合计（3笔）32,170.00元35,770.00元", "客户签字经办人直接领导审批", "王建国", "张敏"):
        assert expected in ledger, expected
    export = pdf.pages[pdf.body[ranges["3-2025-S04-0001"][0] - 1]].text
    for expected in ("卷章S04", "外销客户付款方式及授信", "付款方式电汇", "授信金额EUR50,000.00", "生效日期2025年5月10日",
                     "附件1.备用信用证及保函复印件（3-2025-S04-0001.scan.pdf，2页）"):
        assert expected in export, expected


def test_a_contract_has_its_own_template(tmp_path):
    from dossier.paper.render.items import Context
    from dossier.paper.render.model import Names

    root = copy_archive(FIXTURES / "base", tmp_path / "archive")
    archive = open_archive(root)
    context = Context(archive)
    item = load_file(root / "records/2/2025/2-2025-S02-0001.yaml", "x").data
    piece = volumes.Piece(volumes.codes.parse(item["code"]), "records/2/2025/2-2025-S02-0001.yaml", item, "", [], 1,
                          "Z001-KH·2025-D30-C2-0001", heading="start")
    html = context.item_html(piece)
    for expected in ("甲方", "太原龙城会馆销售部", "乙方", "合同编号", "HT-2025-008", "自 2025年4月1日 至 2026年3月31日",
                     "360,000.00 元", "履行中", "卷章 S02", "客户经理　王伟"):
        assert expected in html, expected
    assert isinstance(context.names, Names)


# --- binding ----------------------------------------------------------------------------------


def test_bind_numbers_the_items_writes_the_manifest_and_commits(built):
    root = built["root"]
    assert f"bound {VOLUME}: 3 item(s), piece(s) 0001–0003" in built["bind_out"]
    data = manifest(root)
    assert data["archive_number"] == VOLUME and data["volume"] == "V01" and data["category"] == "3"
    assert data["year"] == 2025 and data["retention"] == "D30" and data["bound_by"] == "zhou.jing"
    assert data["checked_by"] == "li.na" and data["bound_on"] == TODAY and data["pages"] >= 6
    assert data["bound_from"] == head(root, "HEAD~1")
    page = 1
    for n, (entry, code) in enumerate(zip(data["items"], CODES), 1):
        path = root / f"records/3/2025/{code}.yaml"
        record = load_file(path, code).data
        assert entry["code"] == code and entry["piece"] == n and entry["first_page"] == page
        page = entry["last_page"] + 1
        assert entry["sha256"] == sha256(path)  # the item as bound
        assert record["status"] == "bound"
        assert record["paper"] == {"archive_number": f"Z001-KH·2025-D30-C3-{n:04d}", "volume": VOLUME,
                                   "shelf": f"A区3排 {VOLUME}"}
        for attachment in entry.get("attachments", []):
            assert attachment["sha256"] == sha256(path.parent / attachment["file"])
    assert [len(e.get("attachments", [])) for e in data["items"]] == [1, 0, 1]
    assert load_file(root / f"records/3/2025/{DRAFT}.yaml", DRAFT).data["status"] == "draft"
    # only the status line changed and the paper block came in: flow mappings and order kept
    diff = git(root, "diff", "HEAD~1", "HEAD", "--", "records/3/2025/3-2025-S02-0001.yaml")
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == ["-status: filed", "+status: bound", "+paper:", "+  archive_number: Z001-KH·2025-D30-C3-0001",
                       f"+  volume: {VOLUME}", f"+  shelf: A区3排 {VOLUME}"]
    message = git(root, "log", "-1", "--format=%B")
    assert message.startswith(f"Bind {VOLUME}: 年度装订 annual binding")
    assert "Reason: 年度装订 annual binding\nDossier-Action: bind\n" in message
    assert all(f"Dossier-Item: {code}" in message for code in CODES) and DRAFT not in message
    assert git(root, "status", "--porcelain") == ""
    assert dossier(root, "validate")[0] == 0


def test_rendering_a_bound_volume_again_gives_the_same_page_ranges(built, bound_copy):
    code, out, err = dossier(bound_copy, "render", "volume", "3", "2025", "--output", bound_copy.parent / "again",
                             "--no-cache", "--lang", "en")
    assert code == 0 and err == ""
    again = read_volume(bound_copy.parent / "again" / f"{VOLUME}.pdf")
    first = read_volume(built["pdf"])
    assert [r.page_range() for r in again.rows] == [r.page_range() for r in first.rows] == \
        [(e["first_page"], e["last_page"]) for e in manifest(bound_copy)["items"]]
    # and the draft rendered before binding had them too
    assert [r.page_range() for r in read_volume(built["draft"]).rows] == [r.page_range() for r in first.rows]


def test_binding_again_makes_a_supplement_volume_and_leaves_the_bound_one_alone(bound_copy):
    root = bound_copy
    before = (root / "volumes" / f"{VOLUME}.yaml").read_bytes()
    late = root / "records/3/2025/3-2025-S04-0002.yaml"
    text = (root / "records/3/2025/3-2025-S04-0001.yaml").read_text(encoding="utf-8")
    text = text.replace("3-2025-S04-0001", "3-2025-S04-0002").replace("status: bound", "status: filed")
    late.write_text(re.sub(r"paper:\n(  .*\n)+", "", text).replace("付款方式及授信登记", "授信补充登记"), encoding="utf-8")
    shutil.copy(root / "records/3/2025/3-2025-S04-0001.scan.pdf", root / "records/3/2025/3-2025-S04-0002.scan.pdf")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Late item")
    code, out, err = dossier(root, "bind", "3", "2025", "--lang", "en")
    assert code == 0, err
    assert f"bound {SUPPLEMENT}: 1 item(s), piece(s) 0004" in out
    assert (root / "volumes" / f"{VOLUME}.yaml").read_bytes() == before
    data = manifest(root, SUPPLEMENT)
    assert data["supplement_to"] == VOLUME and [e["piece"] for e in data["items"]] == [4]
    assert data["items"][0]["first_page"] == 1 and "补充卷" in data["notes"][0]
    assert load_file(late, "x").data["paper"]["archive_number"] == "Z001-KH·2025-D30-C3-0004"
    assert git(root, "-c", "core.quotePath=false", "show", "--name-only", "--format=", "HEAD").split() == [
        "records/3/2025/3-2025-S04-0002.yaml", f"volumes/{SUPPLEMENT}.yaml"]
    code, out, err = dossier(root, "render", "volume", "3", "2025", "--output", root.parent / "pdf", "--lang", "en")
    assert code == 0 and f"volume {SUPPLEMENT}, 1 item(s)" in out
    back = read_volume(root.parent / "pdf" / f"{VOLUME}.pdf").back_text
    assert f"另立补充卷{SUPPLEMENT}" in back  # the late addition, noted in the bound volume's 备考表
    assert read_volume(root.parent / "pdf" / f"{SUPPLEMENT}.pdf").cover.text.count("补充卷") >= 1
    assert dossier(root, "bind", "3", "2025", "--lang", "en")[2].startswith("category 3, 2025 has no filed item")


def test_bind_refuses_uncommitted_changes_and_damaged_attachments(tmp_path):
    root = make_archive(tmp_path / "archive")
    scan = root / "records/3/2025/3-2025-S02-0001.scan-1.png"
    scan.write_bytes(scan.read_bytes() + b"x")
    code, out, err = dossier(root, "bind", "3", "2025", "--lang", "en")
    assert code == 1 and "3-2025-S02-0001.scan-1.png is damaged" in err
    git(root, "checkout", "-q", "--", ".")
    item = root / "records/3/2025/3-2025-S02-0002.yaml"
    item.write_text(item.read_text(encoding="utf-8") + "remarks: 待核\n", encoding="utf-8")
    code, out, err = dossier(root, "bind", "3", "2025", "--lang", "en")
    assert code == 1 and "uncommitted changes in records/3/2025/3-2025-S02-0002.yaml" in err
    assert not (root / "volumes").exists()
    assert git(root, "log", "--format=%s").splitlines() == ["Initial archive"]


def test_only_items_that_validate_are_bound(tmp_path):
    root = make_archive(tmp_path / "archive")
    item = root / "records/3/2025/3-2025-S02-0002.yaml"  # filed
    item.write_text(item.read_text(encoding="utf-8").replace("retention: D30", "retention: 5"), encoding="utf-8")
    git(root, "commit", "-qam", "a slip")
    code, out, err = dossier(root, "bind", "3", "2025", "--lang", "en")
    assert code == 1 and re.match(r"records/3/2025/3-2025-S02-0002\.yaml:\d+:\d+: schema: retention", err), err
    assert not (root / "volumes").exists() and git(root, "log", "-1", "--format=%s").strip() == "a slip"


def test_an_item_whose_attachments_are_not_a_list_is_never_bound_without_them(tmp_path):
    root = make_archive(tmp_path / "archive")
    item = root / "records/3/2025/3-2025-S02-0001.yaml"
    text = item.read_text(encoding="utf-8")
    item.write_text(text.replace("attachments:\n", "attachments: scan-1.png\nleft_over:\n", 1), encoding="utf-8")
    git(root, "commit", "-qam", "a slip")
    line = 1 + text[:text.index("attachments:")].count("\n")
    code, out, err = dossier(root, "bind", "3", "2025", "--lang", "en")
    assert code == 1 and f"3-2025-S02-0001.yaml:{line}:14: schema: attachments must be a list" in err
    assert not (root / "volumes").exists() and "Traceback" not in err
    assert dossier(root, "index", "update")[0] == 0  # and the index reads it without a crash


def test_an_item_of_a_shape_its_type_does_not_allow_stops_the_volume_naming_it(tmp_path):
    root = make_archive(tmp_path / "archive")
    ledger = root / "records/3/2025/3-2025-S02-0002.yaml"
    ledger.write_text(ledger.read_text(encoding="utf-8").replace("  entries:\n", "  entries: 5\n  was:\n", 1),
                      encoding="utf-8")
    code, out, err = dossier(root, "render", "volume", "3", "2025", "--output", tmp_path / "out", "--lang", "en")
    assert code == 1 and "records/3/2025/3-2025-S02-0002.yaml:0:0: render: 3-2025-S02-0002 holds a value" in err
    assert "internal error" not in err and not list((tmp_path / "out").glob("*.pdf"))


# --- validate: bound items are frozen ------------------------------------------------------------


def test_validate_reports_a_bound_item_changed_afterwards(bound_copy):
    root = bound_copy
    item = root / "records/3/2025/3-2025-S02-0002.yaml"
    text = item.read_text(encoding="utf-8")
    item.write_text(text.replace("reconciled: true", "reconciled: false"), encoding="utf-8")
    code, out, err = dossier(root, "validate", "--lang", "en")
    assert code == 1
    line = text[:text.index("reconciled: true")].count("\n") + 1  # where it changed: the line, the column
    column = len(text[:text.index("reconciled: true")].rsplit("\n", 1)[-1]) + len("reconciled: ") + 1
    assert (f"records/3/2025/3-2025-S02-0002.yaml:{line}:{column}: bound-changed: records/3/2025/3-2025-S02-0002.yaml "
            f"changed after it was bound into {VOLUME}") in out, out
    git(root, "checkout", "-q", "--", ".")
    scan = root / "records/3/2025/3-2025-S02-0001.scan-1.png"
    scan.write_bytes(scan.read_bytes() + b"x")
    out = dossier(root, "validate", "--lang", "en")[1]
    assert "bound-changed: attachment 3-2025-S02-0001.scan-1.png of records/3/2025/3-2025-S02-0001.yaml changed" in out
    assert re.search(r"records/3/2025/3-2025-S02-0001\.yaml:[1-9]\d*:[1-9]\d*: bound-changed: attachment", out), out
    git(root, "checkout", "-q", "--", ".")
    (root / "records/3/2025/3-2025-S04-0001.yaml").unlink()
    out = dossier(root, "validate", "--lang", "zh")[1]
    assert re.search(rf"volumes/{VOLUME}\.yaml:\d+:\d+: bound-changed: 3-2025-S04-0001 已装订入 {VOLUME}", out)
    git(root, "checkout", "-q", "--", ".")
    assert dossier(root, "validate")[0] == 0


# --- check-paper ----------------------------------------------------------------------------------


def test_check_paper_passes_on_the_rendered_volume(built):
    code, out, err = dossier(built["root"], "check-paper", "3", "2025", "--pdf", built["pdf"], "--lang", "en")
    assert code == 0 and "1 volume(s) checked" in out, out + err


def test_check_paper_finds_a_missing_page_and_a_record_changed_since(built, bound_copy, tmp_path):
    tampered = tmp_path / f"{VOLUME}.pdf"
    writer = PdfWriter(clone_from=built["pdf"])
    pdf = read_volume(built["pdf"])
    del writer.pages[pdf.body[1]]  # the second numbered page goes missing
    writer.write(tampered)
    code, out, err = dossier(bound_copy, "check-paper", "3", "2025", "--pdf", tampered, "--lang", "en")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (f"{tampered}: page(s) 2 of the items are missing (page 3 follows page 1): the items take "
                        f"{len(pdf.body) - 1} numbered page(s), the manifest says {len(pdf.body)}; print the missing "
                        "page(s) of the volume again")
    assert len(lines) == 2 and "1 problem(s) in 1 volume(s)" in lines[-1], out  # one line, not one per page after it
    order = list(range(len(PdfReader(built["pdf"]).pages)))
    order[pdf.body[1]], order[pdf.body[2]] = order[pdf.body[2]], order[pdf.body[1]]
    writer = PdfWriter()
    for index in order:
        writer.add_page(PdfReader(built["pdf"]).pages[index])
    writer.write(tampered)  # two pages swapped: not a missing run, said page by page
    out = dossier(bound_copy, "check-paper", "3", "2025", "--pdf", tampered, "--lang", "en")[1]
    assert f"{tampered}: page 2 of the items is numbered 3, expected 2" in out, out

    item = bound_copy / "records/3/2025/3-2025-S02-0002.yaml"
    item.write_text(item.read_text(encoding="utf-8").replace("上半年欠款还款台账", "上半年台账"), encoding="utf-8")
    code, out, err = dossier(bound_copy, "check-paper", "3", "2025", "--pdf", built["pdf"], "--lang", "en")
    assert code == 1 and out.startswith("records/3/2025/3-2025-S02-0002.yaml: 题名 of 3-2025-S02-0002 reads "
                                        "'山西晋能集团2025年上半年欠款还款台账' in the contents")


def test_check_paper_finds_the_pdfs_by_their_archive_number_and_says_what_is_missing(built, bound_copy, tmp_path,
                                                                                     monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = dossier(bound_copy, "check-paper", "3", "2025", "--lang", "en")
    assert code == 1 and f"{VOLUME}.pdf: no PDF of volume {VOLUME} here; render it with" in out
    shutil.copy(built["pdf"], tmp_path / f"{VOLUME}.pdf")
    assert dossier(bound_copy, "check-paper", "3", "2025")[0] == 0
    code, out, err = dossier(bound_copy, "check-paper", "2", "2025", "--lang", "en")
    assert code == 1 and "category 2, 2025 has no bound volume to check; bind it with `dossier bind 2 2025`" in err


# --- splitting, ordering, fonts ------------------------------------------------------------------


def test_a_volume_longer_than_volume_max_pages_splits(tmp_path):
    root = copy_archive(FIXTURES / "base", tmp_path / "archive")
    settings = root / "archive.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("volume_max_pages: 300", "volume_max_pages: 20"),
                        encoding="utf-8")
    template = (root / "records/3/2025/3-2025-S02-0001.yaml").read_text(encoding="utf-8")
    blank = PdfWriter()
    for _ in range(9):
        blank.add_blank_page(612, 792)
    for serial in (1, 2, 3):  # three items of 1 + 9 pages each: 20 pages fit, the third goes on
        code = f"3-2025-S02-{serial:04d}"
        name = f"{code}.scan.pdf"
        with open(root / "records/3/2025" / name, "wb") as handle:
            blank.write(handle)
        text = template.replace("3-2025-S02-0001", code).replace("\ncontent:", "\nattachments:\n  - {file: " + name +
                                                                    ", sha256: " + sha256(root / "records/3/2025" / name) +
                                                                    ", pages: 9}\ncontent:")
        (root / f"records/3/2025/{code}.yaml").write_text(text, encoding="utf-8")
    (root / "records/3/2025/3-2025-S04-0001.yaml").unlink()
    init_repo(root, ARCHIVIST)
    code, out, err = dossier(root, "render", "volume", "3", "2025", "--output", tmp_path / "pdf", "--lang", "en")
    assert code == 0, err
    first, second = (read_volume(tmp_path / "pdf" / f"Z001-KH·2025-D30-C3-V0{n}.pdf") for n in (1, 2))
    assert [r.code for r in first.rows] == ["3-2025-S02-0001", "3-2025-S02-0002"] and len(first.body) == 20
    assert [r.code for r in second.rows] == ["3-2025-S02-0003"] and len(second.body) == 10
    assert second.rows[0].archive_number == "Z001-KH·2025-D30-C3-0003"  # pieces run on
    assert [p.stamp() for p in (second.pages[i] for i in second.body)] == list(range(1, 11))
    assert "卷章S02（续）" in second.pages[second.body[0]].text  # the section goes on from V01
    assert "分为2卷，本卷为第2卷" in second.back_text


def stub_layout(pages: dict[str, int] | None = None):
    def layout(pieces):
        for piece in pieces:
            piece.pages = (pages or {}).get(str(piece.code), 1)
    return layout


def test_contracts_stand_in_signing_date_order_within_their_section_and_retentions_make_volumes(tmp_path):
    root = copy_archive(FIXTURES / "base", tmp_path / "archive")
    contract = (root / "records/2/2025/2-2025-S02-0001.yaml").read_text(encoding="utf-8")
    variants = {2: ("2025-03-01", "D30"), 3: ("2025-01-15", "D30"), 4: ("2025-02-01", "Y")}
    for serial, (signed, keep) in variants.items():
        text = contract.replace("2-2025-S02-0001", f"2-2025-S02-{serial:04d}").replace("signed: 2025-04-02", f"signed: {signed}")
        (root / f"records/2/2025/2-2025-S02-{serial:04d}.yaml").write_text(text.replace("retention: D30", f"retention: {keep}"),
                                                                            encoding="utf-8")
    plan = volumes.plan(open_archive(root), "2", 2025, stub_layout())
    assert [(v.archive_number, [str(p.code) for p in v.pieces]) for v in plan.volumes] == [
        ("Z001-KH·2025-Y-C2-V01", ["2-2025-S02-0004"]),
        ("Z001-KH·2025-D30-C2-V01", ["2-2025-S02-0003", "2-2025-S02-0002", "2-2025-S02-0001"]),
    ]
    assert [p.piece for p in plan.volumes[1].pieces] == [1, 2, 3]
    assert [p.page_range for p in plan.volumes[1].pieces] == ["1", "2", "3"]
    assert [p.heading for p in plan.volumes[1].pieces] == ["start", None, None]


def test_without_a_chinese_font_render_stops_and_names_the_package(built, tmp_path, monkeypatch):
    empty = tmp_path / "fonts.conf"
    empty.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig></fontconfig>\n')
    monkeypatch.setenv("FONTCONFIG_FILE", str(empty))
    assert subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip() == ""
    for args in (("render", "volume", "3", "2025", "--output", tmp_path / "out"), ("bind", "3", "2025")):
        code, out, err = dossier(built["root"], *args, "--lang", "en")
        assert code == 1 and "no Chinese font is installed" in err and "sudo apt-get install fonts-noto-cjk" in err
    assert not (tmp_path / "out").exists()
    assert "请安装中文字体" in dossier(built["root"], "render", "volume", "3", "2025", "--output", tmp_path / "zh",
                                      "--lang", "zh")[2]


def test_items_render_the_same_in_worker_processes(built, tmp_path):
    from dossier.paper.render.items import Context, ItemRenderer

    root = Path(shutil.copytree(built["root"], tmp_path / "archive", symlinks=True,
                                ignore=shutil.ignore_patterns(".dossier")))
    archive = open_archive(root)
    with ItemRenderer(Context(archive), jobs=2) as renderer:
        renderer.parallel_threshold = 1
        plan = volumes.plan(archive, "3", 2025, renderer)
        assert renderer.rendered == 3
    assert [(p.first_page, p.last_page) for p in plan.volumes[0].pieces] == \
        [(e["first_page"], e["last_page"]) for e in manifest(root)["items"]]


# --- the render cache, fonts and the contents' pages ------------------------------------------------


def cached_documents(root: Path) -> set[str]:
    return {p.stem for p in cache_folder(root).glob("*.doc")}


def recorded(root: Path, volume: str = VOLUME) -> dict:
    return json.loads((cache_folder(root) / "volumes" / f"{volume}.json").read_text(encoding="utf-8"))


def test_one_changed_item_renders_again_alone_and_the_cache_drops_its_old_version(tmp_path):
    root = make_archive(tmp_path / "archive")
    assert dossier(root, "render", "volume", "3", "2025", "--output", tmp_path / "pdf")[0] == 0
    before = cached_documents(root)
    assert before == set(recorded(root)["documents"])  # cover, contents, three items, 备考表
    assert len(before) == 6 and len(recorded(root)["fonts"]) >= 2
    item = root / "records/3/2025/3-2025-S02-0002.yaml"
    item.write_text(item.read_text(encoding="utf-8").replace("上半年欠款还款台账", "上半年欠款还款台账（修订）"),
                    encoding="utf-8")
    git(root, "commit", "-qam", "Revise a title")
    from dossier.paper.render.items import Context, ItemRenderer
    from dossier.paper.render.volume import write_volume

    archive = open_archive(root)
    with ItemRenderer(Context(archive)) as renderer:
        volume = volumes.plan(archive, "3", 2025, renderer).volumes[0]
        assert renderer.rendered == 1  # the item; the other two come from the cache
        write_volume(renderer, volume, volumes.storage(root), tmp_path / "again.pdf")
        assert renderer.rendered == 3  # and the contents' page (its title, the new commit), the 备考表 (the commit)
        assert renderer.prune() == 3
    after = cached_documents(root)
    assert after == set(recorded(root)["documents"]) and len(after) == 6 and len(before & after) == 3
    assert "山西晋能集团2025年上半年欠款还款台账（修订）" in "".join(
        page.text for page in read_volume(tmp_path / "again.pdf").pages)


def test_the_cache_forgets_volumes_that_are_gone(tmp_path):
    root = make_archive(tmp_path / "archive")
    stale = cache_folder(root) / "volumes/Z001-KH·2025-D30-C3-V02.json"
    stale.parent.mkdir(parents=True)
    stale.write_text(json.dumps({"category": "3", "year": 2025, "documents": ["0" * 64], "fonts": []}))
    (cache_folder(root) / f"{'0' * 64}.doc").write_bytes(b"old")
    other = cache_folder(root) / "volumes/Z001-KH·2025-D30-C2-V01.json"  # another category: left alone
    other.write_text(json.dumps({"category": "2", "year": 2025, "documents": ["1" * 64], "fonts": []}))
    (cache_folder(root) / f"{'1' * 64}.doc").write_bytes(b"kept")
    assert dossier(root, "render", "volume", "3", "2025", "--output", tmp_path / "pdf")[0] == 0
    assert not stale.exists() and "0" * 64 not in cached_documents(root)
    assert other.exists() and "1" * 64 in cached_documents(root)


def test_each_font_is_embedded_once_for_the_whole_volume(built):
    reader = PdfReader(built["pdf"])
    programs: dict[str, set] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if font["/Subtype"] == "/Type0":
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
                program = descriptor.raw_get("/FontFile3" if "/FontFile3" in descriptor else "/FontFile2")
                programs.setdefault(font["/BaseFont"], set()).add(program.idnum)
    assert any("Noto-Serif-CJK-SC" in name for name in programs) and any("Noto-Sans-CJK-SC" in name for name in programs)
    assert all(len(found) == 1 for found in programs.values()), programs
    # and the text is still text: a title, a page number and the serif and sans fonts side by side
    assert "山西晋能集团2025年上半年欠款还款台账" in "".join(page.extract_text() for page in reader.pages)


# --- archival PDF (PDF/A-2b, dossier/pdfa.py) -------------------------------------------------------


def test_every_volume_is_pdfa_2b_with_the_volumes_metadata(built):
    """Draft and bound volume: header 1.7, XMP and document information agreeing (title =
    案卷题名, creator = 立卷单位, identifier = 档号, dates), sRGB output intent, identifier, every
    font embedded (pikepdf and pdffonts), the page numbers' font included."""
    for pdf in (built["draft"], built["pdf"]):
        assert pdfa_check.problems(pdf, creator="太原龙城会馆销售部", identifier=VOLUME) == []
        with pikepdf.open(pdf) as document:
            meta = document.open_metadata()
            assert meta["{http://purl.org/dc/elements/1.1/}title"].startswith("太原龙城会馆销售部2025年度客户档案·")
            assert meta["{http://purl.org/dc/elements/1.1/}date"] == ["2025-04-10", "2025-07-05"]  # the cover's 起止日期
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "Helvetica" not in fonts and "DossierPageNumber" in fonts


@pytest.mark.skipif(shutil.which("verapdf") is None, reason="veraPDF is not installed: the PDF/A properties are "
                    "checked with pikepdf and pdffonts only (test_every_volume_is_pdfa_2b_with_the_volumes_metadata)")
def test_verapdf_accepts_the_volumes(built):
    for pdf in (built["draft"], built["pdf"]):
        assert pdfa_check.verapdf(pdf) is None


def test_an_attached_pdf_with_a_font_it_does_not_embed_is_normalised(tmp_path):
    """A scan PDF whose text is set in Helvetica without embedding it (as many office printers
    write them) is converted by Ghostscript: its pages in the volume embed their font."""
    root = make_archive(tmp_path / "archive")
    attachment = root / "records/3/2025/3-2025-S04-0001.scan.pdf"
    attachment.write_bytes(helvetica_pdf("Page 1 of the statement"))
    assert "Helvetica" in subprocess.run(["pdffonts", str(attachment)], capture_output=True, text=True).stdout
    item = root / "records/3/2025/3-2025-S04-0001.yaml"
    item.write_text(re.sub(r"sha256: [0-9a-f]{64}, pages: 2", f"sha256: {sha256(attachment)}, pages: 1",
                           item.read_text(encoding="utf-8")), encoding="utf-8")
    git(root, "commit", "-qam", "单页附件")
    code, _, err = dossier(root, "render", "volume", "3", "2025", "--output", tmp_path / "pdf", "--jobs", "1")
    assert code == 0, err
    pdf = tmp_path / "pdf" / f"{VOLUME}.pdf"
    assert pdfa_check.problems(pdf) == []
    assert "Page 1 of the statement" in subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                                       text=True).stdout


def test_without_ghostscript_an_attached_pdf_stops_the_volume_naming_the_package(built, tmp_path, monkeypatch):
    root = Path(shutil.copytree(built["root"], tmp_path / "archive", symlinks=True))
    shutil.rmtree(root / ".dossier")
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kw: None if name == "gs" else "/usr/bin/" + name)
    code, _, err = dossier(root, "render", "volume", "3", "2025", "--output", tmp_path / "pdf", "--jobs", "1",
                           "--lang", "en")
    assert code == 1 and "Ghostscript" in err and "apt-get install ghostscript" in err and "Traceback" not in err


def test_fonts_that_cannot_be_shared_are_said_and_the_volume_stays_whole(built, tmp_path, monkeypatch):
    """If fontconfig finds no file a font subset was cut from, each document keeps its own
    subset: the volume is complete and still PDF/A, and render says so (never silently)."""
    from dossier.paper.render import fonts

    root = Path(shutil.copytree(built["root"], tmp_path / "archive", symlinks=True))
    shutil.rmtree(root / ".dossier")
    listed = fonts.faces
    monkeypatch.setattr(fonts, "faces", lambda pattern, match=False: listed(pattern, True) if match else [])
    code, _, err = dossier(root, "render", "volume", "3", "2025", "--output", tmp_path / "pdf", "--jobs", "1",
                           "--lang", "en")
    assert code == 0
    assert "embedded once per document instead of once per volume" in err and "Noto-Sans-CJK-SC" in err
    assert pdfa_check.problems(tmp_path / "pdf" / f"{VOLUME}.pdf") == []


def helvetica_pdf(text: str) -> bytes:
    """A one-page US-Letter PDF showing `text` in Helvetica, not embedded (a standard font)."""
    content = f"BT /F1 18 Tf 72 700 Td ({text}) Tj ET".encode()
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
               b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>",
               b"<</Length %d>>stream\n%s\nendstream" % (len(content), content),
               b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    start = len(out)
    out += b"xref\n0 6\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return bytes(out + b"trailer<</Root 1 0 R/Size 6>>\nstartxref\n%d\n%%%%EOF\n" % start)


def contents_row(index: int, title: str = "签单信用额度审批") -> dict:
    return {"index": index, "archive_number": f"Z001-KH·2025-D30-C3-{index:04d}", "doc_number": "", "title": title,
            "responsible": "太原龙城会馆销售部", "date": "2025-04-10", "secrecy": "内部", "pages": str(index),
            "code": f"3-2025-S02-{index:04d}", "address": f"records/3/2025/3-2025-S02-{index:04d}.yaml",
            "commit": "0123456789", "missing": False}


def test_contents_pages_hold_the_rows_that_fit_and_the_rest_moves_on():
    from dossier.paper.render.contents import estimate_pages, lay_out, row_height

    rows = [{"section": "S02", "manager": "王伟"}] + [contents_row(n) for n in range(1, 61)]
    assert row_height(contents_row(1, "题" * 60)) > row_height(contents_row(1))
    planned = estimate_pages(rows, first=True)
    assert len(planned) > 2 and [row for page in planned for row in page] == rows
    assert len(planned[0]) < len(planned[1])  # the form's title takes room on the first page
    calls = []

    def render(pages):  # the second page takes two rows fewer than planned, the others all
        calls.append([(first, len(page)) for first, page in pages])
        fitted = [len(page) - (2 if rows.index(page[0]) == len(planned[0]) else 0) for _, page in pages]
        return [(count, page[:count]) for count, (_, page) in zip(fitted, pages)]

    pages = lay_out(rows, render)
    assert [row for page in pages for row in page] == rows  # every row once, in order
    assert len(pages[1]) == len(planned[1]) - 2
    assert calls[0][0][0] is True and all(not first for call in calls[1:] for first, _ in call)
    assert len(calls) == 2  # planned again from the first row that did not fit, once


def test_long_sequence_numbers_and_page_ranges_stay_in_their_cells(tmp_path):
    """序号 1000 and 页号 1057–1058 do not spill into the next cell (check-paper reads the cells
    apart by the room between them): the number keeps to one line, the range wraps after its dash."""
    from types import SimpleNamespace

    from dossier.paper.pdfa import Metadata
    from dossier.paper.render.assemble import VolumeWriter
    from dossier.paper.render.items import Context, ItemRenderer
    from dossier.paper.render.readback import contents_rows, read_pages
    from dossier.paper.render.worker import font_sources

    context = Context(open_archive(copy_archive(FIXTURES / "base", tmp_path / "archive")))
    rows = [{**contents_row(index), "pages": pages} for index, pages in ((999, "322–323"), (1000, "1057–1058"))]
    html = context.env.get_template("contents.html").render(volume=SimpleNamespace(archive_number=VOLUME), rows=rows,
                                                            fonds=context.fonds, category_name="欠款还款", first=True)
    renderer = ItemRenderer(context, jobs=1)
    [page] = renderer.run([renderer.matter_job(VOLUME, html, first_page_only=True)])
    assert page.fitted == 2
    writer = VolumeWriter(renderer.cache, font_sources(str(renderer.root)).number_font())
    writer.add(page)
    (tmp_path / "contents.pdf").write_bytes(writer.finish([("卷内目录", 0, [])], Metadata(VOLUME, "销售部", VOLUME)))
    found = contents_rows(read_pages(tmp_path / "contents.pdf")[0], 1)
    assert [(row.index, row.page_range(), row.code) for row in found] == [
        (999, (322, 323), "3-2025-S02-0999"), (1000, (1057, 1058), "3-2025-S02-1000")]


# --- pieces ---------------------------------------------------------------------------------------


def test_binding_edits_only_the_status_line_and_adds_the_paper_block():
    raw = ("code: 3-2025-S02-0001  # 电子编码\nstatus: filed   # 已归档\nsignatures:\n  handler: {person: a, date: 2025-01-01}\n"
           "# 内容\ncontent:\n  limit: 1.00 CNY\n").encode()
    paper = {"archive_number": "Z001-KH·2025-D30-C3-0001", "volume": VOLUME, "shelf": "A区3排 " + VOLUME}
    assert volumes.bound_text(raw, "x.yaml", paper) == (
        "code: 3-2025-S02-0001  # 电子编码\nstatus: bound   # 已归档\nsignatures:\n  handler: {person: a, date: 2025-01-01}\n"
        f"paper:\n  archive_number: Z001-KH·2025-D30-C3-0001\n  volume: {VOLUME}\n  shelf: A区3排 {VOLUME}\n"
        "# 内容\ncontent:\n  limit: 1.00 CNY\n")


def test_contents_cells_are_the_words_that_overlap():
    words = [Word("1", 82, 100, 86, 110), Word("Z001-KH·2025-", 103, 100, 156, 110), Word("D30-C3-0001", 109, 110, 150, 120),
             Word("Hanse", 270, 100, 290, 110), Word("Trading", 292, 100, 318, 110), Word("GmbH", 270, 110, 290, 120),
             Word("20250506", 350, 100, 386, 110)]
    assert cells(words) == ["1", "Z001-KH·2025-D30-C3-0001", "HanseTradingGmbH", "20250506"]
