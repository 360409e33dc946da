"""The department's archive regulation as rules over loaded documents.

Rules return Problems and never print. Per-file rules (`item_rules`, `customer_rules`)
look at one document and the people; archive-wide rules (`archive_rules`) look at the
small `ItemFacts` every item leaves behind, so a cached run only re-reads changed files.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable

from ..archive import codes
from ..archive.config import Person, text_or_none
from ..archive.fsutil import file_sha256
from ..archive.hidden_text import describe, hidden_characters, may_hide, name_key, text_fields
from ..archive.loader import Document
from ..archive.problems import ERROR, WARNING, Problem


@dataclass(frozen=True)
class ItemFacts:
    """What the archive-wide rules need to know of one item (small; cached)."""

    file: str
    code: str
    code_pos: tuple[int, int]
    type: str
    customer: str | None
    customer_pos: tuple[int, int]
    signature_dates: tuple[tuple[str, str, int, int], ...]  # (which, date, line, column)



def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


# --- one item --------------------------------------------------------------------------------


def item_rules(doc: Document, people: dict[str, Person], root: Path, category_of: dict) -> list[Problem]:
    data = _dict(doc.data)
    found: list[Problem] = []
    found += _code_rules(doc, data, category_of)
    found += _people_rules(doc, data, people)
    if data.get("status") in ("filed", "bound"):
        found += _signature_rules(doc, data, people)
    found += _signature_date_rules(doc, data)
    found += _attachment_rules(doc, data, root)
    found += hidden_text_rules(doc)
    return found


def _problem(doc: Document, where: tuple, rule: str, key: str | None = None, **args) -> Problem:
    return Problem(doc.file, *doc.position(where), rule, key or rule, args)


def hidden_text_rules(doc: Document) -> list[Problem]:
    """Bidirectional controls and invisible characters in any text of the file (CVE-2021-42574
    class): each named with its code point and where it stands in the text."""
    if not may_hide(doc.data):
        return []
    found = []
    for path, text in text_fields(doc.data):
        for index, character in hidden_characters(text):
            found.append(_problem(doc, path, "text-hidden", field=".".join(map(str, path)) or "(document)",
                                  character=describe(character), index=index + 1))
            break  # one per text is enough to find it; the message says which character
    return found


def _code_rules(doc: Document, data: dict, category_of: dict) -> list[Problem]:
    found = []
    item_type, category = data.get("type"), data.get("category")
    if isinstance(item_type, str) and item_type in category_of and category is not None and category != category_of[item_type]:
        found.append(_problem(doc, ("category",), "category-type", type=item_type,
                              expected=category_of[item_type], category=category))
    code = codes.parse(data.get("code"))
    if code is None:
        return found  # the schema reports a malformed code
    if code.path != doc.file:
        found.append(_problem(doc, ("code",), "code-path", code=str(code), expected=code.path))
    if category is not None and str(category) != code.category:
        found.append(_problem(doc, ("category",), "code-category", category=category, code=str(code)))
    date = text_or_none(data.get("date"))
    if date and date[:4].isdigit() and int(date[:4]) != code.year:
        found.append(_problem(doc, ("date",), "code-year", date=date, year=code.year, date_year=date[:4]))
    return found


def _people_rules(doc: Document, data: dict, people: dict[str, Person]) -> list[Problem]:
    found = []
    for field in ("manager", "handler"):
        person = text_or_none(data.get(field))
        if person and person not in people:
            found.append(_problem(doc, (field,), "person-unknown", field=field, person=person))
    manager = people.get(text_or_none(data.get("manager")) or "")
    code = codes.parse(data.get("code"))
    if manager is None:
        return found
    if not manager.is_customer_manager:
        found.append(_problem(doc, ("manager",), "manager-role", person=manager.id))
    elif code and manager.section != code.section:
        found.append(_problem(doc, ("code",), "manager-section", section=code.section,
                              person=manager.id, expected=manager.section))
    return found


def _signature_rules(doc: Document, data: dict, people: dict[str, Person]) -> list[Problem]:
    """Filing needs three signatures: the customer's, the handler's and the handler's
    direct supervisor's (the customer's only where the item concerns a customer)."""
    signatures = _dict(data.get("signatures"))
    required = ("customer", "handler", "supervisor") if data.get("customer") else ("handler", "supervisor")
    line, column = doc.key_positions.get(("signatures",), doc.position(()))  # point at `signatures:` itself
    found = [
        Problem(doc.file, line, column, "signature-missing", "signature-missing", {"which": which})
        for which in required
        if which not in signatures
    ]
    handler = text_or_none(data.get("handler"))
    signed_handler = text_or_none(_dict(signatures.get("handler")).get("person"))
    if handler and signed_handler and signed_handler != handler:
        found.append(_problem(doc, ("signatures", "handler", "person"), "signature-handler",
                              signed=signed_handler, handler=handler))
    signed_supervisor = text_or_none(_dict(signatures.get("supervisor")).get("person"))
    if handler in people and signed_supervisor:
        expected = people[handler].supervisor
        where = ("signatures", "supervisor", "person")
        if expected is None:
            found.append(_problem(doc, where, "supervisor-none", handler=handler))
        elif signed_supervisor != expected:
            found.append(_problem(doc, where, "supervisor", signed=signed_supervisor, handler=handler,
                                  expected=expected))
    return found


def _signature_dates(data: dict) -> Iterable[tuple[str, str]]:
    for which, signature in _dict(data.get("signatures")).items():
        date = text_or_none(_dict(signature).get("date"))
        if date:
            yield which, date


def _signature_date_rules(doc: Document, data: dict) -> list[Problem]:
    item_date = text_or_none(data.get("date"))
    if not item_date:
        return []
    return [
        _problem(doc, ("signatures", which, "date"), "signature-before-date", which=which, date=date,
                 item_date=item_date)
        for which, date in _signature_dates(data)
        if date < item_date  # ISO dates order as text
    ]


def _attachment_rules(doc: Document, data: dict, root: Path) -> list[Problem]:
    attachments = data.get("attachments")
    if not isinstance(attachments, list):
        return []
    folder = (root / doc.file).parent
    found = []
    for index, attachment in enumerate(attachments):
        entry = _dict(attachment)
        name = text_or_none(entry.get("file"))
        if name is None:
            continue
        where = ("attachments", index, "file")
        problem = _attachment_problem(folder, root, name, text_or_none(entry.get("sha256")))
        if problem:
            key, args = problem
            found.append(_problem(doc, where, key, path=name, **args))
    return found


def _attachment_problem(folder: Path, root: Path, name: str, sha256: str | None) -> tuple[str, dict] | None:
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or "\\" in name or name.startswith("~"):
        return "attachment-path", {}
    path = folder / pure
    try:
        if not path.exists():
            return ("attachment-outside", {}) if path.is_symlink() else ("attachment-missing", {})
    except OSError:  # a name longer than the file system allows: there is no such file
        return "attachment-missing", {}
    real_root = root.resolve()
    if real_root not in path.resolve().parents or not path.is_file():
        return "attachment-outside", {}
    actual = file_sha256(path)
    if sha256 and actual != sha256:
        return "attachment-hash", {"actual": actual}
    return None


def item_facts(doc: Document) -> ItemFacts | None:
    data = _dict(doc.data)
    code = codes.parse(data.get("code"))
    if code is None:
        return None
    dates = tuple(
        (which, date, *doc.position(("signatures", which, "date"))) for which, date in _signature_dates(data)
    )
    return ItemFacts(
        file=doc.file,
        code=str(code),
        code_pos=doc.position(("code",)),
        type=text_or_none(data.get("type")) or "",
        customer=text_or_none(data.get("customer")),
        customer_pos=doc.position(("customer",)),
        signature_dates=dates,
    )


# --- one customer card -----------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerFacts:
    """What the archive-wide rules need to know of one customer card."""

    id: str
    file: str
    export_pos: tuple[int, int] | None  # where `export: true` stands, for export customers
    name: str | None = None
    name_pos: tuple[int, int] = (0, 0)


def customer_facts(doc: Document) -> CustomerFacts | None:
    data = _dict(doc.data)
    customer_id = text_or_none(data.get("id"))
    if customer_id is None:
        return None
    export_pos = doc.position(("export",)) if data.get("export") is True else None
    return CustomerFacts(customer_id, doc.file, export_pos, text_or_none(data.get("name")), doc.position(("name",)))


def customer_rules(doc: Document, people: dict[str, Person]) -> list[Problem]:
    data = _dict(doc.data)
    found = []
    customer_id = text_or_none(data.get("id"))
    if customer_id and doc.file != f"customers/{customer_id}.yaml":
        found.append(_problem(doc, ("id",), "customer-id", id=customer_id))
    manager = text_or_none(data.get("manager"))
    if manager and manager not in people:
        found.append(_problem(doc, ("manager",), "person-unknown", field="manager", person=manager))
    elif manager and not people[manager].is_customer_manager:
        found.append(_problem(doc, ("manager",), "manager-role", person=manager))
    return found + hidden_text_rules(doc)


# --- people.yaml -----------------------------------------------------------------------------


def people_rules(doc: Document, people: dict[str, Person]) -> list[Problem]:
    found = []
    entries = _dict(doc.data).get("people")
    entries = entries if isinstance(entries, list) else []
    first_holder: dict[tuple[str, str], str] = {}
    for index, entry in enumerate(map(_dict, entries)):
        for field in ("id", "email", "section"):
            value = text_or_none(entry.get(field))
            if value is None:
                continue
            if (field, value) in first_holder:
                found.append(_problem(doc, ("people", index, field), "person-duplicate", field=field, value=value,
                                      other=first_holder[(field, value)]))
            else:
                first_holder[(field, value)] = text_or_none(entry.get("id")) or "?"
        supervisor = text_or_none(entry.get("supervisor"))
        if supervisor and supervisor not in people:
            found.append(_problem(doc, ("people", index, "supervisor"), "person-unknown", field="supervisor",
                                  person=supervisor))
    found += _supervisor_cycles(doc, entries, people)
    return found


def _supervisor_cycles(doc: Document, entries: list, people: dict[str, Person]) -> list[Problem]:
    found = []
    for index, entry in enumerate(entries):
        start = text_or_none(_dict(entry).get("id"))
        current, steps = people.get(start or ""), 0
        while current and current.supervisor and steps <= len(people):
            current, steps = people.get(current.supervisor), steps + 1
            if current and current.id == start:
                found.append(_problem(doc, ("people", index, "supervisor"), "supervisor-cycle", person=start))
                break
    return found


# --- access.yaml -----------------------------------------------------------------------------


def access_rules(doc: Document, people: dict[str, Person], today: str) -> list[Problem]:
    grants = _dict(doc.data).get("grants")
    found = []
    for index, grant in enumerate(grants if isinstance(grants, list) else []):
        for field in ("person", "approved_by"):
            person = text_or_none(_dict(grant).get(field))
            if person and person not in people:
                found.append(_problem(doc, ("grants", index, field), "person-unknown", field=field, person=person))
    return found + _void_grants(doc, people, today)


# Where each reason a grant gives nothing is reported, and how gravely: a grant nobody entitled
# approved is a mistake to correct; one that ended (or has not begun) is only a reminder.
_GRANT_DEFECTS = {
    "grant-approver-not-entitled": ("approved_by", ERROR),
    "grant-expired": ("expires", WARNING),
    "grant-not-started": ("approved_on", WARNING),
}


def _void_grants(doc: Document, people: dict[str, Person], today: str) -> list[Problem]:
    """Grants that give nothing (access.AccessPolicy decides, as it does for every read)."""
    from ..access.rights import AccessPolicy, grants_in

    policy = AccessPolicy(people, grants_in(doc.data), {}, today)
    found = []
    for grant in policy.grants:
        defect = policy.grant_defect(grant)
        if defect is None or grant.approved_by not in people:  # an unknown approver is reported above
            continue
        field, severity = _GRANT_DEFECTS[defect]
        approver = people[grant.approved_by]
        args = {"approver": f"{approver.name} ({approver.id})", "expires": grant.expires,
                "approved_on": grant.approved_on}
        where = doc.position(("grants", grant.index, field))
        found.append(Problem(doc.file, *where, defect, defect, args, severity))
    return found


# --- the whole archive -----------------------------------------------------------------------


def archive_rules(
    facts: list[ItemFacts],
    customers: dict[str, CustomerFacts],
    today: str,
    trash_codes: frozenset[str] = frozenset(),
) -> list[Problem]:
    found = _unique_codes(facts)
    found += _customers_exist(facts, customers)
    found += _future_signatures(facts, today)
    found += _serial_gaps(facts, trash_codes)
    found += _export_terms(facts, customers)
    found += lookalike_names(customers.values())
    return found


def lookalike_names(customers: Iterable[CustomerFacts]) -> list[Problem]:
    """Customer names that read the same (hidden_text.name_key): each card after the first of
    its id order is reported, naming the first. Two cards, one customer, is a duplicate whether
    the names are equal in bytes or only to the eye."""
    first: dict[str, CustomerFacts] = {}
    found = []
    for card in sorted(customers, key=lambda c: c.id):
        if not card.name:
            continue
        key = name_key(card.name)
        other = first.setdefault(key, card)
        if other is not card:
            found.append(Problem(card.file, *card.name_pos, "customer-name-duplicate", "customer-name-duplicate",
                                 {"name": card.name, "other": other.id, "other_name": other.name}))
    return found


def _unique_codes(facts: list[ItemFacts]) -> list[Problem]:
    first: dict[str, ItemFacts] = {}
    found = []
    for fact in sorted(facts, key=lambda f: f.file):
        other = first.setdefault(fact.code, fact)
        if other is not fact:
            found.append(Problem(fact.file, *fact.code_pos, "code-unique", "code-unique",
                                 {"code": fact.code, "other": other.file}))
    return found


def _customers_exist(facts: list[ItemFacts], customers: dict[str, CustomerFacts]) -> list[Problem]:
    return [
        Problem(f.file, *f.customer_pos, "customer-unknown", "customer-unknown", {"customer": f.customer})
        for f in facts
        if f.customer and f.customer not in customers
    ]


def _future_signatures(facts: list[ItemFacts], today: str) -> list[Problem]:
    return [
        Problem(f.file, line, column, "signature-future", "signature-future",
                {"which": which, "date": date, "today": today})
        for f in facts
        for which, date, line, column in f.signature_dates
        if date > today
    ]


def _serial_gaps(facts: list[ItemFacts], trash_codes: frozenset[str]) -> list[Problem]:
    """Warn where a section's serial numbers skip (the catalogue must be complete).

    A number whose item sits in trash/ is accounted for: its deletion is recorded."""
    by_section: dict[tuple, dict[int, ItemFacts]] = defaultdict(dict)
    for fact in facts:
        code = codes.parse(fact.code)
        by_section[(code.category, code.year, code.section)][code.serial] = fact
    taken = {(c.category, c.year, c.section, c.serial) for c in map(codes.parse, trash_codes) if c}
    found = []
    for (category, year, section), serials in sorted(by_section.items()):
        missing = [n for n in range(1, max(serials)) if n not in serials and (category, year, section, n) not in taken]
        if missing:
            after = serials[min(n for n in serials if n > missing[0])]
            found.append(Problem(after.file, *after.code_pos, "serial-gap", "serial-gap",
                                 {"missing": _ranges(missing), "section": section, "category": category,
                                  "year": year}, WARNING))
    return found


def _ranges(numbers: list[int]) -> str:
    """[3, 4, 5, 9] → '0003–0005, 0009'."""
    spans, start = [], numbers[0]
    for previous, current in zip(numbers, numbers[1:] + [None]):
        if current != previous + 1:
            spans.append(f"{start:04d}" if start == previous else f"{start:04d}–{previous:04d}")
            start = current
    return ", ".join(spans)


def _export_terms(facts: list[ItemFacts], customers: dict[str, CustomerFacts]) -> list[Problem]:
    with_terms = {f.customer for f in facts if f.type == "export-terms"}
    found = []
    for customer_id, card in sorted(customers.items()):
        if card.export_pos and customer_id not in with_terms:
            found.append(Problem(card.file, *card.export_pos, "export-terms", "export-terms",
                                 {"customer": customer_id}, WARNING))
    return found


def trash_codes(root: Path) -> frozenset[str]:
    """Codes of items deleted but inside their retention month (trash/ mirrors records/)."""
    trash = root / "trash"
    if not trash.is_dir():
        return frozenset()
    return frozenset(
        name[:-5] for _, _, names in os.walk(trash) for name in names if codes.parse(name[:-5]) and name.endswith(".yaml")
    )
