"""Approvals in git: which commits changed filed items, whether each carries its reason,
and whether the sales manager approved it with a signed merge (`dossier verify`).

Walks main's first-parent line. A commit on that line that changes a filed or bound item
must be a merge, signed (SSH) by a person whose role is sales_manager according to the
people.yaml of the merge's first parent — the approved state, so that a branch cannot
approve itself by adding a key — and signed by someone who wrote none of the commits it
brings in. Each commit that changes a filed item carries a `Reason:` trailer. Bound items
never change; trash is purged only after its retention date.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import gitrepo
from .config import PEOPLE_FILE, Person, people_by_id
from .loader import LoadError, load_bytes
from .messages import message

ITEM_FOLDERS = ("records/", "daily/")
_STATUS_LINE = re.compile(rb"^status:[ \t]*(draft|filed|bound)[ \t]*(?:#.*)?\r?$", re.M)
FILED = ("filed", "bound")
_RS, _US = "\x1e", "\x1f"
_FORMAT = f"--format={_RS}%H{_US}%P{_US}%ae{_US}%ce{_US}%cs{_US}%(trailers:key=Reason,valueonly,separator=%x1d){_US}"


@dataclass(frozen=True)
class Violation:
    commit: str
    rule: str
    args: dict = field(default_factory=dict, compare=False)

    def line(self, lang: str) -> str:
        return f"{self.commit[:10]}: {self.rule}: {message('verify-' + self.rule, lang, **self.args)}"


@dataclass
class Commit:
    sha: str
    parents: list[str]
    author: str
    committer: str
    date: str
    reason: str
    changes: list[tuple[str, str]]  # (status letter, path relative to the archive root)


@dataclass(frozen=True)
class FiledChange:
    path: str
    status: str  # M or D
    old_status: str  # filed or bound


class ArchiveHistory:
    """Git objects of one archive: a work tree (prefix = where the archive sits in the
    repository) or a bare repository on a server (prefix usually '')."""

    def __init__(self, cwd: Path, prefix: str = "") -> None:
        self.cwd, self.prefix = cwd, prefix
        self._batch: subprocess.Popen | None = None
        self._people: dict[str, tuple[dict[str, Person], Path]] = {}
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
        if len(header) < 3 or header[-1] == b"missing":
            return None
        data = self._batch.stdout.read(int(header[2]))
        self._batch.stdout.read(1)  # the newline after the contents
        return data

    def commits(self, *rev_args: str) -> list[Commit]:
        """Commits with their changes under records/, daily/ and trash/, oldest first."""
        specs = [f":(top){self.prefix}{folder}" for folder in ("records", "daily", "trash")]
        out = gitrepo.output(["log", "--reverse", "--no-renames", "--name-status", _FORMAT, *rev_args, "--", *specs],
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

    def item_status(self, rev: str, path: str) -> str | None:
        raw = self.blob(rev, path)
        if raw is None:
            return None
        found = _STATUS_LINE.findall(raw)
        if len(found) == 1:  # the top-level key, unambiguous: no need to parse the whole file
            return found[0].decode()
        try:
            data = load_bytes(raw, path).data
        except LoadError:
            return None
        return data.get("status") if isinstance(data, dict) else None

    def filed_changes(self, parent: str, changes: list[tuple[str, str]]) -> list[FiledChange]:
        """The modifications and deletions of items that were filed or bound in `parent`."""
        found = []
        for status, path in changes:
            if status in "MD" and path.startswith(ITEM_FOLDERS) and path.endswith(".yaml"):
                old = self.item_status(parent, path)
                if old in FILED:
                    found.append(FiledChange(path, status, old))
        return found

    def people_at(self, rev: str) -> tuple[dict[str, Person], Path]:
        """people.yaml at `rev`, and an allowed-signers file made from its signing keys."""
        raw = self.blob(rev, PEOPLE_FILE) or b""
        key = str(hash(raw))
        if key not in self._people:
            try:
                people = people_by_id(load_bytes(raw, PEOPLE_FILE).data) if raw else {}
            except LoadError:
                people = {}
            signers = Path(self._tmp.name) / f"allowed-{len(self._people)}"
            signers.write_text(allowed_signers(raw), encoding="utf-8")
            self._people[key] = (people, signers)
        return self._people[key]


def allowed_signers(people_yaml: bytes) -> str:
    """`<email> namespaces="git" <key>` for everyone people.yaml lists with a signing key."""
    try:
        entries = load_bytes(people_yaml, PEOPLE_FILE).data.get("people", []) if people_yaml else []
    except (LoadError, AttributeError):
        return ""
    lines = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and entry.get("signing_key") and entry.get("email"):
            key = " ".join(str(entry["signing_key"]).split()[:2])
            lines.append(f'{entry["email"].lower()} namespaces="git" {key}')
    return "\n".join(lines) + ("\n" if lines else "")


# --- verify ----------------------------------------------------------------------------------


def verify(history: ArchiveHistory, rev_range: str) -> list[Violation]:
    """Check the first-parent line of `rev_range` (see the module's docstring)."""
    violations: list[Violation] = []
    merges: list[tuple[Commit, list[FiledChange]]] = []
    for commit in history.commits("--first-parent", "-m", rev_range):
        if not commit.parents:
            continue  # the first commit of an archive only adds
        parent = commit.parents[0]
        violations += _purges(history, commit, parent)
        changed = history.filed_changes(parent, commit.changes)
        if not changed:
            continue
        violations += [Violation(commit.sha, "bound-changed", {"path": c.path}) for c in changed
                       if c.old_status == "bound"]
        if len(commit.parents) == 1:
            violations.append(Violation(commit.sha, "unapproved", {"paths": _paths(changed)}))
            violations += _reasons(history, [commit])
        else:
            merges.append((commit, changed))
    if merges:
        violations += _merges(history, rev_range, [merge for merge, _ in merges])
    return _unique(violations)


def _merges(history: ArchiveHistory, rev_range: str, merges: list[Commit]) -> list[Violation]:
    """Approvals and the reasons of what each approving merge brings in, in one pass over
    the commit graph and one signature query per people.yaml version."""
    brought = brought_by_merges(history, rev_range)
    touching = {c.sha: c for c in history.commits(rev_range)}  # every commit that changes archive files
    signatures = _signatures(history, merges)
    violations = []
    for merge in merges:
        commits = [touching[sha] for sha in brought.get(merge.sha, ()) if sha in touching]
        violations += _approval(history, merge, merge.parents[0], commits, signatures[merge.sha])
        violations += _reasons(history, commits)
    return violations


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


def _signatures(history: ArchiveHistory, merges: list[Commit]) -> dict[str, tuple[str, str]]:
    """(git's %G? letter, signer e-mail) of each merge, judged by its first parent's people.yaml."""
    by_signers: dict[Path, list[str]] = {}
    for merge in merges:
        by_signers.setdefault(history.people_at(merge.parents[0])[1], []).append(merge.sha)
    found = {}
    for signers, shas in by_signers.items():
        out = gitrepo.run(["-c", f"gpg.ssh.allowedSignersFile={signers}", "log", "--no-walk=unsorted", "--stdin",
                           f"--format={_RS}%H{_US}%G?{_US}%GS"], history.cwd, input="\n".join(shas) + "\n").stdout
        for chunk in out.split(_RS):
            if chunk.strip():
                sha, letter, principal = chunk.strip("\n").split(_US)
                found[sha] = (letter or "N", principal.strip().lower())
    return found


def on_main_line(archive_root: Path, commit: str) -> tuple[str, list[Violation]]:
    """(the main branch, what verify will report of `commit`) when the branch checked out is the
    main one (the remote's default branch, else `main`); ("", []) on any other branch, where a
    change waits for its approval."""
    branch = gitrepo.run(["symbolic-ref", "-q", "--short", "HEAD"], archive_root, check=False).stdout.strip()
    remote_head = gitrepo.run(["rev-parse", "-q", "--abbrev-ref", "origin/HEAD"], archive_root, check=False)
    main = remote_head.stdout.strip().removeprefix("origin/") if remote_head.returncode == 0 else "main"
    if not branch or branch != main:
        return "", []
    with ArchiveHistory.of_work_tree(archive_root) as history:
        return main, verify(history, f"{commit}^!")


def verify_pending(history: ArchiveHistory, rev_range: str) -> list[Violation]:
    """A branch awaiting approval (a pull request): its commits need their reasons and may
    not touch bound items; the approval itself comes with the sales manager's merge."""
    commits = history.commits(rev_range)
    violations = _reasons(history, commits)
    for commit in commits:
        if len(commit.parents) == 1:
            violations += [Violation(commit.sha, "bound-changed", {"path": c.path})
                           for c in history.filed_changes(commit.parents[0], commit.changes)
                           if c.old_status == "bound"]
    return _unique(violations)


def _paths(changed: list[FiledChange]) -> str:
    return ", ".join(c.path for c in changed)


def _reasons(history: ArchiveHistory, commits: list[Commit]) -> list[Violation]:
    found = []
    for commit in commits:
        if len(commit.parents) != 1 or commit.reason:
            continue
        changed = history.filed_changes(commit.parents[0], commit.changes)
        if changed:
            found.append(Violation(commit.sha, "missing-reason", {"paths": _paths(changed)}))
    return found


def _approval(history: ArchiveHistory, merge: Commit, parent: str, brought: list[Commit],
              signature: tuple[str, str]) -> list[Violation]:
    people, _ = history.people_at(parent)
    letter, principal = signature
    if letter == "N":
        return [Violation(merge.sha, "unsigned", {"committer": merge.committer})]
    if letter != "G":
        return [Violation(merge.sha, "bad-signature", {"committer": merge.committer, "status": letter})]
    signer = next((p for p in people.values() if p.email.lower() == principal), None)
    if signer is None or "sales_manager" not in signer.roles:
        return [Violation(merge.sha, "not-sales-manager", {"signer": principal})]
    authors = {c.author for c in brought}
    if principal in authors:
        return [Violation(merge.sha, "self-approval", {"signer": principal})]
    return []


def _purges(history: ArchiveHistory, commit: Commit, parent: str) -> list[Violation]:
    """A deletion record removed from trash/ before its purge_after date (unless the same
    commit brings the item back: that is a restore)."""
    found = []
    added = {path for status, path in commit.changes if status == "A"}
    for status, path in commit.changes:
        restored = path.removeprefix("trash/").removesuffix(".deletion.yaml") + ".yaml" in added
        if status == "D" and path.startswith("trash/") and path.endswith(".deletion.yaml") and not restored:
            raw = history.blob(parent, path)
            try:
                record = load_bytes(raw, path).data if raw else {}
            except LoadError:
                continue
            purge_after = str(record.get("purge_after", "")) if isinstance(record, dict) else ""
            if purge_after and commit.date < purge_after:
                found.append(Violation(commit.sha, "purge-early", {"code": record.get("code", path),
                                                                     "purge_after": purge_after, "date": commit.date}))
    return found


def _unique(violations: list[Violation]) -> list[Violation]:
    seen, result = set(), []
    for violation in violations:
        key = (violation.commit, violation.rule, tuple(sorted(violation.args.items())))
        if key not in seen:
            seen.add(key)
            result.append(violation)
    return result
