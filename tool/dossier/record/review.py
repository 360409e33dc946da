"""The review of a branch awaiting approval 审阅: what the approver signs, field by field.

For a branch and the record branch it would be merged into (the base, main), the review holds:
each commit the branch brings (author, date, `Reason:`, and every file it changes with each
changed field as old → new), what the approval's merge would change on the base when the commits
alone do not tell it (the base moved on, the branch merged something in, or a merge on the
branch changed more than its parents), the policy's verdict (approvals.py: reasons, bound items,
whether this approver may approve it) and validation's verdict on the archive as the merge would
leave it, in the files it changes.

How a reader sees values (a `Lens`): for a reviewer, the confidential values of the cards and
items the read rights let her see are decrypted with her key (sealed.py), the others' values are
withheld; for a public page (the pull request on the forge) no key is ever used and every value
at a confidential place, encrypted or in clear, is withheld, by the schemas of the base and of
the merge together (so a branch that drops a field's mark cannot publish its value).

The merge is computed without touching the work tree (`git merge-tree --write-tree`, git 2.38+;
older git: the branch against the merge base, conflicts unknown) and validated in a temporary
folder holding the merged archive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..archive import codes
from ..git import gitrepo
from ..archive.errors import DossierError
from ..git.gitwalk import GS, US, GitProcess, TRASH
from .history import CARDS, FieldChange, diff_values, read_objects
from ..archive.problems import Problem
from ..access.sealed import reveal, withhold

ZERO = "0" * 40


@dataclass
class FileChange:
    """One file a commit (or the approval's merge) changes."""

    path: str  # relative to the archive root (where it is after the change)
    status: str  # A added, M modified, D deleted, R moved (into trash/ or back: `moved_from`)
    subject: str | None = None  # the item's code or the card's customer id
    fields: list[FieldChange] = field(default_factory=list)
    digests: tuple[str, str] = ("", "")  # sha256 (short) of each version, for files compared by their bytes
    withheld: int = 0  # changed values the reader may not see (not theirs to read): only counted
    moved_from: str = ""  # for R: where it was before

    @property
    def compared_by_bytes(self) -> bool:
        return any(self.digests)


@dataclass
class ReviewedCommit:
    sha: str
    author: str  # person id, else the e-mail
    email: str
    date: str
    title: str
    reason: str
    files: list[FileChange] = field(default_factory=list)


@dataclass
class Review:
    branch: str
    base: str
    base_sha: str
    tip_sha: str
    commits: list[ReviewedCommit]
    net: list[FileChange] | None  # what the approval's merge changes on the base, when the commits do not tell it
    # (the base moved on, or the branch holds merges, whose own changes show only here)
    conflicts: list[str]
    policy: list  # approvals.Violation
    validation: list[Problem]
    approvers: list  # config.Person: who may approve it

    @property
    def errors(self) -> int:
        return len(self.policy) + sum(p.is_error for p in self.validation) + len(self.conflicts)


# --- how a reader sees the values ----------------------------------------------------------------


class Lens:
    """What of each file's values a reader sees. `reader` (access.Reader) and `identity`
    (crypto.Identity) for a reviewer; `public=True` for a page anyone may read (no key is used)."""

    def __init__(self, reader=None, identity=None, public: bool = False, schema_sets: tuple = ()) -> None:
        self.reader = None if public else reader
        self.identity = None if public else identity
        self.public = public
        self.schema_sets = schema_sets

    def compare(self, change: FileChange, old: Any, new: Any) -> None:
        """Fill `change.fields` (or `withheld`) from the two loaded versions (ABSENT-free dicts or None)."""
        if self.public:
            patterns = self._patterns(change, old, new)
            change.fields = diff_values(withhold(old, patterns), withhold(new, patterns))
        elif change.subject and self.reader is not None and not self._may_read(change, old, new):
            change.withheld = len(diff_values(old, new))
        else:
            owner = change.subject or ""
            key = self.identity if change.subject else None
            change.fields = diff_values(reveal(old, owner, key), reveal(new, owner, key))

    def _may_read(self, change: FileChange, old: Any, new: Any) -> bool:
        """Both versions must be the reader's: an item moved to another customer is read by both's readers."""
        if codes.parse(change.subject) is None:
            return self.reader.may_read(change.subject, None)
        category = codes.parse(change.subject).category
        return all(self.reader.may_read_item(data, category) for data in (old, new) if isinstance(data, dict))

    def _patterns(self, change: FileChange, old: Any, new: Any) -> tuple:
        if not change.subject:
            return ()
        kinds = {"customer"} if codes.parse(change.subject) is None else {
            str(data.get("type")) for data in (old, new) if isinstance(data, dict)}
        found: set = set()
        for schemas in self.schema_sets:
            for kind in kinds:
                found.update(schemas.confidential(kind))
        return tuple(sorted(found, key=str))


def subject_of(path: str) -> str | None:
    """The item code (in records/, daily/ or trash/) or customer id a file holds, if it holds one."""
    if not path.endswith(".yaml"):
        return None
    name = path.rsplit("/", 1)[-1].removesuffix(".yaml")
    if path.startswith(CARDS) and path.count("/") == 1:
        return name
    return name if codes.parse(name) is not None and path.removeprefix(TRASH).startswith(("records/", "daily/")) \
        else None


# --- reading the branch from git -----------------------------------------------------------------


def review_branch(root: Path, branch: str, base: str, lens: Lens, reviewer=None,
                  today: dt.date | None = None) -> Review:
    """The review of `branch` as merged into `base` (both revisions), seen through `lens`;
    `reviewer` (config.Person) is the one who would approve, None for a public review."""
    base_sha, tip_sha = _commit(root, base), _commit(root, branch)
    shas = gitrepo.output(["rev-list", "--reverse", f"{base_sha}..{tip_sha}"], root, "review-failed").split()
    merges = set(gitrepo.output(["rev-list", "--merges", f"{base_sha}..{tip_sha}"], root, "review-failed").split())
    commits = _commits(root, [sha for sha in shas if sha not in merges])
    raw = {c.sha: _raw_diff(root, f"{c.sha}^", c.sha) for c in commits}
    merged_tree, conflicts = _merge_tree(root, base_sha, tip_sha)
    linear = not merges and _is_ancestor(root, base_sha, tip_sha)
    net_all = _raw_diff(root, base_sha, merged_tree)
    net_raw = None if linear else net_all  # linear: exactly what the commits show
    with tempfile.TemporaryDirectory(prefix="dossier-review-") as folder:
        merged_root = _extract(root, merged_tree, Path(folder) / "archive")
        lens.schema_sets = _schema_sets(root, base_sha, merged_root) if lens.public else ()
        blobs = _blobs(root, [entry for entries in [*raw.values(), net_raw or []] for entry in entries])
        for commit in commits:
            commit.files = _file_changes(raw[commit.sha], blobs, lens)
        net = None if net_raw is None else _file_changes(net_raw, blobs, lens)
        validation = [] if conflicts else _validate(merged_root, {entry[3] for entry in net_all}, today)
    if lens.public:
        validation = [_without_values(problem) for problem in validation]
    from .approvals import pending_verdict

    policy, approvers = pending_verdict(root, base_sha, tip_sha, merged_tree, [(e[0], e[3]) for e in net_all],
                                        {c.email for c in commits}, reviewer)
    return Review(branch, base, base_sha, tip_sha, commits, net, conflicts, policy, validation,
                  approvers)


def _commit(root: Path, rev: str) -> str:
    result = gitrepo.run(["rev-parse", "-q", "--verify", f"{rev}^{{commit}}"], root, check=False)
    if result.returncode != 0 or rev.startswith("-"):
        raise DossierError("review-unknown-revision", rev=rev)
    return result.stdout.strip()


def _commits(root: Path, shas: list[str]) -> list[ReviewedCommit]:
    """Author, date, reason and title of each commit, in the order given."""
    if not shas:
        return []
    people = _people_by_email(root)
    out = gitrepo.output(["log", "--no-walk=unsorted", "--stdin", "-z",
                          f"--format=%H{US}%ae{US}%aI{US}%(trailers:key=Reason,valueonly,unfold,separator=%x1d){US}%s"],
                         root, "review-failed", input="\n".join(shas) + "\n")
    found = []
    for record in out.split("\0"):
        if record.strip():
            sha, email, date, reason, title = record.strip("\n").split(US, 4)
            reasons = "; ".join(r.strip() for r in reason.split(GS) if r.strip())
            found.append(ReviewedCommit(sha, people.get(email.lower(), email), email, date, title, reasons))
    return found


def _people_by_email(root: Path) -> dict[str, str]:
    from ..archive.config import PEOPLE_FILE, people_by_id
    from ..archive.loader import LoadError, load_file

    try:
        people = people_by_id(load_file(root / PEOPLE_FILE, PEOPLE_FILE).data)
    except (LoadError, OSError):
        return {}
    return {p.email.lower(): p.id for p in people.values() if p.email}


def _raw_diff(root: Path, old: str, new: str) -> list[tuple[str, str, str, str]]:
    """(status, old blob, new blob, path) of each file under the archive that differs."""
    out = gitrepo.output(["diff-tree", "-r", "-z", "--no-renames", "--no-abbrev", "--relative", old, new], root,
                         "review-failed")
    tokens = out.split("\0")
    found = []
    for meta, path in zip(tokens[0::2], tokens[1::2]):
        parts = meta.split()
        if len(parts) >= 5:
            found.append((parts[4][0], parts[2], parts[3], path))
    return found


def _is_ancestor(root: Path, old: str, new: str) -> bool:
    return gitrepo.run(["merge-base", "--is-ancestor", old, new], root, check=False).returncode == 0


def _merge_tree(root: Path, base: str, tip: str) -> tuple[str, list[str]]:
    """The tree the approval's merge would make, and the files it could not merge; on git
    older than 2.38 (no `merge-tree --write-tree`), the branch's own tree and no conflicts known."""
    result = gitrepo.run(["-c", "core.quotePath=false", "merge-tree", "--write-tree", "--name-only", "--no-messages",
                          base, tip], root, check=False)
    lines = result.stdout.splitlines()
    if result.returncode in (0, 1) and lines and len(lines[0]) >= 40:
        prefix = gitrepo.run(["rev-parse", "--show-prefix"], root).stdout.strip()
        return lines[0], [line.removeprefix(prefix) for line in lines[1:] if line.strip() and line.startswith(prefix)]
    return gitrepo.output(["rev-parse", f"{tip}^{{tree}}"], root, "review-failed").strip(), []


def _blobs(root: Path, entries) -> dict[str, bytes]:
    wanted = {sha for _, old, new, _ in entries for sha in (old, new) if sha != ZERO}
    return read_objects(GitProcess(["cat-file", "--batch"], str(root), later=True), wanted)


def _file_changes(entries: list[tuple[str, str, str, str]], blobs: dict[str, bytes], lens: Lens) -> list[FileChange]:
    """The changes of one diff; a file deleted at one place and added at its place in trash/ (a
    deletion), or the reverse (a restore), is one move, compared between its two places."""
    added = {path.removeprefix(TRASH): (path, new) for status, _, new, path in entries if status == "A"}
    found, paired = [], set()
    for status, old, new, path in entries:
        twin = added.get(path.removeprefix(TRASH)) if status == "D" else None
        if twin and twin[0] != path:
            found.append(_file_change(("R", old, twin[1], twin[0]), blobs, lens, moved_from=path))
            paired.update({twin[0], path})
    found += [_file_change(entry, blobs, lens) for entry in entries if entry[3] not in paired]
    return sorted(found, key=lambda change: change.path)


def _file_change(entry: tuple[str, str, str, str], blobs: dict[str, bytes], lens: Lens,
                 moved_from: str = "") -> FileChange:
    status, old_sha, new_sha, path = entry
    change = FileChange(path, status, subject_of(path), moved_from=moved_from)
    if old_sha == new_sha:
        return change  # moved as it was
    old, new = (_parsed(path, blobs.get(sha)) if sha != ZERO else None for sha in (old_sha, new_sha))
    if old is _BYTES or new is _BYTES:
        change.digests = tuple(_digest(blobs.get(sha)) if sha != ZERO else "" for sha in (old_sha, new_sha))
    else:
        lens.compare(change, {} if old is None else old, {} if new is None else new)
    return change


class _Bytes:
    """A version compared by its bytes (an attachment, or a file that does not parse)."""


_BYTES = _Bytes()


def _parsed(path: str, raw: bytes | None) -> Any:
    from ..archive.loader import LoadError, load_bytes

    if raw is None:
        return _BYTES
    try:
        if path.endswith(".yaml"):
            return load_bytes(raw, path).data
        if path.endswith(".json"):
            return json.loads(raw)
    except (LoadError, ValueError):
        pass
    return _BYTES


def _digest(raw: bytes | None) -> str:
    return hashlib.sha256(raw).hexdigest()[:12] if raw is not None else "?"


# --- the archive as merged -----------------------------------------------------------------------


def _extract(root: Path, tree: str, target: Path, sub: str = "") -> Path:
    """The archive's folder (or its folder `sub`) as it is in `tree`, written to `target`:
    files as stored, ciphertexts included (nothing is decrypted). A symbolic link is written as
    a link, wherever it points, for validation to judge."""
    import tarfile

    prefix = gitrepo.run(["rev-parse", "--show-prefix"], root).stdout.strip()
    where = (prefix + sub).rstrip("/")
    target.mkdir(parents=True, exist_ok=True)
    tar = target.with_name(target.name + ".tar")
    if gitrepo.run(["cat-file", "-e", f"{tree}:{where}" if where else tree], root, check=False).returncode:
        return target  # nothing there (an archive without schemas/ yet)
    gitrepo.output(["archive", "--format=tar", "-o", str(tar), f"{tree}:{where}" if where else tree], root,
                   "review-failed")
    with tarfile.open(tar) as archive:
        archive.extractall(target, filter="tar")
    tar.unlink()
    return target


def _schema_sets(root: Path, base_sha: str, merged_root: Path) -> tuple:
    """The schemas of the base and of the merge: a value confidential in either is withheld."""
    from ..archive.schemas import SchemaSet

    found = []
    with tempfile.TemporaryDirectory(prefix="dossier-schemas-") as folder:
        for schemas in (_extract(root, base_sha, Path(folder) / "schemas", "schemas"), merged_root / "schemas"):
            try:
                found.append(SchemaSet(schemas))
            except DossierError:
                continue  # schemas that do not load: validation says so; the other set still marks
    return tuple(found)


_VALUE_ARGS = ("value", "detail")  # the arguments of a problem that can quote the value it is about


def _without_values(problem: Problem) -> Problem:
    """A problem of a card or item for a public page: without the value it quotes (a confidential
    value in clear that fails its schema would otherwise be published by the verdict)."""
    if not subject_of(problem.file) or not any(key in problem.args for key in _VALUE_ARGS):
        return problem
    args = {key: ("…" if key in _VALUE_ARGS else value) for key, value in problem.args.items()}
    return Problem(problem.file, problem.line, problem.column, problem.rule, problem.key, args, problem.severity)


def _validate(merged_root: Path, changed: set[str], today: dt.date | None) -> list[Problem]:
    from ..regulation.validate import validate_archive

    present = sorted(path for path in changed if (merged_root / path).is_file())
    if not present:
        return []
    return validate_archive(merged_root, today, present, use_cache=False).problems
