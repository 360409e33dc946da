"""Git hooks that make git enforce the regulation.

Client side (installed by `dossier init` / `dossier install-hooks`):
  pre-commit  validates the staged archive files (only those: the cache makes it fast);
  commit-msg  refuses a commit that modifies or deletes a filed item without `Reason:`.
Server side (`dossier install-server-hook BARE_REPO`):
  pre-receive refuses a push to the main branch that `dossier verify` would reject.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from . import gitrepo
from .approvals import ArchiveHistory, Violation, verify
from .errors import DossierError
from .fsutil import atomic_write_text

ZERO = "0" * 40
MARK = "# installed by dossier"
LEGACY = ".legacy"


def hook_script(arguments: str, reads_input: bool = False) -> str:
    """The hook: one that was there before dossier's (kept as <name>.legacy) runs first, with the
    same arguments and, for a hook that reads its input (pre-receive), the same input; if it
    refuses, the refusal stands."""
    command = f'{shlex.quote(sys.executable)} -m dossier {arguments} "$@"'
    if reads_input:
        return (f"#!/bin/sh\n{MARK}\ninput=$(cat)\n"
                f'if [ -x "$0{LEGACY}" ]; then printf \'%s\\n\' "$input" | "$0{LEGACY}" "$@" || exit $?; fi\n'
                f"printf '%s\\n' \"$input\" | {command}\n")
    return (f"#!/bin/sh\n{MARK}\n"
            f'if [ -x "$0{LEGACY}" ]; then "$0{LEGACY}" "$@" || exit $?; fi\n'
            f"exec {command}\n")


def install(hooks_dir: Path, name: str, arguments: str, reads_input: bool = False) -> Path:
    """Write dossier's hook `name`. A hook of someone else's found there is kept, as
    <name>.legacy, and runs first (as pre-commit, the framework, does)."""
    path = hooks_dir / name
    legacy = legacy_of(path)
    if path.exists() and MARK not in path.read_text(encoding="utf-8", errors="replace"):
        if legacy.exists():
            raise DossierError("hook-legacy-exists", hook=str(path), legacy=legacy.name)
        os.replace(path, legacy)
    atomic_write_text(path, hook_script(arguments, reads_input))
    path.chmod(0o755)
    return path


def legacy_of(hook: Path) -> Path:
    """Where the hook that was there before dossier's is kept."""
    return hook.with_name(hook.name + LEGACY)


def install_client_hooks(archive_root: Path) -> list[Path]:
    hooks_dir = (archive_root / gitrepo.run(["rev-parse", "--git-path", "hooks"], archive_root).stdout.strip()).resolve()
    archive = shlex.quote(str(archive_root.resolve()))
    return [install(hooks_dir, name, f"--archive {archive} hook {name}") for name in ("pre-commit", "commit-msg")]


def install_server_hook(bare_repo: Path, prefix: str = "") -> Path:
    arguments = "hook pre-receive" + (f" --prefix {shlex.quote(prefix)}" if prefix else "")
    return install(bare_repo.resolve() / "hooks", "pre-receive", arguments, reads_input=True)


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
    """pre-commit: archive-relative paths of the files the commit adds or changes."""
    out = gitrepo.run(["diff", "--cached", "--name-only", "--diff-filter=ACMR", "--relative"], archive_root).stdout
    return [line for line in out.splitlines() if line]


def staged_versions(archive_root: Path, paths: list[str]) -> dict[str, bytes]:
    """The staged bytes of those of `paths` whose work-tree file differs from them (staged, then
    edited again or removed; `git add -p`): the commit takes the staged version, so that is the
    one to check."""
    out = gitrepo.run(["diff", "--name-only", "--relative"], archive_root).stdout  # work tree against the index
    differing = set(out.splitlines()) & set(paths)
    return {rel: gitrepo.blob(archive_root, "", rel) or b"" for rel in sorted(differing)}


def main_branch(cwd: Path) -> str:
    return gitrepo.run(["symbolic-ref", "-q", "HEAD"], cwd, check=False).stdout.strip() or "refs/heads/main"


def pre_receive(bare_repo: Path, updates: list[tuple[str, str, str]], prefix: str = "") -> dict[str, list[Violation]]:
    """Violations per ref update to the main branch; an empty result accepts the push."""
    refused = {}
    protected = main_branch(bare_repo)
    with ArchiveHistory(bare_repo, prefix) as history:
        for old, new, ref in updates:
            if ref != protected:
                continue
            violations = _kept(bare_repo, old, new, ref) or verify(history, new if old == ZERO else f"{old}..{new}")
            if violations:
                refused[ref] = violations
    return refused


def _kept(bare_repo: Path, old: str, new: str, ref: str) -> list[Violation]:
    """The main branch is the record of changes: it is neither deleted nor rewritten (a force
    push that leaves `old` out of it), only added to."""
    if new == ZERO:
        return [Violation(old, "branch-deleted", {"branch": ref})]
    if old != ZERO and gitrepo.run(["merge-base", "--is-ancestor", old, new], bare_repo, check=False).returncode:
        return [Violation(old, "history-rewritten", {"branch": ref})]
    return []
