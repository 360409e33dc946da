"""Reports as HTML (one self-contained file: styles inline, charts as SVG data URIs), and the
HTML that render_pdf.py lays out with WeasyPrint (its tables and charts as empty blocks that
it fills). Jinja2 templates live in templates_reports/.

WeasyPrint and matplotlib are imported inside the functions that need them.
"""

from __future__ import annotations

import base64
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from ..archive.errors import DossierError
from .labels import label
from .model import AMOUNT, DATE, INT, RATIO, Chart, Column, Document, Table
from .money import format_ratio, grouped

TEMPLATES = Path(__file__).resolve().parent.parent / "templates_reports"
PAGE_MARGINS_MM = (14, 12, 16, 12)  # top, right, bottom, left of the A4 landscape page (report.css)


def _css_string(value: object) -> Any:
    from markupsafe import Markup

    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ").replace("\n", " ")
    return Markup(text)


@lru_cache(maxsize=1)
def environment():
    """The one factory of the reports' Jinja environment and its filters."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["css_string"] = _css_string
    env.filters["grouped"] = grouped
    env.filters["svg_uri"] = svg_uri
    env.globals["cell"] = cell
    return env


def svg_uri(chart: Chart) -> str:
    from .charts import render_svg

    svg = render_svg(chart).encode("utf-8")
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def format_cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == AMOUNT and isinstance(value, Decimal):
        return grouped(value)
    if kind == RATIO and isinstance(value, Decimal):
        return format_ratio(value)
    if kind == DATE and hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def cell(row: dict, column: Column) -> Any:
    from markupsafe import Markup, escape

    value = row.get(column.key)
    text = format_cell(value, column.kind)
    classes = []
    if column.kind in (AMOUNT, RATIO, INT):
        classes.append("num")
        if isinstance(value, Decimal) and value < 0:
            classes.append("neg")
    elif column.wide:
        classes.append("wide")
    else:
        classes.append("nowrap")
    return Markup(f'<td class="{" ".join(classes)}">{escape(text)}</td>')


def _css(name: str) -> Any:
    from markupsafe import Markup

    return Markup((TEMPLATES / name).read_text(encoding="utf-8"))


def render_html(doc: Document, drawn: Callable[[Table | Chart], list | None] = lambda item: None) -> str:
    """The report as HTML. For the PDF, `drawn(item)` gives the empty blocks (render_pdf.Block)
    standing for a table or a chart; None keeps it as HTML (a chart as an SVG image)."""
    template = environment().get_template("report.html.j2")
    footer = footer_text(doc)
    margins = " ".join(f"{mm}mm" for mm in PAGE_MARGINS_MM)
    return template.render(doc=doc, css=_css("report.css"), footer=footer, rules_title=label("rules", doc.lang),
                           margins=margins, drawn=drawn)


def footer_text(doc: Document) -> str:
    """What the foot of every page says, in the middle (the page number is on the right)."""
    return " · ".join(part for part in (doc.organisation, doc.title, doc.period) if part)


def glyph_sheet_html(regular: str, bold: str, lang: str) -> str:
    """The glyph sheet of glyphs.py: `regular` on the first page, `bold` on the second, in the
    report's fonts."""
    template = environment().get_template("glyphs.html.j2")
    return template.render(css=_css("report.css"), lang=lang, regular=regular, bold=bold)


def render_letter_html(letter, lang: str, organisation: str, generated: str) -> str:
    template = environment().get_template("letter.html.j2")
    zero = Decimal("0.00")

    def t(key: str, **args: object) -> str:
        return label(key, lang, **args)

    return template.render(letter=letter, lang=lang, organisation=organisation or "", generated=generated,
                           manager=letter.manager, css=_css("letter.css"), t=t,
                           owed=lambda amount: grouped(amount) if amount > 0 else grouped(zero),
                           owing=lambda amount: grouped(-amount) if amount < 0 else grouped(zero))


def html_to_pdf(html: str, meta) -> bytes:
    """`html` as PDF/A-2b with the metadata `meta` (dossier/pdfa.py)."""
    from ..paper import pdfa

    weasyprint()  # a message, not a traceback, when it cannot be imported
    return pdfa.archival_pdf(html, str(TEMPLATES), meta)


def weasyprint():
    """The weasyprint module, imported only to make a PDF; without it, a message says so."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango or another system library is missing
        raise DossierError("report-no-weasyprint", detail=str(exc)) from None
    return weasyprint
