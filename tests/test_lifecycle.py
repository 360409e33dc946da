"""Delete, restore, purge and recovery from history, in real git repositories
(docs/records-in-git.md: Deletion, trash and purge)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_archive, git, init_repo
from dossier.record import lifecycle
from dossier.archive.config import open_archive
from dossier.archive.errors import DossierError
from dossier.archive.loader import load_file

CODE = "1-2025-S02-0001"
ITEM = f"records/1/2025/{CODE}.yaml"
SCAN = f"records/1/2025/{CODE}.scan-1.png"
RECORD = f"trash/records/1/2025/{CODE}.deletion.yaml"
OTHER = "3-2025-S02-0001"
BEIJING = dt.timezone(dt.timedelta(hours=8))
DELETED_AT = dt.datetime(2026, 11, 23, 10, 15, tzinfo=BEIJING)


@pytest.fixture
def repo(base_archive) -> Path:
    init_repo(base_archive, "wang.wei@example.cn")
    return base_archive


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the work tree (outside .git and the validate cache), with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts and ".dossier" not in p.parts}


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def trailers(root: Path, rev: str = "HEAD") -> list[tuple[str, str]]:
    out = git(root, "log", "-1", "--format=%(trailers:only,unfold)", rev)
    return [tuple(part.strip() for part in line.split(":", 1)) for line in out.splitlines() if ":" in line]


def clean(root: Path) -> bool:
    return git(root, "status", "--porcelain", "--untracked-files=all") == ""


def actor(archive, person="wang.wei"):
    return archive.people[person]


def delete(root: Path, code=CODE, reason="客户资料重复录入", now=DELETED_AT):
    archive = open_archive(root)
    return lifecycle.delete_item(archive, actor(archive), code, reason, now)


# --- delete and restore ----------------------------------------------------------------------


def test_delete_moves_item_and_attachment_to_trash_and_restore_brings_them_back_byte_identical(repo, run):
    before = snapshot(repo)
    result = run("--archive", repo, "delete", CODE, "--reason", "客户资料重复录入", "--lang", "en")
    assert result.code == 0, result.err
    assert f"moved {CODE} and 1 attachment(s) to trash/" in result.out and "2026-12-23" in result.out
    assert not (repo / ITEM).exists() and not (repo / SCAN).exists()
    assert (repo / "trash" / ITEM).read_bytes() == before[ITEM]
    assert (repo / "trash" / SCAN).read_bytes() == before[SCAN]

    record = load_file(repo / RECORD, RECORD).data
    assert record["code"] == CODE and record["path"] == ITEM and record["attachments"] == [SCAN]
    assert record["deleted_by"] == "wang.wei" and record["reason"] == "客户资料重复录入"
    assert re.fullmatch(r"2026-11-23T\d\d:\d\d:\d\d[+-]\d\d:\d\d", record["deleted_at"])  # with its time zone
    assert record["purge_after"] == "2026-12-23"  # 30 days, archive.yaml deletion_retention_days
    assert f"attachments: [{SCAN}]" in (repo / RECORD).read_text(encoding="utf-8")  # laid out as documented

    assert clean(repo)
    assert git(repo, "log", "-1", "--format=%s").strip() == f"Delete {CODE}: 客户资料重复录入"
    assert trailers(repo) == [("Reason", "客户资料重复录入"), ("Dossier-Action", "delete"), ("Dossier-Item", CODE)]
    moves = git(repo, "show", "-M", "--name-status", "--format=", "HEAD").splitlines()
    assert f"R100\t{ITEM}\ttrash/{ITEM}" in moves and f"R100\t{SCAN}\ttrash/{SCAN}" in moves
    assert f"A\t{RECORD}" in moves

    validated = run("--archive", repo, "validate", "--lang", "en")  # trash/ is no stray file, no serial gap
    assert validated.code == 0 and "no problems" in validated.out, validated.out

    restored = run("--archive", repo, "restore", CODE, "--lang", "en")
    assert restored.code == 0, restored.err
    assert f"restored {CODE} to {ITEM} with 1 attachment(s)" in restored.out
    assert snapshot(repo) == before
    assert not (repo / "trash").exists()
    assert clean(repo)
    assert trailers(repo) == [("Dossier-Action", "restore"), ("Dossier-Item", CODE)]
    assert git(repo, "diff", "HEAD~2", "HEAD") == ""  # the tree is exactly as before the deletion


def test_a_deletion_on_main_says_how_to_take_it_to_the_sales_manager(repo, run):
    on_main = run("--archive", repo, "delete", CODE, "--reason", "重复录入", "--lang", "en")
    assert on_main.code == 0 and "note: this commit is on main, where verify and the server will refuse it" in on_main.err
    advice = re.findall(r"`(git [^`]+)`", on_main.err)
    assert advice == [f"git branch delete-{CODE}", "git reset --keep HEAD~1"]
    for step in advice:  # the advice, followed, leaves main clean and the deletion on its branch
        git(repo, *step.split()[1:])
    assert run("--archive", repo, "verify").code == 0 and (repo / ITEM).is_file()
    git(repo, "switch", "-q", "-c", "other")
    on_a_branch = run("--archive", repo, "delete", CODE, "--reason", "重复录入", "--lang", "en")
    assert on_a_branch.code == 0 and "note:" not in on_a_branch.err


def test_restore_with_a_reason_records_it(repo, run):
    delete(repo)
    result = run("--archive", repo, "restore", CODE, "--reason", "误删，恢复", "--lang", "zh")
    assert result.code == 0 and "已将" in result.out
    assert git(repo, "log", "-1", "--format=%s").strip() == f"Restore {CODE}: 误删，恢复"
    assert trailers(repo) == [("Reason", "误删，恢复"), ("Dossier-Action", "restore"), ("Dossier-Item", CODE)]


def test_delete_commits_only_its_own_paths_and_leaves_other_staged_work_alone(repo):
    card = repo / "customers/C0002.yaml"
    card.write_text(card.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    git(repo, "add", "customers/C0002.yaml")
    change = delete(repo)
    committed = git(repo, "show", "--name-only", "--format=", change.commit).split()
    assert "customers/C0002.yaml" not in committed
    assert git(repo, "diff", "--cached", "--name-only").split() == ["customers/C0002.yaml"]


def test_a_daily_item_goes_to_trash_daily(repo, run):
    code, path = "D-2025-S02-0001", "daily/2025/D-2025-S02-0001.yaml"
    original = (repo / path).read_bytes()
    assert run("--archive", repo, "delete", code, "--reason", "重复").code == 0
    assert (repo / "trash" / path).read_bytes() == original
    assert (repo / "trash/daily/2025/D-2025-S02-0001.deletion.yaml").is_file()
    assert run("--archive", repo, "restore", code).code == 0
    assert (repo / path).read_bytes() == original and clean(repo)


def test_a_naive_time_is_recorded_with_the_local_time_zone(repo):
    change = delete(repo, now=dt.datetime(2026, 11, 23, 9, 0))
    assert re.fullmatch(r"2026-11-23T09:00:00[+-]\d\d:\d\d", change.deletions[0].deleted_at)


# --- purge and recovery from history ----------------------------------------------------------


def test_purge_waits_for_the_retention_month_then_history_still_returns_the_item(repo, run, monkeypatch):
    before = snapshot(repo)
    delete(repo)  # 2026-11-23: purge_after 2026-12-23
    archive = open_archive(repo)
    deleted = head(repo)

    for today in (dt.date(2026, 11, 23), dt.date(2026, 12, 23)):  # within the retention month
        change = lifecycle.purge(archive, actor(archive), today)
        assert change.commit is None and change.codes == ()
        assert head(repo) == deleted and (repo / "trash" / ITEM).exists()
    monkeypatch.setenv("DOSSIER_TODAY", "2026-12-23")
    early = run("--archive", repo, "purge", "--lang", "en")
    assert early.code == 0 and "nothing in trash/ is past its retention month" in early.out
    assert head(repo) == deleted

    monkeypatch.setenv("DOSSIER_TODAY", "2026-12-24")
    trash_before = snapshot(repo)
    dry = run("--archive", repo, "purge", "--dry-run", "--lang", "en")
    assert dry.code == 0 and f"{CODE}: deleted 2026-11-23T10:15:00+08:00 by wang.wei" in dry.out
    assert "would purge 1 item(s)" in dry.out
    assert head(repo) == deleted and snapshot(repo) == trash_before and clean(repo)  # a dry run changes nothing

    purged = run("--archive", repo, "purge", "--lang", "en")
    assert purged.code == 0, purged.err
    assert "purged 1 item(s)" in purged.out
    assert not (repo / "trash").exists() and not (repo / ITEM).exists() and clean(repo)
    assert trailers(repo) == [("Reason", "retention period ended"), ("Dossier-Action", "purge"),
                              ("Dossier-Item", CODE)]
    removed = git(repo, "show", "--name-status", "--format=", "HEAD").splitlines()
    assert sorted(removed) == sorted(f"D\t{p}" for p in (f"trash/{ITEM}", f"trash/{SCAN}", RECORD))

    assert run("--archive", repo, "restore", CODE, "--lang", "en").code == 1  # no longer in trash/
    recovered = run("--archive", repo, "restore", CODE, "--from-history", "--lang", "en")
    assert recovered.code == 0, recovered.err
    assert f"restored {CODE} to {ITEM} with 1 attachment(s) as of commit {deleted[:10]}" in recovered.out
    assert snapshot(repo) == before and clean(repo)
    assert trailers(repo) == [("Dossier-Action", "restore"), ("Dossier-Item", CODE)]
    assert run("--archive", repo, "validate").code == 0


def test_numbering_after_a_purge_does_not_reuse_the_code(repo, run, monkeypatch):
    delete(repo)
    archive = open_archive(repo)
    lifecycle.purge(archive, actor(archive), dt.date(2027, 1, 1))
    assert not (repo / "trash").exists()
    created = run("--archive", repo, "new", "registration-form", "--customer", "C0001", "--date", "2025-05-01",
                  "--lang", "en")
    assert created.code == 0, created.out + created.err
    assert "1-2025-S02-0002.yaml" in created.out
    assert not (repo / ITEM).exists()


def test_purge_takes_only_the_items_past_their_date_in_one_commit(repo):
    delete(repo, CODE, "重复录入", DELETED_AT)
    delete(repo, OTHER, "作废", DELETED_AT + dt.timedelta(days=10))
    delete(repo, "2-2025-S02-0001", "作废", DELETED_AT + dt.timedelta(days=1))
    archive = open_archive(repo)
    assert [d.code for d in lifecycle.trash_entries(repo)] == [CODE, "2-2025-S02-0001", OTHER]

    dry = lifecycle.purge(archive, actor(archive), dt.date(2026, 12, 25), dry_run=True)
    assert dry.commit is None and dry.codes == (CODE, "2-2025-S02-0001")
    assert (repo / "trash" / ITEM).exists()

    change = lifecycle.purge(archive, actor(archive), dt.date(2026, 12, 25))
    assert change.codes == (CODE, "2-2025-S02-0001")
    assert trailers(repo) == [("Reason", "retention period ended"), ("Dossier-Action", "purge"),
                              ("Dossier-Item", CODE), ("Dossier-Item", "2-2025-S02-0001")]
    assert [d.code for d in lifecycle.trash_entries(repo)] == [OTHER]  # still inside its month
    assert (repo / f"trash/records/3/2025/{OTHER}.yaml").is_file() and clean(repo)


def test_restore_from_history_of_an_item_removed_without_the_tool(repo, run):
    original = (repo / ITEM).read_bytes(), (repo / SCAN).read_bytes()
    git(repo, "rm", "-q", ITEM, SCAN)
    git(repo, "commit", "-q", "-m", "remove by hand")
    result = run("--archive", repo, "restore", CODE, "--from-history", "--reason", "找回")
    assert result.code == 0, result.err
    assert ((repo / ITEM).read_bytes(), (repo / SCAN).read_bytes()) == original
    assert trailers(repo) == [("Reason", "找回"), ("Dossier-Action", "restore"), ("Dossier-Item", CODE)]


def test_restore_from_history_of_an_item_still_in_trash_restores_it_from_trash(repo, run):
    before = snapshot(repo)
    delete(repo)
    assert run("--archive", repo, "restore", CODE, "--from-history").code == 0
    assert snapshot(repo) == before and clean(repo)


def test_an_archive_in_a_subfolder_of_the_repository(tmp_path, run):
    archive_root = copy_archive(FIXTURES / "base", tmp_path / "repo" / "archive")
    init_repo(tmp_path / "repo", "wang.wei@example.cn")
    before = snapshot(archive_root)
    assert run("--archive", archive_root, "delete", CODE, "--reason", "重复").code == 0
    assert (archive_root / RECORD).is_file()
    assert f"R100\tarchive/{ITEM}\tarchive/trash/{ITEM}" in git(archive_root, "show", "-M", "--name-status",
                                                                 "--format=", "HEAD")
    archive = open_archive(archive_root)
    lifecycle.purge(archive, actor(archive), dt.date(2027, 1, 1))
    assert run("--archive", archive_root, "restore", CODE, "--from-history").code == 0
    assert snapshot(archive_root) == before and clean(archive_root)


# --- refusals ---------------------------------------------------------------------------------


def test_refusals_exit_1_with_a_message_and_change_nothing(repo, run):
    start = head(repo)
    cases = [
        (("delete", "1-2025-S02-0099", "--reason", "x"), "no item 1-2025-S02-0099"),
        (("delete", "not-a-code", "--reason", "x"), "is not an electronic code"),
        (("delete", CODE, "--reason", "   "), "give the reason for deleting"),
        (("delete", CODE), "give the reason for deleting"),
        (("restore", CODE), "is not deleted"),
        (("restore", "1-2025-S02-0099"), "is not in trash/"),
        (("restore", "1-2025-S02-0099", "--from-history"), "neither records/, trash/ nor this branch's git history"),
    ]
    for args, words in cases:
        result = run("--archive", repo, *args, "--lang", "en")
        assert result.code == 1, (args, result.out, result.err)
        assert words in result.err, (args, result.err)
        assert "Traceback" not in result.err
    assert head(repo) == start and clean(repo)


def test_deleting_twice_is_refused(repo, run):
    delete(repo)
    result = run("--archive", repo, "delete", CODE, "--reason", "again", "--lang", "en")
    assert result.code == 1 and f"{CODE} is already in trash/" in result.err
    zh = run("--archive", repo, "delete", CODE, "--reason", "again", "--lang", "zh")
    assert zh.code == 1 and "已在回收站" in zh.err


@pytest.mark.parametrize("path", [ITEM, SCAN])
@pytest.mark.parametrize("staged", [False, True])
def test_uncommitted_changes_to_the_item_or_its_attachments_are_refused(repo, run, path, staged):
    target = repo / path
    target.write_bytes(target.read_bytes() + b"\n# edited\n")
    if staged:
        git(repo, "add", path)
    before, start = snapshot(repo), head(repo)
    result = run("--archive", repo, "delete", CODE, "--reason", "x", "--lang", "en")
    assert result.code == 1 and f"uncommitted changes in {path}" in result.err
    assert snapshot(repo) == before and head(repo) == start


def test_an_archive_outside_git_is_refused(base_archive, run):
    before = snapshot(base_archive)
    for args in (("delete", CODE, "--reason", "x"), ("restore", CODE), ("purge",), ("purge", "--dry-run")):
        result = run("--archive", base_archive, *args, "--lang", "en")
        assert result.code == 1 and "is not in a git repository" in result.err, (args, result.err)
    assert snapshot(base_archive) == before
    with pytest.raises(DossierError, match="not-a-repository"):
        archive = open_archive(base_archive)
        lifecycle.delete_item(archive, actor(archive), CODE, "x", DELETED_AT)


def test_a_deletion_record_cannot_move_files_from_elsewhere(repo, run):
    delete(repo)
    record = repo / RECORD
    record.write_text(record.read_text(encoding="utf-8").replace(
        f"[{SCAN}]", "[records/3/2025/3-2025-S02-0001.yaml]"), encoding="utf-8")
    git(repo, "commit", "-qam", "tamper")
    result = run("--archive", repo, "restore", CODE, "--lang", "en")
    assert result.code == 1 and "the field 'attachments' of this deletion record" in result.err
    assert (repo / "records/3/2025/3-2025-S02-0001.yaml").is_file()


def test_restore_does_not_overwrite_a_file_in_the_way(repo, run):
    delete(repo)
    (repo / SCAN).write_bytes(b"someone else's scan")
    result = run("--archive", repo, "restore", CODE, "--lang", "en")
    assert result.code == 1 and f"{SCAN} already exists" in result.err
    assert (repo / SCAN).read_bytes() == b"someone else's scan" and (repo / "trash" / ITEM).exists()


# --- a failing commit leaves the tree as it was -------------------------------------------------


@pytest.fixture
def refusing_hook(repo):
    """A pre-commit hook that refuses every commit, installed after the setup commits."""

    def install() -> None:
        hook = repo / ".git/hooks/pre-commit"
        hook.write_text("#!/bin/sh\necho 'refused by hook' >&2\nexit 1\n")
        hook.chmod(0o755)

    return install


def assert_unchanged(repo: Path, before: dict[str, bytes], start: str) -> None:
    assert snapshot(repo) == before
    assert head(repo) == start
    assert clean(repo)


def test_a_refused_delete_puts_everything_back(repo, run, refusing_hook):
    refusing_hook()
    before, start = snapshot(repo), head(repo)
    result = run("--archive", repo, "delete", CODE, "--reason", "x", "--lang", "en")
    assert result.code == 1 and "pre-commit hook refused the commit" in result.err and "refused by hook" in result.err
    assert_unchanged(repo, before, start)
    assert not (repo / "trash").exists()


def test_a_refused_restore_and_purge_put_everything_back(repo, run, refusing_hook, monkeypatch):
    delete(repo)
    refusing_hook()
    before, start = snapshot(repo), head(repo)
    assert run("--archive", repo, "restore", CODE).code == 1
    assert_unchanged(repo, before, start)
    assert not (repo / ITEM).exists() and not (repo / SCAN).exists()
    monkeypatch.setenv("DOSSIER_TODAY", "2027-01-01")
    assert run("--archive", repo, "purge").code == 1
    assert_unchanged(repo, before, start)


def test_a_refused_restore_from_history_puts_everything_back(repo, run, refusing_hook):
    delete(repo)
    archive = open_archive(repo)
    lifecycle.purge(archive, actor(archive), dt.date(2027, 1, 1))
    refusing_hook()
    before, start = snapshot(repo), head(repo)
    assert run("--archive", repo, "restore", CODE, "--from-history").code == 1
    assert_unchanged(repo, before, start)
    assert not (repo / ITEM).exists() and not (repo / SCAN).exists()


def test_purge_refuses_a_trash_with_uncommitted_changes(repo, run, monkeypatch):
    delete(repo)
    shutil.copy(repo / "trash" / SCAN, repo / "trash" / ITEM)  # edited in trash/
    monkeypatch.setenv("DOSSIER_TODAY", "2027-01-01")
    result = run("--archive", repo, "purge", "--lang", "en")
    assert result.code == 1 and f"uncommitted changes in trash/{ITEM}" in result.err
    assert (repo / RECORD).exists()
