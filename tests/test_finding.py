"""Finding customers and items: `dossier customers`; filter values that name nothing known are usage
errors naming the closest known value; --customer takes a name everywhere; a deleted or purged item
says where it is and how to bring it back."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import SEES_ALL, act_as, git, init_repo

CREDIT = "3-2025-S02-0001"  # C0001 山西晋能集团有限公司, wang.wei's customer


@pytest.fixture
def repo(base_archive):
    init_repo(base_archive, SEES_ALL)
    return base_archive


@pytest.mark.parametrize("args, closest", [
    (("list", "--customer", "C0099"), "C000"),
    (("list", "--manager", "wangwei"), "wang.wei"),
    (("list", "--type", "contrat"), "contract"),
    (("list", "--section", "S9"), "S0"),
    (("find", "晋能", "--manager", "wangwei"), "wang.wei"),
    (("find", "晋能", "--type", "contrat"), "contract"),
    (("log", "--customer", "C0099"), "C000"),
    (("customers", "--manager", "wangwei"), "wang.wei"),
    (("customers", "--grade", "F"), ""),
    (("customers", "--nature", "compny"), "company"),
])
def test_a_filter_naming_nothing_known_is_a_usage_error_naming_the_closest(repo, run, args, closest):
    result = run("--archive", repo, *args, "--lang", "en")
    assert result.code == 2, result.out + result.err
    assert "no such value in this archive" in result.err and f"(closest: {closest}" in result.err
    assert "no item matches" not in result.out


def test_a_customer_is_given_by_name_or_a_part_of_one_everywhere(repo, run):
    by_id = json.loads(run("--archive", repo, "list", "--customer", "C0001", "--format", "json").out)
    for name in ("山西晋能集团有限公司", "晋能"):
        listed = json.loads(run("--archive", repo, "list", "--customer", name, "--format", "json").out)
        assert listed == by_id and by_id
        found = run("--archive", repo, "find", "2025", "--customer", name, "--lang", "en")
        assert found.code == 0 and CREDIT in found.out
        assert run("--archive", repo, "log", "--customer", name, "--lang", "en").code == 0
    new = run("--archive", repo, "new", "visit-report", "--customer", "晋能", "--date", "2025-09-01", "--lang", "en")
    assert new.code == 0 and "1-2025-S02-" in new.out, new.out + new.err
    ambiguous = run("--archive", repo, "list", "--customer", "有限", "--lang", "en")  # only C0001's name holds it
    assert ambiguous.code == 0
    many = run("--archive", repo, "list", "--customer", "a", "--lang", "en")  # "Hanse Trading GmbH" only
    assert many.code == 0


def test_customers_lists_the_cards_with_filters_labels_and_read_rights(repo, run, monkeypatch):
    text = run("--archive", repo, "customers", "--lang", "zh")
    assert text.code == 0 and "山西晋能集团有限公司" in text.out and "王伟" in text.out and "A级" in text.out
    assert "一般公司" in text.out
    data = json.loads(run("--archive", repo, "customers", "--grade", "B", "--format", "json").out)
    assert [c["id"] for c in data] == ["C0002"] and data[0]["manager"] == "chen.xiaoyu"
    by_label = json.loads(run("--archive", repo, "customers", "--grade", "A级", "--manager", "王伟",
                              "--format", "json").out)
    assert [c["id"] for c in by_label] == ["C0001"]
    none = run("--archive", repo, "customers", "--grade", "E", "--lang", "en")
    assert none.code == 0 and "no customer matches" in none.out
    sheet = run("--archive", repo, "customers", "--format", "csv", "--lang", "en").out
    rows = list(csv.reader(io.StringIO(sheet.lstrip("\ufeff"))))
    assert rows[0][:3] == ["id", "name", "manager"] and [r[0] for r in rows[1:]] == ["C0001", "C0002"]
    act_as(monkeypatch, "chen.xiaoyu@example.cn")  # her own customer only
    hers = run("--archive", repo, "customers", "--lang", "en")
    assert "C0002" in hers.out and "C0001" not in hers.out and "1 customer card(s)" in hers.err


def test_show_and_history_of_a_deleted_item_say_it_is_in_trash_and_how_to_restore(repo, run):
    git(repo, "checkout", "-q", "-b", "tidy")
    assert run("--archive", repo, "delete", CREDIT, "--reason", "重复录入").code == 0
    shown = run("--archive", repo, "show", CREDIT, "--lang", "en")
    assert shown.code == 1 and f"trash/records/3/2025/{CREDIT}.yaml" in shown.err
    assert f"dossier restore {CREDIT}" in shown.err
    history = run("--archive", repo, "history", CREDIT, "--lang", "en")
    assert history.code == 0 and "deleted" in history.out and f"dossier restore {CREDIT}" in history.err


def test_show_of_a_purged_item_names_the_commit_and_restore_from_history(repo, run, monkeypatch):
    git(repo, "checkout", "-q", "-b", "tidy")
    assert run("--archive", repo, "delete", CREDIT, "--reason", "重复录入").code == 0
    monkeypatch.setenv("DOSSIER_TODAY", "2027-06-01")
    assert run("--archive", repo, "purge").code == 0
    purge = git(repo, "rev-parse", "HEAD").strip()[:10]
    shown = run("--archive", repo, "show", CREDIT, "--lang", "en")
    assert shown.code == 1 and f"at commit {purge}" in shown.err
    assert f"dossier restore {CREDIT} --from-history" in shown.err
    restored = run("--archive", repo, "restore", CREDIT, "--from-history", "--reason", "误删", "--lang", "en")
    assert restored.code == 0, restored.out + restored.err
    assert run("--archive", repo, "show", CREDIT).code == 0
    never = run("--archive", repo, "show", "3-2025-S02-0099", "--lang", "en")
    assert never.code == 1 and "no item 3-2025-S02-0099" in never.err


def test_access_takes_a_customer_by_name_too(repo, run):
    by_id = run("--archive", repo, "access", "who", "C0001", "--lang", "en")
    by_name = run("--archive", repo, "access", "who", "晋能", "--lang", "en")
    assert by_name.code == 0 and by_name.out == by_id.out
    assert run("--archive", repo, "access", "check", "wang.wei", "山西晋能集团有限公司", "--lang", "en").code == 0
    unknown = run("--archive", repo, "access", "who", "华宇", "--lang", "en")
    assert unknown.code == 2 and "is neither an electronic code" in unknown.err
