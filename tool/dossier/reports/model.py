"""What a rendered report is made of, independent of the format: sections holding text,
tables and charts. The HTML/PDF and xlsx renderers both read this; the figures in it are the
Decimals the report computed, formatted only by the renderers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# Column kinds: text, amount (Decimal, the row's currency in its own column), ratio (Decimal
# fraction, shown as a percentage), int, date.
TEXT, AMOUNT, RATIO, INT, DATE = "text", "amount", "ratio", "int", "date"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT
    wide: bool = False  # long text: wraps in HTML, a wide column in xlsx


@dataclass
class Table:
    sheet: str  # xlsx sheet name (≤ 31 characters)
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    totals: list[dict[str, Any]] = field(default_factory=list)  # shown bold after the rows
    empty: str = ""  # what to say when there are no rows


@dataclass(frozen=True)
class Chart:
    kind: str  # pareto / bars / ageing
    title: str
    data: dict


@dataclass
class Section:
    title: str
    text: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class Document:
    kind: str  # monthly / quarterly / credit / annual / letter
    lang: str
    title: str
    period: str  # the period, as the reader says it
    organisation: str
    generated: dt.date
    sections: list[Section]
    meta: list[tuple[str, str]] = field(default_factory=list)  # label, value: shown under the title
    notes: list[str] = field(default_factory=list)  # how the figures are computed
    landscape: bool = True

    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]


def decimal_or_none(value: Any) -> Decimal | None:
    return value if isinstance(value, Decimal) else None
