"""Git as the system of record: reasons, signed approvals, verify, and the server hook.

Real repositories in temporary folders, real SSH signatures (ssh-keygen), a real bare
repository with the pre-receive hook, and pushes to it.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, SAMPLE, SAMPLE_SEES_ALL, git, init_repo
from dossier.record.server_hooks import ZERO, pre_receive

ITEM = "records/2/2025/2-2025-S02-0001.yaml"
MANAGER = "li.na@example.cn"  # the sales manager of the base fixture


def keygen(folder: Path, name: str) -> Path:
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key


@pytest.fixture
def keys(tmp_path):
    folder = tmp_path / "keys"
    folder.mkdir()
    return {"manager": keygen(folder, "manager"), "intruder": keygen(folder, "intruder")}


@pytest.fixture
def repo(base_archive, keys, run):
    """The base archive in git, the sales manager's key in people.yaml, hooks installed."""
    people = base_archive / "people.yaml"
    public = (keys["manager"].with_suffix(".pub")).read_text().split()[:2]
    people.write_text(people.read_text(encoding="utf-8").replace(
        "section: S01, supervisor: zhao.guoqiang}",
        f"section: S01, supervisor: zhao.guoqiang, signing_key: {' '.join(public)}}}"), encoding="utf-8")
    init_repo(base_archive, "wang.wei@example.cn")
    assert run("--archive", base_archive, "install-hooks").code == 0
    return base_archive


def as_person(repo: Path, email: str, key: Path | None = None) -> None:
    git(repo, "config", "user.email", email)
    git(repo, "config", "user.name", email.split("@")[0])
    if key:
        git(repo, "config", "gpg.format", "ssh")
        git(repo, "config", "user.signingkey", str(key))


def commit(repo: Path, message: str) -> subprocess.CompletedProcess:
    git(repo, "add", "-A")
    return subprocess.run(["git", "commit", "-q", "-m", message], cwd=repo, capture_output=True, text=True)


def signed_merge(repo: Path, branch: str) -> None:
    """A merge signed by hand, as someone bypassing `dossier approve` (which refuses what verify rejects)."""
    git(repo, "-c", "gpg.format=ssh", "merge", "-q", "--no-ff", "-S", branch, "-m", f"Approve {branch}")


def change_filed_item(repo: Path, branch: str, reason: str | None = "客户更正页数") -> None:
    git(repo, "checkout", "-q", "-b", branch)
    path = repo / ITEM
    path.write_text(path.read_text(encoding="utf-8").replace("pages: 4", "pages: 5"), encoding="utf-8")
    message = "Correct the page count" + (f"\n\nReason: {reason}" if reason else "")
    result = commit(repo, message)
    assert result.returncode == 0, result.stderr
    git(repo, "checkout", "-q", "main")


def test_commit_msg_hook_refuses_a_modification_without_reason(repo):
    git(repo, "checkout", "-q", "-b", "fix")
    path = repo / ITEM
    path.write_text(path.read_text(encoding="utf-8").replace("pages: 4", "pages: 5"), encoding="utf-8")
    refused = commit(repo, "Correct the page count")
    assert refused.returncode != 0
    assert "Reason:" in refused.stderr and ITEM in refused.stderr
    accepted = commit(repo, "Correct the page count\n\nReason: 原件共五页")
    assert accepted.returncode == 0, accepted.stderr


def test_a_message_with_a_reason_is_passed_without_reading_the_record(repo, tmp_path):
    """commit-msg runs on every commit: with a reason given it asks git for the message's trailers
    only, and loads neither the YAML loader nor the record and its policy (in a fresh process, as
    the hook runs); without one it does, and names the filed item."""
    path = repo / ITEM
    path.write_text(path.read_text(encoding="utf-8").replace("pages: 4", "pages: 5"), encoding="utf-8")
    git(repo, "add", ITEM)
    heavy = ("yaml", "dossier.record.approvals", "dossier.record.policy", "dossier.archive.loader")

    def hook(message: str) -> list[str]:
        (tmp_path / "MSG").write_text(message, encoding="utf-8")
        probe = ("import runpy, sys\n"
                 f"sys.argv = ['dossier', '--archive', {str(repo)!r}, 'hook', 'commit-msg', {str(tmp_path / 'MSG')!r}]\n"
                 "try:\n    runpy.run_module('dossier', run_name='__main__')\n"
                 "except SystemExit as exit:\n    print('exit', exit.code or 0)\n"
                 f"print(*[m for m in {heavy!r} if m in sys.modules])")
        return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()

    assert hook("Pages\n\nReason: 原件共五页\n") == ["exit", "0"]
    assert hook("Pages\n") == ["exit", "1", *heavy]


def test_a_configuration_edited_after_staging_is_not_committed_unchecked(repo):
    """The hook reads the configuration from the work tree: an access.yaml staged with a grant
    nobody approved and then put back in the work tree must not slip through."""
    access = repo / "access.yaml"
    original = access.read_text(encoding="utf-8")
    access.write_text(original.replace("approved_by: li.na", "approved_by: wang.wei", 1), encoding="utf-8")
    git(repo, "add", "access.yaml")
    access.write_text(original, encoding="utf-8")
    refused = subprocess.run(["git", "commit", "-q", "-m", "Grant\n\nReason: 审批"], cwd=repo, capture_output=True,
                             text=True)
    assert refused.returncode != 0 and "access.yaml:0:0: staged-edited:" in refused.stderr, refused.stderr
    assert git(repo, "diff", "--cached", "--name-only").strip() == "access.yaml"  # nothing committed


@pytest.mark.parametrize("how", [["-a"], ["--", ITEM]], ids=["commit -a", "commit PATH"])
def test_the_hooks_see_what_commit_a_and_commit_path_stage_themselves(repo, how):
    """Both stage into a temporary index (GIT_INDEX_FILE) that the hooks must read."""
    git(repo, "checkout", "-q", "-b", "fix")
    path = repo / ITEM
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("pages: 4", "pages: 5"), encoding="utf-8")

    def commit_as(message: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "commit", "-q", "-m", message, *how], cwd=repo, capture_output=True, text=True)

    refused = commit_as("Correct the page count")
    assert refused.returncode != 0 and "Reason:" in refused.stderr and ITEM in refused.stderr
    path.write_text(text.replace("status: filed", "status: lost"), encoding="utf-8")
    broken = commit_as("Break it\n\nReason: test")
    assert broken.returncode != 0 and f"{ITEM}:13:9: schema" in broken.stderr
    path.write_text(text.replace("pages: 4", "pages: 5"), encoding="utf-8")
    accepted = commit_as("Correct the page count\n\nReason: 原件共五页")
    assert accepted.returncode == 0, accepted.stderr
    assert git(repo, "status", "--porcelain") == ""


def test_commit_msg_hook_lets_additions_and_drafts_through(repo, run):
    git(repo, "checkout", "-q", "-b", "add")
    assert run("--archive", repo, "new", "contract", "--customer", "C0001", "--date", "2025-09-01").code == 0
    assert commit(repo, "Add a contract draft").returncode == 0
    draft = repo / "daily/2025/D-2025-S02-0001.yaml"  # status: draft
    draft.write_text(draft.read_text(encoding="utf-8").replace("pages: 2", "pages: 3"), encoding="utf-8")
    assert commit(repo, "Edit a draft").returncode == 0


def test_pre_commit_hook_validates_staged_files(repo):
    path = repo / ITEM
    path.write_text(path.read_text(encoding="utf-8").replace("status: filed", "status: lost"), encoding="utf-8")
    refused = commit(repo, "Break it\n\nReason: test")
    assert refused.returncode != 0 and f"{ITEM}:13:9: schema" in refused.stderr


def test_pre_commit_checks_what_is_staged_not_the_work_tree(repo):
    """`git add` then edit again (or `git add -p`): the commit takes the staged version."""
    path = repo / ITEM
    good = path.read_text(encoding="utf-8")
    git(repo, "checkout", "-q", "-b", "fix")
    path.write_text(good.replace("status: filed", "status: lost"), encoding="utf-8")
    git(repo, "add", ITEM)
    path.write_text(good.replace("pages: 4", "pages: 5"), encoding="utf-8")  # fine in the work tree only
    refused = subprocess.run(["git", "commit", "-q", "-m", "Break it\n\nReason: test"], cwd=repo, capture_output=True,
                             text=True)
    assert refused.returncode != 0 and f"{ITEM}:13:9: schema" in refused.stderr
    git(repo, "reset", "-q", "--hard")
    path.write_text(good.replace("pages: 4", "pages: 5"), encoding="utf-8")
    git(repo, "add", ITEM)
    path.write_text(good.replace("status: filed", "status: lost"), encoding="utf-8")  # broken in the work tree only
    accepted = subprocess.run(["git", "commit", "-q", "-m", "Pages\n\nReason: 原件共五页"], cwd=repo, capture_output=True,
                              text=True)
    assert accepted.returncode == 0, accepted.stderr
    assert "status: lost" in path.read_text(encoding="utf-8")  # the work tree is left as it was
    assert "pages: 5" in git(repo, "show", f"HEAD:{ITEM}") and "status: filed" in git(repo, "show", f"HEAD:{ITEM}")


def test_merge_by_someone_else_than_the_sales_manager_is_reported(repo, run):
    change_filed_item(repo, "fix")
    as_person(repo, "zhang.min@example.cn")
    git(repo, "merge", "-q", "--no-ff", "fix", "-m", "Merge fix")
    result = run("--archive", repo, "verify", "--lang", "en")
    assert result.code == 1
    assert "unsigned: merge by zhang.min@example.cn approves changes that need an approval but is not signed" in result.out


def test_merge_signed_by_the_sales_manager_passes(repo, run, keys):
    change_filed_item(repo, "fix")
    as_person(repo, MANAGER, keys["manager"])
    approved = run("--archive", repo, "approve", "fix", "--yes", "--lang", "en")
    assert approved.code == 0, approved.err
    message = git(repo, "log", "-1", "--format=%B")
    assert "Reason: 客户更正页数" in message and f"M {ITEM}" in message and "Approved-by: 李娜" in message
    verified = run("--archive", repo, "verify", "--lang", "en")
    assert verified.code == 0, verified.out
    assert "no violations" in verified.out


def test_a_failed_approval_says_why_on_one_line_and_merges_nothing(repo, run, keys):
    change_filed_item(repo, "fix")
    as_person(repo, MANAGER, keys["manager"])
    keys["manager"].chmod(0o644)  # ssh-keygen will not sign with a key others can read
    head = git(repo, "rev-parse", "HEAD")
    refused = run("--archive", repo, "approve", "fix", "--yes", "--lang", "en")
    assert refused.code == 1 and "UNPROTECTED PRIVATE KEY FILE" in refused.err
    assert refused.err.count("\n") == 1 and "\r" not in refused.err and refused.err.rstrip().endswith("nothing was merged")
    # ssh's whole text, readable: no frame of @, no '?' where its lines ended, nothing cut off
    assert "@@@" not in refused.err and "?" not in refused.err, refused.err
    assert "Permissions 0644" in refused.err and "This private key will be ignored." in refused.err
    assert "failed to write commit object" in refused.err
    assert f"chmod 600 {keys['manager']}" in refused.err  # and what to do
    assert git(repo, "rev-parse", "HEAD") == head and git(repo, "status", "--porcelain") == ""


def test_the_sample_sales_manager_can_approve_a_copy_of_the_sample_archive(tmp_path, run):
    """The demonstration samples/identities/README.md describes: li.na's fictional key signs."""
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".dossier"))
    init_repo(root, "wang.wei@longcheng-club.cn")
    git(root, "checkout", "-q", "-b", "fix")
    item = root / "records/1/2025/1-2025-S02-0001.yaml"
    item.write_text(item.read_text(encoding="utf-8").replace("pages: 1", "pages: 2"), encoding="utf-8")
    assert commit(root, "Correct the page count\n\nReason: 页数登记有误").returncode == 0
    git(root, "checkout", "-q", "main")
    key = tmp_path / "li.na"
    shutil.copy(REPO / "samples/identities/li.na", key)
    key.chmod(0o600)
    as_person(root, SAMPLE_SEES_ALL, key)
    assert run("--archive", root, "approve", "fix", "--yes").code == 0
    verified = run("--archive", root, "verify", "--lang", "en")
    assert verified.code == 0 and "no violations" in verified.out, verified.out


def test_merge_in_the_sales_managers_name_without_their_key_is_reported(repo, run, keys):
    change_filed_item(repo, "fix")
    as_person(repo, MANAGER)  # claims to be the sales manager, signs nothing
    git(repo, "merge", "-q", "--no-ff", "fix", "-m", "Approved by sales manager")
    assert "unsigned" in run("--archive", repo, "verify").out
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    as_person(repo, MANAGER, keys["intruder"])  # signed, with a key people.yaml does not list
    git(repo, "-c", "gpg.format=ssh", "merge", "-q", "--no-ff", "-S", "fix", "-m", "Approved by sales manager")
    result = run("--archive", repo, "verify", "--lang", "en")
    assert result.code == 1 and "unknown-key: merge by li.na@example.cn is signed with key SHA256:" in result.out


def test_missing_reason_and_direct_commits_on_main_are_reported(repo, run, keys):
    git(repo, "checkout", "-q", "-b", "fix")
    path = repo / ITEM
    path.write_text(path.read_text(encoding="utf-8").replace("pages: 4", "pages: 5"), encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "No reason given")  # hooks bypassed
    git(repo, "checkout", "-q", "main")
    as_person(repo, MANAGER, keys["manager"])
    assert "missing-reason" in run("--archive", repo, "approve", "fix").err  # approve refuses it
    signed_merge(repo, "fix")
    assert "missing-reason" in run("--archive", repo, "verify").out
    path.write_text(path.read_text(encoding="utf-8").replace("pages: 5", "pages: 6"), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "Straight onto main\n\nReason: 更正")
    assert "unapproved" in run("--archive", repo, "verify").out


def test_self_approval_is_reported(repo, run, keys):
    as_person(repo, MANAGER, keys["manager"])
    change_filed_item(repo, "own")
    assert "self-approval" in run("--archive", repo, "approve", "own").err  # approve refuses it
    signed_merge(repo, "own")
    assert "self-approval" in run("--archive", repo, "verify").out


def test_a_branch_cannot_approve_itself_by_adding_its_own_key(repo, run, keys):
    """The people.yaml that judges a merge is the approved one, before the merge."""
    change_filed_item(repo, "fix")
    git(repo, "checkout", "-q", "fix")
    intruder = keys["intruder"].with_suffix(".pub").read_text().split()[:2]
    people = repo / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace(
        "roles: [supervisor], supervisor: li.na}",
        f"roles: [supervisor, sales_manager], supervisor: li.na, signing_key: {' '.join(intruder)}}}"),
        encoding="utf-8")
    made = commit(repo, "Make myself a sales manager\n\nReason: 升职")
    assert made.returncode == 0, made.stderr
    git(repo, "checkout", "-q", "main")
    as_person(repo, "zhang.min@example.cn", keys["intruder"])
    git(repo, "-c", "gpg.format=ssh", "merge", "-q", "--no-ff", "-S", "fix", "-m", "Approve")
    assert "unknown-key" in run("--archive", repo, "verify").out


def test_bound_items_changed_after_binding_are_reported(repo, run, keys):
    path = repo / ITEM
    path.write_text(path.read_text(encoding="utf-8").replace("status: filed", "status: bound"), encoding="utf-8")
    git(repo, "commit", "-q", "--no-verify", "-am", "Bind (test setup)")
    git(repo, "checkout", "-q", "-b", "late")
    path.write_text(path.read_text(encoding="utf-8").replace("pages: 4", "pages: 5"), encoding="utf-8")
    assert commit(repo, "Late correction\n\nReason: 更正").returncode == 0
    git(repo, "checkout", "-q", "main")
    as_person(repo, MANAGER, keys["manager"])
    assert "bound-changed" in run("--archive", repo, "approve", "late").err  # approve refuses it
    signed_merge(repo, "late")
    result = run("--archive", repo, "verify", "HEAD~1..HEAD", "--lang", "en")
    assert result.code == 1 and f"bound-changed: {ITEM} was bound into a volume" in result.out


def test_a_hand_made_deletion_record_and_its_removal_are_reported(repo, run):
    trash = repo / "trash/records/2/2025"
    trash.mkdir(parents=True)
    (trash / "2-2025-S02-0009.deletion.yaml").write_text(
        "code: 2-2025-S02-0009\nreason: 重复\npurge_after: 2000-01-01\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Deletion record")
    (trash / "2-2025-S02-0009.deletion.yaml").unlink()
    git(repo, "commit", "-q", "-am", "Purge too early")
    result = run("--archive", repo, "verify", "--lang", "en")
    assert result.code == 1 and "deletion-invalid: trash/records/2/2025/2-2025-S02-0009.deletion.yaml" in result.out
    assert "unapproved: changes trash/records/2/2025/2-2025-S02-0009.deletion.yaml directly on the main line" \
        in result.out


# --- a plain git server with the pre-receive hook ---------------------------------------------------


@pytest.fixture
def server(repo, tmp_path, run):
    bare = tmp_path / "server.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    assert run("install-server-hook", bare).code == 0
    git(repo, "remote", "add", "origin", str(bare))
    return bare


def push(repo: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "push", "origin", "main"], cwd=repo, capture_output=True, text=True)


def test_server_refuses_an_unapproved_change_and_says_why(repo, server):
    change_filed_item(repo, "fix")
    as_person(repo, "zhang.min@example.cn")
    git(repo, "merge", "-q", "--no-ff", "fix", "-m", "Merge fix")
    refused = push(repo)
    assert refused.returncode != 0
    assert "not signed" in refused.stderr and "push refused" in refused.stderr.lower() or "推送被拒绝" in refused.stderr
    assert git(server, "rev-parse", "main") != git(repo, "rev-parse", "main")


def test_server_refuses_to_rewrite_or_delete_the_main_line(repo, server, run, keys):
    change_filed_item(repo, "fix")
    as_person(repo, MANAGER, keys["manager"])
    assert run("--archive", repo, "approve", "fix", "--yes").code == 0
    assert push(repo).returncode == 0
    approved = git(server, "rev-parse", "main")
    git(repo, "reset", "-q", "--hard", "HEAD~1")  # drop the approval and the change it brought
    rewritten = subprocess.run(["git", "push", "--force", "origin", "main"], cwd=repo, capture_output=True, text=True)
    assert rewritten.returncode != 0 and "history-rewritten" in rewritten.stderr and "git revert" in rewritten.stderr
    deleted = subprocess.run(["git", "push", "origin", ":main"], cwd=repo, capture_output=True, text=True)
    assert deleted.returncode != 0  # (git itself refuses to delete a bare repository's current branch, first)
    assert git(server, "rev-parse", "main") == approved
    refused = pre_receive(server, [(approved.strip(), ZERO, "refs/heads/main")])  # a server that lets it through
    assert [v.rule for v in refused["refs/heads/main"]] == ["branch-deleted"]


def test_server_accepts_the_approved_change(repo, server, run, keys):
    change_filed_item(repo, "fix")
    as_person(repo, MANAGER, keys["manager"])
    assert run("--archive", repo, "approve", "fix", "--yes").code == 0
    accepted = push(repo)
    assert accepted.returncode == 0, accepted.stderr
    assert git(server, "rev-parse", "main") == git(repo, "rev-parse", "main")


# --- init ----------------------------------------------------------------------------------------------


def write_hook(path: Path, body: str) -> None:
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)


def test_a_hook_that_was_there_is_kept_and_runs_first(base_archive, run, tmp_path):
    init_repo(base_archive, "wang.wei@example.cn")
    hooks = base_archive / ".git/hooks"
    log = tmp_path / "legacy.log"
    write_hook(hooks / "pre-commit", f'echo "legacy pre-commit" >> {log}\n[ ! -e {tmp_path}/refuse ]')
    installed = run("--archive", base_archive, "install-hooks", "--lang", "en")
    assert installed.code == 0 and "kept as pre-commit.legacy and runs first" in installed.out
    assert "legacy pre-commit" in (hooks / "pre-commit.legacy").read_text(encoding="utf-8")
    assert run("--archive", base_archive, "install-hooks").code == 0  # again: dossier's own hook is replaced
    assert not (hooks / "pre-commit.legacy.legacy").exists()

    git(base_archive, "checkout", "-q", "-b", "fix")
    path = base_archive / ITEM
    path.write_text(path.read_text(encoding="utf-8").replace("pages: 4", "pages: 5"), encoding="utf-8")
    (tmp_path / "refuse").touch()
    assert commit(base_archive, "Correct the page count\n\nReason: 原件共五页").returncode != 0  # legacy refuses
    (tmp_path / "refuse").unlink()
    refused = commit(base_archive, "Correct the page count")  # legacy passes, dossier's commit-msg refuses
    assert refused.returncode != 0 and "Reason:" in refused.stderr
    assert commit(base_archive, "Correct the page count\n\nReason: 原件共五页").returncode == 0
    assert log.read_text(encoding="utf-8").count("legacy pre-commit") == 3


def test_a_foreign_hook_with_a_legacy_hook_beside_it_is_not_touched(base_archive, run):
    init_repo(base_archive, "wang.wei@example.cn")
    hooks = base_archive / ".git/hooks"
    write_hook(hooks / "pre-commit", "exit 0  # mine")
    write_hook(hooks / "pre-commit.legacy", "exit 0  # older")
    refused = run("--archive", base_archive, "install-hooks", "--lang", "en")
    assert refused.code == 1 and "merge the two into pre-commit.legacy by hand" in refused.err
    assert "# mine" in (hooks / "pre-commit").read_text(encoding="utf-8")


def test_the_server_hook_keeps_a_hook_that_was_there_and_gives_it_the_pushed_refs(repo, tmp_path, run, keys):
    bare = tmp_path / "server.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    log = tmp_path / "received.log"
    write_hook(bare / "hooks/pre-receive", f"cat >> {log}")
    assert run("install-server-hook", bare).code == 0
    git(repo, "remote", "add", "origin", str(bare))
    change_filed_item(repo, "fix")
    as_person(repo, MANAGER, keys["manager"])
    assert run("--archive", repo, "approve", "fix", "--yes").code == 0
    accepted = push(repo)
    assert accepted.returncode == 0, accepted.stderr
    assert log.read_text(encoding="utf-8").split()[1:] == [git(repo, "rev-parse", "main").strip(), "refs/heads/main"]


def test_a_range_or_branch_that_is_not_there_is_named(repo, run, keys):
    for args in (["verify", "no-such..range"], ["verify", "--pending", "origin/main..HEAD"]):
        result = run("--archive", repo, *args, "--lang", "en")
        assert result.code == 1 and "could not read the history" in result.err and "bad revision" in result.err
        assert "Traceback" not in result.err and "internal error" not in result.err
    as_person(repo, MANAGER, keys["manager"])
    missing = run("--archive", repo, "approve", "no-such-branch", "--lang", "en")
    assert missing.code == 1 and "'no-such-branch' is not a branch or commit" in missing.err
    assert "internal error" not in missing.err


def test_init_creates_a_working_archive_repository(tmp_path, run):
    target = tmp_path / "new-archive"
    result = run("init", target, "--lang", "en")
    assert result.code == 0, result.err
    for name in ("archive.yaml", "people.yaml", "access.yaml", "schemas/item.schema.json", ".gitignore",
                 ".github/CODEOWNERS", ".github/workflows/dossier.yml", ".git/hooks/pre-commit",
                 ".git/hooks/commit-msg", ".vscode/settings.json"):
        assert (target / name).exists(), name
    owners = (target / ".github/CODEOWNERS").read_text()
    assert "/records/ sales.manager@example.com general.manager@example.com" in owners
    assert "/schemas/ general.manager@example.com" in owners and "/people.yaml general.manager@example.com" in owners
    assert "/.github/ general.manager@example.com" in owners
    assert "- run: pip install customer-dossier\n" in (target / ".github/workflows/dossier.yml").read_text()
    assert ".dossier/" in (target / ".gitignore").read_text()
    assert run("--archive", target, "validate").code == 0
    verified = run("--archive", target, "verify", "--lang", "en")  # nothing committed yet
    assert verified.code == 0 and "0 commit(s) checked, no violations" in verified.out
    assert run("init", target).code == 1  # never over an existing archive


def test_init_names_where_ci_gets_the_tool(tmp_path, run):
    spec = "git+https://git.example.cn/sales/customer-dossier.git@v0.1.0"
    assert run("init", tmp_path / "archive", "--tool", spec).code == 0
    workflow = yaml.safe_load((tmp_path / "archive/.github/workflows/dossier.yml").read_text(encoding="utf-8"))
    steps = [step.get("run") for step in workflow["jobs"]["check"]["steps"]]
    assert f"pip install {spec}" in steps and "dossier validate" in steps


def test_default_schemas_are_the_sample_archives():
    from conftest import REPO

    defaults = REPO / "tool/dossier/defaults/schemas"
    sample = REPO / "archive/schemas"
    names = sorted(p.relative_to(sample).as_posix() for p in sample.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(defaults).as_posix() for p in defaults.rglob("*") if p.is_file())
    assert "ajv-keywords.cjs" in names  # ajv's strict mode is told of x-confidential
    for name in names:
        assert (defaults / name).read_bytes() == (sample / name).read_bytes(), name


def test_the_sample_archive_ignores_what_the_tool_writes_as_init_does(tmp_path):
    """A copy of the sample made a repository of its own does not commit the caches in .dossier/."""
    assert (SAMPLE / ".gitignore").read_bytes() == (REPO / "tool/dossier/defaults/gitignore").read_bytes()
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".dossier"))
    (root / ".dossier").mkdir()
    (root / ".dossier/index.sqlite").write_bytes(b"cache")
    init_repo(root, "zhou.jing@longcheng-club.cn")
    assert ".dossier" not in git(root, "ls-files")


def test_approved_deletion_then_restore_verifies_clean(repo, run, keys):
    git(repo, "checkout", "-q", "-b", "remove")
    assert run("--archive", repo, "delete", "2-2025-S02-0001", "--reason", "重复录入").code == 0
    git(repo, "checkout", "-q", "main")
    as_person(repo, MANAGER, keys["manager"])
    assert run("--archive", repo, "approve", "remove", "--yes").code == 0
    assert (repo / "trash" / ITEM).exists()
    assert run("--archive", repo, "restore", "2-2025-S02-0001", "--reason", "误删").code == 0
    result = run("--archive", repo, "verify", "--lang", "en")
    assert result.code == 0, result.out


def test_pending_branch_is_checked_for_reasons_only(repo, run):
    change_filed_item(repo, "good")
    assert run("--archive", repo, "verify", "--pending", "main..good").code == 0
    git(repo, "checkout", "-q", "-b", "bad")
    path = repo / ITEM
    path.write_text(path.read_text(encoding="utf-8").replace("pages: 4", "pages: 7"), encoding="utf-8")
    git(repo, "commit", "-q", "--no-verify", "-am", "No reason")
    result = run("--archive", repo, "verify", "--pending", "main..bad", "--lang", "en")
    assert result.code == 1 and "missing-reason" in result.out and "unapproved" not in result.out


def test_a_failed_git_command_is_a_message_naming_the_command_past_its_options(tmp_path):
    from dossier.git import gitrepo
    from dossier.archive.errors import DossierError

    with pytest.raises(DossierError) as failed:
        gitrepo.output(["-c", "core.quotePath=false", "status"], tmp_path, "lifecycle-git-failed")
    assert failed.value.key == "lifecycle-git-failed"
    assert failed.value.args_["step"] == "status" and "not a git repository" in failed.value.args_["detail"]


def test_following_the_servers_advice_for_a_change_made_on_main_gets_it_approved_and_pushed(repo, server, run, keys):
    """The refusal says what to do as commands; run exactly those, have the sales manager approve, push: accepted."""
    as_person(repo, "wang.wei@example.cn")
    path = repo / ITEM
    path.write_text(path.read_text(encoding="utf-8").replace("pages: 4", "pages: 5"), encoding="utf-8")
    assert commit(repo, "Correct the page count\n\nReason: 原件共五页").returncode == 0  # straight on main
    refused = push(repo)
    assert refused.returncode != 0 and "unapproved" in refused.stderr
    commands = re.findall(r"`(git [^`]+)`", refused.stderr)
    assert [c.split()[1] for c in commands] == ["branch", "reset", "push"], refused.stderr
    for command in commands:
        done = subprocess.run(shlex.split(command), cwd=repo, capture_output=True, text=True)
        assert done.returncode == 0, (command, done.stderr)
    branch = shlex.split(commands[0])[2]
    assert git(repo, "rev-parse", "main") == git(server, "rev-parse", "main")  # main is the server's again
    assert git(server, "rev-parse", branch) == git(repo, "rev-parse", branch)  # the change waits on its branch
    assert f"dossier approve {branch}" in refused.stderr
    as_person(repo, MANAGER, keys["manager"])
    assert run("--archive", repo, "approve", branch, "--yes").code == 0
    accepted = push(repo)
    assert accepted.returncode == 0, accepted.stderr
    assert "pages: 5" in git(server, "show", f"main:{ITEM}")
