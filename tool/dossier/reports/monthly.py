"""The monthly focus-customer list 月度重点关注客户名单 (regulation 五.4: the monthly meeting
that updates the customer histories decides who is watched closely this month).

A customer is on the list for each of these reasons, every one with its evidence:

- grade     the card's grade is A or B (a deal is expected within one or three months);
- contract  a contract in state `open` whose term overlaps the month;
- overdue   receivables past due at the end of the month (ledger.py: FIFO, per currency);
- complaint a complaint received in the month (whatever its state now);
- key       the card's volume class is `key` 主要客户.

The list is ordered by the number of reasons (most first), then by customer id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from . import ledger
from .period import Period
from .source import Dataset

TYPES = ("sales-record", "debt-ledger", "contract", "complaint")


def years(period: Period) -> dict[str, tuple[int | None, int]]:
    """The folders to read, by category: items are dated up to a year after what they record;
    ledgers and contracts of any earlier year still count."""
    recent = (period.start.year, period.end.year + 1)
    return {"2": (None, period.end.year + 1), "3": (None, period.end.year + 1), "4": recent, "6": recent}


@dataclass(frozen=True)
class Reason:
    kind: str  # grade / contract / overdue / complaint / key
    args: dict = field(hash=False, compare=True)


@dataclass
class FocusRow:
    customer: str
    name: str
    manager: str
    grade: str
    volume_class: str
    sales: dict[str, Decimal]  # the month's sales per currency
    reasons: list[Reason]


@dataclass
class MonthlyReport:
    period: Period
    rows: list[FocusRow]
    customers: int  # cards considered


def build(data: Dataset, period: Period) -> MonthlyReport:
    reasons: dict[str, list[Reason]] = {}

    def give(customer: str, reason: Reason) -> None:
        reasons.setdefault(customer, []).append(reason)

    for customer, card in sorted(data.cards.items()):
        if card.get("grade") in ("A", "B"):
            give(customer, Reason("grade", {"grade": card["grade"]}))
    for contract in sorted(data.contracts, key=lambda c: (c.customer, c.start, c.code)):
        if contract.state == "open" and contract.start <= period.end and contract.end >= period.start:
            give(contract.customer, Reason("contract", {
                "number": contract.number, "code": contract.code, "subject": contract.subject,
                "start": contract.start, "end": contract.end, "value": contract.value}))
    for (customer, currency), entries in sorted(ledger.accounts(data).items()):
        pos = ledger.position(customer, currency, entries, period.end)
        if pos.overdue > 0:
            give(customer, Reason("overdue", {"amount": pos.overdue, "currency": currency,
                                              "days": pos.oldest_days,
                                              "charges": sum(1 for c in pos.open_charges if c.days_past_due > 0)}))
    for complaint in sorted(data.complaints, key=lambda c: (c.customer, c.received, c.code)):
        if period.contains(complaint.received):
            give(complaint.customer, Reason("complaint", {"code": complaint.code, "received": complaint.received,
                                                          "state": complaint.state,
                                                          "description": complaint.description}))
    for customer, card in sorted(data.cards.items()):
        if card.get("volume_class") == "key":
            give(customer, Reason("key", {}))

    sales: dict[str, dict[str, Decimal]] = {}
    for line in data.sale_lines(period.start, period.end):
        per = sales.setdefault(line.customer, {})
        per[line.currency] = per.get(line.currency, Decimal("0.00")) + line.amount

    order = {"grade": 0, "contract": 1, "overdue": 2, "complaint": 3, "key": 4}
    rows = []
    for customer, found in reasons.items():
        card = data.cards.get(customer) or {}
        found.sort(key=lambda r: order[r.kind])
        rows.append(FocusRow(customer, data.name(customer), str(card.get("manager") or ""),
                             str(card.get("grade") or ""), str(card.get("volume_class") or ""),
                             dict(sorted(sales.get(customer, {}).items())), found))
    rows.sort(key=lambda row: (-len(row.reasons), row.customer))
    return MonthlyReport(period, rows, len(data.cards))
