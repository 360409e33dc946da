"""Change control for every path of the archive (policy.py), attacked as an insider would:
real repositories, real SSH signatures, a real bare repository with the server's hooks.

For each kind of file: a change made straight on main is refused by the server and reported
by verify; the same change approved by the right person passes; a change that brings its
own approver key, role or grant approves nothing.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import git, init_repo
from dossier import policy
from test_git import as_person, commit, keygen

SALES = "li.na@example.cn"
GENERAL = "zhao.guoqiang@example.cn"
MANAGER = "wang.wei@example.cn"  # a customer manager: the author of the changes


@pytest.fixture
def keys(tmp_path):
    folder = tmp_path / "keys"
    folder.mkdir()
    return {name: keygen(folder, name) for name in ("sales", "general", "supervisor", "intruder")}


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


@pytest.fixture
def server(repo, tmp_path, run):
    bare = tmp_path / "server.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    assert run("install-server-hook", bare).code == 0
    git(repo, "remote", "add", "origin", str(bare))
    return bare


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
    from dossier.init import DEFAULTS

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
    assert policy.visible("更正") and not policy.visible(reason)


@pytest.mark.parametrize("ref", ["refs/tags/main", "refs/heads/origin/main", "refs/heads/fix/main", "refs/heads/HEAD",
                                 "refs/notes/commits", "refs/dossier/received", "refs/tags/v1"])
def test_the_server_takes_no_ref_the_record_does_not_need(repo, server, ref):
    refused = push(repo, f"+HEAD:{ref}")  # forced: the server holds refs/dossier/received already
    assert refused.returncode != 0 and "ref-" in refused.stderr, refused.stderr
    assert push(repo, "HEAD:refs/heads/fix-3-2025").returncode == 0  # a work branch
