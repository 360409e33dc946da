"""`dossier find` asks git's status, not a stat of every file, which files changed since the
index was updated (index.Index._suspects): and still never answers from a stale index. Each
test changes the archive behind the index's back in a way git users do (or an attacker
would), then checks the answer against the files, in real git repositories."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import SEES_ALL, git, init_repo
from dossier.git import gitchanges
from dossier.search.index import INDEX_FILE, Index, open_index

CONTRACT = "records/2/2025/2-2025-S02-0001.yaml"
CREDIT = "records/3/2025/3-2025-S02-0001.yaml"
OLD_WORDS, NEW_WORDS = "会议及客房协议", "温泉疗养馆协议"  # the same length in bytes


def codes_found(root, text: str) -> list[str]:
    with open_index(root) as index:
        return [hit.code for hit in index.find(text).hits]


def edit(path, old: str = OLD_WORDS, new: str = NEW_WORDS) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


@pytest.fixture
def repo(base_archive):
    """The base archive committed in its own repository, its index built with git's view."""
    (base_archive / ".gitignore").write_text(".dossier/\n", encoding="utf-8")
    init_repo(base_archive, SEES_ALL)
    with Index(base_archive) as index:
        index.update()
    return base_archive


def last_update(root):
    with Index(root) as index:
        return index.update()


def test_an_unchanged_work_tree_is_answered_from_git_without_reading(repo):
    done = last_update(repo)
    assert done.by_git and (done.read, done.removed) == (0, 0)


def test_same_size_same_mtime_is_still_seen(repo):
    """git's racy-clean case, made on purpose: the content changes, the size stays and the
    modification time is put back. git's status still tells (the change time, which no one can
    put back, compared to the second: hence the wait); the index reads it. Today's stat key
    (size, mtime, inode) would have trusted the file."""
    item = repo / CONTRACT
    before = item.stat()
    time.sleep(1.1)
    edit(item)
    os.utime(item, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = item.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert codes_found(repo, "温泉疗养") == ["2-2025-S02-0001"]
    assert codes_found(repo, "会议及客房") == []


def test_a_change_seen_once_stays_seen_after_it_is_reverted(repo):
    item = repo / CONTRACT
    edit(item)
    assert codes_found(repo, "温泉疗养") == ["2-2025-S02-0001"]
    git(repo, "checkout", "--", CONTRACT)  # back to HEAD: git's status no longer names it
    assert codes_found(repo, "温泉疗养") == []
    assert codes_found(repo, "会议及客房") == ["2-2025-S02-0001"]


def test_added_staged_committed_and_deleted_files(repo):
    new = repo / "records/2/2025/2-2025-S02-0002.yaml"
    new.write_text((repo / CONTRACT).read_text(encoding="utf-8").replace(OLD_WORDS, NEW_WORDS)
                   .replace("2-2025-S02-0001", "2-2025-S02-0002"), encoding="utf-8")
    assert codes_found(repo, "温泉疗养") == ["2-2025-S02-0002"]  # untracked
    git(repo, "add", "-A")
    assert codes_found(repo, "温泉疗养") == ["2-2025-S02-0002"]  # staged
    git(repo, "commit", "-q", "-m", "add")
    done = last_update(repo)
    assert done.by_git and done.read == 0  # committed as the index holds it: nothing to read again
    assert codes_found(repo, "温泉疗养") == ["2-2025-S02-0002"]
    new.unlink()
    assert codes_found(repo, "温泉疗养") == []
    git(repo, "commit", "-q", "-am", "delete")
    assert codes_found(repo, "温泉疗养") == []


def test_renamed_files(repo):
    git(repo, "mv", CONTRACT, "records/2/2025/2-2025-S02-0007.yaml")
    assert codes_found(repo, "会议及客房") == ["2-2025-S02-0007"]
    shutil.move(repo / "records/2/2025/2-2025-S02-0007.yaml", repo / "records/2/2025/2-2025-S02-0008.yaml")
    assert codes_found(repo, "会议及客房") == ["2-2025-S02-0008"]  # a plain mv, git not told


def test_a_branch_switch_and_a_commit_made_elsewhere(repo):
    git(repo, "checkout", "-q", "-b", "other")
    edit(repo / CONTRACT)
    (repo / CREDIT).unlink()
    git(repo, "commit", "-q", "-am", "other")
    git(repo, "checkout", "-q", "main")
    assert codes_found(repo, "会议及客房") == ["2-2025-S02-0001"]
    git(repo, "checkout", "-q", "other")  # HEAD moves; the work tree is clean
    assert codes_found(repo, "温泉疗养") == ["2-2025-S02-0001"]
    assert codes_found(repo, "3-2025-S02-0001") == []
    git(repo, "reset", "-q", "--hard", "main")  # the branch itself moves back
    assert codes_found(repo, "会议及客房") == ["2-2025-S02-0001"]
    assert codes_found(repo, "3-2025-S02-0001") == ["3-2025-S02-0001"]


def test_an_update_killed_midway_leaves_the_index_it_had(repo):
    """A real process, killed with SIGKILL while it updates (after it has read the changed file):
    the next find reads what changed and answers right."""
    edit(repo / CONTRACT)
    (repo / CREDIT).unlink()
    script = ("import os, signal, sys\n"
              "from dossier.search.index import Index\n"
              "def killed(self, gone):\n"
              "    os.kill(os.getpid(), signal.SIGKILL)\n"
              "Index._drop = killed\n"
              "Index(sys.argv[1]).update()\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run([sys.executable, "-c", script, str(repo)], env=env)
    assert result.returncode == -signal.SIGKILL
    assert codes_found(repo, "温泉疗养") == ["2-2025-S02-0001"]
    assert codes_found(repo, "3-2025-S02-0001") == []


@pytest.mark.parametrize("damage", [
    lambda data: b"this is not a database" * 100,
    lambda data: data[: len(data) // 2],  # cut off: pages missing
    lambda data: data[:4096] + bytes(len(data) - 4096),  # every page after the first zeroed
])
def test_a_damaged_index_file_is_built_again(repo, damage):
    path = repo / INDEX_FILE
    with Index(repo) as index:
        index.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path.write_bytes(damage(path.read_bytes()))
    edit(repo / CONTRACT)
    assert codes_found(repo, "温泉疗养") == ["2-2025-S02-0001"]


def test_a_damaged_git_index_falls_back_to_a_stat_of_every_file(repo):
    edit(repo / CONTRACT)
    (repo / ".git/index").write_bytes(b"DIRC garbage")
    assert gitchanges.work_tree(repo, gitchanges.INDEX_FOLDERS) is None
    done = last_update(repo)
    assert not done.by_git and done.read == 1
    assert codes_found(repo, "温泉疗养") == ["2-2025-S02-0001"]


def test_an_ignored_item_file_is_indexed_too(repo):
    (repo / ".gitignore").write_text(".dossier/\nrecords/2/2025/2-2025-S02-0009.yaml\n", encoding="utf-8")
    hidden = repo / "records/2/2025/2-2025-S02-0009.yaml"
    hidden.write_text((repo / CONTRACT).read_text(encoding="utf-8").replace(OLD_WORDS, NEW_WORDS)
                      .replace("2-2025-S02-0001", "2-2025-S02-0009"), encoding="utf-8")
    assert codes_found(repo, "温泉疗养") == ["2-2025-S02-0009"]


def test_an_archive_in_a_folder_of_its_repository(tmp_path, base_archive):
    top = tmp_path / "top"
    shutil.copytree(base_archive, top / "archive")
    (top / ".gitignore").write_text(".dossier/\n", encoding="utf-8")
    init_repo(top, SEES_ALL)
    root = top / "archive"
    assert codes_found(root, "会议及客房") == ["2-2025-S02-0001"]
    edit(root / CONTRACT)
    assert codes_found(root, "温泉疗养") == ["2-2025-S02-0001"]
    git(top, "commit", "-q", "-am", "edit")
    done = last_update(root)
    assert done.by_git and done.read == 0  # HEAD moved: the diff names the file, its content is as read
    assert codes_found(root, "温泉疗养") == ["2-2025-S02-0001"]


def test_find_as_a_command_starts_git_ahead_and_answers_right(repo):
    """The command starts git's status before it loads the index (cli/search.py, find)."""
    edit(repo / CONTRACT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run([sys.executable, "-m", "dossier", "--archive", str(repo), "find", "温泉疗养",
                             "--format", "json"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert '"2-2025-S02-0001"' in result.stdout
