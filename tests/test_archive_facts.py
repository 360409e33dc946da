"""validate's store (archive_facts.py): after any change, made in the work tree or committed,
the problems validate answers from its store are exactly those of a whole validation without
it; and the store is never trusted where it cannot be (stale, corrupted, from another clone,
half-written by a killed run, a file changed with its size and time kept)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing

import pytest

from archive_mutations import LEDGER, MUTATIONS, S01, committed, edit, root, touch  # noqa: F401 (fixtures)
from conftest import TODAY, git
from dossier.git import gitchanges
from dossier.regulation.archive_facts import STORE_FILE
from dossier.regulation.validate import validate_archive

DAY = dt.date.fromisoformat(TODAY)


def same_as_whole(root, day=DAY) -> list:
    """validate from its store, compared with a validation that keeps nothing."""
    stored = validate_archive(root, day)
    whole = validate_archive(root, day, use_cache=False)
    assert [p.to_json() for p in stored.problems] == [p.to_json() for p in whole.problems]
    assert stored.files == whole.files
    return stored.problems


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.__name__)
def test_validate_from_its_store_equals_the_whole_validation(root, mutation):
    """The change in the work tree first (git's status names it), then committed (the tree of
    HEAD moved, the status is clean again)."""
    same_as_whole(root)  # the store made
    mutation(root)
    problems = same_as_whole(root)
    expected = MUTATIONS[mutation]
    if expected:
        assert expected in {p.rule for p in problems}, problems
    assert_nothing_read(validate_archive(root, DAY))
    git(root, "add", "-A", ".")
    git(root, "commit", "-q", "-m", "mutation")
    assert same_as_whole(root) == problems


@pytest.mark.parametrize("mutation", [m for m in MUTATIONS if m.__name__ in (
    "duplicate_code", "serial_gap_by_deletion", "new_item_after_a_gap", "card_deleted", "changed_item")],
    ids=lambda m: m.__name__)
def test_with_its_folders_trusted_the_store_still_sees_every_change(root, mutation, monkeypatch):
    """As above, with the archive's folders trusted 50 ms after they last changed (3 s in use), so
    that the files git does not track are taken from the store's list wherever no folder changed."""
    monkeypatch.setattr(gitchanges, "RACY_NS", 50_000_000)
    same_as_whole(root)
    time.sleep(0.1)
    assert_nothing_read(validate_archive(root, DAY))  # the folders' list made and kept, now trusted
    assert gitchanges.Untracked.from_json(_stored(root, "untracked")) is not None
    mutation(root)
    assert MUTATIONS[mutation] in {p.rule for p in same_as_whole(root)} | {None}


def _stored(root, key: str) -> str | None:
    with closing(sqlite3.connect(root / STORE_FILE)) as db:
        row = db.execute("SELECT v FROM meta WHERE k = ?", (key,)).fetchone()
    return row[0] if row else None


def assert_nothing_read(report) -> None:
    assert report.cached == report.files - 3  # every card and item from the store (3: the configuration)


def test_nothing_changed_reads_no_file_and_a_new_day_still_counts(root):
    first = validate_archive(root, DAY)
    assert first.cached == 0
    again = validate_archive(root, DAY)
    assert_nothing_read(again)
    assert again.problems == first.problems
    later = dt.date(2027, 6, 1)  # grants end, signatures are no longer in the future
    assert same_as_whole(root, later) != first.problems
    same_as_whole(root, dt.date(2026, 1, 1))  # and back


CHECKING_MODULES = {"jsonschema", "jsonschema_rs", "referencing", "yaml", "dossier.archive.loader",
                    "dossier.regulation.rules", "dossier.regulation.confidential", "dossier.regulation.file_checks"}


def test_nothing_changed_is_answered_without_parsing_or_compiling(root):
    """The answer comes from the store and git's status: neither the schema libraries nor the
    YAML loader nor the rules are even imported (in a fresh process, as the command runs); after
    a change they are."""
    validate_archive(root, DAY)
    probe = ("import sys, datetime; from pathlib import Path; from dossier.regulation.validate import validate_archive;"
             f"r = validate_archive(Path({str(root)!r}), datetime.date.fromisoformat({TODAY!r}));"
             f"print(r.files - r.cached, ','.join(sorted({CHECKING_MODULES!r} & set(sys.modules))) or '-')")

    def run() -> list[str]:
        return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()

    assert run() == ["3", "-"]  # only the configuration's three files counted as read
    edit(root, S01.format(13), r"^customer: C0001$", "customer: C0999")
    read, imported = run()  # the probe sees what a run that checks a file imports
    assert read == "4" and {"yaml", "dossier.archive.loader", "dossier.regulation.rules"} < set(imported.split(","))


@pytest.mark.parametrize("change", ["schema", "access", "schema-bytes"])
def test_a_changed_configuration_is_not_taken_for_nothing_changed(root, change):
    """The schemas and the configuration are part of what the store was made with: a changed
    schema (even only its bytes) or grant is answered by checking again, never from the store."""
    first = same_as_whole(root)
    if change == "schema":  # every title longer than 4 characters is refused now
        edit(root, "schemas/item.schema.json", r'"maxLength": 200,(\s*"description": "题名")', r'"maxLength": 4,\1')
    elif change == "access":  # the expired grant is extended
        edit(root, "access.yaml", r"expires: 2025-12-31", "expires: 2027-12-31")
    else:
        (root / "schemas/item.schema.json").write_bytes((root / "schemas/item.schema.json").read_bytes() + b"\n")
    after = same_as_whole(root)
    if change == "schema":
        assert sum(p.rule == "schema" for p in after) > sum(p.rule == "schema" for p in first)
    elif change == "access":
        assert "grant-expired" in {p.rule for p in first} - {p.rule for p in after}
    else:
        assert after == first
    assert_nothing_read(validate_archive(root, DAY))


def test_an_index_git_cannot_read_makes_validate_compare_every_file(root):
    """git's status fails on a damaged .git/index: validate answers, from every file (as outside
    git), what it answered before, and a change made meanwhile is seen."""
    before = same_as_whole(root)
    (root.parent / ".git/index").write_bytes(b"not git's index")
    assert [p.to_json() for p in validate_archive(root, DAY).problems] == [p.to_json() for p in before]
    edit(root, S01.format(13), r"^customer: C0001$", "customer: C0999")
    assert "customer-unknown" in {p.rule for p in same_as_whole(root)}


def test_checkout_of_another_commit_and_back(root):
    same_as_whole(root)
    git(root, "checkout", "-q", "-b", "other")
    serial_change = S01.format(5)
    (root / serial_change).unlink()
    touch(root, LEDGER)
    git(root, "commit", "-q", "-am", "other")
    same_as_whole(root)
    git(root, "checkout", "-q", "-")
    same_as_whole(root)


def test_a_file_changed_with_its_size_and_time_kept_is_seen(root):
    """The racy case of a stat cache: git's index also keeps the change time and checks content."""
    same_as_whole(root)
    path = root / LEDGER
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    changed = text.replace("status: filed", "status: fiLed")
    assert len(changed.encode()) == len(text.encode())
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert "schema" in {p.rule for p in same_as_whole(root)}


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign"])
def test_a_damaged_or_foreign_store_is_not_trusted(root, tmp_path, damage):
    same_as_whole(root)
    store = root / STORE_FILE
    if damage == "garbage":
        store.write_bytes(b"not a database at all" * 100)
    elif damage == "truncated":
        store.write_bytes(store.read_bytes()[:4096])
    else:  # another clone's store, made where LEDGER is broken and other history
        other = tmp_path / "other"
        shutil.copytree(root.parent, other)
        edit(other / "archive", LEDGER, r"^status: filed$", "status: lost")
        git(other, "commit", "-qam", "elsewhere")
        validate_archive(other / "archive", DAY)
        shutil.copy(other / "archive" / STORE_FILE, store)
    touch(root, S01.format(7))
    same_as_whole(root)


def test_a_killed_run_leaves_no_half_store(root):
    """Whenever the kill lands, the next run answers as the whole validation does."""
    mutated = root / S01.format(9)
    for delay in (0.3, 0.8, 1.5):
        shutil.rmtree(root / ".dossier", ignore_errors=True)
        edit(root, LEDGER, r"^pages: (\d+)$", lambda m: f"pages: {int(m[1]) + 1}")
        run = subprocess.Popen([sys.executable, "-m", "dossier", "--archive", str(root), "validate"],
                               env={**os.environ, "DOSSIER_TODAY": TODAY}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        time.sleep(delay)
        run.send_signal(signal.SIGKILL)
        run.wait()
        touch(root, mutated.relative_to(root).as_posix())
        same_as_whole(root)


def test_outside_git_the_store_compares_every_file(base_archive):
    first = validate_archive(base_archive, DAY)
    assert (base_archive / STORE_FILE).exists() and validate_archive(base_archive, DAY).cached == first.files - 3
    item = base_archive / "records/2/2025/2-2025-S02-0001.yaml"
    item.write_text(item.read_text(encoding="utf-8").replace("status: filed", "status: lost"), encoding="utf-8")
    assert [p.rule for p in same_as_whole(base_archive)] == ["schema"]
