"""Change control for every path of the archive (policy.py), attacked as an insider would:
real repositories, real SSH signatures, a real bare repository with the server's hooks.

For each kind of file: a change made straight on main is refused by the server and reported
by verify; the same change approved by the right person passes; a change that brings its
own approver key, role or grant approves nothing.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, SAMPLE, init_repo
from dossier.archive.hidden_text import visible
from dossier.record import policy, receipts, signatures
from test_git import as_person, commit, keygen, server  # noqa: F401 (server: the bare repository with the hooks)

SALES = "li.na@example.cn"
GENERAL = "zhao.guoqiang@example.cn"
MANAGER = "wang.wei@example.cn"  # a customer manager: the author of the changes


@pytest.fixture
def keys(tmp_path):
    folder = tmp_path / "keys"
    folder.mkdir()
    return {name: keygen(folder, name) for name in ("sales", "general", "supervisor", "intruder")}


def git(cwd: Path, *args: str, input: str | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, input=input).stdout


def public(key: Path) -> str:
    return " ".join(key.with_suffix(".pub").read_text().split()[:2])


@pytest.fixture
def repo(base_archive, keys, run):
    """The base archive in git: the sales manager, the general manager and the supervisor
    zhang.min have signing keys; hooks installed."""
    people = base_archive / "people.yaml"
    text = people.read_text(encoding="utf-8")
    text = text.replace("section: S01, supervisor: zhao.guoqiang}",
                        f"section: S01, supervisor: zhao.guoqiang, signing_key: {public(keys['sales'])}}}")
    text = text.replace("roles: [general_manager]}", f"roles: [general_manager], signing_key: {public(keys['general'])}}}")
    text = text.replace("roles: [supervisor], supervisor: li.na}",
                        f"roles: [supervisor], supervisor: li.na, signing_key: {public(keys['supervisor'])}}}")
    people.write_text(text, encoding="utf-8")
    (base_archive / "volumes").mkdir()
    (base_archive / "volumes/.gitkeep").touch()
    init_repo(base_archive, MANAGER)
    assert run("--archive", base_archive, "install-hooks").code == 0
    return base_archive


def push(repo: Path, ref: str = "main") -> subprocess.CompletedProcess:
    return subprocess.run(["git", "push", "origin", ref], cwd=repo, capture_output=True, text=True)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def change_item(root: Path) -> None:
    edit(root / "records/2/2025/2-2025-S02-0001.yaml", "pages: 4", "pages: 5")


def change_attachment(root: Path) -> None:
    (root / "records/1/2025/1-2025-S02-0001.scan-1.png").write_bytes(b"\x89PNG forged signature page")


def change_card(root: Path) -> None:
    edit(root / "customers/C0001.yaml", "grade: A", "grade: B")


def change_people(root: Path) -> None:
    edit(root / "people.yaml", "title: 档案员", "title: 高级档案员")


def change_access(root: Path) -> None:
    edit(root / "access.yaml", "expires: 2027-01-10", "expires: 2030-01-10")


def change_settings(root: Path) -> None:
    edit(root / "archive.yaml", "volume_max_pages: 300", "volume_max_pages: 400")


def change_schema(root: Path) -> None:
    edit(root / "schemas/common.schema.json", '"$schema"', '"$comment": "changed",\n  "$schema"')


def change_mapping(root: Path) -> None:
    from dossier.record.init import DEFAULTS

    (root / "mappings").mkdir(exist_ok=True)
    (root / "mappings/customers.yaml").write_bytes((DEFAULTS / "mappings/customers.yaml").read_bytes())


def add_manifest(root: Path) -> None:
    (root / "volumes/Z001-KH·2025-D30-C2-V01.yaml").write_text("volume: Z001-KH·2025-D30-C2-V01\nitems: []\n",
                                                               encoding="utf-8")


def change_workflow(root: Path) -> None:
    (root / ".gitignore").write_text(".dossier/\n*.pdf\n", encoding="utf-8")


KINDS = {  # kind → (the change, who approves it)
    policy.ITEMS: (change_item, "sales"),
    policy.ATTACHMENTS: (change_attachment, "sales"),
    policy.CARDS: (change_card, "sales"),
    policy.PEOPLE: (change_people, "general"),
    policy.ACCESS: (change_access, "general"),
    policy.SETTINGS: (change_settings, "general"),
    policy.SCHEMAS: (change_schema, "general"),
    policy.MAPPINGS: (change_mapping, "general"),
    policy.VOLUMES: (add_manifest, "sales"),
    policy.OTHER: (change_workflow, "general"),
}
APPROVER = {"sales": SALES, "general": GENERAL}


def test_every_kind_of_path_has_a_rule_with_the_regulations_words():
    assert set(policy.RULES) == {*KINDS, policy.DELETIONS, policy.TRASHED, policy.CHECKS}
    for rule in policy.RULES.values():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in rule.regulation), rule.kind
    assert policy.path_kind("records/2/2025/2-2025-S02-0001.yaml") == policy.ITEMS
    assert policy.path_kind("daily/2025/D-2025-S02-0001.yaml") == policy.ITEMS
    assert policy.path_kind("records/1/2025/1-2025-S02-0001.scan-1.png") == policy.ATTACHMENTS
    assert policy.path_kind("trash/records/1/2025/1-2025-S02-0001.deletion.yaml") == policy.DELETIONS
    assert policy.path_kind("trash/records/1/2025/1-2025-S02-0001.yaml") == policy.TRASHED
    assert policy.path_kind(".github/workflows/dossier.yml") == policy.OTHER
    assert policy.path_kind("checks/2026/2026-11-23-gd-001.yaml") == policy.CHECKS  # test_handover attacks it


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_direct_change_on_main_is_refused_by_the_server_and_reported_by_verify(repo, server, run, kind):
    change, _ = KINDS[kind]
    change(repo)
    made = commit(repo, f"Change {kind} straight on main\n\nReason: 更正")
    assert made.returncode == 0, made.stderr
    verified = run("--archive", repo, "verify", "--lang", "en")
    assert verified.code == 1 and "unapproved: changes" in verified.out, verified.out
    refused = push(repo)
    assert refused.returncode != 0 and "unapproved" in refused.stderr, refused.stderr
    assert git(server, "rev-parse", "main") != git(repo, "rev-parse", "main")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_same_change_approved_by_the_right_person_passes(repo, server, run, keys, kind):
    change, approver = KINDS[kind]
    git(repo, "checkout", "-q", "-b", "change")
    change(repo)
    assert commit(repo, f"Change {kind}\n\nReason: 更正").returncode == 0
    git(repo, "checkout", "-q", "main")
    as_person(repo, APPROVER[approver], keys[approver])
    git(repo, "-c", "gpg.format=ssh", "merge", "-q", "--no-ff", "-S", "change", "-m", f"Approve {kind}")
    verified = run("--archive", repo, "verify", "--lang", "en")
    assert verified.code == 0, verified.out
    accepted = push(repo)
    assert accepted.returncode == 0, accepted.stderr


@pytest.mark.parametrize("kind", [policy.PEOPLE, policy.ACCESS, policy.SETTINGS, policy.SCHEMAS])
def test_the_sales_manager_cannot_approve_what_the_general_manager_approves(repo, run, keys, kind):
    change, _ = KINDS[kind]
    git(repo, "checkout", "-q", "-b", "change")
    change(repo)
    assert commit(repo, f"Change {kind}\n\nReason: 更正").returncode == 0
    git(repo, "checkout", "-q", "main")
    as_person(repo, SALES, keys["sales"])
    git(repo, "-c", "gpg.format=ssh", "merge", "-q", "--no-ff", "-S", "change", "-m", "Approve")
    verified = run("--archive", repo, "verify", "--lang", "en")
    assert verified.code == 1 and "who is not the general manager" in verified.out, verified.out


def test_a_branch_that_adds_its_own_key_approves_nothing(repo, server, run, keys):
    git(repo, "checkout", "-q", "-b", "promote")
    edit(repo / "people.yaml", f"roles: [archivist], supervisor: li.na}}",
         f"roles: [archivist, general_manager], supervisor: li.na, signing_key: {public(keys['intruder'])}}}")
    change_item(repo)
    assert commit(repo, "Promote myself\n\nReason: 升职").returncode == 0
    git(repo, "checkout", "-q", "main")
    as_person(repo, "zhou.jing@example.cn", keys["intruder"])
    git(repo, "-c", "gpg.format=ssh", "merge", "-q", "--no-ff", "-S", "promote", "-m", "Approve")
    verified = run("--archive", repo, "verify", "--lang", "en")
    assert verified.code == 1 and "unknown-key" in verified.out
    assert "unknown-key" in push(repo).stderr


def test_a_branch_that_gives_its_signer_a_role_approves_nothing(repo, server, run, keys):
    """zhang.min's key is listed; the branch makes her general manager and she signs it."""
    git(repo, "checkout", "-q", "-b", "promote")
    edit(repo / "people.yaml", "roles: [supervisor], supervisor: li.na,", "roles: [supervisor, general_manager], supervisor: li.na,")
    assert commit(repo, "Promote\n\nReason: 升职").returncode == 0
    git(repo, "checkout", "-q", "main")
    as_person(repo, "zhang.min@example.cn", keys["supervisor"])
    git(repo, "-c", "gpg.format=ssh", "merge", "-q", "--no-ff", "-S", "promote", "-m", "Approve")
    verified = run("--archive", repo, "verify", "--lang", "en")
    assert verified.code == 1 and "zhang.min@example.cn, who is not the general manager" in verified.out
    assert "not-approver" in push(repo).stderr


def test_a_grant_pushed_straight_to_main_or_approved_by_the_sales_manager_is_refused(repo, server, run, keys):
    grant = "  - {person: wang.wei, category: 3, approved_by: li.na, approved_on: 2025-01-10, expires: 2027-01-10, reason: 查阅}\n"
    with (repo / "access.yaml").open("a", encoding="utf-8") as handle:
        handle.write(grant)
    assert commit(repo, "Grant\n\nReason: 查阅").returncode == 0
    assert "unapproved" in push(repo).stderr
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    git(repo, "checkout", "-q", "-b", "grant")
    with (repo / "access.yaml").open("a", encoding="utf-8") as handle:
        handle.write(grant)
    assert commit(repo, "Grant\n\nReason: 查阅").returncode == 0
    git(repo, "checkout", "-q", "main")
    as_person(repo, SALES, keys["sales"])
    git(repo, "-c", "gpg.format=ssh", "merge", "-q", "--no-ff", "-S", "grant", "-m", "Approve")
    assert "not-approver" in run("--archive", repo, "verify", "--lang", "en").out
    assert "not-approver" in push(repo).stderr


def test_the_sales_managers_own_change_needs_the_general_manager(repo, run, keys):
    as_person(repo, SALES, keys["sales"])
    git(repo, "checkout", "-q", "-b", "own")
    change_item(repo)
    assert commit(repo, "Own change\n\nReason: 更正").returncode == 0
    git(repo, "checkout", "-q", "main")
    as_person(repo, GENERAL, keys["general"])
    git(repo, "-c", "gpg.format=ssh", "merge", "-q", "--no-ff", "-S", "own", "-m", "Approve")
    assert run("--archive", repo, "verify").code == 0


@pytest.mark.parametrize("reason", ["   ", "\u200b\u200b", "\u200e\u2060\ufeff"], ids=["spaces", "zero-width", "marks"])
def test_a_reason_must_hold_visible_text(repo, run, reason):
    git(repo, "checkout", "-q", "-b", "fix")
    change_item(repo)
    refused = commit(repo, f"Correct\n\nReason: {reason}")
    assert refused.returncode != 0
    git(repo, "commit", "-q", "--no-verify", "-m", f"Correct\n\nReason: {reason}")
    assert "missing-reason" in run("--archive", repo, "verify", "--pending", "main..fix").out
    assert visible("更正") and not visible(reason)


@pytest.mark.parametrize("ref", ["refs/tags/main", "refs/heads/origin/main", "refs/heads/fix/main", "refs/heads/HEAD",
                                 "refs/notes/commits", "refs/dossier/received", "refs/tags/v1"])
def test_the_server_takes_no_ref_the_record_does_not_need(repo, server, ref):
    refused = push(repo, f"+HEAD:{ref}")  # forced: the server holds refs/dossier/received already
    assert refused.returncode != 0 and "ref-" in refused.stderr, refused.stderr
    assert push(repo, "HEAD:refs/heads/fix-3-2025").returncode == 0  # a work branch


# --- approve refuses before it signs (point 5) -----------------------------------------------------


def state(repo: Path) -> tuple[str, str, str, str]:
    """main, the branch checked out, the work tree's status and the work trees git knows."""
    return (git(repo, "rev-parse", "main"), git(repo, "symbolic-ref", "-q", "HEAD"),
            git(repo, "status", "--porcelain", "--untracked-files=all"), git(repo, "worktree", "list"))


def branch_with(repo: Path, name: str, change, message: str = "Change\n\nReason: 更正", verify: bool = True) -> None:
    git(repo, "checkout", "-q", "-b", name)
    change(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", *([] if verify else ["--no-verify"]), "-m", message)
    git(repo, "checkout", "-q", "main")


def refused_and_untouched(repo: Path, run, branch: str, expected: str) -> None:
    before = state(repo)
    refused = run("--archive", repo, "approve", branch, "--lang", "en")
    assert refused.code != 0 and expected in refused.err, refused.err
    assert "nothing was" in refused.err
    assert state(repo) == before
    assert not git(repo, "log", "-1", "--format=%G?", "main").strip() == "G"


def test_approve_refuses_off_the_record_branch(repo, run, keys):
    branch_with(repo, "fix", change_item)
    git(repo, "checkout", "-q", "-b", "elsewhere")
    as_person(repo, SALES, keys["sales"])
    refused_and_untouched(repo, run, "fix", "not on the record branch main")


def test_approve_refuses_a_branch_that_does_not_validate(repo, run, keys):
    branch_with(repo, "broken", lambda root: edit(root / "records/2/2025/2-2025-S02-0001.yaml", "pages: 4",
                                                  "pages: many"), verify=False)
    as_person(repo, SALES, keys["sales"])
    refused_and_untouched(repo, run, "broken", "does not validate")


def test_approve_refuses_someone_who_approves_nothing_and_a_key_not_theirs(repo, run, keys):
    branch_with(repo, "fix", change_item)
    as_person(repo, "zhang.min@example.cn", keys["supervisor"])
    refused_and_untouched(repo, run, "fix", "approves nothing")
    as_person(repo, SALES, keys["intruder"])
    refused_and_untouched(repo, run, "fix", "is not the signing_key people.yaml lists for li.na")
    as_person(repo, SALES, keys["general"])  # a listed key, of another person
    refused_and_untouched(repo, run, "fix", "is not the signing_key people.yaml lists for li.na")


def test_approve_refuses_a_self_approval_and_what_someone_else_approves(repo, run, keys):
    as_person(repo, SALES, keys["sales"])
    branch_with(repo, "own", change_item)
    refused_and_untouched(repo, run, "own", "self-approval")
    as_person(repo, MANAGER)
    branch_with(repo, "people", change_people)
    as_person(repo, SALES, keys["sales"])
    refused_and_untouched(repo, run, "people", "not-approver")


def test_approve_refuses_a_branch_already_merged_or_missing(repo, run, keys):
    branch_with(repo, "fix", change_item)
    as_person(repo, SALES, keys["sales"])
    assert run("--archive", repo, "approve", "fix", "--yes").code == 0
    refused_and_untouched(repo, run, "fix", "already merged")
    before = state(repo)
    missing = run("--archive", repo, "approve", "no-such-branch", "--lang", "en")
    assert missing.code == 1 and "'no-such-branch' is not a branch or commit" in missing.err
    assert state(repo) == before


def test_approve_refuses_a_branch_missing_its_reason(repo, run, keys):
    branch_with(repo, "fix", change_item, message="No reason", verify=False)
    as_person(repo, SALES, keys["sales"])
    refused_and_untouched(repo, run, "fix", "missing-reason")


def test_the_general_manager_approves_with_dossier_approve_and_verify_agrees(repo, server, run, keys):
    branch_with(repo, "people", change_people)
    as_person(repo, GENERAL, keys["general"])
    approved = run("--archive", repo, "approve", "people", "--yes", "--lang", "en")
    assert approved.code == 0, approved.err
    assert run("--archive", repo, "verify").code == 0
    assert push(repo).returncode == 0


# --- time a client cannot set: the purge month by the server's clock (point 3) ----------------------

DELETED = "records/2/2025/2-2025-S02-0001.yaml"
CODE = "2-2025-S02-0001"


def fetch_receipts(repo: Path) -> None:
    git(repo, "fetch", "-q", "origin", f"+{receipts.REF}:{receipts.REF}")


def backdate(bare: Path, days: int) -> None:
    """The server's receipts as if everything had arrived `days` days earlier (a month passing
    on the server's clock; the log is otherwise only appended to)."""
    times = receipts.read(bare)
    text = "".join(f"{sha} {(when - dt.timedelta(days=days)).isoformat(timespec='seconds')}\n"
                   for sha, when in times.items())
    blob = git(bare, "hash-object", "-w", "--stdin", input=text).strip()
    tree = git(bare, "mktree", input=f"100644 blob {blob}\t{receipts.LOG}\n").strip()
    commit_sha = git(bare, "-c", "user.name=admin", "-c", "user.email=admin@localhost", "commit-tree", tree, "-m",
                     "backdated").strip()
    git(bare, "update-ref", receipts.REF, commit_sha)


@pytest.fixture
def deleted(repo, server, run, keys, monkeypatch):
    """A filed item deleted on a branch with a forged clock (its record says purge after
    2020-01-31), approved by the sales manager and received by the server today."""
    monkeypatch.setenv("DOSSIER_TODAY", "2020-01-01")
    git(repo, "checkout", "-q", "-b", "delete")
    assert run("--archive", repo, "delete", CODE, "--reason", "重复录入").code == 0
    git(repo, "checkout", "-q", "main")
    monkeypatch.setenv("DOSSIER_TODAY", "2026-11-23")
    as_person(repo, SALES, keys["sales"])
    assert run("--archive", repo, "approve", "delete", "--yes").code == 0
    assert push(repo).returncode == 0
    return repo


def purge_on_branch(repo: Path, run, monkeypatch) -> subprocess.CompletedProcess:
    """The archivist purges with every clock a client has set two months ahead, and pushes the branch."""
    monkeypatch.setenv("DOSSIER_TODAY", "2099-01-01")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2099-01-01T10:00:00+08:00")
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2099-01-01T10:00:00+08:00")
    as_person(repo, "zhou.jing@example.cn")
    git(repo, "checkout", "-q", "-b", "purge")
    purged = run("--archive", repo, "purge", "--lang", "en")
    assert purged.code == 0 and CODE in purged.out, purged.out + purged.err
    git(repo, "checkout", "-q", "main")
    assert push(repo, "purge").returncode == 0
    fetch_receipts(repo)
    return purged


def test_a_purge_within_the_month_is_refused_whatever_the_clients_clocks_say(deleted, server, run, keys,
                                                                            monkeypatch):
    repo = deleted
    purge_on_branch(repo, run, monkeypatch)
    as_person(repo, SALES, keys["sales"])
    refused_and_untouched(repo, run, "purge", "purge-early")
    git(repo, "-c", "gpg.format=ssh", "merge", "-q", "--no-ff", "-S", "purge", "-m", "Approve purge")  # past approve
    verified = run("--archive", repo, "verify", "--lang", "en")
    assert verified.code == 1 and f"purge-early: {CODE} was purged at" in verified.out, verified.out
    refused = push(repo)
    assert refused.returncode != 0 and "purge-early" in refused.stderr


def test_a_purge_straight_on_main_is_unapproved_and_early(deleted, server, run, keys, monkeypatch):
    repo = deleted
    monkeypatch.setenv("DOSSIER_TODAY", "2099-01-01")
    as_person(repo, "zhou.jing@example.cn")
    purged = run("--archive", repo, "purge", "--lang", "en")
    assert "note: this commit is on main" in purged.err
    refused = push(repo)
    assert refused.returncode != 0 and "unapproved" in refused.stderr and "purge-early" in refused.stderr


def test_a_purge_after_the_month_on_the_servers_clock_is_accepted(deleted, server, run, keys, monkeypatch):
    repo = deleted
    backdate(server, 31)  # the deletion reached the server 31 days ago
    purge_on_branch(repo, run, monkeypatch)
    monkeypatch.delenv("GIT_COMMITTER_DATE")
    as_person(repo, SALES, keys["sales"])
    approved = run("--archive", repo, "approve", "purge", "--yes", "--lang", "en")
    assert approved.code == 0, approved.err
    assert run("--archive", repo, "verify").code == 0
    accepted = push(repo)
    assert accepted.returncode == 0, accepted.stderr


def test_deletion_records_are_frozen_once_committed(deleted, server, run, keys):
    repo = deleted
    record = repo / "trash/records/2/2025/2-2025-S02-0001.deletion.yaml"
    edit(record, "purge_after: 2020-01-31", "purge_after: 2019-01-01")
    git(repo, "checkout", "-q", "-b", "forge")
    assert commit(repo, "Correct the date\n\nReason: 更正").returncode == 0
    git(repo, "checkout", "-q", "main")
    as_person(repo, SALES, keys["sales"])
    refused_and_untouched(repo, run, "forge", "frozen-changed")
    git(repo, "-c", "gpg.format=ssh", "merge", "-q", "--no-ff", "-S", "forge", "-m", "Approve")
    assert "frozen-changed" in run("--archive", repo, "verify").out
    assert "frozen-changed" in push(repo).stderr


def test_the_server_notes_receipts_with_its_own_clock(deleted, server):
    times = receipts.read(server)
    main = git(server, "rev-parse", "main").strip()
    assert main in times and abs(times[main] - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=10)


# --- the sales manager's own deletion, approved by the general manager, on the sample ---------------


def test_the_sales_managers_own_deletion_is_approved_by_the_general_manager(tmp_path, run):
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".dossier"))
    init_repo(root, "li.na@longcheng-club.cn")
    bare = tmp_path / "server.git"
    git(tmp_path, "clone", "-q", "--bare", str(root), str(bare))
    assert run("install-server-hook", bare).code == 0
    git(root, "remote", "add", "origin", str(bare))
    git(root, "checkout", "-q", "-b", "delete-2-2025-S01-0001")
    deleted = run("--archive", root, "delete", "2-2025-S01-0001", "--reason", "重复录入")
    assert deleted.code == 0, deleted.err
    git(root, "checkout", "-q", "main")
    assert push(root, "delete-2-2025-S01-0001").returncode == 0
    own = tmp_path / "li.na"
    shutil.copy(REPO / "samples/identities/li.na", own)
    own.chmod(0o600)
    as_person(root, "li.na@longcheng-club.cn", own)
    assert "self-approval" in run("--archive", root, "approve", "delete-2-2025-S01-0001", "--lang", "en").err
    key = tmp_path / "zhao.guoqiang"
    shutil.copy(REPO / "samples/identities/zhao.guoqiang", key)
    key.chmod(0o600)
    as_person(root, "zhao.guoqiang@longcheng-club.cn", key)
    approved = run("--archive", root, "approve", "delete-2-2025-S01-0001", "--yes", "--lang", "en")
    assert approved.code == 0, approved.err
    verified = run("--archive", root, "verify", "--lang", "en")
    assert verified.code == 0 and "no violations" in verified.out, verified.out
    accepted = push(root)
    assert accepted.returncode == 0, accepted.stderr


# --- signatures: a missing tool is not a forgery (point 6) ------------------------------------------


def approved_item_change(repo: Path, run, keys) -> None:
    branch_with(repo, "fix", change_item)
    as_person(repo, SALES, keys["sales"])
    assert run("--archive", repo, "approve", "fix", "--yes").code == 0


def test_without_ssh_keygen_verify_says_what_to_install(repo, run, keys, tmp_path, monkeypatch):
    approved_item_change(repo, run, keys)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").symlink_to(shutil.which("git"))  # git, and no ssh-keygen
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setattr(signatures, "_checked", set())
    result = run("--archive", repo, "verify", "--lang", "en")
    assert result.code == 2 and "cannot check signatures: install openssh-client" in result.err, result.err
    assert "unknown-key" not in result.out and "tampered" not in result.out


def test_a_failing_ssh_keygen_is_not_a_bad_key(repo, run, keys, tmp_path, monkeypatch):
    approved_item_change(repo, run, keys)
    broken = tmp_path / "ssh-keygen"
    broken.write_text("#!/bin/sh\necho 'error while loading shared libraries: libcrypto.so.3' >&2\nexit 127\n")
    broken.chmod(0o755)
    git(repo, "config", "gpg.ssh.program", str(broken))
    monkeypatch.setattr(signatures, "_checked", set())
    result = run("--archive", repo, "verify", "--lang", "en")
    assert result.code == 2 and "install openssh-client" in result.err and "libcrypto" in result.err


def test_a_tampered_approval_and_a_key_of_the_wrong_person_have_their_own_messages(repo, run, keys):
    approved_item_change(repo, run, keys)
    original = git(repo, "cat-file", "commit", "HEAD")
    forged = original.replace("Approve fix", "Approve fix and more", 1)
    sha = git(repo, "hash-object", "-t", "commit", "-w", "--stdin", input=forged).strip()
    git(repo, "update-ref", "refs/heads/main", sha)
    result = run("--archive", repo, "verify", "--lang", "en")
    assert "tampered: merge by li.na@example.cn carries a signature that does not match" in result.out, result.out
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    branch_with(repo, "other", change_card)
    as_person(repo, SALES, keys["general"])  # committed as li.na, signed with zhao.guoqiang's listed key
    git(repo, "-c", "gpg.format=ssh", "merge", "-q", "--no-ff", "-S", "other", "-m", "Approve")
    result = run("--archive", repo, "verify", "--lang", "en")
    assert "wrong-person: merge committed as li.na@example.cn is signed with the key people.yaml lists for " \
           "zhao.guoqiang@example.cn" in result.out, result.out
