"""Write rights follow read rights (issue 13 point 4), attacked: a customer manager's import of a
full sheet, a sheet that gives a customer away, `new` for someone else's customer, and the one
operation that reassigns a customer — card and every item re-encrypted for the new readers in
one commit. Real git repositories, real ed25519 keys, real xlsx files."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, SEES_ALL, act_as, copy_archive, git, init_repo
from dossier.access import crypto
from dossier.archive.loader import load_file
from dossier.archive.schemas import SchemaSet
from test_crypto import keys, seal_archive  # noqa: F401  (keys is a fixture)
from test_spreadsheet import HEADER, snapshot, write_xlsx

WANG = "wang.wei@example.cn"  # customer manager of C0001; C0002 is chen.xiaoyu's
CARD = "customers/C0001.yaml"
ITEMS = ["records/1/2025/1-2025-S02-0001.yaml", "records/2/2025/2-2025-S02-0001.yaml",
         "records/3/2025/3-2025-S02-0001.yaml"]


@pytest.fixture
def repo(tmp_path):
    root = copy_archive(FIXTURES / "base", tmp_path / "archive")
    init_repo(root, WANG)
    return root


@pytest.fixture
def sealed(tmp_path, keys, run):  # noqa: F811
    root = seal_archive(copy_archive(FIXTURES / "base", tmp_path / "archive"), keys, run)
    init_repo(root, SEES_ALL)
    return root


def row(card_id, name, manager, address="太原市", nature="一般公司"):
    return [card_id, name, "联系人", "0351-1234567", address, "中国", "B", nature, "一般", manager, 10000, "现金", "否"]


def test_a_managers_full_sheet_is_refused_by_name_and_writes_nothing(repo, run, tmp_path):
    sheet = write_xlsx(tmp_path / "all.xlsx", HEADER, [
        row("C0001", "山西晋能集团有限公司", "wang.wei", address="太原市长风街1号"),  # his own: fine alone
        row("C0002", "Global Trade GmbH", "chen.xiaoyu", address="Hamburg"),  # chen.xiaoyu's
        row(None, "新客户有限公司", "陈晓雨"),  # a new card for chen.xiaoyu
    ])
    before, head = snapshot(repo), git(repo, "rev-parse", "HEAD")
    result = run("--archive", repo, "import", "customers", sheet, "--reason", "更新地址", "--lang", "en")
    assert result.code == 1
    assert "客户管理表!3:3: row: C0002 is the material of 陈晓雨 (chen.xiaoyu): you (王伟 (wang.wei)) may create or " \
           "change only what you may read" in result.out
    assert "客户管理表!4:4: row: C0003 is the material of 陈晓雨 (chen.xiaoyu)" in result.out
    assert "C0001" not in result.out and "nothing was written" in result.err
    assert snapshot(repo) == before and git(repo, "rev-parse", "HEAD") == head


def test_a_manager_cannot_give_his_customer_away_by_sheet_and_is_told_the_whole_way(repo, run, tmp_path):
    card = load_file(repo / CARD, CARD).data
    sheet = write_xlsx(tmp_path / "move.xlsx", HEADER, [row("C0001", card["name"], "chen.xiaoyu")])
    before = snapshot(repo)
    result = run("--archive", repo, "import", "customers", sheet, "--reason", "移交", "--lang", "en")
    assert result.code == 1 and snapshot(repo) == before
    line = next(text for text in result.out.splitlines() if "C0001" in text)
    assert "`dossier customer reassign C0001 --to chen.xiaoyu --reason TEXT`" in line
    assert line.endswith("keep the manager cell as it is")  # the whole message, not cut mid-word


def test_new_for_a_customer_one_may_not_read_is_refused_before_anything_is_written(repo, run, monkeypatch):
    act_as(monkeypatch, "zhang.min@example.cn")  # a supervisor: no section, no grant
    refused = run("--archive", repo, "new", "contract", "--customer", "C0002", "--lang", "en")
    assert refused.code == 1 and "张敏 (zhang.min) may not add material of C0002: it would be the material of " \
                                 "陈晓雨 (chen.xiaoyu)" in refused.err
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    act_as(monkeypatch, "zhou.jing@example.cn")  # the archivist reads, and so files, everything
    allowed = run("--archive", repo, "new", "contract", "--customer", "C0002", "--lang", "en")
    assert "wrote draft records/2/2026/2-2026-S04-0001.yaml" in allowed.out, allowed.out + allowed.err


def test_reassign_moves_the_card_and_reencrypts_card_and_items_in_one_commit(sealed, run, keys, monkeypatch):  # noqa: F811
    schemas = SchemaSet(sealed / "schemas")
    before = git(sealed, "rev-parse", "HEAD").strip()
    refused = run("--archive", sealed, "customer", "reassign", "C0001", "--to", "chen.xiaoyu", "--reason", "x",
                  "--identity", keys["li.na"], "--lang", "en")
    assert refused.code == 0, refused.err  # the sales manager may
    assert "C0001 is now the customer of 陈晓雨 (chen.xiaoyu) (was wang.wei)" in refused.out
    changed = git(sealed, "diff", "--name-only", f"{before}..HEAD").split()
    assert git(sealed, "rev-list", "--count", f"{before}..HEAD").strip() == "1"  # one commit
    assert CARD in changed and set(ITEMS) & set(changed) and "customers/C0002.yaml" not in changed
    message = git(sealed, "log", "-1", "--format=%B")
    assert "Reason: x" in message and "Dossier-Action: reassign" in message and "Dossier-Customer: C0001" in message
    assert load_file(sealed / CARD, CARD).data["manager"] == "chen.xiaoyu"
    assert git(sealed, "status", "--porcelain") == ""
    new, old = (crypto.load_identity(str(keys[p])) for p in ("chen.xiaoyu", "wang.wei"))
    for rel in [CARD, *changed]:
        if rel.endswith(".yaml") and rel != CARD and rel not in ITEMS:
            continue
        data = load_file(sealed / rel, rel).data
        assert crypto.readable(data, schemas, new).hidden == 0, rel  # the new manager reads everything
        if crypto.readable(data, schemas, crypto.load_identity(str(keys["li.na"]))).data != data:
            assert crypto.readable(data, schemas, old).hidden > 0, rel  # the former one no longer does
    validated = run("--archive", sealed, "validate", "--no-cache", "--lang", "en")
    assert ": confidential: " not in validated.out, validated.out


def test_only_the_sales_or_general_manager_reassigns_and_nothing_changes_otherwise(sealed, run, keys, monkeypatch):  # noqa: F811
    before = snapshot(sealed)
    act_as(monkeypatch, WANG)
    refused = run("--archive", sealed, "customer", "reassign", "C0001", "--to", "chen.xiaoyu", "--reason", "x",
                  "--identity", keys["wang.wei"], "--lang", "en")
    assert refused.code == 1 and "王伟 (wang.wei) may not reassign C0001" in refused.err
    act_as(monkeypatch, SEES_ALL)
    for args, said in [(["--to", "zhang.min"], "zhang.min is not a customer manager with a section"),
                       (["--to", "wang.wei"], "C0001 is already the customer of 王伟 (wang.wei)"),
                       (["--to", "chen.xiaoyu", "--identity", keys["outsider"]], "cannot be re-encrypted")]:
        result = run("--archive", sealed, "customer", "reassign", "C0001", "--reason", "x", *args, "--lang", "en")
        assert result.code == 1 and said in result.err, result.err
        assert snapshot(sealed) == before


def test_a_sheet_that_moves_a_customer_reencrypts_its_items_in_the_same_commit(sealed, run, keys, tmp_path,  # noqa: F811
                                                                               monkeypatch):
    monkeypatch.setenv("DOSSIER_IDENTITY", str(keys["li.na"]))
    export = run("--archive", sealed, "export", "customers", "--output", tmp_path / "out", "--lang", "en")
    assert export.code == 0, export.err
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "out" / "客户管理表.xlsx")
    sheet = book.active
    manager = next(cell for line in sheet.iter_rows(max_row=3) for cell in line if cell.value == "业务员")
    moved = [number for number in range(manager.row + 1, sheet.max_row + 1) if sheet.cell(number, 1).value == "C0001"]
    assert len(moved) == 1
    sheet.cell(moved[0], manager.column).value = "陈晓雨"
    book.save(tmp_path / "moved.xlsx")
    before = git(sealed, "rev-parse", "HEAD").strip()
    result = run("--archive", sealed, "import", "customers", tmp_path / "moved.xlsx", "--reason", "移交陈晓雨",
                 "--lang", "en")
    assert result.code == 0, result.out + result.err
    changed = git(sealed, "diff", "--name-only", f"{before}..HEAD").split()
    assert CARD in changed and set(ITEMS) & set(changed)
    assert git(sealed, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    validated = run("--archive", sealed, "validate", "--no-cache", "--lang", "en")
    assert ": confidential: " not in validated.out, validated.out
