"""`dossier approve` 审批: the approver's signed merge, with a summary of what it approves.

Everything verify would reject is asked before anything is signed (check_approval): the
branch checked out must be the record branch and clean, the branch must exist and bring
something not merged yet, the signing key configured must be the one people.yaml lists for
the approver, the policy of the record branch as it stands must let this approver approve
every change the branch makes (not their own, not what needs someone else), the branch's
commits must carry their reasons and leave frozen files alone, a purge must come a retention
month after the server received the deletion, and the merged archive must validate (checked
in a temporary work tree). A refusal leaves the record branch and the work tree as they were.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..git import gitrepo
from . import signatures
from .approvals import ArchiveHistory, Commit, Violation, merge_verdict, purge_timing, record_branch
from ..archive.config import Person
from ..archive.errors import DossierError


class ApprovalRefused(DossierError):
    """What verify would reject in the merge `approve` was asked to make, in verify's words."""

    def __init__(self, branch: str, violations: list[Violation]) -> None:
        super().__init__("approve-refused", branch=branch)
        self.violations = violations

    def render(self, lang: str) -> str:
        from ..archive.messages import message

        return message("approve-refused", lang, branch=self.args_["branch"],
                       problems="; ".join(v.line(lang) for v in self.violations))


@dataclass(frozen=True)
class Prospect:
    """The merge `approve` would make: what it brings in and what that needs."""

    branch: str
    head: str
    tip: str
    commits: list[Commit]
    changes: list[tuple[str, str]]  # (status, archive-relative path) the merge makes on head


def check_approval(root: Path, approver: Person, branch: str, today: dt.date) -> Prospect:
    """Raise DossierError for the first reason verify would reject the merge of `branch` signed
    by `approver`; else what the merge brings."""
    main = record_branch(root)
    current = gitrepo.run(["symbolic-ref", "-q", "--short", "HEAD"], root, check=False).stdout.strip()
    if current != main:
        raise DossierError("approve-not-on-record-branch", current=current or "HEAD", main=main)
    tip = gitrepo.run(["rev-parse", "-q", "--verify", f"{branch}^{{commit}}"], root, check=False).stdout.strip()
    if not tip:
        raise DossierError("approve-no-branch", branch=branch)
    head = gitrepo.run(["rev-parse", "HEAD"], root).stdout.strip()
    if gitrepo.run(["merge-base", "--is-ancestor", tip, head], root, check=False).returncode == 0:
        raise DossierError("approve-already-merged", branch=branch, main=main)
    dirty = gitrepo.run(["status", "--porcelain", "--untracked-files=no"], root).stdout.strip()
    if dirty:
        raise DossierError("approve-dirty", paths=", ".join(line[3:] for line in dirty.splitlines()[:5]))
    _require_own_key(root, approver, head)
    with ArchiveHistory.of_work_tree(root) as history:
        prospect = _prospect(history, branch, head, tip)
        violations = _policy_violations(history, approver, prospect)
    if violations:
        raise ApprovalRefused(branch, violations)
    _require_valid_merge(root, branch, head, today)
    return prospect


def _prospect(history: ArchiveHistory, branch: str, head: str, tip: str) -> Prospect:
    base = gitrepo.run(["merge-base", head, tip], history.cwd).stdout.strip()
    out = gitrepo.run(["-c", "core.quotePath=false", "diff", "--no-renames", "--name-status", base, tip, "--",
                       f":(top){history.prefix}"], history.cwd).stdout
    changes = [(line[0], line.split("\t", 1)[1][len(history.prefix):]) for line in out.splitlines() if "\t" in line]
    return Prospect(branch, head, tip, history.commits(f"{head}..{tip}"), changes)


def _policy_violations(history: ArchiveHistory, approver: Person, prospect: Prospect) -> list[Violation]:
    """verify's verdict on the merge, as if `approver` had signed it with their listed key, and
    on the purges it brings, timed on the server's receipts."""
    from .receipts import Clock

    authors = {c.author for c in prospect.commits}
    found, approvals = merge_verdict(history, prospect.head, prospect.tip, prospect.changes, prospect.tip, authors,
                                     approver)
    clock = Clock.of_repository(history.cwd)
    merged = Commit(prospect.tip, [prospect.head], "", "", "", "", [])
    for need in approvals:
        if need.purge:
            found += purge_timing(history, clock, merged, need)
    return found


def signing_public_key(root: Path) -> str | None:
    """`<type> <base64>` of the key git will sign with (user.signingkey: a `key::` literal, a
    public key file, or a private key file whose .pub is beside it or that ssh-keygen reads)."""
    configured = gitrepo.config_value("user.signingkey", root)
    if not configured:
        return None
    if configured.startswith("key::"):
        return " ".join(configured[5:].split()[:2])
    path = Path(configured).expanduser()
    if not path.is_absolute():
        path = root / path
    for candidate in (path, path.with_name(path.name + ".pub")):
        try:
            text = candidate.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if text.startswith(("ssh-", "ecdsa-")):
            return " ".join(text.split()[:2])
    signatures.require_ssh_keygen(root)
    result = subprocess.run(["ssh-keygen", "-y", "-f", str(path)], capture_output=True, text=True,
                            env=gitrepo.environment(), stdin=subprocess.DEVNULL)
    return " ".join(result.stdout.split()[:2]) if result.returncode == 0 else None


def _require_own_key(root: Path, approver: Person, head: str) -> None:
    """The key git will sign with is the approver's signing_key in people.yaml as it stands."""
    key = signing_public_key(root)
    if key is None:
        raise DossierError("approve-no-key")
    with ArchiveHistory.of_work_tree(root) as history:
        listed = history.policy_at(head).signing_keys.get(approver.id)
    if listed != key:
        raise DossierError("approve-wrong-key", person=approver.id, fingerprint=key.split()[-1][-12:],
                           listed=(listed or "-").split()[-1][-12:])


def _require_valid_merge(root: Path, branch: str, head: str, today: dt.date) -> None:
    """Merge in a temporary work tree (never signed, never kept) and validate the result."""
    from ..regulation.validate import validate_archive

    top = Path(gitrepo.run(["rev-parse", "--show-toplevel"], root).stdout.strip())
    prefix = gitrepo.run(["rev-parse", "--show-prefix"], root).stdout.strip()
    folder = Path(tempfile.mkdtemp(prefix="dossier-approve-"))
    trial = folder / "tree"
    try:
        gitrepo.output(["worktree", "add", "-q", "--detach", str(trial), head], top, "approve-failed")
        merged = gitrepo.run(["-c", "user.name=dossier", "-c", "user.email=dossier@localhost", "merge", "-q",
                              "--no-ff", "--no-commit", "--no-verify", branch], trial, check=False)
        if merged.returncode != 0:
            raise DossierError("approve-failed", branch=branch, detail=gitrepo.said(merged))
        report = validate_archive(trial / prefix, today, use_cache=False, jobs=1)
        errors = [p for p in report.problems if p.is_error]
        if errors:
            from ..archive.problems import problem_line

            raise DossierError("approve-invalid", branch=branch, count=len(errors),
                               first=problem_line(errors[0], "en"))
    finally:
        gitrepo.run(["worktree", "remove", "--force", str(trial)], top, check=False)
        shutil.rmtree(folder, ignore_errors=True)
        gitrepo.run(["worktree", "prune"], top, check=False)


def summary(root: Path, prospect: Prospect, approver: Person) -> str:
    lines = [f"Approve {prospect.branch}: {len(prospect.commits)} change(s)", ""]
    for commit in prospect.commits:
        subject = gitrepo.run(["log", "-1", "--format=%s", commit.sha], root).stdout.strip()
        lines.append(f"- {commit.sha[:10]} {subject} ({commit.author})")
        for status, path in commit.changes:
            lines.append(f"    {status} {path}")
        if commit.reason:
            lines.append(f"    Reason: {commit.reason}")
    lines += ["", f"Approved-by: {approver.name} <{approver.email}>", "Dossier-Action: approve"]
    return "\n".join(lines) + "\n"


def sign_approval(root: Path, approver: Person, prospect: Prospect) -> str:
    """The signed merge of what check_approval found (its tip: the branch as it was checked)."""
    message = summary(root, prospect, approver)
    result = gitrepo.run(["-c", "gpg.format=ssh", "merge", "--no-ff", "-S", "-m", message, prospect.tip], root,
                         check=False)
    if result.returncode != 0:
        gitrepo.run(["merge", "--abort"], root, check=False)
        detail = gitrepo.said(result)
        if "UNPROTECTED PRIVATE KEY FILE" in detail:  # ssh's refusal: say what to do, too
            key = gitrepo.config_value("user.signingkey", root) or ""
            raise DossierError("approve-key-mode", branch=prospect.branch, detail=detail,
                               keyfile=key.removesuffix(".pub"))
        raise DossierError("approve-failed", branch=prospect.branch, detail=detail)
    return gitrepo.run(["rev-parse", "HEAD"], root).stdout.strip()
