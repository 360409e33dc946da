"""`dossier watch`: edits, atomic saves, deletions and mass changes (a git checkout of hundreds of
files) are checked as they happen, with the archive-wide rules that depend on them, and the index
follows. After every step the watcher's problems are exactly `dossier validate`'s and the index
holds exactly the files. Waiting is on the watcher's queue, with timeouts."""

from __future__ import annotations

import datetime as dt
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest
import yaml

from conftest import SAMPLE, SAMPLE_SEES_ALL, act_as, git, init_repo
from dossier.archive.catalogue import item_files
from dossier.archive.errors import DossierError
from dossier.search.index import Index, item_row, watcher_running
from dossier.archive.loader import load_file
from dossier.regulation.validate import validate_archive
from dossier.search.watch import Watcher

TODAY = dt.date(2026, 11, 23)
LEDGER = "records/3/2026/3-2026-S02-0010.yaml"  # in the middle of its section: 0001–0014
NEXT = "records/3/2026/3-2026-S02-0011.yaml"
SCANNED = "records/3/2026/3-2026-S01-0003.yaml"  # has an attachment beside it
TIMEOUT = 30


def drop_expired_grants(root):
    """The sample's access.yaml keeps an expired grant (a warning); the watcher starts from no problem."""
    access = load_file(root / "access.yaml", "access.yaml").data
    access["grants"] = [grant for grant in access["grants"] if str(grant["expires"]) >= TODAY.isoformat()]
    (root / "access.yaml").write_text(yaml.safe_dump(access, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The sample archive, validated and indexed once (so each test's watcher starts warm)."""
    root = tmp_path_factory.mktemp("template") / "archive"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".dossier"))
    drop_expired_grants(root)
    assert validate_archive(root, TODAY).problems == []
    with Index(root) as index:
        index.update()
    return root


@pytest.fixture
def root(template, tmp_path):
    return shutil.copytree(template, tmp_path / "archive", symlinks=True)


@pytest.fixture
def watcher(root):
    w = Watcher(root, today=lambda: TODAY)
    start = w.start()
    assert start.kind == "start" and start.errors == 0 and start.problems == {}
    yield w
    w.stop()


def settle(watcher: Watcher, *expected: str, timeout: float = TIMEOUT) -> list:
    """The reports until every expected path was in a batch, then all of them until idle."""
    reports = []
    deadline = time.monotonic() + timeout
    waiting = set(expected)
    while waiting:
        try:
            report = watcher.reports.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            pytest.fail(f"no report about {sorted(waiting)} within {timeout} s; got {reports}")
        assert report.kind != "error", report.error
        reports.append(report)
        waiting -= set(report.changed)
    assert watcher.wait_idle(timeout), "the watcher did not settle"
    while True:
        try:
            report = watcher.reports.get_nowait()
        except queue.Empty:
            return reports
        assert report.kind != "error", report
        reports.append(report)


def as_validate_sees_it(watcher: Watcher, root) -> None:
    """The watcher's problems are validate's (with their message arguments), and the index holds
    exactly the item files as they are."""
    expected = validate_archive(root, TODAY, use_cache=False).problems
    assert [p.to_json() for p in watcher.problems()] == [p.to_json() for p in expected]
    rows = set()
    for _, path in item_files(root):
        rel = path.relative_to(root).as_posix()
        try:
            data = load_file(path, rel).data
        except Exception:  # noqa: BLE001 - unreadable: not in the index
            continue
        row = item_row(rel, data)
        rows.add((row[0], row[1], row[-2]))
    with Index(root) as index:
        assert set(index.db.execute("SELECT path, code, title FROM items")) == rows


def edit(root, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def atomic_edit(root, rel: str, old: str, new: str) -> None:
    """What careful editors do: write a temporary file beside it, then rename it over the file."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.replace(tmp, path)


def lines(reports, lang="en") -> list[str]:
    return [line for report in reports for line in report.lines(lang)]


# --- one file at a time --------------------------------------------------------------------------


def test_an_edit_reports_its_problem_then_the_fix(watcher, root):
    edit(root, LEDGER, "status: filed", "status: lost")
    reports = settle(watcher, LEDGER)
    problem = next(line for line in lines(reports) if line.startswith(LEDGER))
    assert problem.startswith(f"{LEDGER}:13:9: schema: ") and "lost" in problem
    assert reports[0].errors == 1 and reports[0].latency is not None
    as_validate_sees_it(watcher, root)

    edit(root, LEDGER, "status: lost", "status: filed")
    reports = settle(watcher, LEDGER)
    assert reports[0].clean == (LEDGER,) and reports[0].errors == 0
    assert f"{LEDGER}: clean, no problem left" in lines(reports)
    as_validate_sees_it(watcher, root)


def test_an_atomic_save_is_seen_as_the_real_file(watcher, root):
    atomic_edit(root, LEDGER, "supervisor: {person: zhang.min", "supervisor: {person: li.na")
    reports = settle(watcher, LEDGER)
    assert "supervisor" in {p.rule for p in reports[0].problems[LEDGER]}
    assert all(".tmp" not in path for report in reports for path in (*report.changed, *report.problems))
    as_validate_sees_it(watcher, root)

    atomic_edit(root, LEDGER, "title: 杏花酒业", "title: 杏花村酒业")  # still the wrong supervisor
    reports = settle(watcher, LEDGER)
    assert "supervisor" in {p.rule for p in reports[0].problems[LEDGER]}  # a saved file's problems again
    with Index(root) as index:
        assert [h.code for h in index.find("杏花村酒业").hits] == ["3-2026-S02-0010"]
    as_validate_sees_it(watcher, root)


def test_a_backup_then_write_save_leaves_no_trace(watcher, root):
    """vim's way: rename the file to file~, write the new one, remove the backup."""
    path = root / LEDGER
    text = path.read_text(encoding="utf-8")
    backup = path.with_name(path.name + "~")
    os.rename(path, backup)
    path.write_text(text.replace("pages: 2", "pages: 0"), encoding="utf-8")
    backup.unlink()
    reports = settle(watcher, LEDGER)
    assert {p.rule for p in watcher.problems()} == {"schema"}
    assert all("~" not in line for line in lines(reports))
    as_validate_sees_it(watcher, root)


def test_a_deletion_opens_a_gap_and_leaves_the_index(watcher, root):
    saved = (root / LEDGER).read_bytes()
    (root / LEDGER).unlink()
    reports = settle(watcher, LEDGER)
    gap = reports[0].problems[NEXT]
    assert [p.rule for p in gap] == ["serial-gap"] and not gap[0].is_error
    assert reports[0].warnings == 1
    with Index(root) as index:
        assert index.find("3-2026-S02-0010").total == 0
    as_validate_sees_it(watcher, root)

    (root / LEDGER).write_bytes(saved)
    reports = settle(watcher, LEDGER)
    assert NEXT in reports[0].clean
    with Index(root) as index:
        assert index.find("3-2026-S02-0010").total == 1
    as_validate_sees_it(watcher, root)


def test_a_duplicate_code_is_an_archive_wide_problem(watcher, root):
    copy = "records/3/2026/3-2026-S02-0018.yaml"
    shutil.copy(root / LEDGER, root / copy)  # same code inside, new file name
    reports = settle(watcher, copy)
    rules = {(p.file, p.rule) for report in reports for found in report.problems.values() for p in found}
    assert (copy, "code-path") in rules and (copy, "code-unique") in rules
    as_validate_sees_it(watcher, root)
    (root / copy).unlink()
    reports = settle(watcher, copy)
    assert reports[0].removed == (copy,)
    as_validate_sees_it(watcher, root)


def test_a_deleted_customer_card_leaves_its_items_without_a_customer(watcher, root):
    card = root / "customers/C0005.yaml"
    saved = card.read_bytes()
    card.unlink()
    reports = settle(watcher, "customers/C0005.yaml")
    unknown = {p.file for found in reports[0].problems.values() for p in found if p.rule == "customer-unknown"}
    assert LEDGER in unknown and len(unknown) > 5
    as_validate_sees_it(watcher, root)
    card.write_bytes(saved)
    reports = settle(watcher, "customers/C0005.yaml")
    assert set(reports[0].clean) == unknown
    as_validate_sees_it(watcher, root)


def test_an_export_customer_needs_its_terms(watcher, root):
    terms = next(rel for _, p in item_files(root) if "export-terms" in p.read_text(encoding="utf-8")
                 for rel in [p.relative_to(root).as_posix()])
    edit(root, terms, "type: export-terms", "type: credit-limit")  # no longer export terms
    reports = settle(watcher, terms)
    assert any(p.rule == "export-terms" for found in reports[0].problems.values() for p in found)
    as_validate_sees_it(watcher, root)


def test_a_changed_attachment_rechecks_its_item(watcher, root):
    scan = next((root / SCANNED).parent.glob("3-2026-S01-0003.scan-*.png"))
    original = scan.read_bytes()
    scan.write_bytes(original + b"tampered")
    reports = settle(watcher, SCANNED)
    assert [p.rule for p in reports[0].problems[SCANNED]] == ["attachment-hash"]
    as_validate_sees_it(watcher, root)
    scan.write_bytes(original)
    assert settle(watcher, SCANNED)[0].clean == (SCANNED,)


def test_editor_temporary_files_leave_nothing_behind(watcher, root):
    folder = (root / LEDGER).parent
    for name in (".3-2026-S02-0010.yaml.swp", "4913", "3-2026-S02-0010.yaml.tmp"):
        (folder / name).write_text("x", encoding="utf-8")
        (folder / name).unlink()
    edit(root, LEDGER, "pages: 2", "pages: 3")  # something to wait for
    settle(watcher, LEDGER)
    assert watcher.problems() == []
    as_validate_sees_it(watcher, root)


def test_lost_events_are_made_good_by_a_rescan(watcher, root, monkeypatch):
    monkeypatch.setattr(watcher, "_note", lambda paths, is_directory: None)  # the kernel drops them
    edit(root, LEDGER, "status: filed", "status: lost")
    monkeypatch.undo()
    watcher._note_overflow()
    reports = settle(watcher, LEDGER)
    assert LEDGER in reports[0].problems
    as_validate_sees_it(watcher, root)


def test_a_configuration_change_checks_everything_again(watcher, root):
    people = root / "people.yaml"
    text = people.read_text(encoding="utf-8")
    edited = text.replace("supervisor: zhang.min", "supervisor: li.na", 1)
    assert edited != text
    people.write_text(edited, encoding="utf-8")
    reports = settle(watcher, "people.yaml")
    assert reports[0].kind == "config" and reports[0].errors > 0
    as_validate_sees_it(watcher, root)
    people.write_text(text, encoding="utf-8")
    reports = settle(watcher, "people.yaml")
    assert reports[0].errors == 0 and reports[0].clean
    as_validate_sees_it(watcher, root)


# --- many files at once -----------------------------------------------------------------------------


def _bulk_items(root, count: int, broken: set[int]) -> list[str]:
    """`count` new debt ledgers continuing section S02 of category 3, 2026 (0001–0017; some broken)."""
    template = (root / LEDGER).read_text(encoding="utf-8")
    made = []
    for n in range(18, 18 + count):
        code = f"3-2026-S02-{n:04d}"
        text = template.replace("3-2026-S02-0010", code).replace("上半年欠款还款台账", f"第{n}期欠款还款台账")
        text = text.replace("attachments:", "remarks: 批量导入\nattachments:", 1)
        if n in broken:
            text = text.replace("status: filed", "status: lost")
        rel = f"records/3/2026/{code}.yaml"
        (root / rel).write_text(text.replace(f"- {{file: 3-2026-S02-0010.scan", "- {file: none.scan"), encoding="utf-8")
        made.append(rel)
    return made


def test_a_git_checkout_of_hundreds_of_files_is_one_pass(root):
    init_repo(root, "wang.wei@longcheng-club.cn")
    git(root, "checkout", "-q", "-b", "bulk")
    made = _bulk_items(root, 450, broken={20, 300})
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "450 ledgers")
    git(root, "checkout", "-q", "main")
    with Watcher(root, today=lambda: TODAY) as watcher:
        git(root, "checkout", "-q", "bulk")  # 450 files appear
        reports = settle(watcher, *made, timeout=120)
        batches = [r for r in reports if r.kind == "change"]
        assert len(batches) <= 3 and sum(len(r.changed) for r in batches) >= 450
        assert reports[-1].errors == validate_archive(root, TODAY, use_cache=False).errors
        assert {p.file for p in watcher.problems() if p.rule == "schema"} == {made[2], made[282]}
        with Index(root) as index:
            assert index.counts()[0] == 584 + 450
            assert index.find("第300期欠款还款台账").total == 1
        as_validate_sees_it(watcher, root)

        git(root, "checkout", "-q", "main")  # and go again
        reports = settle(watcher, *made, timeout=120)
        assert watcher.problems() == []
        with Index(root) as index:
            assert index.counts()[0] == 584
        as_validate_sees_it(watcher, root)


def test_hundreds_of_edits_and_deletions_at_once(watcher, root):
    paths = [p for _, p in item_files(root)][:200]
    broken = set()
    for n, path in enumerate(paths[:150]):  # edit 150 (every tenth filed one breaks)
        text = path.read_text(encoding="utf-8")
        if n % 10 == 0 and "status: filed" in text:
            broken.add(path.relative_to(root).as_posix())
            text = text.replace("status: filed", "status: lost")
        path.write_text(text.replace("title: ", "title: 复核"), encoding="utf-8")
    for path in paths[150::2]:  # and delete 25, leaving gaps
        path.unlink()
    rels = [p.relative_to(root).as_posix() for p in paths[:150] + paths[150::2]]
    settle(watcher, *rels, timeout=120)
    assert {p.file for p in watcher.problems() if p.rule == "schema"} == broken and len(broken) > 5
    assert any(p.rule == "serial-gap" for p in watcher.problems())
    with Index(root) as index:
        assert index.counts()[0] == 584 - 25
    as_validate_sees_it(watcher, root)


# --- starting and stopping ------------------------------------------------------------------------


def test_stopping_keeps_the_results_for_validate(root):
    with Watcher(root, today=lambda: TODAY) as watcher:
        edit(root, LEDGER, "pages: 2", "pages: 3")
        settle(watcher, LEDGER)
    report = validate_archive(root, TODAY)
    assert report.problems == [] and report.cached == report.files - 3  # nothing read again


def test_only_one_watcher_per_archive_and_find_trusts_it(watcher, root, run, monkeypatch):
    act_as(monkeypatch, SAMPLE_SEES_ALL)
    assert watcher_running(root) == os.getpid()
    with pytest.raises(DossierError) as refused:
        Watcher(root).start()
    assert refused.value.key == "watch-running"
    edit(root, LEDGER, "杏花酒业2026年上半年", "杏花酒业2026年全年")
    settle(watcher, LEDGER)
    result = run("--archive", root, "find", "2026年全年")  # no scan: the watcher keeps the index
    assert "3-2026-S02-0010" in result.out


def test_problems_found_at_the_start_are_reported(root):
    edit(root, LEDGER, "status: filed", "status: lost")
    with Watcher(root, today=lambda: TODAY) as watcher:
        pass
    watcher = Watcher(root, today=lambda: TODAY)
    start = watcher.start()
    try:
        assert list(start.problems) == [LEDGER] and start.errors == 1
    finally:
        watcher.stop()


def test_the_command_prints_problems_as_they_appear_and_stops_on_ctrl_c(root):
    env = {**os.environ, "DOSSIER_TODAY": TODAY.isoformat(), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "dossier", "--archive", str(root), "watch", "--lang", "en"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=root.parent)
    out: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [out.put(line) for line in process.stdout], daemon=True).start()

    def line_with(words: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = out.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if words in line:
                return line
        process.kill()
        pytest.fail(f"no line with {words!r}: {process.stderr.read()}")

    try:
        assert "0 error(s), 0 warning(s); Ctrl-C stops" in line_with("watching")
        edit(root, LEDGER, "status: filed", "status: lost")
        assert line_with("schema").startswith(f"archive/{LEDGER}:13:9: schema: ")
        assert "the archive has 1 error(s)" in line_with("checked")
        edit(root, LEDGER, "status: lost", "status: filed")
        assert line_with("clean") == f"archive/{LEDGER}: clean, no problem left\n"
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=TIMEOUT)
    assert code == 0
    assert "stopped watching" in line_with("stopped")
    assert "Traceback" not in process.stderr.read()


def test_a_bound_item_changed_is_reported_by_its_own_batch(root):
    """A bound item keeps the sha256 its volume's manifest recorded: the batch that changes it
    reports it, and a batch that changes the manifest re-checks every bound item."""
    import hashlib

    digest = hashlib.sha256((root / LEDGER).read_bytes()).hexdigest()
    volumes = root / "volumes"
    volumes.mkdir()
    manifest = volumes / "Z001-KH·2026-D30-C3-V01.yaml"
    manifest.write_text(f"items:\n- {{code: 3-2026-S02-0010, sha256: {digest}}}\n", encoding="utf-8")
    assert validate_archive(root, TODAY, use_cache=False).problems == []
    with Watcher(root, today=lambda: TODAY) as watcher:
        edit(root, LEDGER, "pages: 2", "pages: 3")
        reports = settle(watcher, LEDGER)
        assert [p.rule for p in reports[0].problems[LEDGER]] == ["bound-changed"]
        as_validate_sees_it(watcher, root)
        changed = hashlib.sha256((root / LEDGER).read_bytes()).hexdigest()
        manifest.write_text(f"items:\n- {{code: 3-2026-S02-0010, sha256: {changed}}}\n", encoding="utf-8")
        reports = settle(watcher, "volumes/" + manifest.name)
        assert reports[-1].clean == (LEDGER,)
        as_validate_sees_it(watcher, root)
        (root / LEDGER).unlink()
        reports = settle(watcher, LEDGER)
        assert "bound-missing" in [p.key for p in watcher.problems()]
        as_validate_sees_it(watcher, root)
