"""Reassigning a customer 客户移交: the customer's card names another customer manager, and the
confidential values of the card and of every item of the customer (in records/, daily/ and
trash/) are encrypted to the readers after the change, in one commit (transaction.py). Only the
sales manager or the general manager reassigns (regulation: they assign customers to managers);
`dossier customer reassign` does it for one customer, and an import whose sheet changes a card's
manager does the same for each customer it moves.

The items keep their codes: a code is never changed, and the section in it says who numbered
the item. Read rights go by the card, so the new manager reads them all at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..access import crypto
from ..git import gitrepo
from ..access.rights import CardManagers, may_grant, named, policy, top_level_value
from ..archive.config import Archive, Person, text_or_none
from ..archive.errors import DossierError
from ..access.rekey import Report, Rekeyer, targets
from ..archive.schemas import SchemaSet


@dataclass(frozen=True)
class Reassigned:
    commit: str | None
    customer: str
    before: str  # the manager before (id, or "-")
    after: str
    files: tuple[str, ...]  # the card and the item files rewritten


class _Moved:
    """Card managers as they will be: the customers being moved, then what the cards say."""

    def __init__(self, root: Path, moved: dict[str, str]) -> None:
        self.moved = moved
        self.cards = CardManagers(root)

    def get(self, customer: str, default: str | None = None) -> str | None:
        return self.moved.get(customer) or self.cards.get(customer, default)


def customer_files(root: Path, customers: set[str]) -> list[str]:
    """The items (records/, daily/, trash/) of these customers, by their top-level `customer:`."""
    return [rel for rel in targets(root, None)
            if not rel.startswith("customers/") and top_level_value(root / rel, "customer") in customers]


def reencrypted(archive: Archive, schemas: SchemaSet, identity: crypto.Identity, today: dt.date,
                moved: dict[str, str], cards: dict[str, bytes]) -> dict[str, bytes]:
    """The files to write when customers change manager (`moved`: customer → new manager; `cards`:
    their card files as they will be): each card, and each item whose encrypted values change, with
    those values encrypted to the readers after the change (values kept in clear stay so). A value that cannot be
    decrypted with `identity` stops it all, named at its place."""
    rules = policy(archive, today, _Moved(archive.root, moved))
    rekeyer = Rekeyer(archive, schemas, rules, identity, dry_run=False, sealed_only=True)
    report = Report()
    found: dict[str, bytes] = {}
    sources = {**cards, **{rel: (archive.root / rel).read_bytes() for rel in customer_files(archive.root, set(moved))}}
    for rel, raw in sources.items():
        new = rekeyer.rewrite(rel, raw, report)
        found[rel] = raw if new is None else new
    if report.problems:
        raise DossierError("reassign-unreadable", file=report.problems[0].file, line=report.problems[0].line)
    if report.failed:
        failed = report.failed[0]
        raise DossierError("reassign-cannot-reencrypt", file=failed.file, line=failed.line, column=failed.column,
                           field=failed.field, action=failed.action, count=len(report.failed))
    return {rel: data for rel, data in found.items() if rel in cards or data != sources[rel]}


def reassign(archive: Archive, schemas: SchemaSet, actor: Person, customer: str, to: str, reason: str | None,
             identity: crypto.Identity, today: dt.date) -> Reassigned:
    """Move `customer` to the customer manager `to` in one commit (under the clone's lock)."""
    from .lifecycle import require_clean
    from ..archive.cards import edit_card
    from ..git.transaction import Operation, locked

    reason = " ".join((reason or "").split())
    if not reason:
        raise DossierError("reassign-reason", customer=customer)
    if not may_grant(actor):
        rules = policy(archive, today)
        raise DossierError("reassign-not-entitled", person=named(actor), customer=customer,
                           grantors=rules.grantors_text())
    target = archive.people.get(to) or archive.person_by_email(to)
    if target is None or not target.is_customer_manager or not target.section:
        raise DossierError("reassign-not-a-manager", person=to, customer=customer)
    with locked(archive.root, "customer reassign"):
        rel = f"customers/{customer}.yaml"
        if "/" in customer or not (archive.root / rel).is_file():
            raise DossierError("unknown-customer-option", customer=customer)
        raw = (archive.root / rel).read_bytes()
        before = top_level_value(archive.root / rel, "manager") or "-"
        if before == target.id:
            raise DossierError("reassign-same", customer=customer, person=named(target))
        card = edit_card(raw, rel, {"manager": target.id})
        files = reencrypted(archive, schemas, identity, today, {customer: target.id}, {rel: card})
        if gitrepo.is_repository(archive.root):
            require_clean(archive.root, list(files))
        operation = Operation(archive.root, "reassign")
        for path, data in files.items():
            operation.write(path, data)
        items = sorted(path.rsplit("/", 1)[-1].removesuffix(".yaml") for path in files if path != rel)
        trailers = [("Reason", reason), ("Dossier-Action", "reassign"), ("Dossier-Customer", customer)]
        commit = operation.commit(f"Reassign {customer}: {before} -> {target.id}",
                                  trailers + [("Dossier-Item", code) for code in items])
    return Reassigned(commit, customer, before, target.id, tuple(files))


def moved_customers(changes) -> dict[str, str]:
    """From an import's card changes: customer → new manager, for each card whose manager changes."""
    moved = {}
    for change in changes:
        before = text_or_none((change.old or {}).get("manager"))
        after = text_or_none(change.data.get("manager"))
        if change.old is not None and after and before != after:
            moved[change.label] = after
    return moved
