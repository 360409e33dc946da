"""Read rights 查阅权限 (regulation rule 5) in every read command, person by person.

The base archive with two members of staff and six grants (today is 2026-11-23):

    #1 zhou.jing (archivist)   customer C0001               by li.na      in force (she reads all by her role)
    #2 zhang.min (supervisor)  category 3                   by zhao.guoqiang in force
    #3 wu.lei (staff)          customer C0001               by wang.wei   a customer manager: nothing
    #4 wu.lei                  category 5                   by li.na      expired 2025-12-31: nothing
    #5 wu.lei                  customer C0002               by li.na      starts 2026-12-01: nothing yet
    #6 sun.li (staff)          customer C0002, category 3   by li.na      in force

Items: C0001 (wang.wei's customer) has 1-, 2- and 3-2025-S02-0001; C0002 (chen.xiaoyu's) has
3-2025-S04-0001; li.na's section holds 5-2025-S01-0001 and wang.wei's the draft
D-2025-S02-0001, neither with a customer.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest

from conftest import FIXTURES, SAMPLE, SEES_ALL, TODAY, act_as, copy_archive, git, init_repo
from dossier import reports
from dossier.access.rights import policy
from dossier.archive.config import open_archive
from dossier.sheets.spreadsheet import load_mapping, mapping_path
from dossier.sheets.spreadsheet_export import items_table
from dossier.archive.schemas import SchemaSet

REGISTRATION, CONTRACT, CREDIT = "1-2025-S02-0001", "2-2025-S02-0001", "3-2025-S02-0001"
EXPORT_TERMS, TREND, MINUTES = "3-2025-S04-0001", "5-2025-S01-0001", "D-2025-S02-0001"
ALL = [REGISTRATION, CONTRACT, CREDIT, EXPORT_TERMS, TREND, MINUTES]  # catalogue order
GRANTORS = "赵国强 (zhao.guoqiang)、李娜 (li.na)"

STAFF = """\
  - {id: wu.lei, name: 吴磊, title: 前厅部经理, email: wu.lei@example.cn, roles: [staff], supervisor: zhao.guoqiang}
  - {id: sun.li, name: 孙丽, title: 财务部会计, email: sun.li@example.cn, roles: [staff], supervisor: zhao.guoqiang}
"""
GRANTS = """\
grants:
  - {person: zhou.jing, customer: C0001, approved_by: li.na, approved_on: 2025-01-10, expires: 2027-01-10, reason: 年度装订}
  - {person: zhang.min, category: 3, approved_by: zhao.guoqiang, approved_on: 2026-01-01, expires: 2026-12-31, reason: 审核信用额度}
  - {person: wu.lei, customer: C0001, approved_by: wang.wei, approved_on: 2026-01-01, expires: 2026-12-31, reason: 接待筹备}
  - {person: wu.lei, category: 5, approved_by: li.na, approved_on: 2025-01-01, expires: 2025-12-31, reason: 行业调研}
  - {person: wu.lei, customer: C0002, approved_by: li.na, approved_on: 2026-12-01, expires: 2027-06-30, reason: 外宾接待}
  - {person: sun.li, customer: C0002, category: 3, approved_by: li.na, approved_on: 2026-01-01, expires: 2026-12-31, reason: 核对授信}
"""

# What each person may read: items (in catalogue order) and customer cards.
SEES = {
    "li.na": (ALL, ["C0001", "C0002"]),  # sales manager
    "zhao.guoqiang": (ALL, ["C0001", "C0002"]),  # general manager
    "wang.wei": ([REGISTRATION, CONTRACT, CREDIT, MINUTES], ["C0001"]),  # his customer and his own section
    "chen.xiaoyu": ([EXPORT_TERMS], ["C0002"]),
    "zhang.min": ([CREDIT, EXPORT_TERMS], ["C0001", "C0002"]),  # a category grant opens every card
    "zhou.jing": (ALL, ["C0001", "C0002"]),  # archivist: binds and prints every volume
    "wu.lei": ([], []),  # three grants, none of which gives anything
    "sun.li": ([EXPORT_TERMS], ["C0002"]),
}
PEOPLE = sorted(SEES)


def email(person: str) -> str:
    return f"{person}@example.cn"


@pytest.fixture
def archive(base_archive) -> Path:
    with open(base_archive / "people.yaml", "a", encoding="utf-8") as people:
        people.write(STAFF)
    (base_archive / "access.yaml").write_text(GRANTS, encoding="utf-8")
    return base_archive


@pytest.fixture
def repo(archive) -> Path:
    init_repo(archive, SEES_ALL)
    return archive


def dossier(run, monkeypatch, person: str, root: Path, *args):
    act_as(monkeypatch, email(person))
    return run("--archive", root, *args, "--lang", "en")


def refused(result, person: str, what: str) -> bool:
    return result.code == 1 and f"may not read {what}" in result.err and f"ask {GRANTORS}" in result.err \
        and person in result.err


# --- the policy itself -----------------------------------------------------------------------------------


def test_readers_of_an_item_and_of_a_card(archive):
    rights = policy(open_archive(archive), dt.date.fromisoformat(TODAY))
    assert rights.readers("C0002", "3", "chen.xiaoyu") == {"zhao.guoqiang", "li.na", "chen.xiaoyu", "zhang.min",
                                                          "sun.li", "zhou.jing"}
    assert rights.readers("C0001", None) == {"zhao.guoqiang", "li.na", "wang.wei", "zhang.min", "zhou.jing"}
    assert rights.readers(None, "5", "li.na") == {"zhao.guoqiang", "li.na", "zhou.jing"}  # expired #4: nothing
    assert [g.number for g in rights.grants_in_force()] == [1, 2, 6]
    assert [rights.grant_defect(g) for g in rights.grants][2:5] == [
        "grant-approver-not-entitled", "grant-expired", "grant-not-started"]


def test_a_grant_counts_from_its_first_day_to_its_last(archive):
    archive_ = open_archive(archive)
    wu = archive_.people["wu.lei"]
    assert not policy(archive_, dt.date(2026, 11, 30)).may_read(wu, "C0002", "3")
    assert policy(archive_, dt.date(2026, 12, 1)).may_read(wu, "C0002", "3")
    assert policy(archive_, dt.date(2027, 6, 30)).may_read(wu, "C0002", "3")
    assert not policy(archive_, dt.date(2027, 7, 1)).may_read(wu, "C0002", "3")


def test_a_customer_handed_to_another_manager_moves_with_its_items(archive):
    card = archive / "customers/C0002.yaml"
    card.write_text(card.read_text(encoding="utf-8").replace("manager: chen.xiaoyu", "manager: wang.wei"),
                    encoding="utf-8")
    archive_ = open_archive(archive)
    rights = policy(archive_, dt.date.fromisoformat(TODAY))
    assert rights.may_read(archive_.people["wang.wei"], "C0002", "3", "chen.xiaoyu")
    assert not rights.may_read(archive_.people["chen.xiaoyu"], "C0002", "3", "chen.xiaoyu")


# --- validate ----------------------------------------------------------------------------------------------


def test_validate_reports_grants_that_give_nothing(archive, run):
    result = run("--archive", archive, "validate", "--format", "json")
    found = {(p["line"], p["rule"], p["severity"]) for p in json.loads(result.out)["problems"]}
    assert found == {(4, "grant-approver-not-entitled", "error"), (5, "grant-expired", "warning"),
                     (6, "grant-not-started", "warning")}
    assert result.code == 1  # a grant approved by someone not entitled must be corrected
    text = run("--archive", archive, "validate", "--lang", "en").out
    assert "access.yaml:4:" in text and "approved by 王伟 (wang.wei), who may not grant access" in text
    assert "access.yaml:5:" in text and "expired on 2025-12-31" in text


def test_the_sample_archive_has_one_expired_grant_a_warning(run):
    result = run("--archive", SAMPLE, "validate", "--no-cache", "--format", "json")
    grants = [p for p in json.loads(result.out)["problems"] if p["file"].endswith("access.yaml")]
    assert [(p["rule"], p["severity"]) for p in grants] == [("grant-expired", "warning")]


# --- list, show, find --------------------------------------------------------------------------------------


@pytest.mark.parametrize("person", PEOPLE)
def test_list_shows_what_each_person_may_read_and_counts_the_rest(archive, run, monkeypatch, person):
    result = dossier(run, monkeypatch, person, archive, "list", "--format", "json")
    assert result.code == 0
    assert [item["code"] for item in json.loads(result.out)] == SEES[person][0]
    hidden = len(ALL) - len(SEES[person][0])
    assert (f"{hidden} item(s) that" in result.err and GRANTORS in result.err) if hidden else result.err == ""


@pytest.mark.parametrize("person", PEOPLE)
def test_show_refuses_what_the_person_may_not_read_naming_who_can_grant(archive, run, monkeypatch, person):
    for code in ALL:
        result = dossier(run, monkeypatch, person, archive, "show", code, "--format", "json")
        if code in SEES[person][0]:
            assert result.code == 0 and json.loads(result.out)["code"] == code
        else:
            assert refused(result, person, code) and result.out == ""
    raw = dossier(run, monkeypatch, person, archive, "show", EXPORT_TERMS, "--format", "yaml")
    assert (raw.code == 0) == (EXPORT_TERMS in SEES[person][0])  # the file as stored too


def test_a_refusal_names_the_owner_and_the_grants_that_do_not_count(archive, run, monkeypatch):
    result = dossier(run, monkeypatch, "wu.lei", archive, "show", CREDIT)
    assert result.err.splitlines() == [
        f"吴磊 (wu.lei) may not read {CREDIT}: it is in the care of 王伟 (wang.wei), and only its customer "
        f"manager, the sales manager, the general manager and holders of a grant in force may read it; "
        f"ask {GRANTORS} for a grant in access.yaml",
        "  grant #3 in access.yaml (wu.lei, customer C0001) does not count: this grant was approved by "
        "王伟 (wang.wei), who may not grant access (only the sales manager or the general manager may): it gives nothing; "
        "have it approved again"]
    trend = dossier(run, monkeypatch, "wu.lei", archive, "show", TREND, "--lang", "zh")
    assert "吴磊 (wu.lei) 无权查阅 5-2025-S01-0001：此档案由 李娜 (li.na) 负责" in trend.err
    assert "第 4 条授权（wu.lei，第5类）不算数：此授权已于 2025-12-31 到期" in trend.err


def test_the_person_acting_is_the_repository_user(archive, run):
    init_repo(archive, email("wang.wei"))
    result = run("--archive", archive, "list", "--format", "json")
    assert [item["code"] for item in json.loads(result.out)] == SEES["wang.wei"][0]
    git(archive, "config", "user.email", email("chen.xiaoyu"))
    assert refused(run("--archive", archive, "show", CREDIT, "--lang", "en"), "chen.xiaoyu", CREDIT)


def test_no_identity_no_reading(archive, run, monkeypatch):
    act_as(monkeypatch, "stranger@example.cn")
    result = run("--archive", archive, "list", "--lang", "en")
    assert result.code == 2 and "stranger@example.cn is not in people.yaml" in result.err


@pytest.mark.parametrize("person", PEOPLE)
def test_find_searches_only_what_the_person_may_read(archive, run, monkeypatch, person):
    result = dossier(run, monkeypatch, person, archive, "find", "2025", "--format", "json")
    found = json.loads(result.out)
    assert [item["code"] for item in found["items"]] == SEES[person][0]
    assert found["total"] == len(SEES[person][0]) and found["hidden"] == len(ALL) - len(SEES[person][0])
    assert ("left out" in result.err) == bool(found["hidden"])


# --- history and log ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("person", PEOPLE)
def test_history_and_log_follow_the_item_as_it_stands(repo, run, monkeypatch, person):
    items, cards = SEES[person]
    for code in ALL:
        result = dossier(run, monkeypatch, person, repo, "history", code)
        assert result.code == 0 if code in items else refused(result, person, code)
    for card in ("C0001", "C0002"):  # a customer card's record, by the manager it names now
        result = dossier(run, monkeypatch, person, repo, "history", card)
        assert result.code == 0 if card in cards else refused(result, person, card)
    log = dossier(run, monkeypatch, person, repo, "log", "--format", "json")
    assert sorted(c["code"] for c in json.loads(log.out)) == sorted(items + cards)
    assert ("change(s) of items and cards that" in log.err) == (len(items) < len(ALL) or len(cards) < 2)


def test_a_deleted_or_purged_item_keeps_its_readers(repo, run, monkeypatch):
    deleted = dossier(run, monkeypatch, "li.na", repo, "delete", EXPORT_TERMS, "--reason", "重复归档")
    assert deleted.code == 0, deleted.err  # now in trash/
    git(repo, "rm", "-q", f"records/5/2025/{TREND}.yaml")  # as a purge leaves it: only in the history
    git(repo, "commit", "-q", "-m", "purged", "-m", "Reason: 测试")
    for person, code in (("chen.xiaoyu", EXPORT_TERMS), ("li.na", TREND)):
        assert dossier(run, monkeypatch, person, repo, "history", code).code == 0
    assert refused(dossier(run, monkeypatch, "wang.wei", repo, "history", EXPORT_TERMS), "wang.wei", EXPORT_TERMS)
    assert refused(dossier(run, monkeypatch, "wang.wei", repo, "history", TREND), "wang.wei", TREND)
    log = dossier(run, monkeypatch, "chen.xiaoyu", repo, "log", "--format", "json")
    assert sorted(c["code"] for c in json.loads(log.out)) == [EXPORT_TERMS, EXPORT_TERMS, "C0002"]  # and his card


def test_an_item_whose_file_cannot_be_read_keeps_the_readers_of_its_last_version(repo, run, monkeypatch):
    (repo / "records/3/2025/3-2025-S04-0001.yaml").write_text("code: [\n", encoding="utf-8")  # chen.xiaoyu's
    assert dossier(run, monkeypatch, "chen.xiaoyu", repo, "history", EXPORT_TERMS).code == 0
    other = dossier(run, monkeypatch, "wang.wei", repo, "history", EXPORT_TERMS)
    assert refused(other, "wang.wei", EXPORT_TERMS) and "in the care of 陈晓雨 (chen.xiaoyu)" in other.err


# --- paper volumes and the electronic catalogue ------------------------------------------------------------


@pytest.mark.parametrize("person", sorted(set(PEOPLE) - {"li.na", "zhao.guoqiang", "zhang.min", "zhou.jing"}))
def test_a_volume_is_printed_or_checked_only_by_who_may_read_all_of_it(archive, run, monkeypatch, tmp_path, person):
    hidden = 2 - len({CREDIT, EXPORT_TERMS} & set(SEES[person][0]))
    for args in (("render", "volume", "3", "2025", "--output", tmp_path / "pdf"), ("check-paper", "3", "2025")):
        result = dossier(run, monkeypatch, person, archive, *args)
        assert result.code == 1 and f"{hidden} of their 2 items are not theirs to read" in result.err
        assert GRANTORS in result.err and "e.g. of category 3" in result.err
    assert not (tmp_path / "pdf").exists()


def test_a_grant_of_the_category_lets_a_supervisor_print_its_volume(archive, run, monkeypatch, tmp_path):
    pdf = tmp_path / "pdf"
    result = dossier(run, monkeypatch, "zhang.min", archive, "render", "volume", "3", "2025", "--output", pdf)
    assert result.code == 0, result.err
    assert [p.name for p in pdf.iterdir()] == ["Z001-KH·2025-D30-C3-V01.pdf"]
    assert "not theirs to read" not in dossier(run, monkeypatch, "li.na", archive, "check-paper", "3", "2025").err


@pytest.mark.parametrize("person", PEOPLE)
def test_the_catalogue_lists_only_what_the_person_may_read_and_says_so(archive, run, monkeypatch, tmp_path, person):
    result = dossier(run, monkeypatch, person, archive, "render", "catalogue", "--output", tmp_path)
    assert result.code == 0
    rows = list(csv.reader(io.StringIO((tmp_path / "电子目录-Z001.csv").read_text(encoding="utf-8-sig"))))
    listed = [code for code in SEES[person][0] if code != MINUTES]  # a draft is not catalogued
    assert [row[1] for row in rows[1:]] == listed
    hidden = len(ALL) - 1 - len(listed)
    assert (f"{hidden} item(s) that" in result.err) == bool(hidden)
    import openpyxl

    title = openpyxl.load_workbook(tmp_path / "电子目录-Z001.xlsx").worksheets[0]["A1"].value
    assert (f"另有 {hidden} 件未列" in title) == bool(hidden)


# --- export and reports ------------------------------------------------------------------------------------


@pytest.mark.parametrize("person", PEOPLE)
def test_export_customers_holds_the_cards_the_person_may_read(archive, run, monkeypatch, tmp_path, person):
    result = dossier(run, monkeypatch, person, archive, "export", "customers", "--format", "csv", "--output", tmp_path)
    assert result.code == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "客户管理表.csv").read_text(encoding="utf-8-sig"))))
    assert [row["客户编号"] for row in rows] == SEES[person][1]
    hidden = 2 - len(SEES[person][1])
    assert (f"{hidden} customer card(s) that" in result.err) == bool(hidden)


@pytest.fixture
def sales(tmp_path) -> Path:
    """tests/fixtures/reports: C0004 is chen.xiaoyu's (section S04), C0001–C0003, C0005 and C0006 wang.wei's."""
    return copy_archive(FIXTURES / "reports", tmp_path / "sales")


def readers_of(root: Path, person: str):
    archive_ = open_archive(root)
    return policy(archive_, dt.date.fromisoformat(TODAY)).reader(archive_.people[person])


def test_export_items_holds_the_items_the_person_may_read(sales):
    archive_ = open_archive(sales)
    schemas = SchemaSet(sales / "schemas")
    mapping = load_mapping(mapping_path(sales, "records", None), "records", schemas, "CNY")
    everything = items_table(archive_, schemas, mapping)
    mine = items_table(archive_, schemas, mapping, readers_of(sales, "chen.xiaoyu"))
    assert {row[0] for row in mine.rows} == {"6-2026-S04-0001", "6-2026-S04-0002", "6-2026-S04-0003",
                                             "6-2026-S04-0004"}
    assert mine.hidden == 10 and len(everything.rows) > len(mine.rows)  # wang.wei's ten sales records
    assert items_table(archive_, schemas, mapping, readers_of(sales, "li.na")).rows == everything.rows


REPORTS = [("monthly", "2026-09"), ("quarterly", "2026-Q3"), ("credit", "2026-09"), ("annual", "2026")]


@pytest.mark.parametrize("kind, period", REPORTS)
def test_a_report_covers_the_customers_its_reader_may_read(sales, kind, period):
    when = reports.resolve_period(kind, period, dt.date.fromisoformat(TODAY))
    everything = reports.load(kind, sales, when)
    mine = reports.load(kind, sales, when, reader=readers_of(sales, "chen.xiaoyu"))
    assert set(mine.cards) == {"C0004"} and mine.hidden_cards == 5 and mine.reader == "陈晓雨 (chen.xiaoyu)"
    records = [*mine.sales, *mine.ledgers, *mine.limits, *mine.contracts, *mine.complaints]
    assert {r.customer for r in records} <= {"C0004"}
    assert mine.sources + mine.hidden_items == everything.sources
    whole = reports.load(kind, sales, when, reader=readers_of(sales, "li.na"))
    assert whole == everything and whole.reader == ""


@pytest.mark.parametrize("person, line", [
    ("chen.xiaoyu", "only what 陈晓雨 (chen.xiaoyu) may read: 1 customer(s), 5 other card(s)"),
    ("zhang.min", "only what 张敏 (zhang.min) may read: 0 customer(s), 6 other card(s)"),  # no grant here
    ("li.na", None),
])
def test_the_report_header_says_whose_rights_limited_it(sales, run, monkeypatch, tmp_path, person, line):
    result = dossier(run, monkeypatch, person, sales, "report", "quarterly", "--period", "2026-Q3", "--format",
                     "html", "--output", tmp_path)
    assert result.code == 0, result.err
    html = (tmp_path / "quarterly-2026-Q3.en.html").read_text(encoding="utf-8")
    assert (line in html) if line else "Read rights" not in html


# --- dossier access -----------------------------------------------------------------------------------------


def test_access_who_lists_the_readers_of_an_item_and_why(archive, run):
    result = run("--archive", archive, "access", "who", EXPORT_TERMS, "--lang", "en")
    assert result.code == 0
    lines = [re.sub(r"\s{2,}", " | ", line.strip()) for line in result.out.splitlines()]
    assert lines == [
        f"{EXPORT_TERMS} (customer C0002, category 3, customer manager 陈晓雨 (chen.xiaoyu)) may be read by:",
        "赵国强 (zhao.guoqiang) | sees all: general manager",
        "李娜 (li.na) | sees all: sales manager",
        "张敏 (zhang.min) | grant #2 until 2026-12-31 (category 3, approved by zhao.guoqiang)",
        "陈晓雨 (chen.xiaoyu) | customer manager of this material",
        "周静 (zhou.jing) | sees all: archivist (files, binds and prints every volume)",
        "孙丽 (sun.li) | grant #6 until 2026-12-31 (customer C0002, category 3, approved by li.na)",
        "Grants that would reach it but give nothing:",
        "grant #5 in access.yaml (wu.lei, customer C0002) does not count: this grant starts on 2026-12-01, later "
        "than today: it gives nothing until then"]


def test_access_who_of_a_customer_card_in_json(archive, run):
    result = run("--archive", archive, "access", "who", "C0001", "--format", "json")
    data = json.loads(result.out)
    assert data["owner"] == "wang.wei" and data["category"] is None
    assert [r["person"] for r in data["readers"]] == ["zhao.guoqiang", "li.na", "zhang.min", "wang.wei", "zhou.jing"]
    assert [text.split(" in access.yaml")[0] for text in data["void"]] == ["grant #3", "grant #4"]  # #4: cards too


def test_access_check_answers_for_one_person(archive, run):
    yes = run("--archive", archive, "access", "check", "sun.li@example.cn", EXPORT_TERMS, "--lang", "en")
    assert yes.code == 0 and yes.out.startswith("孙丽 (sun.li) may read 3-2025-S04-0001: grant #6 until 2026-12-31")
    no = run("--archive", archive, "access", "check", "wu.lei", REGISTRATION, "--lang", "en")
    assert no.code == 1 and f"ask {GRANTORS}" in no.out and "grant #3 in access.yaml" in no.out
    assert run("--archive", archive, "access", "check", "nobody", REGISTRATION).code == 2
    assert run("--archive", archive, "access", "who", "not-a-thing").code == 2
    assert run("--archive", archive, "access", "who", "3-2025-S09-0001").code == 1  # no such item


def test_access_needs_no_identity(archive, run, monkeypatch):
    act_as(monkeypatch, "stranger@example.cn")
    assert run("--archive", archive, "access", "who", "C0002").code == 0
