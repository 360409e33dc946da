"""Approvals in git 审批: `dossier verify` judges the main line's history with the one
change-control policy (policy.py).

Walks the first-parent line of the record branch. A commit on that line whose changes need
an approval (policy.needs) must be a merge signed (SSH) by a person entitled to approve them
according to the policy of the merge's first parent — the approved state, so a branch cannot
approve itself by adding a key, a role or a setting — and signed by someone who wrote none of
the commits it brings in. Every commit that needs a reason carries a visible `Reason:`. Files
the tool writes once (deletion records, volume manifests, bound items) never change, and a
purge comes an approval and a retention month after the server received the deletion
(receipts.py: the server's own clock, never a client's).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..git import gitrepo
from . import policy, signatures
from ..archive.config import Person
from ..archive.errors import DossierError
from ..archive.hidden_text import visible
from ..archive.messages import message
from .policy import Need, Policy

_RS, _US = "\x1e", "\x1f"
_FORMAT = f"--format={_RS}%H{_US}%P{_US}%ae{_US}%ce{_US}%cs{_US}%(trailers:key=Reason,valueonly,separator=%x1d){_US}"


@dataclass(frozen=True)
class Violation:
    commit: str
    rule: str
    args: dict = field(default_factory=dict, compare=False)

    def line(self, lang: str) -> str:
        args = {k: (message(f"role-{v}", lang) if k == "role" else v) for k, v in self.args.items()}
        return f"{self.commit[:10]}: {self.rule}: {message('verify-' + self.rule, lang, **args)}"


@dataclass
class Commit:
    sha: str
    parents: list[str]
    author: str
    committer: str
    date: str
    reason: str
    changes: list[tuple[str, str]]  # (status letter, path relative to the archive root)


class ArchiveHistory:
    """Git objects of one archive: a work tree (prefix = where the archive sits in the
    repository) or a bare repository on a server (prefix usually '')."""

    def __init__(self, cwd: Path, prefix: str = "") -> None:
        self.cwd, self.prefix = cwd, prefix
        self._batch: subprocess.Popen | None = None
        self._policies: dict[str, Policy] = {}
        self._tmp = tempfile.TemporaryDirectory(prefix="dossier-signers-")

    @classmethod
    def of_work_tree(cls, archive_root: Path) -> "ArchiveHistory":
        prefix = gitrepo.run(["rev-parse", "--show-prefix"], archive_root).stdout.strip()
        top = gitrepo.run(["rev-parse", "--show-toplevel"], archive_root).stdout.strip()
        return cls(Path(top), prefix)

    def close(self) -> None:
        if self._batch:
            self._batch.stdin.close()
            self._batch.wait()
        self._tmp.cleanup()

    def __enter__(self) -> "ArchiveHistory":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- reading ---------------------------------------------------------------------------

    def blob(self, rev: str, path: str) -> bytes | None:
        """The file at `path` (archive-relative) in commit `rev`, through one long-lived cat-file."""
        if self._batch is None:
            self._batch = subprocess.Popen(["git", "cat-file", "--batch"], cwd=self.cwd, stdin=subprocess.PIPE,
                                           stdout=subprocess.PIPE, env=gitrepo.environment())
        self._batch.stdin.write(f"{rev}:{self.prefix}{path}\n".encode())
        self._batch.stdin.flush()
        header = self._batch.stdout.readline().split()
        if len(header) < 3 or header[-1] == b"missing" or header[1] != b"blob":
            return None
        data = self._batch.stdout.read(int(header[2]))
        self._batch.stdout.read(1)  # the newline after the contents
        return data

    def commits(self, *rev_args: str) -> list[Commit]:
        """Commits with their changes to the archive's files, oldest first."""
        spec = f":(top){self.prefix}"
        out = gitrepo.output(["-c", "core.quotePath=false", "log", "--reverse", "--no-renames", "--name-status", _FORMAT, *rev_args, "--", spec],
                             self.cwd, "history-read-failed")  # a range or branch that is not there
        return [self._parse(chunk) for chunk in out.split(_RS) if chunk.strip()]

    def _parse(self, chunk: str) -> Commit:
        sha, parents, author, committer, date, reason, rest = chunk.split(_US, 6)
        changes = []
        for line in rest.strip().splitlines():
            status, _, path = line.partition("\t")
            if path.startswith(self.prefix):
                changes.append((status[0], path[len(self.prefix):]))
        return Commit(sha, parents.split(), author.lower(), committer.lower(), date, reason.strip(), changes)

    def policy_at(self, rev: str) -> Policy:
        """The change-control policy as it stood in `rev` (its people.yaml and archive.yaml)."""
        if rev not in self._policies:
            self._policies[rev] = policy.policy_from(self.blob(rev, policy.PEOPLE_FILE),
                                                     self.blob(rev, policy.ARCHIVE_FILE))
        return self._policies[rev]

    def signers_file(self, judged: Policy) -> Path:
        """An allowed-signers file of the policy's signing keys."""
        path = Path(self._tmp.name) / f"allowed-{abs(hash(judged.signers_file()))}"
        if not path.exists():
            path.write_text(judged.signers_file(), encoding="utf-8")
        return path

    def needs(self, commit: Commit, judged_at: str | None = None) -> list[Need]:
        """What the commit's changes against its first parent need."""
        return policy.needs(self.blob, judged_at or commit.parents[0], commit.changes, commit.sha)


# --- verify ----------------------------------------------------------------------------------


def verify(history: ArchiveHistory, rev_range: str, clock: "Clock | None" = None) -> list[Violation]:
    """Check the first-parent line of `rev_range` (see the module's docstring). `clock` gives
    the server's receipts of commits (receipts.py); without it they are read from the repository."""
    from .receipts import Clock

    clock = clock or Clock.of_repository(history.cwd)
    violations: list[Violation] = []
    merges: list[tuple[Commit, list[Need]]] = []
    purges: list[tuple[Commit, Need]] = []
    for commit in history.commits("--first-parent", "-m", rev_range):
        if not commit.parents:
            continue  # the first commit of an archive only adds
        found = history.needs(commit)
        violations += _refusals(commit, found)
        purges += [(commit, need) for need in found if need.purge]
        approvals = [need for need in found if need.approver]
        if not approvals:
            continue
        if len(commit.parents) == 1:
            judged = history.policy_at(commit.parents[0])
            violations.append(Violation(commit.sha, "unapproved", {
                "paths": _paths(approvals), "role": judged.approver_for(approvals[0].kind, [commit.author])}))
            violations += _reasons(history, [commit])
        else:
            merges.append((commit, approvals))
    if merges:
        violations += _merges(history, rev_range, merges)
    for commit, need in purges:
        violations += purge_timing(history, clock, commit, need)
    return _unique(violations)


def _refusals(commit: Commit, found: list[Need]) -> list[Violation]:
    return [Violation(commit.sha, need.refused, {"path": need.path}) for need in found if need.refused]


def _merges(history: ArchiveHistory, rev_range: str, merges: list[tuple[Commit, list[Need]]]) -> list[Violation]:
    """Approvals and the reasons of what each approving merge brings in, in one pass over
    the commit graph and one signature query per people.yaml version."""
    brought = brought_by_merges(history, rev_range)
    touching = {c.sha: c for c in history.commits(rev_range)}  # every commit that changes archive files
    found = signatures.of_commits(history.cwd, [(m.sha, history.signers_file(history.policy_at(m.parents[0])))
                                                for m, _ in merges])
    violations = []
    for merge, approvals in merges:
        commits = [touching[sha] for sha in brought.get(merge.sha, ()) if sha in touching]
        violations += approval_problems(history.policy_at(merge.parents[0]), merge.sha, merge.committer,
                                        found[merge.sha], approvals, {c.author for c in commits})
        violations += _reasons(history, commits)
        for commit in commits:
            if len(commit.parents) == 1:
                violations += _refusals(commit, history.needs(commit))
    return violations


def approval_problems(judged: Policy, sha: str, committer: str, signature: "signatures.Signature",
                      approvals: list[Need], authors: set[str]) -> list[Violation]:
    """Why a merge's signature does not approve `approvals` under the policy `judged` (its first
    parent's), or nothing. approve asks the same before it signs."""
    if signature.letter == "N":
        return [Violation(sha, "unsigned", {"committer": committer})]
    if signature.letter == "B":
        return [Violation(sha, "tampered", {"committer": committer})]
    if signature.letter != "G" or not signature.principal:
        return [Violation(sha, "unknown-key", {"committer": committer, "fingerprint": signature.key or "?"})]
    signer = judged.by_email(signature.principal)
    if signature.principal != committer.lower():
        return [Violation(sha, "wrong-person", {"committer": committer, "signer": signature.principal})]
    if signature.principal in authors:
        role = judged.approver_for(approvals[0].kind, authors)
        return [Violation(sha, "self-approval", {"signer": signature.principal, "role": role})]
    for need in approvals:
        role = judged.approver_for(need.kind, authors)
        if not judged.may_approve(signer, role):
            return [Violation(sha, "not-approver", {"signer": signature.principal, "role": role,
                                                    "paths": _paths([n for n in approvals if n.kind == need.kind])})]
    return []


def brought_by_merges(history: ArchiveHistory, rev_range: str) -> dict[str, set[str]]:
    """For each merge on the first-parent line: the commits it brings in (reachable from its
    other parents, not from its first parent). Walking the line from its start, the commits
    already seen are exactly the first parent's ancestors, so the whole walk is linear."""
    graph = {}
    for line in gitrepo.run(["rev-list", "--parents", rev_range], history.cwd).stdout.splitlines():
        sha, *parents = line.split()
        graph[sha] = parents
    line = gitrepo.run(["rev-list", "--first-parent", "--reverse", rev_range], history.cwd).stdout.split()
    seen: set[str] = set()
    brought: dict[str, set[str]] = {}
    for sha in line:
        if len(graph.get(sha, ())) > 1:
            found, stack = set(), list(graph[sha][1:])
            while stack:
                current = stack.pop()
                if current in seen or current in found or current not in graph:
                    continue
                found.add(current)
                stack.extend(graph[current])
            brought[sha] = found
            seen |= found
        seen.add(sha)
    return brought


def record_branch(archive_root: Path) -> str:
    """The record branch: archive.yaml's change_control.record_branch, else the remote's default
    branch, else `main`."""
    from ..archive.config import open_archive

    try:
        named = open_archive(archive_root).settings.data.get("change_control", {}).get("record_branch")
    except DossierError:
        named = None
    if named:
        return named
    remote_head = gitrepo.run(["rev-parse", "-q", "--abbrev-ref", "origin/HEAD"], archive_root, check=False)
    return remote_head.stdout.strip().removeprefix("origin/") if remote_head.returncode == 0 else "main"


def on_main_line(archive_root: Path, commit: str) -> tuple[str, list[Violation]]:
    """(the record branch, what verify will report of `commit`) when the branch checked out is
    the record branch; ("", []) on any other branch, where a change waits for its approval."""
    branch = gitrepo.run(["symbolic-ref", "-q", "--short", "HEAD"], archive_root, check=False).stdout.strip()
    main = record_branch(archive_root)
    if not branch or branch != main:
        return "", []
    with ArchiveHistory.of_work_tree(archive_root) as history:
        return main, verify(history, f"{commit}^!")


def pending_verdict(archive_root: Path, base: str, tip: str, merged: str, changes: list[tuple[str, str]],
                    authors: set[str], reviewer: Person | None) -> tuple[list[Violation], list[Person]]:
    """What verify says of the branch `base..tip` awaiting approval, and what it would say of
    its approval by `reviewer` (None: nobody in particular): the approval's merge would make the
    tree `merged`, changing `changes` ((status, archive-relative path)) on `base`, judged by the
    policy as it stands at `base`. Also who may approve it: those the policy lets approve every
    change, none of its authors (e-mails)."""
    authors = {author.lower() for author in authors}
    with ArchiveHistory.of_work_tree(archive_root) as history:
        judged = history.policy_at(base)
        violations, approvals = merge_verdict(history, base, tip, changes, merged, authors, None)
        if reviewer is not None and approvals:
            found, _ = merge_verdict(history, base, tip, changes, merged, authors, reviewer)
            problems = [v for v in found if v.rule in ("self-approval", "not-approver")]
        else:
            problems = []
    roles = {judged.approver_for(need.kind, authors) for need in approvals}
    approvers = [person for person in judged.people.values() if person.email.lower() not in authors
                 and all(judged.may_approve(person, role) for role in roles)]
    names = "、".join(f"{p.name} ({p.id})" for p in approvers) or "-"
    for problem in problems:
        rule = {"self-approval": "approver-self", "not-approver": "approver-role"}[problem.rule]
        violations.append(Violation(tip, rule, {"person": reviewer.id, "approvers": names}))
    return _unique(violations), approvers


def merge_verdict(history: ArchiveHistory, base: str, tip: str, changes: list[tuple[str, str]], merged: str,
                  authors: set[str], approver: Person | None) -> tuple[list[Violation], list[Need]]:
    """What verify would say of the merge of `base..tip` into `base` (changing `changes`, making
    the tree or commit `merged`) signed by `approver` with their listed key (None: unsigned
    questions only), and the changes that need an approval. review and approve ask this."""
    found = policy.needs(history.blob, base, changes, merged)
    violations = verify_pending(history, f"{base}..{tip}")
    violations += [Violation(tip, need.refused, {"path": need.path}) for need in found if need.refused]
    approvals = [need for need in found if need.approver]
    if approver is not None and approvals:
        signed = signatures.Signature("G", approver.email.lower(), "")  # as if signed with the listed key
        violations += approval_problems(history.policy_at(base), tip, approver.email, signed, approvals, authors)
    return violations, approvals


def verify_pending(history: ArchiveHistory, rev_range: str) -> list[Violation]:
    """A branch awaiting approval (a pull request): its commits need their reasons and may
    not change what is frozen; the approval itself comes with the approver's merge."""
    commits = history.commits(rev_range)
    violations = _reasons(history, commits)
    for commit in commits:
        if len(commit.parents) == 1:
            violations += _refusals(commit, history.needs(commit))
    return _unique(violations)


def _paths(found: list[Need]) -> str:
    return ", ".join(need.path for need in found)


def _reasons(history: ArchiveHistory, commits: list[Commit]) -> list[Violation]:
    found = []
    for commit in commits:
        if len(commit.parents) != 1 or visible(commit.reason):
            continue
        wanting = [need for need in history.needs(commit) if need.reason]
        if wanting:
            found.append(Violation(commit.sha, "missing-reason", {"paths": _paths(wanting)}))
    return found


def purge_timing(history: ArchiveHistory, clock, commit: Commit, need: Need) -> list[Violation]:
    """A purge comes a retention month after the server received the deletion on the record
    branch, both measured by the server's clock (receipts.py); the deletion record's own dates
    and the commits' dates are the client's and count for nothing."""
    days = _retention_days(history.blob(commit.parents[0], policy.ARCHIVE_FILE))
    deleted_in = gitrepo.run(["log", "--first-parent", "--diff-merges=first-parent", "--diff-filter=A", "-s",
                              "--format=%H", "-1", commit.parents[0], "--", f":(top){history.prefix}{need.path}"],
                             history.cwd, check=False).stdout.strip()
    deleted, purged = clock.received(deleted_in), clock.received_purge(history, commit, need.path)
    if deleted is None or purged is None:
        return [Violation(commit.sha, "purge-unreceived", {"code": need.purge})]
    if purged < deleted + dt.timedelta(days=days):
        return [Violation(commit.sha, "purge-early", {
            "code": need.purge, "deleted": deleted.isoformat(timespec="seconds"),
            "purged": purged.isoformat(timespec="seconds"), "days": days})]
    return []


def _retention_days(archive_yaml: bytes | None) -> int:
    value = policy.data_of(archive_yaml, policy.ARCHIVE_FILE).get("deletion_retention_days", 30)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 30


def _unique(violations: list[Violation]) -> list[Violation]:
    seen, result = set(), []
    for violation in violations:
        key = (violation.commit, violation.rule, tuple(sorted(violation.args.items())))
        if key not in seen:
            seen.add(key)
            result.append(violation)
    return result
