"""Whole operations and the clone's lock (transaction.py), attacked with real processes: a
`dossier` killed with SIGKILL at each moment of import, bind and delete leaves the archive
before or after the operation, never between, and the next command says which; parallel
`new` and `import` processes queue behind one lock and lose nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import FIXTURES, SEES_ALL, TODAY, copy_archive, git, init_repo
from dossier.archive.fsutil import ASIDE
from dossier.git import transaction
from test_crypto import keys  # noqa: F401  (a fixture)
from test_spreadsheet import GOOD, HEADER, write_csv, write_xlsx

# transaction.pause_point, in the order they come: the commit built (its blobs in git), the journal
# written, the new bytes set aside (not yet flushed), flushed, HEAD moved, the first file renamed
MOMENTS = ["built", "journal", "written", "flushed", "ref", "work-tree"]
BEFORE_REF = {"reading", "built", "journal", "written", "flushed"}


def dossier(root: Path, *args: str, kill_at: str | None = None, email: str = SEES_ALL,
            env: dict[str, str] | None = None, **run) -> subprocess.CompletedProcess:
    """A real `dossier` process (not in-process: SIGKILL must hit a process of its own); its output
    captured unless `run` says where it goes."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "DOSSIER_"))}
    environ.update({"DOSSIER_TODAY": TODAY, "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "user.email",
                    "GIT_CONFIG_VALUE_0": email, **(env or {})})
    if kill_at:
        environ["DOSSIER_KILL_AT"] = kill_at
    return subprocess.run([sys.executable, "-m", "dossier", "--archive", str(root), *map(str, args), "--lang", "en"],
                          text=True, env=environ, timeout=300, **(run or {"capture_output": True}))


def state(root: Path) -> tuple[str, dict[str, bytes]]:
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
             if p.is_file() and ".git" not in p.parts and ".dossier" not in p.parts}
    return git(root, "rev-parse", "HEAD").strip(), files


def porcelain(root: Path) -> str:
    return git(root, "status", "--porcelain", "--untracked-files=all")


def assert_before_or_after(root: Path, before, moment: str, action: str) -> None:
    """The command after the kill finds the archive whole: before the operation (it says the
    operation was undone) or after it (it says it finished it); git sees nothing half-done."""
    follow = dossier(root, "list")
    assert "internal error" not in follow.stderr
    if moment in BEFORE_REF:
        assert state(root) == before
        if moment == "journal":
            assert f"an interrupted `{action}`" in follow.stderr and "had not made its commit" in follow.stderr
    else:
        assert f"an interrupted `{action}`" in follow.stderr and "the operation is complete" in follow.stderr, follow.stderr
        head, files = state(root)
        assert head != before[0] and f"Dossier-Action: {action}" in git(root, "log", "-1", "--format=%B")
        assert files == {rel: git_bytes(root, rel) for rel in files}  # the work tree is the new commit
    assert porcelain(root) == "" and not (root / ".git" / transaction.JOURNAL).exists()
    assert dossier(root, "list").stderr.count("interrupted") == 0  # said once, then done


def git_bytes(root: Path, rel: str) -> bytes:
    return subprocess.run(["git", "cat-file", "blob", f"HEAD:{rel}"], cwd=root, capture_output=True, check=True).stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    root = copy_archive(FIXTURES / "base", tmp_path / "archive")
    init_repo(root, SEES_ALL)
    return root


@pytest.mark.parametrize("moment", MOMENTS)
def test_import_killed_at_any_moment_is_before_or_after(repo, tmp_path, moment):
    sheet = write_xlsx(tmp_path / "customers.xlsx", HEADER, GOOD)
    before = state(repo)
    killed = dossier(repo, "import", "customers", sheet, kill_at=moment)
    assert killed.returncode == -9, killed.stderr
    assert_before_or_after(repo, before, moment, "import")
    cards = sorted(p.name for p in (repo / "customers").iterdir())
    assert cards == (["C0001.yaml", "C0002.yaml"] if moment in BEFORE_REF else
                     ["C0001.yaml", "C0002.yaml", "C0003.yaml", "C0004.yaml", "C0005.yaml"])
    again = dossier(repo, "import", "customers", sheet)  # the sheet once more: done, or done now
    assert again.returncode == 0 and ("0 new" in again.stdout) == (moment not in BEFORE_REF), again.stdout


def large_rows(count: int = 600, bad: int | None = None) -> list[list]:
    """More rows than spreadsheet_import.PARALLEL_THRESHOLD, so the cards are built by forked workers
    (_map): new cards by 客户编号, C0001 changed, C0002 named by its name."""
    rows = [[f"C{n:04d}", f"晋阳测试{n}贸易有限公司", *GOOD[0][2:]] for n in range(100, 100 + count)]
    rows[10][:2] = ["C0001", "山西晋能集团有限公司"]
    rows[20][:2] = [None, "Hanse Trading GmbH"]
    if bad is not None:
        rows[bad][3] = "电话号码"
    return rows


def asides_left(root: Path) -> list[str]:
    return [p.name for p in root.rglob(f"*{ASIDE}")]


@pytest.mark.parametrize("moment", ["reading", *MOMENTS])  # reading: while the child reads the sheet
def test_a_large_import_killed_at_any_moment_is_before_or_after_with_nothing_left_aside(repo, tmp_path, moment):
    sheet = write_xlsx(tmp_path / "large.xlsx", HEADER, large_rows())
    before = state(repo)
    killed = dossier(repo, "import", "customers", sheet, "--reason", "合并", kill_at=moment)
    assert killed.returncode == -9, killed.stderr
    assert_before_or_after(repo, before, moment, "import")
    assert asides_left(repo) == []
    cards = len(list((repo / "customers").glob("*.yaml")))
    assert cards == (2 if moment in BEFORE_REF else 600)


def processes_of(root: Path) -> list[int]:
    """Live processes started for the archive at `root` (forked workers keep their parent's command
    line); a zombie has ended."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            line = (entry / "cmdline").read_bytes()
            status = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if str(root).encode() in line.split(b"\0") and status != "Z":
            found.append(int(entry.name))
    return found


def test_an_import_killed_while_its_workers_build_leaves_no_worker_and_no_lock(repo, tmp_path):
    """SIGKILL to an import whose pool of workers is building the cards of 600 rows: the workers end
    with it, and the next import takes the lock at once and does it all."""
    sheet = write_csv(tmp_path / "large.csv", HEADER, large_rows())
    before = state(repo)
    # no pipes: a worker left behind would hold them open, and the test would wait for it, not fail
    killed = dossier(repo, "import", "customers", sheet, "--reason", "合并", kill_at="workers",
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert killed.returncode == -9
    for _ in range(50):
        if not processes_of(repo):
            break
        time.sleep(0.1)
    assert processes_of(repo) == []
    assert state(repo) == before and porcelain(repo) == ""
    again = dossier(repo, "import", "customers", sheet, "--reason", "合并", env={"DOSSIER_LOCK_WAIT": "1"})
    assert again.returncode == 0 and "598 new, 2 changed" in again.stdout, again.stderr


def test_a_bad_cell_in_a_large_sheet_is_named_and_nothing_is_written_or_left_aside(repo, tmp_path):
    sheet = write_xlsx(tmp_path / "large.xlsx", HEADER, large_rows(bad=540))
    before = state(repo)
    refused = dossier(repo, "import", "customers", sheet, "--reason", "合并")
    assert refused.returncode == 1 and "客户管理表!D542:" in refused.stdout, refused.stdout + refused.stderr
    assert state(repo) == before and porcelain(repo) == "" and asides_left(repo) == []


@pytest.mark.parametrize("moment", MOMENTS)
def test_delete_killed_at_any_moment_is_before_or_after(repo, moment):
    code = "1-2025-S02-0001"
    before = state(repo)
    killed = dossier(repo, "delete", code, "--reason", "重复录入", kill_at=moment)
    assert killed.returncode == -9, killed.stderr
    assert_before_or_after(repo, before, moment, "delete")
    in_trash = (repo / "trash/records/1/2025" / f"{code}.deletion.yaml").exists()
    assert in_trash == (moment not in BEFORE_REF)
    assert (repo / f"records/1/2025/{code}.yaml").exists() != in_trash
    assert (repo / f"records/1/2025/{code}.scan-1.png").exists() != in_trash
    follow = dossier(repo, "restore" if in_trash else "delete", code, "--reason", "重复录入")
    assert follow.returncode == 0, follow.stderr  # the next delete or restore works on a whole archive


@pytest.mark.parametrize("moment", ["journal", "written", "work-tree"])
def test_bind_killed_is_before_or_after_and_never_takes_half_for_done(tmp_path, moment):
    from test_volumes import ARCHIVIST, make_archive

    root = make_archive(tmp_path / "archive")
    before = state(root)
    killed = dossier(root, "bind", "3", "2025", "--checked-by", "li.na", kill_at=moment, email=ARCHIVIST)
    assert killed.returncode == -9, killed.stderr
    assert_before_or_after(root, before, moment, "bind")
    bound = sorted(p.name for p in (root / "volumes").glob("*.yaml")) if (root / "volumes").exists() else []
    assert len(bound) == (0 if moment in BEFORE_REF else 1)
    again = dossier(root, "bind", "3", "2025", "--checked-by", "li.na", email=ARCHIVIST)
    if moment in BEFORE_REF:
        assert again.returncode == 0 and "bound" in again.stdout, again.stderr
    else:
        assert again.returncode == 1 and "nothing to bind" in again.stderr.lower() or "no filed item" in again.stderr


def test_a_refused_or_failed_operation_leaves_no_journal_and_no_temporary_index(repo):
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'refused by hook' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    before = state(repo)
    refused = dossier(repo, "delete", "1-2025-S02-0001", "--reason", "x")
    assert refused.returncode == 1 and "pre-commit hook refused the commit" in refused.stderr and "refused by hook" in refused.stderr
    assert state(repo) == before and porcelain(repo) == ""
    assert not list((repo / ".git").glob("dossier-*")) or [p.name for p in (repo / ".git").glob("dossier-*")] == [
        "dossier.lock"]


def test_head_moved_before_the_atomic_step_leaves_nothing_set_aside(repo, monkeypatch):
    """Another commit lands while the bytes are set aside and flushed: update-ref refuses, and the
    files set aside go with the journal; the work tree is as it was."""
    from dossier.archive.errors import DossierError

    def meanwhile(moment: str) -> None:
        if moment == "flushed":
            git(repo, "commit", "-q", "--allow-empty", "-m", "meanwhile")

    monkeypatch.setattr(transaction, "pause_point", meanwhile)
    operation = transaction.Operation(repo, "import")
    operation.write("customers/C0009.yaml", b"id: C0009\n")
    with pytest.raises(DossierError) as refused:
        operation.commit("Import", [("Dossier-Action", "import")])
    assert refused.value.key == "operation-head-moved"
    assert not (repo / "customers/C0009.yaml").exists() and not list(repo.rglob("*.dossier-new"))
    assert not (repo / ".git" / transaction.JOURNAL).exists() and porcelain(repo) == ""


# --- the lock ---------------------------------------------------------------------------------------


def test_parallel_new_processes_get_distinct_codes_and_lose_no_draft(repo):
    def one(_):
        return dossier(repo, "new", "visit-report", "--customer", "C0001", "--title", "走访记录")

    with ThreadPoolExecutor(5) as pool:
        results = list(pool.map(one, range(5)))
    written = [line for r in results for line in r.stdout.splitlines() if "records/1/" in line]
    assert all(r.returncode in (0, 1) and "internal error" not in r.stderr for r in results)
    assert len(written) == 5, [r.stdout + r.stderr for r in results]
    drafts = sorted(p.name for p in (repo / "records/1/2026").glob("*.yaml"))
    assert drafts == [f"1-2026-S02-{n:04d}.yaml" for n in range(1, 6)]  # five codes, five drafts: none lost


def test_parallel_imports_each_reach_head_with_their_own_numbers(repo, tmp_path):
    sheets = []
    for n, row in enumerate(GOOD):
        sheets.append(write_xlsx(tmp_path / f"sheet{n}.xlsx", HEADER, [row]))

    with ThreadPoolExecutor(len(sheets)) as pool:
        results = list(pool.map(lambda s: dossier(repo, "import", "customers", s), sheets))
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results]
    commits = [line.split("committed ")[1].split(";")[0] for r in results for line in r.stdout.splitlines()
               if line.startswith("committed ")]
    assert len(commits) == len(sheets)
    for sha in commits:  # every reported success is in HEAD
        assert subprocess.run(["git", "merge-base", "--is-ancestor", sha, "HEAD"], cwd=repo).returncode == 0
    names = {git(repo, "show", f"HEAD:customers/C000{n}.yaml").split("name: ")[1].split("\n")[0] for n in (3, 4, 5)}
    assert names == {row[1] for row in GOOD} and porcelain(repo) == ""


def test_a_command_that_cannot_get_the_lock_says_who_holds_it_and_changes_nothing(repo):
    before = state(repo)
    with transaction.locked(repo, "import customers big.xlsx"):
        refused = dossier(repo, "new", "visit-report", "--customer", "C0001", env={"DOSSIER_LOCK_WAIT": "0.3"})
    assert refused.returncode == 1
    assert "another dossier command is changing this archive: `import customers big.xlsx` (process " in refused.stderr
    assert state(repo) == before


def test_a_draft_never_overwrites_a_file_that_appeared_meanwhile(repo):
    from dossier.archive.fsutil import create_new

    target = repo / "records/1/2025/1-2025-S02-0009.yaml"
    target.write_text("someone's draft\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        create_new(target, b"another\n")
    assert target.read_text(encoding="utf-8") == "someone's draft\n"
    assert [p.name for p in target.parent.iterdir() if p.name.startswith(".")] == []


def test_what_git_said_is_cut_at_a_word_never_inside_one():
    from dossier.git.gitwalk import said

    text = "pre-commit: " + " ".join(f"customers/C{n:04d}.yaml:12:3: confidential: re-encrypt it" for n in range(40))
    short = said(text)
    assert short.endswith(" …") and len(short) < len(text)
    assert set(short.removesuffix(" …").split()) <= set(text.split())  # every word whole
    assert said("a short complaint\n  on two lines") == "a short complaint on two lines"


@pytest.mark.parametrize("moment", ["journal", "written", "flushed", "work-tree"])
def test_rekey_killed_midway_is_finished_by_the_next_command(tmp_path, keys, moment):  # noqa: F811
    import yaml

    from dossier.archive.yamlio import dump
    from test_crypto import public

    root = copy_archive(FIXTURES / "base", tmp_path / "archive")
    people = yaml.safe_load((root / "people.yaml").read_text(encoding="utf-8"))
    for entry in people["people"]:
        entry["encryption_key"] = public(keys[entry["id"]])
    (root / "people.yaml").write_text(dump(people), encoding="utf-8")
    with open(root / "archive.yaml", "a", encoding="utf-8") as settings:
        settings.write("confidential: encrypt\n")
    init_repo(root, SEES_ALL)  # every confidential value still in clear: rekey changes many files
    killed = dossier(root, "rekey", kill_at=moment)
    assert killed.returncode == -9, killed.stderr
    follow = dossier(root, "validate", "--no-cache")
    assert "an interrupted `rekey`" in follow.stderr and "the operation is complete" in follow.stderr, follow.stderr
    assert ": confidential: " not in follow.stdout, follow.stdout  # every value encrypted: none left half done
    assert not (root / ".git" / transaction.JOURNAL).exists()
    again = dossier(root, "rekey")
    assert again.returncode == 0 and "0 value(s) encrypted or re-encrypted in 0 file(s)" in again.stdout


def test_a_rekey_that_decrypts_writes_no_value_in_clear_even_killed_with_its_bytes_set_aside(
        tmp_path, keys, run):  # noqa: F811
    """Re-encrypting for a new manager decrypts every value of the customer: killed when the new
    files are beside the old ones, neither those files nor git's objects (loose or packed) hold a
    value in clear; the next command finishes."""
    from test_crypto import CARD, seal_archive

    root = seal_archive(copy_archive(FIXTURES / "base", tmp_path / "archive"), keys, run)
    init_repo(root, SEES_ALL)
    secret = b"200000.00"  # C0001's credit limit, encrypted to wang.wei and his readers
    card = root / CARD
    card.write_text(card.read_text(encoding="utf-8").replace("manager: wang.wei", "manager: chen.xiaoyu"),
                    encoding="utf-8")
    git(root, "commit", "-qam", "C0001 goes to chen.xiaoyu")
    killed = dossier(root, "rekey", "--identity", keys["li.na"], kill_at="written")
    assert killed.returncode == -9, killed.stderr
    assert f".{Path(CARD).name}.dossier-new" in {p.name for p in root.rglob("*.dossier-new")}
    for path in root.rglob("*"):
        assert not path.is_file() or secret not in path.read_bytes(), path
    objects = subprocess.run(["git", "cat-file", "--batch-all-objects", "--batch"], cwd=root, capture_output=True,
                             check=True).stdout
    assert b"credit_limit" in objects and secret not in objects
    follow = dossier(root, "validate", "--no-cache")
    assert "an interrupted `rekey`" in follow.stderr and "the operation is complete" in follow.stderr, follow.stderr
    assert not list(root.rglob("*.dossier-new")) and f" M {CARD}\n" in git(root, "status", "--porcelain")
    again = dossier(root, "rekey", "--identity", keys["li.na"])
    assert again.returncode == 0 and "0 value(s) encrypted or re-encrypted in 0 file(s)" in again.stdout, again.stdout


def test_two_clones_numbering_the_same_customer_cannot_merge_unnoticed(repo, tmp_path):
    bare = tmp_path / "server.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    git(repo, "push", "-q", str(bare), "main")
    clones = {}
    for person in ("wang.wei", "chen.xiaoyu"):  # both clones made before either adds a customer
        subprocess.run(["git", "clone", "-q", str(bare), str(tmp_path / person)], check=True)
    for person, row in (("wang.wei", GOOD[1]), ("chen.xiaoyu", GOOD[2])):
        clone = tmp_path / person
        git(clone, "switch", "-q", "-c", f"new-{person}")
        result = dossier(clone, "import", "customers", write_xlsx(tmp_path / f"{person}.xlsx", HEADER, [row]),
                         email=f"{person}@example.cn")
        assert result.returncode == 0 and (clone / "customers/C0003.yaml").exists(), result.stdout + result.stderr
        git(clone, "push", "-q", "origin", f"new-{person}")
        clones[person] = clone
    merging = clones["wang.wei"]
    git(merging, "fetch", "-q")
    merged = subprocess.run(["git", "merge", "--no-edit", "origin/new-chen.xiaoyu"], cwd=merging, capture_output=True,
                            text=True)
    assert merged.returncode != 0 and "CONFLICT (add/add)" in merged.stdout and "customers/C0003.yaml" in merged.stdout
    # a careless resolution keeps both cards by renaming one file: validate names it
    their = subprocess.run(["git", "show", "origin/new-chen.xiaoyu:customers/C0003.yaml"], cwd=merging,
                           capture_output=True, check=True).stdout
    (merging / "customers/C0004.yaml").write_bytes(their)
    git(merging, "checkout", "-q", "--ours", "customers/C0003.yaml")
    checked = dossier(merging, "validate", merging / "customers", email="wang.wei@example.cn")
    assert checked.returncode == 1 and "customers/C0004.yaml" in checked.stdout and "customer-id" in checked.stdout
