"""Change control 变更控制: one policy for every path of the archive.

Every file of the archive belongs to one kind (items, their attachments, customer cards,
people.yaml, access.yaml, archive.yaml, schemas/, mappings/, trash/ deletion records and the
files they keep, volumes/ manifests, anything else). For each kind the rule says whether a
change needs a `Reason:`, whether it needs an approval and whose, and whether the file is
frozen once committed; beside each rule stand the regulation's words it carries out.

A change is judged by the policy as it stood before it — people, roles, signing keys and
archive.yaml's `change_control` read from the first parent — so no change approves itself:
a key, grant or role the change adds does not count. `dossier verify`, the server's
pre-receive hook, the client hooks and `dossier approve` all judge with this module.

Facts about a version (an item's status, a deletion record's fields) come from the project's
strict loader, never from patterns over text: a file says the same to every reader.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Callable, Iterable

from ..archive.config import PEOPLE_FILE, Person, people_by_id, text_or_none
from ..archive.hidden_text import visible
from ..archive.loader import LoadError, load_bytes
from ..archive.locate import ARCHIVE_FILE

# the kinds of path 路径类别
ITEMS, ATTACHMENTS, CARDS = "items", "attachments", "cards"
PEOPLE, ACCESS, SETTINGS, SCHEMAS, MAPPINGS = "people", "access", "settings", "schemas", "mappings"
DELETIONS, TRASHED, VOLUMES, OTHER = "deletions", "trashed", "volumes", "other"
CHECKS = "checks"  # checks/: the records of four-property check runs (handover/runs.py)

SALES_MANAGER, GENERAL_MANAGER = "sales_manager", "general_manager"
_RANK = {SALES_MANAGER: 1, GENERAL_MANAGER: 2}  # the general manager may approve what the sales manager may
FILED = ("filed", "bound")
TRASH = "trash/"
DELETION_SUFFIX = ".deletion.yaml"
ADDED, MODIFIED, DELETED = "A", "M", "D"


@dataclass(frozen=True)
class Rule:
    """What a change to one kind of file needs."""

    kind: str
    approver: str  # the role that approves, unless archive.yaml's change_control says otherwise
    additions_free: bool  # adding a new file needs neither reason nor approval
    frozen: bool  # once committed never modified (removed only by the tool's own operations)
    regulation: str  # the regulation's words (客户档案管理制度) this rule carries out


RULES: dict[str, Rule] = {rule.kind: rule for rule in (
    Rule(ITEMS, SALES_MANAGER, True, False,
         "五、1 所有会馆员工都有及时提供资料和完善客户档案的权利和义务。"
         "五、2 对客户档案进行修改前要得要销售部经理的同意批示，并在留存修改记录，和修改原因。"
         "五、3 删除时需有销售部经理的同意批示，删除原因。"),
    Rule(ATTACHMENTS, SALES_MANAGER, True, False,
         "三、2 所有客户档案均需有客户签名、经办人、直接领导审批签字方可入档 — the signed scan is the item: "
         "五、2 修改前要得要销售部经理的同意批示。"),
    Rule(CARDS, SALES_MANAGER, True, False,
         "五、1 对于客户在建档时不完善的资料进行补充。五、2 在建档时客户资料难免有差……"
         "对客户档案进行修改前要得要销售部经理的同意批示，并在留存修改记录，和修改原因。"),
    Rule(PEOPLE, GENERAL_MANAGER, False, False,
         "三、2 直接领导审批签字方可入档；四、2 总经理、销售部经理有权查阅会馆所有客户的档案记录 — "
         "people.yaml decides who signs, who approves and who reads everything."),
    Rule(ACCESS, GENERAL_MANAGER, False, False,
         "四、3 其它客户经理或部门经理需查阅客户档案时，需有销售部经理或总经理的审批方可查阅。"
         "客户档案属会馆保密资料，严禁外泄。"),
    Rule(SETTINGS, GENERAL_MANAGER, False, False,
         "二、以上每一大类都必须填写完整的目录，并编号；五、3 对确定删除的资料也要有一个月保留期 — "
         "archive.yaml holds the categories, the numbering and the retention month."),
    Rule(SCHEMAS, GENERAL_MANAGER, False, False,
         "三、1 客户经理在提交档案前要认真审核、校对确保档案的真实准确性 — the schemas decide what a valid item is."),
    Rule(MAPPINGS, GENERAL_MANAGER, False, False,
         "五、2 对客户档案进行修改前要得要销售部经理的同意批示 — a mapping decides what an imported sheet "
         "writes into the cards and items."),
    Rule(DELETIONS, SALES_MANAGER, False, True,
         "五、3 对确定删除的资料也要有一个月保留期，确定删除时再进行彻底删除，以免误删除有用资料。"),
    Rule(TRASHED, SALES_MANAGER, False, True,
         "五、3 对确定删除的资料也要有一个月保留期 — what trash/ keeps is kept as it was deleted."),
    Rule(VOLUMES, SALES_MANAGER, False, True,
         "二、客户档案每年分年度清理、按类装订成固定卷保存 — a bound volume's manifest is fixed."),
    Rule(CHECKS, SALES_MANAGER, True, True,
         "二、客户档案…保存 (DA/T 70-2018 §4.3.1.2: every check is recorded) — the record of a check run is "
         "added by `dossier check` and never changed."),
    Rule(OTHER, GENERAL_MANAGER, False, False,
         "五、2 对客户档案进行修改前要得要销售部经理的同意批示 — the files that decide the checks "
         "(CI workflow, CODEOWNERS, editor settings) change only with the general manager's approval."),
)}


def path_kind(path: str) -> str:
    """The kind of an archive-relative path."""
    top, _, rest = path.partition("/")
    name = posixpath.basename(path)
    if name == ".gitkeep":
        return OTHER
    if path == PEOPLE_FILE:
        return PEOPLE
    if path == "access.yaml":
        return ACCESS
    if path == ARCHIVE_FILE:
        return SETTINGS
    if top in ("records", "daily") and rest:
        return ITEMS if name.endswith(".yaml") else ATTACHMENTS
    if top == "customers" and rest:
        return CARDS
    if top == "schemas" and rest:
        return SCHEMAS
    if top == "mappings" and rest:
        return MAPPINGS
    if top == "trash" and rest:
        return DELETIONS if name.endswith(DELETION_SUFFIX) else TRASHED
    if top == "volumes" and rest:
        return VOLUMES
    if top == "checks" and rest:
        return CHECKS
    return OTHER


def ref_refusal(ref: str, record_branch: str) -> str | None:
    """Why the server does not take a push to `ref`, or None. The record needs its branch and
    work branches (pull requests) beside it, nothing else: no tags, no notes, nothing outside
    refs/heads/, and no branch whose name could be taken for the record branch (a last part
    `main` or `HEAD`, or a name that starts like another ref: origin/main, refs/…, tags/…)."""
    if ref == f"refs/heads/{record_branch}":
        return None
    if not ref.startswith("refs/heads/"):
        return "ref-outside-branches"
    name = ref.removeprefix("refs/heads/")
    first, last = name.split("/", 1)[0], name.rsplit("/", 1)[-1]
    if last in (record_branch, "HEAD") or first in ("refs", "heads", "tags", "remotes", "origin"):
        return "ref-shadows-record"
    return None


# --- the policy as it stood at one commit ------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    """People and archive.yaml's change_control at one commit."""

    people: dict[str, Person]
    signing_keys: dict[str, str]  # person id → "<type> <base64>" of people.yaml's signing_key
    approvers: dict[str, str]  # kind → role
    own_changes: str  # who approves a change made by someone holding the approving role
    record_branch: str

    def by_email(self, email: str) -> Person | None:
        wanted = email.strip().lower()
        return next((p for p in self.people.values() if p.email.lower() == wanted), None)

    def approver_for(self, kind: str, authors: Iterable[str]) -> str:
        """The role that approves a change of `kind` made by `authors` (e-mails): the rule's, or
        for a change someone holding that role made, archive.yaml's own_changes (the general
        manager approves the sales manager's own changes)."""
        role = self.approvers.get(kind, RULES[kind].approver)
        for email in authors:
            person = self.by_email(email)
            if person and role in person.roles and _RANK.get(self.own_changes, 0) > _RANK.get(role, 0):
                return self.own_changes
        return role

    def may_approve(self, person: Person | None, role: str) -> bool:
        """Holds `role`, or a role ranking above it (the general manager above the sales manager)."""
        if person is None:
            return False
        return any(_RANK.get(held, 0) >= _RANK.get(role, 99) for held in person.roles)

    def signers_file(self) -> str:
        """git's allowed-signers file: `<email> namespaces="git" <key>` per signing key."""
        return "".join(f'{self.people[pid].email.lower()} namespaces="git" {key}\n'
                       for pid, key in self.signing_keys.items() if self.people[pid].email)


def policy_from(people_yaml: bytes | None, archive_yaml: bytes | None) -> Policy:
    """The policy of one commit's people.yaml and archive.yaml; a file that does not load
    gives nothing (no person, no key): nobody gains a right by a broken file."""
    people_data = data_of(people_yaml, PEOPLE_FILE)
    settings = data_of(archive_yaml, ARCHIVE_FILE)
    people = people_by_id(people_data)
    keys = {}
    for entry in people_data.get("people", []) if isinstance(people_data.get("people"), list) else []:
        key = text_or_none(entry.get("signing_key")) if isinstance(entry, dict) else None
        if key and entry.get("id") in people:
            keys[entry["id"]] = " ".join(key.split()[:2])
    control = settings.get("change_control") if isinstance(settings.get("change_control"), dict) else {}
    approvers = control.get("approvers") if isinstance(control.get("approvers"), dict) else {}
    return Policy(
        people=people,
        signing_keys=keys,
        approvers={k: v for k, v in approvers.items() if k in RULES and v in _RANK},
        own_changes=control.get("own_changes") if control.get("own_changes") in _RANK else GENERAL_MANAGER,
        record_branch=text_or_none(control.get("record_branch")) or "main",
    )


def data_of(raw: bytes | None, name: str) -> dict:
    if not raw:
        return {}
    try:
        data = load_bytes(raw, name).data
    except LoadError:
        return {}
    return data if isinstance(data, dict) else {}


# --- what one change needs -------------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    """What the change of one path needs: a reason, an approval by `approver` (a role), or
    nothing; `refused` names a change no approval makes right (a frozen file changed)."""

    path: str
    kind: str
    status: str  # A, M or D
    reason: bool = False
    approver: str | None = None
    refused: str | None = None  # a violation rule: bound-changed, frozen-changed, trash-unrecorded, deletion-invalid
    purge: str | None = None  # for a purge: the item's code, whose retention month must be over


Blob = Callable[[str, str], "bytes | None"]  # (revision, archive-relative path) → bytes


def needs(blob: Blob, parent: str, changes: list[tuple[str, str]], revision: str | None = None) -> list[Need]:
    """What each of a commit's changes (status letter, path) needs, judged on the parent's
    versions. `revision` (the commit itself) lets added deletion records be checked."""
    changed = {path: status for status, path in changes}
    found = []
    for status, path in changes:
        need = _need(blob, parent, revision, status, path, changed)
        if need is not None:
            found.append(need)
    return found


def _need(blob: Blob, parent: str, revision: str | None, status: str, path: str,
          changed: dict[str, str]) -> Need | None:
    kind = path_kind(path)
    rule = RULES[kind]
    if kind in (ITEMS, ATTACHMENTS):
        return _item_need(blob, parent, status, path, kind, changed)
    if kind in (DELETIONS, TRASHED):
        return _trash_need(blob, parent, revision, status, path, kind, changed)
    if status == ADDED and rule.additions_free:
        return None
    if kind == CHECKS:  # added freely (above); never changed
        return Need(path, kind, status, refused="frozen-changed")
    if kind == VOLUMES:
        if status != ADDED:
            return Need(path, kind, status, refused="frozen-changed")
        return Need(path, kind, status, reason=False, approver=rule.approver)
    if kind == OTHER and status == ADDED and posixpath.basename(path) == ".gitkeep":
        return None
    return Need(path, kind, status, reason=True, approver=rule.approver)


def item_status(blob: Blob, rev: str, path: str) -> str | None:
    """An item's status in `rev`, from the loaded file (None if absent or unreadable)."""
    data = data_of(blob(rev, path), path)
    status = data.get("status")
    return status if isinstance(status, str) else None


def _item_need(blob: Blob, parent: str, status: str, path: str, kind: str, changed: dict[str, str]) -> Need | None:
    """Items and their attachments: adding is free and so is changing a draft; changing or deleting
    what is filed needs a reason and the sales manager; what is bound is never changed."""
    if status == ADDED:
        return None
    owner = path if kind == ITEMS else attachment_owner(blob, parent, path)
    state = item_status(blob, parent, owner) if owner else None
    if owner and state == "draft":
        return None
    if state == "bound":
        return Need(path, kind, status, refused="bound-changed")
    if owner is None and kind == ATTACHMENTS and _moved_to_trash(path, changed):
        return None  # an attachment of a draft nobody lists, moved along with a deletion
    return Need(path, kind, status, reason=True, approver=RULES[kind].approver)


def attachment_owner(blob: Blob, rev: str, path: str) -> str | None:
    """The item in the same folder whose `attachments` lists this file, in `rev`; the item named
    by the file's prefix (<code>.scan-1.png belongs to <code>.yaml) when it lists it."""
    folder, name = posixpath.split(path)
    code = name.split(".", 1)[0]
    candidate = f"{folder}/{code}.yaml"
    data = data_of(blob(rev, candidate), candidate)
    for entry in data.get("attachments", []) if isinstance(data.get("attachments"), list) else []:
        if isinstance(entry, dict) and posixpath.normpath(f"{folder}/{entry.get('file', '')}") == path:
            return candidate
    return None


def _moved_to_trash(path: str, changed: dict[str, str]) -> bool:
    return changed.get(TRASH + path) == ADDED


def deletion_record_of(item_path: str) -> str:
    """trash/records/3/2025/3-2025-S02-0017.deletion.yaml for records/3/2025/3-2025-S02-0017.yaml."""
    return f"{TRASH}{item_path.removesuffix('.yaml')}{DELETION_SUFFIX}"


def _trash_need(blob: Blob, parent: str, revision: str | None, status: str, path: str, kind: str,
                changed: dict[str, str]) -> Need | None:
    """trash/ is written only by delete, restore and purge: a deletion record comes with the item
    it records and never changes; it goes either with the item coming back (restore, free) or
    with what it kept (purge: an approval, after the retention month)."""
    if status == MODIFIED:
        return Need(path, kind, status, refused="frozen-changed")
    if kind == TRASHED:
        records = [p for p, s in changed.items() if s == status and path_kind(p) == DELETIONS]
        rev = revision if status == ADDED else parent
        if revision is None and status == ADDED:
            return None  # a commit being made (the hooks): its deletion record is checked when committed
        if not any(path in _kept_by(blob, rev, record) for record in records):
            return Need(path, kind, status, refused="trash-unrecorded")
        return None
    original = path.removeprefix(TRASH).removesuffix(DELETION_SUFFIX) + ".yaml"
    if status == ADDED:
        if changed.get(original) != DELETED or changed.get(TRASH + original) != ADDED:
            return Need(path, kind, status, refused="deletion-invalid")
        if revision is not None and deletion_fields(blob(revision, path), path) is None:
            return Need(path, kind, status, refused="deletion-invalid")
        return None
    if changed.get(original) == ADDED:
        return None  # restored
    fields = deletion_fields(blob(parent, path), path)
    return Need(path, kind, status, reason=False, approver=RULES[kind].approver,
                purge=(fields or {}).get("code", original))


def _kept_by(blob: Blob, rev: str, record: str) -> set[str]:
    fields = deletion_fields(blob(rev, record), record)
    return {TRASH + p for p in fields["files"]} if fields else set()


def deletion_fields(raw: bytes | None, rel: str) -> dict | None:
    """A deletion record's code, its files (item, then attachments) and purge_after, if it is a
    well-formed record of the item whose place it names (else None)."""
    from ..archive import codes

    data = data_of(raw, rel)
    code = codes.parse(data.get("code")) if isinstance(data.get("code"), str) else None
    if code is None or deletion_record_of(code.path) != rel or data.get("path") != code.path:
        return None
    attachments = data.get("attachments", [])
    folder = code.path.rsplit("/", 1)[0] + "/"
    if not isinstance(attachments, list) or not all(
            isinstance(a, str) and a.startswith(folder) and posixpath.normpath(a) == a for a in attachments):
        return None
    if not (isinstance(data.get("reason"), str) and visible(data["reason"])):
        return None
    return {"code": str(code), "files": [code.path, *attachments], "purge_after": str(data.get("purge_after", ""))}
