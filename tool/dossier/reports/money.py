"""Amounts as the archive writes them, "12000.00 CNY": Decimal and currency, never a float.

Figures of different currencies are never added together: every sum is kept per currency.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

AMOUNT_RE = re.compile(r"^(-?(?:0|[1-9][0-9]*)\.[0-9]{2}) ([A-Z]{3})$")
ZERO = Decimal("0.00")
RATIO_PLACES = Decimal("0.0001")  # ratios are kept to 0.01 %


class Money(NamedTuple):
    """An amount with its currency: what a money cell of a report holds."""

    amount: Decimal
    currency: str


def parse_amount(text: object) -> Money | None:
    """"12000.00 CNY" → Money(Decimal("12000.00"), "CNY"); anything else → None."""
    match = AMOUNT_RE.match(text) if isinstance(text, str) else None
    return Money(Decimal(match.group(1)), match.group(2)) if match else None


def ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole rounded half-up to 4 places (0.01 %); None when whole is zero."""
    if not whole:
        return None
    return (part / whole).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)


def add(sums: dict[str, Decimal], currency: str, amount: Decimal) -> None:
    sums[currency] = sums.get(currency, ZERO) + amount


def grouped(amount: Decimal) -> str:
    """12345.6 → "12,345.60"."""
    return f"{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


def format_money(value: Money | None) -> str:
    return "" if value is None else f"{grouped(value.amount)} {value.currency}"


def format_ratio(value: Decimal | None) -> str:
    """0.6667 → "66.67%"."""
    return "" if value is None else f"{(value * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"
