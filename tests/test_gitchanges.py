"""gitchanges: what changed in an archive, as git says it, in real repositories (the archive at
the top and in a sub-folder, as the sample archive is)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
from pathlib import Path

import pytest

from conftest import git, init_repo
from dossier.git import gitchanges
from dossier.git.gitchanges import GitView, StagedFile

ITEM = "records/2/2025/2-2025-S02-0001.yaml"


@pytest.fixture(params=["", "archive/"], ids=["top", "sub-folder"])
def view(request, base_archive) -> GitView:
    """The base archive committed, at the repository's top or in a folder of it."""
    top = base_archive.parent / "repo" if request.param else base_archive
    if request.param:
        top.mkdir()
        base_archive.rename(top / "archive")
        (top / "other.txt").write_text("outside the archive\n", encoding="utf-8")
    init_repo(top, "wang.wei@example.cn")
    found = GitView.of(top / request.param if request.param else top)
    assert found is not None and found.prefix == request.param
    return found


def test_outside_a_repository_there_is_no_view(tmp_path):
    assert GitView.of(tmp_path) is None


def test_status_names_changed_untracked_ignored_and_deleted_files(view):
    root = view.root
    assert view.status().codes == {}
    (root / ITEM).write_text((root / ITEM).read_text(encoding="utf-8") + "remarks: 改\n", encoding="utf-8")
    (root / "records/2/2025/新文件.yaml").write_text("code: x\n", encoding="utf-8")
    (root / ".gitignore").write_text("*.tmp\n", encoding="utf-8")
    (root / "records/2/2025/scratch.tmp").write_text("ignored\n", encoding="utf-8")
    customers = sorted(p.name for p in (root / "customers").iterdir())
    git(root, "rm", "-q", f"customers/{customers[0]}")
    (root.parent / "outside.yaml").write_text("not the archive's\n", encoding="utf-8")
    assert view.status().codes == {ITEM: ".M", "records/2/2025/新文件.yaml": "??", "records/2/2025/scratch.tmp": "??",
                                   f"customers/{customers[0]}": "D."}
    assert view.status().changed[f"customers/{customers[0]}"] == git(root, "rev-parse", f"HEAD:./customers/{customers[0]}").strip()
    assert view.staged_changes() == [StagedFile("D", f"customers/{customers[0]}", "0" * 40)]


def test_status_lists_every_file_git_status_uall_ignored_would(view):
    """The status is asked of the files git tracks only, plus `ls-files --others` of the archive's
    folders: the files it names must be exactly those of `git status --untracked-files=all
    --ignored=traditional`, one by one, for new folders (nested, with a link to a folder), ignored
    files and folders, and files outside the archive's folders or outside the archive."""
    root = view.root
    (root / ".gitignore").write_text("*.tmp\nscratch/\n", encoding="utf-8")
    for rel in ("records/3/2027/S01/3-2027-S01-0001.yaml", "records/3/2027/S01/deep/x.yaml", "records/3/2027/a.tmp",
                "records/2/2025/scratch/one.yaml", "records/2/2025/scratch/two/three.yaml", "daily/x.tmp",
                "customers/新客户.yaml", "notes/elsewhere.yaml", "records/2/2025/empty/.keep"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x: 1\n", encoding="utf-8")
    (root / "records/3/2027/S01/linked").symlink_to(root / "records/2/2025")
    (root / ITEM).write_text("changed\n", encoding="utf-8")
    git(root, "rm", "-q", "--cached", f"customers/{sorted(p.name for p in (root / 'customers').iterdir())[0]}")
    out = git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignored=traditional", "--",
              *("customers", "records", "daily", "trash", "volumes"))
    expected = {entry[3:][len(view.prefix):] for entry in out.split("\0") if len(entry) > 3}
    assert set(view.status().codes) == expected
    assert {"records/3/2027/S01/deep/x.yaml", "records/3/2027/S01/linked", "records/2/2025/scratch/two/three.yaml",
            "records/3/2027/a.tmp"} <= expected  # the test asks what it means to


def test_tree_changes_and_entries_name_archive_paths(view):
    root = view.root
    before = view.tree()
    (root / ITEM).write_text((root / ITEM).read_text(encoding="utf-8") + "remarks: 改\n", encoding="utf-8")
    git(root, "commit", "-q", "-am", "change")
    after = view.tree()
    assert before != after and view.tree_changes(before, after) == {ITEM: git(root, "rev-parse", f"HEAD:./{ITEM}").strip()}
    entries = view.tree_entries(after, [ITEM])
    assert list(entries) == [ITEM]
    data = (root / ITEM).read_bytes()
    assert entries[ITEM] == view.blob_id(data) == git(root, "hash-object", ITEM).strip()
    assert view.blobs([f":{ITEM}", f"{before}:{ITEM}", ":records/none.yaml"]) == [
        data, git(root, "show", f"HEAD~1:./{ITEM}").encode(), None]
    assert view.index_paths(["records/2/2025/2-2025-S02-*"]) == sorted(
        p.relative_to(root).as_posix() for p in (root / "records/2/2025").glob("2-2025-S02-*"))


def test_before_the_first_commit_everything_staged_is_an_addition(tmp_path):
    git(tmp_path, "init", "-q")
    (tmp_path / "customers").mkdir()
    (tmp_path / "customers/C0001.yaml").write_text("id: C0001\n", encoding="utf-8")
    git(tmp_path, "add", "-A")
    view = GitView.of(tmp_path)
    assert view.tree() is None
    assert view.staged_changes() == [StagedFile("A", "customers/C0001.yaml", view.blob_id(b"id: C0001\n"))]


def test_a_hook_sees_the_index_being_committed(view):
    """`git commit PATH` stages into a temporary index that git names in GIT_INDEX_FILE."""
    root = view.root
    temporary = Path(git(root, "rev-parse", "--absolute-git-dir").strip()) / "index.test"
    (root / ITEM).write_text((root / ITEM).read_text(encoding="utf-8") + "remarks: 改\n", encoding="utf-8")
    env = {**os.environ, "GIT_INDEX_FILE": str(temporary)}
    subprocess.run(["git", "read-tree", "HEAD"], cwd=root, env=env, check=True)
    subprocess.run(["git", "add", ITEM], cwd=root, env=env, check=True)
    assert view.staged_changes() == []  # the real index holds nothing staged
    os.environ["GIT_INDEX_FILE"] = str(temporary)
    try:
        assert view.staged_changes() == [StagedFile("M", ITEM, view.blob_id((root / ITEM).read_bytes()))]
    finally:
        del os.environ["GIT_INDEX_FILE"]
    assert hashlib.sha1(b"blob 0\0").hexdigest() == view.blob_id(b"")


# --- the files git does not track, listed again only when a folder changed -----------------------

FOLDERS = ("customers", "records", "daily", "trash", "volumes")


@pytest.fixture
def settled(view, monkeypatch):
    """The view, with folders trusted 50 ms after they last changed (3 s in use: too long for a
    test); `settle()` waits out that time, so that what changes next is a new tick of the clock."""
    monkeypatch.setattr(gitchanges, "RACY_NS", 50_000_000)
    commands: list[list[str]] = []
    start = gitchanges._start
    monkeypatch.setattr(gitchanges, "_start", lambda root, args: commands.append(args) or start(root, args))
    return view, commands


def settle() -> None:
    time.sleep(0.1)


def listings(commands: list[list[str]]) -> int:
    return sum("--others" in args for args in commands)


def test_the_untracked_files_are_listed_again_only_when_a_folder_changed(settled):
    view, commands = settled
    root = view.root
    (root / "records/2/2025/empty").mkdir()
    (root / "records/2/2025/draft.yaml").write_text("x: 1\n", encoding="utf-8")
    (root / ".gitignore").write_text("*.tmp\n", encoding="utf-8")
    (root / "daily/scratch.tmp").parent.mkdir(exist_ok=True)
    (root / "daily/scratch.tmp").write_text("ignored\n", encoding="utf-8")
    settle()
    first = gitchanges.work_tree(root, FOLDERS)
    assert listings(commands) == 1 and first.untracked.to_json()
    assert set(first.untracked.paths) == {"records/2/2025/draft.yaml", "daily/scratch.tmp"}

    def again() -> gitchanges.WorkTree:
        return gitchanges.work_tree(root, FOLDERS, gitchanges.Untracked.from_json(first.untracked.to_json()))

    assert set(again().changed) == set(first.changed) and listings(commands) == 1  # the list held
    (root / "daily/scratch.tmp").write_text("ignored, changed in place\n", encoding="utf-8")
    assert "daily/scratch.tmp" in again().changed and listings(commands) == 1  # its content is read anyway
    changes = {"a file in a folder that was empty": lambda: (root / "records/2/2025/empty/new.yaml").write_text("x: 2\n"),
               "a file removed": lambda: (root / "records/2/2025/draft.yaml").unlink(),
               "a new folder": lambda: (root / "records/3/2027/S01").mkdir(parents=True),
               "a file in the new folder": lambda: (root / "records/3/2027/S01/deep.yaml").write_text("x: 3\n"),
               "an archive folder made": lambda: (root / "trash").mkdir(exist_ok=True)}
    for what, change in changes.items():
        settle()
        before, listed = listings(commands), set(gitchanges.work_tree(root, FOLDERS).changed)
        change()
        found = set(again().changed)  # the list of `first` no longer holds: listed again
        assert listings(commands) == before + 2, what
        assert found == set(gitchanges.work_tree(root, FOLDERS).changed), what
        assert (found != listed) == ("file" in what), what


def test_a_folder_changed_within_the_racy_time_is_not_trusted(view, monkeypatch):
    """A folder whose time is that recent can change again within the same tick of the clock
    without its time moving: the list is used this once and listed again next time."""
    root = view.root
    (root / "records/2/2025/draft.yaml").write_text("x: 1\n", encoding="utf-8")
    monkeypatch.setattr(gitchanges, "RACY_NS", 3_600 * 10**9)
    found = gitchanges.work_tree(root, FOLDERS)
    assert "records/2/2025/draft.yaml" in found.changed and found.untracked.to_json() == ""
    assert gitchanges.Untracked.from_json("") is None and gitchanges.Untracked.from_json("[1, {") is None
