"""The modification record 修改记录: every change of an item or a customer card 客户资料卡, read from git.

One `git log` over the item's two places (records/… and trash/records/…, or daily/… and
trash/daily/…), or the card's customers/<id>.yaml, gives each commit with its author, date, trailers and the blob ids before
and after; one `git cat-file --batch` reads every blob; the two versions are loaded with
the strict loader and compared value by value, so a change reads
`content.limit: 150000.00 CNY → 200000.00 CNY`, not as changed lines. A confidential value
is compared as sealed.py shows it: decrypted for a reader whose key opens it, else as the
placeholder and a fingerprint of its ciphertext.

The approver of a change is the sales manager's merge that brought it into the current
branch: the oldest commit on HEAD's first-parent line that descends from the change, its
committer named through people.yaml. It is found for every change at once in one walk of
`git rev-list --parents HEAD` (`git rev-list --first-parent --merges --ancestry-path C..HEAD`
would name it too, but only when C's branch was merged straight into the main line). A
change made on the first-parent line itself has no approver.

Everything that does not depend on the log's answer (the commit graph, the loader and
people.yaml, a ready `git cat-file --batch`, and the caller's access check) runs while git
log walks the history; the processes are gitwalk.py's.

git runs with the archive root as its working folder and pathspecs relative to it, so
an archive that is a subfolder of its repository works the same as one at the top.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from ..archive import codes
from ..archive.errors import DossierError
from ..git.gitwalk import GS, RS, TRASH, US, GitProcess, Walk, item_walk
from ..access.sealed import Sealed, fingerprint, hidden_in, reveal

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
CARDS = "customers/"
_CARD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")  # a file name of customers/, never a way out of it
_CUSTOMER_ID = r"^C[0-9]{4}$"  # the shipped schemas' customer id, where the archive's own do not say


# --- what a change is --------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    """One value that differs between two versions; ABSENT where a version lacks the field."""

    field: str  # path of the value: content.limit, signatures.supervisor.person, attachments[0].sha256
    old: Any = ABSENT
    new: Any = ABSENT

    @property
    def reencrypted(self) -> bool:
        """The same value encrypted anew (to other readers): the value itself did not change."""
        old, new = self.old, self.new
        return (isinstance(old, Sealed) and isinstance(new, Sealed) and old.opened and new.opened
                and _same(old.value, new.value))

    def text(self, reencrypted_note: str = "") -> str:
        if self.reencrypted:
            return f"{self.field}: {show_value(self.new)} ({reencrypted_note})"
        return f"{self.field}: {show_value(self.old)} → {show_value(self.new)}"

    def to_json(self) -> dict:
        """Absent values are left out: {"field": "remarks", "new": "…"} is a field added; a
        confidential value is {"encrypted": fingerprint} with its "value" where it was decrypted."""
        row: dict = {"field": self.field}
        if self.old is not ABSENT:
            row["old"] = plain(self.old)
        if self.new is not ABSENT:
            row["new"] = plain(self.new)
        return row


def plain(value: Any) -> Any:
    """A value for JSON: Sealed values as their to_json(), raw ciphertexts by their fingerprint."""
    if isinstance(value, Sealed):
        return value.to_json()
    if isinstance(value, str) and value.startswith(SEALED_PREFIX):
        return Sealed(fingerprint(value)).to_json()
    if isinstance(value, dict):
        return {key: plain(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [plain(inner) for inner in value]
    return value


@dataclass
class Change:
    """One commit's change of one item."""

    commit: str
    date: str  # author date, ISO 8601 with the author's offset
    author: str  # person id from people.yaml, else the e-mail
    author_email: str
    action: str  # added / modified / deleted / restored / purged
    code: str  # the item's code, or the customer id of a card
    path: str  # where the item is after the change (before it, for a purge)
    reason: str = ""  # the `Reason:` trailer
    approver: str | None = None  # person id (else e-mail) of whoever made the approving merge
    approval_commit: str | None = None
    fields: list[FieldChange] = field(default_factory=list)
    unreadable: bool = False  # a version could not be loaded, so fields were not compared
    old_blob: str | None = field(default=None, repr=False)
    new_blob: str | None = field(default=None, repr=False)
    customers: frozenset = field(default_factory=frozenset, repr=False)  # of both versions, once loaded
    card: bool = False  # a customer card's change, not an item's

    @property
    def day(self) -> str:
        return self.date[:10]

    @property
    def hidden_values(self) -> int:
        """Confidential values among the changed fields that were not decrypted."""
        return hidden_in(self.fields)

    def to_json(self, with_fields: bool = True) -> dict:
        row = {
            "commit": self.commit,
            "date": self.date,
            "author": self.author,
            "author_email": self.author_email,
            "action": self.action,
            "code": self.code,
            "card": self.card,
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
    if isinstance(value, Sealed):
        return value.shown(show_value)
    if isinstance(value, str):
        if value.startswith(SEALED_PREFIX):  # not revealed: the placeholder and the ciphertext's fingerprint
            return Sealed(fingerprint(value)).shown(show_value)
        return value if value else '""'
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(plain(value), ensure_ascii=False, separators=(", ", ": "))
    return str(value)


SEALED_PREFIX = "-----BEGIN AGE ENCRYPTED FILE-----"  # crypto.ARMOR_BEGIN


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


def record_path(root: Path, subject: str) -> str:
    """Where the record of `subject` lives: an item's file by its electronic code, or a customer
    card 客户资料卡 by its customer id as the archive's schemas define one (and a plain file name
    of customers/, never a way out of it)."""
    parsed = codes.parse(subject)
    if parsed is not None:
        return parsed.path
    if isinstance(subject, str) and _CARD_ID.fullmatch(subject) and re.search(_customer_id(root), subject):
        return f"{CARDS}{subject}.yaml"
    raise DossierError("history-subject-invalid", code=subject)


def _customer_id(root: Path) -> str:
    """The pattern of a customer id in the archive's schemas/common.schema.json."""
    import json

    try:
        pattern = json.loads((Path(root) / "schemas" / "common.schema.json").read_bytes())["$defs"]["customer"]["pattern"]
        re.compile(pattern)
    except (OSError, ValueError, KeyError, TypeError, re.error):
        return _CUSTOMER_ID
    return pattern if isinstance(pattern, str) else _CUSTOMER_ID


def item_history(root: Path, subject: str, meanwhile: Callable[[], object] | None = None,
                 identity: Any = None) -> list[Change]:
    """Every change of an item (by its code) or a customer card (by its customer id) on the
    current branch, oldest first, with field diffs. `meanwhile` runs while git walks the
    history (the command line's access check): what it raises stops git and reaches the
    caller, before anything of the history is read. Confidential values are decrypted with
    `identity` (crypto.Identity) where it is a recipient: give it only to a reader entitled
    to the item or card."""
    path = record_path(root, subject)
    with _Reader(Path(root), item_walk(str(root), path), identity) as reader:
        if meanwhile is not None:
            meanwhile()
        changes = reader.changes()
        if not changes:
            raise DossierError("history-none", code=subject)
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
    pathspecs = _folders(None if category is None else str(category)) + ([CARDS] if category is None else [])
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

    def __init__(self, root: Path, walk: Walk, identity: Any = None) -> None:
        self.root = root
        self._walk = walk
        self._identity = identity
        self._names: dict[str, str] | None = None
        self._owners: dict[str, str] = {}

    def __enter__(self) -> "_Reader":
        return self

    def __exit__(self, *exc: object) -> None:
        self._walk.stop()

    # people

    def person(self, email: str) -> str:
        if self._names is None:
            from ..archive.config import PEOPLE_FILE, people_by_id
            from ..archive.loader import LoadError, load_file

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
            if codes.parse(name) is None and not (path.startswith(CARDS) and _CARD_ID.fullmatch(name)):
                continue  # deletion records, attachments
            place = "trash" if path.startswith(TRASH) else "live"
            per_item.setdefault(name, {})[place] = [parts[4][0], parts[2], parts[3], path]
        trailer_action = _TRAILER_ACTIONS.get(action.split(GS)[0].strip().lower()) if action else None
        reasons = "; ".join(r.strip() for r in reason.split(GS) if r.strip())
        author = self.person(email)
        changes = []
        for code in sorted(per_item, key=_catalogue_order):
            places = per_item[code]
            kind = _action(places.get("live", [None])[0], places.get("trash", [None])[0], trailer_action)
            lines = list(places.values())
            old = next((line[1] for line in lines if line[1].strip("0")), None)  # all zeros: no such version
            new = next((line[2] for line in lines if line[2].strip("0")), None)
            where = next((line[3] for line in lines if line[2].strip("0")), lines[0][3])
            card = codes.parse(code) is None
            changes.append(Change(sha, date, author, email, kind, code, where, reasons, old_blob=old, new_blob=new,
                                  card=card, customers=frozenset({code}) if card else frozenset()))
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
        from ..archive.loader import LoadError, load_bytes

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
            if not change.card:
                change.customers = frozenset(d.get("customer") for d in (old, new) if isinstance(d, dict)) - {None}
            if old is _UNREADABLE or new is _UNREADABLE:
                change.unreadable = True
            elif compare and old is not ABSENT and new is not ABSENT:
                # bound to the code or customer id of the path, the place the values were sealed for
                change.fields = diff_values(reveal(old, change.code, self._identity),
                                            reveal(new, change.code, self._identity))


def _catalogue_order(subject: str) -> tuple:
    """Cards (by customer id) before items (in catalogue order)."""
    parsed = codes.parse(subject)
    return (1, parsed.sort_key) if parsed else (0, subject)


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
