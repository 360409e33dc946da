"""Receivables 应收账款 from the debt-and-repayment ledgers 欠款还款台账.

An account is one customer in one currency. Its entries are the charges 欠款 and repayments
还款 of all the customer's ledgers, plus one brought-forward charge: the opening balance of the
customer's first ledger in that currency (the balance from before the archive began, which no
earlier ledger's entries hold). Later ledgers' opening balances are never added: their
entries already hold them; `ledger_checks` compares them with the computed balance instead.

Repayments are allocated to charges first in, first out: every repayment up to a date pays
the oldest charges (by date, then due date, then ledger and position). What the repayments
do not reach is open; its age is the days from its due date to the as-of date:

    not yet due   due on or after the as-of date
    0–30          1 to 30 days past due
    31–60         31 to 60 days
    61–90         61 to 90 days
    >90           more than 90 days

Repayments beyond all charges are a credit balance (预收): the outstanding amount is then
negative and no charge is open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from .money import ZERO
from .source import Dataset, Ledger, LedgerEntry

BUCKETS = ("not_due", "d0_30", "d31_60", "d61_90", "d90_plus")
OVERDUE_BUCKETS = BUCKETS[1:]
BROUGHT_FORWARD = "brought-forward"


def bucket_of(days_past_due: int) -> str:
    if days_past_due <= 0:
        return "not_due"
    if days_past_due <= 30:
        return "d0_30"
    if days_past_due <= 60:
        return "d31_60"
    if days_past_due <= 90:
        return "d61_90"
    return "d90_plus"


@dataclass(frozen=True)
class OpenCharge:
    date: dt.date
    due: dt.date
    original: Decimal
    open: Decimal
    days_past_due: int
    reference: str | None
    code: str
    kind: str  # charge / brought-forward


@dataclass
class Position:
    """One account at a date: what was charged and repaid up to it, and what is open."""

    customer: str
    currency: str
    as_of: dt.date
    charges: Decimal = ZERO
    repayments: Decimal = ZERO
    open_charges: list[OpenCharge] = field(default_factory=list)
    buckets: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(BUCKETS, ZERO))

    @property
    def balance(self) -> Decimal:
        """Outstanding receivable: charges minus repayments (negative: a credit balance)."""
        return self.charges - self.repayments

    @property
    def credit_balance(self) -> Decimal:
        return max(self.repayments - self.charges, ZERO)

    @property
    def overdue(self) -> Decimal:
        return sum((self.buckets[b] for b in OVERDUE_BUCKETS), ZERO)

    @property
    def oldest_days(self) -> int:
        """Days past due of the oldest overdue charge (0 when nothing is overdue)."""
        return max((c.days_past_due for c in self.open_charges if c.days_past_due > 0), default=0)


Account = tuple[str, str]  # (customer, currency)


def accounts(data: Dataset) -> dict[Account, list[LedgerEntry]]:
    """Every account's entries, brought-forward balance included, in allocation order."""
    found: dict[Account, list[LedgerEntry]] = {}
    first: dict[Account, Ledger] = {}
    for ledger in data.ledgers:
        for entry in ledger.entries:
            found.setdefault((entry.customer, entry.currency), []).append(entry)
        if ledger.currency:
            key = (ledger.customer, ledger.currency)
            if key not in first or (ledger.period_start, ledger.code) < (first[key].period_start, first[key].code):
                first[key] = ledger
    for key, ledger in first.items():
        opening = ledger.opening
        if opening is not None and opening.amount and opening.currency == key[1]:
            day = ledger.period_start - dt.timedelta(days=1)
            kind = BROUGHT_FORWARD if opening.amount > 0 else "repayment"
            found.setdefault(key, []).append(
                LedgerEntry(key[0], key[1], day, kind, abs(opening.amount), day, None, ledger.code, -1))
    for entries in found.values():
        entries.sort(key=_order)
    return found


def _order(entry: LedgerEntry) -> tuple:
    return (entry.date, entry.due or entry.date, entry.code, entry.index)


def position(customer: str, currency: str, entries: list[LedgerEntry], as_of: dt.date) -> Position:
    """The account at the end of `as_of`: FIFO allocation of repayments and the ageing buckets."""
    result = Position(customer, currency, as_of)
    charges = []
    for entry in entries:
        if entry.date > as_of:
            continue
        if entry.kind == "repayment":
            result.repayments += entry.amount
        else:
            result.charges += entry.amount
            charges.append(entry)
    unpaid_repayment = result.repayments
    for entry in charges:  # already in allocation order
        paid = min(entry.amount, unpaid_repayment)
        unpaid_repayment -= paid
        left = entry.amount - paid
        if left <= 0:
            continue
        due = entry.due or entry.date
        days = (as_of - due).days
        result.open_charges.append(OpenCharge(entry.date, due, entry.amount, left, days, entry.reference,
                                              entry.code, entry.kind))
        result.buckets[bucket_of(days)] += left
    return result


@dataclass(frozen=True)
class Movement:
    """An account over a period: opening balance, what was charged and repaid, closing balance."""

    opening: Decimal
    charges: Decimal
    repayments: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening + self.charges - self.repayments


def movement(entries: list[LedgerEntry], start: dt.date, end: dt.date) -> Movement:
    opening = charges = repayments = ZERO
    for entry in entries:
        sign = -1 if entry.kind == "repayment" else 1
        if entry.date < start:
            opening += sign * entry.amount
        elif entry.date <= end:
            if sign > 0:
                charges += entry.amount
            else:
                repayments += entry.amount
    return Movement(opening, charges, repayments)


def balance_at(entries: list[LedgerEntry], day: dt.date) -> Decimal:
    """Balance at the end of `day`."""
    return sum((e.amount if e.kind != "repayment" else -e.amount for e in entries if e.date <= day), ZERO)


@dataclass(frozen=True)
class LedgerCheck:
    """A balance a ledger records that differs from what its entries and the earlier ledgers give."""

    code: str
    customer: str
    currency: str
    which: str  # opening / closing
    day: dt.date
    recorded: Decimal
    computed: Decimal

    @property
    def difference(self) -> Decimal:
        return self.recorded - self.computed


def ledger_checks(data: Dataset, by_account: dict[Account, list[LedgerEntry]], start: dt.date,
                  end: dt.date) -> list[LedgerCheck]:
    """Compare the recorded opening and closing balances of the ledgers that end within
    [start, end] with the balances computed from the entries."""
    found = []
    for ledger in sorted(data.ledgers, key=lambda item: (item.customer, item.period_start, item.code)):
        if not start <= ledger.period_end <= end or not ledger.currency:
            continue
        entries = by_account.get((ledger.customer, ledger.currency), [])
        for which, recorded, day in (("opening", ledger.opening, ledger.period_start - dt.timedelta(days=1)),
                                     ("closing", ledger.closing, ledger.period_end)):
            if recorded is None or recorded.currency != ledger.currency:
                continue
            computed = balance_at(entries, day)
            if computed != recorded.amount:
                found.append(LedgerCheck(ledger.code, ledger.customer, ledger.currency, which, day,
                                         recorded.amount, computed))
    return found
