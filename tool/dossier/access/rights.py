"""Who may read what 查阅权限 (regulation rule 5).

A customer manager sees their own customers (the manager on the customer card 客户资料卡,
so a customer handed to another manager moves with its whole history); the general manager
and the sales manager see everything; so does the archivist 档案员, who files, binds, renders,
checks and prints every volume: hers is a right of the role, and the role is given in people.yaml,
whose changes the general manager approves (a standing approval, unlike a grant's end date).
She may not approve grants. Anyone else reads only through a grant 查阅授权 in access.yaml that
the sales manager or the general manager approved and that is current.
Items with no customer (industry trends, some daily items) belong to the manager of the
section 卷章 they were filed in.

The same answer decides what read commands show and to whom confidential values are
encrypted, so both stay in step. Read commands ask a `Reader` (one person on one day).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, TypeVar

from ..archive import codes
from ..archive.config import ACCESS_FILE, Archive, Person
from ..archive.errors import DossierError, UsageError

GRANTORS = ("sales_manager", "general_manager")  # who may approve a grant
SEES_ALL = (*GRANTORS, "archivist")
IN_VOLUMES = ("filed", "bound")  # the statuses of the items paper volumes hold

T = TypeVar("T")


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

    @property
    def number(self) -> int:
        """As people count the entries of access.yaml: #1 is the first."""
        return self.index + 1

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


def grants_in(data: object) -> list[Grant]:
    """The grants of access.yaml's loaded data (entries too broken to read are left to the schema)."""
    entries = data.get("grants") if isinstance(data, dict) else None
    grants = (_grant(i, entry) for i, entry in enumerate(entries if isinstance(entries, list) else []))
    return [grant for grant in grants if grant is not None]


def grants_of(archive: Archive) -> list[Grant]:
    doc = archive.documents.get(ACCESS_FILE)
    return grants_in(doc.data) if doc is not None else []


def sees_all(person: Person) -> bool:
    return any(role in SEES_ALL for role in person.roles)


def may_grant(person: Person) -> bool:
    return any(role in GRANTORS for role in person.roles)


def named(person: Person) -> str:
    return f"{person.name} ({person.id})"


@dataclass(frozen=True)
class Reason:
    """Why someone may read something: a message key and its arguments."""

    key: str
    args: dict = field(default_factory=dict)


@dataclass
class AccessPolicy:
    """The read rights of an archive on one day."""

    people: dict[str, Person]
    grants: list[Grant]
    card_managers: dict[str, str] | CardManagers  # customer id → manager on the card
    today: str
    _readers: dict[str, Reader] = field(default_factory=dict, init=False, repr=False)

    def grant_defect(self, grant: Grant) -> str | None:
        """Why a grant gives nothing (a message key), or None when it is in force."""
        approver = self.people.get(grant.approved_by)
        if approver is None or not may_grant(approver) or grant.approved_by == grant.person:
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

    def reader(self, person: Person) -> Reader:
        """The person's read rights (made once per person)."""
        if person.id not in self._readers:
            self._readers[person.id] = Reader(self, person)
        return self._readers[person.id]

    def readers(self, customer: str | None, category: str | None, item_manager: str | None = None) -> frozenset[str]:
        """Everyone who may read an item (or, with category None, a customer card)."""
        return frozenset(person.id for person in self.people.values()
                         if self.reader(person).may_read(customer, category, item_manager))

    def may_read(self, person: Person, customer: str | None, category: str | None,
                 item_manager: str | None = None) -> bool:
        return self.reader(person).may_read(customer, category, item_manager)

    def may_read_item(self, person: Person, data: dict) -> bool:
        return self.reader(person).may_read_item(data)

    def who(self, customer: str | None, category: str | None,
            item_manager: str | None = None) -> list[tuple[Person, list[Reason]]]:
        """Everyone who may read an item (or, with category None, a customer card), each with why."""
        found = ((person, list(self.reader(person).reasons(customer, category, item_manager)))
                 for person in self.people.values())
        return [(person, reasons) for person, reasons in found if reasons]

    def void_grants(self, customer: str | None, category: str | None) -> list[Grant]:
        """The grants that would reach an item (or card) but give nothing."""
        return [grant for grant in self.grants if grant.covers(customer, category) and self.grant_defect(grant)]

    def grantors(self) -> list[Person]:
        return [person for person in self.people.values() if may_grant(person)]

    def grantors_text(self) -> str:
        return "、".join(named(p) for p in self.grantors()) or "-"

    def refusal(self, person: Person, what: str, customer: str | None, category: str | None,
                item_manager: str | None = None) -> DossierError:
        """The error a read command raises: who is refused, what, whose it is, who can grant, and
        the person's own grants that would reach it but give nothing (why they do not count)."""
        void = [grant for grant in self.void_grants(customer, category) if grant.person == person.id]
        return AccessRefused([self.void_note(grant) for grant in void], person=named(person), what=what,
                             owner=self.owner_text(customer, item_manager), grantors=self.grantors_text())

    def owner_text(self, customer: str | None, item_manager: str | None = None) -> str:
        owner = self.people.get(self.owner(customer, item_manager) or "")
        return named(owner) if owner else "-"

    def void_note(self, grant: Grant) -> Reason:
        """A grant that gives nothing, and why (for refusals and `access who`)."""
        approver = self.people.get(grant.approved_by)
        why = Reason(self.grant_defect(grant) or "", {"approver": named(approver) if approver else grant.approved_by,
                                                      "expires": grant.expires, "approved_on": grant.approved_on})
        return Reason("access-grant-void", {"number": grant.number, "person": grant.person, "scope": grant, "why": why})


class Reader:
    """One person reading on the policy's day: what every read command asks before it shows
    an item, a customer card or a history."""

    def __init__(self, policy: AccessPolicy, person: Person) -> None:
        self.policy = policy
        self.person = person
        self.sees_all = sees_all(person)
        self.grants = [grant for grant in policy.grants_in_force() if grant.person == person.id]

    def reasons(self, customer: str | None, category: str | None, item_manager: str | None = None) -> Iterator[Reason]:
        """Every reason the person may read it (none: they may not), the cheapest first."""
        for role in SEES_ALL:
            if role in self.person.roles:
                yield Reason(f"access-why-{role}")
        if self.policy.owner(customer, item_manager) == self.person.id:
            yield Reason("access-why-owner")
        for grant in self.grants:
            if grant.covers(customer, category):
                yield Reason("access-why-grant", {"number": grant.number, "expires": grant.expires, "scope": grant,
                                                  "approver": grant.approved_by})

    def may_read(self, customer: str | None, category: str | None, item_manager: str | None = None) -> bool:
        """Whether reasons() has any, without making them (listings ask it for many items)."""
        if self.sees_all or self.policy.owner(customer, item_manager) == self.person.id:
            return True
        return any(grant.covers(customer, category) for grant in self.grants)

    def may_write(self, customer: str | None, category: str | None, owners: Iterable[str | None]) -> bool:
        """Write rights follow read rights: a card (category None) or an item may be created or
        changed only by someone who may read it as it stands and as it will stand. `owners`: the
        customer manager whose material it is before and after the change (one for a new file)."""
        if self.sees_all or any(grant.covers(customer, category) for grant in self.grants):
            return True
        return all(owner == self.person.id for owner in owners)

    def may_read_item(self, data: dict, category: str | None = None) -> bool:
        """An item by its loaded data; `category` from its code when known (the code decides where it is filed)."""
        customer, manager, category = item_owner_fields(data, category)
        return self.may_read(customer, category, manager)

    def visible(self, entries: Iterable[T], data_of=lambda entry: entry.data) -> tuple[list[T], int]:
        """The entries (catalogue.Entry, or anything `data_of` turns into an item's data) the
        person may read, in their order, and how many were left out."""
        entries = list(entries)
        if self.sees_all:
            return entries, 0
        shown = [entry for entry in entries if self.may_read_item(data_of(entry), _category_of(entry))]
        return shown, len(entries) - len(shown)

    def may_read_file(self, root: Path, rel: str) -> bool:
        """Whether the person may read an archive file: a customer card, an item (by its data as it
        stands), or anything else (the configuration is everyone's)."""
        name = rel.rsplit("/", 1)[-1].removesuffix(".yaml")
        if rel.startswith("customers/"):
            return self.may_read(name, None)
        code = codes.parse(name)
        return code is None or self.may_read_item(item_data(root, code) or {}, code.category)

    def may_write_file(self, root: Path, rel: str) -> bool:
        """Whether the person may change an archive file as it stands (may_write with its owner now)."""
        name = rel.rsplit("/", 1)[-1].removesuffix(".yaml")
        if rel.startswith("customers/"):
            return self.may_write(name, None, [self.policy.owner(name)])
        code = codes.parse(name)
        if code is None:
            return True
        customer, manager, category = item_owner_fields(item_data(root, code) or {}, code.category)
        return self.may_write(customer, category, [self.policy.owner(customer, manager)])

    def visible_cards(self, customers: Iterable[str]) -> tuple[list[str], int]:
        """The customers (ids) whose cards the person may read, in their order, and how many others."""
        customers = list(customers)
        shown = customers if self.sees_all else [c for c in customers if self.may_read(c, None)]
        return shown, len(customers) - len(shown)

    def refusal(self, what: str, customer: str | None, category: str | None,
                item_manager: str | None = None) -> DossierError:
        return self.policy.refusal(self.person, what, customer, category, item_manager)

    def require_item(self, code: str, data: dict, category: str | None = None) -> None:
        """Raise the refusal unless the person may read the item."""
        if not self.may_read_item(data, category):
            customer, manager, category = item_owner_fields(data, category)
            raise self.refusal(code, customer, category, manager)

    def require_volumes(self, root: Path, category: str, year: int) -> None:
        """A paper volume is printed and checked whole: refuse when the person may not read every
        filed or bound item of the category and year (how many they may not, who can grant)."""
        if self.sees_all:
            return
        from ..archive.catalogue import Filters, entries

        found, _ = entries(root, Filters(category, year))  # unreadable files: the volume command names them
        held = [entry for entry in found if entry.data.get("status") in IN_VOLUMES]
        _, hidden = self.visible(held)
        if hidden:
            raise DossierError("access-refused-volume", person=named(self.person), category=category, year=year,
                               hidden=hidden, total=len(held), grantors=self.policy.grantors_text())

    def require_history(self, root: Path, code_text: str) -> None:
        """`history CODE` shows every version: refused when the person may not read the item as it
        stands, deleted and purged items too (no such item, or no valid code: history says so);
        `history CUSTOMER` likewise for the customer's card, by the manager it names now."""
        if self.sees_all:
            return
        code = codes.parse(code_text)
        if code is None:
            if not self.may_read(code_text, None):
                raise self.refusal(code_text, code_text, None)
            return
        data = item_data(root, code)
        if data is not None:
            self.require_item(str(code), data, code.category)

    def visible_changes(self, root: Path, changes: list[T]) -> tuple[list[T], int]:
        """The changes of `dossier log` (history.Change) of items and cards the person may read, by
        the item or card as it stands (its file, in trash/, or its last version in git: never a
        cache), and how many were left out."""
        if self.sees_all:
            return changes, 0
        cards = [change for change in changes if change.card]
        shown_cards = {id(change) for change in cards if self.may_read(change.code, None)}
        items, hidden_cards = [change for change in changes if not change.card], len(cards) - len(shown_cards)
        owners: dict[str, dict] = {}  # each item read once, however many of its changes are listed

        def data_of(change) -> dict:
            if change.code not in owners:
                code = codes.parse(change.code)
                owners[change.code] = {**(item_data(root, code) or {}), "category": code.category}
            return owners[change.code]

        shown_items = {id(change) for change in self.visible(items, data_of)[0]}
        kept = shown_cards | shown_items
        shown = [change for change in changes if id(change) in kept]
        return shown, hidden_cards + len(items) - len(shown_items)

    def hidden_note(self, hidden: int, key: str = "access-hidden") -> Reason | None:
        """What a listing says when it left things out (None when it left nothing out)."""
        if not hidden:
            return None
        return Reason(key, {"count": hidden, "person": named(self.person), "grantors": self.policy.grantors_text()})


def _category_of(entry: object) -> str | None:
    code = getattr(entry, "code", None)
    return getattr(code, "category", None)


def item_owner_fields(data: dict, category: str | None = None) -> tuple[str | None, str | None, str | None]:
    """(customer, manager, category) of an item: what its read rights depend on."""
    customer, manager = data.get("customer"), data.get("manager")
    if category is None and data.get("category") is not None:
        category = str(data["category"])
    return (customer if isinstance(customer, str) else None, manager if isinstance(manager, str) else None,
            category)


class AccessRefused(DossierError):
    """A refusal, with a line under it for each of the person's grants that would reach the
    thing but give nothing."""

    def __init__(self, notes: list[Reason], **args: object) -> None:
        super().__init__("access-refused", **args)
        self.notes = notes

    def render(self, lang: str) -> str:
        return "\n".join([super().render(lang), *("  " + reason_text(note, lang) for note in self.notes)])


def reason_text(reason: Reason, lang: str) -> str:
    """A Reason in words; a Grant argument becomes its scope, a nested Reason its own text."""
    from ..archive.messages import message

    args = {}
    for name, value in reason.args.items():
        if isinstance(value, Grant):
            value = scope_text(value, lang)
        elif isinstance(value, Reason):
            value = reason_text(value, lang)
        args[name] = value
    return message(reason.key, lang, **args)


def scope_text(grant: Grant, lang: str) -> str:
    from ..archive.messages import message

    if grant.customer and grant.category:
        return message("access-scope-both", lang, customer=grant.customer, category=grant.category)
    if grant.customer:
        return message("access-scope-customer", lang, customer=grant.customer)
    return message("access-scope-category", lang, category=grant.category)


@dataclass(frozen=True)
class Subject:
    """What `dossier access` is asked about: an item, or a customer card (category None)."""

    what: str  # the electronic code, or the customer id
    customer: str | None
    category: str | None
    manager: str | None  # the item's own manager (its section's), for items without a customer

    @property
    def is_card(self) -> bool:
        return self.category is None


def subject(root: Path, text: str) -> Subject:
    """An electronic code (the item as it stands, deleted and purged ones too) or a customer id."""
    code = codes.parse(text)
    if code is not None:
        data = item_data(root, code)
        if data is None:
            raise DossierError("item-not-found", code=text)
        customer, manager, category = item_owner_fields(data, code.category)
        return Subject(str(code), customer, category, manager)
    if text and "/" not in text and "\\" not in text and (root / "customers" / f"{text}.yaml").is_file():
        return Subject(text, text, None, None)
    from ..archive.lookup import customer_id  # a customer's name, or a part of one naming only one customer

    try:
        found = customer_id(root, text, "CUSTOMER")
    except UsageError as exc:
        if exc.key == "filter-ambiguous":
            raise
        raise UsageError("access-what-invalid", what=text) from None
    return Subject(found, found, None, None)


def item_data(root: Path, code: codes.Code) -> dict | None:
    """An item as it stands: its file, else its file in trash/ (deleted), else its last version in
    git (purged, or its file cannot be read now: its read rights are those of its last committed
    version); {} when none of those can be read, None when there is none."""
    from ..git.gitwalk import TRASH

    present = next(((root / rel).read_bytes() for rel in (code.path, TRASH + code.path) if (root / rel).is_file()),
                   None)
    data = _mapping(present, code.path) if present is not None else None
    if data is None:
        from ..git.past import last_version  # only then load what reads git's past

        found = last_version(root, code.path)
        data = _mapping(found[2], code.path) if found else None
        if found is None and present is None:
            return None
    return data if data is not None else {}


def _mapping(raw: bytes, file: str) -> dict | None:
    from ..archive.loader import LoadError, load_bytes

    try:
        data = load_bytes(raw, file).data
    except LoadError:
        return None
    return data if isinstance(data, dict) else None


class CardManagers:
    """Customer id → the manager on its card, each card read the first time it is asked about (and
    only its top-level `manager:` line): `show` of one item reads one card, not a thousand."""

    def __init__(self, root: Path) -> None:
        self.folder = root / "customers"
        self.known: dict[str, str | None] = {}

    def get(self, customer: str, default: str | None = None) -> str | None:
        if customer not in self.known:
            plain = "/" not in customer and "\\" not in customer  # an id, not a way out of customers/
            self.known[customer] = top_level_value(self.folder / f"{customer}.yaml", "manager") if plain else None
        return self.known[customer] or default


def top_level_value(path: Path, key: str) -> str | None:
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


def policy(archive: Archive, today: dt.date, managers: dict[str, str] | None = None) -> AccessPolicy:
    """The archive's read rights on `today`; `managers` (customer → manager on the card) when the
    caller already knows them, e.g. from the index."""
    return AccessPolicy(archive.people, grants_of(archive),
                        CardManagers(archive.root) if managers is None else managers, today.isoformat())
