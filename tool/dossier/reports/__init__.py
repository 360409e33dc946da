"""Periodic analyses 分析报表 (regulation 五.4 and 八): the monthly focus-customer list, the
quarterly consumption analysis with ABC classes, credit management with the reconciliation
list and confirmation letters, and the half-year / annual customer composition.

Data flows one way: source.py reads the archive into records with Decimal amounts →
monthly / quarterly / credit / annual compute the figures (plain dataclasses, what the tests
compare) → document.py lays them out in one language → render_html (HTML), render_pdf (PDF:
WeasyPrint lays out, drawn_tables.py and drawn_charts.py draw the tables and charts, in a
process started ahead: ahead.py) or render_xlsx (openpyxl), the HTML's charts by charts.py
(matplotlib) → files written atomically. Only the renderers import the heavy libraries. It
imports paper/ (archival PDF), sheets/ (cells that stay data), record/ (the classes applied as
one commit), search/ (the index, whose facts source.py reads where there is one), access/ (who
may read which customer), git/ and archive/.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..access.rights import Reader
from ..archive.errors import UsageError
from ..archive.fsutil import atomic_write_bytes
from . import annual, credit, monthly, quarterly
from .period import Period, last_complete, parse_period
from .source import Dataset, load_dataset

KINDS = ("monthly", "quarterly", "credit", "annual")
FORMATS = ("pdf", "xlsx", "html")
_MODULES = {"monthly": monthly, "quarterly": quarterly, "credit": credit, "annual": annual}
# which periods each report accepts, and the kind of its default period
_PERIODS = {
    "monthly": (("month",), "month", "2026-10"),
    "quarterly": (("quarter",), "quarter", "2026-Q3"),
    "credit": (("month", "quarter", "half", "year"), "month", "2026-10, 2026-Q3, 2026-H1, 2025"),
    "annual": (("year", "half"), "year", "2025, 2026-H1"),
}


def resolve_period(kind: str, text: str | None, today: dt.date) -> Period:
    allowed, default, examples = _PERIODS[kind]
    if not text:
        return last_complete(default, today)
    period = parse_period(text)
    if period.kind not in allowed:
        raise UsageError("report-period-kind", report=kind, value=text, examples=examples)
    if period.start > today:
        raise UsageError("report-period-future", value=text, today=today.isoformat())
    return period


def load(kind: str, root: Path, period: Period, jobs: int | None = None, reader: Reader | None = None,
         use_index: bool = True) -> Dataset:
    """What the report reads (from the index where there is one, unless not `use_index`); with a
    `reader`, only the customers and items that person may read."""
    module = _MODULES[kind]
    return load_dataset(root, module.TYPES, module.years(period), jobs, reader, use_index)


def build(kind: str, data: Dataset, period: Period) -> Any:
    return _MODULES[kind].build(data, period)


def make_document(kind: str, report: Any, data: Dataset, lang: str, today: dt.date, letters: bool = False):
    from .document import annual_document, credit_document, monthly_document, quarterly_document

    if kind == "credit":
        return credit_document(report, data, lang, today, letters)
    layout = {"monthly": monthly_document, "quarterly": quarterly_document, "annual": annual_document}[kind]
    return layout(report, data, lang, today)


def render(doc, fmt: str, identifier: str = "", ahead=None) -> bytes:
    """`doc` as `fmt`; a PDF in the process `ahead` (ahead.PdfAhead) started, when given."""
    if fmt == "xlsx":
        from .render_xlsx import render_xlsx

        return render_xlsx(doc)
    if fmt == "pdf" and ahead is not None:
        return ahead.pdf(doc, identifier)
    if fmt == "pdf":
        from .render_pdf import document_pdf

        return document_pdf(doc, identifier)
    from .render_html import render_html

    return render_html(doc).encode("utf-8")


def file_name(kind: str, period: Period, lang: str, fmt: str) -> str:
    return f"{kind}-{period.label}.{lang}.{fmt}"


@dataclass(frozen=True)
class Written:
    report: Path
    letters: tuple[Path, ...] = ()


def write(kind: str, report: Any, data: Dataset, fmt: str, folder: Path, lang: str, today: dt.date,
          letters: bool = False, name: str | None = None, ahead=None) -> Written:
    """Render `report` and write it as `name` (default: named after the kind and period) into
    `folder`, and, for credit with `letters`, one 询证函 PDF per customer beside it; every file
    is written atomically. A PDF is made by `ahead` (ahead.PdfAhead), when given."""
    doc = make_document(kind, report, data, lang, today, letters)
    path = folder / (name or file_name(kind, report.period, lang, fmt))
    atomic_write_bytes(path, render(doc, fmt, path.stem, ahead))
    written_letters = []
    if letters and kind == "credit":
        written_letters = write_letters(report, data, folder, lang, today)
    return Written(path, tuple(written_letters))


def write_letters(report, data: Dataset, folder: Path, lang: str, today: dt.date) -> list[Path]:
    from ..paper.pdfa import Metadata
    from .render_html import html_to_pdf, render_letter_html

    paths = []
    for letter in report.letters:
        html = render_letter_html(letter, lang, data.organisation, today.isoformat())
        path = folder / f"letter-{report.period.label}-{letter.customer}.{lang}.pdf"
        meta = Metadata(title=f"询证函 {letter.number} {letter.name}", creator=data.organisation,
                        identifier=letter.number, subject=report.period.label, dates=(today.isoformat(),),
                        tool="Customer Dossier (dossier report credit --letters)")
        atomic_write_bytes(path, html_to_pdf(html, meta))
        paths.append(path)
    return paths
