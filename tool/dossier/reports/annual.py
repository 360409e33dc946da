"""Half-year and annual analysis 上半年、下半年及年度消费分析: customer composition 客户构成分析.

The sales of the period (sales-record lines dated in it) by region 区域构成, nature 客户性质,
industry 行业, product 产品构成 and grade 客户等级, one analysis per currency. Region, nature,
industry and grade are read from the customer's card as it is now; the product from the
line. A customer without the field on its card is counted under "not recorded" (None).
Groups are ordered by amount, largest first, then by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .money import ZERO, ratio
from .period import Period
from .source import Dataset

TYPES = ("sales-record",)
DIMENSIONS = ("region", "nature", "industry", "product", "grade")


def years(period: Period) -> dict[str, tuple[int | None, int]]:
    return {"6": (period.start.year, period.end.year + 1)}


@dataclass
class Group:
    key: str | None
    amount: Decimal
    customers: int
    lines: int
    share: Decimal | None = None


@dataclass
class AnnualReport:
    period: Period
    totals: dict[str, Decimal]  # currency → total sales
    customers: dict[str, int]  # currency → customers with sales
    composition: dict[str, dict[str, list[Group]]]  # dimension → currency → groups


def build(data: Dataset, period: Period) -> AnnualReport:
    sums: dict[tuple[str, str, str | None], list] = {}  # (dimension, currency, key) → [amount, customers, lines]
    totals: dict[str, Decimal] = {}
    customers: dict[str, set[str]] = {}
    for line in data.sale_lines(period.start, period.end):
        card = data.cards.get(line.customer) or {}
        totals[line.currency] = totals.get(line.currency, ZERO) + line.amount
        customers.setdefault(line.currency, set()).add(line.customer)
        for dimension in DIMENSIONS:
            value = line.product if dimension == "product" else card.get(dimension)
            key = None if value in (None, "") else str(value)
            entry = sums.setdefault((dimension, line.currency, key), [ZERO, set(), 0])
            entry[0] += line.amount
            entry[1].add(line.customer)
            entry[2] += 1
    composition: dict[str, dict[str, list[Group]]] = {d: {} for d in DIMENSIONS}
    for (dimension, currency, key), (amount, who, lines) in sums.items():
        composition[dimension].setdefault(currency, []).append(
            Group(key, amount, len(who), lines, ratio(amount, totals[currency])))
    for per_currency in composition.values():
        for currency, groups in per_currency.items():
            groups.sort(key=lambda g: (-g.amount, g.key is None, g.key or ""))
        ordered = dict(sorted(per_currency.items()))
        per_currency.clear()
        per_currency.update(ordered)
    return AnnualReport(period, dict(sorted(totals.items())), {c: len(s) for c, s in sorted(customers.items())},
                        composition)
