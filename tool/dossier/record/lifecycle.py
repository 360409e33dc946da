"""The life of an item: `dossier new` allocates the next code and writes a draft 草稿;
`delete` moves an item to trash/ with who, when and why, `restore` brings it back, `purge`
removes what is past its retention month, and `restore --from-history` recovers a purged
item from git (docs/records-in-git.md).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ..archive import codes, yamlio
from ..git import gitrepo
from . import numbering
from ..archive.config import Archive, Person, text_or_none
from ..archive.errors import DossierError
from ..archive.fsutil import atomic_write_text, create_new
from ..archive.loader import load_bytes, load_file
from ..archive.hidden_text import visible
from ..archive.schemas import plain, value_kind
from ..git.past import last_version
from ..git.transaction import Operation, under_lock

if TYPE_CHECKING:  # a type only: jsonschema takes tens of ms to import, which reading an item does not need
    from ..archive.schemas import SchemaSet

PLACEHOLDER = "待填写"  # "to be filled in": valid text the author replaces


@dataclass(frozen=True)
class NewItem:
    path: Path
    code: str


@under_lock("new")
def new_item(
    archive: Archive,
    schemas: SchemaSet,
    actor: Person,
    item_type: str,
    customer: str | None,
    title: str | None,
    date: dt.date,
    today: dt.date,
) -> NewItem:
    if item_type not in schemas.dispatch.category_of:
        raise DossierError("unknown-type", type=item_type, types=", ".join(schemas.types))
    category = schemas.dispatch.category_of[item_type]
    card = _customer_card(archive.root, customer) if customer else None
    if customer is None and category in (1, 2, 3, 4):
        raise DossierError("customer-needed", type=item_type, category=category)
    manager = _section_holder(archive, actor, card, customer)
    _require_writable(archive, actor, customer, str(category), manager, today)
    code = numbering.next_code(archive.root, str(category), date.year, manager.section)
    type_schema = schemas.type_schema(item_type)
    item = {
        "code": str(code),
        "category": category,
        "type": item_type,
        "title": title or _default_title(card, type_schema, item_type),
        **({"customer": customer} if customer else {}),
        "manager": manager.id,
        "handler": actor.id,
        "date": date.isoformat(),
        "pages": 1,
        "retention": archive.settings.retention(category),
        "secrecy": "内部",
        "status": "draft",
        "signatures": {"handler": {"person": actor.id, "date": date.isoformat()}},
        "content": draft_value(type_schema, {"date": date.isoformat(), "person": actor.id,
                                             "customer": customer or "", "percent": "0%",
                                             "amount": f"0.00 {archive.settings.data.get('currency', 'CNY')}"}),
    }
    path = archive.root / code.path
    create_new(path, yamlio.dump(item).encode("utf-8"))
    return NewItem(path, str(code))


def _customer_card(root: Path, customer: str) -> dict:
    path = root / "customers" / f"{customer}.yaml"
    if not path.is_file():
        raise DossierError("unknown-customer-option", customer=customer)
    data = load_file(path, f"customers/{customer}.yaml").data
    return data if isinstance(data, dict) else {}


def _section_holder(archive: Archive, actor: Person, card: dict | None, customer: str | None) -> Person:
    """Whose section a new item goes into: the acting customer manager's, for their own customers
    and for material without a customer; else the customer's manager's (for an archivist, other
    staff adding material, the sales or general manager); material without a customer from someone
    without a section goes into the department's section. A customer manager does not add to
    another manager's customer: the item would sit in their own section, which the customer's
    manager's catalogue does not show, and they could not read it back (access goes by the card)."""
    from ..access.rights import named, sees_all

    manager = archive.people.get(text_or_none((card or {}).get("manager")) or "")
    if actor.is_customer_manager and actor.section:
        if manager is None or manager.id == actor.id:
            return actor
        if not sees_all(actor):
            raise DossierError("new-not-your-customer", customer=customer, manager=named(manager))
    if manager and manager.section:
        return manager
    if customer is None:  # daily archives and other material without a customer
        department = _department_section_holder(archive)
        if department is not None:
            return department
    raise DossierError("no-section", person=actor.id, customer=customer or "-")


def _department_section_holder(archive: Archive) -> Person | None:
    """The department's own section 部门卷章: the sales manager's (销售部经理, who heads it). Material
    without a customer that someone without a section keeps (the archivist's and the supervisor's
    minutes, letters, reports: 日常档案 the regulation asks everyone to keep) is filed there."""
    return next((person for person in archive.people.values()
                 if "sales_manager" in person.roles and person.is_customer_manager and person.section), None)


def _require_writable(archive: Archive, actor: Person, customer: str | None, category: str, manager: Person,
                      today: dt.date) -> None:
    """Write rights follow read rights: a person adds only material they may read once it exists."""
    from ..access.rights import named, policy

    rules = policy(archive, today)
    if not rules.reader(actor).may_write(customer, category, [rules.owner(customer, manager.id)]):
        raise DossierError("new-not-yours", person=named(actor), what=customer or manager.section,
                           owner=rules.owner_text(customer, manager.id), grantors=rules.grantors_text())


def _default_title(card: dict | None, type_schema: dict, item_type: str) -> str:
    label = type_schema.get("title", item_type).split(" ")[0]
    name = (card or {}).get("name", "")
    return f"{name}{label}" if name else label


def draft_value(schema: dict, known: dict[str, str]) -> object:
    """A value that satisfies `schema` with placeholders: required fields only.
    `known` fills the common definitions ($defs date, person, customer, amount, percent)."""
    schema = plain(schema)
    if "$ref" in schema:
        return known.get(value_kind(schema), PLACEHOLDER)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: draft_value(properties.get(name, {}), known) for name in schema.get("required", [])}
    if kind == "array":
        return [draft_value(schema.get("items", {}), known) for _ in range(schema.get("minItems", 0))]
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    return PLACEHOLDER


# --- deletion, trash, restore and purge (docs/records-in-git.md) -------------------------------
#
# Every change is one Operation (transaction.py): committed aside from HEAD with only its own
# paths, so whatever else the user has staged stays as it was, then brought to the work tree;
# all or nothing, even when the process is killed.

TRASH = "trash"
RECORD_SUFFIX = ".deletion.yaml"
PURGE_REASON = "retention period ended"  # 保留期满


@dataclass(frozen=True)
class Deletion:
    """A deletion record trash/<folder>/<code>.deletion.yaml: who deleted what, when and why."""

    code: str
    path: str  # where the item came from, relative to the archive root
    attachments: tuple[str, ...]  # where its attachments came from
    deleted_by: str
    deleted_at: str
    reason: str
    purge_after: dt.date

    @property
    def record(self) -> str:
        return record_path(self.path)

    @property
    def files(self) -> tuple[str, ...]:
        """The original paths of the item and its attachments."""
        return (self.path, *self.attachments)

    @property
    def trash_files(self) -> tuple[str, ...]:
        return tuple(f"{TRASH}/{path}" for path in self.files)


@dataclass(frozen=True)
class Change:
    """The outcome of delete, restore or purge."""

    commit: str | None  # None for a dry run or when there was nothing to do
    codes: tuple[str, ...]
    paths: tuple[str, ...]  # the item files and attachments where they are now (or were, if purged)
    deletions: tuple[Deletion, ...] = ()
    source: str | None = None  # restore --from-history: the commit the files came from
    missing: tuple[str, ...] = ()  # restore --from-history: attachments that commit did not hold


def record_path(item_path: str) -> str:
    """trash/records/3/2025/3-2025-S02-0017.deletion.yaml for records/3/2025/3-2025-S02-0017.yaml."""
    return f"{TRASH}/{item_path.removesuffix('.yaml')}{RECORD_SUFFIX}"


def require_repository(root: Path) -> None:
    if not gitrepo.is_repository(root):
        raise DossierError("not-a-repository", path=str(root))


@under_lock("delete")
def delete_item(archive: Archive, actor: Person, code_text: str, reason: str | None, now: dt.datetime) -> Change:
    """Move an item and its attachments to trash/, write its deletion record and commit."""
    root = archive.root
    require_repository(root)
    code = _parse_code(code_text)
    reason = _one_line(reason)
    if not visible(reason):  # spaces or zero-width characters only say nothing
        raise DossierError("reason-empty", code=str(code))
    if _exists(root / record_path(code.path)) or _exists(root / TRASH / code.path):
        raise DossierError("item-in-trash", code=str(code))
    if not (root / code.path).is_file():
        raise DossierError("item-not-found", code=str(code))
    attachments = [path for path in _attachment_paths(code.path, _load_item(root, code.path))
                   if _exists(root / path)]  # a listed attachment that is not there has nothing to move
    files = [code.path, *attachments]
    for path in files[1:]:
        if _exists(root / TRASH / path):
            raise DossierError("restore-target-exists", path=f"{TRASH}/{path}")
    require_clean(root, files)
    if now.tzinfo is None:
        now = now.astimezone()  # the local time zone: deleted_at always says which
    deletion = Deletion(str(code), code.path, tuple(attachments), actor.id, now.isoformat(timespec="seconds"),
                        reason, now.date() + dt.timedelta(days=archive.settings.deletion_retention_days))
    tx = Operation(root, "delete", prune=TRASH)
    for path in files:
        tx.move(path, f"{TRASH}/{path}")
    tx.write(deletion.record, _record_text(deletion).encode("utf-8"))
    commit = tx.commit(f"Delete {code}: {reason}", [("Reason", reason), ("Dossier-Action", "delete"),
                                                         ("Dossier-Item", str(code))])
    return Change(commit, (str(code),), deletion.trash_files, (deletion,))


@under_lock("restore")
def restore_item(archive: Archive, actor: Person, code_text: str, reason: str | None = None) -> Change:
    """Move a deleted item and its attachments back from trash/, byte-identical, and remove
    its deletion record."""
    root = archive.root
    require_repository(root)
    code = _parse_code(code_text)
    reason = _one_line(reason)
    if (root / code.path).exists():
        raise DossierError("item-not-deleted", code=str(code), path=code.path)
    if not _exists(root / record_path(code.path)):
        raise DossierError("item-not-in-trash", code=str(code))
    deletion = read_deletion(root, record_path(code.path))
    for original, in_trash in zip(deletion.files, deletion.trash_files):
        if _exists(root / original):
            raise DossierError("restore-target-exists", path=original)
        if not _exists(root / in_trash):
            raise DossierError("trash-incomplete", code=str(code), path=in_trash)
    require_clean(root, [*deletion.trash_files, deletion.record])
    tx = Operation(root, "restore", prune=TRASH)
    for original, in_trash in zip(deletion.files, deletion.trash_files):
        tx.move(in_trash, original)
    tx.remove(deletion.record)
    commit = tx.commit(f"Restore {code}" + (f": {reason}" if reason else ""), _trailers(reason, "restore", [str(code)]))
    return Change(commit, (str(code),), deletion.files, (deletion,))


def trash_entries(root: Path) -> list[Deletion]:
    """Every deletion record in trash/, in catalogue order."""
    found = []
    for dirpath, _, names in os.walk(root / TRASH):
        for name in names:
            if name.endswith(RECORD_SUFFIX):
                found.append(read_deletion(root, (Path(dirpath) / name).relative_to(root).as_posix()))
    return sorted(found, key=lambda d: codes.parse(d.code).sort_key)


@under_lock("purge")
def purge(archive: Archive, actor: Person, today: dt.date, dry_run: bool = False) -> Change:
    """Remove from trash/ the items whose purge_after date is before `today`, in one commit.
    A dry run only says what would go."""
    root = archive.root
    require_repository(root)
    due = tuple(d for d in trash_entries(root) if d.purge_after < today)
    item_codes = tuple(d.code for d in due)
    paths = tuple(p for d in due for p in d.trash_files)
    if dry_run or not due:
        return Change(None, item_codes, paths, due)
    removed = [p for d in due for p in (*d.trash_files, d.record) if _exists(root / p)]
    require_clean(root, [p for d in due for p in (*d.trash_files, d.record)])
    tx = Operation(root, "purge", prune=TRASH)
    for path in removed:
        tx.remove(path)
    subject = f"Purge {item_codes[0]}" if len(due) == 1 else f"Purge {len(due)} items"
    commit = tx.commit(f"{subject}: {PURGE_REASON}", _trailers(PURGE_REASON, "purge", item_codes))
    return Change(commit, item_codes, paths, due)


@under_lock("restore")
def restore_from_history(archive: Archive, actor: Person, code_text: str, reason: str | None = None) -> Change:
    """Bring back a purged item: the item file and its attachments as they were in the last
    commit that held it under records/ (or daily/) or trash/, written to their place."""
    root = archive.root
    require_repository(root)
    code = _parse_code(code_text)
    if (root / code.path).exists():
        raise DossierError("item-not-deleted", code=str(code), path=code.path)
    if _exists(root / record_path(code.path)):
        return restore_item(archive, actor, code_text, reason)  # still in trash: the ordinary restore
    reason = _one_line(reason)
    found = last_version(root, code.path)
    if found is None:
        raise DossierError("not-in-history", code=str(code))
    source, where, raw = found
    doc = load_bytes(raw, where)
    contents = {code.path: raw}
    missing = []
    folder = where.rsplit("/", 1)[0]
    for name in _attachment_names(doc.data):
        blob = gitrepo.blob(root, source, f"{folder}/{name}")
        target = os.path.normpath(f"{code.path.rsplit('/', 1)[0]}/{name}")
        if blob is None:
            missing.append(target)
        else:
            contents[target] = blob
    for path in contents:
        if _exists(root / path):
            raise DossierError("restore-target-exists", path=path)
    tx = Operation(root, "restore", prune=TRASH)
    for path, data in contents.items():
        tx.write(path, data)
    commit = tx.commit(f"Restore {code} from {source[:10]}" + (f": {reason}" if reason else ""),
                       _trailers(reason, "restore", [str(code)]))
    return Change(commit, (str(code),), tuple(contents), source=source, missing=tuple(missing))


# --- reading records and items -----------------------------------------------------------------


def read_deletion(root: Path, rel: str) -> Deletion:
    """Load and check a deletion record: its paths must be the item's own place and folder,
    so that a hand-edited record can never move files from elsewhere."""
    data = load_file(root / rel, rel).data
    data = data if isinstance(data, dict) else {}

    def broken(field: str) -> DossierError:
        return DossierError("deletion-record-broken", path=rel, field=field)

    code = codes.parse(data.get("code"))
    if code is None or record_path(code.path) != rel:
        raise broken("code")
    if data.get("path") != code.path:
        raise broken("path")
    attachments = data.get("attachments", [])
    folder = code.path.rsplit("/", 1)[0] + "/"
    if not isinstance(attachments, list) or not all(
        isinstance(a, str) and a.startswith(folder) and _safe_relative(a[len(folder):]) for a in attachments
    ):
        raise broken("attachments")
    try:
        purge_after = dt.date.fromisoformat(str(data.get("purge_after")))
    except ValueError:
        raise broken("purge_after") from None
    return Deletion(str(code), code.path, tuple(attachments), str(data.get("deleted_by", "")),
                    str(data.get("deleted_at", "")), str(data.get("reason", "")), purge_after)


def _record_text(deletion: Deletion) -> str:
    """The deletion record, laid out as in docs/records-in-git.md (attachments in flow style)."""
    import yaml

    listed = yaml.safe_dump(list(deletion.attachments), default_flow_style=True, allow_unicode=True,
                            width=1 << 30).strip()
    head = yamlio.dump({"code": deletion.code, "path": deletion.path})
    tail = yamlio.dump({"deleted_by": deletion.deleted_by, "deleted_at": deletion.deleted_at,
                        "reason": deletion.reason, "purge_after": deletion.purge_after.isoformat()})
    return f"{head}attachments: {listed}\n{tail}"


def _load_item(root: Path, rel: str) -> dict:
    data = load_file(root / rel, rel).data
    return data if isinstance(data, dict) else {}


def _attachment_names(data: object) -> list[str]:
    """The item's attachment file names (relative to its folder); unsafe ones are refused."""
    entries = data.get("attachments") if isinstance(data, dict) else None
    names = []
    for entry in entries if isinstance(entries, list) else []:
        name = entry.get("file") if isinstance(entry, dict) else None
        if not isinstance(name, str):
            continue
        if not _safe_relative(name):
            raise DossierError("attachment-path", path=name)
        if name not in names:
            names.append(name)
    return names


def _attachment_paths(item_path: str, data: dict) -> list[str]:
    folder = item_path.rsplit("/", 1)[0]
    return [os.path.normpath(f"{folder}/{name}") for name in _attachment_names(data)]


def _safe_relative(name: str) -> bool:
    pure = PurePosixPath(name)
    return bool(name) and not pure.is_absolute() and ".." not in pure.parts and "\\" not in name \
        and not name.startswith("~") and pure.as_posix() == name


def _parse_code(text: str) -> codes.Code:
    code = codes.parse(text)
    if code is None:
        raise DossierError("code-invalid", code=text)
    return code


def _one_line(text: str | None) -> str:
    """A reason as one line: a trailer's value cannot span lines."""
    return " ".join((text or "").split())


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _trailers(reason: str | None, action: str, item_codes) -> list[tuple[str, str]]:
    found = [("Reason", reason)] if reason else []
    return found + [("Dossier-Action", action)] + [("Dossier-Item", code) for code in item_codes]


# --- git ---------------------------------------------------------------------------------------


def _git(root: Path, *args: str) -> str:
    return gitrepo.output(list(args), root, "lifecycle-git-failed")


def require_clean(root: Path, paths: list[str]) -> None:
    """Refuse files with uncommitted changes (staged, unstaged or untracked): what is moved
    or removed must be exactly what git holds."""
    prefix = _git(root, "rev-parse", "--show-prefix").strip()
    out = _git(root, "-c", "core.quotePath=false", "status", "--porcelain", "--untracked-files=all", "--", *paths)
    dirty = [line[3:].split(" -> ")[-1] for line in out.splitlines() if line.strip()]
    if dirty:
        raise DossierError("item-dirty", paths=", ".join(p.removeprefix(prefix) for p in dirty))

