"""Report periods: a month 2026-10, a quarter 2026-Q3, a half-year 2026-H1, a year 2025."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property

from ..archive.errors import UsageError

_FORMS = (
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})-[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-[Hh]([12])$"), "half"),
    (re.compile(r"^(\d{4})$"), "year"),
)
_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
_ZH_QUARTER = "一二三四"
_EN_MONTH = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period. `number` is the month (1–12), quarter (1–4) or half (1–2); 1 for a year."""

    year: int
    kind: str
    number: int

    @property
    def months(self) -> int:
        return _MONTHS[self.kind]

    @property
    def first_month(self) -> int:
        return (self.number - 1) * self.months + 1

    @cached_property  # the reports compare thousands of dates with the period's bounds
    def start(self) -> dt.date:
        return dt.date(self.year, self.first_month, 1)

    @cached_property
    def end(self) -> dt.date:
        last = self.first_month + self.months - 1
        if last == 12:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, last + 1, 1) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        """The form given on the command line and used in file names."""
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        if self.kind == "half":
            return f"{self.year}-H{self.number}"
        return str(self.year)

    def title(self, lang: str) -> str:
        """2026年10月 / October 2026, 2026年第三季度 / Q3 2026, 2026年上半年 / first half of 2026."""
        if lang == "zh":
            if self.kind == "month":
                return f"{self.year}年{self.number}月"
            if self.kind == "quarter":
                return f"{self.year}年第{_ZH_QUARTER[self.number - 1]}季度"
            if self.kind == "half":
                return f"{self.year}年{'上' if self.number == 1 else '下'}半年"
            return f"{self.year}年度"
        if self.kind == "month":
            return f"{_EN_MONTH[self.number - 1]} {self.year}"
        if self.kind == "quarter":
            return f"Q{self.number} {self.year}"
        if self.kind == "half":
            return f"{'first' if self.number == 1 else 'second'} half of {self.year}"
        return f"year {self.year}"

    def month_periods(self) -> list[Period]:
        return [Period(self.year, "month", self.first_month + i) for i in range(self.months)]

    def previous(self) -> Period:
        count = 12 // self.months
        if self.number > 1:
            return Period(self.year, self.kind, self.number - 1)
        return Period(self.year - 1, self.kind, count)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def parse_period(text: str) -> Period:
    for pattern, kind in _FORMS:
        match = pattern.match(text.strip())
        if match:
            year = int(match.group(1))
            number = int(match.group(2)) if kind != "year" else 1
            if kind == "month" and not 1 <= number <= 12 or not 1900 <= year <= 9999:
                break
            return Period(year, kind, number)
    raise UsageError("report-period-invalid", value=text)


def last_complete(kind: str, today: dt.date) -> Period:
    """The newest period of `kind` that ended before `today`: the default of every report."""
    current = parse_period({"month": f"{today.year}-{today.month:02d}",
                            "quarter": f"{today.year}-Q{(today.month - 1) // 3 + 1}",
                            "half": f"{today.year}-H{(today.month - 1) // 6 + 1}",
                            "year": str(today.year)}[kind])
    return current.previous()
