"""The command line as a user meets it: exit codes, messages, no tracebacks."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import dossier
from conftest import FIXTURES, TODAY, git, init_repo
from dossier.regulation.validate import validate_archive

ITEM = "records/2/2025/2-2025-S02-0001.yaml"
ITEM_CODE = "2-2025-S02-0001"
TODAY_DATE = dt.date.fromisoformat(TODAY)

# Each bad input of the strict loader, written over an item: (bytes, position, words of the message)
BAD_INPUTS = {
    "empty": (b"", "0:0", "the file is empty"),
    "only-comments": (b"# nothing here\n", "0:0", "the file is empty"),
    "bom": ("\ufeffcode: 2-2025-S02-0001\n".encode(), "1:1", "byte-order mark"),
    "invalid-utf8": (b"code: 2-2025-S02-0001\ntitle: \xff\xfe\n", "2:8", "invalid UTF-8 byte 0xFF"),
    "tab": (b"code: 2-2025-S02-0001\nsignatures:\n\thandler: x\n", "3:1", "tab character in indentation"),
    "syntax": (b"code: 2-2025-S02-0001\ntitle: [unclosed\n", "3:1", "YAML syntax error"),
    "duplicate-key": (b"code: 2-2025-S02-0001\ncode: 2-2025-S02-0002\n", "2:1", "duplicate key 'code'"),
    "billion-laughs": (
        b"a: &a [x,x,x,x,x,x,x,x,x]\n"
        + b"".join(f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n".encode() for p, c in zip("abcdefgh", "bcdefghi")),
        "", "aliases expand to more than",
    ),
    "recursive-alias": (b"a: &a [*a]\n", "", "an alias refers to itself"),
    "python-tag": (b"code: !!python/object/apply:os.system ['true']\n", "1:7", "YAML syntax error"),
    "two-documents": (b"code: 1\n---\ncode: 2\n", "", "more than one YAML document"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gets_a_clear_message_and_exit_1(name, base_archive, run):
    raw, position, words = BAD_INPUTS[name]
    (base_archive / ITEM).write_bytes(raw)
    result = run("--archive", base_archive, "validate", "--lang", "en")
    assert result.code == 1
    line = next(line for line in result.out.splitlines() if line.startswith(ITEM))
    assert f"{ITEM}:{position}" in line if position else ": yaml: " in line
    assert words in line
    assert "Traceback" not in result.out + result.err


def test_oversized_file_is_refused_without_reading_it(base_archive, run):
    (base_archive / ITEM).write_bytes(b"title: " + b"x" * 1_048_600 + b"\n")
    result = run("--archive", base_archive, "validate", "--lang", "en")
    assert result.code == 1
    assert f"{ITEM}:0:0: yaml: the file is 1048608 bytes, over the limit of 1048576" in result.out


def test_json_format_is_machine_readable(base_archive, run):
    (base_archive / ITEM).write_bytes(b"")
    report = json.loads(run("--archive", base_archive, "validate", "--format", "json", "--lang", "zh").out)
    assert report["summary"] == {"files": 11, "errors": 1, "warnings": 0}
    assert report["problems"][0]["message"].startswith("文件为空")


def test_usage_errors_exit_2(base_archive, run, tmp_path):
    assert run("--archive", base_archive, "validate", "--format", "xml").code == 2
    assert run("--archive", base_archive, "frobnicate").code == 2
    missing = run("--archive", tmp_path / "nowhere", "validate", "--lang", "en")
    assert missing.code == 2 and "no archive at" in missing.err
    outside = run("--archive", base_archive, "validate", str(tmp_path))
    assert outside.code == 2


def test_paths_restrict_the_report(base_archive, run):
    (base_archive / ITEM).write_bytes(b"")
    assert run("--archive", base_archive, "validate", base_archive / "records/1").code == 0
    assert run("--archive", base_archive, "validate", base_archive / ITEM).code == 1


def test_archive_found_from_environment_and_from_a_subfolder(base_archive, run, monkeypatch):
    monkeypatch.chdir(base_archive / "records" / "2")
    assert run("validate").code == 0
    monkeypatch.chdir(base_archive.parent)
    monkeypatch.setenv("DOSSIER_ARCHIVE", str(base_archive))
    assert run("validate").code == 0


def test_cache_sees_edits_attachments_and_reverts(base_archive, run):
    first = run("--archive", base_archive, "validate", "--lang", "en")
    assert first.code == 0 and (base_archive / ".dossier/validate.sqlite").exists()
    scan = base_archive / "records/1/2025/1-2025-S02-0001.scan-1.png"
    original = scan.read_bytes()
    scan.write_bytes(original + b"tampered")
    assert run("--archive", base_archive, "validate").code == 1  # attachment changed, item did not
    scan.write_bytes(original)
    assert run("--archive", base_archive, "validate").code == 0
    item = base_archive / ITEM
    text = item.read_text(encoding="utf-8")
    item.write_text(text.replace("status: filed", "status: lost"), encoding="utf-8")
    assert run("--archive", base_archive, "validate").code == 1
    item.write_text(text, encoding="utf-8")
    assert run("--archive", base_archive, "validate").code == 0


def test_results_cached_by_other_code_are_not_trusted(base_archive, monkeypatch):
    assert validate_archive(base_archive, TODAY_DATE).cached == 0
    assert validate_archive(base_archive, TODAY_DATE).cached > 0
    monkeypatch.setattr(dossier, "_fingerprint", "0.1.0+other-code")  # an upgrade that kept the version
    assert validate_archive(base_archive, TODAY_DATE).cached == 0


def test_the_code_fingerprint_follows_the_modules(tmp_path):
    package = tmp_path / "dossier"
    shutil.copytree(Path(dossier.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))

    def fingerprint() -> str:
        return subprocess.run([sys.executable, "-c", "import dossier; print(dossier.code_fingerprint())"],
                              env={**os.environ, "PYTHONPATH": str(tmp_path)}, capture_output=True, text=True,
                              check=True).stdout.strip()

    before = fingerprint()
    assert before == dossier.code_fingerprint() and before.startswith(dossier.__version__ + "+")
    with (package / "regulation" / "rules.py").open("a", encoding="utf-8") as rules:
        rules.write("\n# a rule changed\n")
    after = fingerprint()
    assert after != before
    module = package / "archive" / "codes.py"  # an edit that keeps the module's size, saved later
    text, stat = module.read_bytes(), module.stat()
    module.write_bytes(text.replace(b"(", b"[", 1))
    os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert module.stat().st_size == stat.st_size and fingerprint() != after


def test_a_broken_configuration_file_is_named_with_its_position_by_every_command(base_archive, run):
    init_repo(base_archive, "li.na@example.cn")
    people = base_archive / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("- {id: wang.wei,", "- {id: [wang.wei,"), encoding="utf-8")
    for args in (["list"], ["show", ITEM_CODE], ["history", ITEM_CODE], ["new", "contract", "--customer", "C0001"]):
        result = run("--archive", base_archive, *args, "--lang", "en")
        assert result.code == 1 and re.match(r"people\.yaml:\d+:\d+: yaml: ", result.err), (args, result.err)


@pytest.mark.parametrize("people", ["people: 5", "people: [5, {id: [li.na]}, {id: li.na, roles: 5}]"])
def test_people_of_the_wrong_shape_are_reported_never_a_crash(base_archive, run, people):
    init_repo(base_archive, "li.na@example.cn")
    (base_archive / "people.yaml").write_text(people + "\n", encoding="utf-8")
    validated = run("--archive", base_archive, "validate", "--lang", "en")
    assert validated.code == 1 and "people.yaml:1:" in validated.out and ": schema: people" in validated.out
    for args in (["list"], ["history", ITEM_CODE], ["validate"]):
        result = run("--archive", base_archive, *args, "--lang", "en")
        assert result.code in (1, 2) and "internal error" not in result.err, (args, result.err)


def test_settings_of_the_wrong_shape_stop_a_command_at_their_position(base_archive, run):
    init_repo(base_archive, "li.na@example.cn")
    settings = base_archive / "archive.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("deletion_retention_days: 30",
                                                                     "deletion_retention_days: a month"), encoding="utf-8")
    git(base_archive, "commit", "-qam", "a slip")
    out = base_archive.parent / "out"  # outside the archive: a catalogue is never written inside it
    for args in (["delete", ITEM_CODE, "--reason", "重复"], ["render", "catalogue", "--output", out]):
        result = run("--archive", base_archive, *args, "--lang", "en")
        assert result.code == 1, (args, result.err)
        assert re.match(r"archive\.yaml:\d+:\d+: schema: deletion_retention_days must be integer", result.err)
    assert (base_archive / ITEM).is_file() and not out.exists()  # nothing done
    assert "archive.yaml" in run("--archive", base_archive, "validate", "--lang", "en").out


@pytest.mark.parametrize("manager", ["[wang.wei]", "{id: wang.wei}"])
def test_a_card_whose_manager_is_not_a_name_is_reported_never_a_crash(base_archive, run, tmp_path, manager):
    init_repo(base_archive, "li.na@example.cn")
    card = base_archive / "customers/C0001.yaml"
    card.write_text(card.read_text(encoding="utf-8").replace("manager: wang.wei", f"manager: {manager}"), encoding="utf-8")
    git(base_archive, "commit", "-qam", "a slip")
    for args in (["new", "contract", "--customer", "C0001"], ["report", "credit", "--output", tmp_path],
                 ["export", "customers", "--output", tmp_path], ["validate"]):
        result = run("--archive", base_archive, *args, "--lang", "en")
        assert "internal error" not in result.err, (args, result.err)
    assert "customers/C0001.yaml:4:10: schema: manager" in run("--archive", base_archive, "validate", "--lang", "en").out


def test_paths_that_do_not_exist_are_usage_errors(base_archive, run):
    for command in ("validate", "rekey"):
        result = run("--archive", base_archive, command, "records/9")
        assert result.code == 2 and "does not exist" in result.err, (command, result.err)


def test_people_change_invalidates_cached_results(base_archive, run):
    assert run("--archive", base_archive, "validate").code == 0
    people = base_archive / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("supervisor: zhang.min}", "supervisor: li.na}"),
                      encoding="utf-8")
    result = run("--archive", base_archive, "validate", "--lang", "en")
    assert result.code == 1 and "zhang.min is not the direct supervisor of wang.wei (li.na is)" in result.out


# One test per file of the base archive, so that parallel workers share the cuts.
BASE_ARCHIVE_FILES = sorted(
    path.relative_to(FIXTURES / "base").as_posix()
    for path in (FIXTURES / "base").rglob("*.yaml") if "schemas" not in path.parts
)


def test_every_file_of_the_base_archive_is_cut():
    assert len(BASE_ARCHIVE_FILES) >= 10 and "people.yaml" in BASE_ARCHIVE_FILES


@pytest.mark.parametrize("name", BASE_ARCHIVE_FILES)
def test_no_traceback_for_any_truncation_of_any_file(name, base_archive, run):
    """Cut the file at every line: always a clean report, never a crash."""
    path = base_archive / name
    lines = path.read_bytes().splitlines(keepends=True)
    for cut in range(len(lines)):
        path.write_bytes(b"".join(lines[:cut]) + b"  - [\n")
        result = run("--archive", base_archive, "validate", "--no-cache", "--lang", "en")
        assert result.code in (0, 1), (name, cut, result.err)
        assert "internal error" not in result.err and "Traceback" not in result.err, (name, cut, result.err)


# --- new, list, show -----------------------------------------------------------------------


@pytest.fixture
def repo_archive(base_archive):
    init_repo(base_archive, "wang.wei@example.cn")
    return base_archive


def test_new_allocates_the_next_code_in_my_section_and_writes_a_valid_draft(repo_archive, run):
    result = run("--archive", repo_archive, "new", "contract", "--customer", "C0001", "--date", "2025-09-01",
                 "--lang", "en")
    assert result.code == 0, result.out + result.err
    assert "wrote draft records/2/2025/2-2025-S02-0002.yaml" in result.out or "2-2025-S02-0002.yaml" in result.out
    created = repo_archive / "records/2/2025/2-2025-S02-0002.yaml"
    text = created.read_text(encoding="utf-8")
    assert "status: draft" in text and "manager: wang.wei" in text and "customer: C0001" in text
    assert "title: 山西晋能集团有限公司合同" in text
    assert "date: 2025-09-01" in text  # unquoted, as people write dates
    assert run("--archive", repo_archive, "validate").code == 0


def test_new_never_reuses_a_deleted_or_purged_code(repo_archive, run):
    run("--archive", repo_archive, "new", "contract", "--customer", "C0001", "--date", "2025-09-01")
    git(repo_archive, "add", "-A")
    git(repo_archive, "commit", "-q", "-m", "Add contract draft")
    (repo_archive / "records/2/2025/2-2025-S02-0002.yaml").unlink()  # purged: only history remembers it
    git(repo_archive, "commit", "-q", "-am", "Purge draft")
    result = run("--archive", repo_archive, "new", "contract", "--customer", "C0001", "--date", "2025-10-01")
    assert "2-2025-S02-0003.yaml" in result.out


def test_new_for_an_archivist_uses_the_customer_managers_section(repo_archive, run):
    git(repo_archive, "config", "user.email", "zhou.jing@example.cn")  # her grant: C0001 (write follows read)
    result = run("--archive", repo_archive, "new", "credit-limit", "--customer", "C0001", "--date", "2025-06-01")
    assert result.code == 0, result.err
    text = (repo_archive / "records/3/2025/3-2025-S02-0002.yaml").read_text(encoding="utf-8")
    assert "manager: wang.wei" in text and "handler: zhou.jing" in text


def test_new_for_another_managers_customer_is_refused_to_a_manager_and_filed_for_the_sales_manager(repo_archive, run):
    refused = run("--archive", repo_archive, "new", "credit-limit", "--customer", "C0002", "--lang", "en")
    assert refused.code == 1 and "C0002 is the customer of 陈晓雨 (chen.xiaoyu)" in refused.err
    assert git(repo_archive, "status", "--porcelain") == ""  # nothing written
    git(repo_archive, "config", "user.email", "li.na@example.cn")  # the sales manager, a customer manager too
    result = run("--archive", repo_archive, "new", "credit-limit", "--customer", "C0002", "--date", "2025-06-01")
    assert result.code == 0, result.err
    text = (repo_archive / "records/3/2025/3-2025-S04-0002.yaml").read_text(encoding="utf-8")
    assert "manager: chen.xiaoyu" in text and "handler: li.na" in text


def test_new_refuses_unknown_people_types_and_customers(repo_archive, run):
    assert run("--archive", repo_archive, "new", "sonnet", "--customer", "C0001").code == 1
    unknown = run("--archive", repo_archive, "new", "contract", "--customer", "C0404", "--lang", "en")
    assert unknown.code == 2 and "--customer C0404: no such value" in unknown.err  # a usage error, naming the closest
    assert run("--archive", repo_archive, "new", "contract").code == 1  # category 2 needs a customer
    git(repo_archive, "config", "user.email", "stranger@example.cn")
    result = run("--archive", repo_archive, "new", "contract", "--customer", "C0001", "--lang", "en")
    assert result.code == 2 and "stranger@example.cn is not in people.yaml" in result.err
    assert not (repo_archive / "records/2/2025/2-2025-S02-0002.yaml").exists()


def test_list_is_in_catalogue_order_and_filters(base_archive, run):
    listed = run("--archive", base_archive, "list", "--format", "json")
    codes = [row["code"] for row in json.loads(listed.out)]
    assert codes == ["1-2025-S02-0001", "2-2025-S02-0001", "3-2025-S02-0001", "3-2025-S04-0001",
                     "5-2025-S01-0001", "D-2025-S02-0001"]
    only = json.loads(run("--archive", base_archive, "list", "--category", "3", "--customer", "C0002",
                          "--format", "json").out)
    assert [row["code"] for row in only] == ["3-2025-S04-0001"]
    drafts = run("--archive", base_archive, "list", "--status", "draft", "--lang", "zh")
    assert re.search(r"D-2025-S02-0001\s+2025-07-28\s+草稿\s+王伟\s+会议记录", drafts.out) and "编码" in drafts.out
    none = run("--archive", base_archive, "list", "--year", "1999", "--lang", "en")
    assert none.code == 0 and none.out.strip() == "no item matches these filters"
    assert json.loads(run("--archive", base_archive, "list", "--year", "1999", "--format", "json").out) == []


def test_show_labels_fields_in_chinese(base_archive, run):
    result = run("--archive", base_archive, "show", "3-2025-S02-0001", "--lang", "zh")
    assert result.code == 0
    assert "类别: 3 欠款还款" in result.out
    assert "信用额度 limit: 200000.00 CNY" in result.out
    assert run("--archive", base_archive, "show", "3-2025-S02-0099").code == 1
    assert run("--archive", base_archive, "show", "not-a-code").code == 1
