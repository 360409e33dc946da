"""Git hooks that make git enforce the regulation.

Client side (installed by `dossier init` / `dossier install-hooks`):
  pre-commit  validates the staged archive files (only those: the cache makes it fast);
  commit-msg  refuses a commit that modifies or deletes a filed item without `Reason:`.
Server side (`dossier install-server-hook BARE_REPO`):
  pre-receive refuses a push to the main branch that `dossier verify` would reject.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from . import gitrepo
from .approvals import ArchiveHistory, Violation, verify
from .fsutil import atomic_write_text

ZERO = "0" * 40
MARK = "# installed by dossier"


def hook_script(arguments: str) -> str:
    python = shlex.quote(sys.executable)
    return f'#!/bin/sh\n{MARK}\nexec {python} -m dossier {arguments} "$@"\n'


def install(hooks_dir: Path, name: str, arguments: str) -> Path:
    path = hooks_dir / name
    atomic_write_text(path, hook_script(arguments))
    path.chmod(0o755)
    return path


def install_client_hooks(archive_root: Path) -> list[Path]:
    hooks_dir = Path(gitrepo.run(["rev-parse", "--git-path", "hooks"], archive_root).stdout.strip())
    if not hooks_dir.is_absolute():
        hooks_dir = archive_root / hooks_dir
    archive = shlex.quote(str(archive_root.resolve()))
    return [install(hooks_dir, name, f"--archive {archive} hook {name}") for name in ("pre-commit", "commit-msg")]


def install_server_hook(bare_repo: Path, prefix: str = "") -> Path:
    arguments = "hook pre-receive" + (f" --prefix {shlex.quote(prefix)}" if prefix else "")
    return install(bare_repo / "hooks", "pre-receive", arguments)


def staged_changes(history: ArchiveHistory) -> list[tuple[str, str]]:
    specs = [f":(top){history.prefix}{folder}" for folder in ("records", "daily", "trash")]
    out = gitrepo.run(["diff", "--cached", "--no-renames", "--name-status", "HEAD", "--", *specs], history.cwd,
                      check=False).stdout
    changes = []
    for line in out.splitlines():
        status, _, path = line.partition("\t")
        if path.startswith(history.prefix):
            changes.append((status[0], path[len(history.prefix):]))
    return changes


def has_reason(message_file: Path, cwd: Path) -> bool:
    trailers = gitrepo.run(["interpret-trailers", "--parse", str(message_file)], cwd).stdout
    return any(line.split(":", 1)[0].strip().lower() == "reason" and line.split(":", 1)[1].strip()
               for line in trailers.splitlines() if ":" in line)


def filed_paths_without_reason(archive_root: Path, message_file: Path) -> list[str]:
    """commit-msg: the filed items this commit changes, if its message gives no reason."""
    if not gitrepo.run(["rev-parse", "--verify", "-q", "HEAD"], archive_root, check=False).stdout:
        return []  # the first commit only adds
    if gitrepo.run(["rev-parse", "--verify", "-q", "MERGE_HEAD"], archive_root, check=False).stdout:
        return []  # a merge is the approval; the reasons are in the commits it brings (verify checks them)
    with ArchiveHistory.of_work_tree(archive_root) as history:
        changed = history.filed_changes("HEAD", staged_changes(history))
        if not changed or has_reason(message_file, history.cwd):
            return []
        return [c.path for c in changed]


def staged_archive_paths(archive_root: Path) -> list[str]:
    """pre-commit: archive-relative paths of staged, still existing files."""
    out = gitrepo.run(["diff", "--cached", "--name-only", "--diff-filter=ACMR", "--relative"], archive_root).stdout
    return [line for line in out.splitlines() if line]


def main_branch(cwd: Path) -> str:
    return gitrepo.run(["symbolic-ref", "-q", "HEAD"], cwd, check=False).stdout.strip() or "refs/heads/main"


def pre_receive(bare_repo: Path, updates: list[tuple[str, str, str]], prefix: str = "") -> dict[str, list[Violation]]:
    """Violations per ref update to the main branch; an empty result accepts the push."""
    refused = {}
    protected = main_branch(bare_repo)
    with ArchiveHistory(bare_repo, prefix) as history:
        for old, new, ref in updates:
            if ref != protected or new == ZERO:
                continue
            violations = verify(history, new if old == ZERO else f"{old}..{new}")
            if violations:
                refused[ref] = violations
    return refused
