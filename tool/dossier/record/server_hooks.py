"""The server's hooks 服务器钩子 (`dossier install-server-hook BARE_REPO`):
  pre-receive  refuses a push to the record branch that `dossier verify` would reject, and any
               ref the record does not need (policy.ref_refusal);
  post-receive notes with the server's clock when each commit arrived (receipts.py).
They judge with the one change-control policy (policy.py), as the client's hooks (hooks.py) do.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from ..git import gitrepo
from . import policy, receipts
from .approvals import ArchiveHistory, Violation, verify
from .hooks import install

ZERO = "0" * 40


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
