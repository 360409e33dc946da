"""`dossier rekey`: encrypt confidential values to exactly the people who may read them.

Run after a customer changes manager, a grant starts or ends, someone gets a new key, or
someone typed a confidential value in clear. A value in clear needs only the readers' public
keys; a value encrypted to the wrong people must be decrypted first, so it needs the identity
of one of its recipients (the sales manager's reads everything). A value already encrypted to
the right people is left byte for byte as it was, so diffs show only what changed; only the
changed scalars of a file are rewritten (yamledit), atomically.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from . import crypto
from ..archive import yamledit
from .rights import AccessPolicy, Reader, named, policy
from ..archive.config import Archive
from ..archive.errors import DossierError
from ..archive.loader import Document, LoadError, load_bytes
from ..archive.problems import Problem
from ..archive.schema_errors import field_path
from ..archive.schemas import SchemaSet
from ..git.transaction import write_work_tree

FOLDERS = ("customers", "records", "daily", "trash")
ENCRYPTED, REENCRYPTED = "encrypted", "reencrypted"  # done
NO_KEY, NOBODY, MOVED, UNBOUND, DAMAGED = "no-key", "nobody", "moved", "unbound", "damaged"  # could not


@dataclass
class Outcome:
    """What happened to one value that was not already right."""

    file: str
    line: int
    column: int
    field: str
    action: str
    readers: str = ""  # names of the recipients it is now (or would be) encrypted to
    found: str = ""  # the place a moved value was bound to


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    unchanged: int = 0
    files_changed: int = 0
    problems: list[Problem] = field(default_factory=list)  # files that could not be read

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.action not in (ENCRYPTED, REENCRYPTED)]


def recipients(archive: Archive, policy: AccessPolicy, data: dict, card: bool) -> list[str]:
    """Who a card's or an item's confidential values are encrypted to: its readers with a key."""
    category = None if card or data.get("category") is None else str(data.get("category"))
    customer = data.get("id") if card else data.get("customer")
    readers = policy.readers(customer, category, data.get("manager"))
    return sorted(r for r in readers if archive.people[r].encryption_key)


def targets(root: Path, only: Iterable[str] | None) -> list[str]:
    """The cards and items under `only` (relative files or folders; all of them by default)."""
    found = []
    for folder in FOLDERS:
        for dirpath, _, names in os.walk(root / folder):
            rel_dir = Path(dirpath).relative_to(root).as_posix()
            found += [f"{rel_dir}/{name}" for name in names if name.endswith(".yaml")]
    if only is not None:
        prefixes = [p.rstrip("/") for p in only]
        found = [rel for rel in found if any(q in ("", ".") or rel == q or rel.startswith(q + "/") for q in prefixes)]
    return sorted(found)


@dataclass
class Rekeyer:
    archive: Archive
    schemas: SchemaSet
    policy: AccessPolicy
    identity: crypto.Identity
    dry_run: bool
    sealed_only: bool = False  # re-encrypt only: values in clear stay so (a reassignment)

    def rewrite(self, rel: str, raw: bytes, report: Report) -> bytes | None:
        """The file's bytes with its confidential values encrypted to their readers; None when
        nothing changes (or on a dry run, where only `report` tells what would)."""
        try:
            doc = load_bytes(raw, rel, self.archive.settings.max_file_bytes)
        except LoadError as exc:
            report.problems.append(exc.problem)
            return None
        new_values = {}
        for pattern, where, value in self._values(doc):
            sealed = self._value(doc, pattern, where, value, report)
            if sealed is not None:
                new_values[where] = sealed
        report.files_changed += bool(new_values)
        if not new_values or self.dry_run:
            return None
        text = yamledit.replace_scalars(raw.decode("utf-8"), new_values)
        _check_rewrite(doc, text, new_values)
        return text.encode("utf-8")

    def _values(self, doc: Document):
        data = doc.data if isinstance(doc.data, dict) else {}
        kind = "customer" if doc.file.startswith("customers/") else str(data.get("type"))
        return crypto.values_at(data, self.schemas.confidential(kind))

    def _value(self, doc: Document, pattern: tuple, where: tuple, value: object, report: Report) -> str | None:
        """The new ciphertext of one value, or None when it stays as it is."""
        data = doc.data
        readers = recipients(self.archive, self.policy, data, doc.file.startswith("customers/"))
        keys = [self.archive.people[r].encryption_key for r in readers]
        names = "、".join(f"{self.archive.people[r].name} ({r})" for r in readers)
        outcome = Outcome(doc.file, *doc.position(where), field_path(where), ENCRYPTED, names)
        at = crypto.place(crypto.owner_of(data), pattern)
        if self.sealed_only and not crypto.is_sealed(value):
            return None
        if crypto.is_sealed(value):
            try:
                if sorted(crypto.recipient_tags(value)) == sorted(map(crypto.key_tag, keys)):
                    report.unchanged += 1
                    return None
                value = crypto.unseal(value, at, self.identity.keys)
            except crypto.ArmorError:
                outcome.action = DAMAGED
            except crypto.UnsealError as exc:
                outcome.action = {"no-key": NO_KEY, "moved": MOVED, "unbound": UNBOUND}.get(exc.reason, DAMAGED)
                outcome.found = exc.found
            else:
                outcome.action = REENCRYPTED
        if outcome.action in (ENCRYPTED, REENCRYPTED) and not keys:
            outcome.action = NOBODY
        report.outcomes.append(outcome)
        if outcome.action not in (ENCRYPTED, REENCRYPTED):
            return None
        return "" if self.dry_run else crypto.seal(value, at, keys)


def _check_rewrite(doc: Document, text: str, new_values: dict) -> None:
    """The rewritten file must hold exactly the old data with the new values: never write otherwise."""
    expected = copy.deepcopy(doc.data)
    for where, value in new_values.items():
        crypto.set_value(expected, where, value)
    try:
        if load_bytes(text.encode("utf-8"), doc.file).data == expected:
            return
    except LoadError:
        pass
    raise DossierError("rekey-rewrite-failed", file=doc.file)


def rekey(archive: Archive, schemas: SchemaSet, only: Iterable[str] | None, identity: crypto.Identity,
          today: dt.date, dry_run: bool = False, writer: Reader | None = None) -> Report:
    """Every file is worked out first; then, unless `writer` (the person acting) may not write
    one of the files that change (access.Reader.may_write), which is refused by name with nothing
    written, they are written together (transaction.write_work_tree: a killed run is finished by
    the next command)."""
    report = Report()
    rules = policy(archive, today)
    rekeyer = Rekeyer(archive, schemas, rules, identity, dry_run)
    rewritten = {}
    for rel in targets(archive.root, only):
        new = rekeyer.rewrite(rel, (archive.root / rel).read_bytes(), report)
        if new is not None:
            rewritten[rel] = new
    if writer is not None:
        refused = [rel for rel in sorted({o.file for o in report.outcomes}) if not writer.may_write_file(archive.root, rel)]
        if refused:
            raise DossierError("rekey-not-yours", person=named(writer.person), count=len(refused),
                               files=", ".join(refused[:5]) + (" …" if len(refused) > 5 else ""),
                               grantors=rules.grantors_text())
    write_work_tree(archive.root, "rekey", rewritten)
    return report


@dataclass
class Sealer:
    """Encrypts the confidential values a command writes into a card or an item (import): a value
    equal to what is stored keeps its stored ciphertext, so re-importing changes nothing; a new
    value is encrypted to its readers where archive.yaml says `confidential: encrypt`."""

    archive: Archive
    schemas: SchemaSet
    policy: AccessPolicy
    identity: crypto.Identity

    def sealed(self, data: dict, old: dict | None, card: bool) -> dict:
        """`data` with its values in clear sealed (`old`: what the file held before, if anything):
        a sealed copy, or `data` itself when no value is to be sealed (`data` is left in clear: it
        is what the schemas check)."""
        changes = list(self._seals(data, old, card))
        if not changes:
            return data
        data = copy.deepcopy(data)
        for where, value in changes:
            crypto.set_value(data, where, value)
        return data

    def _seals(self, data: dict, old: dict | None, card: bool) -> Iterator[tuple[tuple, str]]:
        """(where, ciphertext) of each value in clear to seal: its stored ciphertext when that holds
        the same value, else a new one to its readers where archive.yaml asks for encryption."""
        if old is None and not self.archive.settings.requires_encryption:
            return  # no ciphertext to keep, none to make: not worth a walk of the confidential fields
        patterns = self.schemas.confidential("customer" if card else str(data.get("type")))
        for pattern, where, value in crypto.values_at(data, patterns):
            if crypto.is_sealed(value):
                continue
            at = crypto.place(crypto.owner_of(data), pattern)
            stored = _get(old, where)
            if crypto.is_sealed(stored) and self._holds(stored, at, value):
                yield where, stored
            elif self.archive.settings.requires_encryption:
                keys = [self.archive.people[r].encryption_key for r in recipients(self.archive, self.policy, data, card)]
                if keys:  # else validate says that nobody can read it
                    yield where, crypto.seal(value, at, keys)

    def _holds(self, stored: str, at: str, value: object) -> bool:
        try:
            return crypto.unseal(stored, at, self.identity.keys) == value
        except crypto.UnsealError:
            return False


def _get(data: object, where: tuple) -> object:
    for step in where:
        if isinstance(data, dict) and step in data:
            data = data[step]
        elif isinstance(data, list) and isinstance(step, int) and step < len(data):
            data = data[step]
        else:
            return None
    return data


def sealer(archive: Archive, schemas: SchemaSet, today: dt.date) -> Sealer:
    """The Sealer of the person acting, with their default identity ($DOSSIER_IDENTITY, ~/.ssh/id_ed25519)."""
    return Sealer(archive, schemas, policy(archive, today), crypto.load_identity())
