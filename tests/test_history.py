"""The modification record: `dossier history CODE` and `dossier log`, over real git history.

The story (one repository, real commits, fixed dates):
  2025-04-15  zhou.jing files the archive (init_repo)                          on main
  2026-11-10  wang.wei raises 3-2025-S02-0001's limit, changes the supervisor,  branch limit
              adds remarks (Reason: …)
  2026-11-11  li.na (sales manager) merges it --no-ff                           main
  2026-11-12  chen.xiaoyu moves 3-2025-S04-0001 from C0002 to C0001             branch card,
              (Reason: …), merged by li.na on 2026-11-13
  2026-11-20  wang.wei deletes 3-2025-S02-0001 into trash/ (Reason, Dossier-Action: delete),
              merged by li.na on 2026-11-21
  2026-11-22  zhou.jing restores it (Dossier-Action: restore)                   on main
  2026-11-23  zhou.jing deletes and purges 2-2025-S02-0001                      on main
"""

from __future__ import annotations

import json
import re
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_archive, git, init_repo
from dossier.archive.errors import DossierError
from dossier.record.history import ABSENT, FieldChange, approving_merges, archive_log, diff_values, item_history

CODE = "3-2025-S02-0001"
ITEM = f"records/3/2025/{CODE}.yaml"
TRASHED = f"trash/{ITEM}"
OTHER = "3-2025-S04-0001"
PURGED = "2-2025-S02-0001"
REASON_LIMIT = "年度协议金额上调，额度随之提高"
REASON_DELETE = "客户资料重复录入"


def commit(repo: Path, email: str, date: str, message: str, merge: str | None = None) -> str:
    """Commit everything (or merge `merge` --no-ff) as `email` at `date`, both author and committer."""
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    ident = ["-c", f"user.email={email}", "-c", f"user.name={email.split('@')[0]}"]
    if merge:
        args = ["merge", "--no-ff", "-q", "-m", message, merge]
    else:
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
        args = ["commit", "-q", "-m", message]
    subprocess.run(["git", *ident, *args], cwd=repo, check=True, env=env, capture_output=True)
    return git(repo, "rev-parse", "HEAD").strip()


def edit(path: Path, *pairs: tuple[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def move(root: Path, source: str, target: str) -> None:
    (root / target).parent.mkdir(parents=True, exist_ok=True)
    shutil.move(root / source, root / target)


def build_story(root: Path, repo: Path, monkeypatch) -> dict[str, str]:
    """The history described at the top; `repo` is the repository holding the archive `root`."""
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2025-04-15T09:00:00+08:00")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2025-04-15T09:00:00+08:00")
    init_repo(repo, "zhou.jing@example.cn")
    monkeypatch.delenv("GIT_AUTHOR_DATE")
    monkeypatch.delenv("GIT_COMMITTER_DATE")
    shas = {"filed": git(repo, "rev-parse", "HEAD").strip()}

    git(repo, "checkout", "-q", "-b", "limit")
    edit(root / ITEM, ("limit: 200000.00 CNY", "limit: 250000.00 CNY"),
         ("supervisor: {person: li.na", "supervisor: {person: zhang.min"),
         ("content:", "remarks: 临时上调至年底\ncontent:"))
    shas["modified"] = commit(repo, "wang.wei@example.cn", "2026-11-10T10:15:00+08:00",
                              f"Raise the credit limit of C0001\n\nReason: {REASON_LIMIT}")
    git(repo, "checkout", "-q", "main")
    shas["approve-limit"] = commit(repo, "li.na@example.cn", "2026-11-11T09:00:00+08:00", "Approve limit",
                                   merge="limit")

    git(repo, "checkout", "-q", "-b", "card")
    edit(root / f"records/3/2025/{OTHER}.yaml", ("customer: C0002", "customer: C0001"))
    shas["card"] = commit(repo, "chen.xiaoyu@example.cn", "2026-11-12T11:00:00+08:00",
                          "Terms belong to C0001\n\nReason: 客户编号登记错误")
    git(repo, "checkout", "-q", "main")
    shas["approve-card"] = commit(repo, "li.na@example.cn", "2026-11-13T09:00:00+08:00", "Approve card",
                                  merge="card")

    git(repo, "checkout", "-q", "-b", "remove")
    move(root, ITEM, TRASHED)
    (root / f"trash/records/3/2025/{CODE}.deletion.yaml").write_text(
        f"code: {CODE}\npath: {ITEM}\ndeleted_by: wang.wei\nreason: {REASON_DELETE}\npurge_after: 2026-12-20\n",
        encoding="utf-8")
    shas["deleted"] = commit(repo, "wang.wei@example.cn", "2026-11-20T16:30:00+08:00",
                             f"Delete {CODE}\n\nReason: {REASON_DELETE}\nDossier-Action: delete\nDossier-Item: {CODE}")
    git(repo, "checkout", "-q", "main")
    shas["approve-remove"] = commit(repo, "li.na@example.cn", "2026-11-21T09:00:00+08:00", "Approve remove",
                                    merge="remove")

    move(root, TRASHED, ITEM)
    (root / f"trash/records/3/2025/{CODE}.deletion.yaml").unlink()
    shas["restored"] = commit(repo, "zhou.jing@example.cn", "2026-11-22T08:45:00+08:00",
                              f"Restore {CODE}\n\nDossier-Action: restore\nDossier-Item: {CODE}")

    move(root, f"records/2/2025/{PURGED}.yaml", f"trash/records/2/2025/{PURGED}.yaml")
    shas["deleted-other"] = commit(repo, "zhou.jing@example.cn", "2026-11-23T08:00:00+08:00",
                                   f"Delete {PURGED}\n\nReason: 草稿作废\nDossier-Action: delete")
    shutil.rmtree(root / "trash/records/2")
    shas["purged"] = commit(repo, "zhou.jing@example.cn", "2026-11-23T09:00:00+08:00",
                            f"Purge\n\nDossier-Action: purge\nDossier-Item: {PURGED}")
    return shas


@pytest.fixture
def story(base_archive, monkeypatch):
    shas = build_story(base_archive, base_archive, monkeypatch)
    return base_archive, shas


# --- the library -------------------------------------------------------------------------------


def test_history_follows_the_item_through_modify_delete_and_restore(story):
    root, shas = story
    changes = item_history(root, CODE)
    assert [(c.action, c.author, c.commit) for c in changes] == [
        ("added", "zhou.jing", shas["filed"]),
        ("modified", "wang.wei", shas["modified"]),
        ("deleted", "wang.wei", shas["deleted"]),
        ("restored", "zhou.jing", shas["restored"]),
    ]
    added, modified, deleted, restored = changes
    assert modified.date == "2026-11-10T10:15:00+08:00"
    assert modified.reason == REASON_LIMIT and deleted.reason == REASON_DELETE and restored.reason == ""
    assert deleted.path == TRASHED and restored.path == ITEM


def test_changed_fields_are_old_and_new_values_by_path(story):
    modified = item_history(story[0], CODE)[1]
    assert modified.fields == [  # in the order of the newer version
        FieldChange("signatures.supervisor.person", "li.na", "zhang.min"),
        FieldChange("remarks", ABSENT, "临时上调至年底"),
        FieldChange("content.limit", "200000.00 CNY", "250000.00 CNY"),
    ]
    assert [f.text() for f in modified.fields] == [
        "signatures.supervisor.person: li.na → zhang.min",
        "remarks: — → 临时上调至年底",
        "content.limit: 200000.00 CNY → 250000.00 CNY",
    ]


def test_moves_to_and_from_trash_change_no_field(story):
    _, _, deleted, restored = item_history(story[0], CODE)
    assert deleted.fields == [] and restored.fields == [] and not deleted.unreadable


def test_approver_is_the_sales_managers_merge_and_main_line_commits_have_none(story):
    root, shas = story
    added, modified, deleted, restored = item_history(root, CODE)
    assert (modified.approver, modified.approval_commit) == ("li.na", shas["approve-limit"])
    assert (deleted.approver, deleted.approval_commit) == ("li.na", shas["approve-remove"])
    assert added.approver is None and restored.approver is None


def test_approver_agrees_with_git_ancestry_path_for_every_commit(story, base_archive):
    """Nested branches too: a commit merged into a team branch, the team branch into main."""
    root = base_archive
    git(root, "checkout", "-q", "-b", "team")
    git(root, "checkout", "-q", "-b", "feature")
    (root / "records/5/2025/5-2025-S01-0001.yaml").write_text(
        (root / "records/5/2025/5-2025-S01-0001.yaml").read_text(encoding="utf-8").replace("pages: 3", "pages: 4"),
        encoding="utf-8")
    nested = commit(root, "li.na@example.cn", "2026-11-24T10:00:00+08:00", "Pages\n\nReason: 漏计一页")
    git(root, "checkout", "-q", "team")
    commit(root, "zhang.min@example.cn", "2026-11-24T11:00:00+08:00", "Team", merge="feature")
    git(root, "checkout", "-q", "main")
    top = commit(root, "li.na@example.cn", "2026-11-24T12:00:00+08:00", "Approve team", merge="team")
    every = git(root, "rev-list", "HEAD").split()
    line = git(root, "rev-list", "--first-parent", "HEAD").split()
    found = approving_merges(git(root, "rev-list", "--parents", "HEAD"), set(every))
    for sha in every:
        # the descendants of sha on the first-parent line; the oldest approves it
        descendants = set(git(root, "rev-list", "--ancestry-path", f"{sha}..HEAD").split())
        expected = [c for c in line if c in descendants]
        assert found.get(sha) == (None if sha in line else expected[-1]), sha
    assert found[nested] == top
    # git 2.39's `rev-list --first-parent --ancestry-path` walks only first parents, so it
    # loses a commit that reached main through a merge into another branch: not used.
    assert git(root, "rev-list", "--first-parent", "--merges", "--ancestry-path", f"{nested}..HEAD").split() in (
        [], [top])
    assert item_history(root, "5-2025-S01-0001")[-1].approver == "li.na"


def test_a_change_a_later_merge_overrode_stays_in_the_record(story):
    """Two branches change the same value; the second merge takes its own side (-X theirs).
    Plain `git log -- PATH` simplifies the first change away; the record keeps it."""
    root, _ = story
    for branch, pages, email in (("a", "2", "wang.wei@example.cn"), ("b", "3", "chen.xiaoyu@example.cn")):
        git(root, "checkout", "-q", "-b", branch, "main")
        edit(root / ITEM, ("pages: 1", f"pages: {pages}"))
        commit(root, email, f"2026-11-24T1{pages}:00:00+08:00", f"Pages {pages}\n\nReason: 页数更正为 {pages}")
    git(root, "checkout", "-q", "main")
    first = commit(root, "li.na@example.cn", "2026-11-25T09:00:00+08:00", "Approve a", merge="a")
    when = "2026-11-25T10:00:00+08:00"
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", "-c", "user.email=li.na@example.cn", "-c", "user.name=li.na", "merge", "--no-ff", "-q",
                    "-X", "theirs", "-m", "Approve b", "b"], cwd=root, check=True, env=env, capture_output=True)
    second = git(root, "rev-parse", "HEAD").strip()
    a_commit = git(root, "rev-parse", "a").strip()
    assert a_commit not in git(root, "log", "--format=%H", "--", ITEM)  # what plain git log shows
    last_two = item_history(root, CODE)[-2:]
    assert [(c.author, c.fields, c.approval_commit) for c in last_two] == [
        ("wang.wei", [FieldChange("pages", 1, 2)], first),
        ("chen.xiaoyu", [FieldChange("pages", 1, 3)], second),
    ]


def test_purge_ends_the_record_of_a_purged_item(story):
    root, shas = story
    changes = item_history(root, PURGED)
    assert [c.action for c in changes] == ["added", "deleted", "purged"]
    assert changes[-1].commit == shas["purged"] and changes[-1].path == f"trash/records/2/2025/{PURGED}.yaml"


def test_unknown_email_falls_back_to_the_email(story):
    root, _ = story
    edit(root / ITEM, ("pages: 1", "pages: 2"))
    commit(root, "visitor@example.org", "2026-11-24T10:00:00+08:00", "Pages\n\nReason: 补页")
    last = item_history(root, CODE)[-1]
    assert (last.author, last.author_email) == ("visitor@example.org", "visitor@example.org")
    assert last.fields == [FieldChange("pages", 1, 2)]


def test_an_unreadable_version_is_reported_not_fatal(story):
    root, _ = story
    (root / ITEM).write_bytes(b"code: [unclosed\n")
    commit(root, "zhou.jing@example.cn", "2026-11-24T10:00:00+08:00", "Broken\n\nReason: 测试")
    last = item_history(root, CODE)[-1]
    assert last.unreadable and last.fields == []


def test_archive_in_a_subfolder_of_its_repository(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    root = copy_archive(FIXTURES / "base", repo / "archive")
    (repo / "README.md").write_text("the code lives here too\n", encoding="utf-8")
    shas = build_story(root, repo, monkeypatch)
    changes = item_history(root, CODE)
    assert [c.action for c in changes] == ["added", "modified", "deleted", "restored"]
    assert changes[2].path == TRASHED and changes[1].approval_commit == shas["approve-limit"]
    assert changes[1].fields[-1] == FieldChange("content.limit", "200000.00 CNY", "250000.00 CNY")
    assert [c.code for c in archive_log(root, since="2026-11-20")] == [PURGED, PURGED, CODE, CODE]


def test_a_check_run_while_git_walks_can_refuse_before_anything_is_read(story):
    root, _ = story
    calls = []

    class Refused(Exception):
        pass

    def refuse():
        calls.append("refused")
        raise Refused

    with pytest.raises(Refused):
        item_history(root, CODE, meanwhile=refuse)
    assert [c.action for c in item_history(root, CODE, meanwhile=lambda: calls.append("ok"))] == [
        "added", "modified", "deleted", "restored"]
    assert calls == ["refused", "ok"]


def test_bad_code_unknown_item_and_no_git_are_clear_errors(story, base_archive, tmp_path):
    root, _ = story
    with pytest.raises(DossierError) as bad:
        item_history(root, "3-2025-S2-1")
    assert bad.value.key == "history-subject-invalid"
    with pytest.raises(DossierError) as none:
        item_history(root, "3-2025-S02-0099")
    assert none.value.key == "history-none"
    loose = copy_archive(FIXTURES / "base", tmp_path / "loose")
    with pytest.raises(DossierError) as outside:
        item_history(loose, CODE)
    assert outside.value.key == "history-not-git"


def test_log_is_newest_first_one_line_per_commit_and_item(story):
    root, shas = story
    rows = [(c.commit, c.code, c.action) for c in archive_log(root)]
    assert rows[:6] == [
        (shas["purged"], PURGED, "purged"),
        (shas["deleted-other"], PURGED, "deleted"),
        (shas["restored"], CODE, "restored"),
        (shas["deleted"], CODE, "deleted"),
        (shas["card"], OTHER, "modified"),
        (shas["modified"], CODE, "modified"),
    ]
    first = [(code, action) for sha, code, action in rows if sha == shas["filed"]]
    # two customer cards, five records, one daily item
    assert len(first) == 8 and all(action == "added" for _, action in first)
    assert [code for code, _ in first[:2]] == ["C0001", "C0002"]  # cards first, then catalogue order
    assert len(rows) == 14


def test_log_filters_by_date_customer_and_category(story):
    root, shas = story
    assert [c.commit for c in archive_log(root, since="2026-11-22")] == [shas["purged"], shas["deleted-other"],
                                                                          shas["restored"]]
    c0002 = archive_log(root, customer="C0002")
    # the old version's customer, and the customer's own card
    assert [(c.code, c.action) for c in c0002] == [(OTHER, "modified"), ("C0002", "added"), (OTHER, "added")]
    assert shas["card"] in {c.commit for c in archive_log(root, customer="C0001")}  # new version's customer
    assert {c.code for c in archive_log(root, category="2")} == {PURGED}
    assert {c.code for c in archive_log(root, category="D")} == {"D-2025-S02-0001"}
    assert archive_log(root, since="2027-01-01") == []


def test_diff_values_walks_mappings_and_lists():
    old = {"a": {"b": 1, "gone": True}, "l": [1, 2, 3], "t": "x", "e": {}}
    new = {"a": {"b": 2, "new": {"x": None}}, "l": [1, 5], "t": ["x"], "e": {}}
    assert [f.text() for f in diff_values(old, new)] == [
        "a.b: 1 → 2",
        "a.new.x: — → null",
        "a.gone: true → —",
        "l[1]: 2 → 5",
        "l[2]: 3 → —",
        't: x → ["x"]',
    ]
    assert diff_values({"n": 1}, {"n": 1.0}) == [FieldChange("n", 1, 1.0)]
    assert diff_values({"k": 1}, {"k": 1}) == []


# --- the command line -----------------------------------------------------------------------------


def test_history_text_in_english(story, run):
    result = run("--archive", story[0], "history", CODE, "--lang", "en")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == f"{CODE}: 4 change(s)"
    assert lines[1].startswith("2025-04-15 09:00  ") and lines[1].endswith("zhou.jing  added")
    assert lines[2].startswith("2026-11-10 10:15  ")
    assert lines[2].endswith(f"wang.wei  modified  reason: {REASON_LIMIT}  approved by li.na")
    assert "    content.limit: 200000.00 CNY → 250000.00 CNY" in lines
    assert "    signatures.supervisor.person: li.na → zhang.min" in lines
    assert "    remarks: — → 临时上调至年底" in lines
    assert lines[-2].endswith(f"wang.wei  deleted  reason: {REASON_DELETE}  approved by li.na")
    assert lines[-1].endswith("zhou.jing  restored")


def test_history_text_in_chinese(story, run):
    result = run("--archive", story[0], "history", CODE, "--lang", "zh")
    assert result.code == 0, result.err
    assert result.out.startswith(f"{CODE}：共 4 条修改记录\n")
    assert f"王伟  修改  原因：{REASON_LIMIT}  批准人：李娜" in result.out  # people by name in Chinese
    assert f"王伟  删除  原因：{REASON_DELETE}  批准人：李娜" in result.out
    assert "周静  新增" in result.out and "周静  恢复" in result.out
    assert "    content.limit: 200000.00 CNY → 250000.00 CNY" in result.out


def test_history_json_parses(story, run):
    root, shas = story
    result = run("--archive", root, "history", CODE, "--format", "json")
    changes = json.loads(result.out)
    assert [c["action"] for c in changes] == ["added", "modified", "deleted", "restored"]
    modified = changes[1]
    assert modified["reason"] == REASON_LIMIT and modified["approver"] == "li.na"
    assert modified["approval_commit"] == shas["approve-limit"] and modified["author_email"] == "wang.wei@example.cn"
    assert modified["fields"][1] == {"field": "remarks", "new": "临时上调至年底"}
    assert {"field": "content.limit", "old": "200000.00 CNY", "new": "250000.00 CNY"} in modified["fields"]
    assert changes[3]["approver"] is None and changes[3]["reason"] is None


def test_log_text_and_json(story, run):
    root, shas = story
    en = run("--archive", root, "log", "--since", "2026-11-20", "--category", "3", "--lang", "en")
    assert en.code == 0, en.err
    lines = en.out.splitlines()
    assert lines[0].split() == ["date", "commit", "author", "action", "code", "reason", "approver"]
    assert len(lines) == 4 and "restored" in lines[2] and CODE in lines[3]
    assert lines[3].split()[-3:] == [CODE, REASON_DELETE, "li.na"]
    zh = run("--archive", root, "log", "--customer", "C0002", "--lang", "zh")
    header = ["日期", "提交", "修改人", "操作", "编码", "原因", "批准人"]
    assert zh.out.splitlines()[0].split() == header
    assert re.search(r"陈晓雨\s+修改", zh.out) and "客户编号登记错误" in zh.out
    rows = json.loads(run("--archive", root, "log", "--format", "json").out)
    assert rows[0]["action"] == "purged" and rows[0]["code"] == PURGED and "fields" not in rows[0]
    assert run("--archive", root, "log", "--since", "2030-01-01", "--lang", "en").out.strip() == "no changes match"


def test_cli_errors_exit_1_with_a_message(story, run, tmp_path):
    root, _ = story
    bad = run("--archive", root, "history", "nonsense", "--lang", "en")
    assert bad.code == 1 and "'nonsense' is neither an electronic code" in bad.err
    none = run("--archive", root, "history", "3-2025-S02-0099", "--lang", "zh")
    assert none.code == 1 and "没有 3-2025-S02-0099 的任何修改" in none.err
    loose = copy_archive(FIXTURES / "base", tmp_path / "loose")
    outside = run("--archive", loose, "history", CODE, "--lang", "en")
    assert outside.code == 1 and "is not in a git repository" in outside.err
    assert run("--archive", loose, "log", "--lang", "en").code == 1
    assert run("--archive", root, "log", "--since", "yesterday").code == 2
    assert "Traceback" not in bad.err + none.err + outside.err
