"""Who may read what 查阅权限 (regulation rule 5).

A customer manager sees their own customers (the manager on the customer card 客户资料卡,
so a customer handed to another manager moves with its whole history); the general manager
and the sales manager see everything; anyone else reads only through a grant 查阅授权 in
access.yaml that the sales manager or the general manager approved and that is current.
Items with no customer (industry trends, some daily items) belong to the manager of the
section 卷章 they were filed in.

The same answer decides what read commands show and to whom confidential values are
encrypted, so both stay in step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .config import ACCESS_FILE, Archive, Person
from .errors import DossierError

SEES_ALL = ("sales_manager", "general_manager")
GRANTORS = SEES_ALL  # who may approve a grant


@dataclass(frozen=True)
class Grant:
    """One entry of access.yaml: a person may read a customer, a category, or a customer's
    items in one category, from approved_on to expires (both days included)."""

    index: int  # position in access.yaml, for messages
    person: str
    customer: str | None
    category: str | None
    approved_by: str
    approved_on: str
    expires: str

    def covers(self, customer: str | None, category: str | None) -> bool:
        """Whether the grant reaches an item of `customer` in `category`; for a customer
        card, category is None and any grant naming the customer (or none) reaches it."""
        if self.customer is not None and self.customer != customer:
            return False
        return self.category is None or category is None or self.category == category


def _grant(index: int, entry: object) -> Grant | None:
    if not isinstance(entry, dict) or not all(isinstance(entry.get(f), str) for f in ("person", "approved_by")):
        return None
    category = entry.get("category")
    return Grant(index, entry["person"], entry.get("customer"), None if category is None else str(category),
                 entry["approved_by"], str(entry.get("approved_on", "")), str(entry.get("expires", "")))


def grants_of(archive: Archive) -> list[Grant]:
    doc = archive.documents.get(ACCESS_FILE)
    entries = doc.data.get("grants") if doc is not None and isinstance(doc.data, dict) else None
    grants = (_grant(i, entry) for i, entry in enumerate(entries if isinstance(entries, list) else []))
    return [grant for grant in grants if grant is not None]


def sees_all(person: Person) -> bool:
    return any(role in SEES_ALL for role in person.roles)


@dataclass
class AccessPolicy:
    """The read rights of an archive on one day."""

    people: dict[str, Person]
    grants: list[Grant]
    card_managers: dict[str, str]  # customer id → manager on the card
    today: str

    def grant_defect(self, grant: Grant) -> str | None:
        """Why a grant gives nothing (a message key), or None when it is in force."""
        approver = self.people.get(grant.approved_by)
        if approver is None or not sees_all(approver) or grant.approved_by == grant.person:
            return "grant-approver-not-entitled"
        if grant.expires < self.today:
            return "grant-expired"
        if grant.approved_on > self.today:
            return "grant-not-started"
        return None

    def grants_in_force(self) -> list[Grant]:
        return [grant for grant in self.grants if self.grant_defect(grant) is None]

    def owner(self, customer: str | None, item_manager: str | None = None) -> str | None:
        """The customer manager whose material this is."""
        if customer is not None:
            return self.card_managers.get(customer, item_manager)
        return item_manager

    def readers(self, customer: str | None, category: str | None, item_manager: str | None = None) -> frozenset[str]:
        """Everyone who may read an item (or, with category None, a customer card)."""
        found = {person.id for person in self.people.values() if sees_all(person)}
        owner = self.owner(customer, item_manager)
        if owner in self.people:
            found.add(owner)
        found.update(grant.person for grant in self.grants_in_force()
                     if grant.person in self.people and grant.covers(customer, category))
        return frozenset(found)

    def may_read(self, person: Person, customer: str | None, category: str | None,
                 item_manager: str | None = None) -> bool:
        if sees_all(person) or self.owner(customer, item_manager) == person.id:
            return True
        return any(grant.person == person.id and grant.covers(customer, category)
                   for grant in self.grants_in_force())

    def may_read_item(self, person: Person, data: dict) -> bool:
        category = data.get("category")
        return self.may_read(person, data.get("customer"), None if category is None else str(category),
                             data.get("manager"))

    def grantors(self) -> list[Person]:
        return [person for person in self.people.values() if sees_all(person)]

    def refusal(self, person: Person, what: str, customer: str | None, category: str | None,
                item_manager: str | None = None) -> DossierError:
        """The error a read command raises: who is refused, what, whose it is, who can grant."""
        owner = self.people.get(self.owner(customer, item_manager) or "")
        grantors = "、".join(f"{p.name} ({p.id})" for p in self.grantors()) or "-"
        return DossierError("access-refused", person=f"{person.name} ({person.id})", what=what,
                            owner=f"{owner.name} ({owner.id})" if owner else "-", grantors=grantors)


def card_managers(root: Path) -> dict[str, str]:
    """Customer id → the manager on its card, read cheaply (only the top-level `manager:` line)."""
    managers = {}
    folder = root / "customers"
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        managers[path.stem] = _top_level_value(path, "manager")
    return {customer: manager for customer, manager in managers.items() if manager}


def _top_level_value(path: Path, key: str) -> str | None:
    # A card is a flat mapping whose `manager:` is a plain scalar at column 0; reading that one line
    # avoids loading a thousand cards to answer "whose customer is this".
    prefix = key + ":"
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(prefix):
                    value = line[len(prefix):].split("#", 1)[0].strip().strip("'\"")
                    return value or None
    except (OSError, UnicodeDecodeError):
        return None
    return None


def policy(archive: Archive, today: dt.date) -> AccessPolicy:
    return AccessPolicy(archive.people, grants_of(archive), card_managers(archive.root), today.isoformat())
