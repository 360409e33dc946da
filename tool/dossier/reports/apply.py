"""`dossier report quarterly --apply --reason TEXT`: the proposed class changes written to the
customer cards as one change, for the sales manager's approval.

Each card's `abc_class:`, `volume_class:` or `grade:` is set in place, line by line
(archive/cards.py). In a git archive the cards are committed
together, and only they, in one Operation (transaction.py: all or nothing), with the reason as
a `Reason:` trailer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..archive.cards import card_order, edit_card
from ..archive.errors import UsageError
from ..git import gitrepo
from ..record.lifecycle import require_clean
from ..git.transaction import Operation
from .quarterly import Proposal


@dataclass(frozen=True)
class Applied:
    commit: str | None  # None when the archive is not in git
    cards: tuple[str, ...]  # archive-relative paths of the cards written
    changes: int


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def apply_proposals(root: Path, proposals: list[Proposal], reason: str | None, period_label: str) -> Applied:
    reason = _one_line(reason)
    if not reason:
        raise UsageError("report-apply-reason")
    by_customer: dict[str, dict[str, str]] = {}
    for proposal in proposals:
        by_customer.setdefault(proposal.customer, {})[proposal.field] = proposal.proposed
    if not by_customer:
        return Applied(None, (), 0)
    order = card_order(root)
    edits: dict[str, bytes] = {}  # path → new bytes
    for customer, changes in sorted(by_customer.items()):
        rel = f"customers/{customer}.yaml"
        old = (root / rel).read_bytes()
        edits[rel] = edit_card(old, rel, changes, order)
    if gitrepo.is_repository(root):
        require_clean(root, list(edits))
    operation = Operation(root, "report --apply")
    for rel, new in edits.items():
        operation.write(rel, new)
    subject = f"Quarterly analysis {period_label}: class changes for {len(edits)} customer(s)"
    lines = []
    for customer, changes in sorted(by_customer.items()):
        described = "; ".join(f"{p.field}: {p.current or '-'} -> {p.proposed}" for p in proposals if p.customer == customer)
        lines.append(f"{customer} {described}")
    trailers = [("Reason", reason), ("Dossier-Action", "reclassify"), ("Dossier-Report", f"quarterly {period_label}")]
    return Applied(operation.commit(subject, trailers, "\n".join(lines)), tuple(edits), len(proposals))
