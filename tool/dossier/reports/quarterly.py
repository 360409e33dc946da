"""The quarterly consumption analysis 季度消费分析 and the class changes it proposes
(regulation 五.4: 每季度召开一次消费分析会，根据客户消费情况，对其进行各类客史档案动态转换).

Consumption: the amounts of the sales-record lines dated in the quarter, per customer and
currency (a record spanning two quarters is split by its lines' dates).

ABC by Pareto, one analysis per currency (amounts of different currencies are never added):
customers are ranked by consumption, largest first, ties by customer id. A customer's class is
decided by the share of the currency's total held by the customers ranked before it:

    A  less than 80 % before it: the customers that make the first 80 % of sales, including
       the one that crosses 80 %;
    B  80 % or more, but less than 95 % before it: the next 15 %;
    C  95 % or more before it: the rest; and every customer with no (or no positive)
       consumption in the quarter.

Customers with equal consumption get the same class, the one the first of them gets (a tie
never splits across a boundary). A customer with sales in two currencies takes the better of
its two classes. The analysis covers every customer with sales in the quarter and every card
whose status is not `withdrawn`.

Proposed changes against the card, each with its evidence:

- abc_class     the class of the analysis;
- volume_class  follows the class: A → key 主要客户, B → general 一般客户, C → scattered 分散客户;
- grade         only where the records support it:
                E when the card's status is `withdrawn` (a withdrawn member: 死亡客户);
                A when the customer bought in every month of the quarter (deals within a month);
                D when an active or dormant customer graded A, B or C bought nothing in this
                quarter nor the one before (no deal for half a year).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .money import ZERO, ratio
from .period import Period
from .source import Dataset

TYPES = ("sales-record",)
CLASSES = ("A", "B", "C")
VOLUME_OF = {"A": "key", "B": "general", "C": "scattered"}
A_LIMIT = Decimal(80)  # percent of the total held before the customer
B_LIMIT = Decimal(95)


def years(period: Period) -> dict[str, tuple[int | None, int]]:
    """The previous quarter too (the grade evidence looks back half a year); a sales record is
    dated up to a year after its lines."""
    return {"6": (period.previous().start.year, period.end.year + 1)}


@dataclass
class Consumption:
    customer: str
    name: str
    currency: str
    months: list[Decimal]  # one amount per month of the quarter
    total: Decimal
    lines: int
    rank: int = 0
    share: Decimal | None = None  # of the currency's total
    before: Decimal | None = None  # cumulative share of the customers ranked before
    cumulative: Decimal | None = None  # cumulative share including this customer
    abc: str = "C"


@dataclass(frozen=True)
class Proposal:
    customer: str
    name: str
    field: str  # abc_class / volume_class / grade
    current: str | None
    proposed: str
    evidence: str  # abc / no-sales / every-month / no-sales-half-year / withdrawn
    args: dict = field(hash=False, compare=True)


@dataclass
class QuarterlyReport:
    period: Period
    consumption: dict[str, list[Consumption]]  # currency → ranked rows
    totals: dict[str, Decimal]
    no_sales: list[str]  # customers in the analysis with no sales in the quarter (class C)
    classes: dict[str, str]  # customer → class
    proposals: list[Proposal]

    def counts(self, currency: str) -> dict[str, int]:
        rows = self.consumption.get(currency, [])
        return {c: sum(1 for r in rows if r.abc == c) for c in CLASSES}


def classify(amounts: list[tuple[str, Decimal]]) -> list[tuple[str, Decimal, str, Decimal, Decimal]]:
    """Rank (customer, amount) pairs and classify them: (customer, amount, class, sum of the
    amounts ranked before, sum including this one), in rank order. Exact: the boundaries are
    compared as before × 100 < 80 × total, no share is rounded."""
    ranked = sorted(amounts, key=lambda pair: (-pair[1], pair[0]))
    total = sum((a for _, a in ranked if a > 0), ZERO)
    result = []
    running = ZERO
    group_amount, group_class = None, "A"
    for customer, amount in ranked:
        if amount <= 0:
            result.append((customer, amount, "C", running, running))
            continue
        before = running
        running += amount
        if amount != group_amount:  # a new group of equal amounts: its first member decides
            group_amount = amount
            if before * 100 < A_LIMIT * total:
                group_class = "A"
            elif before * 100 < B_LIMIT * total:
                group_class = "B"
            else:
                group_class = "C"
        result.append((customer, amount, group_class, before, running))
    return result


def build(data: Dataset, period: Period) -> QuarterlyReport:
    months = period.month_periods()
    per: dict[tuple[str, str], Consumption] = {}
    for line in data.sale_lines(period.start, period.end):
        key = (line.customer, line.currency)
        row = per.get(key)
        if row is None:
            row = per[key] = Consumption(line.customer, data.name(line.customer), line.currency,
                                         [ZERO] * len(months), ZERO, 0)
        row.months[line.date.month - period.first_month] += line.amount
        row.total += line.amount
        row.lines += 1
    previous = period.previous()
    bought_before = {line.customer for line in data.sale_lines(previous.start, previous.end) if line.amount > 0}

    consumption: dict[str, list[Consumption]] = {}
    totals: dict[str, Decimal] = {}
    classes: dict[str, str] = {}
    evidence: dict[str, Consumption] = {}
    for currency in sorted({c for _, c in per}):
        rows = {customer: row for (customer, cur), row in per.items() if cur == currency}
        total = sum((r.total for r in rows.values() if r.total > 0), ZERO)
        totals[currency] = total
        ranked = []
        for rank, (customer, amount, abc, before, cumulative) in enumerate(
                classify([(c, r.total) for c, r in rows.items()]), start=1):
            row = rows[customer]
            row.rank, row.abc = rank, abc
            row.share = ratio(amount, total)
            row.before = ratio(before, total)
            row.cumulative = ratio(cumulative, total)
            ranked.append(row)
            if customer not in classes or CLASSES.index(abc) < CLASSES.index(classes[customer]):
                classes[customer] = abc
                evidence[customer] = row
        consumption[currency] = ranked

    if not per:  # no sales record at all in the period (before the archive began): nothing to classify by
        return QuarterlyReport(period, consumption, totals, [], classes, [])
    no_sales = []
    for customer, card in sorted(data.cards.items()):
        if customer not in classes and card.get("status") != "withdrawn":
            classes[customer] = "C"
            no_sales.append(customer)

    proposals = []
    for customer, card in sorted(data.cards.items()):
        name = data.name(customer)
        abc = classes.get(customer)
        if abc is not None:
            row = evidence.get(customer)
            if row is not None:
                args = {"amount": row.total, "currency": row.currency, "share": row.share, "before": row.before,
                        "rank": row.rank, "of": len(consumption[row.currency]), "class": abc}
                kind = "abc"
            else:
                args, kind = {"class": abc}, "no-sales"
            for field_name, value in (("abc_class", abc), ("volume_class", VOLUME_OF[abc])):
                if card.get(field_name) != value:
                    proposals.append(Proposal(customer, name, field_name, card.get(field_name), value, kind, args))
        grade = _grade(card, customer, per, months, bought_before, period)
        if grade is not None:
            proposals.append(Proposal(customer, name, "grade", card.get("grade"), grade[0], grade[1], grade[2]))
    return QuarterlyReport(period, consumption, totals, no_sales, classes, proposals)


def _grade(card: dict, customer: str, per: dict, months: list[Period], bought_before: set[str],
           period: Period) -> tuple[str, str, dict] | None:
    current = card.get("grade")
    status = card.get("status")
    if status == "withdrawn":
        return ("E", "withdrawn", {"status": status}) if current != "E" else None
    rows = [row for (c, _), row in per.items() if c == customer]
    monthly = [any(row.months[i] > 0 for row in rows) for i in range(len(months))]
    if rows and all(monthly):
        if current != "A":
            return "A", "every-month", {"months": [m.label for m in months]}
        return None
    bought = any(row.total > 0 for row in rows)
    if status in ("active", "dormant") and current in ("A", "B", "C") and not bought \
            and customer not in bought_before:
        return "D", "no-sales-half-year", {"since": period.previous().start, "until": period.end}
    return None
