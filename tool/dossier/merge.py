"""`dossier approve`: the sales manager's signed merge, with a summary of what it approves."""

from __future__ import annotations

from pathlib import Path

from . import gitrepo
from .approvals import ArchiveHistory
from .config import Person
from .errors import DossierError


def summary(root: Path, branch: str, approver: Person) -> str:
    with ArchiveHistory.of_work_tree(root) as history:
        commits = history.commits(f"HEAD..{branch}")
        lines = [f"Approve {branch}: {len(commits)} change(s)", ""]
        for commit in commits:
            subject = gitrepo.run(["log", "-1", "--format=%s", commit.sha], root).stdout.strip()
            lines.append(f"- {commit.sha[:10]} {subject} ({commit.author})")
            for status, path in commit.changes:
                lines.append(f"    {status} {path}")
            if commit.reason:
                lines.append(f"    Reason: {commit.reason}")
    lines += ["", f"Approved-by: {approver.name} <{approver.email}>", "Dossier-Action: approve"]
    return "\n".join(lines) + "\n"


def approve_branch(root: Path, approver: Person, branch: str) -> str:
    if not gitrepo.config_value("user.signingkey", root):
        raise DossierError("approve-no-key")
    message = summary(root, branch, approver)
    result = gitrepo.run(["-c", "gpg.format=ssh", "merge", "--no-ff", "-S", "-m", message, branch], root, check=False)
    if result.returncode != 0:
        gitrepo.run(["merge", "--abort"], root, check=False)
        detail = gitrepo.said(result)
        if "UNPROTECTED PRIVATE KEY FILE" in detail:  # ssh's refusal: say what to do, too
            key = gitrepo.config_value("user.signingkey", root) or ""
            raise DossierError("approve-key-mode", branch=branch, detail=detail, keyfile=key.removesuffix(".pub"))
        raise DossierError("approve-failed", branch=branch, detail=detail)
    return gitrepo.run(["rev-parse", "HEAD"], root).stdout.strip()
