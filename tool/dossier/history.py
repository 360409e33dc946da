"""The modification record 修改记录: every change of an item, read from git.

One `git log` over the item's two places (records/… and trash/records/…, or daily/… and
trash/daily/…) gives each commit with its author, date, trailers and the blob ids before
and after; one `git cat-file --batch` reads every blob; the two versions are loaded with
the strict loader and compared value by value, so a change reads
`content.limit: 150000.00 CNY → 200000.00 CNY`, not as changed lines.

The approver of a change is the sales manager's merge that brought it into the current
branch: the oldest commit on HEAD's first-parent line that descends from the change, its
committer named through people.yaml. It is found for every change at once in one walk of
`git rev-list --parents HEAD` (`git rev-list --first-parent --merges --ancestry-path C..HEAD`
would name it too, but only when C's branch was merged straight into the main line). A
change made on the first-parent line itself has no approver.

Everything that does not depend on the log's answer (the commit graph, the loader and
people.yaml, a ready `git cat-file --batch`, and the caller's access check) runs while git
log walks the history; the processes are gitwalk.py's, and the console script starts an
item's walk before it loads the command line (launch.py).

git runs with the archive root as its working folder and pathspecs relative to it, so
an archive that is a subfolder of its repository works the same as one at the top.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from . import codes
from .errors import DossierError
from .gitwalk import GS, RS, TRASH, US, GitProcess, Walk, item_walk

ADDED, MODIFIED, DELETED, RESTORED, PURGED = "added", "modified", "deleted", "restored", "purged"
ACTIONS = (ADDED, MODIFIED, DELETED, RESTORED, PURGED)
NO_VALUE = "—"  # shown for a field a version does not have


class _Absent:
    """The value of a field that a version does not have (None is YAML's null)."""

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False


ABSENT: Any = _Absent()

_TRAILER_ACTIONS = {"delete": DELETED, "restore": RESTORED, "purge": PURGED}


# --- what a change is --------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    """One value that differs between two versions; ABSENT where a version lacks the field."""

    field: str  # path of the value: content.limit, signatures.supervisor.person, attachments[0].sha256
    old: Any = ABSENT
    new: Any = ABSENT

    def text(self) -> str:
        return f"{self.field}: {show_value(self.old)} → {show_value(self.new)}"

    def to_json(self) -> dict:
        """Absent values are left out: {"field": "remarks", "new": "…"} is a field added."""
        row: dict = {"field": self.field}
        if self.old is not ABSENT:
            row["old"] = self.old
        if self.new is not ABSENT:
            row["new"] = self.new
        return row


@dataclass
class Change:
    """One commit's change of one item."""

    commit: str
    date: str  # author date, ISO 8601 with the author's offset
    author: str  # person id from people.yaml, else the e-mail
    author_email: str
    action: str  # added / modified / deleted / restored / purged
    code: str
    path: str  # where the item is after the change (before it, for a purge)
    reason: str = ""  # the `Reason:` trailer
    approver: str | None = None  # person id (else e-mail) of whoever made the approving merge
    approval_commit: str | None = None
    fields: list[FieldChange] = field(default_factory=list)
    unreadable: bool = False  # a version could not be loaded, so fields were not compared
    old_blob: str | None = field(default=None, repr=False)
    new_blob: str | None = field(default=None, repr=False)
    customers: frozenset = field(default_factory=frozenset, repr=False)  # of both versions, once loaded

    @property
    def day(self) -> str:
        return self.date[:10]

    def to_json(self, with_fields: bool = True) -> dict:
        row = {
            "commit": self.commit,
            "date": self.date,
            "author": self.author,
            "author_email": self.author_email,
            "action": self.action,
            "code": self.code,
            "path": self.path,
            "reason": self.reason or None,
            "approver": self.approver,
            "approval_commit": self.approval_commit,
        }
        if with_fields:
            row["fields"] = [f.to_json() for f in self.fields]
            row["unreadable"] = self.unreadable
        return row


def show_value(value: Any) -> str:
    """A value as the record shows it: text as written, "—" when the version has no such field."""
    if value is ABSENT:
        return NO_VALUE
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        if value.startswith(SEALED_PREFIX):
            return _sealed(value)
        return value if value else '""'
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return str(value)


SEALED_PREFIX = "-----BEGIN AGE ENCRYPTED FILE-----"  # crypto.ARMOR_BEGIN, without importing crypto


def _sealed(armor: str) -> str:
    """An encrypted value as the record shows it: the placeholder and a short fingerprint of the
    ciphertext, so that a change of the value is seen without its armor or its plaintext."""
    import hashlib

    from .crypto import PLACEHOLDER

    return f"{PLACEHOLDER} #{hashlib.sha256(armor.encode('utf-8')).hexdigest()[:8]}"


def diff_values(old: Any, new: Any, path: str = "") -> list[FieldChange]:
    """Every leaf value that differs, by path: mappings by key (in the newer version's order,
    then the keys only the older one has), lists by index. A field one version lacks is
    listed leaf by leaf against ABSENT. Iterative, so no input can exhaust the stack."""
    found: list[FieldChange] = []
    stack: list[tuple[str, Any, Any]] = [(path, old, new)]
    while stack:
        where, a, b = stack.pop()
        if _same(a, b):
            continue
        children = _children(where, a, b)
        if children is None:
            found.append(FieldChange(where or "(item)", a, b))
        else:
            stack.extend(reversed(children))
    return found


def _same(a: Any, b: Any) -> bool:
    """Equal leaves of the same type (1 and 1.0, or 1 and true, differ); containers are compared
    member by member, except when they are the same object."""
    if a is b:
        return True
    if type(a) is not type(b) or isinstance(a, (dict, list)):
        return False
    return a == b or (a != a and b != b)  # .nan equals itself here


def _children(where: str, a: Any, b: Any) -> list[tuple[str, Any, Any]] | None:
    """The pairs to compare one level down, or None when (a, b) is a leaf difference."""
    if isinstance(a, dict) or isinstance(b, dict):
        if not (isinstance(a, dict) or a is ABSENT) or not (isinstance(b, dict) or b is ABSENT):
            return None
        a_map, b_map = (a if isinstance(a, dict) else {}), (b if isinstance(b, dict) else {})
        if not a_map and not b_map:
            return None if type(a) is not type(b) else []
        keys = list(b_map) + [k for k in a_map if k not in b_map]
        return [(f"{where}.{k}" if where else str(k), a_map.get(k, ABSENT), b_map.get(k, ABSENT)) for k in keys]
    if isinstance(a, list) or isinstance(b, list):
        if not (isinstance(a, list) or a is ABSENT) or not (isinstance(b, list) or b is ABSENT):
            return None
        a_list, b_list = (a if isinstance(a, list) else []), (b if isinstance(b, list) else [])
        if not a_list and not b_list:
            return None if type(a) is not type(b) else []
        size = max(len(a_list), len(b_list))
        return [(f"{where}[{i}]", a_list[i] if i < len(a_list) else ABSENT, b_list[i] if i < len(b_list) else ABSENT)
                for i in range(size)]
    return None


# --- the library -----------------------------------------------------------------------------


def item_history(root: Path, code: str, meanwhile: Callable[[], object] | None = None) -> list[Change]:
    """Every change of item `code` on the current branch, oldest first, with field diffs.
    `meanwhile` runs while git walks the history (the command line's access check): what it
    raises stops git and reaches the caller, before anything of the history is read."""
    parsed = codes.parse(code)
    if parsed is None:
        raise DossierError("code-invalid", code=code)
    with _Reader(Path(root), item_walk(str(root), parsed.path)) as reader:
        if meanwhile is not None:
            meanwhile()
        changes = reader.changes()
        if not changes:
            raise DossierError("history-none", code=str(parsed))
        changes.reverse()
        reader.complete(changes, versions=True, compare=True)
    return changes


def archive_log(root: Path, since: dt.date | str | None = None, customer: str | None = None,
                category: str | None = None) -> list[Change]:
    """One change per (commit, item) over the whole archive, newest first. `since` keeps
    changes made on or after that day (author date); `customer` those whose item names
    that customer before or after the change; `category` those of that category."""
    since_day = _as_date(since)
    extra = [f"--since={since_day - dt.timedelta(days=1)}"] if since_day else []  # a coarse cut, refined below
    pathspecs = _folders(None if category is None else str(category))
    with _Reader(Path(root), Walk(str(root), pathspecs, extra)) as reader:
        changes = reader.changes()
        if since_day:
            changes = [c for c in changes if c.day >= since_day.isoformat()]
        reader.complete(changes, versions=customer is not None, compare=False, mentioning=customer)
    if customer is not None:
        changes = [c for c in changes if customer in c.customers]
    return changes


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DossierError("date-invalid", value=str(value)) from None


def _folders(category: str | None) -> list[str]:
    if category == "D":
        live = ["daily"]
    elif category:
        live = [f"records/{category}"]
    else:
        live = ["records", "daily"]
    return [*live, *(TRASH + folder for folder in live)]


# --- reading the record ---------------------------------------------------------------------


class _Reader:
    """Reads an archive's record from a walk's git processes. What does not depend on the
    log's answer runs while git log walks the history: the commit graph (for the approvals)
    and, in Python, the loader and people.yaml (to name people); the one `git cat-file
    --batch` that then reads every blob and approving merge waits ready."""

    def __init__(self, root: Path, walk: Walk) -> None:
        self.root = root
        self._walk = walk
        self._names: dict[str, str] | None = None
        self._owners: dict[str, str] = {}

    def __enter__(self) -> "_Reader":
        return self

    def __exit__(self, *exc: object) -> None:
        self._walk.stop()

    # people

    def person(self, email: str) -> str:
        if self._names is None:
            from .config import PEOPLE_FILE, people_by_id
            from .loader import LoadError, load_file

            self._names = {}
            try:
                data = load_file(self.root / PEOPLE_FILE, PEOPLE_FILE).data
            except (LoadError, OSError):
                data = {}
            for person in people_by_id(data).values():
                if person.email:
                    self._names[person.email.strip().lower()] = person.id
        return self._names.get(email.strip().lower(), email)

    # commits

    def changes(self) -> list[Change]:
        """One Change per item each commit touched, newest first."""
        self.person("")  # people.yaml, while git works
        code, graph, _ = self._walk.graph.result()
        self._owners = _owners(graph.decode("ascii", "replace") if code == 0 else "")  # likewise
        found: list[Change] = []
        for chunk in self._walk.log.text().split(RS):
            if chunk:
                found += self._parse(chunk)
        return found

    def _parse(self, chunk: str) -> list[Change]:
        sha, date, email, reason, action, raw = chunk.split(US, 5)
        per_item: dict[str, dict[str, list[str]]] = {}  # code → {"live"/"trash": [status, old, new, path]}
        tokens = raw.lstrip("\0\n").split("\0")
        for meta, path in zip(tokens[0::2], tokens[1::2]):
            parts = meta.split()
            if len(parts) < 5 or not path.endswith(".yaml"):
                continue
            name = path.rsplit("/", 1)[-1].removesuffix(".yaml")
            if codes.parse(name) is None:
                continue  # deletion records, attachments
            place = "trash" if path.startswith(TRASH) else "live"
            per_item.setdefault(name, {})[place] = [parts[4][0], parts[2], parts[3], path]
        trailer_action = _TRAILER_ACTIONS.get(action.split(GS)[0].strip().lower()) if action else None
        reasons = "; ".join(r.strip() for r in reason.split(GS) if r.strip())
        author = self.person(email)
        changes = []
        for code in sorted(per_item, key=lambda c: codes.parse(c).sort_key):
            places = per_item[code]
            kind = _action(places.get("live", [None])[0], places.get("trash", [None])[0], trailer_action)
            lines = list(places.values())
            old = next((line[1] for line in lines if line[1].strip("0")), None)  # all zeros: no such version
            new = next((line[2] for line in lines if line[2].strip("0")), None)
            where = next((line[3] for line in lines if line[2].strip("0")), lines[0][3])
            changes.append(Change(sha, date, author, email, kind, code, where, reasons, old_blob=old, new_blob=new))
        return changes

    # approvals and versions

    def complete(self, changes: list[Change], versions: bool, compare: bool, mentioning: str | None = None) -> None:
        """The approving merge of each change and who made it (its committer); with
        `versions`, both versions of the item (and with `compare` the changed fields). Every
        object comes through the one `git cat-file --batch`. With `mentioning`, only versions
        whose text could name that customer are loaded (the others cannot match a filter)."""
        for change in changes:
            owner = self._owners.get(change.commit)
            if owner is not None and owner != change.commit:  # else: on the first-parent line itself
                change.approval_commit = owner
        wanted = {c.approval_commit for c in changes if c.approval_commit}
        if versions:
            wanted |= {sha for c in changes for sha in (c.old_blob, c.new_blob) if sha}
        objects = read_objects(self._walk.objects, wanted)
        for change in changes:
            email = _committer(objects.get(change.approval_commit, b"")) if change.approval_commit else ""
            if email:
                change.approver = self.person(email)
        if versions:
            self._load_versions(changes, objects, compare, mentioning)

    def _load_versions(self, changes: list[Change], blobs: dict[str, bytes], compare: bool,
                       mentioning: str | None) -> None:
        from .loader import LoadError, load_bytes

        cache: dict[str, Any] = {}
        needle = mentioning.encode() if mentioning else None

        def data_of(sha: str | None) -> Any:
            if sha is None:
                return ABSENT
            if sha not in cache:
                raw = blobs.get(sha)
                if needle and raw is not None and needle not in raw and b"\\" not in raw:
                    cache[sha] = {}  # cannot name the customer (an escape could spell it otherwise)
                    return cache[sha]
                try:
                    cache[sha] = load_bytes(raw, sha).data if raw is not None else _UNREADABLE
                except LoadError:
                    cache[sha] = _UNREADABLE
            return cache[sha]

        for change in changes:
            old, new = data_of(change.old_blob), data_of(change.new_blob)
            change.customers = frozenset(d.get("customer") for d in (old, new) if isinstance(d, dict)) - {None}
            if old is _UNREADABLE or new is _UNREADABLE:
                change.unreadable = True
            elif compare and old is not ABSENT and new is not ABSENT:
                change.fields = diff_values(old, new)


def _committer(commit_object: bytes) -> str:
    """The committer's e-mail in a raw commit object."""
    for line in commit_object.split(b"\n"):
        if not line:
            break  # end of the headers
        if line.startswith(b"committer "):
            start, end = line.find(b"<"), line.find(b">")
            return line[start + 1:end].decode("utf-8", "replace") if 0 <= start < end else ""
    return ""


class _Unreadable:
    def __repr__(self) -> str:
        return "UNREADABLE"


_UNREADABLE = _Unreadable()


def read_objects(batch: GitProcess, shas: Iterable[str]) -> dict[str, bytes]:
    """Object contents by id, from a `git cat-file --batch` started with later=True (all asked at once)."""
    wanted = sorted(set(shas))
    if not wanted:
        return {}
    batch.feed(("\n".join(wanted) + "\n").encode())
    _, out, _ = batch.result()
    found, at = {}, 0
    for sha in wanted:
        end = out.find(b"\n", at)
        if end < 0:
            break
        header = out[at:end].split()
        at = end + 1
        if len(header) < 3 or header[1] == b"missing":
            continue
        size = int(header[2])
        found[sha] = out[at:at + size]
        at += size + 1  # the newline after the contents
    return found


def approving_merges(rev_list_parents: str, commits: Iterable[str]) -> dict[str, str]:
    """For each of `commits` reachable from HEAD but not on its first-parent line, the oldest
    first-parent commit (a merge) that descends from it. `rev_list_parents` is the output
    of `git rev-list --parents HEAD`."""
    owners = _owners(rev_list_parents)
    return {c: owners[c] for c in commits if c in owners and owners[c] != c}


def _owners(rev_list_parents: str) -> dict[str, str]:
    """Each commit reachable from HEAD → the oldest commit of HEAD's first-parent line that
    descends from it (itself, for a commit on that line).

    Walks the first-parent line oldest first; each line commit claims the part of its
    ancestry no older line commit has claimed, so every commit is visited once. (git's
    `rev-list --first-parent --ancestry-path C..HEAD` follows only first parents, and so
    misses a commit that reached main through a merge into another branch first.)
    """
    parents: dict[str, str] = {}  # commit → its parents, space-separated, split when visited
    for line in rev_list_parents.splitlines():
        sha, _, rest = line.partition(" ")
        parents[sha] = rest
    if not parents:
        return {}
    get = parents.get
    line_commits = []
    sha: str | None = rev_list_parents.split(None, 1)[0]  # HEAD comes first
    while sha:
        line_commits.append(sha)
        rest = get(sha)
        sha = rest.partition(" ")[0] if rest else None
    owner: dict[str, str] = {}
    for line_commit in reversed(line_commits):
        owner[line_commit] = line_commit
        stack = parents[line_commit].split()[1:]
        while stack:
            sha = stack.pop()
            if sha not in owner:
                owner[sha] = line_commit
                rest = get(sha)
                if rest:
                    stack += rest.split()
    return owner


def _action(live: str | None, trash: str | None, trailer: str | None) -> str:
    """The action from what happened at the item's two places, the trailer breaking ties."""
    if live == "A" and trash == "D":
        return RESTORED
    if live == "D" and trash == "A":
        return DELETED
    if live is None and trash == "D":
        return PURGED
    if live is None and trash == "A":
        return DELETED
    if live == "A":
        return RESTORED if trailer == RESTORED else ADDED
    if live == "D":
        return PURGED if trailer == PURGED else DELETED
    return MODIFIED
