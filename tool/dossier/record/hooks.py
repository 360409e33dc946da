"""Git hooks that make git enforce the regulation.

Client side (installed by `dossier init` / `dossier install-hooks`):
  pre-commit  validates the staged archive files (only those: the cache makes it fast);
  commit-msg  refuses a commit that modifies or deletes a filed item without `Reason:`.
Server side (`dossier install-server-hook BARE_REPO`):
  pre-receive  refuses a push to the record branch that `dossier verify` would reject, and any
               ref the record does not need (policy.ref_refusal);
  post-receive notes with the server's clock when each commit arrived (receipts.py).
All of them judge with the one change-control policy (policy.py).
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path, PurePosixPath

from ..git import gitrepo
from . import policy, receipts
from .approvals import ArchiveHistory, Violation, verify
from ..archive.errors import DossierError
from ..archive.fsutil import atomic_write_text
from ..archive.loader import LoadError, load_bytes
from .outputs import OUTPUT_SUFFIXES
from ..archive.problems import Problem

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


def install_server_hook(bare_repo: Path, prefix: str = "") -> list[Path]:
    """The pre-receive and post-receive hooks; the commits the server holds already are noted
    as received now (receipts.py), so the retention month of what was deleted before counts
    from today."""
    arguments = " --prefix " + shlex.quote(prefix) if prefix else ""
    hooks_dir = bare_repo.resolve() / "hooks"
    installed = [install(hooks_dir, name, f"hook {name}{arguments}", reads_input=True)
                 for name in ("pre-receive", "post-receive")]
    receipts.record_all(bare_repo)
    return installed


def staged_changes(history: ArchiveHistory) -> list[tuple[str, str]]:
    spec = f":(top){history.prefix}"
    out = gitrepo.run(["-c", "core.quotePath=false", "diff", "--cached", "--no-renames", "--name-status", "HEAD", "--", spec], history.cwd,
                      check=False).stdout
    changes = []
    for line in out.splitlines():
        status, _, path = line.partition("\t")
        if path.startswith(history.prefix):
            changes.append((status[0], path[len(history.prefix):]))
    return changes


def has_reason(message_file: Path, cwd: Path) -> bool:
    """The message has a `Reason:` trailer holding visible text (not only spaces or zero-width
    characters)."""
    trailers = gitrepo.run(["interpret-trailers", "--parse", str(message_file)], cwd).stdout
    return any(line.split(":", 1)[0].strip().lower() == "reason" and policy.visible(line.split(":", 1)[1])
               for line in trailers.splitlines() if ":" in line)


def filed_paths_without_reason(archive_root: Path, message_file: Path) -> list[str]:
    """commit-msg: the paths whose change needs a reason (policy.needs), if the message gives none."""
    if not gitrepo.run(["rev-parse", "--verify", "-q", "HEAD"], archive_root, check=False).stdout:
        return []  # the first commit only adds
    if gitrepo.run(["rev-parse", "--verify", "-q", "MERGE_HEAD"], archive_root, check=False).stdout:
        return []  # a merge is the approval; the reasons are in the commits it brings (verify checks them)
    with ArchiveHistory.of_work_tree(archive_root) as history:
        wanting = [need.path for need in policy.needs(history.blob, "HEAD", staged_changes(history))
                   if need.reason]
        if not wanting or has_reason(message_file, history.cwd):
            return []
        return wanting


ATTACHMENT_FOLDERS = ("records", "daily", "trash")


def output_files(archive_root: Path, paths: list[str]) -> list[Problem]:
    """pre-commit: the sheets, PDFs, web pages and other outputs among the staged `paths`: they
    hold decrypted values and never belong in the archive, unless an item beside them names
    them as its attachment (a scanned contract)."""
    found = []
    attachments: dict[str, set[str]] = {}
    for rel in paths:
        if PurePosixPath(rel).suffix.lower() not in OUTPUT_SUFFIXES:
            continue
        folder, _, name = rel.rpartition("/")
        if folder.split("/")[0] in ATTACHMENT_FOLDERS:
            if folder not in attachments:
                attachments[folder] = _attachments_named(archive_root, folder)
            if name in attachments[folder]:
                continue
        found.append(Problem(rel, 0, 0, "output-file", "output-file", {"file": rel}))
    return found


def _attachments_named(archive_root: Path, folder: str) -> set[str]:
    """The attachment file names the staged items of `folder` give."""
    listed = gitrepo.run(["ls-files", "-z", "--", f"{folder}/"], archive_root, check=False).stdout.split("\0")
    named = set()
    for rel in listed:
        if rel.endswith(".yaml") and rel.count("/") == folder.count("/") + 1:
            try:
                data = load_bytes(gitrepo.blob(archive_root, "", rel) or b"", rel).data
            except LoadError:
                continue  # validate reports the item itself
            entries = data.get("attachments") if isinstance(data, dict) else None
            named |= {e["file"] for e in entries or [] if isinstance(e, dict) and isinstance(e.get("file"), str)}
    return named


def record_branch(bare_repo: Path, history: ArchiveHistory) -> str:
    """The record branch: change_control.record_branch of the archive.yaml on the server's
    current branch, else that branch (HEAD), else main."""
    head = gitrepo.run(["symbolic-ref", "-q", "--short", "HEAD"], bare_repo, check=False).stdout.strip() or "main"
    tip = gitrepo.run(["rev-parse", "-q", "--verify", f"refs/heads/{head}"], bare_repo, check=False).stdout.strip()
    return history.policy_at(tip).record_branch if tip and history.blob(tip, policy.ARCHIVE_FILE) else head


def pre_receive(bare_repo: Path, updates: list[tuple[str, str, str]], prefix: str = "") -> dict[str, list[Violation]]:
    """Violations per ref update; an empty result accepts the push. Only the record branch and
    work branches that do not shadow it are taken; the record branch only as verify accepts it,
    judged with the server's clock (receipts.py)."""
    refused = {}
    clock = receipts.Clock.at_server(bare_repo)
    with ArchiveHistory(bare_repo, prefix) as history:
        main = record_branch(bare_repo, history)
        for old, new, ref in updates:
            refusal = policy.ref_refusal(ref, main)
            if refusal:
                refused[ref] = [Violation(new if new != ZERO else old, refusal, {"ref": ref, "main": main})]
                continue
            if ref != f"refs/heads/{main}":
                continue
            violations = _kept(bare_repo, old, new, ref) or verify(history, new if old == ZERO else f"{old}..{new}",
                                                                   clock)
            if violations:
                refused[ref] = violations
    return refused


def post_receive(bare_repo: Path, updates: list[tuple[str, str, str]]) -> int:
    """Note when the server received the commits the push brought."""
    return receipts.record(bare_repo, updates)


def _kept(bare_repo: Path, old: str, new: str, ref: str) -> list[Violation]:
    """The main branch is the record of changes: it is neither deleted nor rewritten (a force
    push that leaves `old` out of it), only added to."""
    if new == ZERO:
        return [Violation(old, "branch-deleted", {"branch": ref})]
    if old != ZERO and gitrepo.run(["merge-base", "--is-ancestor", old, new], bare_repo, check=False).returncode:
        return [Violation(old, "history-rewritten", {"branch": ref})]
    return []
