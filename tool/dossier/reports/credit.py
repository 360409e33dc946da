"""Credit management 信用管理: limits against receivables, ageing, the credit-sales ratio,
the reconciliation list 对账 and the confirmation letters 询证函.

Per account (customer and currency), at the end of the period:

- credit limit: the newest credit-limit item (category 3) in effect at the period end (latest
  `effective`, then item date, then code); else the newest export-terms item's credit amount
  (授信金额); else the card's `credit_limit`. A limit is compared only with receivables of
  its own currency.
- outstanding receivables and ageing: ledger.py (FIFO, days past due at the period end).
- credit-sales ratio 签单率: sales-record lines dated in the period whose record is settled on
  credit (settlement: credit, 签单挂账), divided by all sales-record lines dated in the period.
- over the limit: outstanding > limit.

Rows: every account with a limit, a ledger entry up to the period end that leaves a balance
or falls in the period, or sales in the period.

Reconciliation 对账 over the period, per account: opening balance, charges, repayments,
closing balance; the credit sales in the period from the sales records (业务台账) against the
charges of the ledgers (往来账): the difference must be nil. Status: `agrees` 相符 when there
is no difference and the ledger holding the period end is confirmed by the customer
(`reconciled: true`); `unconfirmed` 待确认 when there is no difference but it is not
confirmed; `differs` 不符 otherwise. Recorded ledger balances that differ from the computed
ones are listed too (ledger.ledger_checks).

Confirmation letters 询证函 (for the half-year check, 每半年结束的次月): one per customer
whose account has a balance at the period end or entries in the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from ..archive.config import text_or_none
from . import ledger
from .money import ZERO, Money, parse_amount, ratio
from .period import Period
from .source import CreditLimit, Dataset

TYPES = ("sales-record", "debt-ledger", "credit-limit", "export-terms")


def years(period: Period) -> dict[str, tuple[int | None, int]]:
    """Every ledger and limit up to the period (balances run from the first ledger); the sales
    records of the period, dated up to a year after it."""
    return {"3": (None, period.end.year + 1), "6": (period.start.year, period.end.year + 1)}


@dataclass(frozen=True)
class Limit:
    amount: Decimal
    currency: str
    source: str  # credit-limit / export-terms / card
    code: str | None  # the item that set it


def credit_limit(data: Dataset, customer: str, as_of: dt.date,
                 items: list[CreditLimit] | None = None) -> Limit | None:
    """`items`: the customer's credit-limit and export-terms items (default: all of data's)."""
    items = data.limits if items is None else items
    for kind in ("credit-limit", "export-terms"):
        candidates = [c for c in items if c.customer == customer and c.kind == kind and c.effective <= as_of]
        if candidates:
            best: CreditLimit = max(candidates, key=lambda c: (c.effective, c.date, c.code))
            return Limit(best.limit.amount, best.limit.currency, kind, best.code)
    card = parse_amount((data.cards.get(customer) or {}).get("credit_limit"))
    return Limit(card.amount, card.currency, "card", None) if card else None


@dataclass
class CreditRow:
    customer: str
    name: str
    currency: str
    limit: Limit | None
    position: ledger.Position
    credit_sales: Decimal
    total_sales: Decimal

    @property
    def outstanding(self) -> Decimal:
        return self.position.balance

    @property
    def utilisation(self) -> Decimal | None:
        return ratio(self.outstanding, self.limit.amount) if self.limit and self.limit.amount > 0 else None

    @property
    def over_limit(self) -> bool:
        return self.limit is not None and self.outstanding > self.limit.amount

    @property
    def excess(self) -> Decimal | None:
        return self.outstanding - self.limit.amount if self.over_limit else None

    @property
    def credit_ratio(self) -> Decimal | None:
        return ratio(self.credit_sales, self.total_sales)


@dataclass
class Totals:
    currency: str
    limit: Decimal = ZERO
    outstanding: Decimal = ZERO
    buckets: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(ledger.BUCKETS, ZERO))
    credit_sales: Decimal = ZERO
    total_sales: Decimal = ZERO
    over_limit: int = 0

    @property
    def overdue(self) -> Decimal:
        return sum((self.buckets[b] for b in ledger.OVERDUE_BUCKETS), ZERO)

    @property
    def credit_ratio(self) -> Decimal | None:
        return ratio(self.credit_sales, self.total_sales)


@dataclass
class ReconRow:
    customer: str
    name: str
    currency: str
    opening: Decimal
    charges: Decimal
    repayments: Decimal
    closing: Decimal
    credit_sales: Decimal
    ledgers: list[str]  # the ledgers with entries in the period, or holding its end
    confirmed: bool | None  # reconciled flag of the ledger holding the period end (None: no such ledger)
    sales_records: int
    sales_reconciled: int

    @property
    def difference(self) -> Decimal:
        """Credit sales (业务台账) minus ledger charges (往来账)."""
        return self.credit_sales - self.charges

    @property
    def status(self) -> str:
        if self.difference:
            return "differs"
        return "agrees" if self.confirmed is not False else "unconfirmed"


@dataclass
class Letter:
    customer: str
    name: str
    number: str
    as_of: dt.date
    balances: list[Money]
    open_charges: dict[str, list[ledger.OpenCharge]]  # currency → what is unpaid
    manager: str


@dataclass
class CreditReport:
    period: Period
    rows: list[CreditRow]
    totals: dict[str, Totals]
    recon: list[ReconRow]
    checks: list[ledger.LedgerCheck]
    letters: list[Letter]

    @property
    def over_limit(self) -> list[CreditRow]:
        return [row for row in self.rows if row.over_limit]


def build(data: Dataset, period: Period) -> CreditReport:
    by_account = ledger.accounts(data)
    credit_sales: dict[tuple[str, str], Decimal] = {}
    total_sales: dict[tuple[str, str], Decimal] = {}
    for line in data.sale_lines(period.start, period.end):
        key = (line.customer, line.currency)
        total_sales[key] = total_sales.get(key, ZERO) + line.amount
        if line.settlement == "credit":
            credit_sales[key] = credit_sales.get(key, ZERO) + line.amount

    items: dict[str, list[CreditLimit]] = {}
    for item in data.limits:
        items.setdefault(item.customer, []).append(item)
    limits = {c: credit_limit(data, c, period.end, items.get(c, [])) for c in {*data.cards, *items}}
    keys = set(total_sales)
    keys |= {(c, lim.currency) for c, lim in limits.items() if lim is not None}
    positions = {}
    for key, entries in by_account.items():
        pos = ledger.position(key[0], key[1], entries, period.end)
        positions[key] = pos
        if any(e.date <= period.end for e in entries) and (
                pos.balance or any(period.start <= e.date <= period.end for e in entries)):
            keys.add(key)

    rows, totals = [], {}
    for customer, currency in sorted(keys):
        pos = positions.get((customer, currency)) or ledger.Position(customer, currency, period.end)
        limit = limits.get(customer)
        row = CreditRow(customer, data.name(customer), currency,
                        limit if limit is not None and limit.currency == currency else None, pos,
                        credit_sales.get((customer, currency), ZERO), total_sales.get((customer, currency), ZERO))
        rows.append(row)
        total = totals.setdefault(currency, Totals(currency))
        total.limit += row.limit.amount if row.limit else ZERO
        total.outstanding += row.outstanding
        for bucket, amount in pos.buckets.items():
            total.buckets[bucket] += amount
        total.credit_sales += row.credit_sales
        total.total_sales += row.total_sales
        total.over_limit += row.over_limit
    totals = dict(sorted(totals.items()))

    recon = _reconciliation(data, period, by_account, credit_sales)
    checks = ledger.ledger_checks(data, by_account, period.start, period.end)
    letters = _letters(data, period, by_account, positions)
    return CreditReport(period, rows, totals, recon, checks, letters)


def _reconciliation(data: Dataset, period: Period, by_account, credit_sales) -> list[ReconRow]:
    records: dict[tuple[str, str], list] = {}
    for record in data.sales:
        for currency in sorted({line.currency for line in record.lines if period.contains(line.date)}):
            records.setdefault((record.customer, currency), []).append(record)
    by_key: dict[tuple[str, str | None], list] = {}
    for item in data.ledgers:
        by_key.setdefault((item.customer, item.currency), []).append(item)
    rows = []
    for key in sorted(set(by_account) | set(credit_sales)):
        customer, currency = key
        entries = by_account.get(key, [])
        move = ledger.movement(entries, period.start, period.end)
        if not (move.opening or move.charges or move.repayments or move.closing or credit_sales.get(key)):
            continue
        ledgers = sorted((item for item in by_key.get(key, [])
                          if item.period_start <= period.end and item.period_end >= period.start),
                         key=lambda item: (item.period_start, item.code))
        holding = [item for item in ledgers if item.period_start <= period.end <= item.period_end]
        confirmed = all(item.reconciled is True for item in holding) if holding else None
        sales = records.get(key, [])
        rows.append(ReconRow(customer, data.name(customer), currency, move.opening, move.charges, move.repayments,
                             move.closing, credit_sales.get(key, ZERO), [item.code for item in ledgers], confirmed,
                             len(sales), sum(1 for r in sales if r.reconciled is True)))
    return rows


def _letters(data: Dataset, period: Period, by_account, positions) -> list[Letter]:
    letters: dict[str, Letter] = {}
    for (customer, currency), entries in sorted(by_account.items()):
        pos = positions[(customer, currency)]
        active = any(period.start <= e.date <= period.end for e in entries)
        if not (pos.balance or active):
            continue
        letter = letters.get(customer)
        if letter is None:
            manager = (data.cards.get(customer) or {}).get("manager")
            letter = letters[customer] = Letter(customer, data.name(customer), f"QZ-{period.label}-{customer}",
                                                period.end, [], {},
                                                data.people.get(text_or_none(manager) or "", str(manager or "")))
        letter.balances.append(Money(pos.balance, currency))
        letter.open_charges[currency] = list(pos.open_charges)
    return list(letters.values())
