"""The confidential-values rule of `dossier validate`, checked without decrypting anything.

Per file (cached with the file's other results): where each confidential value stands, whether
it is in clear, malformed or encrypted, and to which key tags. Archive-wide (each run, since
the readers depend on the customer cards, people.yaml, access.yaml and today's grants): whether
every encrypted value has exactly the readers of its item as recipients, whether a value in
clear is allowed (archive.yaml `confidential: encrypt` forbids it), and who may read
confidential values but has no encryption_key to encrypt them to.

A mismatch that only concerns people reading through a grant is a warning: a grant begins and
ends on a date, and the archive should not turn invalid overnight; `dossier rekey` settles it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..access import crypto
from ..access.rights import AccessPolicy, grants_of, sees_all
from ..archive.config import PEOPLE_FILE, Archive, open_archive, text_or_none
from ..archive.loader import Document, LoadError
from ..archive.problems import WARNING, Problem
from ..archive.schema_errors import field_path
from ..archive.schemas import SchemaSet

RULE = "confidential"
CLEAR, SEALED, MALFORMED, UNBOUND = "clear", "sealed", "malformed", "unbound"


@dataclass(frozen=True)
class Value:
    """One confidential value of a file, as validate needs to know it."""

    field: str  # dotted path, for messages
    line: int
    column: int
    state: str  # clear | sealed | malformed | unbound (too short for dossier's binding: crypto.can_be_bound)
    tags: tuple[str, ...] = ()  # recipients' key tags (sealed); what is wrong (malformed: the detail)


@dataclass(frozen=True)
class Sealing:
    """The confidential values of one card or item, and whose they are."""

    file: str
    customer: str | None
    category: str | None  # None for a customer card
    manager: str | None  # the item's manager (or the card's)
    card: bool
    values: tuple[Value, ...]


def sealing(doc: Document, kind: str, schemas: SchemaSet, encrypting: bool) -> Sealing | None:
    """The per-file facts of a customer card (kind 'customer') or an item ('item'). Every card has
    them, values or not: its manager decides who reads the customer's items. Values in clear are
    kept only where archive.yaml requires encryption (`encrypting`; archive.yaml is part of the
    cache key): elsewhere they are no problem, and 100,000 items' worth would slow the cache."""
    data = doc.data if isinstance(doc.data, dict) else {}
    card = kind == "customer"
    patterns = schemas.confidential("customer" if card else str(data.get("type")))
    owner = crypto.owner_of(data)
    found = (_value(doc, crypto.place(owner, pattern), path, value)
             for pattern, path, value in crypto.values_at(data, patterns) if encrypting or crypto.is_sealed(value))
    values = tuple(found)
    if not values and not card:
        return None
    category = data.get("category")
    return Sealing(doc.file, text_or_none(data.get("id" if card else "customer")),
                   None if card or category is None else str(category), text_or_none(data.get("manager")), card, values)



def _value(doc: Document, at: str, path: tuple, value: object) -> Value:
    line, column = doc.position(path)
    field = field_path(path)
    if not crypto.is_sealed(value):
        return Value(field, line, column, CLEAR)
    try:
        tags = crypto.recipient_tags(value)
        bound = crypto.can_be_bound(crypto.plaintext_size(value), at)
    except crypto.ArmorError as exc:
        return Value(field, line, column, MALFORMED, (str(exc),))
    return Value(field, line, column, SEALED if bound else UNBOUND, tags)


# --- archive-wide ----------------------------------------------------------------------------------


def check(root: Path, sealings: Iterable[Sealing], today: dt.date | str) -> list[Problem]:
    """The problems of every file's confidential values, given today's readers."""
    sealings = list(sealings)
    if not sealings:
        return []
    try:
        archive = open_archive(root)
    except LoadError:
        return []  # validate reports the configuration's own problems
    encrypting = archive.settings.requires_encryption
    if not encrypting and not any(v.state != CLEAR for s in sealings for v in s.values):
        return []  # an archive that keeps its values in clear, as it may
    checker = _Checker(archive, _policy(archive, sealings, today))
    found = [problem for s in sealings for problem in checker.problems(s, encrypting)]
    return found + checker.keyless_readers()


def _policy(archive: Archive, sealings: list[Sealing], today: dt.date | str) -> AccessPolicy:
    managers = {s.customer: s.manager for s in sealings if s.card and s.customer and s.manager}
    return AccessPolicy(archive.people, grants_of(archive), managers, str(today))


class _Checker:
    def __init__(self, archive: Archive, policy: AccessPolicy) -> None:
        self.archive = archive
        self.policy = policy
        self.tag_of = {pid: crypto.key_tag(p.encryption_key) for pid, p in archive.people.items() if p.encryption_key}
        self.person_of = {tag: pid for pid, tag in self.tag_of.items()}
        self.keyless: set[str] = set()

    def problems(self, sealing: Sealing, encrypting: bool) -> list[Problem]:
        readers = self.policy.readers(sealing.customer, sealing.category, sealing.manager)
        self.keyless.update(reader for reader in readers if reader not in self.tag_of)
        expected = {self.tag_of[reader] for reader in readers if reader in self.tag_of}
        found = []
        for value in sealing.values:
            where = (sealing.file, value.line, value.column, RULE)
            if value.state == CLEAR and encrypting:
                found.append(Problem(*where, "confidential-clear", {"field": value.field, "file": sealing.file}))
            elif value.state == UNBOUND:
                found.append(Problem(*where, "confidential-unbound", {"field": value.field, "file": sealing.file}))
            elif value.state == MALFORMED:
                found.append(Problem(*where, "confidential-armor", {"field": value.field, "detail": value.tags[0],
                                                                    "file": sealing.file}))
            elif value.state == SEALED and set(value.tags) != expected:
                found.append(self._mismatch(where, value, expected, sealing))
        return found

    def _mismatch(self, where: tuple, value: Value, expected: set[str], sealing: Sealing) -> Problem:
        missing = sorted(self.person_of[tag] for tag in expected - set(value.tags))
        extra = sorted(self.person_of.get(tag, tag) for tag in set(value.tags) - expected)
        args = {"field": value.field, "file": sealing.file, "missing": self._names(missing) or "-",
                "extra": self._names(extra) or "-"}
        by_grant = all(self._through_grant(person, sealing) for person in missing + extra)
        return Problem(*where, "confidential-recipients", args, WARNING if by_grant else "error")

    def _through_grant(self, person_id: str, sealing: Sealing) -> bool:
        """Whether the person's right to read this comes and goes with a grant's dates alone."""
        person = self.archive.people.get(person_id)
        if person is None or sees_all(person) or self.policy.owner(sealing.customer, sealing.manager) == person_id:
            return False
        return any(grant.person == person_id and grant.covers(sealing.customer, sealing.category)
                   for grant in self.policy.grants)

    def _names(self, ids: list[str]) -> str:
        people = self.archive.people
        return "、".join(f"{people[i].name} ({i})" if i in people else f"? (key {i.strip('<>')})" for i in ids)

    def keyless_readers(self) -> list[Problem]:
        """Readers of confidential values without an encryption_key: a warning on their entry."""
        doc = self.archive.documents[PEOPLE_FILE]
        entries = doc.data.get("people") if isinstance(doc.data, dict) else None
        index_of = {entry.get("id"): i for i, entry in enumerate(entries or []) if isinstance(entry, dict)}
        return [Problem(PEOPLE_FILE, *doc.position(("people", index_of[pid], "id")), RULE, "confidential-no-key",
                        {"person": f"{self.archive.people[pid].name} ({pid})"}, WARNING)
                for pid in sorted(self.keyless) if pid in index_of]
