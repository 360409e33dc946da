"""The index (.dossier/index.sqlite) and `dossier find`: built once, then updated from the files
that change; found by number and by Chinese text of any length, filtered, in catalogue order."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from conftest import SAMPLE, SAMPLE_SEES_ALL, SEES_ALL, act_as, copy_archive, git, init_repo
import dossier
from dossier.archive import codes
from dossier.search import index as index_module
from dossier.archive.catalogue import Filters, item_files
from dossier.search.index import INDEX_FILE, Index, item_row, scan
from dossier.archive.loader import load_file

CONTRACT = "records/2/2025/2-2025-S02-0001.yaml"
CREDIT = "records/3/2025/3-2025-S02-0001.yaml"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """A copy of the sample archive (584 items, 33 customers) with its index built; read only."""
    root = tmp_path_factory.mktemp("sample") / "archive"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".dossier"))
    with Index(root) as index:
        index.update()
    return root


@pytest.fixture
def sample_index(sample):
    with Index(sample) as index:
        yield index


def codes_of(found) -> list[str]:
    return [hit.code for hit in found.hits]


def brute_force(root, term: str) -> set[str]:
    """The items whose indexed text or customer's names hold `term`, found by reading every file."""
    names = {}
    for path in (root / "customers").glob("*.yaml"):
        data = load_file(path, path.name).data
        names[data["id"]] = " ".join(str(data.get(k) or "") for k in ("id", "name", "short_name")).lower()
    found = set()
    for code, path in item_files(root):
        rel = path.relative_to(root).as_posix()
        data = load_file(path, rel).data
        text = item_row(rel, data)[-1].lower()
        if term.lower() in text or term.lower() in names.get(data.get("customer"), ""):
            found.add(str(code))
    return found


# --- building and updating ---------------------------------------------------------------------


def test_the_index_holds_every_item_and_customer(sample_index, sample):
    items = len(item_files(sample))
    customers = len(list((sample / "customers").glob("*.yaml")))
    assert sample_index.counts() == (items, customers) == (584, 33)
    assert (sample / INDEX_FILE).is_file()


def test_a_second_update_reads_nothing(base_archive):
    with Index(base_archive) as index:
        first = index.update()
        assert first.rebuilt and first.read == 8  # 6 items, 2 customer cards
        second = index.update()
        assert (second.read, second.removed, second.rebuilt) == (0, 0, False)


def test_edit_add_delete_are_reflected_and_only_they_are_read(base_archive):
    with Index(base_archive) as index:
        index.update()
        item = base_archive / CONTRACT
        item.write_text(item.read_text(encoding="utf-8").replace("会议及客房协议", "温泉疗养协议"), encoding="utf-8")
        done = index.update()
        assert (done.read, done.removed) == (1, 0)
        assert codes_of(index.find("温泉疗养")) == ["2-2025-S02-0001"]
        assert index.find("会议及客房").total == 0

        added = base_archive / "records/2/2025/2-2025-S02-0002.yaml"
        added.write_text(item.read_text(encoding="utf-8").replace("2-2025-S02-0001", "2-2025-S02-0002")
                         .replace("温泉疗养协议", "年度婚宴包场协议"), encoding="utf-8")
        done = index.update()
        assert (done.read, done.removed) == (1, 0)
        assert codes_of(index.find("婚宴")) == ["2-2025-S02-0002"]
        assert codes_of(index.find("2-2025-S02")) == ["2-2025-S02-0001", "2-2025-S02-0002"]

        (base_archive / CONTRACT).unlink()
        done = index.update()
        assert (done.read, done.removed) == (0, 1)
        assert index.find("温泉疗养").total == 0
        assert index.find("2-2025-S02-0001").total == 0
        assert index.counts() == (6, 2)


def test_a_touch_or_a_checkout_of_the_same_content_reads_nothing_again(base_archive):
    with Index(base_archive) as index:
        index.update()
        item = base_archive / CONTRACT
        item.write_bytes(item.read_bytes())  # new mtime, same bytes
        done = index.update()
        assert done.read == 0 and done.unchanged == 8


def test_only_the_given_paths_are_looked_at(base_archive):
    """What `dossier watch` does: the paths that changed, nothing else."""
    with Index(base_archive) as index:
        index.update()
        for rel in (CONTRACT, CREDIT):
            path = base_archive / rel
            path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: 加急"), encoding="utf-8")
        done = index.update(paths=[CONTRACT])
        assert done.read == 1
        assert codes_of(index.find("加急")) == ["2-2025-S02-0001"]
        (base_archive / CONTRACT).unlink()
        assert index.update(paths=[CONTRACT]).removed == 1
        assert index.update(paths=["records/3"]).read == 1  # a folder: everything under it
        assert codes_of(index.find("加急")) == ["3-2025-S02-0001"]


def test_the_stat_snapshot_speeds_updates_but_never_decides_alone(base_archive):
    """A full update compares the files with a snapshot of the table's stat keys, written by the
    previous full update; a watch's update (given paths) or a damaged snapshot sends it back to the
    table, and the content hash still decides whether a file changed."""
    def edit(word: str) -> None:
        item = base_archive / CONTRACT
        item.write_text(item.read_text(encoding="utf-8").replace("title: ", f"title: {word}", 1), encoding="utf-8")

    with Index(base_archive) as index:
        index.update()
        snapshot = base_archive / index_module.STAT_SNAPSHOT
        assert index._known_stats() == scan(base_archive) and index._snapshot is not None
        edit("加急")
        assert index.update(paths=[CONTRACT]).read == 1
        assert index._known_stats() == scan(base_archive) and index._snapshot is None  # not trusted now
        assert index.update().read == 0  # the table says the file is known as it is
        assert index._known_stats() == scan(base_archive) and index._snapshot is not None  # written again
        snapshot.write_bytes(b"damaged")
        edit("特急")
        done = index.update()
        assert (done.read, done.removed) == (1, 0)
        assert codes_of(index.find("特急")) == ["2-2025-S02-0001"]


def test_a_new_format_or_version_rebuilds(base_archive, monkeypatch):
    with Index(base_archive) as index:
        index.update()
    monkeypatch.setattr(index_module, "FORMAT", index_module.FORMAT + 1)
    with Index(base_archive) as index:
        done = index.update()
        assert done.rebuilt and done.read == 8
        assert index.counts() == (6, 2)
    monkeypatch.setattr(dossier, "_fingerprint", "0.1.0+other-code")  # an upgrade that kept the version
    with Index(base_archive) as index:
        assert index.update().rebuilt


def test_a_damaged_database_is_built_again(base_archive):
    path = base_archive / INDEX_FILE
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database" * 100)
    with Index(base_archive) as index:
        assert index.update().rebuilt
        assert index.counts() == (6, 2)


def test_a_crash_in_the_middle_leaves_the_previous_index(base_archive, monkeypatch):
    with Index(base_archive) as index:
        index.update()
    item = base_archive / CONTRACT
    item.write_text(item.read_text(encoding="utf-8").replace("会议及客房协议", "温泉疗养协议"), encoding="utf-8")
    (base_archive / CREDIT).unlink()

    def crash(self, gone):
        raise KeyboardInterrupt  # Ctrl-C after the changed file was written, before the deletion

    monkeypatch.setattr(Index, "_drop", crash)
    with Index(base_archive) as index, pytest.raises(KeyboardInterrupt):
        index.update()
    monkeypatch.undo()
    with sqlite3.connect(base_archive / INDEX_FILE) as db:  # as another process sees it
        assert db.execute("SELECT count(*) FROM items").fetchone()[0] == 6
        assert db.execute("SELECT count(*) FROM items WHERE title LIKE '%温泉%'").fetchone()[0] == 0
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with Index(base_archive) as index:
        done = index.update()
        assert (done.read, done.removed) == (1, 1)
        assert codes_of(index.find("温泉疗养")) == ["2-2025-S02-0001"]


def test_an_unreadable_file_is_named_not_hidden(base_archive):
    (base_archive / CONTRACT).write_bytes(b"code: [unclosed\n")
    with Index(base_archive) as index:
        index.update()
        found = index.find("协议")
        assert [p.file for p in found.unreadable] == [CONTRACT]
        assert found.unreadable[0].rule == "yaml"
        assert index.counts() == (5, 2)


def test_the_index_stays_out_of_git(base_archive, run):
    init_repo(base_archive, SEES_ALL)
    assert run("--archive", base_archive, "find", "协议").code == 0
    assert (base_archive / INDEX_FILE).exists()
    assert git(base_archive, "status", "--porcelain", "--ignored=no") == ""


# --- finding --------------------------------------------------------------------------------------


def test_find_by_electronic_code(sample_index):
    found = sample_index.find("3-2026-S02-0010")
    assert codes_of(found) == ["3-2026-S02-0010"] and found.by_number
    assert found.hits[0].title == "杏花酒业2026年上半年欠款还款台账"
    assert codes_of(sample_index.find("3-2026-s02-0010")) == ["3-2026-S02-0010"]  # any case


def test_find_by_part_of_a_code(sample_index, sample):
    found = sample_index.find("S02-001", limit=None)
    expected = sorted((c for c, _ in item_files(sample) if "S02-001" in str(c)), key=lambda c: c.sort_key)
    assert found.by_number and codes_of(found) == [str(c) for c in expected]
    assert found.total == len(expected) > 10


def test_a_number_no_code_holds_is_searched_as_text(sample_index):
    found = sample_index.find("YHHD2026011668")  # a bank slip number in a debt ledger
    assert codes_of(found) == ["3-2026-S02-0010"] and not found.by_number
    assert found.hits[0].matched == "content"
    assert "【YHHD2026011668】" in found.hits[0].snippet


@pytest.mark.parametrize("term", ["欠款还款台账", "信用额度", "协议价", "晋能", "协议", "酒业", "酒", "票"])
def test_find_chinese_text_of_any_length(sample_index, sample, term):
    """Trigram search for three characters or more; one or two characters through the index's
    vocabulary: the same items as reading every file."""
    found = sample_index.find(term, limit=None)
    assert set(codes_of(found)) == brute_force(sample, term)
    assert found.total > 0


def test_short_words_fall_back_to_a_scan_when_too_common(sample_index, sample, monkeypatch):
    monkeypatch.setattr(index_module, "SHORT_TERM_LIMIT", 0)  # every 1–2 character word is "too common"
    for term in ("协议", "酒"):
        assert set(codes_of(sample_index.find(term, limit=None))) == brute_force(sample, term)


def test_several_words_must_all_occur(sample_index, sample):
    found = sample_index.find("晋能 协议", limit=None)
    assert set(codes_of(found)) == brute_force(sample, "晋能") & brute_force(sample, "协议")
    assert found.total > 0


def test_a_customer_is_found_by_its_names(sample_index, sample):
    """Titles use a customer's short name; the card's full name finds all its items too."""
    by_name = sample_index.find("山西晋能集团有限公司", limit=None)
    assert set(codes_of(by_name)) == brute_force(sample, "山西晋能集团有限公司")
    customer_items = sample_index.find("晋能", Filters(customer="C0001"), limit=None)
    assert set(codes_of(customer_items)) <= set(codes_of(by_name))
    assert any(hit.matched == "customer" for hit in by_name.hits)


def test_results_come_in_catalogue_order_with_the_match_marked(sample_index):
    found = sample_index.find("欠款还款台账", limit=None)
    keys = [codes.parse(code).sort_key for code in codes_of(found)]
    assert keys == sorted(keys)
    assert all("【欠款还款台账】" in hit.snippet for hit in found.hits)
    assert {hit.matched for hit in found.hits} == {"title", "content"}


def test_the_limit_keeps_the_total(sample_index):
    found = sample_index.find("协议", limit=5)
    assert len(found.hits) == 5 and found.total > 5
    assert codes_of(found) == codes_of(sample_index.find("协议", limit=None))[:5]


@pytest.mark.parametrize("filters, check", [
    (Filters(category="3"), lambda h: h.code.startswith("3-")),
    (Filters(year=2025), lambda h: "-2025-" in h.code),
    (Filters(section="S02"), lambda h: "-S02-" in h.code),
    (Filters(customer="C0005"), lambda h: h.customer == "C0005"),
    (Filters(customer="杏花酒业"), lambda h: h.customer == "C0005"),  # a customer's short name
    (Filters(manager="wang.wei"), lambda h: h.manager == "wang.wei"),
    (Filters(status="filed"), lambda h: h.status == "filed"),
    (Filters(type="debt-ledger"), lambda h: h.type == "debt-ledger"),
])
def test_filters(sample_index, filters, check):
    everything = sample_index.find("2026", limit=None).hits + sample_index.find("2025", limit=None).hits
    found = sample_index.find("20", filters, limit=None)  # every code holds "20"
    assert found.hits and all(check(hit) for hit in found.hits)
    assert found.total == sum(map(check, everything))


def test_filters_combine_with_words(sample_index, sample):
    found = sample_index.find("台账", Filters(category="3", year=2026, customer="C0005"), limit=None)
    everywhere = sample_index.find("台账", limit=None).hits
    expected = [h.code for h in everywhere if h.code.startswith("3-2026-") and h.customer == "C0005"]
    assert codes_of(found) == expected and "3-2026-S02-0010" in expected


def test_nothing_found(sample_index):
    assert sample_index.find("不存在的词语").total == 0
    assert sample_index.find("9-9999-S99-9999").total == 0


def test_find_before_any_index_exists_is_empty_not_an_error(base_archive):
    with Index(base_archive) as index:
        assert index.find("协议").total == 0


# --- the command line -------------------------------------------------------------------------------


def test_find_prints_a_table_with_the_matching_text(sample, run, monkeypatch):
    act_as(monkeypatch, SAMPLE_SEES_ALL)
    result = run("--archive", sample, "find", "YHHD2026011668", "--lang", "en")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == ["code", "date", "status", "customer", "manager", "type", "title"]
    assert lines[2].startswith("3-2026-S02-0010  2026-07-05  filed")
    assert lines[3].strip().startswith("…") and "【YHHD2026011668】" in lines[3]
    assert lines[-1] == "1 item(s)"


def test_find_json_and_limit(sample, run, monkeypatch):
    act_as(monkeypatch, SAMPLE_SEES_ALL)
    result = run("--archive", sample, "find", "协议", "--limit", "2", "--format", "json")
    data = json.loads(result.out)
    assert data["shown"] == 2 and data["total"] > 2 and not data["by_number"]
    assert set(data["items"][0]) == {"code", "file", "date", "status", "customer", "manager", "type", "title",
                                     "matched", "snippet"}
    text = run("--archive", sample, "find", "协议", "--limit", "2", "--lang", "zh")
    assert text.out.splitlines()[-1].startswith(f"共 {data['total']} 件，显示前 2 件")


def test_find_filters_on_the_command_line(sample, run, monkeypatch):
    act_as(monkeypatch, SAMPLE_SEES_ALL)
    result = run("--archive", sample, "find", "台账", "--category", "3", "--year", "2026", "--customer", "C0005",
                 "--status", "filed", "--type", "debt-ledger", "--manager", "wang.wei", "--section", "s02",
                 "--format", "json")
    items = json.loads(result.out)["items"]
    assert items and {i["customer"] for i in items} == {"C0005"}


def test_find_updates_the_index_first_unless_cached(base_archive, run):
    assert run("--archive", base_archive, "find", "协议").code == 0
    item = base_archive / CONTRACT
    item.write_text(item.read_text(encoding="utf-8").replace("会议及客房协议", "温泉疗养协议"), encoding="utf-8")
    assert "find-none" not in run("--archive", base_archive, "find", "温泉", "--cached", "--lang", "en").out
    assert "no item matches 温泉" in run("--archive", base_archive, "find", "温泉", "--cached", "--lang", "en").out
    assert "2-2025-S02-0001" in run("--archive", base_archive, "find", "温泉").out


def test_find_names_unreadable_files_on_stderr(base_archive, run):
    (base_archive / CONTRACT).write_bytes(b"")
    result = run("--archive", base_archive, "find", "协议", "--lang", "en")
    assert result.code == 0
    assert f"{CONTRACT}:0:0: yaml: the file is empty" in result.err


def test_find_usage_errors(base_archive, run):
    assert run("--archive", base_archive, "find", " ").code == 2
    assert run("--archive", base_archive, "find", "x", "--limit", "-1").code == 2
    assert run("--archive", base_archive, "find", "x", "--status", "lost").code == 2


def test_index_status_update_and_rebuild(base_archive, run):
    assert "no index yet" in run("--archive", base_archive, "index", "status", "--lang", "en").out
    rebuilt = run("--archive", base_archive, "index", "rebuild", "--lang", "en")
    assert rebuilt.code == 0 and "index rebuilt: 6 items, 2 customers (8 files read" in rebuilt.out
    status = run("--archive", base_archive, "index", "status", "--lang", "en").out
    assert "6 items, 2 customers" in status and "no file changed since" in status
    (base_archive / CONTRACT).unlink()
    assert "1 file(s) changed since" in run("--archive", base_archive, "index", "status", "--lang", "en").out
    updated = run("--archive", base_archive, "index", "update", "--lang", "en").out
    assert "0 file(s) read again, 1 dropped; 5 items" in updated
    data = json.loads(run("--archive", base_archive, "index", "status", "--format", "json").out)
    assert (data["items"], data["customers"], data["stale"], data["unreadable"]) == (5, 2, 0, [])


def test_scan_sees_items_and_cards_only(base_archive):
    (base_archive / "records/2/2025/notes.yaml").write_text("a: 1\n", encoding="utf-8")
    assert sorted(scan(base_archive)) == sorted(
        [p.relative_to(base_archive).as_posix() for _, p in item_files(base_archive)]
        + ["customers/C0001.yaml", "customers/C0002.yaml"])


def test_sample_copy_helper_keeps_schemas(tmp_path):
    root = copy_archive(SAMPLE, tmp_path / "a")
    with Index(root) as index:
        assert index.update().read == 617
